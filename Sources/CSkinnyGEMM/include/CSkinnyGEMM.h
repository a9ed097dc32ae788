// Single-precision products with one small dimension (the K ≤ 32 classes of a linear probe),
// vectorised with AVX-512 or AVX2 + FMA and selected at run time.
//
// Why this is C: the probe's objective needs, per block of feature rows, Z = X·Wᵀ ([rows, d] ·
// [d, K]) and then ∇W += Rᵀ·X ([K, rows] · [rows, d]) with K ≈ 10. OpenBLAS packs X for each of
// the two products and runs its micro-kernel on a padded 10-wide panel (about 27 GFLOP/s per
// core on an AVX-512 Xeon); these register-tiled loops read X in place and reach about twice
// that. Swift cannot target AVX-512 for one function while the package stays runnable on any
// x86-64 (no per-function target attribute, no run-time dispatch), so the two loops are C with
// `target(...)` attributes; everything around them (softmax, loss, the choice of kernel) is
// Swift (`SkinnyProducts` in LinearAlgebra), and other processors use OpenBLAS.
#ifndef CSKINNYGEMM_H
#define CSKINNYGEMM_H

#include <stddef.h>

/// Which variants the processor runs is decided in Swift (`CPUFeatures` in ProcessRuntime):
/// calling a variant the processor lacks faults with an illegal instruction.

/// z[i·k + c] = Σ_j x[i·d + j] · w[c·d + j] for i < rows, c < k, j < d (overwrites z).
/// x is [rows, d], w is [k, d], z is [rows, k]; all row-major and dense. `zeros` must point to
/// d zero floats (the padding row of w). The 512 variant requires level 2, AVX2 level ≥ 1.
void CSkinnyGEMM_rowsTimesTransposed512(const float *x, ptrdiff_t rows, ptrdiff_t d,
                                        const float *w, ptrdiff_t k, float *z, const float *zeros);
void CSkinnyGEMM_rowsTimesTransposedAVX2(const float *x, ptrdiff_t rows, ptrdiff_t d,
                                         const float *w, ptrdiff_t k, float *z, const float *zeros);

/// g[c·d + j] += Σ_i r[i·k + c] · x[i·d + j] for c < k, j < d, i < rows.
/// r is [rows, k], x is [rows, d], g is [k, d]; all row-major and dense. `scratch` must hold
/// 10·rows floats. The 512 variant requires level 2, AVX2 level ≥ 1.
void CSkinnyGEMM_accumulateTransposedTimesRows512(const float *r, ptrdiff_t rows, ptrdiff_t k,
                                                  const float *x, ptrdiff_t d, float *g,
                                                  float *scratch);
void CSkinnyGEMM_accumulateTransposedTimesRowsAVX2(const float *r, ptrdiff_t rows, ptrdiff_t k,
                                                   const float *x, ptrdiff_t d, float *g,
                                                   float *scratch);

#endif
