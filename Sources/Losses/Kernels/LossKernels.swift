import CLossKernels
import ProcessRuntime

/// Swift entry points of the loss-specific C kernels (`CLossKernels`): the sigmoid loss's two
/// Float passes and SparseCLR's sparsemax rows. Each forwards to the C function of the same
/// name with the instruction-set level clamped to what the processor supports
/// (`CPUFeatures.vectorLevel`); the formulas, layouts and accuracy are documented in
/// `CLossKernels.h`.
enum LossKernels {
    /// The level a caller may pass: `requested`, lowered to what the processor runs.
    static func level(_ requested: CPUFeatures.VectorLevel) -> Int32 {
        Swift.min(requested, CPUFeatures.current.vectorLevel).rawValue
    }

    /// Pass 1 of the sigmoid loss on the tile pairs of one row panel (`CLossKernels_sigmoidExpPanel`).
    static func sigmoidExpPanel(
        _ requested: CPUFeatures.VectorLevel, _ c: UnsafePointer<Float>, _ e: UnsafeMutablePointer<Float>, _ n: Int,
        _ i0: Int, _ scale: Float, _ bias: Float, _ shift: Float, _ rowExpSums: UnsafeMutablePointer<Double>,
        _ columnExpSums: UnsafeMutablePointer<Double>, _ columnDifferences: UnsafeMutablePointer<Double>
    ) {
        CLossKernels_sigmoidExpPanel(
            level(requested), c, e, n, i0, scale, bias, shift, rowExpSums, columnExpSums, columnDifferences)
    }

    /// Pass 2 of the sigmoid loss on one tile pair, in place (`CLossKernels_sigmoidGradientTilePair`).
    static func sigmoidGradientTilePair(
        _ requested: CPUFeatures.VectorLevel, _ c: UnsafePointer<Float>, _ eg: UnsafeMutablePointer<Float>, _ n: Int,
        _ i0: Int, _ j0: Int, _ scale: Float, _ bias: Float, _ gamma: Float, _ gradientScale: Float,
        _ klFactor: Float, _ shift: Float, _ inverseRowSums: UnsafePointer<Float>,
        _ inverseColumnSums: UnsafePointer<Float>, _ columnLSE: UnsafePointer<Float>, _ rowLSE: UnsafePointer<Float>,
        _ kl: UnsafePointer<Float>, _ sums: UnsafeMutablePointer<Double>
    ) {
        CLossKernels_sigmoidGradientTilePair(
            level(requested), c, eg, n, i0, j0, scale, bias, gamma, gradientScale, klFactor, shift, inverseRowSums,
            inverseColumnSums, columnLSE, rowLSE, kl, sums)
    }

    /// SparseCLR's sparsemax loss and gradient for one row (`CLossKernels_sparsemaxRow`).
    static func sparsemaxRow(
        _ requested: CPUFeatures.VectorLevel, _ c: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ n: Int,
        _ row: Int, _ partner: Int, _ floor: Float, _ weight: Double, _ scratch: UnsafeMutablePointer<Double>
    ) -> Double {
        CLossKernels_sparsemaxRow(level(requested), c, g, n, row, partner, floor, weight, scratch)
    }
}
