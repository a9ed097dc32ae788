import LinearAlgebra
import ProcessRuntime
import ScalarLogging

/// The value and gradients of one CLOC evaluation.
struct OrdinalContrastiveResult<Scalar: BLASScalar>: Sendable {
    /// The loss (Double, as the original's float64 result).
    public var loss: Double
    /// ∂loss/∂embeddings, `[N, D]` row-major.
    public var embeddingGradient: Matrix<Scalar>
    /// ∂loss/∂θ for the learnable raw margins only, in margin order (fixed margins get none).
    public var learnableMarginGradient: [Double]
    /// ∂loss/∂θ for every raw margin, as if all were learnable (for parity checks).
    public var allMarginGradient: [Double]
    /// Per-anchor hinge sums Σ_p Σ_n max(0, z_apn) (before normalisation), N entries.
    public var anchorHingeSums: [Double]
}

extension OrdinalContrastiveLoss {
    /// Evaluates the loss and its gradients on a batch, and logs the margins when `step` is set.
    ///
    /// Complexity O(N²·D) for the similarity products (BLAS) plus O(N²) expected (O(N²·log N)
    /// worst case) for the hinge sums (per anchor: a bucketed sort of the positives'
    /// similarities, then a rank query and prefix sums per negative), O(N²) memory; anchors are
    /// spread over the available cores.
    ///
    /// - Parameters:
    ///   - embeddings: `[N, D]` row-major, N ≥ 1 (for CLOC usually the classifier logits).
    ///   - labels: N class indices in `0..<classCount`.
    ///   - step: Global step; when set and a logger is attached, each margin δ is logged.
    /// - Returns: Loss, ∂loss/∂embeddings (`[N, D]`) and ∂loss/∂θ.
    /// - Throws: `LossError` for bad input; what the logger throws.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward<Scalar: BLASScalar>(embeddings: Matrix<Scalar>, labels: [Int], step: Int? = nil) throws -> OrdinalContrastiveResult<Scalar> {
        let n = embeddings.rows
        guard n > 0 else { throw LossError.emptyBatch }
        guard labels.count == n else {
            throw LossError.shapeMismatch(what: "labels", expected: "\(n) labels (one per row)", actual: "\(labels.count)")
        }
        for (index, label) in labels.enumerated() where label < 0 || label >= classCount {
            throw LossError.labelOutOfRange(index: index, label: label, classCount: classCount)
        }
        if let index = embeddings.elements.firstIndex(where: { !$0.isFinite }) {
            throw LossError.nonFiniteInput(what: "embeddings", index: index)
        }
        try logMargins(step: step)

        let c = classCount
        let delta = margins
        // Class positions and the class margin matrix m(c, c′) = |pos_c − pos_c′|.
        var position = [Double](repeating: 0, count: c)
        for k in 1..<max(1, c) {
            // Single-margin positions are float32 sums, as in the original.
            position[k] = variant == .multiMargin ? position[k - 1] + delta[k - 1] : Double(Float(position[k - 1]) + Float(delta[0]))
        }
        var classMargin = [Double](repeating: 0, count: c * c)
        for i in 0..<c { for j in 0..<c { classMargin[i * c + j] = abs(position[i] - position[j]) } }

        let marginTable = classMargin
        let epsilon = Scalar(Self.cosineEpsilon)
        let (unit, norms) = embeddings.normalizedRows(epsilon: epsilon)
        let similarity = try unit.gram()
        var weightGradient = Matrix<Scalar>(rows: n, columns: n)  // G of docs/reference/cloc.md, "Gradients"
        var hingeSums = [Double](repeating: 0, count: n)
        var perAnchorLoss = [Double](repeating: 0, count: n)
        let squaredNegatives = reduction == .original
        let chunkCount = Swift.min(n, 4 * Swift.max(1, WorkerPool.parallelism))
        var classPairGradient = [Double](repeating: 0, count: chunkCount * c * c)  // Σ G_an per (t_a, t_n)

        similarity.elements.withUnsafeBufferPointer { sBuffer in
            weightGradient.elements.withUnsafeMutableBufferPointer { gBuffer in
                hingeSums.withUnsafeMutableBufferPointer { hingeBuffer in
                    perAnchorLoss.withUnsafeMutableBufferPointer { lossBuffer in
                        classPairGradient.withUnsafeMutableBufferPointer { pairBuffer in
                            // Workers write disjoint rows of G, disjoint anchor slots and their own
                            // chunk's class-pair block: no two iterations touch the same memory.
                            nonisolated(unsafe) let s = sBuffer
                            nonisolated(unsafe) let g = gBuffer
                            nonisolated(unsafe) let hinge = hingeBuffer
                            nonisolated(unsafe) let anchorLoss = lossBuffer
                            nonisolated(unsafe) let pair = pairBuffer
                            WorkerPool.run(iterations: chunkCount) { chunk in
                                labels.withUnsafeBufferPointer { labelBuffer in
                                marginTable.withUnsafeBufferPointer { marginBuffer in
                                var scratch = AnchorScratch(capacity: n)
                                let start = chunk * n / chunkCount
                                let end = (chunk + 1) * n / chunkCount
                                for a in start..<end {
                                    let (sum, value) = Self.evaluateAnchor(
                                        a, n: n, labels: labelBuffer, classCount: c, classMargin: marginBuffer, similarity: s,
                                        gradient: g, pairGradient: pair, pairOffset: chunk * c * c,
                                        squaredNegatives: squaredNegatives, scratch: &scratch)
                                    hinge[a] = sum
                                    anchorLoss[a] = value
                                }
                                }
                                }
                            }
                        }
                    }
                }
            }
        }
        let loss = perAnchorLoss.reduce(0, +) / Double(n)

        // ∂L/∂X through S = U Uᵀ and the normalisation (the shared cosine backward).
        let embeddingGradient = try Matrix.cosineSimilaritiesBackward(similarityGradient: consume weightGradient, unit: unit, norms: norms, epsilon: epsilon)

        // ∂L/∂δ_k = Σ over class pairs (c, c′) spanning boundary k of Σ G_an; then ∂L/∂θ.
        var pairTotals = [Double](repeating: 0, count: c * c)
        for chunk in 0..<chunkCount { for i in 0..<(c * c) { pairTotals[i] += classPairGradient[chunk * c * c + i] } }
        var all: [Double]
        switch variant {
        case .multiMargin:
            all = [Double](repeating: 0, count: rawMargins.count)
            for ca in 0..<c {
                for cn in 0..<c where ca != cn {
                    let total = pairTotals[ca * c + cn]
                    if total == 0 { continue }
                    for k in Swift.min(ca, cn)..<Swift.max(ca, cn) { all[k] += total }
                }
            }
        case .singleMargin:
            var total = 0.0
            for ca in 0..<c { for cn in 0..<c { total += pairTotals[ca * c + cn] * Double(abs(ca - cn)) } }
            all = [total]
        }
        for k in all.indices { all[k] *= Softplus.derivative(rawMargins[k]) }
        let learnable = zip(all, isLearnable).compactMap { $1 ? $0 : nil }
        return OrdinalContrastiveResult(
            loss: loss, embeddingGradient: embeddingGradient, learnableMarginGradient: learnable, allMarginGradient: all,
            anchorHingeSums: hingeSums)
    }

    /// Logs every margin δ under its tag when a logger is attached and `step` is set.
    private func logMargins(step: Int?) throws {
        guard let logger, let step else { return }
        for (tag, value) in zip(marginTags, margins) { try logger.logScalar(tag: tag, value: value, step: step) }
    }

    /// Reusable per-worker buffers.
    struct AnchorScratch {
        var prefix: [Double]  // prefix[k] = Σ_{i < k} s_(i), the sorted positives
        var histogram: [Int]  // histogram[L] = #negatives with L positives below their v_n
        var positiveValues: [Double]  // s_p in batch order
        var positiveIndex: [Int]
        var negativeIndex: [Int]
        var negativeRank: [Int]  // L_n per negative, in batch order
        var index = BucketedSortedValues()  // the positives, sorted, with O(1) expected rank queries

        init(capacity: Int) {
            prefix = [Double](repeating: 0, count: capacity + 1)
            histogram = [Int](repeating: 0, count: capacity + 2)
            positiveValues = []
            positiveValues.reserveCapacity(capacity)
            positiveIndex = []
            positiveIndex.reserveCapacity(capacity)
            negativeIndex = []
            negativeIndex.reserveCapacity(capacity)
            negativeRank = []
            negativeRank.reserveCapacity(capacity)
        }
    }

    /// Hinge sum of anchor `a` and its row of G (docs/reference/cloc.md, "Gradients"); returns (hinge sum, ℓ_a).
    ///
    /// With s_p = S_ap sorted ascending (q values) and v_n = S_an + m(t_a, t_n), a negative's
    /// active positives are those with s_p < v_n: `L_n` of them, found in the bucketed index, so
    /// Σ_p max(0, v_n − s_p) = L_n·v_n − Σ_{k < L_n} s_(k) (prefix sums) and G_an = w·L_n.
    /// A positive p is active with the negatives whose `L_n ≥ U_p`, `U_p` = #{s ≤ s_p}
    /// (upper bound), so G_ap = −w·#{n : L_n ≥ U_p} from suffix sums of a histogram of L_n.
    /// Ties (v_n = s_p) contribute nothing, as ReLU(0) with gradient 0. Only the positives are
    /// sorted (bucketed, `BucketedSortedValues`): O(q + c) expected per anchor, O(q log q +
    /// c log q) worst case.
    @inline(__always)
    static func evaluateAnchor<Scalar: BLASScalar>(
        _ a: Int, n: Int, labels: UnsafeBufferPointer<Int>, classCount c: Int, classMargin: UnsafeBufferPointer<Double>,
        similarity s: UnsafeBufferPointer<Scalar>, gradient g: UnsafeMutableBufferPointer<Scalar>,
        pairGradient pair: UnsafeMutableBufferPointer<Double>, pairOffset: Int, squaredNegatives: Bool, scratch: inout AnchorScratch
    ) -> (Double, Double) {
        let ta = labels[a]
        scratch.positiveValues.removeAll(keepingCapacity: true)
        scratch.positiveIndex.removeAll(keepingCapacity: true)
        scratch.negativeIndex.removeAll(keepingCapacity: true)
        let row = a * n
        for j in 0..<n where labels[j] == ta && j != a {
            scratch.positiveValues.append(s[row + j].doubleValue)
            scratch.positiveIndex.append(j)
        }
        let q = scratch.positiveIndex.count
        let negativeCount = n - q - 1
        if q == 0 || negativeCount == 0 { return (0, 0) }
        let weight = 1 / (Double(n) * Double(q) * Double(negativeCount) * (squaredNegatives ? Double(negativeCount) : 1))
        scratch.positiveValues.withUnsafeBufferPointer { scratch.index.build(from: $0) }
        var hinge = 0.0
        let index = scratch.index
        scratch.prefix.withUnsafeMutableBufferPointer { prefix in
            scratch.histogram.withUnsafeMutableBufferPointer { histogram in
                index.sorted.withUnsafeBufferPointer { sorted in
                    prefix[0] = 0
                    for k in 0..<q { prefix[k + 1] = prefix[k] + sorted[k] }
                    for k in 0...q { histogram[k] = 0 }
                    let marginRow = ta * c
                    for j in 0..<n {
                        let tj = labels[j]
                        if tj == ta { continue }
                        let v = s[row + j].doubleValue + classMargin[marginRow + tj]
                        let active = index.countLess(than: v)
                        hinge += Double(active) * v - prefix[active]
                        histogram[active] += 1
                        let value = weight * Double(active)
                        g[row + j] = Scalar(value)
                        pair[pairOffset + marginRow + tj] += value
                    }
                    // histogram[k] ← #negatives with L_n ≥ k (suffix sums).
                    var running = 0
                    for k in stride(from: q, through: 0, by: -1) {
                        running += histogram[k]
                        histogram[k] = running
                    }
                    for (k, p) in scratch.positiveIndex.enumerated() {
                        let rank = index.countLessOrEqual(to: scratch.positiveValues[k])
                        g[row + p] = Scalar(-weight * Double(histogram[rank]))
                    }
                }
            }
        }
        return (hinge, hinge * weight * Double(n))
    }
}
