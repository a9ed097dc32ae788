import ArgumentParser
import ArrayFiles
import Foundation
import ProcessRuntime
import Probe
import ToolSupport

/// `knn-probe`: evaluate frozen features with DINO's weighted k-nearest-neighbour classifier.
@main
struct KNNProbeCommand: ParsableCommand {
    /// Applies the tuned process configuration (adjustable by `CONTRASTIVEBOARD_` variables),
    /// then parses the arguments and runs.
    static func main() {
        RuntimeConfiguration.tuned.overridden(byEnvironment: true).apply()
        Self.main(nil)
    }

    static let configuration = CommandConfiguration(
        commandName: "knn-probe",
        abstract: "Weighted k-NN accuracy of frozen features (cosine similarity, votes exp(sim/T)), as DINO's eval_knn.",
        usage: """
            knn-probe --train-features <file> [--train-labels <file>]
            --test-features <file> [--test-labels <file>] [<options>]
            """,
        discussion: """
            Features: .npy (2-D float32/float64), .npz (FILE.npz:NAME), or CSV with a \
            header and a label column (then --*-labels may be omitted). Labels are any \
            integers.

            Rows are L2-normalised; the k most similar training rows vote for their class \
            with weight exp(similarity / T); classes are ranked by total vote. Several k \
            are evaluated in one pass. Ties: equal similarities go to the lower training \
            row, equal votes to the lower label; top-5 counts the first min(5, k) ranked \
            classes (as DINO).
            """)

    @Option(name: .long, help: "Training features (.npy, .npz[:NAME] or .csv).")
    var trainFeatures: String
    @Option(name: .long, help: "Training labels (.npy, .npz[:NAME] or .csv); default: the label column of a CSV feature file.")
    var trainLabels: String?
    @Option(name: .long, help: "Test features.")
    var testFeatures: String
    @Option(name: .long, help: "Test labels; default: the label column of a CSV feature file.")
    var testLabels: String?
    @Option(name: .long, help: "Neighbour counts, comma-separated (DINO's values by default).")
    var k: String = "10,20,100,200"
    @Option(name: .long, help: "Temperature T of the vote weights exp(sim/T) (DINO's value by default).")
    var temperature: Double = 0.07
    @Option(name: .long, help: "Write the report as JSON to this file (- is standard output; a regular file is replaced atomically).")
    var report: String?
    @Option(name: .long, help: "Label column of CSV files.")
    var labelColumn: String = "label"

    var neighbourCounts: [Int] {
        get throws {
            let parts = k.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let counts = parts.compactMap { Int($0) }
            guard !parts.isEmpty, counts.count == parts.count, counts.allSatisfy({ $0 >= 1 }) else {
                throw ValidationError("--k must be positive integers separated by commas, e.g. 10,20,100,200; got '\(k)'")
            }
            return counts
        }
    }

    func validate() throws {
        _ = try neighbourCounts
        guard temperature > 0, temperature.isFinite else { throw ValidationError("--temperature must be a positive number") }
        for (option, features, labels) in [("--train-labels", trainFeatures, trainLabels), ("--test-labels", testFeatures, testLabels)] {
            if let reason = DatasetIO.missingLabels(option: option, features: features, labels: labels, labelColumn: labelColumn) { throw ValidationError(reason) }
        }
    }

    func run() throws {
        let (trainX, trainY) = try DatasetIO.loadSplit(features: trainFeatures, labels: trainLabels, labelColumn: labelColumn)
        let (testX, testY) = try DatasetIO.loadSplit(features: testFeatures, labels: testLabels, labelColumn: labelColumn)
        var options = KNNOptions()
        options.neighbourCounts = try neighbourCounts
        options.temperature = temperature
        let r = try runKNNProbe(train: consume trainX, trainLabels: trainY, test: consume testX, testLabels: testY, options: options)
        if let unseen = r.results.first?.unseenTestLabels, unseen > 0 {
            FileHandle.standardError.write(Data("knn-probe: warning: \(unseen) test rows have labels never seen in training; they count as wrong\n".utf8))
        }
        var lines = [
            "k-NN probe: \(r.trainRows) train / \(r.testRows) test rows, \(r.featureCount) features, \(r.classCount) classes, T = \(temperature), \(String(format: "%.3f", r.seconds)) s",
            "     k    top-1     top-5     balanced  macro F1",
        ]
        for result in r.results {
            lines.append(String(
                format: "%6d    %.5f   %.5f   %.5f   %.5f", result.k, result.top1Accuracy, result.top5Accuracy, result.balancedAccuracy,
                result.classificationReport.macroAvg.f1Score))
        }
        try OutputFile.write(lines.joined(separator: "\n") + "\n", to: "-")
        if let path = report {
            let json: Data
            do { json = try ReportJSON.data(r) } catch { throw ToolError("cannot encode the report: \(error)") }
            try OutputFile.write([UInt8](json), to: path)
        }
    }
}
