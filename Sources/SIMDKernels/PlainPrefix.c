// JSON string bodies 32 (AVX2) or 64 (AVX-512) bytes a step, chosen at run time: the rest of the library is compiled
// for the baseline x86-64 (SSE2), which has no byte shuffle. On other processors and architectures the kernel
// answers 0 and the Swift code does the work.
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

// The three lookups, by the high and low nibble of the byte before and the high nibble of the byte itself.
KERNEL static inline __m256i byte_1_high_table(void) {
    return table16(TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
                   TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS,
                   TOO_SHORT | OVERLONG_2, TOO_SHORT, TOO_SHORT | OVERLONG_3 | SURROGATE,
                   TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4);
}

KERNEL static inline __m256i byte_1_low_table(void) {
    return table16(CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4, CARRY | OVERLONG_2, CARRY, CARRY,
                   CARRY | TOO_LARGE, CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
                   CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
                   CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
                   CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
                   CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE, CARRY | TOO_LARGE | TOO_LARGE_1000,
                   CARRY | TOO_LARGE | TOO_LARGE_1000);
}

KERNEL static inline __m256i byte_2_high_table(void) {
    return table16(TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
                   TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4,
                   TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,
                   TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
                   TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
                   TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT);
}

KERNEL static inline __m256i utf8_errors(__m256i input, __m256i previous) {
    const __m256i low_nibble = _mm256_set1_epi8(0x0F);
    __m256i prev1 = PREVIOUS(input, previous, 1);
    __m256i byte_1_high = lookup16(_mm256_and_si256(_mm256_srli_epi16(prev1, 4), low_nibble), byte_1_high_table());
    __m256i byte_1_low = lookup16(_mm256_and_si256(prev1, low_nibble), byte_1_low_table());
    __m256i byte_2_high = lookup16(_mm256_and_si256(_mm256_srli_epi16(input, 4), low_nibble), byte_2_high_table());
    __m256i special = _mm256_and_si256(_mm256_and_si256(byte_1_high, byte_1_low), byte_2_high);
    // A byte two places after a three- or four-byte lead, or three after a four-byte lead, must continue it.
    __m256i prev2 = PREVIOUS(input, previous, 2), prev3 = PREVIOUS(input, previous, 3);
    __m256i third = _mm256_subs_epu8(prev2, _mm256_set1_epi8((char)(0xE0 - 0x80)));
    __m256i fourth = _mm256_subs_epu8(prev3, _mm256_set1_epi8((char)(0xF0 - 0x80)));
    __m256i must = _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8((char)0x80));
    return _mm256_xor_si256(must, special);
}

// The start of the sequence that the position `at` cuts (a lead byte within the three before it), when the bytes
// before `at` are valid as far as they go.
static size_t sequence_start(const uint8_t *bytes, size_t at) {
    size_t back = at;
    while (back > 0 && back + 4 > at && (bytes[back - 1] & 0xC0) == 0x80) back--;
    if (back > 0 && back + 4 > at && bytes[back - 1] >= 0xC0) back--;
    return back;
}

// A lead byte in the last three places whose sequence the block's end cuts.
KERNEL static inline __m256i incomplete(__m256i input) {
    const __m256i limits = _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                            -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, (char)(0xF0 - 1),
                                            (char)(0xE0 - 1), (char)(0xC0 - 1));
    return _mm256_subs_epu8(input, limits);
}

// JSON string bodies with their escapes: the same blocks, and each backslash of a block checked in order (an escape
// is two bytes, or six for \uXXXX, and may run into the next block); a quote that no escape takes ends the body.

static inline int is_hex(uint8_t byte) {
    return (byte >= '0' && byte <= '9') || ((byte | 0x20) >= 'a' && (byte | 0x20) <= 'f');
}

// The escapes of a block of `width` bytes at `at` whose backslashes and quotes are `backslashes` and `quotes`
// (bit i: byte at + i), the first `*skip` bytes taken by an escape begun before it. Returns where in the block the
// body stops (a quote no escape takes, or a backslash that begins no valid escape), or `width` when it goes on;
// then `*skip` is what an escape at its end takes of the next block, and `*escape` where that escape begins.
static inline unsigned walk_escapes(const uint8_t *bytes, size_t at, unsigned width, size_t count,
                                    uint64_t backslashes, uint64_t quotes, unsigned *skip, size_t *escape) {
    uint64_t taken = *skip >= 64 ? ~0ULL : (1ULL << *skip) - 1;  // bytes of escapes, and those before `*skip`
    uint64_t left = backslashes & ~taken;
    unsigned next = 0;
    while (left) {
        unsigned i = (unsigned)__builtin_ctzll(left);
        // A quote before this backslash ends the body there.
        uint64_t before = quotes & ~taken & ((1ULL << i) - 1);
        if (before) return (unsigned)__builtin_ctzll(before);
        size_t from = at + i;
        unsigned length = 0;
        if (from + 1 < count) {
            uint8_t kind = bytes[from + 1];
            if (kind == '"' || kind == '\\' || kind == '/' || kind == 'b' || kind == 'f' || kind == 'n' || kind == 'r' ||
                kind == 't')
                length = 2;
            else if (kind == 'u' && from + 6 <= count && is_hex(bytes[from + 2]) && is_hex(bytes[from + 3]) &&
                     is_hex(bytes[from + 4]) && is_hex(bytes[from + 5]))
                length = 6;
        }
        if (length == 0) return i;  // not an escape: the caller's byte loop says what is wrong
        unsigned end = i + length;
        if (end >= width) {
            next = end - width;
            *escape = from;
            taken = width >= 64 ? ~0ULL : (1ULL << width) - 1;
        } else {
            taken |= ((1ULL << end) - 1);
        }
        left = backslashes & ~taken;
    }
    uint64_t free_quotes = quotes & ~taken;
    if (free_quotes) return (unsigned)__builtin_ctzll(free_quotes);
    *skip = next;
    return width;
}

// A body's prefix 32 bytes a step: with `escapes`, a string body's (backslashes begin escapes, a quote that no escape
// takes ends it); without, the plain runs' (a quote or a backslash stops it, as anything that needs a closer look).
KERNEL static inline size_t prefix_avx2(const uint8_t *bytes, size_t count, int escapes) {
    const __m256i quote = _mm256_set1_epi8('"'), backslash = _mm256_set1_epi8('\\'), control = _mm256_set1_epi8(0x1F);
    __m256i previous = _mm256_setzero_si256(), pending = _mm256_setzero_si256();
    unsigned skip = 0;  // bytes at the start of a block taken by an escape begun before it
    size_t at = 0, escape = 0;
    for (; at + 32 <= count; at += 32) {
        __m256i input = _mm256_loadu_si256((const __m256i *)(bytes + at));
        __m256i controls = _mm256_cmpeq_epi8(_mm256_min_epu8(input, control), input);
        if (!_mm256_testz_si256(controls, controls)) break;
        uint64_t quotes = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(input, quote));
        uint64_t backslashes = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(input, backslash));
        if (!escapes && (quotes | backslashes)) break;
        int ascii = _mm256_movemask_epi8(input) == 0;
        if (ascii) {
            // ASCII: fine unless the block before ended in a sequence this one should continue.
            if (!_mm256_testz_si256(pending, pending)) break;
        } else {
            __m256i errors = utf8_errors(input, previous);
            if (!_mm256_testz_si256(errors, errors)) break;
        }
        if (escapes && (quotes | backslashes) >> skip) {  // an escape takes at most five bytes of the next block
            unsigned stop = walk_escapes(bytes, at, 32, count, backslashes, quotes, &skip, &escape);
            if (stop < 32) return at + stop;
        } else {
            skip = 0;
        }
        pending = ascii ? _mm256_setzero_si256() : incomplete(input);
        previous = input;
    }
    if (skip > 0) return escape;  // the block begins inside an escape: stop before it
    return at > 0 && !_mm256_testz_si256(pending, pending) ? sequence_start(bytes, at) : at;
}

KERNEL static size_t plain_prefix_avx2(const uint8_t *bytes, size_t count) { return prefix_avx2(bytes, count, 0); }
KERNEL static size_t string_prefix_avx2(const uint8_t *bytes, size_t count) { return prefix_avx2(bytes, count, 1); }

#define KERNEL512 __attribute__((target("avx512f,avx512bw,avx512vbmi")))

// The bytes of `input` shifted `n` places later, the last `n` bytes of `previous` in front (one byte permute).
KERNEL512 static inline __m512i previous512(__m512i input, __m512i previous, int n) {
    static const uint8_t from[64] = {
        64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90,
        91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114,
        115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127};
    __m512i index = _mm512_sub_epi8(_mm512_loadu_si512(from), _mm512_set1_epi8((char)n));
    return _mm512_permutex2var_epi8(previous, index, input);
}

KERNEL512 static inline __m512i table64(__m256i table) {
    return _mm512_broadcast_i32x4(_mm256_castsi256_si128(table));
}

// utf8_errors, 64 bytes at once: the same tables (each 128-bit lane looks up its own copy).
KERNEL512 static inline __mmask64 utf8_errors512(__m512i input, __m512i previous, __m512i high1, __m512i low1,
                                                 __m512i high2) {
    const __m512i low_nibble = _mm512_set1_epi8(0x0F);
    __m512i prev1 = previous512(input, previous, 1);
    __m512i special = _mm512_and_si512(
        _mm512_and_si512(_mm512_shuffle_epi8(high1, _mm512_and_si512(_mm512_srli_epi16(prev1, 4), low_nibble)),
                         _mm512_shuffle_epi8(low1, _mm512_and_si512(prev1, low_nibble))),
        _mm512_shuffle_epi8(high2, _mm512_and_si512(_mm512_srli_epi16(input, 4), low_nibble)));
    __m512i third = _mm512_subs_epu8(previous512(input, previous, 2), _mm512_set1_epi8((char)(0xE0 - 0x80)));
    __m512i fourth = _mm512_subs_epu8(previous512(input, previous, 3), _mm512_set1_epi8((char)(0xF0 - 0x80)));
    __m512i must = _mm512_and_si512(_mm512_or_si512(third, fourth), _mm512_set1_epi8((char)0x80));
    __m512i errors = _mm512_xor_si512(must, special);
    return _mm512_test_epi8_mask(errors, errors);
}

// Subtracted from a block (saturating): nonzero where a lead byte in the last three places begins a sequence the
// block's end cuts.
KERNEL512 static inline __m512i incomplete_limits512(void) {
    return _mm512_mask_blend_epi8(0xE000000000000000ULL, _mm512_set1_epi8(-1),
        _mm512_set_epi8((char)(0xC0 - 1), (char)(0xE0 - 1), (char)(0xF0 - 1), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
}

// prefix_avx2, 64 bytes a step.
KERNEL512 static inline size_t prefix_avx512(const uint8_t *bytes, size_t count, int escapes) {
    const __m512i quote = _mm512_set1_epi8('"'), backslash = _mm512_set1_epi8('\\'), control = _mm512_set1_epi8(0x1F);
    const __m512i high1 = table64(byte_1_high_table()), low1 = table64(byte_1_low_table()),
                  high2 = table64(byte_2_high_table());
    const __m512i limits = incomplete_limits512();
    __m512i previous = _mm512_setzero_si512();
    __mmask64 pending = 0;
    unsigned skip = 0;
    size_t at = 0, escape = 0;
    for (; at + 64 <= count; at += 64) {
        __m512i input = _mm512_loadu_si512(bytes + at);
        if (_mm512_cmple_epu8_mask(input, control)) break;
        uint64_t quotes = _mm512_cmpeq_epi8_mask(input, quote), backslashes = _mm512_cmpeq_epi8_mask(input, backslash);
        if (!escapes && (quotes | backslashes)) break;
        // Checked whether the block is ASCII or not, without a branch on it (mixed text alternates): an ASCII block
        // after a sequence the block before left open fails the check as a block that continues it wrongly does.
        if (utf8_errors512(input, previous, high1, low1, high2)) break;
        if (escapes && (quotes | backslashes) >> skip) {
            unsigned stop = walk_escapes(bytes, at, 64, count, backslashes, quotes, &skip, &escape);
            if (stop < 64) return at + stop;
        } else {
            skip = 0;
        }
        previous = input;
    }
    if (skip > 0) return escape;
    pending = _mm512_test_epi8_mask(_mm512_subs_epu8(previous, limits), _mm512_subs_epu8(previous, limits));
    return at > 0 && pending ? sequence_start(bytes, at) : at;
}

KERNEL512 static size_t plain_prefix_avx512(const uint8_t *bytes, size_t count) { return prefix_avx512(bytes, count, 0); }
KERNEL512 static size_t string_prefix_avx512(const uint8_t *bytes, size_t count) { return prefix_avx512(bytes, count, 1); }

// The kernel of the level asked for, when the processor has it.
static size_t prefix_using(int level, const uint8_t *bytes, size_t count, size_t (*avx2)(const uint8_t *, size_t),
                           size_t (*avx512)(const uint8_t *, size_t)) {
    if (count < 64 || level > boilerstrip_simd_level()) return 0;
    if (level >= 3) return avx512(bytes, count);
    if (level == 2) return avx2(bytes, count);
    return 0;
}

size_t boilerstrip_string_prefix_using(int level, const uint8_t *bytes, size_t count) {
    return prefix_using(level, bytes, count, string_prefix_avx2, string_prefix_avx512);
}

size_t boilerstrip_plain_prefix_using(int level, const uint8_t *bytes, size_t count) {
    return prefix_using(level, bytes, count, plain_prefix_avx2, plain_prefix_avx512);
}

#else

size_t boilerstrip_string_prefix_using(int level, const uint8_t *bytes, size_t count) {
    (void)level, (void)bytes, (void)count;
    return 0;
}

size_t boilerstrip_plain_prefix_using(int level, const uint8_t *bytes, size_t count) {
    (void)level, (void)bytes, (void)count;
    return 0;
}

#endif

size_t boilerstrip_string_prefix(const uint8_t *bytes, size_t count) {
    return boilerstrip_string_prefix_using(boilerstrip_simd_level(), bytes, count);
}

size_t boilerstrip_plain_prefix(const uint8_t *bytes, size_t count) {
    return boilerstrip_plain_prefix_using(boilerstrip_simd_level(), bytes, count);
}
