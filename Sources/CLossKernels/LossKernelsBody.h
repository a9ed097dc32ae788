// The loss-specific kernels of CLossKernels.h, written once over 16-lane vectors with the
// helpers of CVectorMathLanes.h. CLossKernels.c includes this file three times with ATTR (a
// target attribute) and NAME(f) (a suffix) defined.

#include "CVectorMathLanes.h"

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
