// The kernels of CVectorMath.h, written once over 16-lane vectors. CVectorMath.c includes this
// file three times with ATTR (a target attribute) and NAME(f) (a suffix) defined; the helpers
// (CVectorMathLanes.h) are always inlined so that each copy is compiled for its own
// instruction set.

#include "CVectorMathLanes.h"

ATTR void NAME(expKernel)(const float *x, float *y, ptrdiff_t n, float scale, float floor) {
    const vf lower = NAME(splat)(floor);
    ptrdiff_t j = 0;
    for (; j + 16 <= n; j += 16) {
        const vf v = NAME(load)(x + j);
        NAME(store)(y + j, NAME(exp)(NAME(select)(v < floor, lower, v) * scale));
    }
    if (j < n) {
        const vf v = NAME(loadPartial)(x + j, n - j, 0.0f);
        NAME(storePartial)(y + j, n - j, NAME(exp)(NAME(select)(v < floor, lower, v) * scale));
    }
}

ATTR void NAME(log1pKernel)(const float *x, float *y, ptrdiff_t n) {
    ptrdiff_t j = 0;
    for (; j + 16 <= n; j += 16) NAME(store)(y + j, NAME(log1p)(NAME(load)(x + j)));
    if (j < n) NAME(storePartial)(y + j, n - j, NAME(log1p)(NAME(loadPartial)(x + j, n - j, 0.0f)));
}

/// y[j] = exp(scale·max(x[j], floor) − shift) with 0 at the left-out columns e0, e1 (−1 for
/// none); returns the sum of y, in float lanes per 256 entries and in double across them.
INLINE double NAME(expSum)(const float *x, float *y, ptrdiff_t n, float scale, float shift, float floor, ptrdiff_t e0,
                           ptrdiff_t e1) {
    const vf lower = NAME(splat)(floor);
    const vf lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    const float f0 = (float)e0, f1 = (float)e1;
    double sum = 0;
    vf partial = {0};
    for (ptrdiff_t j = 0; j < n; j += 16) {
        const ptrdiff_t count = n - j < 16 ? n - j : 16;
        vf v = count == 16 ? NAME(load)(x + j) : NAME(loadPartial)(x + j, count, 0.0f);
        v = NAME(select)(v < floor, lower, v);
        const vf index = lane + (float)j;
        vf e = NAME(exp)(v * scale - shift);
        e = NAME(select)((index == f0) | (index == f1) | (index >= (float)n), NAME(splat)(0.0f), e);
        partial += e;
        if (count == 16) NAME(store)(y + j, e); else NAME(storePartial)(y + j, count, e);
        if ((j & 255) == 240 || j + 16 >= n) {
            sum += NAME(horizontalSum)(partial);
            partial = (vf){0};
        }
    }
    return sum;
}

ATTR double NAME(expSumKernel)(const float *x, float *y, ptrdiff_t n, float scale, float shift, float floor, ptrdiff_t e0,
                               ptrdiff_t e1) {
    return NAME(expSum)(x, y, n, scale, shift, floor, e0, e1);
}

ATTR double NAME(scaledSoftmaxRowKernel)(const float *x, float *p, ptrdiff_t n, float scale, float probabilityScale,
                                        ptrdiff_t e0, ptrdiff_t e1, float *shiftOut) {
    const vf lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    const vf minusInfinity = NAME(splat)(-__builtin_inff());
    const float f0 = (float)e0, f1 = (float)e1;
    // Maximum over kept entries (left-out lanes read as −∞).
    vf maximum = minusInfinity;
    for (ptrdiff_t j = 0; j < n; j += 16) {
        const vf v = j + 16 <= n ? NAME(load)(x + j) : NAME(loadPartial)(x + j, n - j, -__builtin_inff());
        const vf index = lane + (float)j;
        const vf kept = NAME(select)((index == f0) | (index == f1), minusInfinity, v);
        maximum = NAME(select)(kept > maximum, kept, maximum);
    }
    const float largest = NAME(horizontalMax)(maximum);
    if (largest == -__builtin_inff()) {
        for (ptrdiff_t j = 0; j < n; j++) p[j] = 0;
        *shiftOut = 0;
        return 0;
    }
    const float shift = largest * scale;
    const double sum = NAME(expSum)(x, p, n, scale, shift, -__builtin_inff(), e0, e1);
    const float factor = probabilityScale / (float)sum;
    ptrdiff_t j = 0;
    for (; j + 16 <= n; j += 16) NAME(store)(p + j, NAME(load)(p + j) * factor);
    for (; j < n; j++) p[j] *= factor;
    *shiftOut = shift;
    return sum;
}

ATTR void NAME(scaleByRowPlusColumnKernel)(float *x, ptrdiff_t n, float rowFactor, const float *columnFactors) {
    ptrdiff_t j = 0;
    for (; j + 16 <= n; j += 16) NAME(store)(x + j, NAME(load)(x + j) * (NAME(load)(columnFactors + j) + rowFactor));
    for (; j < n; j++) x[j] *= columnFactors[j] + rowFactor;
}

ATTR void NAME(addTransposePanelKernel)(float *a, ptrdiff_t n, ptrdiff_t i0) {
    const ptrdiff_t h = n - i0 < 16 ? n - i0 : 16;
    for (ptrdiff_t j0 = i0; j0 < n; j0 += 16) {
        const ptrdiff_t w = n - j0 < 16 ? n - j0 : 16;
        NAME(prefetchTile)(a, n, j0 + PREFETCH_AHEAD, i0);
        NAME(prefetchTile)(a, n, i0, j0 + PREFETCH_AHEAD);
        // sum[i] lane k = a[j0 + k][i0 + i], then + a[i0 + i][j0 + k].
        vf sum[16];
        NAME(loadTile)(sum, a + j0 * n + i0, n, w, h);
        NAME(transpose16)(sum);
        for (ptrdiff_t i = 0; i < 16; i++) {
            if (i >= h) {
                sum[i] = NAME(splat)(0.0f);
                continue;
            }
            sum[i] += NAME(loadRow)(a + (i0 + i) * n + j0, w);
            NAME(storeRow)(a + (i0 + i) * n + j0, w, sum[i]);
        }
        if (j0 == i0) continue;
        NAME(transpose16)(sum);
        for (ptrdiff_t k = 0; k < w; k++) NAME(storeRow)(a + (j0 + k) * n + i0, h, sum[k]);
    }
}

ATTR void NAME(normalizeRowsKernel)(const float *x, float *y, ptrdiff_t rows, ptrdiff_t d, float epsilon, float *norms) {
    for (ptrdiff_t i = 0; i < rows; i++) {
        const float *row = x + i * d;
        float *out = y + i * d;
        vf squares = NAME(splat)(0.0f);
        ptrdiff_t k = 0;
        for (; k + 16 <= d; k += 16) {
            const vf v = NAME(load)(row + k);
            squares += v * v;
        }
        if (k < d) {
            const vf v = NAME(loadPartial)(row + k, d - k, 0.0f);
            squares += v * v;
        }
        float lanes[16], sum = 0;
        NAME(store)(lanes, squares);
        for (int t = 0; t < 16; t++) sum += lanes[t];
        const float norm = __builtin_sqrtf(sum);
        norms[i] = norm;
        const float divisor = norm > epsilon ? norm : epsilon;
        for (k = 0; k + 16 <= d; k += 16) NAME(store)(out + k, NAME(load)(row + k) / divisor);
        for (; k < d; k++) out[k] = row[k] / divisor;
    }
}

ATTR void NAME(normalizeRowsBackwardKernel)(float *g, const float *y, ptrdiff_t rows, ptrdiff_t d, const float *norms,
                                           float epsilon) {
    for (ptrdiff_t i = 0; i < rows; i++) {
        float *gradient = g + i * d;
        const float *unit = y + i * d;
        if (!(norms[i] > epsilon)) {
            const float inverse = 1 / epsilon;
            for (ptrdiff_t k = 0; k < d; k++) gradient[k] *= inverse;
            continue;
        }
        vf dots = NAME(splat)(0.0f);
        ptrdiff_t k = 0;
        for (; k + 16 <= d; k += 16) dots += NAME(load)(gradient + k) * NAME(load)(unit + k);
        if (k < d) dots += NAME(loadPartial)(gradient + k, d - k, 0.0f) * NAME(loadPartial)(unit + k, d - k, 0.0f);
        float lanes[16], dot = 0;
        NAME(store)(lanes, dots);
        for (int t = 0; t < 16; t++) dot += lanes[t];
        const float inverse = 1 / norms[i];
        for (k = 0; k + 16 <= d; k += 16)
            NAME(store)(gradient + k, (NAME(load)(gradient + k) - dot * NAME(load)(unit + k)) * inverse);
        for (; k < d; k++) gradient[k] = (gradient[k] - dot * unit[k]) * inverse;
    }
}

#undef INLINE
