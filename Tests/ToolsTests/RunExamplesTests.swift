import Foundation
import TensorBoard
import TestSupport
import Testing

@Suite(.serialized) struct RunExamplesTests {
    private func summary(_ logdir: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: logdir + "/summary.json"))) as? [[String: Any]])
    }

    @Test func shortRunOfBothExamplesLogsEverythingAndIsRepeatable() throws {
        try withTemporaryDirectory { d in
            let arguments = ["--epochs", "2", "--limit", "1200", "--seed", "3", "--seeds", "2"]
            let first = try runTool("run-examples", arguments + ["--logdir", d + "/a"])
            #expect(first.status == 0, "\(first.standardError)")
            #expect(first.standardOutput.contains("View the runs with:  tensorboard --logdir \(d)/a"))
            // The table: diamonds rows as mean ± std over the two seeds, digits baselines with both probes.
            let table = first.standardOutput.split(separator: "\n").map(String.init)
            let clocRow = try #require(table.first { $0.hasPrefix("diamonds/cloc-phase2 ") })
            #expect(clocRow.contains(" 2 ") && clocRow.contains("±"), "\(clocRow)")
            for method in ["digits/raw-pixels", "digits/random-init", "digits/supcon", "digits/sigmoid"] {
                #expect(table.contains { $0.hasPrefix(method + " ") }, "missing table row \(method)")
            }
            // Phase one: losses, margins, validation metrics, and the margins moved.
            let phaseOne = try LogdirReader(path: d + "/a/diamonds/cloc-phase1/seed-3")
            let run = try #require(phaseOne.runs.first { $0.name == "." })
            let series = try phaseOne.scalars(in: run)
            for tag in ["train/loss", "train/cloc", "train/cross_entropy", "val/accuracy", "val/mae", "val/qwk", "C0-C1", "C1-C2", "C2-C3", "C3-C4", "probe/accuracy"] {
                #expect(series[tag]?.isEmpty == false, "missing \(tag)")
            }
            let margins = (0..<4).map { series["C\($0)-C\($0 + 1)"] ?? [] }
            #expect(margins.contains { $0.first?.value != $0.last?.value }, "the learnable margins did not move")
            #expect(phaseOne.runs.contains { $0.name == "hparams" })
            // Phase two: margins constant and equal to phase one's last logged values.
            let phaseTwo = try LogdirReader(path: d + "/a/diamonds/cloc-phase2/seed-3")
            let two = try phaseTwo.scalars(in: try #require(phaseTwo.runs.first { $0.name == "." }))
            for k in 0..<4 {
                let values = Set((two["C\(k)-C\(k + 1)"] ?? []).map(\.value))
                #expect(values.count == 1 && values.first == margins[k].last?.value, "margin \(k): \(values)")
            }
            // Probe reports exist and beat chance (5 ordinal classes: 0.2; 10 digits: 0.1).
            let rows = try summary(d + "/a")
            let diamondsRuns = [3, 4].flatMap { seed in ["cloc-phase1", "cloc-phase2", "cross-entropy"].map { "diamonds/\($0)/seed-\(seed)" } }
            #expect(rows.map { $0["run"] as? String } == diamondsRuns + ["digits/raw-pixels", "digits/random-init", "digits/supcon", "digits/sigmoid"])
            for row in rows {
                let run = row["run"] as? String ?? ""
                let accuracy = (row["probe_accuracy"] as? Double) ?? 0
                #expect(accuracy > (run.hasPrefix("digits") ? 0.5 : 0.35), "\(run): probe accuracy \(accuracy)")
                if run.hasPrefix("digits") {
                    let knn = (row["knn_accuracy"] as? Double) ?? 0
                    #expect(knn > 0.5, "\(run): k-NN accuracy \(knn)")
                    #expect(FileManager.default.fileExists(atPath: d + "/a/" + run + "/knn.json"))
                }
                #expect(FileManager.default.fileExists(atPath: d + "/a/" + run + "/probe.json"))
            }
            #expect(FileManager.default.fileExists(atPath: d + "/a/digits/supcon/projector_config.pbtxt"))
            // Same seed, same numbers.
            let second = try runTool("run-examples", arguments + ["--logdir", d + "/b"])
            #expect(second.status == 0)
            let again = try summary(d + "/b")
            #expect(NSArray(array: rows).isEqual(to: again))
        }
    }

    @Test func divergenceStopsWithAClearMessageAndReadableFiles() throws {
        try withTemporaryDirectory { d in
            let result = try runTool("run-examples", ["--logdir", d, "--epochs", "1", "--limit", "400", "--example", "ordinal", "--learning-rate", "1e38"])
            #expect(result.status == 1)
            #expect(result.standardError.hasPrefix("Error: diamonds/cloc-phase1/seed-0: training diverged at step "))
            #expect(result.standardError.contains("lower the learning rate or change the seed (the event files written so far are intact)"))
            let reader = try LogdirReader(path: d)
            for run in reader.runs { _ = try reader.scalars(in: run) }  // no damage reported
        }
    }
}
