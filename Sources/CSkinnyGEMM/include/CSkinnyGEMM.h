// Single-precision products with one small dimension (the K ≤ 32 classes of a linear probe),
// vectorised with AVX-512 and selected at run time.
//
// Why this is C: the probe's objective needs, per block of feature rows, Z = X·Wᵀ ([rows, d] ·
// [d, K]) and then ∇W += Rᵀ·X ([K, rows] · [rows, d]) with K ≈ 10. OpenBLAS packs X for each of
// the two products and runs its micro-kernel on a padded 10-wide panel (about 27 GFLOP/s per
// core on an AVX-512 Xeon); these register-tiled loops read X in place and reach about twice
// that. Swift cannot target AVX-512 for one function while the package stays runnable on any
// x86-64 (no per-function target attribute, no run-time dispatch), so the two loops are C with
// `target("avx512f")`; everything around them (softmax, loss, the choice of kernel) is Swift
// (`SkinnyProducts` in Numerics), and processors without AVX-512 use OpenBLAS.
#ifndef CSKINNYGEMM_H
#define CSKINNYGEMM_H

#include <stddef.h>

/// 1 when the processor and the OS support AVX-512F (the kernels below may be called), else 0.
int CSkinnyGEMM_isAvailable(void);

/// z[i·k + c] = Σ_j x[i·d + j] · w[c·d + j] for i < rows, c < k, j < d (overwrites z).
/// x is [rows, d], w is [k, d], z is [rows, k]; all row-major and dense. `zeros` must point to
/// d zero floats (the padding row of w). Requires CSkinnyGEMM_isAvailable().
void CSkinnyGEMM_rowsTimesTransposed(const float *x, ptrdiff_t rows, ptrdiff_t d, const float *w,
                                     ptrdiff_t k, float *z, const float *zeros);

/// g[c·d + j] += Σ_i r[i·k + c] · x[i·d + j] for c < k, j < d, i < rows.
/// r is [rows, k], x is [rows, d], g is [k, d]; all row-major and dense. `scratch` must hold
/// 10·rows floats. Requires CSkinnyGEMM_isAvailable().
void CSkinnyGEMM_accumulateTransposedTimesRows(const float *r, ptrdiff_t rows, ptrdiff_t k,
                                               const float *x, ptrdiff_t d, float *g,
                                               float *scratch);

#endif
