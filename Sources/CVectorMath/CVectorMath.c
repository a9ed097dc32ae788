// Run-time dispatch over the three compilations of CVectorMathBody.h. Why this is C:
// include/CVectorMath.h.
#include "CVectorMath.h"


// The 16-lane helpers are always inlined, so no vector crosses a call boundary.
#pragma clang diagnostic ignored "-Wpsabi"

#include "CVectorMathLanes.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define ATTR __attribute__((target("avx512f")))
#define NAME(f) f##_avx512
#define CVM_AVX512 1  // the body may use AVX-512F intrinsics (masked compress stores)
#include "CVectorMathBody.h"
#undef CVM_AVX512
#undef ATTR
#undef NAME

#define ATTR __attribute__((target("avx2,fma")))
#define NAME(f) f##_avx2
#include "CVectorMathBody.h"
#undef ATTR
#undef NAME
#endif

#define ATTR
#define NAME(f) f##_base
#include "CVectorMathBody.h"
#undef ATTR
#undef NAME

#if defined(__x86_64__)
#define DISPATCH(f, ...)                                      \
    switch (level) {                                          \
    case 2: return f##_avx512(__VA_ARGS__);                   \
    case 1: return f##_avx2(__VA_ARGS__);                     \
    default: return f##_base(__VA_ARGS__);                    \
    }
#else
#define DISPATCH(f, ...) (void)level; return f##_base(__VA_ARGS__);
#endif

void CVectorMath_exp(int level, const float *x, float *y, ptrdiff_t n, float scale, float floor) {
    DISPATCH(expKernel, x, y, n, scale, floor)
}

void CVectorMath_log1p(int level, const float *x, float *y, ptrdiff_t n) { DISPATCH(log1pKernel, x, y, n) }

double CVectorMath_scaledSoftmaxRow(int level, const float *x, float *p, ptrdiff_t n, float scale, float probabilityScale,
                                    ptrdiff_t e0, ptrdiff_t e1, float *shift) {
    DISPATCH(scaledSoftmaxRowKernel, x, p, n, scale, probabilityScale, e0, e1, shift)
}


double CVectorMath_expSumRow(int level, const float *x, float *y, ptrdiff_t n, float scale, float shift, float floor,
                             ptrdiff_t e0, ptrdiff_t e1) {
    DISPATCH(expSumKernel, x, y, n, scale, shift, floor, e0, e1)
}

void CVectorMath_scaleByRowPlusColumn(int level, float *x, ptrdiff_t n, float rowFactor, const float *columnFactors) {
    DISPATCH(scaleByRowPlusColumnKernel, x, n, rowFactor, columnFactors)
}

void CVectorMath_addTransposePanel(int level, float *a, ptrdiff_t n, ptrdiff_t i0) {
    DISPATCH(addTransposePanelKernel, a, n, i0)
}

void CVectorMath_normalizeRows(int level, const float *x, float *y, ptrdiff_t rows, ptrdiff_t d, float epsilon,
                               float *norms) {
    DISPATCH(normalizeRowsKernel, x, y, rows, d, epsilon, norms)
}

void CVectorMath_normalizeRowsBackward(int level, float *g, const float *y, ptrdiff_t rows, ptrdiff_t d,
                                       const float *norms, float epsilon) {
    DISPATCH(normalizeRowsBackwardKernel, g, y, rows, d, norms, epsilon)
}
