// Run-time dispatch over the three compilations of LossKernelsBody.h. Why this is C:
// include/CLossKernels.h.
#include "CLossKernels.h"

#define CVM_BODY "LossKernelsBody.h"
#include "CVectorMathVariants.h"

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
