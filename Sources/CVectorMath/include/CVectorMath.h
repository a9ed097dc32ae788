// Single-precision elementwise kernels of the contrastive losses (exponentials, logarithms,
// fused softmax rows), vectorised with AVX-512, AVX2 + FMA or the baseline SSE2 and chosen at
// run time.
//
// Why this is C: Swift compiles the package for the baseline x86-64 (SSE2, four lanes, no FMA)
// and has neither per-function target attributes nor run-time dispatch, so its SIMD code runs
// at a quarter of what a 2020s x86 core does. The losses' O(N²) passes (one exponential or
// logarithm per entry of an N×N matrix) are the part of their time that is not OpenBLAS. Each
// kernel below is written once with Clang's generic vector types (16 lanes) in
// CVectorMathBody.h and compiled three times; everything around them stays Swift (LinearAlgebra's
// `VectorMath`).
#ifndef CVECTORMATH_H
#define CVECTORMATH_H

#include <stddef.h>

/// Every kernel takes a `level` first: the set to run, 2 = AVX-512F, 1 = AVX2 + FMA,
/// 0 = baseline. The caller passes a level the processor supports: the Swift side detects the
/// processor's features once (`CPUFeatures` in ProcessRuntime) and `VectorMath` clamps every
/// level it passes; a higher level would fault with an illegal instruction.

/// y[j] = exp(scale · max(x[j], floor)) for j < n. Pass −∞ as `floor` for no clamp. Relative
/// error ≤ 2 ulp for arguments in [−87.3, 88]; below −87.33654 the result is 0, above 88 it is
/// e^88, NaN stays NaN. x and y may be the same array.
void CVectorMath_exp(int level, const float *x, float *y, ptrdiff_t n, float scale, float floor);

/// y[j] = log(1 + x[j]) for x[j] ≥ 0 (the range the losses use; x = e^{−|z|} ≤ 1).
/// Relative error ≤ 2 ulp; +∞ gives +∞, NaN stays NaN. x and y may be the same array.
void CVectorMath_log1p(int level, const float *x, float *y, ptrdiff_t n);

/// One row of a scaled softmax with up to two entries left out: with s = scale · max over kept
/// entries, p[j] = probabilityScale · exp(scale·x[j] − s) / Σ_kept exp(scale·x[k] − s), and 0
/// at the left-out columns e0, e1 (−1 for none). Returns Σ_kept exp(scale·x − s), accumulated
/// in float lanes over 256-entry blocks and in double across blocks, and stores s in *shift;
/// when nothing is kept it writes zeros, stores 0 and returns 0. scale must be > 0.
double CVectorMath_scaledSoftmaxRow(int level, const float *x, float *p, ptrdiff_t n, float scale, float probabilityScale,
                                    ptrdiff_t e0, ptrdiff_t e1, float *shift);

/// y[j] = exp(scale·max(x[j], floor) − shift), 0 at the left-out columns e0, e1 (−1 for none);
/// returns Σ y (float lanes per 256 entries, double across). x and y may be the same array.
double CVectorMath_expSumRow(int level, const float *x, float *y, ptrdiff_t n, float scale, float shift, float floor,
                             ptrdiff_t e0, ptrdiff_t e1);

/// x[j] *= rowFactor + columnFactors[j] for j < n.
void CVectorMath_scaleByRowPlusColumn(int level, float *x, ptrdiff_t n, float rowFactor, const float *columnFactors);

/// A ← A + Aᵀ in place on the tile pairs (I, J ≥ I) of the panel I = rows i0..<min(i0 + 16, n)
/// of a dense [n, n] matrix (i0 a multiple of 16): each pair of 16 × 16 tiles is read once and
/// written once, the mirror tile transposed in registers. Panels may run concurrently.
void CVectorMath_addTransposePanel(int level, float *a, ptrdiff_t n, ptrdiff_t i0);

/// Row normalisation of a dense [rows, d] matrix: norms[i] = ‖x_i‖₂ (squares summed in 16
/// float lanes), y_i = x_i / max(norms[i], epsilon) (a division, as torch's F.normalize).
/// x and y may be the same array.
void CVectorMath_normalizeRows(int level, const float *x, float *y, ptrdiff_t rows, ptrdiff_t d, float epsilon,
                               float *norms);

/// Its backward, in place on g ([rows, d]): g_i ← (g_i − (g_i·y_i) y_i)/norms[i] when
/// norms[i] > epsilon, g_i/epsilon otherwise.
void CVectorMath_normalizeRowsBackward(int level, float *g, const float *y, ptrdiff_t rows, ptrdiff_t d,
                                       const float *norms, float epsilon);

#endif
