import ArrayFiles
import LinearAlgebra
import Probe
import TestSupport
import Testing

/// Golden optima of docs/reference/linear-probe.md, "Golden values": digits, test rows i % 4 == 3, features standardised
/// in float64 with the training statistics, multinomial with intercept (sklearn 1.9.1).
@Suite struct ProbeGoldenTests {
    static func digits() throws -> (train: Matrix<Double>, trainLabels: [Int], test: Matrix<Double>, testLabels: [Int]) {
        let x = try NPYArray(contentsOfFile: packageRootPath + "/data/digits_x.npy").matrix(of: Double.self)
        let y = try NPYArray(contentsOfFile: packageRootPath + "/data/digits_y.npy").integers()
        let testRows = (0..<x.rows).filter { $0 % 4 == 3 }
        let trainRows = (0..<x.rows).filter { $0 % 4 != 3 }
        let train = x.selectingRows(trainRows), test = x.selectingRows(testRows)
        let pre = Preprocessing(fitting: train, l2Normalizes: false, standardizes: true)
        return (pre.apply(train), trainRows.map { y[$0] }, pre.apply(test), testRows.map { y[$0] })
    }

    private func accuracy(_ model: LogisticRegressionModel, _ x: Matrix<Double>, _ y: [Int]) -> Double {
        let p = model.probabilities(x)
        var correct = 0
        for i in 0..<x.rows {
            var best = 0
            for k in 1..<p.columns where p[i, k] > p[i, best] { best = k }
            if model.classes[best] == y[i] { correct += 1 }
        }
        return Double(correct) / Double(x.rows)
    }

    @Test(arguments: [(1.0, 0.0684905492, 0.99777, 0.95546, 10.117876), (0.1, 0.2258979730, 0.98516, 0.94655, 5.457330)])
    func tightToleranceOptimaMatchSklearn(c: Double, objective: Double, trainAccuracy: Double, testAccuracy: Double, weightNorm: Double) throws {
        let data = try Self.digits()
        var options = LogisticRegressionOptions()
        options.inverseRegularization = c
        options.optimizer.gradientTolerance = 1e-10
        options.optimizer.maximumIterations = 10_000
        let fit = try fitLogisticRegression(features: data.train, labels: data.trainLabels, options: options)
        // docs/reference/linear-probe.md, "Golden values": a correct implementation reproduces the tight optima to ≤ 1e-7 in float64.
        #expect(isApproximatelyEqual(fit.optimization.value, objective, absoluteTolerance: 1e-7, relativeTolerance: 0), "objective \(fit.optimization.value)")
        #expect(fit.converged)
        // Accuracies are printed with 5 decimals, ‖W‖_F with 6 by the reference run.
        #expect(abs(accuracy(fit.model, data.train, data.trainLabels) - trainAccuracy) < 5e-6)
        #expect(abs(accuracy(fit.model, data.test, data.testLabels) - testAccuracy) < 5e-6)
        #expect(abs(fit.model.weightNorm - weightNorm) < 1e-4)
    }

    @Test(arguments: [(1.0, 0.0684905492), (0.1, 0.2258979730)])
    func defaultToleranceFitLandsNearTheOptimum(c: Double, optimum: Double) throws {
        let data = try Self.digits()
        var options = LogisticRegressionOptions()
        options.inverseRegularization = c
        options.optimizer.maximumIterations = 1000
        let fit = try fitLogisticRegression(features: data.train, labels: data.trainLabels, options: options)
        // docs/reference/linear-probe.md, "Golden values": at tol 1e-4 a correct fit lands within ~5e-5 of the optimum.
        #expect(fit.optimization.value - optimum < 5e-5 && fit.optimization.value >= optimum - 1e-9, "objective \(fit.optimization.value)")
        #expect(fit.optimization.maximumGradient <= 1e-4 && fit.converged)
        // Float32 features give the same fit to float32 precision.
        let single = try fitLogisticRegression(features: data.train.converted(to: Float.self), labels: data.trainLabels, options: options)
        #expect(abs(single.optimization.value - optimum) < 1e-4)
    }
}
