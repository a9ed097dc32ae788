import COpenBLAS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The one file of the package that calls cblas and LAPACK. Every size goes
// through `blasInt(_:_:)`, every call passes `CblasRowMajor` explicitly, and every LAPACK `info`
// goes through `checkLAPACK(_:_:)`.

/// Converts a size to BLAS's 32-bit integer, throwing when it does not fit.
///
/// Every BLAS and LAPACK call passes its sizes through here.
@inline(__always)
func blasInt(_ value: Int, _ name: String) throws(LinearAlgebraError) -> Int32 {
    guard let converted = Int32(exactly: value) else {
        throw .dimensionTooLarge(name: name, value: value)
    }
    return converted
}

/// Turns a LAPACK `info` into a typed error (the one place that interprets `info`).
@inline(__always)
func checkLAPACK(_ routine: String, _ info: Int32) throws(LinearAlgebraError) {
    if info < 0 { throw .illegalArgument(routine: routine, argument: Int(-info)) }
    if info > 0 { throw .computationFailed(routine: routine, info: Int(info)) }
}

@inline(__always)
private func cblasTranspose(_ transpose: Bool) -> CBLAS_TRANSPOSE {
    transpose ? CblasTrans : CblasNoTrans
}

/// Column-major LAPACK routine signature shared by `ssyevd_` and `dsyevd_`.
private typealias SyevdFunction<T> = (
    UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafePointer<Int32>, UnsafeMutablePointer<T>,
    UnsafePointer<Int32>, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>, UnsafePointer<Int32>,
    UnsafeMutablePointer<Int32>, UnsafePointer<Int32>, UnsafeMutablePointer<Int32>
) -> Void

/// Runs the workspace query and then the decomposition of `?syevd` (jobz 'V', uplo 'U').
/// A symmetric matrix is its own transpose, so the row-major input needs no conversion, and
/// the column-major eigenvector matrix read row-major gives one eigenvector per row.
private func syevd<T: BinaryFloatingPoint>(
    _ routine: String, _ function: SyevdFunction<T>, n: Int, a: UnsafeMutablePointer<T>,
    w: UnsafeMutablePointer<T>
) throws(LinearAlgebraError) {
    if n == 0 { return }
    var n32 = try blasInt(n, "n")
    var lda = n32
    var info: Int32 = 0
    var lwork: Int32 = -1
    var liwork: Int32 = -1
    var workSize: T = 0
    var iworkSize: Int32 = 0
    let jobz: CChar = 86  // 'V'
    let uplo: CChar = 85  // 'U'
    withUnsafePointer(to: jobz) { jobzPointer in
        withUnsafePointer(to: uplo) { uploPointer in
            function(
                jobzPointer, uploPointer, &n32, a, &lda, w, &workSize, &lwork, &iworkSize,
                &liwork, &info)
        }
    }
    try checkLAPACK(routine, info)
    lwork = Int32(workSize.rounded(.up))
    liwork = iworkSize
    var work = [T](repeating: 0, count: Int(lwork))
    var iwork = [Int32](repeating: 0, count: Int(liwork))
    withUnsafePointer(to: jobz) { jobzPointer in
        withUnsafePointer(to: uplo) { uploPointer in
            work.withUnsafeMutableBufferPointer { workBuffer in
                iwork.withUnsafeMutableBufferPointer { iworkBuffer in
                    function(
                        jobzPointer, uploPointer, &n32, a, &lda, w, workBuffer.baseAddress!,
                        &lwork, iworkBuffer.baseAddress!, &liwork, &info)
                }
            }
        }
    }
    try checkLAPACK(routine, info)
}

extension Float: BLASScalar {
    /// Calls `expf`.
    @inlinable public static func exponential(_ x: Float) -> Float { expf(x) }
    /// Calls `expm1f`.
    @inlinable public static func exponentialMinusOne(_ x: Float) -> Float { expm1f(x) }
    /// Calls `logf`.
    @inlinable public static func logarithm(_ x: Float) -> Float { logf(x) }
    /// Calls `log1pf`.
    @inlinable public static func logarithm(onePlus x: Float) -> Float { log1pf(x) }
    /// Calls `powf`.
    @inlinable public static func power(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    /// Calls `tanhf`.
    @inlinable public static func hyperbolicTangent(_ x: Float) -> Float { tanhf(x) }
    /// Calls `cosf`.
    @inlinable public static func cosine(_ x: Float) -> Float { cosf(x) }
    /// `Double(self)`.
    @inlinable public var doubleValue: Double { Double(self) }
    /// Calls `cblas_sgemm`.
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) throws(LinearAlgebraError) {
        let (m32, n32, k32) = (try blasInt(m, "m"), try blasInt(n, "n"), try blasInt(k, "k"))
        let (lda32, ldb32, ldc32) = (
            try blasInt(lda, "lda"), try blasInt(ldb, "ldb"), try blasInt(ldc, "ldc")
        )
        if m == 0 || n == 0 { return }
        cblas_sgemm(
            CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB), m32, n32, k32,
            alpha, a, lda32, b, ldb32, beta, c, ldc32)
    }

    /// Calls `cblas_sgemv`.
    public static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>
    ) throws(LinearAlgebraError) {
        let (m32, n32, lda32) = (try blasInt(m, "m"), try blasInt(n, "n"), try blasInt(lda, "lda"))
        if m == 0 || n == 0 { return }
        cblas_sgemv(CblasRowMajor, cblasTranspose(transpose), m32, n32, alpha, a, lda32, x, 1, beta, y, 1)
    }

    /// Calls LAPACK `ssyevd_`.
    public static func symmetricEigen(
        n: Int, a: UnsafeMutablePointer<Float>, w: UnsafeMutablePointer<Float>
    ) throws(LinearAlgebraError) {
        try syevd("ssyevd", ssyevd_, n: n, a: a, w: w)
    }
}

extension Double: BLASScalar {
    /// Calls C `exp`.
    @inlinable public static func exponential(_ x: Double) -> Double { Glibc.exp(x) }
    /// Calls C `expm1`.
    @inlinable public static func exponentialMinusOne(_ x: Double) -> Double { Glibc.expm1(x) }
    /// Calls C `log`.
    @inlinable public static func logarithm(_ x: Double) -> Double { Glibc.log(x) }
    /// Calls C `log1p`.
    @inlinable public static func logarithm(onePlus x: Double) -> Double { Glibc.log1p(x) }
    /// Calls C `pow`.
    @inlinable public static func power(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
    /// Calls C `tanh`.
    @inlinable public static func hyperbolicTangent(_ x: Double) -> Double { Glibc.tanh(x) }
    /// Calls C `cos`.
    @inlinable public static func cosine(_ x: Double) -> Double { Glibc.cos(x) }
    /// `self`.
    @inlinable public var doubleValue: Double { self }
    /// Calls `cblas_dgemm`.
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int, beta: Double,
        c: UnsafeMutablePointer<Double>, ldc: Int
    ) throws(LinearAlgebraError) {
        let (m32, n32, k32) = (try blasInt(m, "m"), try blasInt(n, "n"), try blasInt(k, "k"))
        let (lda32, ldb32, ldc32) = (
            try blasInt(lda, "lda"), try blasInt(ldb, "ldb"), try blasInt(ldc, "ldc")
        )
        if m == 0 || n == 0 { return }
        cblas_dgemm(
            CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB), m32, n32, k32,
            alpha, a, lda32, b, ldb32, beta, c, ldc32)
    }

    /// Calls `cblas_dgemv`.
    public static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>
    ) throws(LinearAlgebraError) {
        let (m32, n32, lda32) = (try blasInt(m, "m"), try blasInt(n, "n"), try blasInt(lda, "lda"))
        if m == 0 || n == 0 { return }
        cblas_dgemv(CblasRowMajor, cblasTranspose(transpose), m32, n32, alpha, a, lda32, x, 1, beta, y, 1)
    }

    /// Calls LAPACK `dsyevd_`.
    public static func symmetricEigen(
        n: Int, a: UnsafeMutablePointer<Double>, w: UnsafeMutablePointer<Double>
    ) throws(LinearAlgebraError) {
        try syevd("dsyevd", dsyevd_, n: n, a: a, w: w)
    }
}
