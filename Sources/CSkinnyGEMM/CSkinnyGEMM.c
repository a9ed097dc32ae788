// AVX-512 kernels for products with one small dimension. Why this is C: include/CSkinnyGEMM.h.
#include "CSkinnyGEMM.h"

#if defined(__x86_64__)
#include <immintrin.h>

int CSkinnyGEMM_isAvailable(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

#define KERNEL __attribute__((target("avx512f")))

// Four rows of x against five rows of w at a time: twenty independent accumulators, nine loads
// per twenty FMAs. Missing rows repeat the first of the tile (not stored), missing classes read
// the zero row; the last partial vector of a row is a masked load.
KERNEL void CSkinnyGEMM_rowsTimesTransposed(const float *x, ptrdiff_t rows, ptrdiff_t d,
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
KERNEL void CSkinnyGEMM_accumulateTransposedTimesRows(const float *r, ptrdiff_t rows, ptrdiff_t k,
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

#else

int CSkinnyGEMM_isAvailable(void) { return 0; }

void CSkinnyGEMM_rowsTimesTransposed(const float *x, ptrdiff_t rows, ptrdiff_t d, const float *w,
                                     ptrdiff_t k, float *z, const float *zeros) {
    (void)x; (void)rows; (void)d; (void)w; (void)k; (void)z; (void)zeros;
}

void CSkinnyGEMM_accumulateTransposedTimesRows(const float *r, ptrdiff_t rows, ptrdiff_t k,
                                               const float *x, ptrdiff_t d, float *g,
                                               float *scratch) {
    (void)r; (void)rows; (void)k; (void)x; (void)d; (void)g; (void)scratch;
}

#endif
