import CSkinnyGEMM

/// The two products of a row-blocked linear model with few outputs, on dense row-major blocks:
/// `Z = X·Wᵀ` and `G += Rᵀ·X`, with X a block of rows `[rows, d]` and W, G with K ≤ 32 rows.
///
/// On a processor with AVX-512 these run in the register-tiled C kernels of `CSkinnyGEMM`,
/// about twice as fast as OpenBLAS for K ≈ 10 (which packs X once per product and pads K);
/// `isVectorized` says whether they are used. Callers keep an OpenBLAS path for the other
/// cases (Double data, K > 32, no AVX-512). Accumulation is in Float, as in SGEMM.
public enum SkinnyProducts {
    /// Largest K the kernels take.
    public static var largestK: Int { 32 }

    /// Whether the AVX-512 kernels can run here (decided once per process).
    public static let isVectorized: Bool = CSkinnyGEMM_isAvailable() != 0

    /// `z[i, c] = Σ_j x[i, j]·w[c, j]` (overwrites z). Requires `isVectorized` and k ≤ `largestK`.
    ///
    /// - Parameters:
    ///   - x: `[rows, d]`, dense row-major.
    ///   - w: `[k, d]`, dense row-major.
    ///   - z: Receives `[rows, k]`, dense row-major.
    ///   - zeros: At least d zeros (the kernel's padding row).
    public static func rowsTimesTransposed(
        _ x: UnsafePointer<Float>, rows: Int, d: Int, _ w: UnsafePointer<Float>, k: Int,
        into z: UnsafeMutablePointer<Float>, zeros: UnsafePointer<Float>
    ) {
        precondition(isVectorized && k <= largestK, "SkinnyProducts needs AVX-512 and K ≤ \(largestK)")
        CSkinnyGEMM_rowsTimesTransposed(x, rows, d, w, k, z, zeros)
    }

    /// `g[c, j] += Σ_i r[i, c]·x[i, j]`. Requires `isVectorized` and k ≤ `largestK`.
    ///
    /// - Parameters:
    ///   - r: `[rows, k]`, dense row-major.
    ///   - x: `[rows, d]`, dense row-major.
    ///   - g: `[k, d]`, dense row-major, accumulated into.
    ///   - scratch: At least `10·rows` floats of working space.
    public static func accumulateTransposedTimesRows(
        _ r: UnsafePointer<Float>, rows: Int, k: Int, _ x: UnsafePointer<Float>, d: Int,
        into g: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
    ) {
        precondition(isVectorized && k <= largestK, "SkinnyProducts needs AVX-512 and K ≤ \(largestK)")
        CSkinnyGEMM_accumulateTransposedTimesRows(r, rows, k, x, d, g, scratch)
    }
}
