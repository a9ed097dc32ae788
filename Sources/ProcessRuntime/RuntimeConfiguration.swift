/// The process-wide settings the package can tune, applied only when a program asks for them.
///
/// A library function never changes malloc's settings, the environment or OpenBLAS's kernel
/// choice. A program (the package's tools and examples do this first thing) opts in:
///
/// ```swift
/// import ProcessRuntime
///
/// RuntimeConfiguration.tuned.overridden(byEnvironment: true).apply()
/// ```
///
/// Without that call the package runs with glibc's and OpenBLAS's own settings and a worker
/// pool of one thread per available processor but the caller's (`WorkerPool`).
///
/// Call `apply()` early, before other threads start: correcting OpenBLAS's kernels sets
/// `OPENBLAS_CORETYPE` for the moment OpenBLAS reads it (and removes it again), and the
/// environment is not thread-safe.
public struct RuntimeConfiguration: Sendable, Equatable {
    /// Worker threads besides the caller's for the package's parallel regions; `nil` for one
    /// per available processor but the caller's (`AvailableProcessors`), 0 turns the pool off.
    public var workerThreads: Int?

    /// Whether to raise glibc's malloc mapping and trim thresholds (`AllocatorPolicy`).
    public var tunesAllocator: Bool

    /// Whether to re-run OpenBLAS's kernel selection when it fell back to its generic kernels
    /// on a processor it does not know (`BLASKernels`).
    public var correctsBLASKernels: Bool

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - workerThreads: Worker threads, `nil` for the default, 0 for none.
    ///   - tunesAllocator: Whether to apply `AllocatorPolicy`.
    ///   - correctsBLASKernels: Whether to correct OpenBLAS's generic-kernel fallback.
    public init(workerThreads: Int? = nil, tunesAllocator: Bool = false, correctsBLASKernels: Bool = false) {
        self.workerThreads = workerThreads
        self.tunesAllocator = tunesAllocator
        self.correctsBLASKernels = correctsBLASKernels
    }

    /// What a library user gets without asking: nothing process-wide is changed.
    public static let library = RuntimeConfiguration()

    /// The configuration the package's tools, examples and benchmarks run with, and what its
    /// performance figures are measured with: allocator thresholds raised, OpenBLAS's kernels
    /// corrected, the default worker pool.
    public static let tuned = RuntimeConfiguration(tunesAllocator: true, correctsBLASKernels: true)

    /// This configuration adjusted by the `CONTRASTIVEBOARD_` environment variables
    /// (`RuntimeEnvironment`): `CONTRASTIVEBOARD_WORKER_THREADS=N`,
    /// `CONTRASTIVEBOARD_ALLOCATOR=system`, `CONTRASTIVEBOARD_BLAS_KERNELS=keep`. Values that do
    /// not parse are ignored, and so is a worker count outside 0...`WorkerPool.maximumWorkerThreads`.
    ///
    /// - Parameter byEnvironment: `false` returns the configuration unchanged.
    public func overridden(byEnvironment: Bool) -> RuntimeConfiguration {
        guard byEnvironment else { return self }
        var configuration = self
        if let threads = RuntimeEnvironment.value(of: .workerThreads).flatMap({ Int($0) }), (0...WorkerPool.maximumWorkerThreads).contains(threads) {
            configuration.workerThreads = threads
        }
        if RuntimeEnvironment.value(of: .allocator) == "system" { configuration.tunesAllocator = false }
        if RuntimeEnvironment.value(of: .blasKernels) == "keep" { configuration.correctsBLASKernels = false }
        return configuration
    }

    /// What `apply()` did.
    public struct Report: Sendable, Equatable {
        /// Whether glibc's thresholds are raised.
        public var allocatorTuned: Bool
        /// The OpenBLAS kernel family switched to, or `nil` when OpenBLAS's choice stands.
        public var blasKernelCorrection: String?
        /// Worker threads the pool runs (besides the caller's).
        public var workerThreads: Int
    }

    /// Applies the configuration to this process.
    ///
    /// Settings already applied stay (the allocator thresholds and a kernel correction are not
    /// undone by a later configuration that leaves them off); the worker count follows the
    /// latest call.
    ///
    /// - Returns: What is in force afterwards.
    @discardableResult
    public func apply() -> Report {
        WorkerPool.configure(workerThreads: workerThreads)
        if tunesAllocator { AllocatorPolicy.apply() }
        if correctsBLASKernels { BLASKernels.correctIfGeneric() }
        return Report(
            allocatorTuned: AllocatorPolicy.isApplied, blasKernelCorrection: BLASKernels.correction,
            workerThreads: WorkerPool.workerThreadCount)
    }
}
