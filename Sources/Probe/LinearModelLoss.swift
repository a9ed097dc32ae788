import ProcessRuntime
public import LinearAlgebra

/// scikit-learn's L2-regularised multinomial logistic objective, evaluated fused and row-blocked.
///
/// For features X (`[n, d]` row-major, Float or Double), labels y in `0..<K`, sample weights s
/// (S = Σ s) and parameters W (`[K, d]`, class-major: row k holds class k's weights) and b (K):
/// `f(W, b) = (1/S)·Σ_i s_i·(lse(z_i) − z_{i,y_i}) + ‖W‖²_F / (2·C·S)` with `z_i = W x_i + b`,
/// in nats; the intercept is not penalised (sklearn 1.9 `LinearModelLoss`, docs/reference/linear-probe.md, "Objective").
/// Gradient: `∇W = Rᵀ X + W/(C·S)`, `∇b = Rᵀ 1`, `R = diag(s)(P − Y)/S`.
///
/// Parameter layout of the flat vector the optimiser sees: `[W row-major (K·d), b (K)]`,
/// intercepts last. One evaluation reads X once: for each block of rows, `Z_B = X_B Wᵀ + b`, the
/// max-shifted softmax and residual in place, then `∇W += R_Bᵀ X_B` (two products per block in
/// X's precision: the `SkinnyProducts` kernels for Float data with K ≤ 32 on AVX-512/AVX2
/// processors, BLAS GEMMs otherwise; loss and intercept gradient accumulated in Double).
public struct LinearModelLoss<Scalar: BLASScalar>: Sendable {
    /// Features `[n, d]`.
    public let features: Matrix<Scalar>
    /// Class indices, n entries in `0..<classCount`.
    public let labels: [Int]
    /// Number of classes K ≥ 2.
    public let classCount: Int
    /// Sample weights s (n entries; all 1 without class weights).
    public let sampleWeights: [Double]
    /// Inverse regularisation strength C > 0.
    public let inverseRegularization: Double
    /// Rows per block of the fused evaluation with OpenBLAS (512: the best in docs/reference/linear-probe.md, "Row blocking").
    public static var blockRows: Int { 512 }
    /// Rows per block with the `SkinnyProducts` kernels: 64 rows of a 2048-wide float32 matrix
    /// (512 KB) stay in L2 between the two products.
    public static var vectorizedBlockRows: Int { 64 }

    /// Creates the objective.
    ///
    /// - Parameters:
    ///   - features: `[n, d]`.
    ///   - labels: n class indices.
    ///   - classCount: K.
    ///   - sampleWeights: n weights (default all 1).
    ///   - inverseRegularization: C.
    public init(features: Matrix<Scalar>, labels: [Int], classCount: Int, sampleWeights: [Double]? = nil, inverseRegularization: Double) {
        precondition(labels.count == features.rows, "LinearModelLoss: \(labels.count) labels for \(features.rows) rows")
        self.features = features
        self.labels = labels
        self.classCount = classCount
        self.sampleWeights = sampleWeights ?? Array(repeating: 1, count: labels.count)
        self.inverseRegularization = inverseRegularization
    }

    /// Number of parameters, `K·(d + 1)`.
    public var parameterCount: Int { classCount * (features.columns + 1) }

    /// The objective and its gradient at `parameters` (layout `[W (K·d), b (K)]`).
    ///
    /// - Parameters:
    ///   - parameters: `K·(d+1)` values.
    ///   - gradient: Receives `K·(d+1)` values.
    /// - Returns: f, in nats.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func lossAndGradient(_ parameters: [Double], gradient: inout [Double]) -> Double {
        let n = features.rows, d = features.columns, k = classCount
        let weightSum = sampleWeights.reduce(0, +)
        let lambda = 1 / (inverseRegularization * weightSum)
        var w = [Scalar](repeating: 0, count: k * d)
        for i in 0..<(k * d) { w[i] = Scalar(parameters[i]) }
        let bias = Array(parameters[(k * d)...])
        // Float data, K ≤ 32 and AVX-512 or AVX2: the register-tiled kernels; otherwise OpenBLAS.
        let vectorized = Scalar.self == Float.self && SkinnyProducts.best != nil && k <= SkinnyProducts.largestK && d > 0
        let block = vectorized ? Self.vectorizedBlockRows : Self.blockRows
        // Float data with more classes than the skinny kernels take: the softmax's exponentials
        // (n·K per evaluation) are a third of the time at K = 1000 in scalar Double code.
        let fastSoftmax = Scalar.self == Float.self && !vectorized && k > SkinnyProducts.largestK
        let floatBias = bias.map { Float($0) }
        let blockCount = (n + block - 1) / block
        // Large problems: blocks are split over the workers, each with one-thread BLAS and its
        // own gradient buffer (no BLAS thread hand-off per small GEMM); small ones use one worker.
        let workers = n * d * k >= Self.parallelThreshold ? Swift.max(1, Swift.min(WorkerPool.parallelism, blockCount)) : 1
        var partialW = [[Scalar]](repeating: [Scalar](repeating: 0, count: k * d), count: workers)
        var partialB = [[Double]](repeating: [Double](repeating: 0, count: k), count: workers)
        var partialLoss = [Double](repeating: 0, count: workers)
        // Several workers: one-thread BLAS in each (no BLAS thread hand-off per small GEMM).
        func accumulate() {
            features.elements.withUnsafeBufferPointer { x in
                w.withUnsafeBufferPointer { wBuffer in
                    partialW.withUnsafeMutableBufferPointer { pw in
                        partialB.withUnsafeMutableBufferPointer { pb in
                            partialLoss.withUnsafeMutableBufferPointer { pl in
                                // Each worker writes only its own slot of the partial buffers.
                                nonisolated(unsafe) let (xs, ws, pws, pbs, pls) = (x, wBuffer, pw, pb, pl)
                                WorkerPool.run(iterations: workers) { worker in
                                    var z = [Scalar](repeating: 0, count: block * k)
                                    let zeros = [Float](repeating: 0, count: vectorized ? d : 0)
                                    var scratch = [Float](repeating: 0, count: vectorized ? 10 * block : 0)
                                    var exponentials = [Double](repeating: 0, count: k)
                                    var loss = 0.0
                                    var gradientB = [Double](repeating: 0, count: k)
                                    pws[worker].withUnsafeMutableBufferPointer { gwBuffer in
                                        z.withUnsafeMutableBufferPointer { zBuffer in
                                            guard let xBase = xs.baseAddress, let wBase = ws.baseAddress, let gwBase = gwBuffer.baseAddress,
                                                let zBase = zBuffer.baseAddress
                                            else { return }
                                            for b in stride(from: worker, to: blockCount, by: workers) {
                                                let start = b * block
                                                let rows = Swift.min(block, n - start)
                                                // Z_B = X_B Wᵀ (the bias is added below). Sizes fit BLAS's
                                                // 32-bit integers: the data were validated and a block
                                                // has ≤ 512 rows.
                                                if vectorized {
                                                    zeros.withUnsafeBufferPointer { zeroBuffer in
                                                        SkinnyProducts.rowsTimesTransposed(
                                                            Self.floats(xBase + start * d), rows: rows, d: d, Self.floats(wBase), k: k,
                                                            into: Self.mutableFloats(zBase), zeros: zeroBuffer.baseAddress!)
                                                    }
                                                } else {
                                                    try? Scalar.gemm(
                                                        transposeA: false, transposeB: true, m: rows, n: k, k: d, alpha: 1, a: xBase + start * d,
                                                        lda: d, b: wBase, ldb: d, beta: 0, c: zBase, ldc: k)
                                                }
                                                if fastSoftmax {
                                                    // Float logits, many classes: the vectorised row softmax
                                                    // (one exp per entry, row sums in Double), then the
                                                    // residual s·(P − Y) in place.
                                                    let zFloats = Self.mutableFloats(zBase)
                                                    for i in 0..<rows {
                                                        let row = start + i
                                                        let s = sampleWeights[row] / weightSum
                                                        let z = zFloats + i * k
                                                        for c in 0..<k { z[c] += floatBias[c] }
                                                        let y = labels[row]
                                                        let trueLogit = Double(z[y])
                                                        let (shift, sum) = VectorMath.scaledSoftmaxRow(
                                                            z, into: z, count: k, scale: 1, probabilityScale: Float(s), excluding: -1, -1)
                                                        loss += s * (Double(shift) + Double.logarithm(sum) - trueLogit)
                                                        z[y] -= Float(s)
                                                        for c in 0..<k { gradientB[c] += Double(z[c]) }
                                                    }
                                                }
                                                for i in 0..<(fastSoftmax ? 0 : rows) {
                                                    let row = start + i
                                                    let s = sampleWeights[row] / weightSum
                                                    var maximum = -Double.infinity
                                                    for c in 0..<k {
                                                        zBuffer[i * k + c] += Scalar(bias[c])
                                                        maximum = Swift.max(maximum, zBuffer[i * k + c].doubleValue)
                                                    }
                                                    var sum = 0.0
                                                    for c in 0..<k {
                                                        exponentials[c] = Double.exponential(zBuffer[i * k + c].doubleValue - maximum)
                                                        sum += exponentials[c]
                                                    }
                                                    let y = labels[row]
                                                    let logSum = Double.logarithm(sum)
                                                    loss += s * (logSum - (zBuffer[i * k + y].doubleValue - maximum))
                                                    let inverseSum = 1 / sum
                                                    for c in 0..<k {
                                                        var r = exponentials[c] * inverseSum
                                                        if c == y { r -= 1 }
                                                        r *= s
                                                        gradientB[c] += r
                                                        zBuffer[i * k + c] = Scalar(r)
                                                    }
                                                }
                                                // ∇W += R_Bᵀ X_B while X_B is still in cache.
                                                if vectorized {
                                                    scratch.withUnsafeMutableBufferPointer { scratchBuffer in
                                                        SkinnyProducts.accumulateTransposedTimesRows(
                                                            Self.floats(UnsafePointer(zBase)), rows: rows, k: k, Self.floats(xBase + start * d), d: d,
                                                            into: Self.mutableFloats(gwBase), scratch: scratchBuffer.baseAddress!)
                                                    }
                                                } else {
                                                    try? Scalar.gemm(
                                                        transposeA: true, transposeB: false, m: k, n: d, k: rows, alpha: 1, a: zBase, lda: k,
                                                        b: xBase + start * d, ldb: d, beta: 1, c: gwBase, ldc: d)
                                                }
                                            }
                                        }
                                    }
                                    pls[worker] = loss
                                    pbs[worker] = gradientB
                                }
                            }
                        }
                    }
                }
            }
        }
        if workers > 1 { BLASThreads.withSingleThreadedBLAS(accumulate) } else { accumulate() }
        var penalty = 0.0
        for i in 0..<(k * d) {
            penalty += parameters[i] * parameters[i]
            var sum = 0.0
            for worker in 0..<workers { sum += partialW[worker][i].doubleValue }
            gradient[i] = sum + lambda * parameters[i]
        }
        for c in 0..<k { gradient[k * d + c] = (0..<workers).reduce(0.0) { $0 + partialB[$1][c] } }
        return partialLoss.reduce(0, +) + 0.5 * lambda * penalty
    }

    /// The same memory seen as Float (only called when `Scalar` is Float).
    @inline(__always)
    private static func floats(_ pointer: UnsafePointer<Scalar>) -> UnsafePointer<Float> {
        UnsafeRawPointer(pointer).assumingMemoryBound(to: Float.self)
    }

    /// The same memory seen as Float (only called when `Scalar` is Float).
    @inline(__always)
    private static func mutableFloats(_ pointer: UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Float.self)
    }

    /// Multiply-adds per GEMM (n·d·K) above which blocks are split over the cores: 10 M, where
    /// the second core paid off in docs/reference/linear-probe.md, "Threads" (digits, 0.9 M, is 10× slower on two).
    public static var parallelThreshold: Int { 10_000_000 }

    /// The class probabilities of rows of `features` under parameters `[W, b]`.
    ///
    /// - Parameters:
    ///   - features: `[m, d]`.
    ///   - parameters: `K·(d+1)` values.
    ///   - k: The class count K (label `classCount`).
    /// - Returns: `[m, K]` probabilities (max-shifted softmax of `X Wᵀ + b`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func probabilities(of features: Matrix<Scalar>, parameters: [Double], classCount k: Int) -> Matrix<Double> {
        let d = features.columns, n = features.rows
        let w = Matrix<Scalar>(rows: k, columns: d, elements: parameters[0..<(k * d)].map { Scalar($0) })
        var result = Matrix<Double>(rows: n, columns: k)
        // Row blocks in the features' precision: no Double copy of a large feature matrix.
        var start = 0
        while start < n {
            let rows = Swift.min(blockRows, n - start)
            let block = Matrix(rows: rows, columns: d, elements: Array(features.elements[(start * d)..<((start + rows) * d)]))
            // Sizes were validated on load; a block has at most 512 rows.
            let z = (try? Matrix.product(block, w, transposingRight: true)) ?? Matrix(rows: rows, columns: k)
            var logits = Matrix<Double>(rows: rows, columns: k)
            for i in 0..<rows { for c in 0..<k { logits[i, c] = z[i, c].doubleValue + parameters[k * d + c] } }
            let p = logits.softmaxRows()
            for i in 0..<(rows * k) { result.elements[start * k + i] = p.elements[i] }
            start += rows
        }
        return result
    }

}
