// The loss-specific single-precision kernels of the contrastive losses: the sigmoid loss's two
// tile-pair passes and SparseCLR's sparsemax rows, owned by the Losses module.
//
// Why this is C: as for CVectorMath (see CVectorMath.h), Swift compiles for the baseline x86-64
// without per-function target attributes. Each kernel is written once over the 16-lane helpers
// of CVectorMathLanes.h (LossKernelsBody.h) and compiled for AVX-512F, AVX2 + FMA and the
// baseline; `level` (2, 1, 0) chooses, and the caller passes a level the processor supports
// (`CPUFeatures` in ProcessRuntime).
#ifndef CLOSSKERNELS_H
#define CLOSSKERNELS_H

#include <stddef.h>

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
void CLossKernels_sigmoidExpPanel(int level, const float *c, float *e, ptrdiff_t n, ptrdiff_t i0, float scale, float bias,
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
void CLossKernels_sigmoidGradientTilePair(int level, const float *c, float *eg, ptrdiff_t n, ptrdiff_t i0, ptrdiff_t j0,
                                         float scale, float bias, float gamma, float gradientScale, float klFactor,
                                         float shift, const float *inverseRowSums, const float *inverseColumnSums,
                                         const float *columnLSE, const float *rowLSE, const float *kl, double *sums);

/// SparseCLR's sparsemax loss for one row of a cosine matrix (Float path of `QAReLoss`): scores
/// z_j = max(c[j], floor) widened to double, minus 1 at `partner`, row `self` left out; the
/// threshold τ with Σ max(z − τ, 0) = 1, exactly (in double): a lower bound from 16 of the
/// row's scores, then Michelot's fixed point on the scores above it; writes
/// g[j] = weight·(z_j − τ) on the support, 0 elsewhere, minus weight at the partner, and 0
/// where c[j] < floor; returns ½Σ_support (z² − τ²) − (max(c[partner], floor) − 1) + ½. Pass
/// −∞ as floor for no clamp. `scratch` must hold 2(n + 8) doubles. c and g may be the same
/// row.
double CLossKernels_sparsemaxRow(int level, const float *c, float *g, ptrdiff_t n, ptrdiff_t self, ptrdiff_t partner,
                                float floor, double weight, double *scratch);

#endif
