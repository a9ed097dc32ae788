// Single-precision elementwise kernels of the contrastive losses (exponentials, logarithms,
// fused softmax rows), vectorised with AVX-512, AVX2 + FMA or the baseline SSE2 and chosen at
// run time.
//
// Why this is C: Swift compiles the package for the baseline x86-64 (SSE2, four lanes, no FMA)
// and has neither per-function target attributes nor run-time dispatch, so its SIMD code runs
// at a quarter of what a 2020s x86 core does. The losses' O(N²) passes (one exponential or
// logarithm per entry of an N×N matrix) are the part of their time that is not OpenBLAS. Each
// kernel below is written once with Clang's generic vector types (16 lanes) in
// CVectorMathBody.h and compiled three times; everything around them stays Swift (Numerics'
// `VectorMath`).
#ifndef CVECTORMATH_H
#define CVECTORMATH_H

#include <stddef.h>

/// The best kernel set of this processor: 2 = AVX-512F, 1 = AVX2 + FMA, 0 = baseline. The
/// environment variable CVECTORMATH_LEVEL (0, 1 or 2) lowers it, for measurements.
///
/// Every kernel takes a `level` first: the set to run, lowered to this one when higher (tests
/// run each set the processor has).
int CVectorMath_level(void);

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

/// Row i of the sigmoid contrastive loss's first pass (Float path of
/// `SigmoidContrastiveLoss`): with logits l = scale·c[j] + bias, sign +1 at j = diagonal and
/// −1 elsewhere, z = sign·l, p = σ(z) and penalty w = (1 − p)^γ: writes
/// g[j] = sign·(γ·p·w·log p − w·(1 − p))·gradientScale; with E_ij = exp(l − shift) adds E_ij
/// to columnExpSums[j] and E_ij·(c[j] − ct[j]) to columnDifferences[j] (ct is row i of Cᵀ;
/// both in double), stores Σ_j E_ij in *rowExpSum, adds Σ g and Σ g·c to gradientSums[0] and
/// [1], and returns −Σ_j w·log p (the row's sigmoid part, nats).
double CVectorMath_sigmoidPairRow(int level, const float *c, const float *ct, float *g, ptrdiff_t n, ptrdiff_t diagonal,
                                  float scale, float bias, float gamma, float gradientScale, float shift,
                                  double *columnExpSums, double *columnDifferences, double *rowExpSum,
                                  double *gradientSums);

/// Adds factor·(M_ji + R_ij − Q_ij) to g[j] for row i (∂KL/∂L), with E = exp(l − shift):
/// Q_ji = E_ij·inverseColumnSums[j], M_ji = Q_ji·((l_j − columnLSE[j]) − (lᵀ_j − rowLSE[j]) −
/// kl[j]), R_ij = E_ij·inverseRowSum, Q_ij = exp(lᵀ_j − shift)·inverseColumnSum; adds the sums
/// of the added values and of added·c to gradientSums[0] and [1].
void CVectorMath_sigmoidKLGradientRow(int level, const float *c, const float *ct, float *g, ptrdiff_t n, float scale,
                                      float bias, float shift, float factor, float inverseRowSum,
                                      float inverseColumnSum, const float *inverseColumnSums, const float *columnLSE,
                                      const float *rowLSE, const float *kl, double *gradientSums);

/// Row normalisation of a dense [rows, d] matrix: norms[i] = ‖x_i‖₂ (squares summed in 16
/// float lanes), y_i = x_i / max(norms[i], epsilon) (a division, as torch's F.normalize).
/// x and y may be the same array.
void CVectorMath_normalizeRows(int level, const float *x, float *y, ptrdiff_t rows, ptrdiff_t d, float epsilon,
                               float *norms);

/// Its backward, in place on g ([rows, d]): g_i ← (g_i − (g_i·y_i) y_i)/norms[i] when
/// norms[i] > epsilon, g_i/epsilon otherwise.
void CVectorMath_normalizeRowsBackward(int level, float *g, const float *y, ptrdiff_t rows, ptrdiff_t d,
                                       const float *norms, float epsilon);

/// SparseCLR's sparsemax loss for one row of a cosine matrix (Float path of `QAReLoss`): scores
/// z_j = max(c[j], floor) widened to double, minus 1 at `partner`, row `self` left out; the
/// threshold τ with Σ max(z − τ, 0) = 1 by Michelot's fixed point (in double); writes
/// g[j] = weight·(z_j − τ) on the support, 0 elsewhere, minus weight at the partner, and 0
/// where c[j] < floor; returns ½Σ_support (z² − τ²) − (max(c[partner], floor) − 1) + ½. Pass
/// −∞ as floor for no clamp. `scratch` must hold n + 8 doubles. c and g may be the same row.
double CVectorMath_sparsemaxRow(int level, const float *c, float *g, ptrdiff_t n, ptrdiff_t self, ptrdiff_t partner,
                                float floor, double weight, double *scratch);

/// The block rowBegin..<rowEnd × columnBegin..<columnEnd of a dense [rows, columns] matrix a,
/// transposed into the dense [columns, rows] matrix t (t[j·rows + i] = a[i·columns + j]);
/// 16 × 16 tiles.
void CVectorMath_transpose(const float *a, ptrdiff_t rows, ptrdiff_t columns, ptrdiff_t rowBegin, ptrdiff_t rowEnd,
                           ptrdiff_t columnBegin, ptrdiff_t columnEnd, float *t);

#endif
