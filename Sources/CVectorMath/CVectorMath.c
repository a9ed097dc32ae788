// Run-time dispatch over the three compilations of CVectorMathBody.h. Why this is C:
// include/CVectorMath.h.
#include "CVectorMath.h"


#define CVM_BODY "CVectorMathBody.h"
#include "CVectorMathVariants.h"

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
