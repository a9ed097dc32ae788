import ProcessRuntime
import Foundation
import LinearAlgebra
@testable import Losses
import TestSupport
import Testing

/// The sigmoid loss's two Float passes (`LossKernels.sigmoidExpPanel`, `…GradientTilePair`),
/// run as the loss runs them, entry by entry against the same formulas in Double (docs/reference/contrastive-losses.md, "Gradient"
/// with the shared shift s + b): the row, column and difference sums of pass 1 to 2·10⁻⁶
/// relative, and every entry of G to 4·10⁻⁶ of the largest (a few Float roundings of E's
/// argument and of the terms) and, without the KL part, to 4·10⁻⁶ of itself, for every kernel
/// set, on sizes with a tail, with logits whose e = exp(−|l|) lie below and above 1/32 (pass
/// 2's two evaluations of 1/(1 + e) and log(1 + e)).
@Suite struct SigmoidKernelTests {
    @Test(arguments: [
        (2.718, -5.0, 1.0, 1.0, 37), (5.0, -5.0, 0.5, 1.0, 48), (5.0, -2.0, 2.0, 0.0, 21), (1.0, 0.5, 0.0, 1.0, 33), (2.718, -5.0, 1.0, 0.0, 37),
        (2.718, -5.0, 0.5, 0.0, 40),
    ])
    func passesMatchDouble(scale: Double, bias: Double, gamma: Double, alpha: Double, n: Int) {
        var rng = RepeatableRandomNumberGenerator(seed: UInt64(n))
        let cosines = (0..<(n * n)).map { _ in Float(Swift.max(-1, Swift.min(1, 0.5 * rng.nextGaussian()))) }
        let (s, b) = (Float(scale), Float(bias))
        let shift = s + b
        let c = cosines.map(Double.init), ds = Double(s), db = Double(b), dshift = Double(shift)
        // Double reference.
        let e = c.map { Foundation.exp(ds * $0 + db - dshift) }
        var rowSums = [Double](repeating: 0, count: n), columnSums = rowSums, differences = rowSums
        for i in 0..<n {
            for j in 0..<n {
                rowSums[i] += e[i * n + j]
                columnSums[j] += e[i * n + j]
                differences[j] += e[i * n + j] * (c[i * n + j] - c[j * n + i])
            }
        }
        let rowLSE = rowSums.map { dshift + Foundation.log($0) }, columnLSE = columnSums.map { dshift + Foundation.log($0) }
        let kl = (0..<n).map { ds * differences[$0] / columnSums[$0] + rowLSE[$0] - columnLSE[$0] }
        var expected = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                let l = ds * c[i * n + j] + db, lt = ds * c[j * n + i] + db
                let sign: Double = i == j ? 1 : -1
                let z = sign * l
                let p = 1 / (1 + Foundation.exp(-z)), logP = z >= 0 ? -Foundation.log1p(Foundation.exp(-z)) : z - Foundation.log1p(Foundation.exp(z))
                let q = 1 - p, w = Foundation.pow(q, gamma)
                var g = sign * (gamma * p * w * logP - w * q) / Double(n)
                let qji = e[i * n + j] / columnSums[j]
                let mji = qji * ((l - columnLSE[j]) - (lt - rowLSE[j]) - kl[j])
                g += alpha / Double(n) * (mji + e[i * n + j] / rowSums[i] - e[j * n + i] / columnSums[i])
                expected[i * n + j] = g
            }
        }
        let largest = expected.map(abs).max()!
        for kernels in VectorMath.available {
            var eg = [Float](repeating: .nan, count: n * n)
            var partials = [Double](repeating: 0, count: 3 * n), sums = [Double](repeating: 0, count: 3)
            let panels = (n + 15) / 16
            cosines.withUnsafeBufferPointer { cp in
                eg.withUnsafeMutableBufferPointer { gp in
                    partials.withUnsafeMutableBufferPointer { pp in
                        for panel in 0..<panels {
                            LossKernels.sigmoidExpPanel(
                                kernels, cp.baseAddress!, gp.baseAddress!, n, 16 * panel, s, b, shift, pp.baseAddress!, pp.baseAddress! + n,
                                pp.baseAddress! + 2 * n)
                        }
                    }
                }
            }
            #expect(firstMismatch(Array(partials[0..<n]), rowSums, absoluteTolerance: 0, relativeTolerance: 2e-6) == nil, "\(kernels)")
            #expect(firstMismatch(Array(partials[n..<(2 * n)]), columnSums, absoluteTolerance: 0, relativeTolerance: 2e-6) == nil, "\(kernels)")
            #expect(firstMismatch(Array(partials[(2 * n)...]), differences, absoluteTolerance: 2e-6 * columnSums.max()!, relativeTolerance: 2e-6) == nil, "\(kernels)")
            // Pass 2 from the Float forms of the (reference) sums, as the loss converts its own.
            let inverseRows = rowSums.map { Float(1 / $0) }, inverseColumns = columnSums.map { Float(1 / $0) }
            let (columnLSEF, rowLSEF, klF) = (columnLSE.map(Float.init), rowLSE.map(Float.init), kl.map(Float.init))
            cosines.withUnsafeBufferPointer { cp in
                eg.withUnsafeMutableBufferPointer { gp in
                    sums.withUnsafeMutableBufferPointer { sp in
                        for panel in 0..<panels {
                            for other in panel..<panels {
                                LossKernels.sigmoidGradientTilePair(
                                    kernels, cp.baseAddress!, gp.baseAddress!, n, 16 * panel, 16 * other, s, b, Float(gamma), 1 / Float(n),
                                    Float(alpha / Double(n)), shift, inverseRows, inverseColumns, columnLSEF, rowLSEF, klF, sp.baseAddress!)
                            }
                        }
                    }
                }
            }
            #expect(firstMismatch(eg.map(Double.init), expected, absoluteTolerance: 4e-6 * largest, relativeTolerance: 0) == nil, "\(kernels)")
            if alpha == 0 {
                // The sigmoid part alone has no cancellation: every entry to 4·10⁻⁶ of itself.
                #expect(firstMismatch(eg.map(Double.init), expected, absoluteTolerance: 1e-12 * largest, relativeTolerance: 4e-6) == nil, "\(kernels)")
            }
            #expect(isApproximatelyEqual(sums[1], expected.reduce(0, +), absoluteTolerance: 1e-5 * largest * Double(n), relativeTolerance: 1e-5), "\(kernels)")
        }
    }
}
