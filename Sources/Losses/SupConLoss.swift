import ProcessRuntime
public import LinearAlgebra
public import ScalarLogging

/// The value and gradient of a contrastive loss on one input tensor.
struct ContrastiveLossResult<Scalar: BLASScalar>: Sendable {
    /// The loss, in nats.
    public var loss: Double
    /// ∂loss/∂input, same shape and layout as the input.
    public var inputGradient: Matrix<Scalar>
}

/// Supervised contrastive loss (Khosla et al. 2020), as `HobbitLong/SupContrast` `SupConLoss`
/// at HEAD `66a8fe5` (with the 2023-12 fix for anchors without positives), docs/reference/contrastive-losses.md, "SupCon and NT-Xent".
///
/// Input `[bsz, V, d]` features, **already L2-normalised** (the loss does not normalise), given
/// as a row-major `[bsz·V, d]` matrix with row `i·V + v` = sample i, view v. Contrast set C is
/// view-major (row `v·bsz + i`); anchors are C (`all`) or view 0 (`one`). With
/// `S = A Cᵀ / T` (max-shifted), P the softmax over c ≠ a, mask M (labels equal, an explicit
/// weight matrix, or the identity = SimCLR) tiled over views with the self pair removed:
/// `loss_a = −(T/T_base) · Σ_c M_ac (S_ac − log Σ_{c′≠a} e^{S_ac′}) / den_a`, `den_a = Σ_c M_ac`
/// (1 when that is < 1e-6), and the loss is the mean over all anchors, in nats.
public struct SupConLoss: Sendable {
    /// Which rows act as anchors.
    public enum ContrastMode: String, Sendable, CaseIterable {
        /// Every view of every sample.
        case all
        /// The first view only.
        case one
    }

    /// Temperature T > 0 (default 0.07).
    public var temperature: Double
    /// Base temperature T_base > 0 (default 0.07); the loss is scaled by T/T_base.
    public var baseTemperature: Double
    /// Anchor selection (default `all`).
    public var contrastMode: ContrastMode
    /// Receives `<prefix>loss` at each forward with a step.
    public var logger: (any ScalarLogger)?
    /// Prefix of logged tags (default "supcon/").
    public var tagPrefix: String

    /// Creates the loss.
    ///
    /// - Parameters:
    ///   - temperature: T > 0 (default 0.07).
    ///   - baseTemperature: T_base > 0 (default 0.07).
    ///   - contrastMode: `all` (default) or `one`.
    ///   - logger: Optional logger.
    ///   - tagPrefix: Prefix of logged tags.
    /// - Throws: `LossError.invalidParameter` for a non-positive or non-finite temperature.
    public init(
        temperature: Double = 0.07, baseTemperature: Double = 0.07, contrastMode: ContrastMode = .all, logger: (any ScalarLogger)? = nil,
        tagPrefix: String = "supcon/"
    ) throws(LossError) {
        for (name, value) in [("temperature", temperature), ("base_temperature", baseTemperature)] where !(value > 0 && value.isFinite) {
            throw .invalidParameter(name: name, value: "\(value)", reason: "must be a positive finite number")
        }
        self.temperature = temperature
        self.baseTemperature = baseTemperature
        self.contrastMode = contrastMode
        self.logger = logger
        self.tagPrefix = tagPrefix
    }

    /// Evaluates the loss and ∂loss/∂features.
    ///
    /// - Parameters:
    ///   - features: `[bsz·V, d]`, row `i·V + v` = sample i, view v (L2-normalised).
    ///   - viewCount: V ≥ 1.
    ///   - labels: Optional `bsz` labels (positives share a label).
    ///   - mask: Optional `[bsz, bsz]` positive-weight matrix (used as given); not with `labels`.
    ///   - step: Global step for logging.
    /// - Returns: The loss and its gradient, `[bsz·V, d]` in the input layout.
    /// - Throws: `LossError` for shape mismatches, both labels and mask, an empty batch, or a
    ///   batch where every anchor's denominator is empty (bsz = 1 and V = 1: the original gives NaN).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward<Scalar: BLASScalar>(
        features: Matrix<Scalar>, viewCount: Int, labels: [Int]? = nil, mask: Matrix<Double>? = nil, step: Int? = nil
    ) throws -> ContrastiveLossResult<Scalar> {
        guard viewCount >= 1, features.rows % viewCount == 0 else {
            throw LossError.shapeMismatch(what: "features", expected: "a multiple of \(viewCount) rows ([bsz, views, dim])", actual: "\(features.rows) rows")
        }
        let bsz = features.rows / viewCount, d = features.columns
        guard bsz > 0 else { throw LossError.emptyBatch }
        if labels != nil && mask != nil { throw LossError.invalidParameter(name: "mask", value: "given", reason: "pass labels or mask, not both") }
        if let labels, labels.count != bsz { throw LossError.shapeMismatch(what: "labels", expected: "\(bsz) labels", actual: "\(labels.count)") }
        if let mask, mask.rows != bsz || mask.columns != bsz {
            throw LossError.shapeMismatch(what: "mask", expected: "[\(bsz), \(bsz)]", actual: "[\(mask.rows), \(mask.columns)]")
        }
        let nc = bsz * viewCount
        guard nc > 1 else {
            throw LossError.invalidParameter(name: "batch", value: "1 sample × 1 view", reason: "the softmax denominator is empty (the original returns NaN); use at least two rows")
        }
        if let index = features.elements.firstIndex(where: { !$0.isFinite }) { throw LossError.nonFiniteInput(what: "features", index: index) }
        // Contrast set, view-major.
        var contrast = Matrix<Scalar>(rows: nc, columns: d)
        for i in 0..<bsz { for v in 0..<viewCount { for k in 0..<d { contrast[v * bsz + i, k] = features[i * viewCount + v, k] } } }
        let na = contrastMode == .all ? nc : bsz
        let anchors = contrastMode == .all ? contrast : Matrix(rows: bsz, columns: d, elements: Array(contrast.elements[0..<(bsz * d)]))
        let t = temperature
        // Contrast mode `all` with labels or none: S and the positives are symmetric.
        if contrastMode == .all && mask == nil {
            let (loss, dContrast) = try symmetricForward(contrast: contrast, bsz: bsz, labels: labels)
            if let logger, let step { try logger.logScalar(tag: tagPrefix + "loss", value: loss, step: step) }
            return ContrastiveLossResult(loss: loss, inputGradient: Self.featureLayout(dContrast, bsz: bsz, viewCount: viewCount))
        }
        // Raw dot products in the input's precision (as the original in float32); the softmax
        // scales by 1/T while reading and leaves out each anchor's own column.
        let dots = try Matrix.product(anchors, contrast, transposingRight: true)
        let (probabilities, lse) = dots.scaledSoftmaxAndLogSumExpRows(scale: Scalar(1 / t)) { a in (a, -1) }
        // Positive weights of anchor a over the contrast set: tiled labels / mask / identity,
        // self removed; one row at a time into a per-worker buffer.
        let contrastLabels = labels.map { l in (0..<nc).map { l[$0 % bsz] } }
        let maskRows = mask
        let scale = t / baseTemperature
        var rowLoss = [Double](repeating: 0, count: na)
        var g = probabilities
        g.elements.withUnsafeMutableBufferPointer { gBuffer in
            dots.elements.withUnsafeBufferPointer { dBuffer in
                rowLoss.withUnsafeMutableBufferPointer { lBuffer in
                    // Each chunk writes only its own rows of G and its own loss slots.
                    nonisolated(unsafe) let (gp, dp, lp) = (gBuffer, dBuffer, lBuffer)
                    RowParallelism.forEachChunk(rows: na, work: na * nc) { _, anchors in
                        var weights = [Double](repeating: 0, count: nc)
                        for a in anchors {
                            if let contrastLabels {
                                let label = contrastLabels[a]
                                for c in 0..<nc { weights[c] = contrastLabels[c] == label ? 1 : 0 }
                            } else if let maskRows {
                                let i = a % bsz
                                for c in 0..<nc { weights[c] = maskRows[i, c % bsz] }
                            } else {
                                for c in 0..<nc { weights[c] = c % bsz == a % bsz ? 1 : 0 }
                            }
                            weights[a] = 0
                            let row = a * nc
                            var m = 0.0, weighted = 0.0
                            for c in 0..<nc where weights[c] != 0 {
                                m += weights[c]
                                weighted += weights[c] * (dp[row + c].doubleValue / t - lse[a])
                            }
                            let den = m < 1e-6 ? 1 : m
                            lp[a] = -scale * weighted / den
                            // G = s/na·((m/den)·P − W/den), in place over P.
                            let (pFactor, wFactor) = (Scalar(scale / Double(na) * m / den), scale / Double(na) / den)
                            for c in 0..<nc {
                                let w = weights[c]
                                gp[row + c] = pFactor * gp[row + c] - (w == 0 ? 0 : Scalar(w * wFactor))
                            }
                        }
                    }
                }
            }
        }
        let loss = rowLoss.reduce(0, +) / Double(na)
        var dContrast = try Matrix.product(g, anchors, transposingLeft: true, scale: Scalar(1 / t))  // Gᵀ A / T
        let dAnchors = try Matrix.product(g, contrast, scale: Scalar(1 / t))  // G C / T
        for r in 0..<na { for k in 0..<d { dContrast[r, k] += dAnchors[r, k] } }
        if let logger, let step { try logger.logScalar(tag: tagPrefix + "loss", value: loss, step: step) }
        return ContrastiveLossResult(loss: loss, inputGradient: Self.featureLayout(dContrast, bsz: bsz, viewCount: viewCount))
    }

    /// Rows of the view-major contrast set (`v·bsz + i`) back in the input's layout (`i·V + v`).
    private static func featureLayout<Scalar: BLASScalar>(_ contrastRows: Matrix<Scalar>, bsz: Int, viewCount: Int) -> Matrix<Scalar> {
        let d = contrastRows.columns
        var result = Matrix<Scalar>(rows: bsz * viewCount, columns: d)
        for i in 0..<bsz { for v in 0..<viewCount { for k in 0..<d { result[i * viewCount + v, k] = contrastRows[v * bsz + i, k] } } }
        return result
    }

    /// Contrast mode `all` with labels or the SimCLR identity: anchors = contrast set, S and the
    /// positive pattern W are symmetric, so `G + Gᵀ` (the backward's `dC = (G + Gᵀ)C/T`) is
    /// `(s/nc)·(α_a P_ac + α_c P_ca) − (s/nc)·W_ac·(1/den_a + 1/den_c)` with `α = m/den`:
    /// `symmetrizeSoftmaxRows` forms the first part in place, the positives' lists the second.
    ///
    /// - Returns: The loss (nats) and ∂loss/∂contrast rows (view-major).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func symmetricForward<Scalar: BLASScalar>(contrast: Matrix<Scalar>, bsz: Int, labels: [Int]?) throws -> (Double, Matrix<Scalar>) {
        let nc = contrast.rows, t = temperature, scale = t / baseTemperature
        var h = try contrast.gram()  // the dot products, overwritten with G + Gᵀ below
        // Positives of each anchor (same label, or the other views of its sample), self excluded.
        let keys = (0..<nc).map { labels?[$0 % bsz] ?? $0 % bsz }
        var members = [Int: [Int]]()
        for c in 0..<nc { members[keys[c], default: []].append(c) }
        let positives = (0..<nc).map { members[keys[$0]]! }
        let count = (0..<nc).map { Double(positives[$0].count - 1) }
        let inverseDen = count.map { 1 / ($0 < 1e-6 ? 1 : $0) }
        // |dot| ≤ the largest squared norm.
        var bound: Scalar = 0
        for r in 0..<nc { bound = Swift.max(bound, h[r, r]) }
        var loss = 0.0
        h.elements.withUnsafeBufferPointer { dots in
            for a in 0..<nc {
                var positive = 0.0
                for c in positives[a] where c != a { positive += dots[a * nc + c].doubleValue }
                loss -= scale * positive / t * inverseDen[a]
            }
        }
        let factor = scale / Double(nc)
        let lse = h.symmetrizeSoftmaxRows(
            scale: Scalar(1 / t), bound: bound, probabilityScale: Scalar(factor), rowWeights: (0..<nc).map { Scalar(count[$0] * inverseDen[$0]) }
        ) { a in (a, -1) }
        let scaledInverse = inverseDen.map { factor * $0 }
        h.elements.withUnsafeMutableBufferPointer { w in
            for a in 0..<nc {
                loss += scale * count[a] * inverseDen[a] * lse[a]
                for c in positives[a] where c != a { w[a * nc + c] -= Scalar(scaledInverse[a] + scaledInverse[c]) }
            }
        }
        loss /= Double(nc)
        return (loss, try Matrix.product(h, contrast, scale: Scalar(1 / t)))
    }
}

/// NT-Xent as lightly 1.6.0 `NTXentLoss` (memory bank 0), docs/reference/contrastive-losses.md, "SupCon and NT-Xent".
///
/// Two views `out0`, `out1` (`[N, d]` each, normalised inside with ε = 1e-12); Z = [ẑ0; ẑ1],
/// `S = Z Zᵀ / T`; row r's positive is its partner `(r + N) mod 2N`, its denominator every
/// c ≠ r (the positive included); the loss is the mean cross-entropy over the 2N rows, in nats.
/// Gradient: `G_rc = (P_rc − δ_{c,p(r)})/2N`, `dZ = (G + Gᵀ) Z / T`, then the normalisation backward.
public struct NTXentLoss: Sendable {
    /// Temperature T (default 0.5); |T| ≥ 1e-8.
    public var temperature: Double
    /// Receives `<prefix>loss` at each forward with a step.
    public var logger: (any ScalarLogger)?
    /// Prefix of logged tags (default "ntxent/").
    public var tagPrefix: String

    /// Creates the loss.
    ///
    /// - Parameters:
    ///   - temperature: T > 0 (default 0.5, lightly's).
    ///   - logger: Optional logger.
    ///   - tagPrefix: Prefix of logged tags.
    /// - Throws: `LossError.invalidParameter` for T ≤ 0 or non-finite.
    public init(temperature: Double = 0.5, logger: (any ScalarLogger)? = nil, tagPrefix: String = "ntxent/") throws(LossError) {
        guard temperature > 0, temperature.isFinite else {
            throw .invalidParameter(name: "temperature", value: "\(temperature)", reason: "must be a positive finite number")
        }
        self.temperature = temperature
        self.logger = logger
        self.tagPrefix = tagPrefix
    }

    /// Evaluates the loss and the gradients with respect to both views.
    ///
    /// - Parameters:
    ///   - view0: `[N, d]`.
    ///   - view1: `[N, d]`.
    ///   - step: Global step for logging.
    /// - Returns: The loss and ∂loss/∂view0, ∂loss/∂view1 (`[N, d]` each).
    /// - Throws: `LossError` for mismatched shapes, an empty batch or a non-finite entry.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward<Scalar: BLASScalar>(view0: Matrix<Scalar>, view1: Matrix<Scalar>, step: Int? = nil) throws -> (
        loss: Double, gradient0: Matrix<Scalar>, gradient1: Matrix<Scalar>
    ) {
        var views = try StackedViews(view0: view0, view1: view1)
        guard views.n > 0 else { throw LossError.emptyBatch }
        // G = (P − onehot(partner))/(2N) is ∂L/∂S with S = C/T, and ∂L/∂C = G/T. The backward
        // needs G + Gᵀ: (P + Pᵀ)/(2N·T) from the softmax, minus 2/(2N·T) at the partners
        // (the partner map is an involution). In the input's precision (the original runs
        // float32 on float32 input); sums in Double.
        let n = views.n, m = 2 * n
        let gradientScale = 1 / (Scalar(m) * Scalar(temperature))
        let lse = views.cosines.symmetrizeSoftmaxRows(scale: Scalar(1 / temperature), bound: 1, probabilityScale: gradientScale) { r in (r, -1) }
        var loss = 0.0
        for r in 0..<m {
            loss += lse[r] - views.positives[r] / temperature
            views.cosines[r, (r + n) % m] -= 2 * gradientScale
        }
        loss /= Double(m)
        let (g0, g1) = try views.viewGradients()
        if let logger, let step { try logger.logScalar(tag: tagPrefix + "loss", value: loss, step: step) }
        return (loss, g0, g1)
    }
}
