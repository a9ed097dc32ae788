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

ATTR double NAME(sigmoidPairRowKernel)(const float *c, const float *ct, float *g, ptrdiff_t n, ptrdiff_t diagonal,
                                      float scale, float bias, float gamma, float gradientScale, float shift,
                                      double *columnExpSums, double *columnDifferences, double *rowExpSum,
                                      double *gradientSums) {
    const vf lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    const vf zero = NAME(splat)(0.0f), one = NAME(splat)(1.0f);
    vf part = zero, rowSum = zero, gSum = zero, gcSum = zero;
    double partTotal = 0, rowTotal = 0, gTotal = 0, gcTotal = 0;
    const int shiftFits = shift <= 80.0f && shift >= -80.0f;
    const vf expMinusShift = NAME(exp)(NAME(splat)(-shift));
    for (ptrdiff_t j = 0; j < n; j += 16) {
        const ptrdiff_t count = n - j < 16 ? n - j : 16;
        const vi inside = NAME(inside)(j, n);
        const vf cosine = count == 16 ? NAME(load)(c + j) : NAME(loadPartial)(c + j, count, 0.0f);
        const vf l = cosine * scale + bias;
        const vf sign = NAME(select)(lane + (float)j == (float)diagonal, one, NAME(splat)(-1.0f));
        const vf z = sign * l;
        const vi nonNegative = z >= 0.0f;
        const vf e = NAME(exp)(NAME(select)(nonNegative, -z, z));  // exp(−|z|)
        const vf u = one + e, inverse = one / u;
        const vf softplus = NAME(log1pCore)(e, u, (e - (u - 1.0f)) * inverse);  // log(1 + e)
        const vf logP = NAME(select)(nonNegative, -softplus, z - softplus);
        const vf p = NAME(select)(nonNegative, inverse, e * inverse);
        const vf q = NAME(select)(nonNegative, e * inverse, inverse);
        vf penalty;
        if (gamma == 0.0f) penalty = one;
        else if (gamma == 1.0f) penalty = q;
        else penalty = NAME(exp)(gamma * (logP - z));
        const vf gradient = NAME(select)(inside, sign * (gamma * p * penalty * logP - penalty * q) * gradientScale, zero);
        part -= NAME(select)(inside, penalty * logP, zero);
        gSum += gradient;
        gcSum += gradient * cosine;
        // exp(l − shift): for l in [−80, 0], exp(l) = e (|z| = |l|), so e·exp(−shift) saves an
        // exponential (both factors normal when |shift| ≤ 80).
        const vi shortcut = (l <= 0.0f) & (l >= -80.0f);
        const vf rowExp = NAME(select)(
            inside, shiftFits && __builtin_reduce_and(shortcut) ? e * expMinusShift : NAME(exp)(l - shift), zero);
        rowSum += rowExp;
        if (count == 16) NAME(store)(g + j, gradient); else NAME(storePartial)(g + j, count, gradient);
        NAME(addToColumns)(columnExpSums, j, count, rowExp);
        const vf transposed = count == 16 ? NAME(load)(ct + j) : NAME(loadPartial)(ct + j, count, 0.0f);
        NAME(addToColumns)(columnDifferences, j, count, rowExp * (cosine - transposed));
        if ((j & 255) == 240 || j + 16 >= n) {
            partTotal += NAME(horizontalSum)(part);
            rowTotal += NAME(horizontalSum)(rowSum);
            gTotal += NAME(horizontalSum)(gSum);
            gcTotal += NAME(horizontalSum)(gcSum);
            part = rowSum = gSum = gcSum = zero;
        }
    }
    *rowExpSum = rowTotal;
    gradientSums[0] += gTotal;
    gradientSums[1] += gcTotal;
    return partTotal;
}

ATTR void NAME(sigmoidKLGradientRowKernel)(const float *c, const float *ct, float *g, ptrdiff_t n, float scale, float bias,
                                          float shift, float factor, float inverseRowSum, float inverseColumnSum,
                                          const float *inverseColumnSums, const float *columnLSE, const float *rowLSE,
                                          const float *kl, double *gradientSums) {
    const vf zero = NAME(splat)(0.0f);
    vf gSum = zero, gcSum = zero;
    double gTotal = 0, gcTotal = 0;
    for (ptrdiff_t j = 0; j < n; j += 16) {
        const ptrdiff_t count = n - j < 16 ? n - j : 16;
        const int whole = count == 16;
        const vf cosine = whole ? NAME(load)(c + j) : NAME(loadPartial)(c + j, count, 0.0f);
        const vf l = cosine * scale + bias;
        const vf lt = (whole ? NAME(load)(ct + j) : NAME(loadPartial)(ct + j, count, 0.0f)) * scale + bias;
        const vf el = NAME(exp)(l - shift), elt = NAME(exp)(lt - shift);
        const vf qji = el * (whole ? NAME(load)(inverseColumnSums + j) : NAME(loadPartial)(inverseColumnSums + j, count, 0.0f));
        const vf columnShift = whole ? NAME(load)(columnLSE + j) : NAME(loadPartial)(columnLSE + j, count, 0.0f);
        const vf rowShift = whole ? NAME(load)(rowLSE + j) : NAME(loadPartial)(rowLSE + j, count, 0.0f);
        const vf klColumn = whole ? NAME(load)(kl + j) : NAME(loadPartial)(kl + j, count, 0.0f);
        const vf mji = qji * ((l - columnShift) - (lt - rowShift) - klColumn);
        const vf added = NAME(select)(NAME(inside)(j, n), factor * (mji + el * inverseRowSum - elt * inverseColumnSum), zero);
        gSum += added;
        gcSum += added * cosine;
        const vf updated = (whole ? NAME(load)(g + j) : NAME(loadPartial)(g + j, count, 0.0f)) + added;
        if (whole) NAME(store)(g + j, updated); else NAME(storePartial)(g + j, count, updated);
        if ((j & 255) == 240 || j + 16 >= n) {
            gTotal += NAME(horizontalSum)(gSum);
            gcTotal += NAME(horizontalSum)(gcSum);
            gSum = gcSum = zero;
        }
    }
    gradientSums[0] += gTotal;
    gradientSums[1] += gcTotal;
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
    // Michelot's fixed point: τ ← (Σ_{z > τ} z − 1)/|{z > τ}|, from τ = −∞, until the support
    // stops changing (τ increases; the support shrinks to sparsemax's). Whole-row vector passes
    // while the support is large, then the remaining candidates (z above the current τ, a
    // superset of every later support) are copied to `scratch` and iterated there.
    double tau = -__builtin_inf();
    long count = 0;
    int converged = 0;
    while (!converged && (count == 0 || count > n / 4)) {
        vd8 sum = {0};
        vl8 members = {0};
        for (ptrdiff_t j = 0; j < n; j += 8) {
            const vd8 z = NAME(sparsemaxScores)(c, j, n, self, partner, lower);
            const vl8 inside = (vl8)(z > tau);
            sum += (vd8)((vl8)z & inside);
            members -= inside;
        }
        double total = 0;
        long newCount = 0;
        for (int k = 0; k < 8; k++) {
            total += sum[k];
            newCount += members[k];
        }
        const double next = (total - 1) / (double)newCount;
        if (newCount == count || next <= tau) converged = 1;
        else {
            tau = next;
            count = newCount;
        }
    }
    if (!converged) {
        long k = 0;
        for (ptrdiff_t j = 0; j < n; j += 8) {
            const vd8 z = NAME(sparsemaxScores)(c, j, n, self, partner, lower);
            for (int t = 0; t < 8; t++) {
                scratch[k] = z[t];
                k += z[t] > tau;
            }
        }
        for (;;) {
            double total = 0;
            long newCount = 0;
            for (long i = 0; i < k; i++) {
                const double z = scratch[i];
                scratch[newCount] = z;
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
    }
    // Gradient weight·(z − τ) on the support, −weight at the positive, 0 where clamped; the
    // row's loss ½Σ_S (z² − τ²) − (positive − 1) + ½.
    vd8 squares = {0};
    for (ptrdiff_t j = 0; j < n; j += 8) {
        const vd8 z = NAME(sparsemaxScores)(c, j, n, self, partner, lower);
        const vl8 inside = (vl8)(z > tau);
        squares += (vd8)((vl8)(z * z - tau * tau) & inside);
        const vd8 gradient = (vd8)((vl8)(weight * (z - tau)) & inside);
        vf8 narrow = __builtin_convertvector(gradient, vf8);
        if (j + 8 <= n) {
            vf8 raw;
            __builtin_memcpy(&raw, c + j, sizeof raw);
            narrow = (vf8)((vi8)narrow & ~(vi8)(raw < floor));  // 0 where the clamp is active
            __builtin_memcpy(g + j, &narrow, sizeof narrow);
        } else {
            for (ptrdiff_t k = 0; k < n - j; k++) g[j + k] = c[j + k] < floor ? 0 : narrow[k];
        }
    }
    double squareSum = 0;
    for (int k = 0; k < 8; k++) squareSum += squares[k];
    const double positive = partnerCosine < floor ? floor : partnerCosine;
    if (!(partnerCosine < floor)) g[partner] = (float)((double)g[partner] - weight);
    return 0.5 * squareSum - (positive - 1) + 0.5;
}

#undef INLINE
