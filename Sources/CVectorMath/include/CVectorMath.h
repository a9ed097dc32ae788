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

// The sigmoid contrastive loss's Float passes (`SigmoidContrastiveLoss`), on its cosine matrix
// C ([n, n], rows online samples) with logits L = scale·C + bias and one shared shift
// (shift = scale + bias ≥ every logit; the logits span 2·scale ≤ 80, so exp(L − shift) is a
// normal float). Both passes work on the pairs of 16 × 16 tiles (I, J), (J, I), each read
// once, the mirror tile transposed in registers (no transposed copy of C or E).

/// Pass 1 for the tile pairs (I, J ≥ I) of the panel I = rows i0..<min(i0 + 16, n) (i0 a
/// multiple of 16): writes e_ab = exp(scale·c_ab + bias − shift) on both tiles of each pair and
/// adds to the caller's partial sums (n doubles each; float partial sums over at most 16
/// tiles): Σ_b e_ab to rowExpSums[a], Σ_a e_ab to columnExpSums[b] and Σ_a e_ab·(c_ab − c_ba)
/// to columnDifferences[b].
void CVectorMath_sigmoidExpPanel(int level, const float *c, float *e, ptrdiff_t n, ptrdiff_t i0, float scale, float bias,
                                  float shift, double *rowExpSums, double *columnExpSums, double *columnDifferences);

/// Pass 2 for the tiles at (i0, j0) and (j0, i0) (i0 ≤ j0, multiples of 16; one tile when
/// equal), in place: eg holds E from pass 1 and receives G = ∂total/∂L there. With sign +1 on
/// the diagonal and −1 elsewhere, z = sign·l, p = σ(z), penalty w = (1 − p)^γ:
/// G_ab = sign·(γ·p·w·log p − w·(1 − p))·gradientScale + klFactor·(M_ba + R_ab − Q_ab), where
/// R_ab = E_ab·inverseRowSums[a], Q_ab = E_ba·inverseColumnSums[a], Q_ba = E_ab·
/// inverseColumnSums[b] and M_ba = Q_ba·((l_ab − columnLSE[b]) − (l_ba − rowLSE[b]) − kl[b])
/// (the KL part is skipped when klFactor is 0). e = exp(−|l|) comes from E·exp(shift) when
/// |shift| ≤ 80 and bias − scale ≥ −80, else from its own exponential; where a 16-lane run has
/// every e ≤ 1/32, 1/(1 + e) and log(1 + e) are short series, else a division and log1p. Adds
/// −Σ w·log p, Σ G and Σ G·c over the tiles to sums[0], sums[1] and sums[2].
void CVectorMath_sigmoidGradientTilePair(int level, const float *c, float *eg, ptrdiff_t n, ptrdiff_t i0, ptrdiff_t j0,
                                         float scale, float bias, float gamma, float gradientScale, float klFactor,
                                         float shift, const float *inverseRowSums, const float *inverseColumnSums,
                                         const float *columnLSE, const float *rowLSE, const float *kl, double *sums);

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
/// threshold τ with Σ max(z − τ, 0) = 1, exactly (in double): a lower bound from 16 of the
/// row's scores, then Michelot's fixed point on the scores above it; writes
/// g[j] = weight·(z_j − τ) on the support, 0 elsewhere, minus weight at the partner, and 0
/// where c[j] < floor; returns ½Σ_support (z² − τ²) − (max(c[partner], floor) − 1) + ½. Pass
/// −∞ as floor for no clamp. `scratch` must hold 2(n + 8) doubles. c and g may be the same
/// row.
double CVectorMath_sparsemaxRow(int level, const float *c, float *g, ptrdiff_t n, ptrdiff_t self, ptrdiff_t partner,
                                float floor, double weight, double *scratch);

#endif
