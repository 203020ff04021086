// The walk back from a position over a budget of characters (`MatchReach.floor`): 64 bytes a step with AVX-512. The
// screen takes it for every line where a rule's literal must lie near the line's end (a teaser's "mehr", a footer's
// "appeared"): the eight-bytes-a-step walk in Swift cost 90 TSC ticks a line there, 4 % of the time of text mode.
#include "SIMDKernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define KERNEL512 __attribute__((target("avx512f,avx512bw,avx512vbmi,bmi,bmi2,popcnt")))

// The bytes of the (up to) 64 at `at` (`inside`: those to look at, the others neither loaded nor counted) whose cost
// is not 0, as a mask: `costs[b]` picked by two byte permutes over its halves and its top bit.
KERNEL512 static inline uint64_t costly(const uint8_t *at, __mmask64 inside, const __m512i *table) {
    const __m512i block = _mm512_maskz_loadu_epi8(inside, at);
    const __m512i low = _mm512_permutex2var_epi8(table[0], block, table[1]),
                  high = _mm512_permutex2var_epi8(table[2], block, table[3]);
    const __m512i cost = _mm512_mask_blend_epi8(_mm512_movepi8_mask(block), low, high);
    return _mm512_test_epi8_mask(cost, cost) & inside;
}

KERNEL512 static size_t cost_floor_avx512(const uint8_t *bytes, size_t count, size_t position, size_t budget,
                                          size_t lower_bound, const uint8_t *costs) {
    const __m512i table[4] = {_mm512_loadu_si512(costs), _mm512_loadu_si512(costs + 64), _mm512_loadu_si512(costs + 128),
                              _mm512_loadu_si512(costs + 192)};
    size_t at = position, left = budget;
    while (at > lower_bound) {
        // The (up to) 64 bytes before `at`, the first of them no lower than `lower_bound`.
        const size_t span = at - lower_bound < 64 ? at - lower_bound : 64, start = at - span;
        const uint64_t mask = costly(bytes + start, _bzhi_u64(~0ULL, (unsigned)span), table);
        const size_t n = (size_t)__builtin_popcountll(mask);
        if (n <= left) {
            left -= n;
            at = start;
            continue;
        }
        // The walk stops right after the costly byte it cannot afford: the (left + 1)-th from the top, the
        // (n - left - 1)-th from the bottom.
        const uint64_t stop = _pdep_u64(1ULL << (n - left - 1), mask);
        at = start + (size_t)_tzcnt_u64(stop) + 1;
        break;
    }
    while (at > lower_bound && at < count && (bytes[at] & 0xC0) == 0x80) at--;
    return at;
}
#endif

// Without vectors: eight bytes a step while they cost no more than is left, then the last step's bytes whose running
// cost stays within it (neither with a branch on the bytes).
static size_t cost_floor_scalar(const uint8_t *bytes, size_t count, size_t position, size_t budget, size_t lower_bound,
                                const uint8_t *costs) {
    size_t at = position, left = budget;
    while (at >= lower_bound + 8) {
        size_t step = 0;
        for (size_t back = 1; back <= 8; back++) step += costs[bytes[at - back]];
        if (step > left) break;
        left -= step;
        at -= 8;
    }
    size_t cost = 0, taken = 0;
    const size_t last = at - lower_bound < 8 ? at - lower_bound : 8;
    for (size_t back = 0; back < last; back++) {
        cost += costs[bytes[at - 1 - back]];
        taken += cost <= left;
    }
    at -= taken;
    while (at > lower_bound && at < count && (bytes[at] & 0xC0) == 0x80) at--;
    return at;
}

size_t boilerstrip_cost_floor_using(int level, const uint8_t *bytes, size_t count, size_t position, size_t budget,
                                    size_t lower_bound, const uint8_t *costs) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    // (Level 3 brings BMI2 as it does for the confirmation: every processor with AVX-512 VBMI has it.)
    if (level >= 3 && boilerstrip_simd_level() >= 3)
        return cost_floor_avx512(bytes, count, position, budget, lower_bound, costs);
#endif
    (void)level;
    return cost_floor_scalar(bytes, count, position, budget, lower_bound, costs);
}

size_t boilerstrip_cost_floor(const uint8_t *bytes, size_t count, size_t position, size_t budget, size_t lower_bound,
                              const uint8_t *costs) {
    return boilerstrip_cost_floor_using(3, bytes, count, position, budget, lower_bound, costs);
}
