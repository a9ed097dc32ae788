/// Row-wise masked log-sum-exp and softmax: the one implementation every loss uses.
///
/// Both shift each row by its maximum over the included entries before exponentiating, so
/// large logits do not overflow.
extension Matrix {
    /// Row-wise `log Σ_{j ∈ mask_i} exp(self[i, j])`, max-shifted.
    ///
    /// - Parameter mask: Optional row-major `[n, m]` inclusion mask (`true` = included); `nil`
    ///   includes every entry. A row with no included entry gives `-∞`.
    /// - Returns: `n` values, in nats.
    @inlinable
    public func logSumExpRows(mask: [Bool]? = nil) -> [Scalar] {
        precondition(mask.map { $0.count == elements.count } ?? true, "logSumExpRows mask has \(mask?.count ?? 0) entries for a [\(rows), \(columns)] matrix")
        var result = [Scalar](repeating: -.infinity, count: rows)
        let m = columns
        elements.withUnsafeBufferPointer { x in
            for i in 0..<rows {
                var maximum = -Scalar.infinity
                for j in 0..<m where mask?[i * m + j] ?? true { maximum = Swift.max(maximum, x[i * m + j]) }
                if maximum == -.infinity { continue }
                if maximum == .infinity { result[i] = .infinity; continue }
                var sum: Scalar = 0
                for j in 0..<m where mask?[i * m + j] ?? true { sum += Scalar.exp(x[i * m + j] - maximum) }
                result[i] = maximum + Scalar.log(sum)
            }
        }
        return result
    }

    /// Row-wise softmax over the included entries; excluded entries are 0.
    ///
    /// `p[i, j] = exp(x[i, j] − max_i) / Σ_k exp(x[i, k] − max_i)` over included entries.
    /// Each row with at least one included entry sums to 1; a row with none is all zeros.
    ///
    /// - Parameter mask: Optional row-major `[n, m]` inclusion mask; `nil` includes all.
    /// - Returns: `[n, m]` probabilities.
    @inlinable
    public func softmaxRows(mask: [Bool]? = nil) -> Matrix {
        precondition(mask.map { $0.count == elements.count } ?? true, "softmaxRows mask has \(mask?.count ?? 0) entries for a [\(rows), \(columns)] matrix")
        var result = Matrix(rows: rows, columns: columns)
        let m = columns
        for i in 0..<rows {
            var maximum = -Scalar.infinity
            for j in 0..<m where mask?[i * m + j] ?? true { maximum = Swift.max(maximum, elements[i * m + j]) }
            if maximum == -.infinity { continue }
            var sum: Scalar = 0
            for j in 0..<m where mask?[i * m + j] ?? true {
                let e = Scalar.exp(elements[i * m + j] - maximum)
                result.elements[i * m + j] = e
                sum += e
            }
            for j in 0..<m { result.elements[i * m + j] /= sum }
        }
        return result
    }
}

extension Matrix {
    /// Row-wise masked softmax and log-sum-exp in one pass (one `exp` per included entry).
    ///
    /// Same results as `softmaxRows(mask:)` and `logSumExpRows(mask:)` together, for losses that
    /// need both (cross-entropy value and gradient).
    ///
    /// - Parameter mask: Optional row-major `[n, m]` inclusion mask; `nil` includes all.
    /// - Returns: `probabilities` (`[n, m]`, excluded entries 0) and `logSumExp` (n values, nats;
    ///   `-∞` for a row with no included entry).
    @inlinable
    public func softmaxAndLogSumExpRows(mask: [Bool]? = nil) -> (probabilities: Matrix, logSumExp: [Scalar]) {
        precondition(mask.map { $0.count == elements.count } ?? true, "softmaxAndLogSumExpRows mask has \(mask?.count ?? 0) entries for a [\(rows), \(columns)] matrix")
        var result = Matrix(rows: rows, columns: columns)
        var lse = [Scalar](repeating: -.infinity, count: rows)
        let m = columns
        elements.withUnsafeBufferPointer { x in
            result.elements.withUnsafeMutableBufferPointer { p in
                for i in 0..<rows {
                    let row = i * m
                    var maximum = -Scalar.infinity
                    if let mask {
                        for j in 0..<m where mask[row + j] { maximum = Swift.max(maximum, x[row + j]) }
                    } else {
                        for j in 0..<m { maximum = Swift.max(maximum, x[row + j]) }
                    }
                    if maximum == -.infinity { continue }
                    var sum: Scalar = 0
                    for j in 0..<m where mask?[row + j] ?? true {
                        let e = Scalar.exp(x[row + j] - maximum)
                        p[row + j] = e
                        sum += e
                    }
                    let inverse = 1 / sum
                    for j in 0..<m { p[row + j] *= inverse }
                    lse[i] = maximum + Scalar.log(sum)
                }
            }
        }
        return (result, lse)
    }
}

extension Matrix {
    /// Row-wise softmax and log-sum-exp of `scale·self` with up to two columns per row left out,
    /// in one pass per row, rows split over the processors for large matrices.
    ///
    /// The form the contrastive losses need: `self` is a cosine matrix `[n, m]`, `scale` is 1/T,
    /// and each row leaves out itself (and, for DCL, its positive). No logits matrix or mask is
    /// materialised. The row sums are accumulated in Double.
    ///
    /// - Parameters:
    ///   - scale: Multiplies every entry before the softmax (1/T); must be > 0 (the row
    ///     maximum is taken before scaling).
    ///   - probabilityScale: Multiplies every probability in the result (e.g. the 1/(2N·T) of a
    ///     mean loss's gradient); 1 for plain probabilities.
    ///   - excluded: Row index → the (up to) two columns left out of that row; pass −1 for none.
    ///     Must not throw or touch shared mutable state: it runs on several threads.
    /// - Returns: `probabilities` (`[n, m]`, `probabilityScale·softmax`, 0 at left-out entries) and
    ///   `logSumExp` (n values of `log Σ_{j kept} exp(scale·x_ij)`, nats, in Double; −∞ for a row
    ///   with nothing kept).
    @inlinable
    public func scaledSoftmaxAndLogSumExpRows(
        scale: Scalar, probabilityScale: Scalar = 1, excluding excluded: @Sendable (Int) -> (Int, Int)
    ) -> (probabilities: Matrix, logSumExp: [Double]) {
        var lse = [Double](repeating: -.infinity, count: rows)
        let (n, m) = (rows, columns)
        // Every element of every row is written below (zeros for a row with nothing kept).
        let result = Matrix(rows: n, columns: m) { p in
            elements.withUnsafeBufferPointer { x in
                lse.withUnsafeMutableBufferPointer { l in
                    // Each chunk writes only its own rows of p and l.
                    nonisolated(unsafe) let (xs, ps, ls) = (x, p, l)
                    RowParallelism.forEachChunk(rows: n, work: n * m) { _, rows in
                        for i in rows {
                            let row = i * m
                            let (e0, e1) = excluded(i)
                            if Scalar.self == Float.self {
                                let raw = UnsafeMutableRawPointer(ps.baseAddress! + row)
                                let (shift, sum) = scaledSoftmaxRowFloat(
                                    UnsafeRawPointer(xs.baseAddress! + row).assumingMemoryBound(to: Float.self), raw.assumingMemoryBound(to: Float.self),
                                    count: m, scale: scale as! Float, probabilityScale: probabilityScale as! Float, excluding: e0, e1)
                                if sum > 0 { ls[i] = Double(shift) + Double.log(sum) }
                                continue
                            }
                            var maximum = -Scalar.infinity
                            for j in 0..<m where j != e0 && j != e1 { maximum = Swift.max(maximum, xs[row + j]) }
                            if maximum == -.infinity {
                                for j in 0..<m { ps[row + j] = 0 }
                                continue
                            }
                            let shift = maximum * scale
                            var sum = 0.0
                            for j in 0..<m {
                                // Left-out entries are never exponentiated: a self-similarity
                                // far above the kept maximum would overflow.
                                if j == e0 || j == e1 { ps[row + j] = 0; continue }
                                let e = Scalar.exp(xs[row + j] * scale - shift)
                                ps[row + j] = e
                                sum += e.doubleValue
                            }
                            let factor = probabilityScale / Scalar(sum)
                            for j in 0..<m { ps[row + j] *= factor }
                            ls[i] = shift.doubleValue + Double.log(sum)
                        }
                    }
                }
            }
        }
        return (result, lse)
    }
}

/// One row of `Matrix.scaledSoftmaxAndLogSumExpRows` for Float data, eight lanes at a time
/// (`vectorExponential`); row sums accumulated in Double every 512 entries.
///
/// - Parameters:
///   - x: The row's `count` entries.
///   - p: Receives `probabilityScale·softmax(scale·x)` with the left-out entries 0 (all zeros
///     when nothing is kept).
///   - count: Row length.
///   - scale: > 0.
///   - probabilityScale: Multiplies the probabilities.
///   - e0: A left-out column or −1.
///   - e1: A left-out column or −1.
/// - Returns: The shift (scale·max over kept entries) and Σ exp(scale·x − shift) over kept
///   entries (0 when nothing is kept).
@inlinable
func scaledSoftmaxRowFloat(
    _ x: UnsafePointer<Float>, _ p: UnsafeMutablePointer<Float>, count m: Int, scale: Float, probabilityScale: Float,
    excluding e0: Int, _ e1: Int
) -> (shift: Float, sum: Double) {
    @inline(__always) func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }
    @inline(__always) func store(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Float>.self)
    }
    let vectorEnd = m & ~7
    // Maximum over kept entries; a chunk holding a left-out column is done one by one.
    var lanes = SIMD8<Float>(repeating: -.infinity)
    var maximum = -Float.infinity
    var j = 0
    while j < vectorEnd {
        if (e0 >= j && e0 < j + 8) || (e1 >= j && e1 < j + 8) {
            for k in j..<(j + 8) where k != e0 && k != e1 { maximum = Swift.max(maximum, x[k]) }
        } else {
            let v = load(x + j)
            lanes.replace(with: v, where: v .> lanes)
        }
        j += 8
    }
    for k in vectorEnd..<m where k != e0 && k != e1 { maximum = Swift.max(maximum, x[k]) }
    maximum = Swift.max(maximum, lanes.max())
    if maximum == -.infinity {
        for k in 0..<m { p[k] = 0 }
        return (0, 0)
    }
    let shift = maximum * scale
    // Exponentials (left-out entries are clamped to a finite value, then zeroed).
    j = 0
    while j < vectorEnd {
        store(vectorExponential(load(x + j) * scale - shift), p + j)
        j += 8
    }
    for k in vectorEnd..<m { p[k] = Float.exp(x[k] * scale - shift) }
    if e0 >= 0 { p[e0] = 0 }
    if e1 >= 0 { p[e1] = 0 }
    // Σ in Float lanes over blocks of 512, blocks added in Double.
    var sum = 0.0
    j = 0
    while j < vectorEnd {
        var partial = SIMD8<Float>()
        let blockEnd = Swift.min(vectorEnd, j + 512)
        while j < blockEnd {
            partial += load(p + j)
            j += 8
        }
        sum += Double(partial.sum())
    }
    for k in vectorEnd..<m { sum += Double(p[k]) }
    let factor = probabilityScale / Float(sum)
    j = 0
    while j < vectorEnd {
        store(load(p + j) * factor, p + j)
        j += 8
    }
    for k in vectorEnd..<m { p[k] *= factor }
    return (shift, sum)
}
