// The screen's shift-or filter with AVX-512 (F, BW, VBMI) and GFNI, chosen at run time, over reach tables of its own:
// where `LiteralFilter.filter` (the Swift loop) hashes each window to one of 4,096 slots and loads its reach from
// memory (a gather element a byte: 40 % of the time of the vector kernel this one replaced), this one hashes each
// window five times to one of 128 slots, each hash a GF(2) matrix product of the window's bytes (`gf2p8affineqb`), and
// takes each byte of the reach from a 128-byte table by a byte permute (`vpermi2b`), 64 windows at once, three blocks
// of them a step. A bit is closed where any hash's table closes it, as in a Bloom filter: five hashes of 128 slots
// let through about as many positions of news text as one of 4,096 (1.4 % against 1.6 % of the positions of 8 MB of
// the corpus), and the kernel filters 2.2x as fast (4.4 against 2.0 GB/s on Zen 5). The reach stays transposed
// (vector `j` holds byte `j` of the 64 windows' reaches): the shift of the state is a shift of bytes between
// positions, and only the top lane's two bytes are formed.
#include "SIMDKernels.h"

// Hash `k` fills the lanes of bit `k` here (lane 3 is the top one): the first four fill all four, the fifth only the
// top lane, which one-window patterns (three bytes) fill alone.
static const uint8_t hash_lanes[BOILERSTRIP_FILTER_HASHES] = {0xF, 0xF, 0xF, 0xF, 0x8};

uint64_t boilerstrip_filter_hash_lanes(int hash) {
    uint64_t mask = 0;
    for (int lane = 0; lane < 4; lane++)
        if (hash_lanes[hash] >> lane & 1) mask |= 0xFFFFULL << (16 * lane);
    return mask;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define KERNEL512 __attribute__((target("avx512f,avx512bw,avx512vbmi,gfni,bmi,bmi2,popcnt")))

static int filter_level = -1;  // unknown; a race only writes the same answer twice

int boilerstrip_vector_filter_available(void) {
    if (filter_level < 0) {
        __builtin_cpu_init();
        filter_level = boilerstrip_simd_level() >= 3 && __builtin_cpu_supports("gfni") && __builtin_cpu_supports("bmi") &&
                       __builtin_cpu_supports("bmi2");
    }
    return filter_level;
}

// Shifts by one, two and three positions across two blocks: byte i takes byte i - s of (the block before, this one).
#define SHIFT(s)                                                                                                        \
    64 - s, 65 - s, 66 - s, 67 - s, 68 - s, 69 - s, 70 - s, 71 - s, 72 - s, 73 - s, 74 - s, 75 - s, 76 - s, 77 - s,    \
        78 - s, 79 - s, 80 - s, 81 - s, 82 - s, 83 - s, 84 - s, 85 - s, 86 - s, 87 - s, 88 - s, 89 - s, 90 - s, 91 - s, \
        92 - s, 93 - s, 94 - s, 95 - s, 96 - s, 97 - s, 98 - s, 99 - s, 100 - s, 101 - s, 102 - s, 103 - s, 104 - s,    \
        105 - s, 106 - s, 107 - s, 108 - s, 109 - s, 110 - s, 111 - s, 112 - s, 113 - s, 114 - s, 115 - s, 116 - s,     \
        117 - s, 118 - s, 119 - s, 120 - s, 121 - s, 122 - s, 123 - s, 124 - s, 125 - s, 126 - s, 127 - s
static const uint8_t shift_index[3][64] __attribute__((aligned(64))) = {{SHIFT(1)}, {SHIFT(2)}, {SHIFT(3)}};

// 0xFF for the word bytes (ASCII letters, digits and `_`, as `ScreenLiteral.isWordByte` has them), by their low
// seven bits (a byte with the top bit set is none).
#define W 0xFF
static const uint8_t word_bytes[128] __attribute__((aligned(64))) = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, W, W, W, W, W, W, W, W, W, W, 0, 0, 0, 0, 0, 0,
    0, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, 0, 0, 0, 0, W,
    0, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, 0, 0, 0, 0, 0};
#undef W

// table[x] for the 64 bytes x: two permutes over its halves, picked by each byte's top bit.
KERNEL512 static inline __m512i lookup256(__m512i x, const uint8_t *table) {
    __m512i low = _mm512_permutex2var_epi8(_mm512_loadu_si512(table), x, _mm512_loadu_si512(table + 64));
    __m512i high = _mm512_permutex2var_epi8(_mm512_loadu_si512(table + 128), x, _mm512_loadu_si512(table + 192));
    return _mm512_mask_blend_epi8(_mm512_movepi8_mask(x), low, high);
}

// The hashes of the 64 windows ending at `at`…`at + 63` (`inside`: the positions in the text, the bytes of the others
// loaded as zeros): each window's last and middle bytes as they are (the matrices ignore bit 5, the one folding sets),
// its first folded and collapsed (`LiteralFilter`'s first-byte table).
KERNEL512 static inline void block_hashes(const uint8_t *bytes, size_t at, size_t valid, __mmask64 inside,
                                          const boilerstrip_filter_tables *tables, const uint64_t *matrix, __m512i *hashes) {
    const __m512i last = valid == 64 ? _mm512_loadu_si512(bytes + at) : _mm512_maskz_loadu_epi8(inside, bytes + at),
                  middle = valid == 64 ? _mm512_loadu_si512(bytes + at - 1) : _mm512_maskz_loadu_epi8(inside, bytes + at - 1),
                  first = lookup256(valid == 64 ? _mm512_loadu_si512(bytes + at - 2) : _mm512_maskz_loadu_epi8(inside, bytes + at - 2),
                                    tables->first);
    for (int k = 0; k < BOILERSTRIP_FILTER_HASHES; k++)
        hashes[k] = _mm512_ternarylogic_epi64(_mm512_gf2p8affine_epi64_epi8(last, _mm512_set1_epi64((long long)matrix[3 * k]), 0),
                                              _mm512_gf2p8affine_epi64_epi8(middle, _mm512_set1_epi64((long long)matrix[3 * k + 1]), 0),
                                              _mm512_gf2p8affine_epi64_epi8(first, _mm512_set1_epi64((long long)matrix[3 * k + 2]), 0), 0x96);
}

// The reaches of three blocks of 64 windows, whose hashes are `a`, `b` and `c` (byte `j` of each: the or of the tables
// of the hashes that fill its lane). Each table is loaded once for the three: the permute takes its two halves from
// registers, and loading them was what bounded the kernel a block at a time (two loads a permute, 68 a block; two
// blocks a step took 0.73 times as long, three 0.73 times as long again, four no less than three).
KERNEL512 static inline void block_reaches(const uint8_t *reach_tables, const __m512i *a, const __m512i *b, const __m512i *c,
                                           __m512i *reach_a, __m512i *reach_b, __m512i *reach_c) {
    for (int j = 0; j < 8; j++) {
        __m512i byte_a = _mm512_setzero_si512(), byte_b = _mm512_setzero_si512(), byte_c = _mm512_setzero_si512();
        for (int k = 0; k < BOILERSTRIP_FILTER_HASHES; k++) {
            if (hash_lanes[k] >> (j / 2) & 1) {
                const uint8_t *table = reach_tables + (size_t)(8 * k + j) * 128;
                const __m512i low = _mm512_loadu_si512(table), high = _mm512_loadu_si512(table + 64);
                byte_a = _mm512_or_si512(byte_a, _mm512_permutex2var_epi8(low, a[k], high));
                byte_b = _mm512_or_si512(byte_b, _mm512_permutex2var_epi8(low, b[k], high));
                byte_c = _mm512_or_si512(byte_c, _mm512_permutex2var_epi8(low, c[k], high));
            }
        }
        reach_a[j] = byte_a, reach_b[j] = byte_b, reach_c[j] = byte_c;
    }
}

// The top lane of each position's state in a block whose reaches are `reach`, after the block whose reaches were
// `before` (its bytes 0-5): its own lane 3, lane 2 of the position before, lane 1 of the second before, lane 0 of the
// third (buckets 0-7 in `low`, 8-15 in `high`).
KERNEL512 static inline void top_lane(const __m512i *before, const __m512i *reach, __m512i *low, __m512i *high) {
    const __m512i shift1 = _mm512_load_si512(shift_index[0]), shift2 = _mm512_load_si512(shift_index[1]),
                  shift3 = _mm512_load_si512(shift_index[2]);
    *low = _mm512_ternarylogic_epi64(
        reach[6], _mm512_permutex2var_epi8(before[4], shift1, reach[4]),
        _mm512_or_si512(_mm512_permutex2var_epi8(before[2], shift2, reach[2]), _mm512_permutex2var_epi8(before[0], shift3, reach[0])), 0xFE);
    *high = _mm512_ternarylogic_epi64(
        reach[7], _mm512_permutex2var_epi8(before[5], shift1, reach[5]),
        _mm512_or_si512(_mm512_permutex2var_epi8(before[3], shift2, reach[3]), _mm512_permutex2var_epi8(before[1], shift3, reach[1])), 0xFE);
}

// Writes an entry at `out` for each position of the block at `at` (`inside` the text) with a bucket open in its top
// lane (`low`, `high`), the `after` buckets closed where a word byte follows; returns how many. The first two are
// written without a branch on how many there are (most blocks of news text have none or one; a loop, or a compress of
// the three vectors, cost 1.5x the kernel's time), the rest one by one.
KERNEL512 static inline size_t block_entries(const uint8_t *bytes, size_t at, size_t length, __mmask64 inside, __m512i low,
                                             __m512i high, __m512i after_low, __m512i after_high, uint64_t *out) {
    const __m512i closed = _mm512_set1_epi8(-1);
    // The positions a word byte follows (past the text's end, none: masked out of the load).
    const __m512i next = at + 65 <= length ? _mm512_loadu_si512(bytes + at + 1)
                                           : _mm512_maskz_loadu_epi8(_bzhi_u64(~0ULL, (unsigned)(length - at - 1)), bytes + at + 1);
    const __mmask64 followed = _mm512_test_epi8_mask(_mm512_permutex2var_epi8(_mm512_load_si512(word_bytes), next,
                                                                              _mm512_load_si512(word_bytes + 64)), closed) &
                               ~_mm512_movepi8_mask(next);
    const __m512i low_open = _mm512_mask_blend_epi8(followed, low, _mm512_or_si512(low, after_low)),
                  high_open = _mm512_mask_blend_epi8(followed, high, _mm512_or_si512(high, after_high));
    uint64_t open = _mm512_cmpneq_epi8_mask(_mm512_and_si512(low_open, high_open), closed) & inside;
    const size_t n = (size_t)__builtin_popcountll(open);
    // _tzcnt_u64(0) is 64: the entries past the last open position are written (of position 0) and not counted.
    const unsigned first_open = (unsigned)_tzcnt_u64(open) & 63;
    open = _blsr_u64(open);
    const unsigned second_open = (unsigned)_tzcnt_u64(open) & 63;
    open = _blsr_u64(open);
    // Their top lanes picked out of the vectors in registers, four bytes by one permute (a store of the vectors and a
    // load of a byte of each waited for the store: a third of the kernel's samples).
    const uint32_t pick = first_open | (first_open + 64) << 8 | second_open << 16 | (second_open + 64) << 24;
    const uint32_t picked = (uint32_t)_mm_cvtsi128_si32(
        _mm512_castsi512_si128(_mm512_permutex2var_epi8(low_open, _mm512_set1_epi32((int)pick), high_open)));
    out[0] = (at + first_open) | (uint64_t)(picked & 0xFFFF) << 48;
    out[1] = (at + second_open) | (uint64_t)(picked >> 16) << 48;
    if (open) {
        uint8_t lows[64] __attribute__((aligned(64))), highs[64] __attribute__((aligned(64)));
        _mm512_store_si512(lows, low_open);
        _mm512_store_si512(highs, high_open);
        for (size_t k = 2; open; k++) {
            const unsigned position = (unsigned)_tzcnt_u64(open);
            out[k] = (at + position) | (uint64_t)lows[position] << 48 | (uint64_t)highs[position] << 56;
            open = _blsr_u64(open);
        }
    }
    return n;
}

KERNEL512 static size_t shift_or_avx512(const uint8_t *bytes, size_t start, size_t count, size_t length,
                                        const boilerstrip_filter_tables *tables, uint64_t *state, uint64_t *out) {
    // Bytes 0-5 of the reaches of the block before (lanes 0-2), which the next block's first three positions read
    // (shifted by one, two and three positions: lane 2 of the one before, lane 1 of the second before, lane 0 of the
    // third). Before the first block the carried state stands for them: its lane 2 is all the first position takes
    // from before it, its lane 1 all the second takes, its lane 0 all the third, so each goes in the last byte of
    // its vectors (an open bit is 0, the or's identity).
    const uint64_t carried = *state;
    __m512i previous[8];
    for (int j = 0; j < 8; j++) previous[j] = _mm512_maskz_set1_epi8(1ULL << 63, (char)(carried >> (8 * j)));
    // The buckets closed where a word byte follows.
    const __m512i after_low = _mm512_set1_epi8((char)tables->after_buckets),
                  after_high = _mm512_set1_epi8((char)(tables->after_buckets >> 8));
    size_t written = 0, at = start;
    // Three whole blocks a step: their hashes in registers, each table loaded once for the three. (The steps written
    // for any number of blocks, their vectors in arrays indexed at run time, took as long as two blocks a step.)
    while (start + count - at >= 192) {
        // The tables and matrices are read from memory in each step: hoisted out of the loop, they did not fit in the
        // registers, and the compiler copied all of them to the stack at every call (one a document: the kernel took
        // a fifth longer on the benchmark's documents than on one long text).
        const uint8_t *reach_tables = tables->reach;
        const uint64_t *matrix = tables->matrices;
        __asm__("" : "+r"(reach_tables), "+r"(matrix));
        __m512i hashes_a[BOILERSTRIP_FILTER_HASHES], hashes_b[BOILERSTRIP_FILTER_HASHES], hashes_c[BOILERSTRIP_FILTER_HASHES];
        __m512i reach_a[8], reach_b[8], reach_c[8], low, high;
        block_hashes(bytes, at, 64, ~0ULL, tables, matrix, hashes_a);
        block_hashes(bytes, at + 64, 64, ~0ULL, tables, matrix, hashes_b);
        block_hashes(bytes, at + 128, 64, ~0ULL, tables, matrix, hashes_c);
        block_reaches(reach_tables, hashes_a, hashes_b, hashes_c, reach_a, reach_b, reach_c);
        top_lane(previous, reach_a, &low, &high);
        written += block_entries(bytes, at, length, ~0ULL, low, high, after_low, after_high, out + written);
        top_lane(reach_a, reach_b, &low, &high);
        written += block_entries(bytes, at + 64, length, ~0ULL, low, high, after_low, after_high, out + written);
        top_lane(reach_b, reach_c, &low, &high);
        written += block_entries(bytes, at + 128, length, ~0ULL, low, high, after_low, after_high, out + written);
        for (int j = 0; j < 8; j++) previous[j] = reach_c[j];
        at += 192;
    }
    // The last one or two blocks, the last short of 64 bytes where the call ends the text (its bytes loaded with the
    // rest zero, and the positions past the text's end never written); the reaches of a third block taken and unread.
    while (at < start + count) {
        const size_t valid = start + count - at < 64 ? start + count - at : 64;
        const int pair = start + count - at >= 128;
        const __mmask64 inside = _bzhi_u64(~0ULL, (unsigned)valid);
        const uint8_t *reach_tables = tables->reach;
        const uint64_t *matrix = tables->matrices;
        __asm__("" : "+r"(reach_tables), "+r"(matrix));
        __m512i hashes_a[BOILERSTRIP_FILTER_HASHES], hashes_b[BOILERSTRIP_FILTER_HASHES], reach_a[8], reach_b[8], unread[8], low, high;
        block_hashes(bytes, at, valid, inside, tables, matrix, hashes_a);
        if (pair) block_hashes(bytes, at + 64, 64, ~0ULL, tables, matrix, hashes_b);
        block_reaches(reach_tables, hashes_a, pair ? hashes_b : hashes_a, hashes_a, reach_a, reach_b, unread);
        top_lane(previous, reach_a, &low, &high);
        written += block_entries(bytes, at, length, inside, low, high, after_low, after_high, out + written);
        if (pair) {
            top_lane(reach_a, reach_b, &low, &high);
            written += block_entries(bytes, at + 64, length, ~0ULL, low, high, after_low, after_high, out + written);
        }
        for (int j = 0; j < 8; j++) previous[j] = pair ? reach_b[j] : reach_a[j];
        at += pair ? 128 : 64;
    }
    if (count >= 64 && count % 64 == 0) {
        // The whole state after the last position, as the Swift loop carries it: its reach and the three before, a
        // lane further each.
        uint8_t last[8][64];
        for (int j = 0; j < 8; j++) _mm512_storeu_si512(last[j], previous[j]);
        uint64_t result = 0;
        for (int back = 0; back < 4; back++) {
            uint64_t value = 0;
            for (int j = 0; j < 8; j++) value |= (uint64_t)last[j][63 - back] << (8 * j);
            result |= value << (16 * back);
        }
        *state = result;
    }
    return written;
}

size_t boilerstrip_shift_or(const uint8_t *bytes, size_t start, size_t count, size_t length,
                            const boilerstrip_filter_tables *tables, uint64_t *state, uint64_t *out) {
    if (start < 2 || start + count > length || (count % 64 != 0 && start + count != length) || !boilerstrip_vector_filter_available())
        return 0;
    return shift_or_avx512(bytes, start, count, length, tables, state, out);
}

#else

int boilerstrip_vector_filter_available(void) { return 0; }

size_t boilerstrip_shift_or(const uint8_t *bytes, size_t start, size_t count, size_t length,
                            const boilerstrip_filter_tables *tables, uint64_t *state, uint64_t *out) {
    (void)bytes, (void)start, (void)count, (void)length, (void)tables, (void)state, (void)out;
    return 0;
}

#endif
