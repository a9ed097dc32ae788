import ArgumentParser
import ProcessRuntime
import Foundation

/// The main job: CLOC two-phase training on diamonds and contrastive pre-training on digits,
/// every run logged to TensorBoard, a summary table at the end.
@main
struct RunExamples: ParsableCommand {
    /// Applies the tuned process configuration (adjustable by `CONTRASTIVEBOARD_` variables),
    /// then parses the arguments and runs.
    static func main() {
        RuntimeConfiguration.tuned.overridden(byEnvironment: true).apply()
        Self.main(nil)
    }

    static let configuration = CommandConfiguration(
        commandName: "run-examples",
        abstract: "Train the examples (CLOC two-phase on diamonds with a cross-entropy baseline; SupCon and sigmoid contrastive on digits), probe the frozen features, log everything to TensorBoard and print a summary table.")

    enum Example: String, ExpressibleByArgument, CaseIterable {
        case all, ordinal, contrastive
    }

    @Option(name: .long, help: "Root log directory for all runs (default: runs). Existing runs there are replaced.")
    var logdir: String = "runs"
    @Option(name: .long, help: "Training epochs per run (default: 10).")
    var epochs: Int = 10
    @Option(name: .long, help: "Adam learning rate of the networks (default: 1e-3).")
    var learningRate: Double = 1e-3
    @Option(name: .long, help: "Random seed for initialisation, shuffling and augmentation (default: 0).")
    var seed: UInt64 = 0
    @Option(name: .long, help: "Which examples: all, ordinal or contrastive (default: all).")
    var example: Example = .all
    @Option(name: .long, help: "Use only the first N rows of each data set (quick runs; default: all).")
    var limit: Int?
    @Option(name: .long, help: "Directory of the bundled data (default: the repository's data/).")
    var dataDirectory: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/data"

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--learning-rate must be a positive number") }
        if let limit, limit < 40 { throw ValidationError("--limit must be at least 40 rows") }
    }

    func run() throws {
        for sub in ["diamonds", "digits"] where example == .all || (sub == "diamonds") == (example == .ordinal) {
            try? FileManager.default.removeItem(atPath: logdir + "/" + sub)
        }
        var rows = [RunSummary]()
        if example != .contrastive {
            rows += try OrdinalExample(logdir: logdir, epochs: epochs, seed: seed, learningRate: learningRate, limit: limit, dataDirectory: dataDirectory).run()
        }
        if example != .ordinal {
            rows += try ContrastiveExample(logdir: logdir, epochs: epochs, seed: seed, learningRate: learningRate, limit: limit, dataDirectory: dataDirectory).run()
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        try encoder.encode(rows).write(to: URL(fileURLWithPath: logdir + "/summary.json"), options: .atomic)
        print("")
        print("run                      test acc    MAE      QWK      probe acc  probe MAE  probe QWK")
        func cell(_ value: Double?) -> String { value.map { $0.isNaN ? "   -   " : String(format: "%.4f", $0) } ?? "   -   " }
        for row in rows {
            print(row.run.padding(toLength: 24, withPad: " ", startingAt: 0), cell(row.testAccuracy), "  ", cell(row.mae), " ", cell(row.qwk), " ", cell(row.probeAccuracy), "   ", cell(row.probeMAE), "   ", cell(row.probeQWK))
        }
        print("")
        print("View the runs with:  tensorboard --logdir \(logdir)")
    }
}
