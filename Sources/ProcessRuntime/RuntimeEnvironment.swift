#if canImport(Glibc)
    import Glibc
#endif

/// The environment variables the package reads, all under one prefix, `CONTRASTIVEBOARD_`.
///
/// Reading them changes nothing; only `RuntimeConfiguration.apply()` acts on the process.
/// `RuntimeConfiguration.tuned.overridden(byEnvironment:)` is how the tools and examples let a
/// user adjust the tuned configuration without recompiling.
public enum RuntimeEnvironment {
    /// One variable and what it does.
    public enum Variable: String, Sendable, CaseIterable {
        /// `0`, `1` or `2`: lowers the instruction set of the C kernels (baseline, AVX2 + FMA,
        /// AVX-512); never raises it. Read by `CPUFeatures.vectorLevel`.
        case vectorLevel = "CONTRASTIVEBOARD_VECTOR_LEVEL"
        /// A whole number ≥ 0: the worker threads the pool starts besides the caller's
        /// (`0` turns the pool off). Read by `RuntimeConfiguration.overridden(byEnvironment:)`.
        case workerThreads = "CONTRASTIVEBOARD_WORKER_THREADS"
        /// `system`: keep glibc's malloc settings even where the configuration would tune them.
        case allocator = "CONTRASTIVEBOARD_ALLOCATOR"
        /// `keep`: keep OpenBLAS's own kernel choice even where the configuration would correct it.
        case blasKernels = "CONTRASTIVEBOARD_BLAS_KERNELS"
    }

    /// The variable's value, or `nil` when it is unset or empty.
    public static func value(of variable: Variable) -> String? {
        guard let raw = getenv(variable.rawValue) else { return nil }
        let value = String(cString: raw)
        return value.isEmpty ? nil : value
    }
}
