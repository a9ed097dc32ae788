import ArgumentParser
import ArrayFiles
import Foundation
import LinearAlgebra
import Probe
import ToolSupport

/// `linear-probe predict`: apply a model saved with `--save-model` to new features.
struct LinearProbePredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Apply a saved probe (--save-model) to features; write predictions and class probabilities.",
        usage: """
            linear-probe predict --model <file> --features <file> --output <file>
            [--labels <file>] [--label-column <name>]
            """,
        discussion: """
            The model's preprocessing (L2 normalisation, standardisation with the training \
            mean and scale) is applied first. The output .npz holds `predictions` [m] \
            (int64 labels), `probabilities` [m, K] (float64, columns in `classes` order) \
            and `classes` [K]. With --labels, the accuracy is printed too.
            """)

    @Option(name: .long, help: "The saved model (.npz from --save-model).")
    var model: String
    @Option(name: .long, help: "Features to classify (.npy, .npz[:NAME] or .csv; the label column of a CSV is skipped).")
    var features: String
    @Option(name: .long, help: "Write predictions and probabilities to this .npz file (- is standard output; a regular file is replaced atomically).")
    var output: String
    @Option(name: .long, help: "True labels (.npy, .npz[:NAME] or .csv) to print the accuracy.")
    var labels: String?
    @Option(name: .long, help: "Label column of CSV files.")
    var labelColumn: String = "label"

    func run() throws {
        let saved = try LogisticRegressionModel(contentsOfFile: model)
        let x = try DatasetIO.loadFeatures(features, labelColumn: labelColumn)
        let truth = try labels.map { try DatasetIO.loadLabels($0, labelColumn: labelColumn) }
        let prediction: (labels: [Int], probabilities: Matrix<Double>)
        switch consume x {
        case .float32(let m): prediction = try saved.predict(m)
        case .float64(let m): prediction = try saved.predict(m)
        }
        if let truth, truth.count != prediction.labels.count {
            throw ProbeError.rowCountMismatch(features: prediction.labels.count, labels: truth.count, what: "input")
        }
        let archive: Data
        do {
            archive = try NPZWriter.archive([
                ("predictions", NPYArray(shape: [prediction.labels.count], storage: .int64(prediction.labels.map(Int64.init)))),
                ("probabilities", NPYArray(shape: [prediction.probabilities.rows, prediction.probabilities.columns], storage: .float64(prediction.probabilities.elements))),
                ("classes", NPYArray(shape: [saved.classes.count], storage: .int64(saved.classes.map(Int64.init)))),
            ])
        } catch {
            throw ToolError("cannot write the predictions: \(error.description)")
        }
        try OutputFile.write([UInt8](archive), to: output)
        var line = "linear-probe predict: \(prediction.labels.count) rows, \(saved.classes.count) classes -> \(output)"
        if let truth, !truth.isEmpty {
            let correct = zip(truth, prediction.labels).filter { $0 == $1 }.count
            line += String(format: "; accuracy %.5f", Double(correct) / Double(truth.count))
        }
        // With --output -, the archive went to standard output: the summary goes to stderr.
        if output == "-" {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        } else {
            try OutputFile.write(line + "\n", to: "-")
        }
    }
}
