#ifndef BOILERSTRIP_SIMD_KERNELS_H
#define BOILERSTRIP_SIMD_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Which vector instructions the kernels use on this processor: 0 none (the Swift code does all the work), 2 AVX2,
/// 3 AVX-512 with byte permutes (F, BW, VBMI). 0 when BOILERSTRIP_NO_SIMD is set at the first call.
int boilerstrip_simd_level(void);

/// How many of the `count` bytes at `bytes` a JSON string can hold as they are, for sure: bytes that are not a
/// quote, a backslash or a control byte, forming whole, valid UTF-8 sequences (as strict as
/// `UTF8Validation.sequenceLength`: no overlong forms, no surrogates, nothing above U+10FFFF). The answer may stop
/// short of the first byte that breaks this (at the start of the block of 32 or 64 bytes that holds it, or of the
/// sequence that block's start cuts), never past it, and always at the start of a sequence: the caller goes on from
/// there byte by byte. 0 below level 2 (see `boilerstrip_simd_level`) or when `count` is under 64.
size_t boilerstrip_plain_prefix(const uint8_t *bytes, size_t count);

/// The same with the kernel of a given level (2 or 3), for tests; 0 when the processor has not got that level.
size_t boilerstrip_plain_prefix_using(int level, const uint8_t *bytes, size_t count);

/// How many of the `count` bytes at `bytes` are, for sure, part of a JSON string's body: what
/// `boilerstrip_plain_prefix` takes, and whole escapes (`\\n`, `\\"`, `\\u00e9`…) between. It may stop short
/// of the first byte that breaks this (a quote no escape takes, a control byte, invalid UTF-8, a backslash that
/// begins no valid escape) as that kernel does, never past it, and always where a sequence or an escape begins; it
/// stops at a quote that ends the body. 0 below level 2 or when `count` is under 64.
size_t boilerstrip_string_prefix(const uint8_t *bytes, size_t count);

/// The same with the kernel of a given level (2 or 3), for tests; 0 when the processor has not got that level.
size_t boilerstrip_string_prefix_using(int level, const uint8_t *bytes, size_t count);

/// Copies the `count` bytes at `source` to `target` up to the first backslash (a JSON escape); returns how many
/// it copied (`count` when there is none). Reads and writes nothing past `count` bytes. Any level (memchr and
/// memcpy below level 2).
size_t boilerstrip_copy_run(uint8_t *target, const uint8_t *source, size_t count);

/// The same at a given level (0, 2 or 3; at most the processor's), for tests.
size_t boilerstrip_copy_run_using(int level, uint8_t *target, const uint8_t *source, size_t count);

/// A few bytes that `boilerstrip_line_breaks` notes with the line breaks: at most four, neither LF nor CR, no two
/// with the same low six bits. `table[b & 63] == b` exactly for them; `bytes` holds them, the rest LF.
typedef struct {
    uint8_t table[64];
    uint8_t bytes[4];
    uint8_t count;
} boilerstrip_marks;

/// Fills `marks` with the `count` distinct `bytes`; returns 0, with none marked, when they are more than four, LF or
/// CR, or two share their low six bits.
int boilerstrip_marks_init(boilerstrip_marks *marks, const uint8_t *bytes, size_t count);

/// The positions of the line feeds, the carriage returns and the bytes of `marks` (NULL: none) in
/// `bytes[from..<count]`, in order, written to `positions` (room for `capacity`, at least 64); returns how many, and in
/// `*resume` where the search stopped: `count`, or the first byte it had no room left to look at. Any level (a byte at
/// a time below level 2).
size_t boilerstrip_line_breaks(const uint8_t *bytes, size_t from, size_t count, const boilerstrip_marks *marks,
                               size_t *positions, size_t capacity, size_t *resume);

/// The same with the kernel of a given level (0, 2 or 3; at most the processor's), for tests.
size_t boilerstrip_line_breaks_using(int level, const uint8_t *bytes, size_t from, size_t count,
                                     const boilerstrip_marks *marks, size_t *positions, size_t capacity, size_t *resume);

/// The first byte of the walk back from `position` in `bytes` (`count` of them) over `budget` bytes whose cost
/// (`costs[b]`, 0 or 1; 0 for every byte that continues a character) is 1, and any number of bytes of cost 0, no
/// further than `lower_bound`: right after the first costly byte the budget does not cover, or `lower_bound`; then
/// back to the start of the character there (`MatchReach.floor`). Any level (eight bytes a step below level 3).
size_t boilerstrip_cost_floor(const uint8_t *bytes, size_t count, size_t position, size_t budget, size_t lower_bound,
                              const uint8_t *costs);

/// The same with the kernel of a given level (0 or 3; at most the processor's), for tests.
size_t boilerstrip_cost_floor_using(int level, const uint8_t *bytes, size_t count, size_t position, size_t budget,
                                    size_t lower_bound, const uint8_t *costs);

/// How many hashes the vector filter takes of each window (`boilerstrip_shift_or`).
#define BOILERSTRIP_FILTER_HASHES 5

/// The tables of the vector filter (`LiteralFilter`'s own, read only). A window's slot under hash `k` is the low seven
/// bits of M(k, 0)·last ⊕ M(k, 1)·middle ⊕ M(k, 2)·first, each M a GF(2) matrix applied to a byte as `gf2p8affineqb`
/// applies `matrices[3 * k + place]` (the row of result bit `i` in byte `7 - i`; no row reads bit 5, the bit folding
/// sets), `last` and `middle` the window's bytes as they are and `first` its first byte through `first`.
typedef struct {
    /// Byte `j` of the reach of each of the 128 slots of hash `k`, at `reach[(8 * k + j) * 128 + slot]` (a 0 bit: a
    /// bucket's literal may have the window there); the tables of lanes a hash does not fill are not read.
    const uint8_t *reach;
    /// Each byte as the first of a window: folded, then collapsed (`LiteralFilter`'s collapse).
    const uint8_t *first;
    const uint64_t *matrices;
    /// The buckets (a bit each) whose literals no word byte may follow: closed at a position a word byte follows.
    uint16_t after_buckets;
} boilerstrip_filter_tables;

/// The bits of the 64-bit reach that hash `k` fills: its lanes (the top lane is bits 48-63).
uint64_t boilerstrip_filter_hash_lanes(int hash);

/// Whether the processor runs `boilerstrip_shift_or`: AVX-512 with byte permutes (level 3), GFNI, BMI and BMI2.
int boilerstrip_vector_filter_available(void);

/// The screen's shift-or filter over the positions `start..<start + count` of the `length` bytes at `bytes` (`count` a
/// multiple of 64, or reaching the end of the text; `start` at least 2: each window reads the two bytes before it), as
/// `LiteralFilter.filter` steps through them, but each window's reach the or of its reaches under the hashes of
/// `tables` (not the Swift loop's one table), and the `after_buckets` closed at a position a word byte follows (the
/// byte after the text is none): `*state` the shift-or state before `start`, and after the call the one after the last
/// position (without the closed buckets) where `count` is a multiple of 64 (else, at the text's end, unchanged).
/// Writes an entry (the top lane in place | the position) for each position with an open bucket, in order, into `out`,
/// which has room for `count + 8` entries (entries past the last are written); returns how many. Returns 0 and does
/// nothing where `boilerstrip_vector_filter_available` is 0.
size_t boilerstrip_shift_or(const uint8_t *bytes, size_t start, size_t count, size_t length,
                            const boilerstrip_filter_tables *tables, uint64_t *state, uint64_t *out);

/// The tables of the screen's confirmation (`LiteralFilter`'s own, read only).
typedef struct {
    /// Each byte folded (`Screen.fold`), and its window hashes (`LiteralFilter.byteHashes`).
    const uint8_t *fold;
    const uint64_t *byte_hashes;
    /// The bits of a slot, and the byte that stands before the text in a window.
    uint64_t slot_mask;
    uint8_t non_word;
    /// The entries of the lists that are not empty, by slot then bucket, list `k` being entries `list_start[k]..<
    /// list_start[k + 1]`; `slot_lists[s]`: the index of slot `s`'s first list | a bit for each bucket with a list
    /// there << 32. Entry `e` is three words, `entries[3 * e]`: pattern | length << 24 | bucket << 32 | the flags
    /// below, `entries[3 * e + 1]`: its last eight bytes folded, the last first (zeros before its start), and
    /// `entries[3 * e + 2]`: the same of its exact bytes (0 without).
    const uint64_t *slot_lists;
    const int32_t *list_start;
    const uint64_t *entries;
    /// Pattern `p`'s folded bytes are `pattern_bytes[pattern_start[p]..<exact_start[p]]`, followed by its exact
    /// bytes when it has them.
    const int32_t *pattern_start;
    const int32_t *exact_start;
    const uint8_t *pattern_bytes;
    /// `1 << BOILERSTRIP_SUFFIX_BITS` bucket masks: bit `b` of `suffix_buckets[s]` is set when bucket `b` has a literal
    /// whose last bytes of its class (`boilerstrip_suffix_class`), folded, hash to `s` (`boilerstrip_suffix_slot`).
    const uint16_t *suffix_buckets;
    /// Per pattern, for one filtered by a window inside it rather than at its end (an entry with
    /// `BOILERSTRIP_CONFIRM_ANCHORED`, whose length, last bytes and suffix class are those of its bytes up to that
    /// window): how many of its bytes follow the window (bits 0-6), and whether no word byte may follow it (bit 7).
    const uint8_t *anchors;
} boilerstrip_confirm_tables;

/// The bits of a suffix slot, and how many classes of literal ends there are (the last 2, 4, 6 and 8 bytes).
#define BOILERSTRIP_SUFFIX_BITS 13
#define BOILERSTRIP_SUFFIX_CLASSES 4

/// The suffix slot of class `k` of `tail` (eight bytes folded, the last first, as the confirmation reads a text's):
/// the hash the tables are built with and the confirmation looks up.
uint64_t boilerstrip_suffix_slot(uint64_t tail, int k);

/// The class of a literal of `length` bytes (at least two): the longest class whose length it has.
int boilerstrip_suffix_class(size_t length);

/// An entry's flags: no word byte may follow the literal, it must have its exact bytes, it is longer than eight bytes,
/// no word byte may precede it; it is anchored (`anchors`). (A hit carries the exact and long flags 24 bits up, and
/// the anchored one at bit 60, while its third pass reads them.)
#define BOILERSTRIP_CONFIRM_AFTER (1ULL << 36)
#define BOILERSTRIP_CONFIRM_EXACT (1ULL << 37)
#define BOILERSTRIP_CONFIRM_LONG (1ULL << 38)
#define BOILERSTRIP_CONFIRM_BEFORE (1ULL << 39)
#define BOILERSTRIP_CONFIRM_ANCHORED (1ULL << 23)

/// The positions `boilerstrip_confirm` takes at a time, and the words of work space it needs (eight a position, and one).
#define BOILERSTRIP_CONFIRM_CHUNK 96
#define BOILERSTRIP_CONFIRM_WORK_WORDS 769  /* 8 * BOILERSTRIP_CONFIRM_CHUNK + 1 */

/// Eight bytes folded at once, as `Screen.fold` folds each (0x20 set in the bytes 0x41–0x5A and 0x80–0x9E).
uint64_t boilerstrip_fold8(uint64_t word);

/// The literals that end at the positions the shift-or filter let through (`flagged`: `n` entries of the top lane
/// in place | the position, as `boilerstrip_shift_or` writes them) in `bytes[0..<count]`, or whose anchor window ends
/// there: writes a hit (pattern << 40 | the position of its last byte) for each, in order of position (of the anchor)
/// then entry, into `hits`, and returns how many. Stops before a position whose slot's entries (four at least) would
/// not all fit in the `room` left with eight words to spare (`hits` is its work space up to there); `*consumed` tells
/// how many positions it took. `work` has room for `BOILERSTRIP_CONFIRM_WORK_WORDS` words. Any processor (plain C; the
/// pairs checked eight at a time with AVX-512).
size_t boilerstrip_confirm(const uint8_t *bytes, size_t count, const uint64_t *flagged, size_t n,
                           const boilerstrip_confirm_tables *tables, uint64_t *work, uint64_t *hits, size_t room,
                           size_t *consumed);

/// The same at a given level (0, 2 or 3; at most the processor's), for tests.
size_t boilerstrip_confirm_using(int level, const uint8_t *bytes, size_t count, const uint64_t *flagged, size_t n,
                                 const boilerstrip_confirm_tables *tables, uint64_t *work, uint64_t *hits, size_t room,
                                 size_t *consumed);

/// The first position in `start...last` whose byte or-ed with 0x20 is `first` (a letter as `Screen.isLetter` has it:
/// `Screen.fold` maps exactly it and `first - 0x20` to it), and, when `count` `seconds` are given, whose next byte
/// folds to one of them (or-ed with 0x20 where the second is such a letter; as it is else); `last + 1` when none. The
/// byte after `last` is read when `count` is not 0. Any level: 64 positions a step at level 3 (up to four seconds),
/// eight below.
size_t boilerstrip_first_folded(const uint8_t *base, size_t start, size_t last, uint8_t first, const uint8_t *seconds,
                                size_t count);

/// The first position in `start..<end` whose byte is one of the `count` `bytes`, `bytes[i]` followed (before `end`) by
/// `seconds[i]` where that is not 0; `end` when none. Any level: 64 positions a step at level 3 (up to four bytes; the
/// last step under a mask), eight below where no byte is followed, else one at a time.
size_t boilerstrip_first_of_followed(const uint8_t *base, size_t start, size_t end, const uint8_t *bytes, const uint8_t *seconds,
                                     size_t count);

/// The same with the kernel of a given level (0 or 3; at most the processor's), for tests.
size_t boilerstrip_first_of_followed_using(int level, const uint8_t *base, size_t start, size_t end, const uint8_t *bytes,
                                           const uint8_t *seconds, size_t count);

/// The same with the kernel of a given level (0 or 3; at most the processor's), for tests.
size_t boilerstrip_first_folded_using(int level, const uint8_t *base, size_t start, size_t last, uint8_t first,
                                      const uint8_t *seconds, size_t count);

#endif
