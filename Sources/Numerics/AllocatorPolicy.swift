#if canImport(Glibc)
import Glibc
#endif

/// How the process's allocator treats the large temporary arrays of the losses and products.
///
/// With glibc's defaults, a block of 128 KB or more (any N×N matrix from N = 180, a [512, 128]
/// Float gradient) is mapped fresh from the kernel when allocated and unmapped when freed, or
/// comes from the top of the heap, which is given back to the kernel once 2× the current
/// mapping threshold is free there. Either way every call of a loss touches new pages, and
/// each 4 KB page costs a fault: measured on a 2-core Intel Xeon, SimCLR at N = 256 took 1.5 ms
/// instead of 0.8 ms and SparseCLR 2.2 ms instead of 1.5 ms, a third to a half of their time in
/// the kernel (OpenBLAS zeroing fresh outputs, the normalisation's copies).
///
/// So, before its first BLAS call, the package raises glibc's mapping threshold to 32 MB and
/// its trim threshold to 256 MB (`mallopt(M_MMAP_THRESHOLD)` / `M_TRIM_THRESHOLD`): blocks
/// below 32 MB come from the heap and stay in the process when freed (up to 256 MB of free
/// heap top), so the next call reuses pages that are already mapped; blocks above 32 MB (the
/// probe's feature matrices) are still mapped and returned. The price is memory the process
/// keeps after its peak (like PyTorch's caching allocators); peak use does not grow.
///
/// Nothing is changed when the environment variable `CONTRASTIVEBOARD_SYSTEM_MALLOC` is set
/// (to anything), when `GLIBC_TUNABLES` already sets a `malloc` tunable (the user's choice
/// wins), or off glibc (`mallopt` is looked up with `dlsym`; with another allocator preloaded,
/// such as jemalloc, the call does nothing).
public enum AllocatorPolicy {
    /// Whether the thresholds were set (evaluated once, thread-safely, at the first BLAS call).
    public static let applied: Bool = {
        #if canImport(Glibc)
            guard getenv("CONTRASTIVEBOARD_SYSTEM_MALLOC") == nil else { return false }
            if let tunables = getenv("GLIBC_TUNABLES"), String(cString: tunables).contains("malloc") { return false }
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
            typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
            let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
            // glibc's malloc.h: M_TRIM_THRESHOLD = −1, M_MMAP_THRESHOLD = −3.
            let mapping = mallopt(-3, 32 << 20), trimming = mallopt(-1, 256 << 20)
            return mapping == 1 && trimming == 1
        #else
            return false
        #endif
    }()
}
