import LinearAlgebra
public import ScalarLogging

/// Decoupled contrastive learning (Yeh et al. 2022), DCL and DCLW as `lightly` 1.6.0 and `nidl`
/// 0.0.2 (docs/reference/contrastive-losses.md, "DCL and DCLW").
///
/// Views z1, z2 (`[N, d]`), normalised (ε 1e-12, lightly's); `S = Z Zᵀ/T` for Z = [ẑ1; ẑ2];
/// row r's partner p(r) = r ± N and negatives every c ∉ {r, p(r)} (the positive is decoupled
/// from the denominator): `ℓ_r = −w_{r mod N}·S_{r,p(r)} + log Σ_{c∈𝒩(r)} e^{S_rc}`, mean over
/// the 2N rows, in nats (can be negative). DCL: w = 1. DCLW: `w_i = 2 − N·softmax(c/σ)_i` with
/// `c_i = ẑ1_i·ẑ2_i` (von Mises–Fisher weighting). `detachesWeights` picks lightly's constant
/// weights (default) or nidl's differentiated ones; the values are equal, the gradients differ.
public struct DCLLoss: Sendable {
    /// Temperature T > 0 (default 0.1).
    public var temperature: Double
    /// σ of the DCLW weight; `nil` is plain DCL (w = 1). Default σ for DCLW: 0.5.
    public var sigma: Double?
    /// Treat the DCLW weights as constants (lightly, default) or differentiate them (nidl).
    public var detachesWeights: Bool
    /// Receives `<prefix>loss` and, for DCLW, `<prefix>min_weight` (the weights' mean is 1 by
    /// construction, so the informative diagnostic is the smallest weight, which can go negative).
    public var logger: (any ScalarLogger)?
    /// Prefix of logged tags (default "dcl/").
    public var tagPrefix: String

    /// Creates DCL (`sigma: nil`) or DCLW.
    ///
    /// - Parameters:
    ///   - temperature: T > 0 (default 0.1).
    ///   - sigma: σ > 0 for DCLW, `nil` for DCL.
    ///   - detachesWeights: lightly's detached weights (default true) or nidl's.
    ///   - logger: Optional logger.
    ///   - tagPrefix: Prefix of logged tags.
    /// - Throws: `LossError.invalidParameter` for T ≤ 0 or σ ≤ 0.
    public init(temperature: Double = 0.1, sigma: Double? = nil, detachesWeights: Bool = true, logger: (any ScalarLogger)? = nil, tagPrefix: String = "dcl/") throws(LossError) {
        guard temperature > 0, temperature.isFinite else { throw .invalidParameter(name: "temperature", value: "\(temperature)", reason: "must be a positive finite number") }
        if let sigma, !(sigma > 0 && sigma.isFinite) { throw .invalidParameter(name: "sigma", value: "\(sigma)", reason: "must be a positive finite number") }
        self.temperature = temperature
        self.sigma = sigma
        self.detachesWeights = detachesWeights
        self.logger = logger
        self.tagPrefix = tagPrefix
    }

    /// Evaluates the loss and the gradients with respect to both views.
    ///
    /// - Parameters:
    ///   - view0: z1, `[N, d]`.
    ///   - view1: z2, `[N, d]`.
    ///   - step: Global step for logging.
    /// - Returns: The loss and ∂loss/∂z1, ∂loss/∂z2.
    /// - Throws: `LossError` for mismatched shapes, N < 2 (no negatives: the originals return
    ///   −∞ or −9e15) or a non-finite entry.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward<Scalar: BLASScalar>(view0: Matrix<Scalar>, view1: Matrix<Scalar>, step: Int? = nil) throws -> (
        loss: Double, gradient0: Matrix<Scalar>, gradient1: Matrix<Scalar>
    ) {
        // In the input's precision (the originals run float32 on float32 input); sums in Double.
        var views = try StackedViews(view0: view0, view1: view1)
        let n = views.n, m = 2 * n, t = temperature
        guard n >= 2 else {
            throw LossError.invalidParameter(name: "batch", value: "\(n)", reason: "DCL needs at least 2 pairs (with 1 there are no negatives and the originals return −inf or −9e15)")
        }
        let positives = views.positives
        var weights = [Double](repeating: 1, count: n)
        var pi = [Double](repeating: 0, count: n)
        if let sigma {
            pi = Matrix(rows: 1, columns: n, elements: positives[0..<n].map { $0 / sigma }).softmaxRows().elements
            weights = pi.map { 2 - Double(n) * $0 }
        }
        // Each row leaves out itself and its partner. G = ∂L/∂S and ∂L/∂C = G/T; the backward
        // needs G + Gᵀ: (P + Pᵀ)/(2N·T) from the softmax, then the partner entries, where
        // G[r, p] = −w_r/(2N·T) and w_r = w_p.
        let gradientScale = 1 / (Double(m) * t)
        let lse = views.cosines.symmetrizeSoftmaxRows(scale: Scalar(1 / t), bound: 1, probabilityScale: Scalar(gradientScale)) { r in (r, (r + n) % m) }
        var loss = 0.0
        for r in 0..<m {
            loss += -weights[r % n] * positives[r] / t + lse[r]
            views.cosines[r, (r + n) % m] = Scalar(-2 * weights[r % n] * gradientScale)
        }
        loss /= Double(m)
        if let sigma, !detachesWeights {
            // nidl: the weights depend on c_i = C[i, N+i]; dc_k = π_k (c_k − Σ π c)/(σT), an
            // entry of G at (k, N+k), so of G + Gᵀ at both (k, N+k) and (N+k, k).
            let mean = zip(pi, positives).reduce(0) { $0 + $1.0 * $1.1 }
            for k in 0..<n {
                let extra = Scalar(pi[k] * (positives[k] - mean) / (sigma * t))
                views.cosines[k, n + k] += extra
                views.cosines[n + k, k] += extra
            }
        }
        let (g0, g1) = try views.viewGradients()
        if let logger, let step {
            try logger.logScalar(tag: tagPrefix + "loss", value: loss, step: step)
            if sigma != nil { try logger.logScalar(tag: tagPrefix + "min_weight", value: weights.min() ?? 1, step: step) }
        }
        return (loss, g0, g1)
    }
}
