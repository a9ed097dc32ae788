// Compiles a kernel body three times (AVX-512F, AVX2 + FMA, baseline) and defines DISPATCH,
// which calls the variant `level` names (2, 1, 0). The one copy of this scheme, used by
// CVectorMath.c and CLossKernels.c:
//
//     #define CVM_BODY "CVectorMathBody.h"
//     #include "CVectorMathVariants.h"
//
// The body sees ATTR (its target attribute), NAME(f) (the variant's suffix) and, in the
// AVX-512F variant, CVM_AVX512. Not part of the CVectorMath module map: Swift never sees it.

#include "CVectorMathLanes.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define ATTR __attribute__((target("avx512f")))
#define NAME(f) f##_avx512
#define CVM_AVX512 1  // the body may use AVX-512F intrinsics (masked compress)
#include CVM_BODY
#undef CVM_AVX512
#undef ATTR
#undef NAME

#define ATTR __attribute__((target("avx2,fma")))
#define NAME(f) f##_avx2
#include CVM_BODY
#undef ATTR
#undef NAME
#endif

#define ATTR
#define NAME(f) f##_base
#include CVM_BODY
#undef ATTR
#undef NAME

#if defined(__x86_64__)
#define DISPATCH(f, ...)                        \
    switch (level) {                            \
    case 2: return f##_avx512(__VA_ARGS__);     \
    case 1: return f##_avx2(__VA_ARGS__);       \
    default: return f##_base(__VA_ARGS__);      \
    }
#else
#define DISPATCH(f, ...) (void)level; return f##_base(__VA_ARGS__);
#endif
