@testable import Losses
import LinearAlgebra
import TestSupport
import Testing

/// Golden examples A1–A3 and the γ schedule of docs/reference/contrastive-losses.md, "Sigmoid contrastive loss" (original `scl_loss`, float64).
/// Values are printed with 7–9 significant digits: losses to 1e-8 relative, gradients to 2e-6
/// relative with a 1e-9 absolute floor.
@Suite struct SigmoidContrastiveTests {
    static let x = Matrix<Double>(rowArrays: [[0.5, -1.0, 2.0], [1.5, 0.3, -0.7], [-0.2, 0.8, 0.4]])
    static let xPrime = Matrix<Double>(rowArrays: [[0.6, -0.9, 1.8], [1.2, 0.5, -0.3], [0.1, 1.0, 0.2]])

    @Test func a1() throws {
        let loss = try SigmoidContrastiveLoss(logScale: 1, bias: -5, maxScale: 5, alpha: 1)
        let r = try loss.forward(online: Self.x, target: Self.xPrime, gamma: 1)
        #expect(isApproximatelyEqual(r.loss, 2.28229349, absoluteTolerance: 0, relativeTolerance: 1e-8))
        #expect(isApproximatelyEqual(r.invariance, 0.00779977322, absoluteTolerance: 0, relativeTolerance: 1e-8))
        let dx: [Double] = [-0.02795936, -0.01492253, -0.0004714262, -0.02677779, -0.07426692, -0.08920966, -0.3516135, -0.2211382, 0.2664697]
        let dxp: [Double] = [0.02353148, 0.02048621, 0.002399276, -0.006458584, 0.08999452, 0.1241565, 0.3340431, 0.02619583, -0.2980007]
        #expect(firstMismatch(r.onlineGradients[0].elements, dx, absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil)
        #expect(firstMismatch(r.targetGradients[0].elements, dxp, absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil)
        #expect(isApproximatelyEqual(r.logScaleGradient, -2.68316439, absoluteTolerance: 0, relativeTolerance: 1e-8))
        #expect(isApproximatelyEqual(r.biasGradient, -1.0292768, absoluteTolerance: 0, relativeTolerance: 1e-7))
        // Float input: the original's float32 total 2.28229332.
        let single = try loss.forward(online: Self.x.converted(to: Float.self), target: Self.xPrime.converted(to: Float.self), gamma: 1)
        #expect(isApproximatelyEqual(single.loss, 2.28229332, absoluteTolerance: 0, relativeTolerance: 1e-6))
    }

    @Test func a2ClampedScale() throws {
        let logger = InMemoryScalarLogger()
        let loss = try SigmoidContrastiveLoss(logScale: Double.logarithm(10), bias: -1, maxScale: 5, alpha: 0.5, logger: logger)
        let r = try loss.forward(online: Self.x, target: Self.xPrime, gamma: 2, step: 7)
        #expect(isApproximatelyEqual(r.loss, 0.0670249415, absoluteTolerance: 0, relativeTolerance: 1e-8))
        #expect(isApproximatelyEqual(r.invariance, 0.0038250264, absoluteTolerance: 0, relativeTolerance: 1e-8))
        let dx: [Double] = [0.005462962, 0.001974685, -0.0003783978, -0.01433899, 0.2529137, 0.07766519, 0.1184713, 0.01814096, 0.02295374]
        let dxp: [Double] = [-0.0002170681, 0.02114555, 0.01064513, -0.01610384, 0.06512575, 0.04412755, 0.3905384, 0.001262405, -0.2015812]
        #expect(firstMismatch(r.onlineGradients[0].elements, dx, absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil)
        #expect(firstMismatch(r.targetGradients[0].elements, dxp, absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil)
        #expect(r.logScaleGradient == 0)
        #expect(isApproximatelyEqual(r.biasGradient, 0.125587522, absoluteTolerance: 0, relativeTolerance: 1e-8))
        #expect(logger.scalars.map(\.tag) == ["sigmoid/total", "sigmoid/kl", "sigmoid/scale", "sigmoid/bias", "sigmoid/gamma"])
        #expect(logger.scalars[2].value == 10.000000000000002 || abs(logger.scalars[2].value - 10) < 1e-12)
    }

    @Test func a3MultiViewLoop() throws {
        let online = [[[1.0, 0], [0, 1]], [[0.8, 0.6], [-0.6, 0.8]], [[0.6, -0.8], [0.2, 0.9]]].map { Matrix<Double>(rowArrays: $0) }
        let target = [[[0.9, 0.1], [0.1, 0.9]], [[0.7, 0.7], [-0.5, 1.0]]].map { Matrix<Double>(rowArrays: $0) }
        let loss = try SigmoidContrastiveLoss(logScale: Double.logarithm(4), bias: -5, alpha: 1)
        let r = try loss.forward(online: online, target: target, gamma: 1)
        #expect(isApproximatelyEqual(r.loss, 3.37924941, absoluteTolerance: 0, relativeTolerance: 1e-8))
        #expect(isApproximatelyEqual(r.invariance, 1.13126225, absoluteTolerance: 0, relativeTolerance: 1e-8))
        #expect(isApproximatelyEqual(r.logScaleGradient, -1.38385514, absoluteTolerance: 0, relativeTolerance: 1e-8))
        #expect(isApproximatelyEqual(r.biasGradient, -0.952019874, absoluteTolerance: 0, relativeTolerance: 1e-8))
        let expected: [[Double]] = [[0, -0.82251, 0.7956229, 0], [-0.5227501, 0.6970002, -0.6385942, -0.4789457], [-0.8046557, -0.6034918, 1.273399, -0.2829775]]
        for (view, values) in expected.enumerated() {
            #expect(firstMismatch(r.onlineGradients[view].elements, values, absoluteTolerance: 1e-6, relativeTolerance: 2e-6) == nil, "view \(view)")
        }
    }

    @Test func gammaScheduleTable() {
        // docs/reference/contrastive-losses.md, "γ schedule" (γ₀ = 1, N = 20000), 10 significant digits.
        let schedule = CosineGammaSchedule()
        let table: [(Int, Double)] = [(0, 1.0), (1, 0.9999999938), (5000, 0.8535533906), (10000, 0.5), (15000, 0.1464466094), (19999, 6.1685e-09), (20000, 0), (20001, 0)]
        for (step, value) in table { #expect(abs(schedule.value(at: step) - value) < 1e-10, "step \(step)") }
    }

    @Test func singleSampleEdgeCaseAndFiniteDifferences() throws {
        // docs/reference/contrastive-losses.md, "Edge cases": n = 1, τ = 1, b = −5, α = 1, γ = 1 → 2.51528110.
        let one = try SigmoidContrastiveLoss(logScale: 1, bias: -5, alpha: 1).forward(online: Matrix<Double>(rowArrays: [[1, 2, 0.5]]), target: Matrix<Double>(rowArrays: [[0.5, 1, 1]]), gamma: 1)
        #expect(isApproximatelyEqual(one.loss, 2.51528110, absoluteTolerance: 0, relativeTolerance: 1e-8))
        var rng = RepeatableRandomNumberGenerator(seed: 3)
        let x = Matrix<Double>(rows: 4, columns: 3, elements: (0..<12).map { _ in rng.nextGaussian() })
        let y = Matrix<Double>(rows: 4, columns: 3, elements: (0..<12).map { _ in rng.nextGaussian() })
        var loss = try SigmoidContrastiveLoss(logScale: 0.7, bias: -2, alpha: 0.8)
        let r = try loss.forward(online: x, target: y, gamma: 1.5)
        let h = 1e-6
        for i in 0..<12 {
            var p = x, m = x
            p.elements[i] += h
            m.elements[i] -= h
            let numeric = (try loss.forward(online: p, target: y, gamma: 1.5).loss - loss.forward(online: m, target: y, gamma: 1.5).loss) / (2 * h)
            #expect(isApproximatelyEqual(r.onlineGradients[0].elements[i], numeric, absoluteTolerance: 1e-7, relativeTolerance: 1e-5))
        }
        loss.logScale += h
        let up = try loss.forward(online: x, target: y, gamma: 1.5).loss
        loss.logScale -= 2 * h
        let down = try loss.forward(online: x, target: y, gamma: 1.5).loss
        #expect(isApproximatelyEqual(r.logScaleGradient, (up - down) / (2 * h), absoluteTolerance: 1e-7, relativeTolerance: 1e-5))
        #expect(throws: LossError.invalidParameter(name: "gamma", value: "-1.0", reason: "must be ≥ 0")) { try loss.forward(online: x, target: y, gamma: -1) }
        #expect(throws: LossError.shapeMismatch(what: "views", expected: "[4, 3] for every view", actual: "[3, 3]")) {
            try loss.forward(online: x, target: Self.x, gamma: 1)
        }
    }
}

extension SigmoidContrastiveTests {
    /// The KL term's value against a direct row/column-softmax computation, both for ordinary
    /// scales (one shared exponential table) and for a scale above 300 (separate row and column
    /// shifts), plus the gradient by central differences on the large-scale path.
    @Test(arguments: [2.0, 400.0])
    func invarianceMatchesDirectSoftmaxesAtEveryScale(scale: Double) throws {
        var rng = RepeatableRandomNumberGenerator(seed: 11)
        let n = 5
        let x = Matrix<Double>(rows: n, columns: 3, elements: (0..<(3 * n)).map { _ in rng.nextGaussian() })
        let y = Matrix<Double>(rows: n, columns: 3, elements: (0..<(3 * n)).map { _ in rng.nextGaussian() })
        let loss = try SigmoidContrastiveLoss(logScale: Double.logarithm(scale), bias: -3, maxScale: 500, alpha: 0.5)
        let result = try loss.forward(online: x, target: y, gamma: 1)
        let cosine = try Matrix.product(x.normalizedRows().normalized, y.normalizedRows().normalized, transposingRight: true)
        let logits = Matrix(rows: n, columns: n, elements: cosine.elements.map { scale * $0 - 3 })
        let logR = (0..<n).map { i in (0..<n).map { j in logits[i, j] - logits.logSumExpRows()[i] } }
        let columnLSE = logits.transposed.logSumExpRows()
        var kl = 0.0
        for i in 0..<n {
            for j in 0..<n {
                let logQ = logits[j, i] - columnLSE[i]
                kl += Double.exponential(logQ) * (logQ - logR[i][j])
            }
        }
        kl /= Double(n)
        #expect(result.loss.isFinite && result.invariance.isFinite)
        #expect(isApproximatelyEqual(result.invariance, kl, absoluteTolerance: 1e-12, relativeTolerance: 1e-10))
        let h = 1e-7 / scale
        for i in 0..<(3 * n) {
            var p = x, m = x
            p.elements[i] += h
            m.elements[i] -= h
            let numeric = (try loss.forward(online: p, target: y, gamma: 1).loss - loss.forward(online: m, target: y, gamma: 1).loss) / (2 * h)
            #expect(isApproximatelyEqual(result.onlineGradients[0].elements[i], numeric, absoluteTolerance: 1e-6 * scale, relativeTolerance: 1e-4))
        }
    }
}

@Suite struct EMAScheduleTests {
    @Test func betaScheduleTable() {
        // docs/reference/contrastive-losses.md, "β schedule" (β_base = 0.995, K = 1000, float32 results printed with 11 digits).
        let schedule = CosineEMASchedule(base: 0.995, steps: 1000)
        let table: [(Int, Double)] = [(0, 0.99500000477), (2, 0.99500006437), (250, 0.99573224783), (500, 0.99750000238), (750, 0.99926775693), (1000, 1.0)]
        for (step, value) in table { #expect(abs(schedule.value(at: step) - value) < 1e-10, "step \(step): \(schedule.value(at: step))") }
    }
}

extension SigmoidContrastiveTests {
    /// Float input (the `CVectorMath` kernels for 2s ≤ 80, the Double passes above) agrees with
    /// Double input to float32 accuracy: loss, KL, every gradient, ∂/∂τ and ∂/∂b, for each
    /// penalty form (γ = 0, 1, other), with and without the KL gradient, on sizes with a vector
    /// tail and on the multi-view loop.
    @Test(arguments: [(0.0, 1.0, 5.0, 37), (1.0, 0.0, 5.0, 37), (0.5, 1.0, 5.0, 37), (2.0, 0.5, 30.0, 37), (1.0, 1.0, 60.0, 37), (1.0, 1.0, 5.0, 300)])
    func floatPathMatchesDouble(gamma: Double, alpha: Double, scale: Double, n: Int) throws {
        var rng = RepeatableRandomNumberGenerator(seed: 31)
        // n = 300 with d = 48 is above the size from which the passes and products split over
        // the processors (the two gradient products then run at once).
        let d = n > 100 ? 48 : 6
        let views = (0..<3).map { _ in Matrix<Double>(rows: n, columns: d, elements: (0..<(n * d)).map { _ in rng.nextGaussian() }) }
        let loss = try SigmoidContrastiveLoss(logScale: Double.logarithm(scale), bias: -4, maxScale: 100, alpha: alpha)
        let double = try loss.forward(online: views, target: Array(views[0..<2]), gamma: gamma)
        let float = try loss.forward(online: views.map { $0.converted(to: Float.self) }, target: views[0..<2].map { $0.converted(to: Float.self) }, gamma: gamma)
        #expect(isApproximatelyEqual(float.loss, double.loss, absoluteTolerance: 1e-6, relativeTolerance: 1e-5))
        #expect(isApproximatelyEqual(float.invariance, double.invariance, absoluteTolerance: 1e-6, relativeTolerance: 1e-4))
        #expect(isApproximatelyEqual(float.logScaleGradient, double.logScaleGradient, absoluteTolerance: 1e-5, relativeTolerance: 1e-4))
        #expect(isApproximatelyEqual(float.biasGradient, double.biasGradient, absoluteTolerance: 1e-5, relativeTolerance: 1e-4))
        for (f, e) in zip(float.onlineGradients + float.targetGradients, double.onlineGradients + double.targetGradients) {
            let largest = e.elements.map(abs).max() ?? 0
            #expect(firstMismatch(f.elements.map(Double.init), e.elements, absoluteTolerance: 1e-4 * largest, relativeTolerance: 1e-3) == nil)
        }
    }
}

extension SigmoidContrastiveTests {
    /// A NaN or an infinity in any view is reported with its index (Double and Float input);
    /// huge finite values are not an error.
    @Test func nonFiniteProjectionsAreRejected() throws {
        let loss = try SigmoidContrastiveLoss(alpha: 1)
        var bad = Self.xPrime
        bad.elements[4] = .nan
        #expect(throws: LossError.nonFiniteInput(what: "projections", index: 4)) { try loss.forward(online: Self.x, target: bad, gamma: 1) }
        var infinite = Self.x.converted(to: Float.self)
        infinite.elements[7] = -.infinity
        #expect(throws: LossError.nonFiniteInput(what: "projections", index: 7)) {
            try loss.forward(online: infinite, target: Self.xPrime.converted(to: Float.self), gamma: 1)
        }
        var huge = Self.x.converted(to: Float.self)
        huge.elements[0] = 3e38
        #expect(try loss.forward(online: huge, target: Self.xPrime.converted(to: Float.self), gamma: 1).loss.isFinite)
    }
}
