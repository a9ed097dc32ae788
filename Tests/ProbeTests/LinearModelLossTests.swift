import LinearAlgebra
import Probe
import TestSupport
import Testing

@Suite struct LinearModelLossTests {
    /// Float features (the AVX-512 kernels where available, row blocks over both cores at this
    /// size) give the Double objective and gradient to float32 accuracy, with remainders in every
    /// dimension (5003 rows, 203 columns, 11 classes) and sample weights.
    @Test(arguments: [11, 45])
    func floatEvaluationMatchesDouble(k: Int) {
        // K = 45: more classes than the skinny kernels take, OpenBLAS products and the
        // vectorised Float softmax.
        var rng = RepeatableRandomNumberGenerator(seed: 31)
        let (n, d) = (5003, 203)
        let x = Matrix<Double>(rows: n, columns: d, elements: (0..<(n * d)).map { _ in rng.nextGaussian() })
        let labels = (0..<n).map { _ in Int.random(in: 0..<k, using: &rng) }
        let weights = (0..<n).map { _ in Double.random(in: 0.5...2, using: &rng) }
        let parameters = (0..<(k * (d + 1))).map { _ in 0.05 * rng.nextGaussian() }
        let double = LinearModelLoss(features: x, labels: labels, classCount: k, sampleWeights: weights, inverseRegularization: 0.7)
        let single = LinearModelLoss(features: x.converted(to: Float.self), labels: labels, classCount: k, sampleWeights: weights, inverseRegularization: 0.7)
        var g64 = [Double](repeating: 0, count: parameters.count), g32 = g64
        let f64 = double.lossAndGradient(parameters, gradient: &g64)
        let f32 = single.lossAndGradient(parameters, gradient: &g32)
        #expect(isApproximatelyEqual(f32, f64, absoluteTolerance: 1e-6, relativeTolerance: 1e-5))
        let scale = g64.map(abs).max() ?? 1
        #expect(firstMismatch(g32, g64, absoluteTolerance: 1e-4 * scale, relativeTolerance: 1e-4) == nil)
    }
}
