import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// OpenBLAS's process-wide controls, looked up at run time (`dlsym`), so that this module
/// links no BLAS and does nothing where OpenBLAS is absent.
///
/// `LinearAlgebra` links OpenBLAS and owns its cblas/LAPACK calls; the thread count and the
/// kernel choice, which are process-wide, are set here only.
enum OpenBLASSymbols {
    typealias GetInt = @convention(c) () -> Int32
    typealias SetInt = @convention(c) (Int32) -> Void
    typealias GetName = @convention(c) () -> UnsafeMutablePointer<CChar>?
    typealias Entry = @convention(c) () -> Void

    /// Looks up a symbol among the libraries already loaded (`dlsym(RTLD_DEFAULT, …)`).
    static func symbol<T>(_ name: String, as type: T.Type) -> T? {
        guard let pointer = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(pointer, to: type)
    }

    /// `openblas_get_num_threads`.
    static let getThreads = symbol("openblas_get_num_threads", as: GetInt.self)
    /// `openblas_set_num_threads`.
    static let setThreads = symbol("openblas_set_num_threads", as: SetInt.self)
    /// `openblas_get_corename`.
    static let coreName = symbol("openblas_get_corename", as: GetName.self)
}

/// The number of threads OpenBLAS uses for its own kernels: process-wide state, changed only
/// under one lock.
///
/// The package's products run large problems as row blocks, one single-threaded OpenBLAS call
/// per block on `WorkerPool` (OpenBLAS's own threads spin for about 100 ms after each threaded
/// call and slow the per-row passes that follow). `withSingleThreadedBLAS` holds OpenBLAS at one
/// thread for such a region: holders nest and may overlap from several threads, the count is
/// saved by the first holder and restored by the last, and a `set` made meanwhile takes effect
/// when the last holder leaves.
public enum BLASThreads {
    private struct State {
        /// Regions currently holding OpenBLAS at one thread.
        var holders = 0
        /// The count to restore when the last holder leaves.
        var saved = 1
    }

    private static let state = Mutex(State())

    /// The thread count OpenBLAS runs its kernels on now (`openblas_get_num_threads`); 1 when
    /// OpenBLAS is not loaded.
    public static var count: Int { OpenBLASSymbols.getThreads.map { Int($0()) } ?? 1 }

    /// The count OpenBLAS runs on outside single-threaded regions.
    public static var configuredCount: Int {
        state.withLock { $0.holders > 0 ? $0.saved : count }
    }

    /// Sets the thread count (`openblas_set_num_threads`); inside a single-threaded region of
    /// another thread it is applied when that region ends.
    ///
    /// - Parameter count: Threads to use, ≥ 1 (smaller values count as 1).
    public static func set(_ count: Int) {
        let count = Swift.max(1, count)
        state.withLock { state in
            if state.holders > 0 {
                state.saved = count
            } else {
                OpenBLASSymbols.setThreads?(Int32(clamping: count))
            }
        }
    }

    /// Runs `body` with OpenBLAS on one thread, restoring the count afterwards (see the type's
    /// description for nesting and concurrent holders).
    public static func withSingleThreadedBLAS<Result, Failure: Error>(
        _ body: () throws(Failure) -> Result
    ) throws(Failure) -> Result {
        state.withLock { state in
            if state.holders == 0 {
                state.saved = count
                OpenBLASSymbols.setThreads?(1)
            }
            state.holders += 1
        }
        defer {
            state.withLock { state in
                state.holders -= 1
                if state.holders == 0 { OpenBLASSymbols.setThreads?(Int32(clamping: state.saved)) }
            }
        }
        return try body()
    }

    /// Runs independent BLAS/LAPACK jobs at once on `WorkerPool`'s threads, OpenBLAS on one
    /// thread during the call.
    ///
    /// The package's way to use every core for a few large calls: unlike OpenBLAS's own
    /// threads, which spin for about 100 ms after each call, the pool's spin for at most 200 µs.
    /// Other BLAS calls made meanwhile (the count is process-wide) also run on one thread.
    ///
    /// - Parameters:
    ///   - iterations: Job count.
    ///   - body: Receives the job index; must only write state owned by its job.
    public static func concurrentlyOnOneThreadEach(iterations: Int, _ body: @Sendable (Int) -> Void) {
        withSingleThreadedBLAS { WorkerPool.run(iterations: iterations, body) }
    }
}

/// Which OpenBLAS kernels run, and the correction `RuntimeConfiguration` can make when OpenBLAS
/// does not know the processor.
///
/// A `DYNAMIC_ARCH` OpenBLAS picks its kernels from the processor's CPUID model number. A
/// release older than the processor (Debian 12's 0.3.21 on Sapphire/Emerald Rapids, for one)
/// does not recognise the model and falls back to its generic SSE3 `Prescott` kernels, which
/// run single-precision GEMM about 5× slower than the AVX-512 kernels the processor supports
/// (measured 31 vs 153 GFLOP/s on a 2-core Xeon). `correctIfGeneric()` checks for that case
/// and, when the kernel reported is `Prescott` but `CPUFeatures` shows AVX-512 (F, CD, BW, DQ,
/// VL) or AVX2 with FMA, re-runs OpenBLAS's own kernel selection as `OPENBLAS_CORETYPE=SkylakeX`
/// (or `Haswell`) would. Only `RuntimeConfiguration.apply()` calls it; a library call never
/// changes the kernels.
///
/// Nothing is changed when the user set `OPENBLAS_CORETYPE` (their choice wins), when OpenBLAS
/// recognised the processor, on other architectures, or when the library is not a
/// `DYNAMIC_ARCH` build (its entry points are looked up with `dlsym`).
public enum BLASKernels {
    /// The kernel family OpenBLAS uses (`openblas_get_corename`), e.g. `SkylakeX`, `Haswell`,
    /// `Zen`; `nil` when OpenBLAS is not loaded.
    public static var name: String? {
        guard let get = OpenBLASSymbols.coreName, let name = get() else { return nil }
        return String(cString: name)
    }

    private static let correctionState = Mutex<String?>(nil)

    /// The kernel family the runtime configuration switched OpenBLAS to, or `nil` when
    /// OpenBLAS's own choice is in place.
    public static var correction: String? { correctionState.withLock { $0 } }

    /// The best OpenBLAS 0.3.x x86-64 kernel family for a set of `/proc/cpuinfo` flags, or
    /// `nil` when the generic kernels are all the processor supports.
    public static func preferredCore(flags: Set<String>) -> String? {
        if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) {
            return "SkylakeX"
        }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return "Haswell" }
        return nil
    }

    /// Re-runs OpenBLAS's kernel selection with the preferred family when it fell back to its
    /// generic kernels; returns the family chosen, or `nil` when nothing was changed.
    ///
    /// `OPENBLAS_CORETYPE` is set only for the duration of OpenBLAS's selection
    /// (`gotoblas_dynamic_init` reads it) and removed again, so child processes inherit the
    /// environment the program started with. Call it before other threads read the
    /// environment (`RuntimeConfiguration.apply()` documents this).
    @discardableResult
    static func correctIfGeneric(features: CPUFeatures = .current) -> String? {
        correctionState.withLock { correction in
            if let correction { return correction }
            #if arch(x86_64) && os(Linux)
                guard getenv("OPENBLAS_CORETYPE") == nil,
                    name?.lowercased() == "prescott",
                    let target = preferredCore(flags: features.flags),
                    let quit = OpenBLASSymbols.symbol("gotoblas_dynamic_quit", as: OpenBLASSymbols.Entry.self),
                    let initialise = OpenBLASSymbols.symbol("gotoblas_dynamic_init", as: OpenBLASSymbols.Entry.self)
                else { return nil }
                let threads = BLASThreads.count
                setenv("OPENBLAS_CORETYPE", target, 1)
                quit()
                initialise()
                unsetenv("OPENBLAS_CORETYPE")
                OpenBLASSymbols.setThreads?(Int32(clamping: threads))
                correction = target
                return target
            #else
                return nil
            #endif
        }
    }
}
