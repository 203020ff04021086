// The screen's search for a literal's first byte (and second) in a line: 64 bytes a step with AVX-512, eight without.
// It serves the groups looked for in the lines a rule's filtered groups met ("lire" behind "suite", "published"
// behind "first"), whose lines are paragraphs of hundreds of bytes, and the byte-screened groups that begin with a
// letter.
#include "SIMDKernels.h"

#include <string.h>

// Whether `Screen.fold` maps exactly two bytes to `byte` (`byte` and `byte - 0x20`): an ASCII lowercase letter, or a
// continuation byte 0xA0-0xBE.
static inline int is_letter(uint8_t byte) { return (byte >= 0x61 && byte <= 0x7A) || (byte >= 0xA0 && byte <= 0xBE); }

// Eight positions a step (any processor): a zero byte of `(word | 0x20…) ^ first…` marks a first byte (or-ed with the
// same test of the next eight bytes against each second byte), and the lowest byte the zero test flags is always a
// true one (a borrow only flags bytes above a zero); the last few positions one at a time.
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "FirstFolded.c reads words as little-endian"
#endif

static inline uint64_t zero_bytes(uint64_t difference) {
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    return (difference - ones) & ~difference & highs;
}

static size_t first_folded_words(const uint8_t *base, size_t at, size_t last, uint8_t first, const uint8_t *seconds,
                                 size_t count) {
    const uint64_t ones = 0x0101010101010101ULL, case_bits = ones * 0x20, pattern = ones * first;
    for (; at + 8 <= last + 1; at += 8) {
        uint64_t word, next;
        memcpy(&word, base + at, 8);
        const uint64_t firsts = (word | case_bits) ^ pattern;
        uint64_t zero = 0;
        if (count == 0) {
            zero = zero_bytes(firsts);
        } else {
            memcpy(&next, base + at + 1, 8);
            for (size_t i = 0; i < count; i++)
                zero |= zero_bytes(firsts | ((next | (is_letter(seconds[i]) ? case_bits : 0)) ^ (ones * seconds[i])));
        }
        if (zero) return at + (size_t)__builtin_ctzll(zero) / 8;
    }
    for (; at <= last; at++) {
        if ((base[at] | 0x20) != first) continue;
        if (count == 0) return at;
        for (size_t i = 0; i < count; i++)
            if ((uint8_t)(base[at + 1] | (is_letter(seconds[i]) ? 0x20 : 0)) == seconds[i]) return at;
    }
    return last + 1;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

__attribute__((target("avx512f,avx512bw"))) static size_t
first_folded_avx512(const uint8_t *base, size_t start, size_t last, uint8_t first, const uint8_t *seconds, size_t count) {
    const __m512i case_bit = _mm512_set1_epi8(0x20), wanted = _mm512_set1_epi8((char)first);
    __m512i second[4], second_case[4];
    for (size_t i = 0; i < count; i++) {
        second[i] = _mm512_set1_epi8((char)seconds[i]);
        second_case[i] = _mm512_set1_epi8(is_letter(seconds[i]) ? 0x20 : 0);
    }
    const size_t end = last + 1;
    for (size_t at = start; at < end; at += 64) {
        // The last block is read under a mask: no byte past `end` (and the one after it, for the second) is touched.
        const __mmask64 inside = end - at >= 64 ? ~0ULL : (1ULL << (end - at)) - 1;
        __mmask64 found = _mm512_mask_cmpeq_epi8_mask(inside, _mm512_or_si512(_mm512_maskz_loadu_epi8(inside, base + at), case_bit), wanted);
        if (found && count) {
            const __m512i next = _mm512_maskz_loadu_epi8(found, base + at + 1);
            __mmask64 fits = 0;
            for (size_t i = 0; i < count; i++) fits |= _mm512_cmpeq_epi8_mask(_mm512_or_si512(next, second_case[i]), second[i]);
            found &= fits;
        }
        if (found) return at + (size_t)__builtin_ctzll(found);
    }
    return end;
}
#endif

// The first of a few bytes, each followed by a given byte where one is given (not 0): a line's first bytes, where a
// rule's single-byte literals can be (`Screen`'s line-by-line search: two calls of `memchr` for "-" and "_" cost more
// than the bytes they read), and a group's passes in one search ("..." found at its first two periods rather than at
// every period of a line). Without AVX-512: eight positions a step where none is followed, as `first_folded_words`
// tests them, else one at a time.
static size_t first_of_words(const uint8_t *base, size_t at, size_t end, const uint8_t *bytes, size_t count) {
    const uint64_t ones = 0x0101010101010101ULL;
    for (; at + 8 <= end; at += 8) {
        uint64_t word, zero = 0;
        memcpy(&word, base + at, 8);
        for (size_t i = 0; i < count; i++) zero |= zero_bytes(word ^ (ones * bytes[i]));
        if (zero) return at + (size_t)__builtin_ctzll(zero) / 8;
    }
    for (; at < end; at++)
        for (size_t i = 0; i < count; i++)
            if (base[at] == bytes[i]) return at;
    return end;
}

static size_t first_of_followed_bytes(const uint8_t *base, size_t at, size_t end, const uint8_t *bytes, const uint8_t *seconds,
                                      size_t count) {
    for (; at < end; at++)
        for (size_t i = 0; i < count; i++)
            if (base[at] == bytes[i] && (seconds[i] == 0 || (at + 1 < end && base[at + 1] == seconds[i]))) return at;
    return end;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
__attribute__((target("avx512f,avx512bw,bmi,bmi2"))) static size_t
first_of_followed_avx512(const uint8_t *base, size_t start, size_t end, const uint8_t *bytes, const uint8_t *seconds, size_t count) {
    __m512i wanted[4], next_wanted[4];
    for (size_t i = 0; i < count; i++) wanted[i] = _mm512_set1_epi8((char)bytes[i]), next_wanted[i] = _mm512_set1_epi8((char)seconds[i]);
    for (size_t at = start; at < end; at += 64) {
        // Both blocks are read under masks: no byte past `end` is touched (a position whose next byte is past it
        // has none to compare, and holds no literal of two bytes or more).
        const __mmask64 inside = end - at >= 64 ? ~0ULL : _bzhi_u64(~0ULL, (unsigned)(end - at));
        const __mmask64 followed = end - at - 1 >= 64 ? ~0ULL : _bzhi_u64(~0ULL, (unsigned)(end - at - 1));
        const __m512i block = _mm512_maskz_loadu_epi8(inside, base + at), next = _mm512_maskz_loadu_epi8(followed, base + at + 1);
        __mmask64 found = 0;
        for (size_t i = 0; i < count; i++) {
            __mmask64 here = _mm512_mask_cmpeq_epi8_mask(inside, block, wanted[i]);
            if (seconds[i]) here &= _mm512_mask_cmpeq_epi8_mask(followed, next, next_wanted[i]);
            found |= here;
        }
        if (found) return at + (size_t)_tzcnt_u64(found);
    }
    return end;
}
#endif

size_t boilerstrip_first_of_followed_using(int level, const uint8_t *base, size_t start, size_t end, const uint8_t *bytes,
                                           const uint8_t *seconds, size_t count) {
    if (start >= end || count == 0) return end;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (level >= 3 && count <= 4 && boilerstrip_simd_level() >= 3) return first_of_followed_avx512(base, start, end, bytes, seconds, count);
#endif
    (void)level;
    for (size_t i = 0; i < count; i++)
        if (seconds[i]) return first_of_followed_bytes(base, start, end, bytes, seconds, count);
    return first_of_words(base, start, end, bytes, count);
}

size_t boilerstrip_first_of_followed(const uint8_t *base, size_t start, size_t end, const uint8_t *bytes, const uint8_t *seconds,
                                     size_t count) {
    return boilerstrip_first_of_followed_using(boilerstrip_simd_level(), base, start, end, bytes, seconds, count);
}

size_t boilerstrip_first_folded_using(int level, const uint8_t *base, size_t start, size_t last, uint8_t first,
                                      const uint8_t *seconds, size_t count) {
    if (start > last) return last + 1;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (level >= 3 && count <= 4 && boilerstrip_simd_level() >= 3) return first_folded_avx512(base, start, last, first, seconds, count);
#endif
    (void)level;
    return first_folded_words(base, start, last, first, seconds, count);
}

size_t boilerstrip_first_folded(const uint8_t *base, size_t start, size_t last, uint8_t first, const uint8_t *seconds,
                                size_t count) {
    return boilerstrip_first_folded_using(boilerstrip_simd_level(), base, start, last, first, seconds, count);
}
