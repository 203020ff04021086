// AVX2 kernels, chosen at run time: the rest of the library is compiled for the baseline x86-64 (SSE2), which has
// no byte shuffle. On other processors and architectures the kernels answer 0 and the Swift code does the work.
#include "SIMDKernels.h"

#include <stdlib.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define KERNEL __attribute__((target("avx2")))

// UTF-8 validation after Keiser and Lemire, "Validating UTF-8 in less than one instruction per byte" (2021), as
// simdjson and simdutf write it: three nibble lookups classify each pair of adjacent bytes, and a check on the
// bytes two and three back finds the continuations that three- and four-byte sequences need.
enum {
    TOO_SHORT = 1 << 0,    // 11______ 0_______ or 11______ 11______
    TOO_LONG = 1 << 1,     // 0_______ 10______
    OVERLONG_3 = 1 << 2,   // 11100000 100_____
    TOO_LARGE = 1 << 3,    // 11110100 1001____, 11110100 101_____, 11110101+ 1001____ / 101_____
    SURROGATE = 1 << 4,    // 11101101 101_____
    OVERLONG_2 = 1 << 5,   // 1100000_ 10______
    TOO_LARGE_1000 = 1 << 6, // 11110101+ 1000____
    OVERLONG_4 = 1 << 6,   // 11110000 1000____
    TWO_CONTS = 1 << 7,    // 10______ 10______
    CARRY = TOO_SHORT | TOO_LONG | TWO_CONTS,
};

KERNEL static inline __m256i lookup16(__m256i index, __m256i table) { return _mm256_shuffle_epi8(table, index); }

// A 16-byte table in both halves of a register (the shuffle looks up within each half).
KERNEL static inline __m256i table16(uint8_t a0, uint8_t a1, uint8_t a2, uint8_t a3, uint8_t a4, uint8_t a5,
                                     uint8_t a6, uint8_t a7, uint8_t a8, uint8_t a9, uint8_t a10, uint8_t a11,
                                     uint8_t a12, uint8_t a13, uint8_t a14, uint8_t a15) {
    __m128i half = _mm_setr_epi8((char)a0, (char)a1, (char)a2, (char)a3, (char)a4, (char)a5, (char)a6, (char)a7,
                                 (char)a8, (char)a9, (char)a10, (char)a11, (char)a12, (char)a13, (char)a14, (char)a15);
    return _mm256_broadcastsi128_si256(half);
}

// The bytes of `input` shifted `n` places later, the last `n` bytes of `previous` in front.
#define PREVIOUS(input, previous, n) \
    _mm256_alignr_epi8((input), _mm256_permute2x128_si256((previous), (input), 0x21), 16 - (n))

KERNEL static inline __m256i utf8_errors(__m256i input, __m256i previous) {
    const __m256i low_nibble = _mm256_set1_epi8(0x0F);
    __m256i prev1 = PREVIOUS(input, previous, 1);
    __m256i byte_1_high = lookup16(_mm256_and_si256(_mm256_srli_epi16(prev1, 4), low_nibble),
        table16(TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
                TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS,
                TOO_SHORT | OVERLONG_2, TOO_SHORT, TOO_SHORT | OVERLONG_3 | SURROGATE,
                TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4));
    __m256i byte_1_low = lookup16(_mm256_and_si256(prev1, low_nibble),
        table16(CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4, CARRY | OVERLONG_2, CARRY, CARRY,
                CARRY | TOO_LARGE, CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
                CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
                CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
                CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
                CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE, CARRY | TOO_LARGE | TOO_LARGE_1000,
                CARRY | TOO_LARGE | TOO_LARGE_1000));
    __m256i byte_2_high = lookup16(_mm256_and_si256(_mm256_srli_epi16(input, 4), low_nibble),
        table16(TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
                TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4,
                TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,
                TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
                TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
                TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT));
    __m256i special = _mm256_and_si256(_mm256_and_si256(byte_1_high, byte_1_low), byte_2_high);
    // A byte two places after a three- or four-byte lead, or three after a four-byte lead, must continue it.
    __m256i prev2 = PREVIOUS(input, previous, 2), prev3 = PREVIOUS(input, previous, 3);
    __m256i third = _mm256_subs_epu8(prev2, _mm256_set1_epi8((char)(0xE0 - 0x80)));
    __m256i fourth = _mm256_subs_epu8(prev3, _mm256_set1_epi8((char)(0xF0 - 0x80)));
    __m256i must = _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8((char)0x80));
    return _mm256_xor_si256(must, special);
}

// A lead byte in the last three places whose sequence the block's end cuts.
KERNEL static inline __m256i incomplete(__m256i input) {
    const __m256i limits = _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                            -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, (char)(0xF0 - 1),
                                            (char)(0xE0 - 1), (char)(0xC0 - 1));
    return _mm256_subs_epu8(input, limits);
}

KERNEL static size_t plain_prefix_avx2(const uint8_t *bytes, size_t count) {
    const __m256i quote = _mm256_set1_epi8('"'), backslash = _mm256_set1_epi8('\\'), control = _mm256_set1_epi8(0x1F);
    __m256i previous = _mm256_setzero_si256(), pending = _mm256_setzero_si256();
    size_t at = 0;
    for (; at + 32 <= count; at += 32) {
        __m256i input = _mm256_loadu_si256((const __m256i *)(bytes + at));
        __m256i stop = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(input, quote), _mm256_cmpeq_epi8(input, backslash)),
                                       _mm256_cmpeq_epi8(_mm256_min_epu8(input, control), input));
        if (!_mm256_testz_si256(stop, stop)) break;
        if (_mm256_movemask_epi8(input) == 0) {
            // ASCII: fine unless the block before ended in a sequence this one should continue.
            if (!_mm256_testz_si256(pending, pending)) break;
        } else {
            __m256i errors = utf8_errors(input, previous);
            if (!_mm256_testz_si256(errors, errors)) break;
            pending = incomplete(input);
        }
        previous = input;
    }
    // Stop at the start of a sequence: step back over one the block boundary cuts (its lead and continuations
    // before `at` were checked only as far as the block allowed).
    if (at > 0 && !_mm256_testz_si256(pending, pending)) {
        size_t back = at;
        while (back > 0 && back + 4 > at && (bytes[back - 1] & 0xC0) == 0x80) back--;
        if (back > 0 && back + 4 > at && bytes[back - 1] >= 0xC0) back--;
        at = back;
    }
    return at;
}

static int simd_state = -1;  // unknown, 0 no, 1 yes (a race only writes the same answer twice)

int boilerstrip_simd_available(void) {
    if (simd_state < 0) {
        __builtin_cpu_init();
        simd_state = __builtin_cpu_supports("avx2") && getenv("BOILERSTRIP_NO_SIMD") == NULL;
    }
    return simd_state;
}

size_t boilerstrip_plain_prefix(const uint8_t *bytes, size_t count) {
    if (count < 64 || !boilerstrip_simd_available()) return 0;
    return plain_prefix_avx2(bytes, count);
}

#else

int boilerstrip_simd_available(void) { return 0; }

size_t boilerstrip_plain_prefix(const uint8_t *bytes, size_t count) {
    (void)bytes;
    (void)count;
    return 0;
}

#endif
