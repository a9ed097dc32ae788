import COpenBLAS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The one file of the package that calls cblas and LAPACK (style guide §2.5). Every size goes
// through `blasInt(_:_:)`, every call passes `CblasRowMajor` explicitly, and every LAPACK `info`
// goes through `checkLAPACK(_:_:)`.

/// Converts a size to BLAS's 32-bit integer, throwing when it does not fit.
///
/// Every BLAS and LAPACK call passes its sizes through here, so this is also where the kernel
/// selection of `BLASCore` and the `AllocatorPolicy` are applied once, before the first call
/// (a `let` initialiser runs once, thread-safely).
@inline(__always)
func blasInt(_ value: Int, _ name: String) throws(LinearAlgebraError) -> Int32 {
    _ = BLASCore.selection
    _ = AllocatorPolicy.applied
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
    @inlinable public static func exp(_ x: Float) -> Float { expf(x) }
    /// Calls `expm1f`.
    @inlinable public static func expMinusOne(_ x: Float) -> Float { expm1f(x) }
    /// Calls `logf`.
    @inlinable public static func log(_ x: Float) -> Float { logf(x) }
    /// Calls `log1pf`.
    @inlinable public static func log(onePlus x: Float) -> Float { log1pf(x) }
    /// Calls `powf`.
    @inlinable public static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    /// Calls `tanhf`.
    @inlinable public static func tanh(_ x: Float) -> Float { tanhf(x) }
    /// Calls `cosf`.
    @inlinable public static func cos(_ x: Float) -> Float { cosf(x) }
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
    @inlinable public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    /// Calls C `expm1`.
    @inlinable public static func expMinusOne(_ x: Double) -> Double { Glibc.expm1(x) }
    /// Calls C `log`.
    @inlinable public static func log(_ x: Double) -> Double { Glibc.log(x) }
    /// Calls C `log1p`.
    @inlinable public static func log(onePlus x: Double) -> Double { Glibc.log1p(x) }
    /// Calls C `pow`.
    @inlinable public static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
    /// Calls C `tanh`.
    @inlinable public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
    /// Calls C `cos`.
    @inlinable public static func cos(_ x: Double) -> Double { Glibc.cos(x) }
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

/// The number of threads OpenBLAS uses for its kernels.
///
/// OpenBLAS keeps this as process-wide state; small problems run faster on one thread (the
/// two BLAS threads made the digits fit 10× slower, docs/reference/linear-probe.md, "Threads").
public enum BLASThreads {
    /// The current thread count (`openblas_get_num_threads`).
    public static var count: Int { Int(openblas_get_num_threads()) }

    /// Sets the thread count (`openblas_set_num_threads`).
    ///
    /// - Parameter count: Threads to use, ≥ 1.
    public static func set(_ count: Int) {
        _ = BLASCore.selection
        openblas_set_num_threads(Int32(clamping: max(1, count)))
    }

    /// The number of processors OpenBLAS was configured for (`openblas_get_num_procs`).
    public static var processorCount: Int { Int(openblas_get_num_procs()) }

    /// Runs independent BLAS/LAPACK jobs at once on `WorkerPool`'s threads, OpenBLAS on one
    /// thread during the call (the previous count is restored afterwards).
    ///
    /// The package's way to use both cores for a few large calls: unlike OpenBLAS's own
    /// threads, which spin for about 100 ms after each call, the pool's spin for at most 200 µs
    /// (see `Matrix.rowBlockedGEMM`).
    /// The thread count is process-wide, so other BLAS calls made meanwhile also run on one.
    ///
    /// - Parameters:
    ///   - iterations: Job count.
    ///   - body: Receives the job index; must only write state owned by its job.
    public static func concurrentlyOnOneThreadEach(iterations: Int, _ body: @Sendable (Int) -> Void) {
        let threads = count
        set(1)
        defer { set(threads) }
        WorkerPool.run(iterations: iterations, body)
    }
}

/// Which OpenBLAS kernels run, and the correction this package makes when OpenBLAS does not
/// know the processor.
///
/// A `DYNAMIC_ARCH` OpenBLAS picks its kernels from the processor's CPUID model number. A
/// release older than the processor (Debian 12's 0.3.21 on Sapphire/Emerald Rapids, for one)
/// does not recognise the model and falls back to its generic SSE3 `Prescott` kernels, which
/// run single-precision GEMM about 5× slower than the AVX-512 kernels the processor supports
/// (measured 31 vs 153 GFLOP/s on a 2-core Intel Xeon). Before the first BLAS call of the process
/// this type checks for that case and, when the kernel reported is `Prescott` but the
/// processor advertises AVX-512 (F, CD, BW, DQ, VL) or AVX2 with FMA in `/proc/cpuinfo` (which
/// lists only what the kernel has enabled), re-runs OpenBLAS's own kernel selection with
/// `OPENBLAS_CORETYPE` set to `SkylakeX` or `Haswell`, exactly what a user would get by setting
/// that variable before starting the program.
///
/// Nothing is changed when the user set `OPENBLAS_CORETYPE` (their choice wins; set it to
/// `Prescott` to keep the generic kernels), when OpenBLAS recognised the processor, on other
/// architectures, or when the library is not a `DYNAMIC_ARCH` build (the two entry points are
/// looked up with `dlsym` and the step is skipped when they are missing).
public enum BLASCore {
    /// The kernel family OpenBLAS uses (`openblas_get_corename`), e.g. `SkylakeX`, `Haswell`, `Zen`.
    public static var name: String {
        _ = selection
        return String(cString: openblas_get_corename())
    }

    /// The kernel family this package switched OpenBLAS to, or `nil` when it left OpenBLAS's
    /// own choice in place.
    public static var correction: String? { selection }

    /// Made once, before the first BLAS call.
    static let selection: String? = {
        #if arch(x86_64) && os(Linux)
            guard getenv("OPENBLAS_CORETYPE") == nil,
                String(cString: openblas_get_corename()).lowercased() == "prescott",
                let flags = cpuFlags(),
                let target = preferredCore(flags: flags),
                let quit = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "gotoblas_dynamic_quit"),
                let initialise = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "gotoblas_dynamic_init")
            else { return nil }
            typealias Entry = @convention(c) () -> Void
            // OpenBLAS reads the variable in gotoblas_dynamic_init; it stays set, so that the
            // process's environment tells the truth about the kernels in use.
            setenv("OPENBLAS_CORETYPE", target, 1)
            unsafeBitCast(quit, to: Entry.self)()
            unsafeBitCast(initialise, to: Entry.self)()
            return target
        #else
            return nil
        #endif
    }()

    /// The best OpenBLAS 0.3.x x86-64 kernel family for a set of `/proc/cpuinfo` flags, or
    /// `nil` when the generic kernels are all the processor supports.
    public static func preferredCore(flags: Set<Substring>) -> String? {
        if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) {
            return "SkylakeX"
        }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return "Haswell" }
        return nil
    }

    /// The `flags` line of `/proc/cpuinfo` (first processor), or `nil` when unreadable.
    private static func cpuFlags() -> Set<Substring>? {
        guard let file = fopen("/proc/cpuinfo", "r") else { return nil }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0 {
            guard let line else { break }
            let text = String(cString: line)
            guard text.hasPrefix("flags") else { continue }
            guard let colon = text.firstIndex(of: ":") else { return nil }
            return Set(text[text.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }))
        }
        return nil
    }
}
