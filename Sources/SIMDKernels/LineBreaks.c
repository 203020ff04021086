// A text's line breaks (LF and CR) 32 bytes a step (AVX2), 64 with AVX-512, written out in bulk: `memchr` once a line
// cost more in calls than in scanning on news text, whose lines (paragraphs, and the blank lines between them) are
// short. The same pass notes a few rare bytes (`boilerstrip_marks`) among the breaks: the screen would otherwise
// search the whole text once more for each byte its byte-screened rules begin with.
#include "SIMDKernels.h"

#include <string.h>

int boilerstrip_marks_init(boilerstrip_marks *marks, const uint8_t *bytes, size_t count) {
    // A slot whose byte is not marked holds one that no byte with its low six bits is (its low bit flipped).
    for (int slot = 0; slot < 64; slot++) marks->table[slot] = (uint8_t)(slot ^ 1);
    memset(marks->bytes, '\n', sizeof marks->bytes);  // an unused compare finds line feeds, which are breaks anyway
    marks->count = 0;
    if (count > 4) return 0;
    for (size_t k = 0; k < count; k++) {
        const uint8_t byte = bytes[k];
        if (byte == '\n' || byte == '\r' || marks->table[byte & 63] != ((byte & 63) ^ 1)) return 0;  // a break, or a slot taken
        marks->table[byte & 63] = byte;
        marks->bytes[k] = byte;
    }
    marks->count = (uint8_t)count;
    return 1;
}

// Without vectors, or the bytes after the last whole vector: a byte at a time, from `at`, `found` written so far.
static size_t line_breaks_scalar(const uint8_t *bytes, size_t at, size_t count, const uint8_t *table, size_t *positions,
                                 size_t found, size_t capacity, size_t *resume) {
    for (; at < count && found < capacity; at++) {
        const uint8_t byte = bytes[at];
        if (byte == '\n' || byte == '\r' || table[byte & 63] == byte) positions[found++] = at;
    }
    *resume = at;
    return found;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

__attribute__((target("avx2"))) static size_t line_breaks_avx2(const uint8_t *bytes, size_t from, size_t count,
                                                                const boilerstrip_marks *marks, size_t *positions,
                                                                size_t capacity, size_t *resume) {
    const __m256i line_feed = _mm256_set1_epi8('\n'), carriage_return = _mm256_set1_epi8('\r');
    const __m256i mark0 = _mm256_set1_epi8((char)marks->bytes[0]), mark1 = _mm256_set1_epi8((char)marks->bytes[1]),
                  mark2 = _mm256_set1_epi8((char)marks->bytes[2]), mark3 = _mm256_set1_epi8((char)marks->bytes[3]);
    size_t found = 0, at = from;
    for (; at + 32 <= count; at += 32) {
        if (found + 32 > capacity) {  // a block writes at most 32
            *resume = at;
            return found;
        }
        __m256i block = _mm256_loadu_si256((const __m256i *)(bytes + at));
        __m256i hits = _mm256_or_si256(_mm256_cmpeq_epi8(block, line_feed), _mm256_cmpeq_epi8(block, carriage_return));
        hits = _mm256_or_si256(hits, _mm256_or_si256(_mm256_cmpeq_epi8(block, mark0), _mm256_cmpeq_epi8(block, mark1)));
        hits = _mm256_or_si256(hits, _mm256_or_si256(_mm256_cmpeq_epi8(block, mark2), _mm256_cmpeq_epi8(block, mark3)));
        uint32_t found_here = (uint32_t)_mm256_movemask_epi8(hits);
        while (found_here) {
            positions[found++] = at + (size_t)__builtin_ctz(found_here);
            found_here &= found_here - 1;
        }
    }
    return line_breaks_scalar(bytes, at, count, marks->table, positions, found, capacity, resume);
}

// 64 bytes a step, and the first four positions of a block written without a branch on how many there are (most
// blocks have none, one or two: a paragraph's end and the blank line after it), the rest one by one. The marked bytes
// are those equal to their slot of the table (one byte permute and one compare for all of them).
__attribute__((target("avx512f,avx512bw,avx512vbmi,bmi,popcnt"))) static size_t
line_breaks_avx512(const uint8_t *bytes, size_t from, size_t count, const boilerstrip_marks *marks, size_t *positions,
                   size_t capacity, size_t *resume) {
    const __m512i line_feed = _mm512_set1_epi8('\n'), carriage_return = _mm512_set1_epi8('\r'),
                  table = _mm512_loadu_si512(marks->table);
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
        uint64_t hits = _mm512_cmpeq_epi8_mask(block, line_feed) | _mm512_cmpeq_epi8_mask(block, carriage_return) |
                        _mm512_cmpeq_epi8_mask(_mm512_permutexvar_epi8(block, table), block);
        const size_t n = (size_t)__builtin_popcountll(hits);
        size_t *out = positions + found;
        // _tzcnt_u64(0) is 64: the entries past the last one are written and not counted.
        out[0] = at + _tzcnt_u64(hits);
        hits = _blsr_u64(hits);
        out[1] = at + _tzcnt_u64(hits);
        hits = _blsr_u64(hits);
        out[2] = at + _tzcnt_u64(hits);
        hits = _blsr_u64(hits);
        out[3] = at + _tzcnt_u64(hits);
        hits = _blsr_u64(hits);
        for (size_t k = 4; hits; k++) {
            out[k] = at + _tzcnt_u64(hits);
            hits = _blsr_u64(hits);
        }
        found += n;
    }
    return line_breaks_scalar(bytes, at, count, marks->table, positions, found, capacity, resume);
}
#endif

size_t boilerstrip_line_breaks_using(int level, const uint8_t *bytes, size_t from, size_t count,
                                     const boilerstrip_marks *marks, size_t *positions, size_t capacity, size_t *resume) {
    boilerstrip_marks none;
    if (marks == NULL) {
        boilerstrip_marks_init(&none, NULL, 0);
        marks = &none;
    }
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (level >= 3 && boilerstrip_simd_level() >= 3) return line_breaks_avx512(bytes, from, count, marks, positions, capacity, resume);
    if (level >= 2 && boilerstrip_simd_level() >= 2) return line_breaks_avx2(bytes, from, count, marks, positions, capacity, resume);
#endif
    (void)level;
    return line_breaks_scalar(bytes, from, count, marks->table, positions, 0, capacity, resume);
}

size_t boilerstrip_line_breaks(const uint8_t *bytes, size_t from, size_t count, const boilerstrip_marks *marks,
                               size_t *positions, size_t capacity, size_t *resume) {
    return boilerstrip_line_breaks_using(3, bytes, from, count, marks, positions, capacity, resume);
}
