import ArgumentParser
import ProcessRuntime
import Foundation
import Probe

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
    @Option(name: .long, help: "Seeds of the diamonds runs: seed, seed+1, … (the table shows mean ± std over them; default: 3).")
    var seeds: Int = 3
    @Option(name: .long, help: "Use only the first N rows of each data set (quick runs; default: all).")
    var limit: Int?
    @Option(name: .long, help: "Directory of the bundled data (default: the repository's data/).")
    var dataDirectory: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/data"

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1") }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--learning-rate must be a positive number") }
        if let limit, limit < 40 { throw ValidationError("--limit must be at least 40 rows") }
    }

    func run() throws {
        for sub in ["diamonds", "digits"] where example == .all || (sub == "diamonds") == (example == .ordinal) {
            try? FileManager.default.removeItem(atPath: logdir + "/" + sub)
        }
        var rows = [RunSummary]()
        if example != .contrastive {
            rows += try OrdinalExample(logdir: logdir, epochs: epochs, seed: seed, learningRate: learningRate, limit: limit, dataDirectory: dataDirectory, seedCount: seeds).run()
        }
        if example != .ordinal {
            rows += try ContrastiveExample(logdir: logdir, epochs: epochs, seed: seed, learningRate: learningRate, limit: limit, dataDirectory: dataDirectory).run()
        }
        try ReportJSON.write(rows, toFile: logdir + "/summary.json")
        print("")
        print(summaryTable(rows))
        print("")
        print("View the runs with:  tensorboard --logdir \(logdir)")
    }
}

/// The final table: one row per method, mean ± sample standard deviation over its seeds when
/// there are several ("-" where a metric does not apply).
func summaryTable(_ rows: [RunSummary]) -> String {
    var methods = [String]()
    for row in rows where !methods.contains(row.method) { methods.append(row.method) }
    func cell(_ values: [Double?]) -> String {
        let present = values.compactMap { $0 }.filter { !$0.isNaN }
        guard !present.isEmpty else { return "-" }
        let mean = present.reduce(0, +) / Double(present.count)
        guard present.count > 1 else { return String(format: "%.4f", mean) }
        let variance = present.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(present.count - 1)
        return String(format: "%.4f ± %.4f", mean, variance.squareRoot())
    }
    let header = ["run", "seeds", "test acc", "MAE", "QWK", "linear probe", "k-NN (k=20)", "probe MAE", "probe QWK"]
    var table = [header]
    for method in methods {
        let runs = rows.filter { $0.method == method }
        table.append([
            method, String(runs.count), cell(runs.map(\.testAccuracy)), cell(runs.map(\.mae)), cell(runs.map(\.qwk)), cell(runs.map(\.probeAccuracy)),
            cell(runs.map(\.knnAccuracy)), cell(runs.map(\.probeMAE)), cell(runs.map(\.probeQWK)),
        ])
    }
    let widths = header.indices.map { c in table.map { $0[c].count }.max() ?? 0 }
    return table.map { row in row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ") }.joined(separator: "\n")
}
