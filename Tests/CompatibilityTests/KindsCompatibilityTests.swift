import Foundation
import TensorBoard
import TestSupport
import Testing

/// Every dashboard kind exported by `tb-export` equals what TensorBoard's EventAccumulator and
/// tbparse report for a log directory written by tensorboardX and with TF2 layouts (built from
/// TensorBoard's own summary_v2 protos), including hparams, 2-D text, a restarted run and a
/// damaged file between healthy runs (Tests/CompatibilityTests/python/kinds_logdir.py).
@Suite(.enabled(if: CompatEnvironment.shouldRun, "compatibility venv not found; run scripts/setup-compat-venv.sh"), .serialized)
struct KindsCompatibilityTests {
    private typealias Row = [String: Any]

    /// Parses JSON lines, turning the bare `NaN` token (Python's json.dumps spelling, which
    /// JSONSerialization rejects) into the string the reference script prints.
    private func rows(_ text: String) throws -> [Row] {
        try text.split(separator: "\n").map { line in
            let fixed = line.replacingOccurrences(of: "NaN", with: "\"NaN\"")
            return (try CompatEnvironment.json(fixed) as? Row) ?? [:]
        }
    }

    /// Whether two decoded JSON values agree: numbers within `relative` (or equal as float32
    /// when `float32`), strings, booleans, arrays and objects element by element.
    private func same(_ a: Any?, _ b: Any?, float32: Bool) -> Bool {
        switch (a, b) {
        case (let x as String, let y as String): return x == y
        case (let x as NSNumber, let y as NSNumber):
            let (p, q) = (x.doubleValue, y.doubleValue)
            // JSON text of a double may parse back 1 ulp away; float32 values are printed in
            // their shortest float32 form by tb-export and widened by Python.
            return p == q || abs(p - q) <= 1e-12 * max(abs(p), abs(q)) || (float32 && Float(p) == Float(q))
        case (let x as [Any], let y as [Any]):
            return x.count == y.count && zip(x, y).allSatisfy { same($0, $1, float32: float32) }
        case (let x as [String: Any], let y as [String: Any]):
            return Set(x.keys) == Set(y.keys) && x.keys.allSatisfy { same(x[$0], y[$0], float32: float32) }
        case (nil, nil): return true
        default: return false
        }
    }

    /// Rows grouped by (kind, run, tag), in order.
    private func series(_ rows: [Row], kind: String? = nil) -> [String: [Row]] {
        var grouped: [String: [Row]] = [:]
        for row in rows {
            let rowKind = kind ?? (row["kind"] as? String ?? "")
            grouped["\(rowKind)|\(row["run"] as? String ?? "?")|\(row["tag"] as? String ?? "")", default: []].append(row)
        }
        return grouped
    }

    private func compare(ours: [String: [Row]], theirs: [String: [Row]], keys: [String], float32: Bool, peer: String) {
        for (name, expected) in theirs {
            let got = ours[name] ?? []
            #expect(got.count == expected.count, "\(name): \(got.count) rows, \(peer) \(expected.count)")
            for (mine, reference) in zip(got, expected) {
                for key in keys {
                    #expect(same(mine[key], reference[key], float32: float32), "\(name) step \(reference["step"] ?? "?") \(key): \(mine[key] ?? "nil") vs \(peer) \(reference[key] ?? "nil")")
                }
            }
        }
    }

    @Test func everyKindAgreesWithEventAccumulatorAndTbparse() throws {
        try withTemporaryDirectory { directory in
            let logdir = directory + "/logs"
            _ = try CompatEnvironment.run("kinds_logdir.py", ["write", logdir])
            guard let reference = try CompatEnvironment.json(try CompatEnvironment.run("kinds_logdir.py", ["read", logdir])) as? Row,
                let accumulator = reference["accumulator"] as? [Row], let tbparse = reference["tbparse"] as? [Row]
            else {
                Issue.record("no reference JSON")
                return
            }
            let output = directory + "/out"
            let result = try runTool("tb-export", [logdir, "--kind", "all", "--format", "jsonl", "--output-dir", output])
            // The damaged file (run b_damaged, between healthy runs) is reported, the rest exported.
            #expect(result.status == 1)
            #expect(result.standardError.hasPrefix("tb-export: warning: \(logdir)/b_damaged/"))
            #expect(result.standardError.contains("payload checksum mismatch"))

            var ours: [String: [Row]] = [:]
            for kind in ["scalars", "histograms", "images", "audio", "text", "pr-curves"] {
                let text = try String(contentsOfFile: output + "/\(kind).jsonl", encoding: .utf8)
                var parsed = try rows(text)
                if kind == "images" || kind == "audio" {
                    // Our rows name a file; the reference carries the encoded bytes.
                    parsed = try parsed.map { row in
                        var row = row
                        let data = try Data(contentsOf: URL(fileURLWithPath: output + "/" + (row["file"] as? String ?? "")))
                        row["bytes"] = data.base64EncodedString()
                        return row
                    }
                }
                ours.merge(series(parsed, kind: kind)) { $0 + $1 }
            }
            let common = ["step", "wall_time"]
            let keys: [String: [String]] = [
                "scalars": ["value"], "histograms": ["bucket_limits", "bucket_counts", "min", "max", "num", "sum", "sum_squares"],
                "images": ["width", "height", "bytes"], "audio": ["sample_rate", "bytes"], "text": ["text"],
                "pr-curves": ["thresholds", "precision", "recall", "true_positives", "false_positives", "true_negatives", "false_negatives"],
            ]
            let accumulated = series(accumulator.filter { $0["kind"] as? String != "hparams" })
            let fromTbparse = series(tbparse.filter { $0["kind"] as? String != "hparams" })
            for (kind, kindKeys) in keys {
                let float32 = kind == "scalars" || kind == "pr-curves"
                compare(ours: ours, theirs: accumulated.filter { $0.key.hasPrefix(kind + "|") }, keys: common + kindKeys, float32: float32, peer: "EventAccumulator")
                compare(ours: ours, theirs: fromTbparse.filter { $0.key.hasPrefix(kind + "|") }, keys: common + kindKeys, float32: float32, peer: "tbparse")
            }
            // Every series the peers know is exported, and nothing else.
            #expect(Set(ours.keys) == Set(accumulated.keys))
            #expect(ours["text|text2d|table"]?.first.map { same($0["text"], [["a", "b", "c"], ["d", "e", "f"]], float32: false) } == true)
            // tbparse raises on the 2-D text run (and so loses the whole run); we read it.
            #expect((reference["tbparse_errors"] as? [String: String])?.keys.sorted() == ["text2d"])

            // HParams: each session's values as both peers report them, metrics as the last scalar.
            let hparamRows = try rows(try String(contentsOfFile: output + "/hparams.jsonl", encoding: .utf8))
            var ourHParams: [String: Row] = [:]
            for row in hparamRows { ourHParams[row["run"] as? String ?? ""] = row }
            for (peer, reference) in [("EventAccumulator", accumulator), ("tbparse", tbparse)] {
                let sessions = reference.filter { $0["kind"] as? String == "hparams" }
                #expect(Set(sessions.compactMap { $0["run"] as? String }) == Set(ourHParams.keys), "\(peer) sessions")
                for session in sessions {
                    let run = session["run"] as? String ?? ""
                    #expect(same(ourHParams[run]?["hparams"], session["hparams"], float32: false), "\(run): \(ourHParams[run] ?? [:]) vs \(peer) \(session)")
                }
            }
            for (run, metric) in [("tbx/sess_a", "hparam/accuracy"), ("tbx/sess_b", "hparam/accuracy"), ("tf2/trial", "val_acc")] {
                let last = accumulated["scalars|\(run)|\(metric)"]?.last?["value"]
                #expect(last != nil && same((ourHParams[run]?["metrics"] as? Row)?[metric], last, float32: true), "\(run) \(metric)")
            }

            // Restarts: --restarts tensorboard equals EventAccumulator's purged run directory.
            let purged = (reference["accumulator_purged"] as? [Row] ?? []).filter { $0["run"] as? String == "restart" }
            let restarted = try runTool("tb-export", [logdir, "--run", "^restart$", "--restarts", "tensorboard", "--format", "jsonl"])
            #expect(restarted.status == 0)
            compare(
                ours: series(try rows(restarted.standardOutput), kind: "scalars"), theirs: series(purged, kind: "scalars"),
                keys: ["step", "wall_time", "value"], float32: true, peer: "EventAccumulator (purged)")
            #expect(purged.count == 10 && (ours["scalars|restart|r"]?.count ?? 0) == 15)
        }
    }
}
