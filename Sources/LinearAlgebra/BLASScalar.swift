/// A floating-point element type with BLAS and LAPACK kernels: `Float` or `Double`.
///
/// The requirements are buffer-level operations on row-major data; the `Matrix` operations in
/// `Matrix+BLAS.swift` are the everyday interface. Every conformance lives in `BLAS.swift`, the
/// one file of the package that calls cblas and LAPACK.
public protocol BLASScalar: BinaryFloatingPoint, Sendable, Codable, LosslessStringConvertible
where Self.RawSignificand: FixedWidthInteger {
    /// e^x (C `expf` / `exp`).
    static func exponential(_ x: Self) -> Self
    /// e^x − 1, accurate near 0 (C `expm1f` / `expm1`).
    static func exponentialMinusOne(_ x: Self) -> Self
    /// Natural logarithm (C `logf` / `log`).
    static func logarithm(_ x: Self) -> Self
    /// log(1 + x), accurate near 0 (C `log1pf` / `log1p`).
    static func logarithm(onePlus x: Self) -> Self
    /// x^y (C `powf` / `pow`).
    static func power(_ x: Self, _ y: Self) -> Self
    /// Hyperbolic tangent (C `tanhf` / `tanh`).
    static func hyperbolicTangent(_ x: Self) -> Self
    /// Cosine of an angle in radians (C `cosf` / `cos`).
    static func cosine(_ x: Self) -> Self
    /// The value widened (or kept) as `Double`, without the generic conversion path.
    var doubleValue: Double { get }

    /// Row-major general matrix product `C ← α·op(A)·op(B) + β·C`.
    ///
    /// `op(A)` is `[m, k]`, `op(B)` is `[k, n]`, `C` is `[m, n]`; `A` is stored `[m, k]` (or
    /// `[k, m]` when `transposeA`) with leading dimension `lda`, likewise `B` and `C`.
    /// Calls `cblas_sgemm` / `cblas_dgemm` with `CblasRowMajor`.
    ///
    /// - Throws: `LinearAlgebraError.dimensionTooLarge` when a size exceeds `Int32.max`.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int, beta: Self,
        c: UnsafeMutablePointer<Self>, ldc: Int
    ) throws(LinearAlgebraError)

    /// Row-major matrix-vector product `y ← α·op(A)·x + β·y` with `A` stored `[m, n]`.
    ///
    /// Calls `cblas_sgemv` / `cblas_dgemv` with `CblasRowMajor`.
    ///
    /// - Throws: `LinearAlgebraError.dimensionTooLarge` when a size exceeds `Int32.max`.
    static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
        x: UnsafePointer<Self>, beta: Self, y: UnsafeMutablePointer<Self>
    ) throws(LinearAlgebraError)

    /// Eigen-decomposition of a symmetric `[n, n]` matrix, in place.
    ///
    /// On return `a` holds the eigenvectors, one per row (row `k` belongs to `w[k]`), and `w`
    /// the eigenvalues in ascending order. Calls LAPACK `ssyevd_` / `dsyevd_` (jobz 'V').
    ///
    /// - Throws: `LinearAlgebraError` for a LAPACK failure or an oversized `n`.
    static func symmetricEigen(
        n: Int, a: UnsafeMutablePointer<Self>, w: UnsafeMutablePointer<Self>
    ) throws(LinearAlgebraError)
}
