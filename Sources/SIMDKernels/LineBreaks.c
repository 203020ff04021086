// A text's line breaks (LF and CR) 32 bytes a step (AVX2), written out in bulk: `memchr` once a line cost more in
// calls than in scanning on news text, whose lines (paragraphs, and the blank lines between them) are short.
#include "SIMDKernels.h"

// Without vectors, or the bytes after the last whole vector: a byte at a time, from `at`, `found` written so far.
static size_t line_breaks_scalar(const uint8_t *bytes, size_t at, size_t count, size_t *positions, size_t found,
                                 size_t capacity, size_t *resume) {
    for (; at < count && found < capacity; at++) {
        if (bytes[at] == '\n' || bytes[at] == '\r') positions[found++] = at;
    }
    *resume = at;
    return found;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

__attribute__((target("avx2"))) static size_t line_breaks_avx2(const uint8_t *bytes, size_t from, size_t count,
                                                                size_t *positions, size_t capacity, size_t *resume) {
    const __m256i line_feed = _mm256_set1_epi8('\n'), carriage_return = _mm256_set1_epi8('\r');
    size_t found = 0, at = from;
    for (; at + 32 <= count; at += 32) {
        if (found + 32 > capacity) {  // a block writes at most 32
            *resume = at;
            return found;
        }
        __m256i block = _mm256_loadu_si256((const __m256i *)(bytes + at));
        uint32_t breaks = (uint32_t)_mm256_movemask_epi8(
            _mm256_or_si256(_mm256_cmpeq_epi8(block, line_feed), _mm256_cmpeq_epi8(block, carriage_return)));
        while (breaks) {
            positions[found++] = at + (size_t)__builtin_ctz(breaks);
            breaks &= breaks - 1;
        }
    }
    return line_breaks_scalar(bytes, at, count, positions, found, capacity, resume);
}

// 64 bytes a step, and the first four breaks of a block written without a branch on how many there are (most blocks
// have none, one or two: a paragraph's end and the blank line after it), the rest one by one.
__attribute__((target("avx512f,avx512bw,bmi,popcnt"))) static size_t line_breaks_avx512(const uint8_t *bytes, size_t from,
                                                                                       size_t count, size_t *positions,
                                                                                       size_t capacity, size_t *resume) {
    const __m512i line_feed = _mm512_set1_epi8('\n'), carriage_return = _mm512_set1_epi8('\r');
    size_t found = 0, at = from;
    // A text's first call asks for its first 8 KB at once: the scan is the first to read a text (the benchmark's
    // documents come from memory the cache has lost), and 64 % of its samples waited on the first loads of each one,
    // which the hardware's prefetcher only follows after a few misses (and not across a page).
    if (from == 0) {
        const size_t ahead = count < 8192 ? count : 8192;
        for (size_t p = 0; p < ahead; p += 64) __builtin_prefetch(bytes + p);
    }
    for (; at + 64 <= count; at += 64) {
        if (found + 64 > capacity) {  // a block writes at most 64
            *resume = at;
            return found;
        }
        const __m512i block = _mm512_loadu_si512(bytes + at);
        uint64_t breaks = _mm512_cmpeq_epi8_mask(block, line_feed) | _mm512_cmpeq_epi8_mask(block, carriage_return);
        const size_t n = (size_t)__builtin_popcountll(breaks);
        size_t *out = positions + found;
        // _tzcnt_u64(0) is 64: the entries past the last break are written and not counted.
        out[0] = at + _tzcnt_u64(breaks);
        breaks = _blsr_u64(breaks);
        out[1] = at + _tzcnt_u64(breaks);
        breaks = _blsr_u64(breaks);
        out[2] = at + _tzcnt_u64(breaks);
        breaks = _blsr_u64(breaks);
        out[3] = at + _tzcnt_u64(breaks);
        breaks = _blsr_u64(breaks);
        for (size_t k = 4; breaks; k++) {
            out[k] = at + _tzcnt_u64(breaks);
            breaks = _blsr_u64(breaks);
        }
        found += n;
    }
    return line_breaks_scalar(bytes, at, count, positions, found, capacity, resume);
}
#endif

size_t boilerstrip_line_breaks(const uint8_t *bytes, size_t from, size_t count, size_t *positions, size_t capacity,
                               size_t *resume) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (boilerstrip_simd_level() >= 3) return line_breaks_avx512(bytes, from, count, positions, capacity, resume);
    if (boilerstrip_simd_level() >= 2) return line_breaks_avx2(bytes, from, count, positions, capacity, resume);
#endif
    return line_breaks_scalar(bytes, from, count, positions, 0, capacity, resume);
}
