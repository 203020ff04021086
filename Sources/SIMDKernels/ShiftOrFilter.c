// The screen's shift-or filter 64 bytes a step with AVX-512 (F, BW, VBMI) and GFNI, chosen at run time, over reach
// tables of its own: where `LiteralFilter.filter` (the Swift loop) hashes each window to one of 4,096 slots and loads
// its reach from memory (a gather element a byte: 40 % of the time of the vector kernel this one replaced), this one
// hashes each window five times to one of 128 slots, each hash a GF(2) matrix product of the window's bytes
// (`gf2p8affineqb`), and takes each byte of the reach from a 128-byte table by a byte permute (`vpermi2b`), 64
// windows at once. A bit is closed where any hash's table closes it, as in a Bloom filter: five hashes of 128 slots
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

// Byte `j` of the reach of the 64 windows whose hashes are `hashes`: the or of the tables of the hashes that fill its
// lane.
#define REACH_BYTE(j)                                                                                                  \
    ({                                                                                                                 \
        __m512i byte = _mm512_setzero_si512();                                                                         \
        for (int k = 0; k < BOILERSTRIP_FILTER_HASHES; k++) {                                                          \
            if (hash_lanes[k] >> ((j) / 2) & 1) {                                                                      \
                const uint8_t *table = reach_tables + (size_t)(8 * k + (j)) * 128;                                     \
                byte = _mm512_or_si512(byte, _mm512_permutex2var_epi8(_mm512_loadu_si512(table), hashes[k],            \
                                                                      _mm512_loadu_si512(table + 64)));                \
            }                                                                                                          \
        }                                                                                                              \
        byte;                                                                                                          \
    })

KERNEL512 static size_t shift_or_avx512(const uint8_t *bytes, size_t start, size_t count, size_t length,
                                        const boilerstrip_filter_tables *tables, uint64_t *state, uint64_t *out) {
    // Bytes 0-5 of the reaches of the block before (lanes 0-2), which the next block's first three positions read
    // (shifted by one, two and three positions: lane 2 of the one before, lane 1 of the second before, lane 0 of the
    // third). Before the first block the carried state stands for them: its lane 2 is all the first position takes
    // from before it, its lane 1 all the second takes, its lane 0 all the third, so each goes in the last byte of
    // its vectors (an open bit is 0, the or's identity).
    const uint64_t carried = *state;
    __m512i previous[6];
    for (int j = 0; j < 6; j++) previous[j] = _mm512_maskz_set1_epi8(1ULL << 63, (char)(carried >> (8 * j)));
    const __m512i shift1 = _mm512_load_si512(shift_index[0]), shift2 = _mm512_load_si512(shift_index[1]),
                  shift3 = _mm512_load_si512(shift_index[2]), closed = _mm512_set1_epi8(-1);
    // The buckets closed where a word byte follows.
    const __m512i after_low = _mm512_set1_epi8((char)tables->after_buckets),
                  after_high = _mm512_set1_epi8((char)(tables->after_buckets >> 8));
    __m512i reach[8];
    for (int j = 0; j < 8; j++) reach[j] = _mm512_setzero_si512();
    size_t written = 0;
    for (size_t at = start; at < start + count; at += 64) {
        // A last block that ends the text short of 64 bytes: its bytes loaded with the rest zero, and the positions past
        // the text's end never written.
        const size_t valid = start + count - at < 64 ? start + count - at : 64;
        const __mmask64 inside = _bzhi_u64(~0ULL, (unsigned)valid);
        // The tables and matrices are read from memory in each step: hoisted out of the loop, they did not fit in the
        // registers, and the compiler copied all of them to the stack at every call (one a document: the kernel took
        // a fifth longer on the benchmark's documents than on one long text).
        const uint8_t *reach_tables = tables->reach;
        const uint64_t *matrix = tables->matrices;
        __asm__("" : "+r"(reach_tables), "+r"(matrix));
        // Each window's hashes: its last and middle bytes as they are (the matrices ignore bit 5, the one folding
        // sets), its first folded and collapsed (`LiteralFilter`'s first-byte table).
        const __m512i last = valid == 64 ? _mm512_loadu_si512(bytes + at) : _mm512_maskz_loadu_epi8(inside, bytes + at),
                      middle = valid == 64 ? _mm512_loadu_si512(bytes + at - 1) : _mm512_maskz_loadu_epi8(inside, bytes + at - 1),
                      first = lookup256(valid == 64 ? _mm512_loadu_si512(bytes + at - 2) : _mm512_maskz_loadu_epi8(inside, bytes + at - 2),
                                        tables->first);
        __m512i hashes[BOILERSTRIP_FILTER_HASHES];
        for (int k = 0; k < BOILERSTRIP_FILTER_HASHES; k++)
            hashes[k] = _mm512_ternarylogic_epi64(_mm512_gf2p8affine_epi64_epi8(last, _mm512_set1_epi64((long long)matrix[3 * k]), 0),
                                                  _mm512_gf2p8affine_epi64_epi8(middle, _mm512_set1_epi64((long long)matrix[3 * k + 1]), 0),
                                                  _mm512_gf2p8affine_epi64_epi8(first, _mm512_set1_epi64((long long)matrix[3 * k + 2]), 0), 0x96);
        reach[0] = REACH_BYTE(0), reach[1] = REACH_BYTE(1), reach[2] = REACH_BYTE(2), reach[3] = REACH_BYTE(3);
        reach[4] = REACH_BYTE(4), reach[5] = REACH_BYTE(5), reach[6] = REACH_BYTE(6), reach[7] = REACH_BYTE(7);
        // The top lane of each position's state: its own lane 3, lane 2 of the position before, lane 1 of the
        // second before, lane 0 of the third (buckets 0-7 in the low byte, 8-15 in the high one).
        const __m512i low = _mm512_ternarylogic_epi64(
            reach[6], _mm512_permutex2var_epi8(previous[4], shift1, reach[4]),
            _mm512_or_si512(_mm512_permutex2var_epi8(previous[2], shift2, reach[2]), _mm512_permutex2var_epi8(previous[0], shift3, reach[0])), 0xFE);
        const __m512i high = _mm512_ternarylogic_epi64(
            reach[7], _mm512_permutex2var_epi8(previous[5], shift1, reach[5]),
            _mm512_or_si512(_mm512_permutex2var_epi8(previous[3], shift2, reach[3]), _mm512_permutex2var_epi8(previous[1], shift3, reach[1])), 0xFE);
        for (int j = 0; j < 6; j++) previous[j] = reach[j];
        // The positions a word byte follows (past the text's end, none: masked out of the load).
        const __m512i next = at + 65 <= length ? _mm512_loadu_si512(bytes + at + 1)
                                               : _mm512_maskz_loadu_epi8(_bzhi_u64(~0ULL, (unsigned)(length - at - 1)), bytes + at + 1);
        const __mmask64 followed = _mm512_test_epi8_mask(_mm512_permutex2var_epi8(_mm512_load_si512(word_bytes), next,
                                                                                  _mm512_load_si512(word_bytes + 64)), closed) &
                                   ~_mm512_movepi8_mask(next);
        const __m512i low_open = _mm512_mask_blend_epi8(followed, low, _mm512_or_si512(low, after_low)),
                      high_open = _mm512_mask_blend_epi8(followed, high, _mm512_or_si512(high, after_high));
        // The positions with a bucket open, written: the first two without a branch on how many there are (most
        // blocks of news text have none or one; a loop, or a compress of the three vectors, cost 1.5x the kernel's
        // time), the rest one by one.
        uint64_t open = _mm512_cmpneq_epi8_mask(_mm512_and_si512(low_open, high_open), closed) & inside;
        uint8_t lows[64] __attribute__((aligned(64))), highs[64] __attribute__((aligned(64)));
        _mm512_store_si512(lows, low_open);
        _mm512_store_si512(highs, high_open);
        const size_t n = (size_t)__builtin_popcountll(open);
        // _tzcnt_u64(0) is 64: the entries past the last open position are written (of position 0) and not counted.
        const unsigned first_open = (unsigned)_tzcnt_u64(open) & 63;
        open = _blsr_u64(open);
        const unsigned second_open = (unsigned)_tzcnt_u64(open) & 63;
        open = _blsr_u64(open);
        out[written] = (at + first_open) | (uint64_t)lows[first_open] << 48 | (uint64_t)highs[first_open] << 56;
        out[written + 1] = (at + second_open) | (uint64_t)lows[second_open] << 48 | (uint64_t)highs[second_open] << 56;
        for (size_t k = 2; open; k++) {
            const unsigned position = (unsigned)_tzcnt_u64(open);
            out[written + k] = (at + position) | (uint64_t)lows[position] << 48 | (uint64_t)highs[position] << 56;
            open = _blsr_u64(open);
        }
        written += n;
    }
    if (count >= 64 && count % 64 == 0) {
        // The whole state after the last position, as the Swift loop carries it: its reach and the three before, a
        // lane further each.
        uint8_t last[8][64];
        for (int j = 0; j < 8; j++) _mm512_storeu_si512(last[j], reach[j]);
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
