import ProcessRuntime

/// Swift-named matrix operations over the BLAS/LAPACK wrappers of `BLAS.swift`.
///
/// Losses, the probe and the training substrate call these instead of repeating count
/// conversions, leading dimensions and nested pointer closures.
extension Matrix {
    /// The product `scale · op(left) · op(right)`.
    ///
    /// `op(X)` is `X` or its transpose. With `op(left)` of shape `[m, k]` and `op(right)` of
    /// shape `[k, n]`, the result is `[m, n]`. Calls `cblas_?gemm` through `BLASScalar.gemm`.
    ///
    /// - Parameters:
    ///   - left: Left factor.
    ///   - right: Right factor.
    ///   - transposingLeft: Use `leftᵀ`.
    ///   - transposingRight: Use `rightᵀ`.
    ///   - scale: α, default 1.
    /// - Returns: The `[m, n]` product.
    /// - Throws: `LinearAlgebraError.dimensionTooLarge` for sizes beyond `Int32.max`.
    @inlinable
    public static func product(
        _ left: Matrix, _ right: Matrix, transposingLeft: Bool = false,
        transposingRight: Bool = false, scale: Scalar = 1
    ) throws(LinearAlgebraError) -> Matrix {
        let m = transposingLeft ? left.columns : left.rows
        let n = transposingRight ? right.rows : right.columns
        let k = transposingLeft ? left.rows : left.columns
        if m == 0 || n == 0 || k == 0 {
            var result = Matrix(rows: m, columns: n)
            try result.addProduct(
                left, right, transposingLeft: transposingLeft, transposingRight: transposingRight,
                scale: scale, keeping: 0)
            return result
        }
        // β = 0: BLAS writes every element of C, so C starts uninitialised (no zero fill).
        return try Matrix(rows: m, columns: n) { (c) throws(LinearAlgebraError) in
            let kRight = transposingRight ? right.columns : right.rows
            precondition(k == kRight, "product shapes: op(left) [\(m), \(k)] × op(right) [\(kRight), \(n)]")
            try left.elements.withUnsafeBufferPointer { (a) throws(LinearAlgebraError) in
                try right.elements.withUnsafeBufferPointer { (b) throws(LinearAlgebraError) in
                    try Matrix.rowBlockedGEMM(
                        transposeA: transposingLeft, transposeB: transposingRight, m: m, n: n,
                        k: k, alpha: scale, a: a.baseAddress!, lda: left.columns, b: b.baseAddress!,
                        ldb: right.columns, beta: 0, c: c.baseAddress!, ldc: n)
                }
            }
        }
    }

    /// Updates `self ← scale · op(left) · op(right) + keeping · self` in place.
    ///
    /// `self` must be `[m, n]` where `op(left)` is `[m, k]` and `op(right)` is `[k, n]`; a shape
    /// mismatch is a programmer error (precondition naming both shapes).
    ///
    /// - Parameters:
    ///   - left: Left factor.
    ///   - right: Right factor.
    ///   - transposingLeft: Use `leftᵀ`.
    ///   - transposingRight: Use `rightᵀ`.
    ///   - scale: α, default 1.
    ///   - keeping: β, the factor on the current contents, default 1 (accumulate).
    /// - Throws: `LinearAlgebraError.dimensionTooLarge` for sizes beyond `Int32.max`.
    @inlinable
    public mutating func addProduct(
        _ left: Matrix, _ right: Matrix, transposingLeft: Bool = false,
        transposingRight: Bool = false, scale: Scalar = 1, keeping: Scalar = 1
    ) throws(LinearAlgebraError) {
        let m = transposingLeft ? left.columns : left.rows
        let k = transposingLeft ? left.rows : left.columns
        let kRight = transposingRight ? right.columns : right.rows
        let n = transposingRight ? right.rows : right.columns
        precondition(
            k == kRight && rows == m && columns == n,
            "product shapes: op(left) [\(m), \(k)] × op(right) [\(kRight), \(n)] into [\(rows), \(columns)]")
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in elements.indices { elements[i] *= keeping }
            return
        }
        let (lda, ldb, ldc) = (left.columns, right.columns, columns)
        try left.elements.withUnsafeBufferPointer { (a) throws(LinearAlgebraError) in
            try right.elements.withUnsafeBufferPointer { (b) throws(LinearAlgebraError) in
                try elements.withUnsafeMutableBufferPointer { (c) throws(LinearAlgebraError) in
                    try Matrix.rowBlockedGEMM(
                        transposeA: transposingLeft, transposeB: transposingRight, m: m, n: n,
                        k: k, alpha: scale, a: a.baseAddress!, lda: lda, b: b.baseAddress!,
                        ldb: ldb, beta: keeping, c: c.baseAddress!, ldc: ldc)
                }
            }
        }
    }

    /// Multiply-adds (m·n·k) from which `rowBlockedGEMM` splits the rows of C over the cores.
    public static var rowBlockThreshold: Int { 1 << 22 }

    /// `C ← α·op(A)·op(B) + β·C` with the rows of C split over the processors for large
    /// problems, each block one single-threaded BLAS call (`BLASThreads.concurrentlyOnOneThreadEach`).
    ///
    /// OpenBLAS's own threads spin (`sched_yield`) for a while after every threaded call and
    /// compete with the scalar loops the losses run between their products; blocks on
    /// `WorkerPool`'s threads leave at most 200 µs of spinning behind. Below `rowBlockThreshold` (or with
    /// one processor) it is one BLAS call with the current thread setting. The BLAS thread
    /// count is process-wide: it is 1 during the blocked call and restored afterwards.
    public static func rowBlockedGEMM(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Scalar,
        a: UnsafePointer<Scalar>, lda: Int, b: UnsafePointer<Scalar>, ldb: Int, beta: Scalar,
        c: UnsafeMutablePointer<Scalar>, ldc: Int
    ) throws(LinearAlgebraError) {
        let workers = Swift.min(WorkerPool.parallelism, m / 64)
        if workers < 2 || m * n * k < rowBlockThreshold {
            try Scalar.gemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        // Validate every size once, so that the blocks cannot fail.
        _ = (try blasInt(m, "m"), try blasInt(n, "n"), try blasInt(k, "k"), try blasInt(lda, "lda"), try blasInt(ldb, "ldb"), try blasInt(ldc, "ldc"))
        nonisolated(unsafe) let (pa, pb, pc) = (a, b, c)
        BLASThreads.concurrentlyOnOneThreadEach(iterations: workers) { worker in
            let start = worker * m / workers, end = (worker + 1) * m / workers
            // Rows of op(A): rows of A, or columns of A when transposed.
            let blockA = transposeA ? pa + start : pa + start * lda
            try? Scalar.gemm(
                transposeA: transposeA, transposeB: transposeB, m: end - start, n: n, k: k, alpha: alpha, a: blockA, lda: lda,
                b: pb, ldb: ldb, beta: beta, c: pc + start * ldc, ldc: ldc)
        }
    }

    /// The Gram matrix `self · selfᵀ`, `[rows, rows]`, symmetric and fully filled.
    ///
    /// For row-normalised rows this is the cosine-similarity matrix. Calls `cblas_?gemm`.
    ///
    /// - Returns: `G[i, j] = Σ_k self[i, k] · self[j, k]`.
    /// - Throws: `LinearAlgebraError.dimensionTooLarge` for sizes beyond `Int32.max`.
    @inlinable
    public func gram() throws(LinearAlgebraError) -> Matrix {
        try Matrix.product(self, self, transposingRight: true)
    }

    /// The matrix-vector product `op(self) · vector`.
    ///
    /// - Parameters:
    ///   - vector: `columns` values (`rows` when `transposing`).
    ///   - transposing: Use `selfᵀ`.
    /// - Returns: `rows` values (`columns` when `transposing`).
    /// - Throws: `LinearAlgebraError.dimensionTooLarge` for sizes beyond `Int32.max`.
    @inlinable
    public func multiplying(_ vector: [Scalar], transposing: Bool = false) throws(LinearAlgebraError)
        -> [Scalar]
    {
        precondition(
            vector.count == (transposing ? rows : columns),
            "matrix-vector shapes: [\(rows), \(columns)]\(transposing ? "ᵀ" : "") × [\(vector.count)]")
        var result = [Scalar](repeating: 0, count: transposing ? columns : rows)
        if rows == 0 || columns == 0 { return result }
        try elements.withUnsafeBufferPointer { (a) throws(LinearAlgebraError) in
            try vector.withUnsafeBufferPointer { (x) throws(LinearAlgebraError) in
                try result.withUnsafeMutableBufferPointer { (y) throws(LinearAlgebraError) in
                    try Scalar.gemv(
                        transpose: transposing, m: rows, n: columns, alpha: 1, a: a.baseAddress!,
                        lda: columns, x: x.baseAddress!, beta: 0, y: y.baseAddress!)
                }
            }
        }
        return result
    }

    /// Eigenvalues (ascending) and eigenvectors of a symmetric `[n, n]` matrix.
    ///
    /// Only the upper triangle is read. Calls LAPACK `?syevd` (divide and conquer).
    ///
    /// - Returns: `values` (n, ascending) and `vectors` (`[n, n]`, row `k` is the unit
    ///   eigenvector of `values[k]`).
    /// - Throws: `LinearAlgebraError` when LAPACK fails or `n` exceeds `Int32.max`.
    public func symmetricEigenDecomposition() throws(LinearAlgebraError) -> (
        values: [Scalar], vectors: Matrix
    ) {
        precondition(rows == columns, "symmetric eigen-decomposition needs a square matrix, got [\(rows), \(columns)]")
        var vectors = self
        var values = [Scalar](repeating: 0, count: rows)
        if rows == 0 { return (values, vectors) }
        let n = rows
        try vectors.elements.withUnsafeMutableBufferPointer { (a) throws(LinearAlgebraError) in
            try values.withUnsafeMutableBufferPointer { (w) throws(LinearAlgebraError) in
                try Scalar.symmetricEigen(n: n, a: a.baseAddress!, w: w.baseAddress!)
            }
        }
        return (values, vectors)
    }
}
