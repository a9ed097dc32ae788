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

/// One row of the final table.
struct RunSummary: Codable {
    var run: String
    var testAccuracy: Double
    var mae: Double?
    var qwk: Double?
    var probeAccuracy: Double
    var probeMAE: Double?
    var probeQWK: Double?
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
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    try encoder.encode(report).write(to: URL(fileURLWithPath: reportPath), options: .atomic)
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
