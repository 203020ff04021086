// The screen's search for a literal's first byte (and second) in a line, 64 bytes a step with AVX-512: what
// `Screen.firstFolded` does eight bytes a step. It serves the groups looked for in the lines a rule's filtered groups
// met ("lire" behind "suite", "published" behind "first"), whose lines are paragraphs of hundreds of bytes.
#include "SIMDKernels.h"

// Whether `Screen.fold` maps exactly two bytes to `byte` (`byte` and `byte - 0x20`): an ASCII lowercase letter, or a
// continuation byte 0xA0-0xBE.
static inline int is_letter(uint8_t byte) { return (byte >= 0x61 && byte <= 0x7A) || (byte >= 0xA0 && byte <= 0xBE); }

// Whether the byte at `at + 1` folds to one of `seconds` (folded bytes): or-ed with 0x20 for a letter, as it is else.
static inline int second_fits(const uint8_t *base, size_t at, const uint8_t *seconds, size_t count) {
    for (size_t i = 0; i < count; i++) {
        if ((uint8_t)(base[at + 1] | (is_letter(seconds[i]) ? 0x20 : 0)) == seconds[i]) return 1;
    }
    return 0;
}

static size_t first_folded_scalar(const uint8_t *base, size_t at, size_t last, uint8_t first, const uint8_t *seconds,
                                  size_t count) {
    for (; at <= last; at++) {
        if ((base[at] | 0x20) == first && (count == 0 || second_fits(base, at, seconds, count))) return at;
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

size_t boilerstrip_first_folded(const uint8_t *base, size_t start, size_t last, uint8_t first, const uint8_t *seconds,
                                size_t count) {
    if (start > last || count > 4) return start > last ? last + 1 : first_folded_scalar(base, start, last, first, seconds, count);
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (boilerstrip_simd_level() >= 3) return first_folded_avx512(base, start, last, first, seconds, count);
#endif
    return first_folded_scalar(base, start, last, first, seconds, count);
}
