// The screen's shift-or filter (LiteralFilter.filter in Swift) 64 bytes a step with AVX-512 (F, BW and VBMI),
// chosen at run time. The Swift loop takes each byte's hashes from a table and waits, byte after byte, for the
// state before it; here the hashes of 64 windows come from byte permutes, their reach from the table, and each
// position's top lane, the only one read, from the fields of its last four windows' reaches at once.
#include "SIMDKernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define KERNEL512 __attribute__((target("avx512f,avx512bw,avx512vbmi")))

// table[x] for the 64 bytes x: two permutes over its halves, picked by each byte's top bit.
KERNEL512 static inline __m512i lookup256(__m512i x, const uint8_t *table) {
    __m512i low = _mm512_permutex2var_epi8(_mm512_loadu_si512(table), x, _mm512_loadu_si512(table + 64));
    __m512i high = _mm512_permutex2var_epi8(_mm512_loadu_si512(table + 128), x, _mm512_loadu_si512(table + 192));
    return _mm512_mask_blend_epi8(_mm512_movepi8_mask(x), low, high);
}

KERNEL512 static size_t shift_or_avx512(const uint8_t *bytes, size_t start, size_t count, const uint8_t *tables,
                                        const uint64_t *reach, uint64_t *state, uint64_t *out) {
    const __m512i open = _mm512_set1_epi64((long long)0xFFFF000000000000ULL);
    const __m512i lanes = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7);
    // Interleaves the low and high bytes of 32 slots into 16-bit slots, in order.
    static const uint8_t interleave[64] = {
        0, 64, 1, 65, 2, 66, 3, 67, 4, 68, 5, 69, 6, 70, 7, 71, 8, 72, 9, 73, 10, 74, 11, 75, 12, 76, 13, 77,
        14, 78, 15, 79, 16, 80, 17, 81, 18, 82, 19, 83, 20, 84, 21, 85, 22, 86, 23, 87, 24, 88, 25, 89, 26, 90,
        27, 91, 28, 92, 29, 93, 30, 94, 31, 95};
    const __m512i first_half = _mm512_loadu_si512(interleave);
    const __m512i second_half = _mm512_add_epi8(first_half, _mm512_set1_epi8(32));
    // The reach of the three windows before the first position: the carried state stands for them (its lanes are
    // theirs, shifted as the Swift loop shifts them), in the last place.
    __m512i previous = _mm512_maskz_set1_epi64(0x80, (long long)*state);
    uint16_t slots[64] __attribute__((aligned(64)));
    uint64_t reaches[64] __attribute__((aligned(64)));
    // For position i of a group of eight (its qword, words 4i to 4i + 3): word k is field k of the reach `3 - k`
    // positions before, among the group's reaches (indices 32 and up) or the previous group's (below 32).
    static const uint16_t fields_index[32] = {20, 25, 30, 35, 24, 29, 34, 39, 28, 33, 38, 43, 32, 37, 42, 47,
                                              36, 41, 46, 51, 40, 45, 50, 55, 44, 49, 54, 59, 48, 53, 58, 63};
    const __m512i state_fields = _mm512_loadu_si512(fields_index);
    size_t written = 0;
    for (size_t at = start; at + 64 <= start + count; at += 64) {
        // Each window's slot: the hashes of its last, middle and first byte (low and high byte of 12 bits) xor-ed.
        __m512i last = _mm512_loadu_si512(bytes + at), middle = _mm512_loadu_si512(bytes + at - 1),
                first = _mm512_loadu_si512(bytes + at - 2);
        __m512i low = _mm512_ternarylogic_epi32(lookup256(last, tables), lookup256(middle, tables + 256),
                                                lookup256(first, tables + 512), 0x96);
        __m512i high = _mm512_ternarylogic_epi32(lookup256(last, tables + 768), lookup256(middle, tables + 1024),
                                                 lookup256(first, tables + 1280), 0x96);
        _mm512_store_si512(slots, _mm512_permutex2var_epi8(low, first_half, high));
        _mm512_store_si512(slots + 32, _mm512_permutex2var_epi8(low, second_half, high));
        // The reach of each window: clang makes this loop eight gathers, faster here than scalar loads (the kernel 1.75
        // against 1.46 GB/s on Zen 5); they are 40 % of the kernel's time (a gather of 32-bit entries costs the same).
        for (int j = 0; j < 64; j++) reaches[j] = reach[slots[j]];
        for (int group = 0; group < 8; group++) {
            __m512i current = _mm512_load_si512(reaches + 8 * group);
            // Only the top lane of a state is read: in each position's qword, the four words that make it (its own
            // top field, field 2 of the position before, field 1 of the one before that, field 0 of the third before),
            // or-ed into the top word.
            __m512i fields = _mm512_permutex2var_epi16(previous, state_fields, current);
            __m512i halves = _mm512_or_si512(fields, _mm512_slli_epi64(fields, 32));
            __m512i states = _mm512_or_si512(halves, _mm512_slli_epi64(halves, 16));
            __mmask8 flagged = _mm512_cmplt_epu64_mask(states, open);
            __m512i positions = _mm512_add_epi64(_mm512_set1_epi64((long long)(at + 8 * group)), lanes);
            // The top lane in place | the position: (state & open) | position.
            __m512i entries = _mm512_ternarylogic_epi64(states, open, positions, 0xEA);
            _mm512_storeu_si512(out + written, _mm512_maskz_compress_epi64(flagged, entries));
            written += (size_t)__builtin_popcount(flagged);
            previous = current;
        }
    }
    if (count >= 64) {
        // The whole state at the last position, as the Swift loop carries it: its reach and the three before, a lane
        // further each.
        uint64_t last[8];
        _mm512_storeu_si512(last, previous);
        *state = last[7] | last[6] << 16 | last[5] << 32 | last[4] << 48;
    }
    return written;
}

size_t boilerstrip_shift_or(const uint8_t *bytes, size_t start, size_t count, const uint8_t *tables,
                            const uint64_t *reach, uint64_t *state, uint64_t *out) {
    if (start < 2 || boilerstrip_simd_level() < 3) return 0;
    return shift_or_avx512(bytes, start, count, tables, reach, state, out);
}

#else

size_t boilerstrip_shift_or(const uint8_t *bytes, size_t start, size_t count, const uint8_t *tables,
                            const uint64_t *reach, uint64_t *state, uint64_t *out) {
    (void)bytes, (void)start, (void)count, (void)tables, (void)reach, (void)state, (void)out;
    return 0;
}

#endif
