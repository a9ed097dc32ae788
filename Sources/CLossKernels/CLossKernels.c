// Run-time dispatch over the three compilations of LossKernelsBody.h. Why this is C:
// include/CLossKernels.h.
#include "CLossKernels.h"

#include "CVectorMathLanes.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define ATTR __attribute__((target("avx512f")))
#define NAME(f) f##_avx512
#define CVM_AVX512 1  // the body may use AVX-512F intrinsics (masked compress)
#include "LossKernelsBody.h"
#undef CVM_AVX512
#undef ATTR
#undef NAME

#define ATTR __attribute__((target("avx2,fma")))
#define NAME(f) f##_avx2
#include "LossKernelsBody.h"
#undef ATTR
#undef NAME
#endif

#define ATTR
#define NAME(f) f##_base
#include "LossKernelsBody.h"
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

void CLossKernels_sigmoidExpPanel(int level, const float *c, float *e, ptrdiff_t n, ptrdiff_t i0, float scale, float bias,
                                  float shift, double *rowExpSums, double *columnExpSums, double *columnDifferences) {
    DISPATCH(sigmoidExpPanelKernel, c, e, n, i0, scale, bias, shift, rowExpSums, columnExpSums, columnDifferences)
}

void CLossKernels_sigmoidGradientTilePair(int level, const float *c, float *eg, ptrdiff_t n, ptrdiff_t i0, ptrdiff_t j0,
                                         float scale, float bias, float gamma, float gradientScale, float klFactor,
                                         float shift, const float *inverseRowSums, const float *inverseColumnSums,
                                         const float *columnLSE, const float *rowLSE, const float *kl, double *sums) {
    DISPATCH(sigmoidGradientTilePairKernel, c, eg, n, i0, j0, scale, bias, gamma, gradientScale, klFactor, shift,
             inverseRowSums, inverseColumnSums, columnLSE, rowLSE, kl, sums)
}

double CLossKernels_sparsemaxRow(int level, const float *c, float *g, ptrdiff_t n, ptrdiff_t self, ptrdiff_t partner,
                                float floor, double weight, double *scratch) {
    DISPATCH(sparsemaxRowKernel, c, g, n, self, partner, floor, weight, scratch)
}
