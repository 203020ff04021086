// Copying a JSON string body's run up to its next escape, 64 (AVX-512) or 32 (AVX2) bytes a step: one pass where
// memchr and memcpy took two, and one call where they took two per run.
#include "SIMDKernels.h"

#include <string.h>

// Without vectors, or the bytes after the last whole vector: memchr, then one copy.
static size_t copy_run_scalar(uint8_t *target, const uint8_t *source, size_t at, size_t count) {
    const uint8_t *stop = memchr(source + at, '\\', count - at);
    size_t end = stop ? (size_t)(stop - source) : count;
    memcpy(target + at, source + at, end - at);
    return end;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

__attribute__((target("avx512f,avx512bw"))) static size_t copy_run_avx512(uint8_t *target, const uint8_t *source,
                                                                           size_t count) {
    const __m512i backslash = _mm512_set1_epi8('\\');
    size_t at = 0;
    while (at < count) {
        // The last block is read and written under a mask: no byte past `count` is touched.
        __mmask64 inside = count - at >= 64 ? ~0ULL : (1ULL << (count - at)) - 1;
        __m512i block = _mm512_maskz_loadu_epi8(inside, source + at);
        __mmask64 found = _mm512_mask_cmpeq_epi8_mask(inside, block, backslash);
        if (found) {
            size_t run = (size_t)__builtin_ctzll(found);
            _mm512_mask_storeu_epi8(target + at, (1ULL << run) - 1, block);
            return at + run;
        }
        _mm512_mask_storeu_epi8(target + at, inside, block);
        at += 64;
    }
    return count;
}

__attribute__((target("avx2"))) static size_t copy_run_avx2(uint8_t *target, const uint8_t *source, size_t count) {
    const __m256i backslash = _mm256_set1_epi8('\\');
    size_t at = 0;
    for (; at + 32 <= count; at += 32) {
        __m256i block = _mm256_loadu_si256((const __m256i *)(source + at));
        unsigned found = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(block, backslash));
        if (found) {
            size_t run = (size_t)__builtin_ctz(found);
            memcpy(target + at, source + at, run);
            return at + run;
        }
        _mm256_storeu_si256((__m256i *)(target + at), block);
    }
    return copy_run_scalar(target, source, at, count);
}
#endif

size_t boilerstrip_copy_run_using(int level, uint8_t *target, const uint8_t *source, size_t count) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (level > boilerstrip_simd_level()) level = boilerstrip_simd_level();
    if (level >= 3) return copy_run_avx512(target, source, count);
    if (level == 2) return copy_run_avx2(target, source, count);
#else
    (void)level;
#endif
    return copy_run_scalar(target, source, 0, count);
}

size_t boilerstrip_copy_run(uint8_t *target, const uint8_t *source, size_t count) {
    return boilerstrip_copy_run_using(boilerstrip_simd_level(), target, source, count);
}
