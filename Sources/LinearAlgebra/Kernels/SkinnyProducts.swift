import CSkinnyGEMM
import ProcessRuntime

/// The two products of a row-blocked linear model with few outputs, on dense row-major blocks:
/// `Z = X·Wᵀ` and `G += Rᵀ·X`, with X a block of rows `[rows, d]` and W, G with K ≤ 32 rows.
///
/// They run in the register-tiled C kernels of `CSkinnyGEMM`, which read X in place where
/// OpenBLAS packs it once per product and pads K: about twice OpenBLAS's speed with AVX-512 and
/// 10–25 % faster with AVX2 + FMA (K = 10, d = 2048, one core of an Intel Xeon). `best` is the
/// fastest set this processor supports, `nil` when it has neither (callers keep an OpenBLAS
/// path for that case, for Double data and for K > 32). Accumulation is in Float, as in SGEMM.
public enum SkinnyProducts {
    /// A set of kernels.
    public enum Kernel: Sendable, CaseIterable {
        /// 16-lane AVX-512F kernels (4 rows × 5 classes and 10 classes × 32 columns tiles).
        case avx512
        /// 8-lane AVX2 + FMA kernels (2 rows × 4 classes and 4 classes × 16 columns tiles).
        case avx2
    }

    /// Largest K the kernels take.
    public static var largestK: Int { 32 }

    /// The kernel sets this processor supports, fastest first (decided once per process).
    public static let available: [Kernel] = {
        switch CPUFeatures.current.vectorLevel {
        case .avx512: [.avx512, .avx2]
        case .avx2: [.avx2]
        case .baseline: []
        }
    }()

    /// The fastest supported kernel set, or `nil`.
    public static var best: Kernel? { available.first }

    /// `z[i, c] = Σ_j x[i, j]·w[c, j]` (overwrites z). Requires `kernel` in `available` and
    /// k ≤ `largestK`.
    ///
    /// - Parameters:
    ///   - x: `[rows, d]`, dense row-major.
    ///   - w: `[k, d]`, dense row-major.
    ///   - z: Receives `[rows, k]`, dense row-major.
    ///   - zeros: At least d zeros (the kernels' padding row).
    ///   - kernel: The kernel set (default `best`).
    public static func rowsTimesTransposed(
        _ x: UnsafePointer<Float>, rows: Int, d: Int, _ w: UnsafePointer<Float>, k: Int,
        into z: UnsafeMutablePointer<Float>, zeros: UnsafePointer<Float>, kernel: Kernel? = best
    ) {
        precondition(kernel.map(available.contains) ?? false && k <= largestK, "SkinnyProducts: kernel \(String(describing: kernel)) unavailable or K > \(largestK)")
        switch kernel {
        case .avx512: CSkinnyGEMM_rowsTimesTransposed512(x, rows, d, w, k, z, zeros)
        default: CSkinnyGEMM_rowsTimesTransposedAVX2(x, rows, d, w, k, z, zeros)
        }
    }

    /// `g[c, j] += Σ_i r[i, c]·x[i, j]`. Requires `kernel` in `available` and k ≤ `largestK`.
    ///
    /// - Parameters:
    ///   - r: `[rows, k]`, dense row-major.
    ///   - x: `[rows, d]`, dense row-major.
    ///   - g: `[k, d]`, dense row-major, accumulated into.
    ///   - scratch: At least `10·rows` floats of working space.
    ///   - kernel: The kernel set (default `best`).
    public static func accumulateTransposedTimesRows(
        _ r: UnsafePointer<Float>, rows: Int, k: Int, _ x: UnsafePointer<Float>, d: Int,
        into g: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, kernel: Kernel? = best
    ) {
        precondition(kernel.map(available.contains) ?? false && k <= largestK, "SkinnyProducts: kernel \(String(describing: kernel)) unavailable or K > \(largestK)")
        switch kernel {
        case .avx512: CSkinnyGEMM_accumulateTransposedTimesRows512(r, rows, k, x, d, g, scratch)
        default: CSkinnyGEMM_accumulateTransposedTimesRowsAVX2(r, rows, k, x, d, g, scratch)
        }
    }
}
