import ProcessRuntime
public import LinearAlgebra
public import ScalarLogging

/// The value and gradients of the sigmoid contrastive loss.
struct SigmoidContrastiveResult<Scalar: BLASScalar>: Sendable {
    /// total = sigmoid part + α·invariance, in nats.
    public var loss: Double
    /// The KL invariance term (not multiplied by α), in nats.
    public var invariance: Double
    /// ∂loss/∂online projections, one matrix per online view.
    public var onlineGradients: [Matrix<Scalar>]
    /// ∂loss/∂target projections, one matrix per target view (zero use in training: targets
    /// come from a detached EMA encoder).
    public var targetGradients: [Matrix<Scalar>]
    /// ∂loss/∂τ (the log of the logit scale).
    public var logScaleGradient: Double
    /// ∂loss/∂b.
    public var biasGradient: Double
}

/// Sigmoid contrastive loss with confidence penalty and KL invariance term, as
/// `sigmoid-contrastive-learning` 0.1.0 `scl_loss` (docs/reference/contrastive-losses.md, "Sigmoid contrastive loss").
///
/// For online `x` and target `x′` (`[n, d]`, row i of both = the same image):
/// `s = clamp(exp(τ), 0, maxScale)`, logits `L = s·x̂x̂′ᵀ + b` (rows online), `Y = 2I − 1`,
/// `p = σ(Y⊙L)`, penalty `w = (1 − p)^γ` (not detached),
/// `ℓ_sig = −(1/n) Σ_ij w_ij log σ(Y⊙L)_ij` (SigLIP's 1/n), and the invariance
/// `inv = (1/n) Σ_i KL(Q_i ‖ R_i)` with R the row softmax of L and Q_i the softmax of column i;
/// `total = ℓ_sig + α·inv`, in nats. τ and b are learnable; ∂/∂τ is 0 when exp(τ) exceeds
/// `maxScale` (the clamp's gradient passes at equality, the original PyTorch's convention, docs/reference/contrastive-losses.md, "Shared conventions").
/// The closed-form penalty gradient stays finite where the original's autograd gives NaN
/// (saturated p with 0 < γ < 1, docs/reference/contrastive-losses.md, "Edge cases").
public struct SigmoidContrastiveLoss: Sendable {
    /// τ, the log of the logit scale (the training script starts at log 5).
    public var logScale: Double
    /// b, the logit bias (the training script starts at −5).
    public var bias: Double
    /// Upper clamp of the scale exp(τ) (default 5).
    public var maxScale: Double
    /// α, weight of the KL invariance term (function default 0; the training script uses 1).
    public var alpha: Double
    /// Receives `<prefix>total`, `kl`, `scale` (unclamped exp τ), `bias`, `gamma` each step.
    public var logger: (any ScalarLogger)?
    /// Confidence-penalty exponent γ ≥ 0 that `evaluate` uses (default 1, the start of the
    /// training script's `CosineGammaSchedule`); set it each step from the schedule.
    public var gamma: Double
    /// Prefix of logged tags (default "sigmoid/").
    public var tagPrefix: String

    /// Creates the loss.
    ///
    /// - Parameters:
    ///   - logScale: τ (default log 5, the training script's start).
    ///   - bias: b (default −5).
    ///   - maxScale: Clamp of exp(τ), > 0 (default 5).
    ///   - alpha: α ≥ 0 (default 0, the function's).
    ///   - gamma: γ ≥ 0 for `evaluate` (default 1).
    ///   - logger: Optional logger.
    ///   - tagPrefix: Prefix of logged tags.
    /// - Throws: `LossError.invalidParameter` for a non-finite τ or b, maxScale ≤ 0, α < 0 or γ < 0.
    public init(
        logScale: Double = Double.logarithm(5), bias: Double = -5, maxScale: Double = 5, alpha: Double = 0, gamma: Double = 1,
        logger: (any ScalarLogger)? = nil, tagPrefix: String = "sigmoid/"
    ) throws(LossError) {
        guard logScale.isFinite else { throw .invalidParameter(name: "logScale", value: "\(logScale)", reason: "must be finite") }
        guard bias.isFinite else { throw .invalidParameter(name: "bias", value: "\(bias)", reason: "must be finite") }
        guard maxScale > 0, maxScale.isFinite else { throw .invalidParameter(name: "maxScale", value: "\(maxScale)", reason: "must be a positive finite number") }
        guard alpha >= 0, alpha.isFinite else { throw .invalidParameter(name: "alpha", value: "\(alpha)", reason: "must be ≥ 0") }
        guard gamma >= 0, gamma.isFinite else { throw .invalidParameter(name: "gamma", value: "\(gamma)", reason: "must be ≥ 0") }
        self.gamma = gamma
        self.logScale = logScale
        self.bias = bias
        self.maxScale = maxScale
        self.alpha = alpha
        self.logger = logger
        self.tagPrefix = tagPrefix
    }

    /// One online/target pair (the original `scl_loss`).
    ///
    /// - Parameters:
    ///   - online: `[n, d]`.
    ///   - target: `[n, d]`.
    ///   - gamma: Confidence-penalty exponent γ ≥ 0.
    ///   - step: Global step for logging.
    /// - Returns: Loss, invariance and gradients (one matrix in each gradient list).
    /// - Throws: `LossError` for mismatched shapes, an empty batch, non-finite input or γ < 0.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward<Scalar: BLASScalar>(online: Matrix<Scalar>, target: Matrix<Scalar>, gamma: Double, step: Int? = nil) throws
        -> SigmoidContrastiveResult<Scalar>
    {
        try forward(online: [online], target: [target], gamma: gamma, step: step, pairs: [(0, 0)])
    }

    /// The multi-view aggregation of the training script (docs/reference/contrastive-losses.md, "Multi-view aggregation"): every pair of target view
    /// t and online view o with o ≠ t (same index space; online lists the G global views first,
    /// then the local ones; target has the G global views), loss and KL averaged over the pairs.
    ///
    /// - Parameters:
    ///   - online: G + L online views, `[n, d]` each.
    ///   - target: G target views, `[n, d]` each.
    ///   - gamma: γ ≥ 0 (for example from `CosineGammaSchedule`).
    ///   - step: Global step for logging.
    /// - Returns: Averaged loss and KL, and the gradients per view.
    /// - Throws: `LossError` for mismatched view shapes, fewer online than target views, or no pair.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward<Scalar: BLASScalar>(online: [Matrix<Scalar>], target: [Matrix<Scalar>], gamma: Double, step: Int? = nil) throws
        -> SigmoidContrastiveResult<Scalar>
    {
        guard online.count >= target.count, !target.isEmpty else {
            throw LossError.shapeMismatch(what: "views", expected: "at least as many online as target views, ≥ 1 target view", actual: "\(online.count) online, \(target.count) target")
        }
        var pairs = [(Int, Int)]()
        for t in 0..<target.count { for o in 0..<online.count where o != t { pairs.append((t, o)) } }
        guard !pairs.isEmpty else {
            throw LossError.shapeMismatch(what: "views", expected: "at least one (target t, online o ≠ t) pair", actual: "none")
        }
        return try forward(online: online, target: target, gamma: gamma, step: step, pairs: pairs)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func forward<Scalar: BLASScalar>(online: [Matrix<Scalar>], target: [Matrix<Scalar>], gamma: Double, step: Int?, pairs: [(Int, Int)]) throws
        -> SigmoidContrastiveResult<Scalar>
    {
        guard gamma >= 0, gamma.isFinite else { throw LossError.invalidParameter(name: "gamma", value: "\(gamma)", reason: "must be ≥ 0") }
        guard let first = online.first, first.rows > 0 else { throw LossError.emptyBatch }
        for view in online + target where view.rows != first.rows || view.columns != first.columns {
            throw LossError.shapeMismatch(what: "views", expected: "[\(first.rows), \(first.columns)] for every view", actual: "[\(view.rows), \(view.columns)]")
        }
        let n = first.rows
        // Normalisation and the N×N×D products in the input's precision (float32 GEMMs for
        // Float input, as the original); the elementwise terms in Double.
        let units = Matrix.normalizedRows(of: online + target)
        let unitOnline = Array(units[0..<online.count]), unitTarget = Array(units[online.count...])
        // A non-finite entry makes its row's norm non-finite: only then look for it (a huge
        // finite row can overflow its norm too, and passes as before).
        for (view, unit) in zip(online + target, unitOnline + unitTarget) where !unit.norms.allSatisfy(\.isFinite) {
            if let index = view.elements.firstIndex(where: { !$0.isFinite }) { throw LossError.nonFiniteInput(what: "projections", index: index) }
        }
        let exponent = Double.exponential(logScale)
        let scale = Swift.min(Swift.max(exponent, 0), maxScale)
        let scaleHasGradient = exponent >= 0 && exponent <= maxScale
        var dOnline = online.map { Matrix<Scalar>(rows: n, columns: $0.columns) }
        var dTarget = target.map { Matrix<Scalar>(rows: n, columns: $0.columns) }
        var total = 0.0, invariance = 0.0, dTau = 0.0, dBias = 0.0
        let weight = 1 / Double(pairs.count)
        for (t, o) in pairs {
            let x = unitOnline[o].normalized, y = unitTarget[t].normalized
            let terms: PairTerms
            if Scalar.self == Float.self && 2 * scale <= 80 {
                // Float: the VectorMath kernels (one shared exponential shift needs 2s ≤ 80).
                // Moved out of the arrays so that the products write them in place (no copy).
                var (dx, dy) = (dOnline[o] as! Matrix<Float>, dTarget[t] as! Matrix<Float>)
                (dOnline[o], dTarget[t]) = (Matrix(rows: 0, columns: 0), Matrix(rows: 0, columns: 0))
                terms = try Self.floatPairTerms(
                    online: x as! Matrix<Float>, target: y as! Matrix<Float>, scale: scale, bias: bias, gamma: gamma, alpha: alpha,
                    addingGradientTimes: Float(scale * weight), onlineGradient: &dx, targetGradient: &dy)
                (dOnline[o], dTarget[t]) = (dx as! Matrix<Scalar>, dy as! Matrix<Scalar>)
            } else {
                let wide = try Matrix.product(x, y, transposingRight: true).converted(to: Double.self)
                let (sigmoidPart, klSum, g) = Self.pairTerms(cosine: wide, scale: scale, bias: bias, gamma: gamma, alpha: alpha)
                var gCos = 0.0, gSum = 0.0
                for i in g.elements.indices {
                    gSum += g.elements[i]
                    gCos += g.elements[i] * wide.elements[i]
                }
                terms = PairTerms(sigmoidPart: sigmoidPart, klSum: klSum, gradientSum: gSum, gradientDotCosine: gCos)
                let gradient = g.converted(to: Scalar.self)
                try dOnline[o].addProduct(gradient, y, scale: Scalar(scale * weight))
                try dTarget[t].addProduct(gradient, x, transposingLeft: true, scale: Scalar(scale * weight))
            }
            let kl = terms.klSum / Double(n)
            total += weight * (terms.sigmoidPart + alpha * kl)
            invariance += weight * kl
            dBias += weight * terms.gradientSum
            if scaleHasGradient { dTau += weight * scale * terms.gradientDotCosine }
        }
        var gradients = dOnline + dTarget
        (dOnline, dTarget) = ([], [])
        Matrix.normalizeRowsBackward(&gradients, units: units)
        let onlineGradients = Array(gradients[0..<online.count]), targetGradients = Array(gradients[online.count...])
        if let logger, let step {
            for (tag, value) in [("total", total), ("kl", invariance), ("scale", exponent), ("bias", bias), ("gamma", gamma)] {
                try logger.logScalar(tag: tagPrefix + tag, value: value, step: step)
            }
        }
        return SigmoidContrastiveResult(
            loss: total, invariance: invariance, onlineGradients: onlineGradients, targetGradients: targetGradients,
            logScaleGradient: dTau, biasGradient: dBias)
    }

    /// One (online, target) pair's scalar terms: the sigmoid part (mean over rows, nats), the KL
    /// invariance summed over rows (nats; the caller divides by n), and for
    /// G = ∂(sigmoid + α·KL/n)/∂L (logits L = s·C + b) the sums Σ G and Σ G⊙C (for ∂/∂b and ∂/∂τ).
    struct PairTerms {
        var sigmoidPart: Double
        var klSum: Double
        var gradientSum: Double
        var gradientDotCosine: Double
    }

    /// One (online, target) pair's terms from its cosine matrix C (`[n, n]`, rows online):
    /// the sigmoid part (mean over rows, nats), the KL invariance summed over rows (nats; the
    /// caller divides by n), and ∂(sigmoid + α·KL/n)/∂L for the logits L = s·C + b.
    /// Non-generic so that every loop here is compiled for Double. Used for Double input, and
    /// for Float input with a logit scale above 40 (`floatPairTerms` needs 2s ≤ 80).
    private static func pairTerms(cosine: Matrix<Double>, scale: Double, bias: Double, gamma: Double, alpha: Double) -> (
        sigmoidPart: Double, klSum: Double, gradient: Matrix<Double>
    ) {
        let n = cosine.rows
        let logits = Matrix(rows: n, columns: n, elements: cosine.elements.map { scale * $0 + bias })
        let logitsT = logits.transposed
        // One exponential table serves the row and the column softmaxes of the KL term when
        // the logits span less than 600 (always for scale ≤ 300; exp(−600) is far from
        // Double's underflow); otherwise rows and columns get their own shifts.
        let globalShift = logits.elements.max() ?? 0
        let sharedShift = 2 * scale <= 600
        var rowShift = [Double](repeating: globalShift, count: n), columnShift = rowShift
        if !sharedShift {
            rowShift = logits.elements.withUnsafeBufferPointer { l in (0..<n).map { i in l[(i * n)..<((i + 1) * n)].max() ?? 0 } }
            columnShift = logitsT.elements.withUnsafeBufferPointer { lt in (0..<n).map { j in lt[(j * n)..<((j + 1) * n)].max() ?? 0 } }
        }
        let chunks = RowParallelism.chunkCount(rows: n, work: n * n)
        let rowShifts = rowShift
        var g = Matrix<Double>(rows: n, columns: n)
        var rowExp = Matrix<Double>(rows: n, columns: n)
        var rowSum = [Double](repeating: 0, count: n)
        var partialColumnSum = [Double](repeating: 0, count: chunks * n)
        var partialSigmoid = [Double](repeating: 0, count: chunks)
        let inverseN = 1 / Double(n)
        // Pass 1, row-wise (rows over the cores; column sums per chunk): the sigmoid part with
        // its (non-detached) confidence penalty, from one exp and one log1p per entry, and the
        // exponentials of the KL softmaxes.
        g.elements.withUnsafeMutableBufferPointer { gBuffer in
            rowExp.elements.withUnsafeMutableBufferPointer { eBuffer in
                rowSum.withUnsafeMutableBufferPointer { rsBuffer in
                    partialColumnSum.withUnsafeMutableBufferPointer { pcBuffer in
                        partialSigmoid.withUnsafeMutableBufferPointer { psBuffer in
                            logits.elements.withUnsafeBufferPointer { lBuffer in
                                // Chunks write their own rows and their own partial slots only.
                                nonisolated(unsafe) let (gp, ep, rs, pc, ps, lp) = (gBuffer, eBuffer, rsBuffer, pcBuffer, psBuffer, lBuffer)
                                RowParallelism.forEachChunk(rows: n, work: n * n) { chunk, range in
                                    var sigmoidPart = 0.0
                                    let columnBase = chunk * n
                                    for i in range {
                                        let row = i * n, shift = rowShifts[i]
                                        var rowTotal = 0.0
                                        for j in 0..<n {
                                            let l = lp[row + j]
                                            let sign = i == j ? 1.0 : -1.0
                                            let z = sign * l
                                            let e = Double.exponential(-Swift.abs(z))
                                            let softplus = Double.logarithm(onePlus: e)
                                            let logP = z >= 0 ? -softplus : z - softplus
                                            let logOneMinusP = logP - z
                                            let p = z >= 0 ? 1 / (1 + e) : e / (1 + e)
                                            let oneMinusP = z >= 0 ? e / (1 + e) : 1 / (1 + e)
                                            let penalty = gamma == 0 ? 1 : (gamma == 1 ? oneMinusP : Double.exponential(gamma * logOneMinusP))
                                            sigmoidPart -= penalty * logP
                                            gp[row + j] = sign * (gamma * p * penalty * logP - penalty * oneMinusP) * inverseN
                                            let r = Double.exponential(l - shift)
                                            ep[row + j] = r
                                            rowTotal += r
                                            if sharedShift { pc[columnBase + j] += r }
                                        }
                                        rs[i] = rowTotal
                                    }
                                    ps[chunk] = sigmoidPart
                                }
                            }
                        }
                    }
                }
            }
        }
        let sigmoidPart = partialSigmoid.reduce(0, +) / Double(n)
        var columnSum = [Double](repeating: 0, count: n)
        for chunk in 0..<chunks { for j in 0..<n { columnSum[j] += partialColumnSum[chunk * n + j] } }
        // KL invariance between the row softmax R and the column softmaxes Q (Q_ij is column
        // i's softmax at row j): E_col is the column-shifted table, read transposed.
        var columnExp = rowExp
        if !sharedShift {
            for i in 0..<n {
                for j in 0..<n {
                    let c = Double.exponential(logits[i, j] - columnShift[j])
                    columnExp[i, j] = c
                    columnSum[j] += c
                }
            }
        }
        let columnExpT = columnExp.transposed
        let rowLSE = (0..<n).map { rowShift[$0] + Double.logarithm(rowSum[$0]) }
        let columnLSE = (0..<n).map { columnShift[$0] + Double.logarithm(columnSum[$0]) }
        // Pass 2: kl_i = Σ_j Q_ij (log Q_ij − log R_ij).
        var klRow = [Double](repeating: 0, count: n)
        let columnSums = columnSum
        klRow.withUnsafeMutableBufferPointer { klBuffer in
            nonisolated(unsafe) let kr = klBuffer
            RowParallelism.forEachChunk(rows: n, work: n * n) { _, range in
                for i in range {
                    var sum = 0.0
                    for j in 0..<n {
                        let q = columnExpT[i, j] / columnSums[i]
                        sum += q * ((logitsT[i, j] - columnLSE[i]) - (logits[i, j] - rowLSE[i]))
                    }
                    kr[i] = sum
                }
            }
        }
        let kl = klRow.reduce(0, +)
        // Pass 3: ∂KL/∂L_ij = M_ji + R_ij − Q_ij with M_ij = Q_ij (log Q_ij − log R_ij − kl_i).
        if alpha != 0 {
            let factor = alpha * inverseN
            let (rowSums, klRows, rowExps, columnExps) = (rowSum, klRow, rowExp, columnExp)
            g.elements.withUnsafeMutableBufferPointer { gBuffer in
                nonisolated(unsafe) let gp = gBuffer
                RowParallelism.forEachChunk(rows: n, work: n * n) { _, range in
                    for i in range {
                        for j in 0..<n {
                            let qji = columnExps[i, j] / columnSums[j]
                            let mji = qji * (logits[i, j] - columnLSE[j] - logitsT[i, j] + rowLSE[j] - klRows[j])
                            gp[i * n + j] += factor * (mji + rowExps[i, j] / rowSums[i] - columnExpT[i, j] / columnSums[i])
                        }
                    }
                }
            }
        }
        return (sigmoidPart, kl, g)
    }

    /// log σ(z), stable for large |z|.
    @inline(__always)
    static func logSigmoid(_ z: Double) -> Double {
        z >= 0 ? -Double.logarithm(onePlus: Double.exponential(-z)) : z - Double.logarithm(onePlus: Double.exponential(z))
    }
}

/// The cosine schedule of the confidence penalty γ (docs/reference/contrastive-losses.md, "γ schedule"):
/// `γ(step) = ½(cos(π·step/N) + 1)·γ₀` for step ≤ N, and 0 after.
public struct CosineGammaSchedule: Sendable, Equatable {
    /// γ₀ at step 0 (the training script's `--gamma`, default 1).
    public var initial: Double
    /// N, the step at which γ reaches 0 (`--gamma_scaling_steps`, default 20000).
    public var steps: Int

    /// Creates the schedule.
    ///
    /// - Parameters:
    ///   - initial: γ₀ ≥ 0.
    ///   - steps: N ≥ 1.
    public init(initial: Double = 1, steps: Int = 20_000) {
        self.initial = initial
        self.steps = steps
    }

    /// γ at a 0-based global step.
    ///
    /// - Parameter step: The step, evaluated before its forward pass.
    /// - Returns: γ in [0, γ₀].
    public func value(at step: Int) -> Double {
        guard step <= steps else { return 0 }
        return 0.5 * (Double.cosine(Double.pi * Double(step) / Double(steps)) + 1) * initial
    }
}

/// The cosine schedule of the EMA target's momentum β (docs/reference/contrastive-losses.md, "β schedule"), computed in float32
/// as the original: `β(s) = 1 − (1 − β_base)·(cos(π·s/K) + 1)/2`.
public struct CosineEMASchedule: Sendable, Equatable {
    /// β_base (the training script's `--beta`, default 0.995).
    public var base: Double
    /// K, the step count over which β rises to 1 (`len(loader)·(epochs+2) − update_beta_after_step`).
    public var steps: Int

    /// Creates the schedule.
    ///
    /// - Parameters:
    ///   - base: β_base in [0, 1].
    ///   - steps: K ≥ 1.
    public init(base: Double = 0.995, steps: Int) {
        self.base = base
        self.steps = steps
    }

    /// β after the update at step s (float32 arithmetic, widened).
    ///
    /// - Parameter step: s ≥ 0.
    /// - Returns: β in [β_base, 1].
    public func value(at step: Int) -> Double {
        let factor = (Float.cosine(Float.pi * Float(step) / Float(steps)) + 1) / 2
        return Double(1 - (1 - Float(base)) * factor)
    }
}
