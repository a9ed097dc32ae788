// The 16-lane helpers every CVectorMath-style kernel is written with (loads, stores, selects,
// horizontal sums, exp and log1p after Cephes, 16 × 16 tile transposes and prefetches), shared
// by CVectorMath's generic kernels and by the loss-specific kernels of CLossKernels.
//
// Include it the way CVectorMath.c does: once per instruction set, with ATTR (a target
// attribute) and NAME(f) (a suffix) defined; included without NAME it declares the vector
// types only (once). This header is
// not part of the CVectorMath module map: Swift never sees it.

#ifndef CVECTORMATH_LANE_TYPES
#define CVECTORMATH_LANE_TYPES
#include <stddef.h>
// The 16-lane helpers are always inlined, so no vector crosses a call boundary.
#pragma clang diagnostic ignored "-Wpsabi"
typedef float vf __attribute__((vector_size(64)));
typedef int vi __attribute__((vector_size(64)));
typedef float vf8 __attribute__((vector_size(32)));
typedef int vi8 __attribute__((vector_size(32)));
typedef double vd8 __attribute__((vector_size(64)));
typedef long long vl8 __attribute__((vector_size(64)));

#endif

#ifdef NAME  // the helpers, once per instruction set
#undef INLINE
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

#endif  // NAME
