import Foundation
import ArrayFiles
import LinearAlgebra
import Probe
import TestSupport
import Testing

/// The probe with K = 100 classes against scikit-learn's objective (golden values recorded by
/// scripts/generate-probe-k100-golden.py with the scikit-learn version in k100_golden.json).
@Suite struct ProbeManyClassesTests {
    static let fixtures = packageRootPath + "/Tests/ProbeTests/Fixtures/"

    struct Golden: Decodable {
        struct Fit: Decodable {
            var tol: Double
            var n_iter: Int
            var objective: Double
            var test_accuracy: Double
        }
        var sklearn: String
        var fits: [Fit]
    }

    static func load() throws -> (Matrix<Double>, [Int], Matrix<Double>, [Int], Golden) {
        func matrix(_ name: String) throws -> Matrix<Double> { try NPYArray(contentsOfFile: fixtures + name).matrix(of: Double.self) }
        func labels(_ name: String) throws -> [Int] { try NPYArray(contentsOfFile: fixtures + name).integers() }
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: URL(fileURLWithPath: fixtures + "k100_golden.json")))
        return (try matrix("k100_train_x.npy"), try labels("k100_train_y.npy"), try matrix("k100_test_x.npy"), try labels("k100_test_y.npy"), golden)
    }

    @Test func objectiveMatchesScikitLearnAtDefaultAndTightTolerance() throws {
        let (train, trainLabels, test, testLabels, golden) = try Self.load()
        #expect(golden.fits.count == 2)
        for fit in golden.fits {
            var configuration = LinearProbeConfiguration()
            configuration.model.optimizer.gradientTolerance = fit.tol
            configuration.model.optimizer.maximumIterations = 10_000
            let (report, model) = try runLinearProbe(train: train, trainLabels: trainLabels, test: test, testLabels: testLabels, configuration: configuration)
            #expect(model.classes.count == 100)
            #expect(report.converged)
            let relative = (report.objective - fit.objective) / fit.objective
            // Equal objective: 1e-4 relative at sklearn's tol; the optimum itself to 1e-9.
            let allowed = fit.tol < 1e-6 ? 1e-9 : 1e-4
            #expect(abs(relative) <= allowed, "tol \(fit.tol): ours \(report.objective), scikit-learn \(golden.sklearn) \(fit.objective), relative \(relative)")
            #expect(abs(report.testAccuracy - fit.test_accuracy) <= 0.004, "tol \(fit.tol): test accuracy \(report.testAccuracy) vs \(fit.test_accuracy)")
        }
    }
}
