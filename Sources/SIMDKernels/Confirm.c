// The screen's confirmation (LiteralFilter.occurrences in Swift): which literals end at the positions the shift-or
// filter let through. Scalar C on every processor, written without branches on the data where it can: a position let
// through is confirmed or not about as often as not, and branching on it cost a mispredicted jump at every other
// one (and the wait for the loads before it). Three passes over a block of positions:
//   1. each position's window slot, its last eight bytes as they are and folded, whether a word byte follows it, and
//      the range of the entries of its open buckets;
//   2. every (position, entry) pair in one flat loop, the hit written each time and kept when the entry's bucket is
//      open, its last eight bytes are the text's (in their exact spelling where it has one), it fits before the
//      position and no word byte stands next to it where it is bounded (before, after);
//   3. the hits of literals longer than eight bytes checked one by one for the bytes before their last eight.
#include "SIMDKernels.h"

#include <string.h>

// The last eight bytes are read as one word and byte-swapped so that the last comes first: little-endian only.
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "Confirm.c reads words as little-endian"
#endif

// Eight bytes folded at once, as Screen.fold folds each: 0x20 set in the bytes 0x41-0x5A and 0x80-0x9E.
static inline uint64_t fold8(uint64_t word) {
    const uint64_t highs = 0x8080808080808080ULL, low = word & ~highs;
    const uint64_t from41 = low + 0x3F3F3F3F3F3F3F3FULL, from5B = low + 0x2525252525252525ULL,
                   from1F = low + 0x6161616161616161ULL;
    const uint64_t capital = from41 & ~from5B & ~word & highs, upper = ~from1F & word & highs;
    return word | (capital | upper) >> 2;
}

uint64_t boilerstrip_fold8(uint64_t word) { return fold8(word); }

// 1 for an ASCII letter, digit or `_` (what `ScreenLiteral.isWordByte` says), by arithmetic.
static inline uint64_t is_word_byte(uint8_t byte) {
    return (uint64_t)((uint8_t)((byte | 0x20) - 'a') < 26) | (uint64_t)((uint8_t)(byte - '0') < 10) | (uint64_t)(byte == '_');
}

// The slot of the window ending at `at`, and the last eight bytes there as they are and folded, the last first
// (zeros before the text; the start of the text stands for non-word bytes in the window).
static inline void window(const uint8_t *bytes, size_t at, const boilerstrip_confirm_tables *tables, uint64_t *slot,
                          uint64_t *raw, uint64_t *tail) {
    const uint64_t *hashes = tables->byte_hashes;
    if (at >= 7) {
        uint64_t word;
        memcpy(&word, bytes + at - 7, 8);
        *raw = __builtin_bswap64(word);  // the window's three bytes are its low three
        *slot = (hashes[*raw & 0xFF] ^ hashes[*raw >> 8 & 0xFF] >> 16 ^ hashes[*raw >> 16 & 0xFF] >> 32) & tables->slot_mask;
        *tail = fold8(*raw);
        return;
    }
    const uint64_t before = at >= 1 ? hashes[bytes[at - 1]] : hashes[tables->non_word],
                   first = at >= 2 ? hashes[bytes[at - 2]] : hashes[tables->non_word];
    *slot = (hashes[bytes[at]] ^ before >> 16 ^ first >> 32) & tables->slot_mask;
    uint64_t word = 0;
    for (size_t back = 0; back <= at; back++) word |= (uint64_t)bytes[at - back] << (8 * back);
    *raw = word;
    *tail = fold8(word);
}

// Whether a literal longer than eight bytes ending at `at` (its last eight checked) has its folded bytes before them,
// and its exact ones where it has them.
static int fits_before_last_eight(const uint8_t *bytes, size_t at, size_t pattern, int exact_case,
                                  const boilerstrip_confirm_tables *tables) {
    const int32_t from = tables->pattern_start[pattern], exact = tables->exact_start[pattern];
    const size_t length = (size_t)(exact - from), start = at + 1 - length;
    for (size_t offset = 0; offset + 8 < length; offset++) {
        if (tables->fold[bytes[start + offset]] != tables->pattern_bytes[(size_t)from + offset]) return 0;
        if (exact_case && bytes[start + offset] != tables->pattern_bytes[(size_t)exact + offset]) return 0;
    }
    return 1;
}

// The three passes over at most BOILERSTRIP_CONFIRM_CHUNK positions.
static inline __attribute__((always_inline)) size_t
confirm_chunk(const uint8_t *bytes, size_t count, const uint64_t *flagged, size_t n, const boilerstrip_confirm_tables *tables,
              uint64_t *work, uint64_t *hits, size_t room, size_t *consumed) {
    uint64_t *ats = work, *opens = work + n, *tails = work + 2 * n, *raws = work + 3 * n, *afters = work + 4 * n,
             *starts = work + 5 * n, *ends = work + 6 * n + 1;
    // 1. Positions, as many as the room for their entries allows.
    size_t m = 0, total = 0;
    for (; m < n; m++) {
        const uint64_t entry = flagged[m];
        const size_t at = entry & 0xFFFFFFFFFFFFULL;
        uint64_t slot, raw, tail;
        window(bytes, at, tables, &slot, &raw, &tail);
        // The lists from the lowest open bucket's to the highest's (the open ones, and the closed ones between,
        // which the next pass skips). Each open bucket has a list in the slot: its bit in the top lane is the slot's.
        const uint64_t open = ~entry >> 48 & 0xFFFF, lists = tables->slot_lists[slot];
        const uint64_t with_list = lists >> 32, first = lists & 0xFFFFFFFF;
        const uint64_t low = first + (uint64_t)__builtin_popcountll(with_list & (open & (0 - open)) - 1);
        const uint64_t high = first + (uint64_t)__builtin_popcountll(with_list & ((1ULL << (63 - __builtin_clzll(open))) - 1));
        const size_t start = (size_t)tables->list_start[low], end = (size_t)tables->list_start[high + 1];
        if (total + (end - start) > room) break;
        total += end - start;
        ats[m] = at;
        opens[m] = open;
        tails[m] = tail;
        raws[m] = raw;
        afters[m] = at + 1 < count ? is_word_byte(bytes[at + 1]) : 0;
        starts[m] = start;
        ends[m] = end;
    }
    *consumed = m;
    starts[m] = 0;  // read (and not used) as the loop below steps past the last position
    // 2. Every (position, entry) pair (every position has at least one): kept when the entry's bucket is open, its
    // last eight bytes are the text's (folded, and as they are for an exact spelling), it fits before the position
    // and no word byte stands before (after) it where it is bounded before (after). The filter's front window does
    // not make sure of the byte before: it is hashed, and a long literal's front is out of its reach.
    size_t written = 0;
    const uint64_t *entries = tables->entries;
    for (size_t position = 0, index = m ? (size_t)starts[0] : 0; position < m;) {
        const uint64_t entry = entries[3 * index], last = entries[3 * index + 1], spelled = entries[3 * index + 2];
        const uint64_t length = (entry >> 24) & 0xFF, at = ats[position];
        const uint64_t mask = length >= 8 ? ~0ULL : (1ULL << (8 * length)) - 1;
        const uint64_t exact = (entry & BOILERSTRIP_CONFIRM_EXACT) != 0, after = (entry & BOILERSTRIP_CONFIRM_AFTER) != 0,
                       before = (entry & BOILERSTRIP_CONFIRM_BEFORE) != 0;
        // The byte before the literal, when one stands there (its own last byte otherwise, read and not used).
        const uint64_t has_front = length < at + 1;
        const uint64_t word_before = has_front & is_word_byte(bytes[has_front ? at - length : at]);
        const uint64_t fits = (opens[position] >> ((entry >> 32) & 0xF) & 1) & ((tails[position] & mask) == last) &
                              (length <= at + 1) & ((exact ^ 1) | ((raws[position] & mask) == spelled)) &
                              ((after & afters[position]) ^ 1) & ((before & word_before) ^ 1);
        hits[written] = (entry & 0xFFFFF) << 40 | at | (entry & (BOILERSTRIP_CONFIRM_LONG | BOILERSTRIP_CONFIRM_EXACT)) << 24;
        written += fits;
        index++;
        const size_t next = index == ends[position];
        position += next;
        const size_t following = (size_t)starts[position];
        index = next ? following : index;
    }
    // 3. The bytes before the last eight of a longer literal, the hits kept in place.
    size_t kept = 0;
    for (size_t hit = 0; hit < written; hit++) {
        const uint64_t value = hits[hit];
        if ((value & BOILERSTRIP_CONFIRM_LONG << 24) &&
            !fits_before_last_eight(bytes, value & 0xFFFFFFFFFFULL, (value >> 40) & 0xFFFFF,
                                    (value & BOILERSTRIP_CONFIRM_EXACT << 24) != 0, tables))
            continue;
        hits[kept++] = value & 0x0FFFFFFFFFFFFFFFULL;
    }
    return kept;
}

// The positions a chunk at a time, so that the passes' arrays (seven words a position) take a fixed 5 KB whatever the
// block: a block of text lets through about 80 positions on news text, but up to 4,088 on one made of literals.
static inline __attribute__((always_inline)) size_t
confirm(const uint8_t *bytes, size_t count, const uint64_t *flagged, size_t n, const boilerstrip_confirm_tables *tables,
        uint64_t *work, uint64_t *hits, size_t room, size_t *consumed) {
    size_t done = 0, written = 0;
    while (done < n) {
        const size_t chunk = n - done < BOILERSTRIP_CONFIRM_CHUNK ? n - done : BOILERSTRIP_CONFIRM_CHUNK;
        size_t taken = 0;
        written += confirm_chunk(bytes, count, flagged + done, chunk, tables, work, hits + written, room - written, &taken);
        done += taken;
        if (taken < chunk) break;  // no room for the next position's entries
    }
    *consumed = done;
    return written;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
// Compiled for the baseline x86-64, counting bits takes a dozen instructions: where the processor has AVX2 it also
// has the instructions that count bits and leading zeros (and BMI), and this copy uses them.
__attribute__((target("popcnt,lzcnt,bmi,bmi2"))) static size_t
confirm_bmi(const uint8_t *bytes, size_t count, const uint64_t *flagged, size_t n, const boilerstrip_confirm_tables *tables,
            uint64_t *work, uint64_t *hits, size_t room, size_t *consumed) {
    return confirm(bytes, count, flagged, n, tables, work, hits, room, consumed);
}
#endif

size_t boilerstrip_confirm(const uint8_t *bytes, size_t count, const uint64_t *flagged, size_t n,
                           const boilerstrip_confirm_tables *tables, uint64_t *work, uint64_t *hits, size_t room,
                           size_t *consumed) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (boilerstrip_simd_level() >= 2) return confirm_bmi(bytes, count, flagged, n, tables, work, hits, room, consumed);
#endif
    return confirm(bytes, count, flagged, n, tables, work, hits, room, consumed);
}

_Static_assert(BOILERSTRIP_CONFIRM_WORK_WORDS == 7 * BOILERSTRIP_CONFIRM_CHUNK + 1, "the work space of a chunk");
