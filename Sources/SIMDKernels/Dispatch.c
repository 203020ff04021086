// Which vector instructions the kernels may use, read once from the processor.
#include "SIMDKernels.h"

#include <stdlib.h>

static int simd_level = -1;  // unknown; a race only writes the same answer twice

int boilerstrip_simd_level(void) {
    if (simd_level < 0) {
        int level = 0;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx2")) level = 2;
        if (level == 2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
            __builtin_cpu_supports("avx512vbmi"))
            level = 3;
#endif
        if (getenv("BOILERSTRIP_NO_SIMD") != NULL) level = 0;
        simd_level = level;
    }
    return simd_level;
}
