import ProcessRuntime
public import LinearAlgebra
public import ScalarLogging

/// QARe, SimCLR (log of mean), SparseCLR and their QARe combinations, as
/// `amoskalev/contrasting_quadratic` at `8a679cd` (Moskalev et al., ECCV 2022; docs/reference/contrastive-losses.md, "QARe, SimCLR and SparseCLR").
///
/// Input: head outputs `[2N, d]` with **interleaved** views (row 2i = view A of image i, row
/// 2i+1 = view B; partner of r is r XOR 1). Similarities are cosines of the normalised rows
/// (ε 1e-12); the `*_qare` methods clamp them at 1e-8 (negative cosines get no gradient).
/// - `qare`: `Σ_k λ_k μ_k / (N(N−1))` with λ, μ the ascending eigenvalues (LAPACK `?syevd`) of
///   `A = 1 + S_A`, `B = 1 + S_B`, the clamped intra-view cosine matrices.
/// - `simclr`: `−log(mean_r a_r/d_r)` with `E = exp(C/0.5)`, `a_r = E[p(r), r]`,
///   `d_r = Σ_k E[k, r] − c₀`, c₀ = float32(e²) = 7.38905620574951171875 (the original's constant).
/// - `sparseclr`: the sparsemax loss per row with the positive (shifted by −1) as target:
///   `½ Σ_{j∈S}(z_j² − τ²) − pos + ½`, mean over the 2N rows (support S treated as constant).
/// - `simclrQARe` / `sparseclrQARe`: α·(term on clamped cosines) + β·qare.
/// All in nats except qare (dimensionless spectral score).
public struct QAReLoss: Sendable {
    /// The objective.
    public enum Method: String, Sendable, CaseIterable {
        /// The spectral QARe term alone.
        case qare
        /// Plain SimCLR of the codebase (log of mean, unclamped cosines).
        case simclr
        /// α·SimCLR (clamped cosines) + β·QARe.
        case simclrQARe = "simclr-qare"
        /// SparseCLR (unclamped cosines).
        case sparseclr
        /// α·SparseCLR (clamped cosines) + β·QARe.
        case sparseclrQARe = "sparseclr-qare"
    }

    /// The objective.
    public var method: Method
    /// α, weight of the contrastive term in the combinations (default 1).
    public var alpha: Double
    /// β, weight of QARe in the combinations (default 1).
    public var beta: Double
    /// Receives `<prefix>loss` (and `<prefix>qare` for the combinations) each step.
    public var logger: (any ScalarLogger)?
    /// Prefix of logged tags (default "<method>/").
    public var tagPrefix: String

    /// SimCLR temperature of the codebase: hard-coded 0.5.
    public static let simclrTemperature = 0.5
    /// The similarity clamp of the `*_qare` models: 1e-8.
    public static let similarityFloor = 1e-8
    /// c₀ = exp(1/t) as the original's float32 scalar (docs/reference/contrastive-losses.md, "QARe, SimCLR and SparseCLR").
    public static let selfTerm = Double(Float(2.0.exponential))

    /// Creates the loss.
    ///
    /// - Parameters:
    ///   - method: The objective.
    ///   - alpha: α ≥ 0 (default 1).
    ///   - beta: β ≥ 0 (default 1).
    ///   - logger: Optional logger.
    ///   - tagPrefix: Prefix of logged tags (default the method name and "/").
    /// - Throws: `LossError.invalidParameter` for negative or non-finite weights.
    public init(method: Method, alpha: Double = 1, beta: Double = 1, logger: (any ScalarLogger)? = nil, tagPrefix: String? = nil) throws(LossError) {
        for (name, value) in [("alpha", alpha), ("beta", beta)] where !(value >= 0 && value.isFinite) {
            throw .invalidParameter(name: name, value: "\(value)", reason: "must be ≥ 0")
        }
        self.method = method
        self.alpha = alpha
        self.beta = beta
        self.logger = logger
        self.tagPrefix = tagPrefix ?? method.rawValue + "/"
    }

    /// Evaluates the loss and ∂loss/∂x.
    ///
    /// - Parameters:
    ///   - input: `[2N, d]`, interleaved views.
    ///   - step: Global step for logging.
    /// - Returns: The loss and its gradient, `[2N, d]`.
    /// - Throws: `LossError` for an odd row count, or N < 2 for the QARe methods (the original
    ///   divides by N(N−1) = 0 and returns inf); LAPACK failures.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward<Scalar: BLASScalar>(input: Matrix<Scalar>, step: Int? = nil) throws -> ContrastiveLossResult<Scalar> {
        guard input.rows % 2 == 0, input.rows > 0 else {
            throw LossError.shapeMismatch(what: "input", expected: "an even, positive number of rows (interleaved views)", actual: "\(input.rows) rows")
        }
        let n = input.rows / 2, d = input.columns
        if let index = input.elements.firstIndex(where: { !$0.isFinite }) { throw LossError.nonFiniteInput(what: "input", index: index) }
        let usesQARe = method != .simclr && method != .sparseclr
        if usesQARe && n < 2 {
            throw LossError.invalidParameter(name: "batch", value: "\(n) pairs", reason: "QARe divides by N(N−1); use at least 2 pairs (the original returns inf)")
        }
        var loss = 0.0, qareValue = 0.0
        var gradient = Matrix<Double>(rows: 2 * n, columns: d)
        if method != .qare {
            let clamped = method == .simclrQARe || method == .sparseclrQARe
            // Cosines and their backward in the input's precision (float32 GEMMs for Float input).
            let (cosine, unit, norms) = try input.cosineSimilarities()
            // The terms read the cosines in their precision (clamped on the fly for the QARe
            // combinations) and return the weighted gradient, 0 where the clamp is active:
            // SimCLR's symmetrised (G + Gᵀ), SparseCLR's as is (G, per-row supports).
            let weight = usesQARe ? alpha : 1
            let dx: Matrix<Scalar>
            if method == .simclr || method == .simclrQARe {
                let (value, symmetrized) = Self.logMeanSimCLR(consume cosine, clamped: clamped, weight: weight)
                loss += weight * value
                dx = try Matrix.cosineSimilaritiesBackward(symmetrizedGradient: symmetrized, unit: unit, norms: norms)
            } else {
                let (value, similarityGradient) = Self.sparseCLR(consume cosine, clamped: clamped, weight: weight)
                loss += weight * value
                dx = try Matrix.cosineSimilaritiesBackward(similarityGradient: consume similarityGradient, unit: unit, norms: norms)
            }
            for i in gradient.elements.indices { gradient.elements[i] += dx.elements[i].doubleValue }
        }
        if usesQARe {
            // In the input's precision: for Float input the two eigendecompositions run in
            // LAPACK's single precision (ssyevd, about twice as fast as dsyevd), as the original
            // on float32 tensors; the spectral value is summed in Double.
            let floor = Scalar(Self.similarityFloor)
            let views = [input.selectingRows((0..<n).map { 2 * $0 }), input.selectingRows((0..<n).map { 2 * $0 + 1 })]
            var cosines = [(Matrix<Scalar>, Matrix<Scalar>, [Scalar])]()
            var shifted = [Matrix<Scalar>]()
            for view in views {
                let (cosine, unit, norms) = try view.cosineSimilarities()
                shifted.append(Matrix(rows: n, columns: n) { a in
                    cosine.elements.withUnsafeBufferPointer { c in for i in c.indices { a[i] = 1 + Swift.max(c[i], floor) } }
                })
                cosines.append((cosine, unit, norms))
            }
            // The two decompositions are independent: one per core, each with one-thread BLAS
            // (LAPACK's divide and conquer gains little from a second BLAS thread).
            let decompositions = try Self.eigenDecompositions(shifted)
            let spectra = decompositions.map(\.values), vectors = decompositions.map(\.vectors)
            let scale = 1 / Double(n * (n - 1))
            qareValue = zip(spectra[0], spectra[1]).reduce(0) { $0 + $1.0.doubleValue * $1.1.doubleValue } * scale
            let weight = method == .qare ? 1 : beta
            loss += weight * qareValue
            for view in 0..<2 {
                // ∂qare/∂A = V diag(other spectrum) Vᵀ / (N(N−1)), eigenvectors as rows of V.
                let other = spectra[1 - view]
                let scaled = Matrix<Scalar>(rows: n, columns: n) { out in
                    vectors[view].elements.withUnsafeBufferPointer { v in
                        for k in 0..<n { for j in 0..<n { out[k * n + j] = v[k * n + j] * other[k] } }
                    }
                }
                // G is symmetric: G + Gᵀ = 2G; 0 where the clamp is active.
                var h = try Matrix.product(vectors[view], scaled, transposingLeft: true, scale: Scalar(2 * scale * weight))
                let (cosine, unit, norms) = cosines[view]
                h.elements.withUnsafeMutableBufferPointer { hp in
                    cosine.elements.withUnsafeBufferPointer { c in for i in c.indices where c[i] < floor { hp[i] = 0 } }
                }
                let dx = try Matrix.cosineSimilaritiesBackward(symmetrizedGradient: h, unit: unit, norms: norms)
                gradient.elements.withUnsafeMutableBufferPointer { g in
                    dx.elements.withUnsafeBufferPointer { x in
                        for i in 0..<n { for k in 0..<d { g[(2 * i + view) * d + k] += x[i * d + k].doubleValue } }
                    }
                }
            }
        }
        if let logger, let step {
            try logger.logScalar(tag: tagPrefix + "loss", value: loss, step: step)
            if usesQARe && method != .qare { try logger.logScalar(tag: tagPrefix + "qare", value: qareValue, step: step) }
        }
        return ContrastiveLossResult(loss: loss, inputGradient: gradient.converted(to: Scalar.self))
    }

    /// Symmetric eigendecompositions of several matrices, concurrently when there are several
    /// processors (each with one-thread BLAS; the thread setting is restored afterwards).
    private static func eigenDecompositions<Scalar: BLASScalar>(_ matrices: [Matrix<Scalar>]) throws -> [(values: [Scalar], vectors: Matrix<Scalar>)] {
        if matrices.count < 2 || WorkerPool.parallelism < 2 || matrices[0].rows < 256 {
            return try matrices.map { try $0.symmetricEigenDecomposition() }
        }
        nonisolated(unsafe) var results = [Result<(values: [Scalar], vectors: Matrix<Scalar>), LinearAlgebraError>?](repeating: nil, count: matrices.count)
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let slots = buffer
            BLASThreads.concurrentlyOnOneThreadEach(iterations: matrices.count) { index in
                slots[index] = Result { () throws(LinearAlgebraError) in try matrices[index].symmetricEigenDecomposition() }
            }
        }
        return try results.map { try $0!.get() }
    }

    /// The codebase's SimCLR "LAP" term on a `[2N, 2N]` cosine matrix and `G + Gᵀ` of its
    /// G = ∂/∂C.
    ///
    /// `E = exp(C/t)` (C clamped below at 1e-8 when `clamped`); per column r: `a_r = E[r⊕1, r]`,
    /// `d_r = Σ_k E[k, r] − c₀`; loss `−log mean_r(a_r/d_r)`, in nats. E is symmetric (C is, up
    /// to rounding), so its column sums are its row sums, taken while it is written, and with
    /// `G_kr = E_kr·(u_r + [k = r⊕1]·v_r)` the symmetrised gradient is
    /// `E_kr·(u_k + u_r)` plus `(v_r + v_{r⊕1})·a_r` at the partner entries, formed in place
    /// without a transpose. E in the input's precision (`VectorMath` kernels for Float), sums
    /// and the mean in Double; rows over the processors.
    ///
    /// - Returns: The term and `weight·(G + Gᵀ)` (`[2N, 2N]`, 0 where the clamp is active).
    static func logMeanSimCLR<Scalar: BLASScalar>(_ cosine: consuming Matrix<Scalar>, clamped: Bool, weight: Double) -> (Double, Matrix<Scalar>) {
        let m = cosine.rows, t = simclrTemperature
        let floor = clamped ? Scalar(similarityFloor) : -.infinity, inverseT = Scalar(1 / t)
        // E over C's buffer, unless the clamp's mask needs C afterwards.
        let kept: Matrix<Scalar>? = clamped ? copy cosine : nil
        var e = cosine
        let sums = e.exponentiateRows(scale: inverseT, shift: 0, floor: floor)
        let a = (0..<m).map { e[$0 ^ 1, $0].doubleValue }, den = sums.map { $0 - selfTerm }
        let ratios = (0..<m).map { a[$0] / den[$0] }
        let mean = ratios.reduce(0, +) / Double(m)
        let dr = -1 / (Double(m) * mean)
        // ∂/∂E[k, r] = −dr·a_r/d_r² for every k, plus dr/d_r at the positive (k = r⊕1); times
        // E/t for ∂/∂C, and the weight.
        e.multiplyByRowPlusColumnFactors((0..<m).map { Scalar(weight * -dr * a[$0] / (den[$0] * den[$0]) / t) })
        let v = (0..<m).map { weight * dr / den[$0] / t }
        // Row k holds the partner entry of column r = k⊕1 (a_r = E[k, r]).
        for k in 0..<m { e[k, k ^ 1] += Scalar((v[k ^ 1] + v[k]) * a[k ^ 1]) }
        if let kept {
            e.elements.withUnsafeMutableBufferPointer { ep in
                kept.elements.withUnsafeBufferPointer { c in for i in c.indices where c[i] < floor { ep[i] = 0 } }
            }
        }
        return (-Double.logarithm(mean), e)
    }

    /// SparseCLR's sparsemax loss on a `[2N, 2N]` cosine matrix and ∂/∂C (support constant).
    ///
    /// Row r's scores are `z_c = C[r, c] − [c = r⊕1]` over c ≠ r (C clamped below at 1e-8 when
    /// `clamped`), widened to Double; the sparsemax threshold τ solves `Σ_c max(z_c − τ, 0) = 1`,
    /// found exactly by Michelot's fixed point (τ ← (Σ_{z > τ} z − 1)/|{z > τ}|, increasing
    /// until the support stops changing; the same support as sorting, in O(m) per iteration).
    ///
    /// - Returns: The term (nats) and `weight·∂term/∂C` (0 where the clamp is active).
    static func sparseCLR<Scalar: BLASScalar>(_ cosine: consuming Matrix<Scalar>, clamped: Bool, weight: Double) -> (Double, Matrix<Scalar>) {
        let m = cosine.rows, floor = similarityFloor
        var rowTotals = [Double](repeating: 0, count: m)
        if Scalar.self == Float.self {
            // The same scores and threshold (in Double) in `CLossKernels`: a lower bound of τ
            // from 16 of the row's scores, then the fixed point on the scores above it (a few
            // dozen of hundreds); each row of G written over its row of C (one N×N buffer).
            var g = cosine
            g.elements.withUnsafeMutableBufferPointer { gBuffer in
                rowTotals.withUnsafeMutableBufferPointer { tBuffer in
                    nonisolated(unsafe) let (gp, totals) = (UnsafeMutableRawPointer(gBuffer.baseAddress!).assumingMemoryBound(to: Float.self), tBuffer)
                    RowParallelism.forEachChunk(rows: m, work: 8 * m * m) { _, rows in
                        var scratch = [Double](repeating: 0, count: 2 * (m + 8))
                        for r in rows {
                            totals[r] = LossKernels.sparsemaxRow(
                                VectorMath.best, gp + r * m, gp + r * m, m, r, r ^ 1, clamped ? Float(floor) : -.infinity, weight / Double(m),
                                &scratch)
                        }
                    }
                }
            }
            return (rowTotals.reduce(0, +) / Double(m), g)
        }
        var g = Matrix<Scalar>(rows: m, columns: m)
        cosine.elements.withUnsafeBufferPointer { cBuffer in
            g.elements.withUnsafeMutableBufferPointer { gBuffer in
                rowTotals.withUnsafeMutableBufferPointer { tBuffer in
                    // Rows are independent: chunks write their own rows of G and totals.
                    nonisolated(unsafe) let (cp, gp, totals) = (cBuffer, gBuffer, tBuffer)
                    RowParallelism.forEachChunk(rows: m, work: m * m) { _, rows in
                        var z = [Double](repeating: 0, count: m)
                        for r in rows {
                            let p = r ^ 1, row = r * m
                            for j in 0..<m { z[j] = clamped ? Swift.max(cp[row + j].doubleValue, floor) : cp[row + j].doubleValue }
                            let positiveCosine = z[p]
                            z[p] -= 1
                            z[r] = -.infinity  // left out: never in the support
                            var tau = -Double.infinity
                            var count = 0
                            while true {
                                var sum = 0.0, newCount = 0
                                for j in 0..<m where z[j] > tau {
                                    sum += z[j]
                                    newCount += 1
                                }
                                let next = (sum - 1) / Double(newCount)
                                if newCount == count || next <= tau { break }
                                tau = next
                                count = newCount
                            }
                            var squares = 0.0
                            for j in 0..<m where z[j] > tau {
                                squares += z[j] * z[j] - tau * tau
                                gp[row + j] = Scalar(weight * (z[j] - tau) / Double(m))
                            }
                            totals[r] = 0.5 * squares - (positiveCosine - 1) + 0.5
                            gp[row + p] -= Scalar(weight / Double(m))
                            if clamped { for j in 0..<m where cp[row + j].doubleValue < floor { gp[row + j] = 0 } }
                        }
                    }
                }
            }
        }
        let total = rowTotals.reduce(0, +)
        return (total / Double(m), g)
    }
}

extension Double {
    /// e^self (for the static constant above).
    fileprivate var exponential: Double { Double.exponential(self) }
}
