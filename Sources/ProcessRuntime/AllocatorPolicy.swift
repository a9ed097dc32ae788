import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// How the process's allocator treats the large temporary arrays of the losses and products.
///
/// With glibc's defaults, a block of 128 KB or more (any N×N matrix from N = 180, a [512, 128]
/// Float gradient) is mapped fresh from the kernel when allocated and unmapped when freed, or
/// comes from the top of the heap, which is given back to the kernel once 2× the current
/// mapping threshold is free there. Either way every call of a loss touches new pages, and
/// each 4 KB page costs a fault: measured on a 2-core Xeon, SimCLR at N = 256 took 1.5 ms
/// instead of 0.8 ms and SparseCLR 2.2 ms instead of 1.5 ms, a third to a half of their time in
/// the kernel (OpenBLAS zeroing fresh outputs, the normalisation's copies).
///
/// `RuntimeConfiguration.tuned` therefore raises glibc's mapping threshold to 32 MB and its
/// trim threshold to 256 MB (`mallopt(M_MMAP_THRESHOLD)` / `M_TRIM_THRESHOLD`) when applied:
/// blocks below 32 MB come from the heap and stay in the process when freed (up to 256 MB of
/// free heap top), so the next call reuses pages that are already mapped; blocks above 32 MB
/// (the probe's feature matrices) are still mapped and returned. The price is memory the
/// process keeps after its peak (like PyTorch's caching allocators); peak use does not grow.
/// A library call never changes these settings.
///
/// Nothing is changed when `GLIBC_TUNABLES` already sets a `malloc` tunable (the user's choice
/// wins), or off glibc (`mallopt` is looked up with `dlsym`; with another allocator preloaded,
/// such as jemalloc, the call does nothing).
public enum AllocatorPolicy {
    /// glibc's `M_MMAP_THRESHOLD` under the policy: 32 MB.
    public static let mappingThreshold: Int32 = 32 << 20
    /// glibc's `M_TRIM_THRESHOLD` under the policy: 256 MB.
    public static let trimThreshold: Int32 = 256 << 20

    private static let state = Mutex(false)

    /// Whether the thresholds have been set in this process.
    public static var isApplied: Bool { state.withLock { $0 } }

    /// Sets the thresholds (once; later calls return the first result).
    ///
    /// - Returns: Whether glibc accepted both settings.
    @discardableResult
    static func apply() -> Bool {
        state.withLock { applied in
            if applied { return true }
            #if canImport(Glibc)
                if let tunables = getenv("GLIBC_TUNABLES"), String(cString: tunables).contains("malloc") { return false }
                guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
                typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
                let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
                // glibc's malloc.h: M_TRIM_THRESHOLD = −1, M_MMAP_THRESHOLD = −3.
                let mapping = mallopt(-3, mappingThreshold), trimming = mallopt(-1, trimThreshold)
                applied = mapping == 1 && trimming == 1
                return applied
            #else
                return false
            #endif
        }
    }
}
