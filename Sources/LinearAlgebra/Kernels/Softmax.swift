import ProcessRuntime
import CVectorMath
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
                for j in 0..<m where mask?[i * m + j] ?? true { sum += Scalar.exponential(x[i * m + j] - maximum) }
                result[i] = maximum + Scalar.logarithm(sum)
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
                let e = Scalar.exponential(elements[i * m + j] - maximum)
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
                        let e = Scalar.exponential(x[row + j] - maximum)
                        p[row + j] = e
                        sum += e
                    }
                    let inverse = 1 / sum
                    for j in 0..<m { p[row + j] *= inverse }
                    lse[i] = maximum + Scalar.logarithm(sum)
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
                                let (shift, sum) = VectorMath.scaledSoftmaxRow(
                                    UnsafeRawPointer(xs.baseAddress! + row).assumingMemoryBound(to: Float.self),
                                    into: UnsafeMutableRawPointer(ps.baseAddress! + row).assumingMemoryBound(to: Float.self),
                                    count: m, scale: scale as! Float, probabilityScale: probabilityScale as! Float, excluding: e0, e1)
                                if sum > 0 { ls[i] = Double(shift) + Double.logarithm(sum) }
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
                                let e = Scalar.exponential(xs[row + j] * scale - shift)
                                ps[row + j] = e
                                sum += e.doubleValue
                            }
                            let factor = probabilityScale / Scalar(sum)
                            for j in 0..<m { ps[row + j] *= factor }
                            ls[i] = shift.doubleValue + Double.logarithm(sum)
                        }
                    }
                }
            }
        }
        return (result, lse)
    }
}

extension Matrix {
    /// The symmetrised gradient form of row softmaxes of a symmetric matrix, in place: for a
    /// square X (a cosine or Gram matrix, symmetric up to rounding) and the row softmaxes
    /// `P_r = softmax_c(scale·X_rc)` over the kept entries, overwrites X with
    /// `W_rc = k·(α_r·P_rc + α_c·P_cr)` (0 at left-out entries) and returns the row log-sum-exps.
    ///
    /// This is `G + Gᵀ` for `G = k·diag(α)·P`, the part of a softmax cross-entropy's ∂L/∂S that
    /// the cosine backward needs, without a transpose: when `2·scale·bound ≤ 80` one shared
    /// shift `scale·bound` lets a single table `E_rc = exp(scale·X_rc − shift)` serve rows and
    /// columns (`P_cr = E_rc/s_c`, with X's rounding-level asymmetry ignored), so
    /// `W_rc = E_rc·(kα_r/s_r + kα_c/s_c)`: two in-place passes over rows. For larger spreads
    /// (temperatures below about 2·bound/80) each row gets its own shift and W is formed with a
    /// tiled transposed sum. Float data runs the `VectorMath` kernels; rows over the processors.
    ///
    /// - Parameters:
    ///   - scale: > 0 (1/T).
    ///   - bound: An upper bound of |X_rc| (1 for cosines, the largest squared row norm for a
    ///     Gram matrix).
    ///   - probabilityScale: k.
    ///   - rowWeights: α (n values), or nil for all ones.
    ///   - excluded: Row → up to two left-out columns (−1 for none); the pattern must be
    ///     symmetric (c left out of row r exactly when r is left out of row c). Runs on several
    ///     threads: must not touch shared mutable state.
    /// - Returns: `log Σ_kept exp(scale·X_rc)` per row, in nats (−∞ for a row with nothing kept).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func symmetrizeSoftmaxRows(
        scale: Scalar, bound: Scalar, probabilityScale k: Scalar, rowWeights: [Scalar]? = nil,
        excluding excluded: @Sendable (Int) -> (Int, Int)
    ) -> [Double] {
        precondition(rows == columns, "symmetrizeSoftmaxRows needs a square matrix, got [\(rows), \(columns)]")
        precondition(rowWeights == nil || rowWeights!.count == rows, "one row weight per row")
        let n = rows
        if 2 * scale * bound > 80 {
            // Row shifts: softmax rows, weighted, then the tiled transposed sum.
            var (p, lse) = scaledSoftmaxAndLogSumExpRows(scale: scale, probabilityScale: k, excluding: excluded)
            if let rowWeights { for r in 0..<n { for c in 0..<n { p[r, c] *= rowWeights[r] } } }
            p.addTranspose()
            self = p
            return lse
        }
        let shift = scale * bound
        let sums = exponentiateRows(scale: scale, shift: shift, excluding: excluded)
        multiplyByRowPlusColumnFactors((0..<n).map { r in sums[r] > 0 ? k * (rowWeights?[r] ?? 1) / Scalar(sums[r]) : 0 })
        return sums.map { $0 > 0 ? shift.doubleValue + Double.logarithm($0) : -.infinity }
    }

    /// In place, row by row: `x_rc ← exp(scale·max(x_rc, floor) − shift)`, 0 at the (up to two)
    /// left-out columns of each row. Float data runs `VectorMath.exponentialSum`; rows over the
    /// processors.
    ///
    /// - Parameters:
    ///   - scale: Multiplies the clamped entries.
    ///   - shift: Subtracted after scaling (chosen by the caller so that nothing overflows).
    ///   - floor: Lower clamp of the entries, default −∞ (none).
    ///   - excluded: Row → up to two left-out columns (−1 for none); runs on several threads.
    /// - Returns: Each row's sum of the new entries, in Double.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func exponentiateRows(
        scale: Scalar, shift: Scalar, floor: Scalar = -.infinity, excluding excluded: @Sendable (Int) -> (Int, Int) = { _ in (-1, -1) }
    ) -> [Double] {
        let (n, m) = (rows, columns)
        var sums = [Double](repeating: 0, count: n)
        elements.withUnsafeMutableBufferPointer { xBuffer in
            sums.withUnsafeMutableBufferPointer { sBuffer in
                nonisolated(unsafe) let (x, s) = (xBuffer, sBuffer)
                RowParallelism.forEachChunk(rows: n, work: n * m) { _, range in
                    for r in range {
                        let (e0, e1) = excluded(r)
                        let row = x.baseAddress! + r * m
                        if Scalar.self == Float.self {
                            let floats = UnsafeMutableRawPointer(row).assumingMemoryBound(to: Float.self)
                            s[r] = VectorMath.exponentialSum(
                                floats, into: floats, count: m, scale: scale as! Float, shift: shift as! Float, floor: floor as! Float, excluding: e0, e1)
                            continue
                        }
                        var sum = 0.0
                        for c in 0..<m {
                            let e = c == e0 || c == e1 ? 0 : Scalar.exponential(scale * Swift.max(row[c], floor) - shift)
                            row[c] = e
                            sum += e.doubleValue
                        }
                        s[r] = sum
                    }
                }
            }
        }
        return sums
    }

    /// In place on a square matrix: `x_rc ← x_rc·(u_r + u_c)`, the symmetrised form of a gradient
    /// whose entries are `x_rc·u_c` (or `x_rc·u_r`) on a symmetric x. Float data runs
    /// `VectorMath.scaleByRowPlusColumn`; rows over the processors.
    ///
    /// - Parameter u: n factors.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func multiplyByRowPlusColumnFactors(_ u: [Scalar]) {
        precondition(rows == columns && u.count == rows, "multiplyByRowPlusColumnFactors: [\(rows), \(columns)] with \(u.count) factors")
        let n = rows
        elements.withUnsafeMutableBufferPointer { xBuffer in
            u.withUnsafeBufferPointer { uBuffer in
                nonisolated(unsafe) let (x, f) = (xBuffer, uBuffer)
                RowParallelism.forEachChunk(rows: n, work: n * n) { _, range in
                    for r in range {
                        let row = x.baseAddress! + r * n
                        if Scalar.self == Float.self {
                            VectorMath.scaleByRowPlusColumn(
                                UnsafeMutableRawPointer(row).assumingMemoryBound(to: Float.self), count: n, rowFactor: f[r] as! Float,
                                columnFactors: UnsafeRawPointer(f.baseAddress!).assumingMemoryBound(to: Float.self))
                            continue
                        }
                        for c in 0..<n { row[c] *= f[r] + f[c] }
                    }
                }
            }
        }
    }

    /// `self ← self + selfᵀ` in place, for a square matrix: the pairs of tiles (I, J), (J, I)
    /// are each read and written once (16 × 16 tiles transposed in registers for Float, in
    /// `CVectorMath`; 64 × 64 blocks for Double), over the processors for large matrices.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func addTranspose() {
        precondition(rows == columns, "addTranspose needs a square matrix, got [\(rows), \(columns)]")
        let n = rows
        guard n > 0 else { return }
        let tile = Scalar.self == Float.self ? 16 : 64
        let level = VectorMath.best.rawValue
        elements.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let a = buffer.baseAddress!
            RowParallelism.forEachTilePanel(panels: (n + tile - 1) / tile, work: n * n) { _, panel in
                let i0 = panel * tile
                if Scalar.self == Float.self {
                    CVectorMath_addTransposePanel(level, UnsafeMutableRawPointer(a).assumingMemoryBound(to: Float.self), n, i0)
                    return
                }
                for j0 in Swift.stride(from: i0, to: n, by: tile) {
                    for i in i0..<Swift.min(i0 + tile, n) {
                        for j in Swift.max(j0, j0 == i0 ? i : j0)..<Swift.min(j0 + tile, n) {
                            let sum = a[i * n + j] + a[j * n + i]
                            a[i * n + j] = sum
                            a[j * n + i] = sum
                        }
                    }
                }
            }
        }
    }
}
