import ArrayFiles
import Foundation
import LinearAlgebra
import Probe
import TestSupport
import Testing
import Training

/// Agreement with scikit-learn 1.9.1 on its own 75/25 stratified splits (docs/reference/linear-probe.md,
/// "Reference figures"); the split row indices and the wine/breast data are fixtures made once with sklearn.
@Suite struct ProbeReferenceTests {
    static let fixtures = packageRootPath + "/Tests/ProbeTests/Fixtures/"

    static func split(_ name: String, x: Matrix<Double>, y: [Int]) throws -> (Matrix<Double>, [Int], Matrix<Double>, [Int]) {
        let train = try NPYArray(contentsOfFile: fixtures + name + "_train_rows.npy").integers()
        let test = try NPYArray(contentsOfFile: fixtures + name + "_test_rows.npy").integers()
        return (x.selectingRows(train), train.map { y[$0] }, x.selectingRows(test), test.map { y[$0] })
    }

    static func dataset(_ name: String) throws -> (Matrix<Double>, [Int]) {
        if name == "digits" {
            return (try NPYArray(contentsOfFile: packageRootPath + "/data/digits_x.npy").matrix(of: Double.self),
                    try NPYArray(contentsOfFile: packageRootPath + "/data/digits_y.npy").integers())
        }
        return (try NPYArray(contentsOfFile: fixtures + name + "_x.npy").matrix(of: Double.self), try NPYArray(contentsOfFile: fixtures + name + "_y.npy").integers())
    }

    /// (dataset, n_iter, test accuracy, tight-tolerance optimum) from docs/reference/linear-probe.md, "Reference figures".
    @Test(arguments: [("wine", 15, 1.0, 0.0839747418), ("breast", 18, 0.95804, 0.0635191517), ("digits", 32, 0.96889, 0.0696711861)])
    func agreesWithSklearnOnItsSplits(name: String, iterations: Int, testAccuracy: Double, optimum: Double) throws {
        let (x, y) = try Self.dataset(name)
        let (train, trainLabels, test, testLabels) = try Self.split(name, x: x, y: y)
        var configuration = LinearProbeConfiguration()
        configuration.model.optimizer.maximumIterations = 1000
        let (report, _) = try runLinearProbe(train: train, trainLabels: trainLabels, test: test, testLabels: testLabels, configuration: configuration)
        // Test accuracy printed with 5 decimals; sklearn's and a second L-BFGS's predictions were identical.
        #expect(abs(report.testAccuracy - testAccuracy) < 5e-6, "\(name): \(report.testAccuracy)")
        #expect(report.converged)
        // Two correct L-BFGS codes stop at different points at tol 1e-4 (docs/reference/linear-probe.md, "Reference figures"): ~1e-4 on the
        // objective for these small sets; the iteration counts agree within a few.
        #expect(report.objective - optimum < 1e-4 && report.objective >= optimum - 1e-9)
        #expect(abs(report.nIter - iterations) <= 3, "\(name): \(report.nIter) iterations")
        // Tight tolerance: the optimum itself to 1e-7 (docs/reference/linear-probe.md, "Golden values"). Breast is binary (K = 2): the
        // symmetric two-class fit at C/2 reproduces sklearn's binomial optimum at C = 1 (docs/reference/linear-probe.md, "Binary problems").
        configuration.model.optimizer.gradientTolerance = 1e-10
        configuration.model.optimizer.maximumIterations = 10_000
        let tight = try runLinearProbe(train: train, trainLabels: trainLabels, test: test, testLabels: testLabels, configuration: configuration).report
        #expect(abs(tight.objective - optimum) < 1e-7, "\(name): \(tight.objective)")
    }

    @Test func digitsOnSklearnSplitMatchesBalancedAccuracyAndRecalls() throws {
        let (x, y) = try Self.dataset("digits")
        let (train, trainLabels, test, testLabels) = try Self.split("digits", x: x, y: y)
        var configuration = LinearProbeConfiguration()
        configuration.model.optimizer.maximumIterations = 1000
        let (report, _) = try runLinearProbe(train: train, trainLabels: trainLabels, test: test, testLabels: testLabels, configuration: configuration)
        // docs/reference/linear-probe.md, "Reference figures": balanced accuracy 0.96862, per-class recall to 4 decimals, top-5 = 1.
        #expect(abs(report.balancedAccuracy - 0.96862) < 5e-6)
        let recalls = [1, 0.9783, 0.9773, 1, 0.9556, 0.9348, 0.9778, 1, 0.907, 0.9556]
        #expect(firstMismatch(report.perClassAccuracy, recalls, absoluteTolerance: 5e-5, relativeTolerance: 0) == nil)
        #expect(report.top5Accuracy == 1)
        // Test log-loss 0.114033 (6 decimals; default-tol stopping points differ slightly).
        #expect(abs(report.logLoss - 0.114033) < 2e-4)
    }

    @Test func diamondsOrdinalMetricsMatchSklearn() throws {
        let (x, y) = try Diamonds.loadUnsplit(path: packageRootPath + "/data/diamonds.csv")
        let (train, trainLabels, test, testLabels) = try Self.split("diamonds", x: x, y: y)
        var configuration = LinearProbeConfiguration()
        configuration.model.optimizer.maximumIterations = 1000
        configuration.ordinal = true
        let (report, _) = try runLinearProbe(train: train, trainLabels: trainLabels, test: test, testLabels: testLabels, configuration: configuration)
        // docs/reference/linear-probe.md, "Reference figures" (diamonds, tol 1e-4): accuracy 0.65562, balanced 0.5298, MAE 0.54394, QWK 0.54481; within 1e-3.
        #expect(abs(report.testAccuracy - 0.65562) < 1e-3)
        #expect(abs(report.balancedAccuracy - 0.5298) < 1e-3)
        #expect(abs((report.mae ?? 0) - 0.54394) < 1e-3)
        #expect(abs((report.qwk ?? 0) - 0.54481) < 1e-3)
        #expect(report.converged)
    }

    @Test func quadraticKappaNeedsTheFullLabelList() {
        // The pitfall of docs/reference/linear-probe.md, "Metrics": class 2 absent from both vectors.
        let truth = [0, 0, 1, 3, 3, 4], predicted = [0, 1, 1, 3, 4, 4]
        #expect(abs(quadraticWeightedKappa(truth: truth, predicted: predicted, labels: [0, 1, 2, 3, 4]) - 0.9340659340659341) < 1e-15)
        #expect(abs(quadraticWeightedKappa(truth: truth, predicted: predicted, labels: [0, 1, 3, 4]) - 0.8695652173913043) < 1e-15)
    }

    @Test func binaryFitEqualsSymmetricMultinomialAtHalfC() throws {
        // K = 2 is fitted as the symmetric two-class model at C/2; w₁ − w₀ is then sklearn's
        // binary weight vector, and the two rows are opposite (Σ_k W_k = 0, docs/reference/linear-probe.md, "Binary problems").
        let (x, y) = try Self.dataset("breast")
        let pre = Preprocessing(fitting: x, l2Normalizes: false, standardizes: true)
        var options = LogisticRegressionOptions()
        options.optimizer.gradientTolerance = 1e-10
        options.optimizer.maximumIterations = 10_000
        let fit = try fitLogisticRegression(features: pre.apply(x), labels: y, options: options)
        let d = x.columns
        for j in 0..<d { #expect(abs(fit.model.parameters[j] + fit.model.parameters[d + j]) < 1e-8) }
        #expect(abs(fit.model.parameters[2 * d] + fit.model.parameters[2 * d + 1]) < 1e-8)
    }
}
