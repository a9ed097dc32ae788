// The kernels of CVectorMath.h, written once over 16-lane vectors. CVectorMath.c includes this
// file three times with ATTR (a target attribute) and NAME(f) (a suffix) defined; helpers are
// always inlined so that each copy is compiled for its own instruction set.

#define INLINE static inline __attribute__((always_inline)) ATTR

INLINE vf NAME(load)(const float *p) {
    vf v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

INLINE void NAME(store)(float *p, vf v) { __builtin_memcpy(p, &v, sizeof v); }

/// The first n < 16 lanes from p, the others `fill`.
INLINE vf NAME(loadPartial)(const float *p, ptrdiff_t n, float fill) {
    float lanes[16];
    for (int k = 0; k < 16; k++) lanes[k] = k < n ? p[k] : fill;
    return NAME(load)(lanes);
}

INLINE void NAME(storePartial)(float *p, ptrdiff_t n, vf v) {
    float lanes[16];
    NAME(store)(lanes, v);
    for (ptrdiff_t k = 0; k < n; k++) p[k] = lanes[k];
}

INLINE vf NAME(select)(vi mask, vf a, vf b) { return (vf)(((vi)a & mask) | ((vi)b & ~mask)); }

INLINE vf NAME(splat)(float x) { return (vf){0} + x; }

INLINE float NAME(horizontalMax)(vf v) {
    float lanes[16], m;
    NAME(store)(lanes, v);
    m = lanes[0];
    for (int k = 1; k < 16; k++) m = lanes[k] > m ? lanes[k] : m;
    return m;
}

/// Σ of the 16 lanes in double, by a tree of vector additions.
INLINE double NAME(horizontalSum)(vf v) {
    vd8 a = __builtin_convertvector(__builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7), vd8) +
            __builtin_convertvector(__builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15), vd8);
    typedef double vd4 __attribute__((vector_size(32)));
    typedef double vd2 __attribute__((vector_size(16)));
    const vd4 b = __builtin_shufflevector(a, a, 0, 1, 2, 3) + __builtin_shufflevector(a, a, 4, 5, 6, 7);
    const vd2 c = __builtin_shufflevector(b, b, 0, 1) + __builtin_shufflevector(b, b, 2, 3);
    return c[0] + c[1];
}

/// Cephes' expf scheme: x = n·ln 2 + r, n = round(x·log₂e) (by the 1.5·2²³ trick), ln 2 in two
/// parts for an exact reduction, e^r by the degree-7 minimax polynomial, 2ⁿ through the
/// exponent bits.
INLINE vf NAME(exp)(vf x) {
    const vi notANumber = x != x, underflow = x < -87.33654f, overflow = x > 88.0f;
    vf v = NAME(select)(overflow, NAME(splat)(88.0f), x);
    v = NAME(select)(underflow | notANumber, NAME(splat)(0.0f), v);
    const vf biased = v * 1.44269504088896341f + 12582912.0f;
    const vf n = biased - 12582912.0f;
    vf r = v - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    const vf z = r * r;
    vf y = NAME(splat)(1.9875691500e-4f);
    y = y * r + 1.3981999507e-3f;
    y = y * r + 8.3334519073e-3f;
    y = y * r + 4.1665795894e-2f;
    y = y * r + 1.6666665459e-1f;
    y = y * r + 5.0000001201e-1f;
    y = y * z + r + 1.0f;
    const vi integer = (vi)biased - 0x4B400000;
    const vf twoToN = (vf)((integer + 127) << 23);
    vf result = y * twoToN;
    result = NAME(select)(underflow, NAME(splat)(0.0f), result);
    return NAME(select)(notANumber, x, result);
}

/// log(1 + x) for x ≥ 0: u = 1 + x rounded, log u by Cephes' logf (u = m·2^e with m in
/// [√½, √2), degree-9 polynomial), plus the rounding correction (x − (u − 1))/u.
INLINE vf NAME(log1pCore)(vf x, vf u, vf correction) {
    const vi notANumber = x != x, infinite = x == __builtin_inff();
    const vi bits = (vi)u;
    vf e = __builtin_convertvector((bits >> 23) - 126, vf);
    vf m = (vf)((bits & 0x807FFFFF) | 0x3F000000);  // [0.5, 1)
    const vi small = m < 0.707106781186547524f;
    e = e - NAME(select)(small, NAME(splat)(1.0f), NAME(splat)(0.0f));
    m = m + NAME(select)(small, m, NAME(splat)(0.0f)) - 1.0f;
    const vf z = m * m;
    vf y = NAME(splat)(7.0376836292e-2f);
    y = y * m - 1.1514610310e-1f;
    y = y * m + 1.1676998740e-1f;
    y = y * m - 1.2420140846e-1f;
    y = y * m + 1.4249322787e-1f;
    y = y * m - 1.6668057665e-1f;
    y = y * m + 2.0000714765e-1f;
    y = y * m - 2.4999993993e-1f;
    y = y * m + 3.3333331174e-1f;
    y = y * m * z;
    y = y + e * -2.12194440e-4f;
    y = y - 0.5f * z;
    vf result = m + y + correction;
    result = result + e * 0.693359375f;
    result = NAME(select)(infinite, x, result);
    return NAME(select)(notANumber, x, result);
}

INLINE vf NAME(log1p)(vf x) {
    const vf u = x + 1.0f;
    return NAME(log1pCore)(x, u, (x - (u - 1.0f)) / u);
}

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

/// Lanes j..j+15 of a row: whether each is < n (as a mask).
INLINE vi NAME(inside)(ptrdiff_t j, ptrdiff_t n) {
    const vf lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    return lane + (float)j < (float)n;
}

/// columns[j..j+15] += (double)v (the first `count` lanes).
INLINE void NAME(addToColumns)(double *columns, ptrdiff_t j, ptrdiff_t count, vf v) {
    if (count == 16) {
        vd8 low, high;
        __builtin_memcpy(&low, columns + j, sizeof low);
        __builtin_memcpy(&high, columns + j + 8, sizeof high);
        low += __builtin_convertvector(__builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7), vd8);
        high += __builtin_convertvector(__builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15), vd8);
        __builtin_memcpy(columns + j, &low, sizeof low);
        __builtin_memcpy(columns + j + 8, &high, sizeof high);
    } else {
        float lanes[16];
        NAME(store)(lanes, v);
        for (ptrdiff_t k = 0; k < count; k++) columns[j + k] += lanes[k];
    }
}

/// 16 × 16 transpose in registers (t[r] lane k becomes t[k] lane r): four stages, each
/// swapping the off-diagonal b × b blocks of every 2b × 2b block (b = 8, 4, 2, 1).
INLINE void NAME(transpose16)(vf t[16]) {
#define CVM_STAGE(B, ...)                                                                     \
    for (int r = 0; r < 16; r++) {                                                            \
        if (r & B) continue;                                                                  \
        const vf a = t[r], b = t[r | B];                                                      \
        t[r] = __builtin_shufflevector(a, b, __VA_ARGS__);                                    \
        t[r | B] = __builtin_shufflevector(a, b, CVM_HIGH_##B);                               \
    }
#define CVM_HIGH_8 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31
#define CVM_HIGH_4 4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31
#define CVM_HIGH_2 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31
#define CVM_HIGH_1 1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31
    CVM_STAGE(8, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23)
    CVM_STAGE(4, 0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27)
    CVM_STAGE(2, 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29)
    CVM_STAGE(1, 0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30)
#undef CVM_STAGE
#undef CVM_HIGH_8
#undef CVM_HIGH_4
#undef CVM_HIGH_2
#undef CVM_HIGH_1
}

/// Row r < rows of t = 16 floats from p + r·stride (the first `columns`, the rest 0); rows
/// from `rows` on are 0.
INLINE void NAME(loadTile)(vf t[16], const float *p, ptrdiff_t stride, ptrdiff_t rows, ptrdiff_t columns) {
    for (int r = 0; r < 16; r++) {
        if (r >= rows) t[r] = NAME(splat)(0.0f);
        else t[r] = columns == 16 ? NAME(load)(p + r * stride) : NAME(loadPartial)(p + r * stride, columns, 0.0f);
    }
}

INLINE vf NAME(loadRow)(const float *p, ptrdiff_t count) {
    return count == 16 ? NAME(load)(p) : NAME(loadPartial)(p, count, 0.0f);
}

INLINE void NAME(storeRow)(float *p, ptrdiff_t count, vf v) {
    if (count == 16) NAME(store)(p, v); else NAME(storePartial)(p, count, v);
}

// How many columns ahead the tile-pair kernels prefetch: two tiles (16 to 128 measured alike
// within noise, one tile was slower at n = 1024).
#ifndef PREFETCH_AHEAD
#define PREFETCH_AHEAD 32
#endif

/// Prefetches the 16 × 16 tile at (i0, j0) of a dense [n, n] matrix (rows i0.. that exist; one
/// line each): the tiles the tile-pair kernels read next, whose rows are n floats apart, which
/// the hardware prefetchers do not follow (the first load of each line stalled the passes).
INLINE void NAME(prefetchTile)(const float *p, ptrdiff_t n, ptrdiff_t i0, ptrdiff_t j0) {
    if (i0 >= n || j0 >= n) return;
    const ptrdiff_t rows = n - i0 < 16 ? n - i0 : 16;
    for (ptrdiff_t r = 0; r < rows; r++) __builtin_prefetch(p + (i0 + r) * n + j0);
}

ATTR void NAME(sigmoidExpPanelKernel)(const float *c, float *e, ptrdiff_t n, ptrdiff_t i0, float scale, float bias,
                                     float shift, double *rowExpSums, double *columnExpSums,
                                     double *columnDifferences) {
    const vf zero = NAME(splat)(0.0f);
    const ptrdiff_t h = n - i0 < 16 ? n - i0 : 16;
    const float offset = bias - shift;
    // Per row i of the panel, lanes over the tiles' columns (summed across lanes at the end):
    // Σ_j E_ij (the row sum), and from the mirror tiles Σ_j E_ji and Σ_j E_ji (C_ji − C_ij)
    // (column i's sums).
    vf rowPartial[16], columnPartial[16], differencePartial[16];
    double rowTotal[16] = {0}, columnTotal[16] = {0}, differenceTotal[16] = {0};
    for (int i = 0; i < 16; i++) rowPartial[i] = columnPartial[i] = differencePartial[i] = zero;
    for (ptrdiff_t j0 = i0; j0 < n; j0 += 16) {
        const ptrdiff_t w = n - j0 < 16 ? n - j0 : 16;
        const int diagonal = j0 == i0;
        const vi inside = NAME(inside)(j0, n);
        NAME(prefetchTile)(c, n, j0 + PREFETCH_AHEAD, i0);
        NAME(prefetchTile)(c, n, i0, j0 + PREFETCH_AHEAD);
        // transposed[i] lane k = C[j0 + k][i0 + i]; mirror[i] lane k = E[j0 + k][i0 + i].
        vf transposed[16], mirror[16];
        NAME(loadTile)(transposed, c + j0 * n + i0, n, w, h);
        NAME(transpose16)(transposed);
        vf columnSum = zero, columnDifference = zero, mirrorRowSum = zero;
        for (ptrdiff_t i = 0; i < 16; i++) {
            mirror[i] = zero;
            if (i >= h) continue;
            const vf cosine = NAME(loadRow)(c + (i0 + i) * n + j0, w);
            const vf ex = NAME(select)(inside, NAME(exp)(cosine * scale + offset), zero);
            NAME(storeRow)(e + (i0 + i) * n + j0, w, ex);
            rowPartial[i] += ex;
            columnSum += ex;
            columnDifference += ex * (cosine - transposed[i]);
            if (diagonal) continue;
            const vf exT = NAME(select)(inside, NAME(exp)(transposed[i] * scale + offset), zero);
            mirror[i] = exT;
            mirrorRowSum += exT;
            columnPartial[i] += exT;
            differencePartial[i] += exT * (transposed[i] - cosine);
        }
        NAME(addToColumns)(columnExpSums, j0, w, columnSum);
        NAME(addToColumns)(columnDifferences, j0, w, columnDifference);
        if (!diagonal) {
            NAME(addToColumns)(rowExpSums, j0, w, mirrorRowSum);
            NAME(transpose16)(mirror);
            for (ptrdiff_t k = 0; k < w; k++) NAME(storeRow)(e + (j0 + k) * n + i0, h, mirror[k]);
        }
        if (((j0 - i0) & 255) == 240 || j0 + 16 >= n) {  // Float partial sums of at most 16 tiles
            for (ptrdiff_t i = 0; i < h; i++) {
                rowTotal[i] += NAME(horizontalSum)(rowPartial[i]);
                columnTotal[i] += NAME(horizontalSum)(columnPartial[i]);
                differenceTotal[i] += NAME(horizontalSum)(differencePartial[i]);
                rowPartial[i] = columnPartial[i] = differencePartial[i] = zero;
            }
        }
    }
    for (ptrdiff_t i = 0; i < h; i++) {
        rowExpSums[i0 + i] += rowTotal[i];
        columnExpSums[i0 + i] += columnTotal[i];
        columnDifferences[i0 + i] += differenceTotal[i];
    }
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

/// The sigmoid loss's Float parameters of pass 2 (see sigmoidGradientTilePair in CVectorMath.h).
typedef struct {
    float scale, bias, gamma, gradientScale, klFactor, expShift;
    int shortcut;
} NAME(SigmoidParameters);

/// ∂total/∂L at one 16-lane run of entries (a, b) of a row: c = C_ab, ct = C_ba, ex = E_ab,
/// ext = E_ba (E = exp(L − shift)), sign +1 on the diagonal; the a-indexed quantities
/// (inverseRowSum = 1/r_a, inverseColumnSumA = 1/c_a) and the b-indexed ones (1/c_b, colLSE_b,
/// rowLSE_b, kl_b) as vectors (splat where the index is the row's). Adds −w·log p, G and G·c
/// of the lanes `inside` to the three accumulators.
INLINE vf NAME(sigmoidGradientRun)(vf c, vf ct, vf ex, vf ext, vf sign, const NAME(SigmoidParameters) * params,
                                   vf inverseRowSum, vf inverseColumnSumA, vf inverseColumnSumB, vf columnLSEB,
                                   vf rowLSEB, vf klB, vi inside, vf *part, vf *gSum, vf *gcSum) {
    const vf one = NAME(splat)(1.0f), zero = NAME(splat)(0.0f);
    const vf l = c * params->scale + params->bias;
    const vf z = sign * l;
    const vi nonNegative = z >= 0.0f;
    vf e;  // exp(−|z|) = exp(−|l|)
    if (params->shortcut) {
        // exp(l) = E·exp(shift) (both factors normal, see the header), and exp(−l) its inverse.
        const vf t = ex * params->expShift;
        const vi negative = l <= 0.0f;
        e = __builtin_reduce_and(negative | ~inside) ? t : NAME(select)(negative, t, one / t);
    } else {
        e = NAME(exp)(NAME(select)(nonNegative, -z, z));
    }
    vf inverse, softplus;  // 1/(1 + e) and log(1 + e)
    if (__builtin_reduce_and((e <= 0.03125f) | ~inside)) {
        // Every lane's e ≤ 1/32 (the negatives of a training batch, whose logits sit well below
        // 0): the series 1 − e + e² − e³ + e⁴ and e·(1 − e/2 + e²/3 − e³/4 + e⁴/5), whose
        // truncation errors e⁵ ≤ 3·10⁻⁸ and e⁵/6 ≤ 5·10⁻⁹ (relative) are within Float's
        // rounding, instead of a division and the logarithm's reduction and polynomial.
        inverse = one + e * (-1.0f + e * (1.0f + e * (-1.0f + e)));
        softplus = e * (one + e * (-0.5f + e * (0.333333333f + e * (-0.25f + e * 0.2f))));
    } else {
        const vf u = one + e;
        inverse = one / u;
        softplus = NAME(log1pCore)(e, u, (e - (u - 1.0f)) * inverse);
    }
    const vf logP = NAME(select)(nonNegative, -softplus, z - softplus);
    const vf p = NAME(select)(nonNegative, inverse, e * inverse);
    const vf q = NAME(select)(nonNegative, e * inverse, inverse);
    const float gamma = params->gamma;
    vf penalty;
    if (gamma == 0.0f) penalty = one;
    else if (gamma == 1.0f) penalty = q;
    else penalty = NAME(exp)(gamma * (logP - z));
    vf gradient = sign * (gamma * p * penalty * logP - penalty * q) * params->gradientScale;
    if (params->klFactor != 0.0f) {
        const vf lt = ct * params->scale + params->bias;
        const vf qba = ex * inverseColumnSumB;
        const vf mba = qba * ((l - columnLSEB) - (lt - rowLSEB) - klB);
        gradient += params->klFactor * (mba + ex * inverseRowSum - ext * inverseColumnSumA);
    }
    gradient = NAME(select)(inside, gradient, zero);
    *part -= NAME(select)(inside, penalty * logP, zero);
    *gSum += gradient;
    *gcSum += gradient * c;
    return gradient;
}

ATTR void NAME(sigmoidGradientTilePairKernel)(const float *c, float *eg, ptrdiff_t n, ptrdiff_t i0, ptrdiff_t j0,
                                             float scale, float bias, float gamma, float gradientScale, float klFactor,
                                             float shift, const float *inverseRowSums,
                                             const float *inverseColumnSums, const float *columnLSE,
                                             const float *rowLSE, const float *kl, double *sums) {
    const vf zero = NAME(splat)(0.0f), minusOne = NAME(splat)(-1.0f);
    const vf lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    NAME(SigmoidParameters) params = {scale, bias, gamma, gradientScale, klFactor, 0.0f, 0};
    // The shortcut needs exp(shift) and every exp(l) ≥ exp(bias − scale) normal.
    if (shift <= 80.0f && shift >= -80.0f && bias - scale >= -80.0f) {
        params.shortcut = 1;
        params.expShift = NAME(exp)(NAME(splat)(shift))[0];
    }
    const ptrdiff_t h = n - i0 < 16 ? n - i0 : 16, w = n - j0 < 16 ? n - j0 : 16;
    const int diagonal = i0 == j0;
    const vi inside = NAME(inside)(j0, n);
    // A later pair's tiles (i0, j0 + PREFETCH_AHEAD) and (j0 + PREFETCH_AHEAD, i0) of C and E.
    NAME(prefetchTile)(c, n, i0, j0 + PREFETCH_AHEAD);
    NAME(prefetchTile)(c, n, j0 + PREFETCH_AHEAD, i0);
    NAME(prefetchTile)(eg, n, i0, j0 + PREFETCH_AHEAD);
    NAME(prefetchTile)(eg, n, j0 + PREFETCH_AHEAD, i0);
    // Rows i of the transposed tiles (i0.., j0..): cT[i] lane k = C[j0 + k][i0 + i], eT likewise.
    vf cT[16], eT[16], gT[16];
    NAME(loadTile)(cT, c + j0 * n + i0, n, w, h);
    NAME(transpose16)(cT);
    NAME(loadTile)(eT, eg + j0 * n + i0, n, w, h);
    NAME(transpose16)(eT);
    const vf inverseRowSumsJ = NAME(loadRow)(inverseRowSums + j0, w), inverseColumnSumsJ = NAME(loadRow)(inverseColumnSums + j0, w);
    const vf columnLSEJ = NAME(loadRow)(columnLSE + j0, w), rowLSEJ = NAME(loadRow)(rowLSE + j0, w), klJ = NAME(loadRow)(kl + j0, w);
    vf part = zero, gSum = zero, gcSum = zero;
    // The mirror tile first (entries (j0 + k, i0 + i) in row i's lanes), while the natural
    // rows of E are still E; then the natural tile, written over them. Two loops rather than
    // one: each keeps one gradient run's values in registers.
    for (ptrdiff_t i = 0; i < 16; i++) {
        gT[i] = zero;
        if (diagonal || i >= h) continue;
        const ptrdiff_t row = i0 + i;
        const vf cosine = NAME(loadRow)(c + row * n + j0, w), ex = NAME(loadRow)(eg + row * n + j0, w);
        gT[i] = NAME(sigmoidGradientRun)(
            cT[i], cosine, eT[i], ex, minusOne, &params, inverseRowSumsJ, inverseColumnSumsJ, NAME(splat)(inverseColumnSums[row]),
            NAME(splat)(columnLSE[row]), NAME(splat)(rowLSE[row]), NAME(splat)(kl[row]), inside, &part, &gSum, &gcSum);
    }
    for (ptrdiff_t i = 0; i < h; i++) {
        const ptrdiff_t row = i0 + i;
        const vf cosine = NAME(loadRow)(c + row * n + j0, w), ex = NAME(loadRow)(eg + row * n + j0, w);
        const vf sign = diagonal ? NAME(select)(lane == (float)i, NAME(splat)(1.0f), minusOne) : minusOne;
        const vf g = NAME(sigmoidGradientRun)(
            cosine, cT[i], ex, eT[i], sign, &params, NAME(splat)(inverseRowSums[row]), NAME(splat)(inverseColumnSums[row]),
            inverseColumnSumsJ, columnLSEJ, rowLSEJ, klJ, inside, &part, &gSum, &gcSum);
        NAME(storeRow)(eg + row * n + j0, w, g);
    }
    if (!diagonal) {
        NAME(transpose16)(gT);
        for (ptrdiff_t k = 0; k < w; k++) NAME(storeRow)(eg + (j0 + k) * n + i0, h, gT[k]);
    }
    sums[0] += NAME(horizontalSum)(part);
    sums[1] += NAME(horizontalSum)(gSum);
    sums[2] += NAME(horizontalSum)(gcSum);
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

/// Row entries j..j+7 widened to double with the sparsemax scores' edits: clamped at floor,
/// minus 1 at `partner`, −∞ at `self` and past the end.
INLINE vd8 NAME(sparsemaxScores)(const float *c, ptrdiff_t j, ptrdiff_t n, ptrdiff_t self, ptrdiff_t partner, double floor) {
    const vd8 lane = {0, 1, 2, 3, 4, 5, 6, 7};
    vf8 raw;
    if (j + 8 <= n) {
        __builtin_memcpy(&raw, c + j, sizeof raw);
    } else {
        float lanes[8] = {0};
        for (ptrdiff_t k = 0; k < n - j; k++) lanes[k] = c[j + k];
        __builtin_memcpy(&raw, lanes, sizeof raw);
    }
    vd8 z = __builtin_convertvector(raw, vd8);
    z = (vd8)(((vl8)z & (vl8)(z >= floor)) | ((vl8)((vd8){0} + floor) & (vl8)(z < floor)));
    const vd8 index = lane + (double)j;
    z = z - (vd8)((vl8)((vd8){0} + 1.0) & (vl8)(index == (double)partner));
    const vl8 out = (vl8)(index == (double)self) | (vl8)(index >= (double)n);
    return (vd8)(((vl8)z & ~out) | ((vl8)((vd8){0} - __builtin_inf()) & out));
}

ATTR double NAME(sparsemaxRowKernel)(const float *c, float *g, ptrdiff_t n, ptrdiff_t self, ptrdiff_t partner, float floor,
                                    double weight, double *scratch) {
    const double lower = floor;
    const float partnerCosine = c[partner];  // c may be g: read before the output pass
    // For any set S of scores, (Σ_S z − 1)/|S| ≤ τ (Σ_S (z − τ_S) = 1 ≤ Σ max(z − τ_S, 0), and
    // that sum decreases in τ to 1 at τ). One pass takes the lane-wise maxima of two
    // interleaved 8-lane blocks (16 scores) and the best such bound over their sorted prefixes;
    // a second pass copies the scores above it (a superset of the support, typically a few
    // dozen) to `scratch`, where Michelot's fixed point τ ← (Σ_{z > τ} z − 1)/|{z > τ}|, which
    // increases from any lower bound to τ, runs.
    vd8 even = {0}, odd = {0};
    even -= __builtin_inf();
    odd -= __builtin_inf();
    for (ptrdiff_t j = 0; j < n; j += 16) {
        const vd8 a = NAME(sparsemaxScores)(c, j, n, self, partner, lower);
        even = (vd8)(((vl8)a & (vl8)(a > even)) | ((vl8)even & ~(vl8)(a > even)));
        if (j + 8 < n) {
            const vd8 b = NAME(sparsemaxScores)(c, j + 8, n, self, partner, lower);
            odd = (vd8)(((vl8)b & (vl8)(b > odd)) | ((vl8)odd & ~(vl8)(b > odd)));
        }
    }
    double top[16];
    for (int k = 0; k < 8; k++) {
        top[k] = even[k];
        top[8 + k] = odd[k];
    }
    for (int k = 1; k < 16; k++) {  // insertion sort, descending
        const double value = top[k];
        int t = k;
        for (; t > 0 && top[t - 1] < value; t--) top[t] = top[t - 1];
        top[t] = value;
    }
    double tau = -__builtin_inf(), prefix = 0;
    for (int k = 0; k < 16 && top[k] > -__builtin_inf(); k++) {
        prefix += top[k];
        const double bound = (prefix - 1) / (double)(k + 1);
        if (bound > tau) tau = bound;
    }
    // Candidates: scores in scratch[0..<k], their columns in scratch[n + 8...] (as doubles).
    double *columns = scratch + n + 8;
    long k = 0;
    const vd8 lane = {0, 1, 2, 3, 4, 5, 6, 7};
    for (ptrdiff_t j = 0; j < n; j += 8) {
        const vd8 z = NAME(sparsemaxScores)(c, j, n, self, partner, lower);
#if defined(CVM_AVX512)
        // About half the runs hold a candidate, at random: the candidates compressed to the
        // front of a register and the whole register stored (the room for it is in scratch),
        // instead of a branch and a scalar loop (a masked compress to memory is slow on Intel).
        const __mmask8 above = _mm512_cmp_pd_mask((__m512d)z, _mm512_set1_pd(tau), _CMP_GT_OQ);
        _mm512_storeu_pd(scratch + k, _mm512_maskz_compress_pd(above, (__m512d)z));
        _mm512_storeu_pd(columns + k, _mm512_maskz_compress_pd(above, (__m512d)(lane + (double)j)));
        k += __builtin_popcount(above);
#else
        if (!__builtin_reduce_or((vl8)(z > tau))) continue;
        for (int t = 0; t < 8; t++) {
            scratch[k] = z[t];
            columns[k] = lane[t] + (double)j;
            k += z[t] > tau;
        }
#endif
    }
    long count = -1;
    for (;;) {
        double total = 0;
        long newCount = 0;
        for (long i = 0; i < k; i++) {
            const double z = scratch[i];
            scratch[newCount] = z;
            columns[newCount] = columns[i];
            const int inside = z > tau;
            total += inside ? z : 0;
            newCount += inside;
        }
        k = newCount;
        const double next = (total - 1) / (double)newCount;
        if (newCount == count || next <= tau) break;
        tau = next;
        count = newCount;
    }
    // Gradient weight·(z − τ) on the support (scratch[0..<k], the scores above τ), −weight at
    // the positive, 0 where clamped; the row's loss ½Σ_S (z² − τ²) − (positive − 1) + ½. The
    // support's values are computed before the row is cleared (c may be g).
    double squareSum = 0;
    for (long i = 0; i < k; i++) {
        const double z = scratch[i];
        squareSum += z * z - tau * tau;
        scratch[i] = c[(ptrdiff_t)columns[i]] < floor ? 0 : weight * (z - tau);
    }
    ptrdiff_t j = 0;
    for (; j + 16 <= n; j += 16) NAME(store)(g + j, NAME(splat)(0.0f));
    for (; j < n; j++) g[j] = 0;
    for (long i = 0; i < k; i++) g[(ptrdiff_t)columns[i]] = (float)scratch[i];
    const double positive = partnerCosine < floor ? floor : partnerCosine;
    if (!(partnerCosine < floor)) g[partner] = (float)((double)g[partner] - weight);
    return 0.5 * squareSum - (positive - 1) + 0.5;
}

#undef INLINE
