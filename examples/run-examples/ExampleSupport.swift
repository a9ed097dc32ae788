import Foundation
import LinearAlgebra
import Probe
import TensorBoard
import Training

/// Why an example stopped.
struct ExampleError: Error, CustomStringConvertible {
    var description: String

    /// Training produced a non-finite loss.
    static func diverged(run: String, step: Int, term: String, value: Double) -> ExampleError {
        ExampleError(description: "\(run): training diverged at step \(step): the \(term) loss is \(value); lower the learning rate or change the seed (the event files written so far are intact)")
    }
}

/// One run's results (an entry of summary.json; the table aggregates the seeds of a run).
struct RunSummary: Codable {
    /// The run's directory under the log root, e.g. `diamonds/cloc-phase2/seed-0`.
    var run: String
    /// The table row it belongs to, e.g. `diamonds/cloc-phase2`.
    var method: String
    var seed: UInt64
    /// The trained model's own test metrics (NaN for encoders without a classifier head).
    var testAccuracy: Double
    var mae: Double?
    var qwk: Double?
    /// Linear probe of the frozen features.
    var probeAccuracy: Double
    var probeMAE: Double?
    var probeQWK: Double?
    /// Weighted k-NN (k = 20, T = 0.07) of the frozen features, when evaluated.
    var knnAccuracy: Double?

    enum CodingKeys: String, CodingKey {
        case run, method, seed, mae, qwk
        case testAccuracy = "test_accuracy", probeAccuracy = "probe_accuracy", probeMAE = "probe_mae", probeQWK = "probe_qwk"
        case knnAccuracy = "knn_accuracy"
    }
}

/// DINO's weighted k-NN top-1 accuracy of frozen features (k = 20, T = 0.07); writes the
/// report next to the run.
func knnProbe(train: Matrix<Float>, trainLabels: [Int], test: Matrix<Float>, testLabels: [Int], reportPath: String) throws -> Double {
    var options = KNNOptions()
    options.neighbourCounts = [20]
    let results = try KNNClassifier(features: train, labels: trainLabels).evaluate(test, labels: testLabels, options: options)
    let report = KNNReport(results: results, trainRows: train.rows, testRows: test.rows, featureCount: train.columns, classCount: Set(trainLabels).count, seconds: 0)
    try ReportJSON.write(report, toFile: reportPath)
    return results[0].top1Accuracy
}

/// The model's own test metrics (argmax of its logits).
func evaluate(_ network: MultilayerPerceptron<Float>, _ x: Matrix<Float>, _ labels: [Int], classCount: Int, ordinal: Bool) throws -> ClassificationMetrics {
    let logits = try network.forward(x).output.converted(to: Double.self)
    return classificationMetrics(probabilities: logits.softmaxRows(), classes: Array(0..<classCount), truth: labels, ordinal: ordinal)
}

/// Probes frozen features with the linear probe; writes the report next to the run.
func probe(train: Matrix<Float>, trainLabels: [Int], test: Matrix<Float>, testLabels: [Int], ordinal: Bool, reportPath: String) throws -> ProbeReport {
    var configuration = LinearProbeConfiguration()
    configuration.ordinal = ordinal
    configuration.model.optimizer.maximumIterations = 500
    let (report, _) = try runLinearProbe(train: train, trainLabels: trainLabels, test: test, testLabels: testLabels, configuration: configuration)
    try ReportJSON.write(report, toFile: reportPath)
    return report
}

/// Prints one progress line.
func progress(_ run: String, epoch: Int, of epochs: Int, _ fields: [(String, Double)]) {
    let text = fields.map { String(format: "%@ %.4f", $0.0, $0.1) }.joined(separator: "  ")
    print("\(run) epoch \(epoch)/\(epochs)  \(text)")
}

/// Concatenates the rows of two matrices.
func stack(_ a: Matrix<Float>, _ b: Matrix<Float>) -> Matrix<Float> {
    Matrix(rows: a.rows + b.rows, columns: a.columns, elements: a.elements + b.elements)
}

/// Adds two same-shaped matrices.
func sum(_ a: Matrix<Float>, _ b: Matrix<Float>) -> Matrix<Float> {
    Matrix(rows: a.rows, columns: a.columns, elements: zip(a.elements, b.elements).map { $0 + $1 })
}
