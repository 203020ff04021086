// The screen's confirmation (LiteralFilter.occurrences in Swift): which literals end at the positions the shift-or
// filter let through. Plain C on every processor (with AVX-512, the pairs' check eight at a time), written without
// branches on the data where it can: a position let through is confirmed or not about as often as not, and branching
// on it cost a mispredicted jump at every other one (and the wait for the loads before it). Four passes over a block of
// positions:
//   0. each position's last eight bytes as they are and folded, and its open buckets that have a literal whose last
//      bytes hash as the text's there and whose last window has the slot of the text's (most positions let through
//      have none: their windows only share slots with a literal's, and they go no further; the vector filter's
//      slots are not the confirmation's, and its open buckets may have no list in the window's slot);
//   1. for the others, whether a word byte follows, and the range of the entries of their buckets;
//   2. every (position, entry) pair, in one loop that walks the ranges (with AVX-512: each pair written out, and
//      checked eight at a time), the hit written each time and kept when the entry's bucket is open, its last eight
//      bytes are the text's (in their exact spelling where it has one), it fits before the position and no word byte
//      stands next to it where it is bounded (before, after);
//   3. the hits of literals longer than eight bytes checked one by one for the bytes before their last eight, and
//      those of anchored literals (filtered by a window inside them: their entry stands for their bytes up to it)
//      for their whole bytes, and the boundary after them, and moved to their end.
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

// The last eight bytes up to `at`, the last first (zeros before the text).
static inline uint64_t last_eight(const uint8_t *bytes, size_t at) {
    if (at >= 7) {
        uint64_t word;
        memcpy(&word, bytes + at - 7, 8);
        return __builtin_bswap64(word);
    }
    uint64_t word = 0;
    for (size_t back = 0; back <= at; back++) word |= (uint64_t)bytes[at - back] << (8 * back);
    return word;
}

// The slot of the window ending at `at`, whose last eight bytes are `raw` (the start of the text stands for non-word
// bytes in the window).
static inline uint64_t window_slot(uint64_t raw, size_t at, const boilerstrip_confirm_tables *tables) {
    const uint64_t *hashes = tables->byte_hashes;
    const uint64_t before = at >= 1 ? hashes[raw >> 8 & 0xFF] : hashes[tables->non_word],
                   first = at >= 2 ? hashes[raw >> 16 & 0xFF] : hashes[tables->non_word];
    return (hashes[raw & 0xFF] ^ before >> 16 ^ first >> 32) & tables->slot_mask;
}

// The lengths of the classes of literal ends, and the odd multiplier that hashes each (the top bits of the product).
static const uint64_t suffix_lengths[BOILERSTRIP_SUFFIX_CLASSES] = {2, 4, 6, 8};
static const uint64_t suffix_multipliers[BOILERSTRIP_SUFFIX_CLASSES] = {
    0x9E3779B97F4A7C15ULL, 0xC2B2AE3D27D4EB4FULL, 0x165667B19E3779F9ULL, 0xD6E8FEB86659FD93ULL};

static inline uint64_t suffix_slot(uint64_t tail, int k) {
    const uint64_t end = suffix_lengths[k] >= 8 ? tail : tail & ((1ULL << (8 * suffix_lengths[k])) - 1);
    return (end * suffix_multipliers[k]) >> (64 - BOILERSTRIP_SUFFIX_BITS);
}

uint64_t boilerstrip_suffix_slot(uint64_t tail, int k) { return suffix_slot(tail, k); }

int boilerstrip_suffix_class(size_t length) {
    int k = 0;
    while (k + 1 < BOILERSTRIP_SUFFIX_CLASSES && suffix_lengths[k + 1] <= length) k++;
    return k;
}

// The buckets with a literal whose last bytes (of its class) hash as the last bytes of `tail` do.
static inline uint64_t suffix_buckets(uint64_t tail, const boilerstrip_confirm_tables *tables) {
    const uint16_t *buckets = tables->suffix_buckets;
    uint64_t found = 0;
    for (int k = 0; k < BOILERSTRIP_SUFFIX_CLASSES; k++) found |= buckets[suffix_slot(tail, k)];
    return found;
}

// Whether a literal ending at `end` (its start in the text) has its folded bytes, and its exact ones where it has them,
// all but its last `known` (the entry compared them: its last eight for a longer literal; none for an anchored one,
// whose entry compared its bytes up to the anchor). Eight bytes a step, the last step under a mask: a byte at a time
// took a fifth of the confirmation's time in its last pass. `pattern_bytes` has eight bytes after its last pattern.
static int fits(const uint8_t *bytes, size_t count, size_t end, size_t pattern, int exact_case, size_t known,
                const boilerstrip_confirm_tables *tables) {
    const int32_t from = tables->pattern_start[pattern], exact = tables->exact_start[pattern];
    const size_t length = (size_t)(exact - from), start = end + 1 - length, compared = length - known;
    for (size_t offset = 0; offset < compared; offset += 8) {
        const size_t left = compared - offset;
        const uint64_t mask = left >= 8 ? ~0ULL : (1ULL << (8 * left)) - 1;
        uint64_t text = 0, folded, spelled;
        if (start + offset + 8 <= count) {
            memcpy(&text, bytes + start + offset, 8);
        } else {  // an anchored literal at the end of the text
            for (size_t k = 0; k < left && k < 8; k++) text |= (uint64_t)bytes[start + offset + k] << (8 * k);
        }
        memcpy(&folded, tables->pattern_bytes + (size_t)from + offset, 8);
        memcpy(&spelled, tables->pattern_bytes + (size_t)exact + offset, 8);
        if (((fold8(text) ^ folded) & mask) != 0 || (exact_case && ((text ^ spelled) & mask) != 0)) return 0;
    }
    return 1;
}

// A chunk's facts of the positions that passed its first pass, by position: where it is, its open buckets, its last
// eight bytes folded and as they are, whether a word byte follows, and its slot's lists (then its list range's start).
typedef struct {
    uint64_t *ats, *opens, *tails, *raws, *afters, *starts;
} position_facts;

static inline __attribute__((always_inline)) uint64_t hit_of(uint64_t entry, uint64_t at) {
    return (entry & 0xFFFFF) << 40 | at | (entry & (BOILERSTRIP_CONFIRM_LONG | BOILERSTRIP_CONFIRM_EXACT)) << 24 |
           (entry & BOILERSTRIP_CONFIRM_ANCHORED) << 37;
}

// 2. Whether the literal of entry `index` ends at position `position` (`*hit`: its hit, written whether or not): its
// bucket is open, its last eight bytes are the text's (folded, and as they are for an exact spelling), it fits before
// the position and no word byte stands before (after) it where it is bounded before (after). The filter's front window
// does not make sure of the byte before: it is hashed, and a long literal's front is out of its reach. No branch.
static inline __attribute__((always_inline)) uint64_t
pair_fits(const uint8_t *bytes, const boilerstrip_confirm_tables *tables, position_facts facts, size_t position, size_t index,
          uint64_t *hit) {
    const uint64_t *entries = tables->entries;
    const uint64_t entry = entries[3 * index], last = entries[3 * index + 1], spelled = entries[3 * index + 2];
    const uint64_t length = (entry >> 24) & 0xFF, at = facts.ats[position];
    const uint64_t mask = length >= 8 ? ~0ULL : (1ULL << (8 * length)) - 1;
    const uint64_t exact = (entry & BOILERSTRIP_CONFIRM_EXACT) != 0, after = (entry & BOILERSTRIP_CONFIRM_AFTER) != 0,
                   before = (entry & BOILERSTRIP_CONFIRM_BEFORE) != 0;
    // The byte before the literal, when one stands there (its own last byte otherwise, read and not used).
    const uint64_t has_front = length < at + 1;
    const uint64_t word_before = has_front & is_word_byte(bytes[has_front ? at - length : at]);
    *hit = hit_of(entry, at);
    return (facts.opens[position] >> ((entry >> 32) & 0xF) & 1) & ((facts.tails[position] & mask) == last) &
           (length <= at + 1) & ((exact ^ 1) | ((facts.raws[position] & mask) == spelled)) &
           ((after & facts.afters[position]) ^ 1) & ((before & word_before) ^ 1);
}

// The entries of a position's open buckets: from the lowest open bucket's list to the highest's (the open ones, and
// the closed ones between, which the pairs' check turns down). Each open bucket has a list in the slot (the first
// pass kept no other).
static inline __attribute__((always_inline)) void
list_range(uint64_t open, uint64_t lists, const boilerstrip_confirm_tables *tables, size_t *start, size_t *end) {
    const uint64_t with_list = lists >> 32, first = lists & 0xFFFFFFFF;
    const uint64_t low = first + (uint64_t)__builtin_popcountll(with_list & (open & (0 - open)) - 1);
    const uint64_t high = first + (uint64_t)__builtin_popcountll(with_list & ((1ULL << (63 - __builtin_clzll(open))) - 1));
    *start = (size_t)tables->list_start[low];
    *end = (size_t)tables->list_start[high + 1];
}

// 1 and 2 without vectors: the list range of each position that passed, as many as `room` allows (their count in
// `*taken`), then every (position, entry) pair in one loop that walks the lists one after the other (every position
// has at least one entry), the hit written each time and kept by the count (no branch on whether it fits).
static inline __attribute__((always_inline)) size_t
walk_lists(const uint8_t *bytes, size_t count, const boilerstrip_confirm_tables *tables, position_facts facts, uint64_t *ends,
           size_t passed, uint64_t *hits, size_t room, size_t *taken) {
    size_t m = 0, total = 0;
    for (; m < passed; m++) {
        size_t start, end;
        list_range(facts.opens[m], facts.starts[m], tables, &start, &end);
        if (total + (end - start) > room) break;
        total += end - start;
        facts.afters[m] = facts.ats[m] + 1 < count ? is_word_byte(bytes[facts.ats[m] + 1]) : 0;
        facts.starts[m] = start;
        ends[m] = end;
    }
    *taken = m;
    facts.starts[m] = 0;  // read (and not used) as the loop below steps past the last position
    size_t written = 0;
    for (size_t position = 0, index = m ? (size_t)facts.starts[0] : 0; position < m;) {
        uint64_t hit;
        const uint64_t fits = pair_fits(bytes, tables, facts, position, index, &hit);
        hits[written] = hit;
        written += fits;
        index++;
        const size_t next = index == ends[position];
        position += next;
        const size_t following = (size_t)facts.starts[position];
        index = next ? following : index;
    }
    return written;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define CONFIRM512 __attribute__((target("avx512f,popcnt,lzcnt,bmi,bmi2")))

// 2 with AVX-512F: the `total` (position << 32 | entry) pairs written into `hits` (with eight words of room past them)
// checked as `pair_fits` checks one, eight a step: their entries and their positions' facts gathered, the tests as
// masks, the hits kept packed to the front of a vector (a compress in a register: to memory it is slow on AMD's cores)
// and stored whole, over pairs already read; returns how many. The byte before each literal is read as the top byte of
// the four ending there; where fewer than four bytes stand before it, a byte at a time. For a text of eight bytes or
// more (a shorter one's lists are walked).
static CONFIRM512 size_t check_pairs_avx512(const uint8_t *bytes, size_t count, const boilerstrip_confirm_tables *tables, position_facts facts,
                   uint64_t *hits, size_t total) {
    const __m512i low32 = _mm512_set1_epi64(0xFFFFFFFF), byte = _mm512_set1_epi64(0xFF), one = _mm512_set1_epi64(1),
                  eight = _mm512_set1_epi64(8), ones = _mm512_set1_epi64(-1), sixty_four = _mm512_set1_epi64(64),
                  bucket_bits = _mm512_set1_epi64(0xF), three = _mm512_set1_epi64(3),
                  exact_flag = _mm512_set1_epi64((long long)BOILERSTRIP_CONFIRM_EXACT),
                  after_flag = _mm512_set1_epi64((long long)BOILERSTRIP_CONFIRM_AFTER),
                  before_flag = _mm512_set1_epi64((long long)BOILERSTRIP_CONFIRM_BEFORE),
                  pattern_bits = _mm512_set1_epi64(0xFFFFF),
                  flags24 = _mm512_set1_epi64((long long)(BOILERSTRIP_CONFIRM_LONG | BOILERSTRIP_CONFIRM_EXACT)),
                  anchored_flag = _mm512_set1_epi64((long long)BOILERSTRIP_CONFIRM_ANCHORED),
                  space = _mm512_set1_epi64(0x20), small_a = _mm512_set1_epi64('a'), letters = _mm512_set1_epi64(26),
                  zero_digit = _mm512_set1_epi64('0'), digits = _mm512_set1_epi64(10), underscore = _mm512_set1_epi64('_');
    const long long *entries = (const long long *)tables->entries;
    size_t written = 0;
    for (size_t pair = 0; pair < total; pair += 8) {
        const __mmask8 live = total - pair >= 8 ? 0xFF : (__mmask8)((1u << (total - pair)) - 1);
        const __m512i both = _mm512_maskz_loadu_epi64(live, hits + pair);
        const __m512i position = _mm512_srli_epi64(both, 32), index = _mm512_and_si512(both, low32);
        const __m512i slot = _mm512_add_epi64(_mm512_slli_epi64(index, 1), index);
        const __m512i zero = _mm512_setzero_si512();
        const __m512i entry = _mm512_mask_i64gather_epi64(zero, live, slot, entries, 8);
        const __m512i last = _mm512_mask_i64gather_epi64(zero, live, slot, entries + 1, 8);
        const __m512i spelled = _mm512_mask_i64gather_epi64(zero, live, slot, entries + 2, 8);
        const __m512i at = _mm512_mask_i64gather_epi64(zero, live, position, (const long long *)facts.ats, 8);
        const __m512i open = _mm512_mask_i64gather_epi64(zero, live, position, (const long long *)facts.opens, 8);
        const __m512i tail = _mm512_mask_i64gather_epi64(zero, live, position, (const long long *)facts.tails, 8);
        const __m512i raw = _mm512_mask_i64gather_epi64(zero, live, position, (const long long *)facts.raws, 8);
        const __m512i follows = _mm512_mask_i64gather_epi64(zero, live, position, (const long long *)facts.afters, 8);
        const __m512i length = _mm512_and_si512(_mm512_srli_epi64(entry, 24), byte);
        // The last `length` bytes (all eight for a longer literal): ones shifted down by 64 - 8 * min(length, 8).
        const __m512i mask = _mm512_srlv_epi64(ones, _mm512_sub_epi64(sixty_four, _mm512_slli_epi64(_mm512_min_epu64(length, eight), 3)));
        const __m512i at_next = _mm512_add_epi64(at, one);
        __mmask8 fits = live & _mm512_test_epi64_mask(_mm512_srlv_epi64(open, _mm512_and_si512(_mm512_srli_epi64(entry, 32), bucket_bits)), one);
        fits &= _mm512_cmpeq_epi64_mask(_mm512_and_si512(tail, mask), last);
        fits &= _mm512_cmple_epu64_mask(length, at_next);
        fits &= ~_mm512_test_epi64_mask(entry, exact_flag) | _mm512_cmpeq_epi64_mask(_mm512_and_si512(raw, mask), spelled);
        fits &= ~(_mm512_test_epi64_mask(entry, after_flag) & _mm512_test_epi64_mask(follows, follows));
        // The byte before the literal, where it is bounded before and a byte stands there (at - length >= 0).
        const __mmask8 bounded = fits & _mm512_test_epi64_mask(entry, before_flag) & _mm512_cmplt_epu64_mask(length, at_next);
        if (bounded) {
            const __m512i front = _mm512_sub_epi64(at, length);  // the byte before the literal
            const __mmask8 room = _mm512_cmpge_epu64_mask(front, three);
            __m512i before = _mm512_cvtepu32_epi64(
                _mm512_mask_i64gather_epi32(_mm256_setzero_si256(), bounded & room, _mm512_sub_epi64(front, three), (const int *)bytes, 1));
            before = _mm512_srli_epi64(before, 24);
            if (bounded & ~room) {  // a literal one to three bytes into the text
                uint64_t fronts[8], values[8];
                _mm512_storeu_si512(fronts, front);
                _mm512_storeu_si512(values, before);
                for (unsigned lane = 0; lane < 8; lane++)
                    if ((bounded & ~room) >> lane & 1) values[lane] = bytes[fronts[lane]];
                before = _mm512_loadu_si512(values);
            }
            const __mmask8 letter = _mm512_cmplt_epu64_mask(_mm512_sub_epi64(_mm512_or_si512(before, space), small_a), letters);
            const __mmask8 digit = _mm512_cmplt_epu64_mask(_mm512_sub_epi64(before, zero_digit), digits);
            const __mmask8 word = letter | digit | _mm512_cmpeq_epi64_mask(before, underscore);
            fits &= ~(bounded & word);
        }
        const __m512i hit = _mm512_or_si512(
            _mm512_or_si512(_mm512_slli_epi64(_mm512_and_si512(entry, pattern_bits), 40), at),
            _mm512_or_si512(_mm512_slli_epi64(_mm512_and_si512(entry, flags24), 24), _mm512_slli_epi64(_mm512_and_si512(entry, anchored_flag), 37)));
        _mm512_storeu_si512(hits + written, _mm512_maskz_compress_epi64(fits, hit));
        written += (size_t)__builtin_popcount((unsigned)fits);
    }
    return written;
}
#endif

// The three passes over at most BOILERSTRIP_CONFIRM_CHUNK positions.
static inline __attribute__((always_inline)) size_t
confirm_chunk(const uint8_t *bytes, size_t count, const uint64_t *flagged, size_t n, const boilerstrip_confirm_tables *tables,
              uint64_t *work, uint64_t *hits, size_t room, size_t *consumed, int vector) {
    uint64_t *ats = work, *opens = work + n, *tails = work + 2 * n, *raws = work + 3 * n, *afters = work + 4 * n,
             *starts = work + 5 * n, *ends = work + 6 * n + 1, *inputs = work + 7 * n + 1;
    // 0. The positions whose open buckets have a literal that ends as the text does there, as far as their hashes
    // tell, and a list in the slot of the window there, one after the other (each written, and kept by the count;
    // `starts` holds the slot's lists until the next pass).
    size_t passed = 0;
    for (size_t input = 0; input < n; input++) {
        const uint64_t entry = flagged[input];
        const size_t at = entry & 0xFFFFFFFFFFFFULL;
        const uint64_t raw = last_eight(bytes, at), tail = fold8(raw);
        const uint64_t lists = tables->slot_lists[window_slot(raw, at, tables)];
        const uint64_t open = ~entry >> 48 & 0xFFFF & suffix_buckets(tail, tables) & lists >> 32;
        ats[passed] = at;
        opens[passed] = open;
        tails[passed] = tail;
        raws[passed] = raw;
        starts[passed] = lists;
        inputs[passed] = input;
        passed += open != 0;
    }
    // 1 and 2. Their lists, as many as the room for their entries allows, and every (position, entry) pair. With
    // AVX-512 each pair is written out (into `hits`, which the check overwrites behind its reading): four at once
    // whatever the list's length (the next position's overwrite those past it; most lists have one or two entries),
    // the rest one by one, and checked eight at a time (`check_pairs_avx512`). Without, the lists are walked (writing
    // the pairs out and checking them one by one took longer than the walk, whose next entry waits on the list's end).
    const position_facts facts = {ats, opens, tails, raws, afters, starts};
    size_t m = 0, written = 0;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (vector && count >= 8) {
        size_t total = 0;
        for (; m < passed; m++) {
            size_t start, end;
            list_range(opens[m], starts[m], tables, &start, &end);
            const size_t span = end - start;
            if (total + (span > 4 ? span : 4) + 8 > room) break;
            afters[m] = ats[m] + 1 < count ? is_word_byte(bytes[ats[m] + 1]) : 0;
            uint64_t *pairs = hits + total;
            const uint64_t tag = (uint64_t)m << 32 | start;
            pairs[0] = tag;
            pairs[1] = tag + 1;
            pairs[2] = tag + 2;
            pairs[3] = tag + 3;
            for (size_t k = 4; k < span; k++) pairs[k] = tag + k;
            total += span;
        }
        written = check_pairs_avx512(bytes, count, tables, facts, hits, total);
    } else
#endif
    {
        (void)vector;
        written = walk_lists(bytes, count, tables, facts, ends, passed, hits, room, &m);
    }
    // The positions before the first one left out (those that did not pass went no further).
    *consumed = m < passed ? (size_t)inputs[m] : n;
    // 3. The bytes before the last eight of a longer literal; an anchored literal whole, and the boundary after it;
    // the hits kept in place.
    size_t kept = 0;
    for (size_t hit = 0; hit < written; hit++) {
        uint64_t value = hits[hit];
        const size_t pattern = (value >> 40) & 0xFFFFF;
        const int exact_case = (value & BOILERSTRIP_CONFIRM_EXACT << 24) != 0;
        if (value & BOILERSTRIP_CONFIRM_ANCHORED << 37) {
            const size_t end = (value & 0xFFFFFFFFFFULL) + (tables->anchors[pattern] & 0x7F);
            if (end >= count || !fits(bytes, count, end, pattern, exact_case, 0, tables)) continue;
            if ((tables->anchors[pattern] & 0x80) && end + 1 < count && is_word_byte(bytes[end + 1])) continue;
            value = (value & ~0xFFFFFFFFFFULL) | end;
        } else if ((value & BOILERSTRIP_CONFIRM_LONG << 24) && !fits(bytes, count, value & 0xFFFFFFFFFFULL, pattern, exact_case, 8, tables)) {
            continue;
        }
        hits[kept++] = value & 0x0FFFFFFFFFFFFFFFULL;
    }
    return kept;
}

// The positions a chunk at a time, so that the passes' arrays (eight words a position) take a fixed 6 KB whatever the
// block: a block of text lets through about 80 positions on news text, but up to 4,088 on one made of literals.
static inline __attribute__((always_inline)) size_t
confirm(const uint8_t *bytes, size_t count, const uint64_t *flagged, size_t n, const boilerstrip_confirm_tables *tables,
        uint64_t *work, uint64_t *hits, size_t room, size_t *consumed, int vector) {
    size_t done = 0, written = 0;
    while (done < n) {
        const size_t chunk = n - done < BOILERSTRIP_CONFIRM_CHUNK ? n - done : BOILERSTRIP_CONFIRM_CHUNK;
        size_t taken = 0;
        written += confirm_chunk(bytes, count, flagged + done, chunk, tables, work, hits + written, room - written, &taken, vector);
        done += taken;
        if (taken < chunk) break;  // no room for the next position's entries
    }
    *consumed = done;
    return written;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
// Compiled for the baseline x86-64, counting bits takes a dozen instructions: where the processor has AVX2 it also
// has the instructions that count bits and leading zeros (and BMI), and these copies use them; with AVX-512 the pairs
// are checked eight at a time.
__attribute__((target("popcnt,lzcnt,bmi,bmi2"))) static size_t
confirm_bmi(const uint8_t *bytes, size_t count, const uint64_t *flagged, size_t n, const boilerstrip_confirm_tables *tables,
            uint64_t *work, uint64_t *hits, size_t room, size_t *consumed) {
    return confirm(bytes, count, flagged, n, tables, work, hits, room, consumed, 0);
}

__attribute__((target("popcnt,lzcnt,bmi,bmi2"))) static size_t
confirm_bmi_avx512(const uint8_t *bytes, size_t count, const uint64_t *flagged, size_t n, const boilerstrip_confirm_tables *tables,
                   uint64_t *work, uint64_t *hits, size_t room, size_t *consumed) {
    return confirm(bytes, count, flagged, n, tables, work, hits, room, consumed, 1);
}
#endif

size_t boilerstrip_confirm_using(int level, const uint8_t *bytes, size_t count, const uint64_t *flagged, size_t n,
                                 const boilerstrip_confirm_tables *tables, uint64_t *work, uint64_t *hits, size_t room,
                                 size_t *consumed) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (level >= 3 && boilerstrip_simd_level() >= 3) return confirm_bmi_avx512(bytes, count, flagged, n, tables, work, hits, room, consumed);
    if (level >= 2 && boilerstrip_simd_level() >= 2) return confirm_bmi(bytes, count, flagged, n, tables, work, hits, room, consumed);
#endif
    (void)level;
    return confirm(bytes, count, flagged, n, tables, work, hits, room, consumed, 0);
}

size_t boilerstrip_confirm(const uint8_t *bytes, size_t count, const uint64_t *flagged, size_t n,
                           const boilerstrip_confirm_tables *tables, uint64_t *work, uint64_t *hits, size_t room,
                           size_t *consumed) {
    return boilerstrip_confirm_using(3, bytes, count, flagged, n, tables, work, hits, room, consumed);
}

_Static_assert(BOILERSTRIP_CONFIRM_WORK_WORDS == 8 * BOILERSTRIP_CONFIRM_CHUNK + 1, "the work space of a chunk");
