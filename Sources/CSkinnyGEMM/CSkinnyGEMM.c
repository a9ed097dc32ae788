// AVX-512 kernels for products with one small dimension. Why this is C: include/CSkinnyGEMM.h.
#include "CSkinnyGEMM.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define KERNEL __attribute__((target("avx512f")))

// Four rows of x against five rows of w at a time: twenty independent accumulators, nine loads
// per twenty FMAs. Missing rows repeat the first of the tile (not stored), missing classes read
// the zero row; the last partial vector of a row is a masked load.
KERNEL void CSkinnyGEMM_rowsTimesTransposed512(const float *x, ptrdiff_t rows, ptrdiff_t d,
                                            const float *w, ptrdiff_t k, float *z,
                                            const float *zeros) {
    const ptrdiff_t vectorEnd = d & ~(ptrdiff_t)15;
    const __mmask16 tail = (__mmask16)((1u << (d - vectorEnd)) - 1u);
    for (ptrdiff_t i = 0; i < rows; i += 4) {
        const float *xr[4];
#pragma clang loop unroll(full)
        for (int t = 0; t < 4; t++) xr[t] = x + (i + t < rows ? i + t : i) * d;
        for (ptrdiff_t c0 = 0; c0 < k; c0 += 5) {
            const float *wr[5];
#pragma clang loop unroll(full)
            for (int q = 0; q < 5; q++) wr[q] = c0 + q < k ? w + (c0 + q) * d : zeros;
            __m512 a[4][5];
#pragma clang loop unroll(full)
            for (int t = 0; t < 4; t++) {
#pragma clang loop unroll(full)
                for (int q = 0; q < 5; q++) a[t][q] = _mm512_setzero_ps();
            }
            ptrdiff_t j = 0;
            for (; j < vectorEnd; j += 16) {
                __m512 u[4];
#pragma clang loop unroll(full)
                for (int t = 0; t < 4; t++) u[t] = _mm512_loadu_ps(xr[t] + j);
#pragma clang loop unroll(full)
                for (int q = 0; q < 5; q++) {
                    const __m512 v = _mm512_loadu_ps(wr[q] + j);
#pragma clang loop unroll(full)
                    for (int t = 0; t < 4; t++) a[t][q] = _mm512_fmadd_ps(u[t], v, a[t][q]);
                }
            }
            if (tail) {
                __m512 u[4];
#pragma clang loop unroll(full)
                for (int t = 0; t < 4; t++) u[t] = _mm512_maskz_loadu_ps(tail, xr[t] + j);
#pragma clang loop unroll(full)
                for (int q = 0; q < 5; q++) {
                    const __m512 v = _mm512_maskz_loadu_ps(tail, wr[q] + j);
#pragma clang loop unroll(full)
                    for (int t = 0; t < 4; t++) a[t][q] = _mm512_fmadd_ps(u[t], v, a[t][q]);
                }
            }
            // Constant trip counts (fully unrolled) keep the accumulators in registers.
#pragma clang loop unroll(full)
            for (int t = 0; t < 4; t++) {
#pragma clang loop unroll(full)
                for (int q = 0; q < 5; q++) {
                    if (i + t < rows && c0 + q < k) z[(i + t) * k + c0 + q] = _mm512_reduce_add_ps(a[t][q]);
                }
            }
        }
    }
}

// Ten classes × thirty-two columns held in twenty accumulators while walking down the rows of
// the block (two loads of x and ten broadcasts per twenty FMAs), then one read-modify-write of g
// per class and column tile. The coefficients of each group of ten classes are packed per row in
// `scratch` (zeros for missing classes); the last partial tile uses masked loads and stores.
KERNEL void CSkinnyGEMM_accumulateTransposedTimesRows512(const float *r, ptrdiff_t rows, ptrdiff_t k,
                                                      const float *x, ptrdiff_t d, float *g,
                                                      float *scratch) {
    for (ptrdiff_t c0 = 0; c0 < k; c0 += 10) {
        const int width = k - c0 < 10 ? (int)(k - c0) : 10;
        for (ptrdiff_t i = 0; i < rows; i++) {
            for (int q = 0; q < 10; q++) scratch[10 * i + q] = q < width ? r[i * k + c0 + q] : 0.0f;
        }
        for (ptrdiff_t j = 0; j < d; j += 32) {
            const ptrdiff_t left = d - j;
            const __mmask16 m0 = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1u);
            const __mmask16 m1 = left >= 32 ? (__mmask16)0xFFFF
                                 : left <= 16 ? (__mmask16)0
                                              : (__mmask16)((1u << (left - 16)) - 1u);
            __m512 a[10], b[10];
#pragma clang loop unroll(full)
            for (int q = 0; q < 10; q++) {
                a[q] = _mm512_setzero_ps();
                b[q] = _mm512_setzero_ps();
            }
            const float *xi = x + j;
            const float *ri = scratch;
            for (ptrdiff_t i = 0; i < rows; i++, xi += d, ri += 10) {
                const __m512 u = _mm512_maskz_loadu_ps(m0, xi), v = _mm512_maskz_loadu_ps(m1, xi + 16);
#pragma clang loop unroll(full)
                for (int q = 0; q < 10; q++) {
                    const __m512 s = _mm512_set1_ps(ri[q]);
                    a[q] = _mm512_fmadd_ps(s, u, a[q]);
                    b[q] = _mm512_fmadd_ps(s, v, b[q]);
                }
            }
#pragma clang loop unroll(full)
            for (int q = 0; q < 10; q++) {
                if (q >= width) continue;
                float *gq = g + (c0 + q) * d + j;
                _mm512_mask_storeu_ps(gq, m0, _mm512_add_ps(_mm512_maskz_loadu_ps(m0, gq), a[q]));
                _mm512_mask_storeu_ps(gq + 16, m1, _mm512_add_ps(_mm512_maskz_loadu_ps(m1, gq + 16), b[q]));
            }
        }
    }
}

#define KERNEL2 __attribute__((target("avx2,fma")))

KERNEL2 static inline float horizontalSum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// AVX2 (sixteen registers): two rows against four rows of w, eight accumulators, six loads per
// eight FMAs; a missing second row repeats the first (not stored), missing classes read the
// zero row; the last d mod 8 columns are scalar.
KERNEL2 void CSkinnyGEMM_rowsTimesTransposedAVX2(const float *x, ptrdiff_t rows, ptrdiff_t d,
                                                 const float *w, ptrdiff_t k, float *z,
                                                 const float *zeros) {
    for (ptrdiff_t i = 0; i < rows; i += 2) {
        const int pair = i + 1 < rows;
        const float *x0 = x + i * d;
        const float *x1 = pair ? x0 + d : x0;
        for (ptrdiff_t c0 = 0; c0 < k; c0 += 4) {
            const float *w0 = w + c0 * d;
            const float *w1 = c0 + 1 < k ? w0 + d : zeros;
            const float *w2 = c0 + 2 < k ? w0 + 2 * d : zeros;
            const float *w3 = c0 + 3 < k ? w0 + 3 * d : zeros;
            __m256 a00 = _mm256_setzero_ps(), a01 = a00, a02 = a00, a03 = a00;
            __m256 a10 = a00, a11 = a00, a12 = a00, a13 = a00;
            ptrdiff_t j = 0;
            for (; j + 8 <= d; j += 8) {
                const __m256 u = _mm256_loadu_ps(x0 + j), v = _mm256_loadu_ps(x1 + j);
                __m256 q = _mm256_loadu_ps(w0 + j);
                a00 = _mm256_fmadd_ps(u, q, a00);
                a10 = _mm256_fmadd_ps(v, q, a10);
                q = _mm256_loadu_ps(w1 + j);
                a01 = _mm256_fmadd_ps(u, q, a01);
                a11 = _mm256_fmadd_ps(v, q, a11);
                q = _mm256_loadu_ps(w2 + j);
                a02 = _mm256_fmadd_ps(u, q, a02);
                a12 = _mm256_fmadd_ps(v, q, a12);
                q = _mm256_loadu_ps(w3 + j);
                a03 = _mm256_fmadd_ps(u, q, a03);
                a13 = _mm256_fmadd_ps(v, q, a13);
            }
            float s0[4] = {horizontalSum8(a00), horizontalSum8(a01), horizontalSum8(a02), horizontalSum8(a03)};
            float s1[4] = {horizontalSum8(a10), horizontalSum8(a11), horizontalSum8(a12), horizontalSum8(a13)};
            const float *ws[4] = {w0, w1, w2, w3};
            for (; j < d; j++) {
                for (int c = 0; c < 4; c++) {
                    s0[c] += x0[j] * ws[c][j];
                    s1[c] += x1[j] * ws[c][j];
                }
            }
            for (int c = 0; c < 4 && c0 + c < k; c++) {
                z[i * k + c0 + c] = s0[c];
                if (pair) z[(i + 1) * k + c0 + c] = s1[c];
            }
        }
    }
}

// AVX2: four classes × sixteen columns in eight accumulators down the rows of the block (two
// loads of x and four broadcasts per eight FMAs), coefficients packed per row in `scratch`
// (zeros for missing classes); the last d mod 16 columns are scalar.
KERNEL2 void CSkinnyGEMM_accumulateTransposedTimesRowsAVX2(const float *r, ptrdiff_t rows,
                                                           ptrdiff_t k, const float *x,
                                                           ptrdiff_t d, float *g, float *scratch) {
    for (ptrdiff_t c0 = 0; c0 < k; c0 += 4) {
        const int width = k - c0 < 4 ? (int)(k - c0) : 4;
        for (ptrdiff_t i = 0; i < rows; i++) {
            for (int c = 0; c < 4; c++) scratch[4 * i + c] = c < width ? r[i * k + c0 + c] : 0.0f;
        }
        ptrdiff_t j = 0;
        for (; j + 16 <= d; j += 16) {
            __m256 a0 = _mm256_setzero_ps(), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
            const float *xi = x + j;
            const float *ri = scratch;
            for (ptrdiff_t i = 0; i < rows; i++, xi += d, ri += 4) {
                const __m256 u = _mm256_loadu_ps(xi), v = _mm256_loadu_ps(xi + 8);
                __m256 q = _mm256_broadcast_ss(ri);
                a0 = _mm256_fmadd_ps(q, u, a0);
                b0 = _mm256_fmadd_ps(q, v, b0);
                q = _mm256_broadcast_ss(ri + 1);
                a1 = _mm256_fmadd_ps(q, u, a1);
                b1 = _mm256_fmadd_ps(q, v, b1);
                q = _mm256_broadcast_ss(ri + 2);
                a2 = _mm256_fmadd_ps(q, u, a2);
                b2 = _mm256_fmadd_ps(q, v, b2);
                q = _mm256_broadcast_ss(ri + 3);
                a3 = _mm256_fmadd_ps(q, u, a3);
                b3 = _mm256_fmadd_ps(q, v, b3);
            }
            const __m256 as[4] = {a0, a1, a2, a3}, bs[4] = {b0, b1, b2, b3};
            for (int c = 0; c < width; c++) {
                float *gc = g + (c0 + c) * d + j;
                _mm256_storeu_ps(gc, _mm256_add_ps(_mm256_loadu_ps(gc), as[c]));
                _mm256_storeu_ps(gc + 8, _mm256_add_ps(_mm256_loadu_ps(gc + 8), bs[c]));
            }
        }
        for (; j < d; j++) {
            float s[4] = {0, 0, 0, 0};
            for (ptrdiff_t i = 0; i < rows; i++) {
                for (int c = 0; c < 4; c++) s[c] += scratch[4 * i + c] * x[i * d + j];
            }
            for (int c = 0; c < width; c++) g[(c0 + c) * d + j] += s[c];
        }
    }
}

#else


void CSkinnyGEMM_rowsTimesTransposed512(const float *x, ptrdiff_t rows, ptrdiff_t d, const float *w,
                                        ptrdiff_t k, float *z, const float *zeros) {
    (void)x; (void)rows; (void)d; (void)w; (void)k; (void)z; (void)zeros;
}

void CSkinnyGEMM_accumulateTransposedTimesRows512(const float *r, ptrdiff_t rows, ptrdiff_t k,
                                                  const float *x, ptrdiff_t d, float *g,
                                                  float *scratch) {
    (void)r; (void)rows; (void)k; (void)x; (void)d; (void)g; (void)scratch;
}

void CSkinnyGEMM_rowsTimesTransposedAVX2(const float *x, ptrdiff_t rows, ptrdiff_t d, const float *w,
                                         ptrdiff_t k, float *z, const float *zeros) {
    (void)x; (void)rows; (void)d; (void)w; (void)k; (void)z; (void)zeros;
}

void CSkinnyGEMM_accumulateTransposedTimesRowsAVX2(const float *r, ptrdiff_t rows, ptrdiff_t k,
                                                   const float *x, ptrdiff_t d, float *g,
                                                   float *scratch) {
    (void)r; (void)rows; (void)k; (void)x; (void)d; (void)g; (void)scratch;
}

#endif
