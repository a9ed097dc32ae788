import CVectorMath
public import ProcessRuntime

/// Single-precision elementwise kernels of the losses' O(N²) passes, in C (`CVectorMath`):
/// 16 lanes with AVX-512F, AVX2 + FMA, or the baseline SSE2, chosen at run time (Swift's own
/// SIMD types compile to the baseline's four lanes without FMA, see `CVectorMath.h`).
///
/// Accuracy, for every kernel set (checked in the tests against the C library on dense grids):
/// `exponential` ≤ 2 ulp relative on [−87.3, 88] (0 below −87.34, e^88 above 88, NaN kept) and
/// `logOnePlus` ≤ 2 ulp for x ≥ 0 (+∞ and NaN kept).
public enum VectorMath {
    /// A compilation of the kernels: the processor's instruction-set levels.
    public typealias KernelSet = CPUFeatures.VectorLevel

    /// The fastest set this processor supports (`CPUFeatures.vectorLevel`: the environment
    /// variable `CONTRASTIVEBOARD_VECTOR_LEVEL` = 0, 1 or 2 lowers it); decided once per process.
    public static let best: KernelSet = CPUFeatures.current.vectorLevel

    /// Every set this processor runs, fastest first.
    public static var available: [KernelSet] { KernelSet.allCases.filter { $0 <= best }.reversed() }

    /// `y[j] = exp(scale · max(x[j], floor))`; x and y may be the same memory. The exponential
    /// every kernel here uses, on its own (the accuracy tests check it through this).
    ///
    /// - Parameters:
    ///   - x: n arguments.
    ///   - y: Receives n values (at least x.count elements).
    ///   - scale: Multiplies the (clamped) argument, default 1.
    ///   - floor: Lower clamp of x, default −∞ (none).
    ///   - kernels: The set to run (default `best`; a higher one runs as `best`).
    public static func exponential(
        _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count n: Int, scale: Float = 1, floor: Float = -.infinity,
        kernels: KernelSet = best
    ) {
        CVectorMath_exp(Swift.min(kernels, best).rawValue, x, y, n, scale, floor)
    }

    /// `y[j] = log(1 + x[j])` for `x[j] ≥ 0`; x and y may be the same memory. The logarithm of
    /// the sigmoid loss's kernel, on its own (the accuracy tests check it through this).
    ///
    /// - Parameters:
    ///   - x: n arguments ≥ 0.
    ///   - y: Receives n values.
    ///   - kernels: The set to run (default `best`).
    public static func logOnePlus(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count n: Int, kernels: KernelSet = best) {
        CVectorMath_log1p(Swift.min(kernels, best).rawValue, x, y, n)
    }

    /// `y[j] = exp(scale·max(x[j], floor) − shift)` with 0 at the left-out columns; x and y may
    /// be the same.
    ///
    /// - Parameters:
    ///   - x: n arguments.
    ///   - y: Receives n values.
    ///   - scale: Multiplies the (clamped) x.
    ///   - shift: Subtracted after scaling.
    ///   - floor: Lower clamp of x, default −∞ (none).
    ///   - e0: A left-out column or −1.
    ///   - e1: A left-out column or −1.
    ///   - kernels: The set to run (default `best`).
    /// - Returns: Σ y, in Float lanes per 256 entries and in Double across them.
    public static func exponentialSum(
        _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count n: Int, scale: Float, shift: Float, floor: Float = -.infinity,
        excluding e0: Int, _ e1: Int, kernels: KernelSet = best
    ) -> Double {
        CVectorMath_expSumRow(Swift.min(kernels, best).rawValue, x, y, n, scale, shift, floor, e0, e1)
    }

    /// `x[j] *= rowFactor + columnFactors[j]` for j < n.
    public static func scaleByRowPlusColumn(
        _ x: UnsafeMutablePointer<Float>, count n: Int, rowFactor: Float, columnFactors: UnsafePointer<Float>, kernels: KernelSet = best
    ) {
        CVectorMath_scaleByRowPlusColumn(Swift.min(kernels, best).rawValue, x, n, rowFactor, columnFactors)
    }

    /// Row normalisation: `norms[i] = ‖x_i‖₂`, `y_i = x_i / max(norms[i], ε)`.
    ///
    /// - Parameters:
    ///   - x: `[rows, columns]`, dense row-major.
    ///   - y: Receives the unit rows (may be x).
    ///   - rows: Row count.
    ///   - columns: Row length.
    ///   - epsilon: ε, the floor of the divisor.
    ///   - norms: Receives the rows' norms.
    ///   - kernels: The set to run (default `best`).
    public static func normalizeRows(
        _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, rows: Int, columns: Int, epsilon: Float, norms: UnsafeMutablePointer<Float>,
        kernels: KernelSet = best
    ) {
        CVectorMath_normalizeRows(Swift.min(kernels, best).rawValue, x, y, rows, columns, epsilon, norms)
    }

    /// Backward of `normalizeRows` in place: `g_i ← (g_i − (g_i·y_i)·y_i)/norms[i]` for rows with
    /// norm > ε, `g_i/ε` for the others.
    ///
    /// - Parameters:
    ///   - g: ∂L/∂y, `[rows, columns]`; overwritten with ∂L/∂x.
    ///   - normalized: y, the unit rows.
    ///   - rows: Row count.
    ///   - columns: Row length.
    ///   - norms: The forward norms.
    ///   - epsilon: The forward ε.
    ///   - kernels: The set to run (default `best`).
    public static func normalizeRowsBackward(
        _ g: UnsafeMutablePointer<Float>, normalized: UnsafePointer<Float>, rows: Int, columns: Int, norms: UnsafePointer<Float>, epsilon: Float,
        kernels: KernelSet = best
    ) {
        CVectorMath_normalizeRowsBackward(Swift.min(kernels, best).rawValue, g, normalized, rows, columns, norms, epsilon)
    }


    /// One row of `Matrix.scaledSoftmaxAndLogSumExpRows` on Float data.
    ///
    /// - Parameters:
    ///   - x: The row's n entries.
    ///   - p: Receives `probabilityScale · softmax(scale · x)` over the kept entries, 0 at the
    ///     left-out ones (all zeros when nothing is kept).
    ///   - n: Row length.
    ///   - scale: > 0.
    ///   - probabilityScale: Multiplies the probabilities.
    ///   - e0: A left-out column or −1.
    ///   - e1: A left-out column or −1.
    ///   - kernels: The set to run (default `best`).
    /// - Returns: The shift (scale · max over kept entries) and Σ_kept exp(scale·x − shift),
    ///   summed in Float lanes per 256 entries and in Double across them (0 when nothing is kept).
    public static func scaledSoftmaxRow(
        _ x: UnsafePointer<Float>, into p: UnsafeMutablePointer<Float>, count n: Int, scale: Float, probabilityScale: Float,
        excluding e0: Int, _ e1: Int, kernels: KernelSet = best
    ) -> (shift: Float, sum: Double) {
        var shift: Float = 0
        let sum = CVectorMath_scaledSoftmaxRow(Swift.min(kernels, best).rawValue, x, p, n, scale, probabilityScale, e0, e1, &shift)
        return (shift, sum)
    }
}
