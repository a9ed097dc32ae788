#if canImport(Glibc)
    import Glibc
#endif

/// What the processor can run, detected once per process: the one place the package asks.
///
/// The C kernels (`CVectorMath`, `CSkinnyGEMM`) are compiled for several instruction sets and
/// receive the set to run from Swift; the OpenBLAS kernel correction (`BLASKernels`) reads the
/// same flags. The flags come from the `flags` line of `/proc/cpuinfo`, which lists only what
/// the operating system has enabled (an AVX-512 processor whose kernel disabled AVX-512 state
/// reports no `avx512f`). Elsewhere (no `/proc`, another architecture) nothing beyond the
/// baseline is assumed.
public struct CPUFeatures: Sendable, Equatable {
    /// The instruction-set levels the package's C kernels are compiled for, lowest first.
    public enum VectorLevel: Int32, Sendable, CaseIterable, Comparable, CustomStringConvertible {
        /// The x86-64 baseline (SSE2, four float lanes), or portable C on other architectures.
        case baseline = 0
        /// AVX2 with FMA (eight float lanes).
        case avx2 = 1
        /// AVX-512 Foundation (sixteen float lanes).
        case avx512 = 2

        public static func < (a: VectorLevel, b: VectorLevel) -> Bool { a.rawValue < b.rawValue }

        public var description: String {
            switch self {
            case .baseline: "baseline"
            case .avx2: "avx2"
            case .avx512: "avx512"
            }
        }
    }

    /// The processor's feature flags as `/proc/cpuinfo` names them (`avx2`, `fma`, `avx512f`, …).
    public let flags: Set<String>

    /// Creates a feature set from flag names (for tests and for other sources of flags).
    public init(flags: Set<String>) { self.flags = flags }

    /// The highest `VectorLevel` the flags allow.
    public var supportedVectorLevel: VectorLevel {
        #if arch(x86_64)
            if flags.contains("avx512f") { return .avx512 }
            if flags.contains("avx2") && flags.contains("fma") { return .avx2 }
        #endif
        return .baseline
    }

    /// The level the kernels run: `supportedVectorLevel`, lowered (never raised) by the
    /// environment variable `CONTRASTIVEBOARD_VECTOR_LEVEL` = `0`, `1` or `2` (for
    /// measurements and for testing the lower kernel sets).
    public var vectorLevel: VectorLevel {
        let supported = supportedVectorLevel
        guard let requested = RuntimeEnvironment.value(of: .vectorLevel), let number = Int32(requested),
            let level = VectorLevel(rawValue: number)
        else { return supported }
        return Swift.min(level, supported)
    }

    /// Every level this processor runs, highest first, capped by `vectorLevel`.
    public var availableVectorLevels: [VectorLevel] {
        VectorLevel.allCases.filter { $0 <= vectorLevel }.reversed()
    }

    /// The processor this process runs on (read once, thread-safely).
    public static let current = CPUFeatures(flags: readProcessorFlags() ?? [])

    /// The `flags` line of `/proc/cpuinfo` (first processor), or `nil` when unreadable.
    static func readProcessorFlags() -> Set<String>? {
        #if os(Linux)
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
                return Set(
                    text[text.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
                        .map(String.init))
            }
            return nil
        #else
            return nil
        #endif
    }
}
