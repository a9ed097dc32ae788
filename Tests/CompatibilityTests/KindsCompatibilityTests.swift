import Foundation
import TensorBoard
import TestSupport
import Testing

/// Every dashboard kind exported by `tb-export` equals what TensorBoard's EventAccumulator and
/// tbparse report for a log directory written by torch's own `SummaryWriter`, by tensorboardX and
/// with TF2 layouts (built from TensorBoard's own summary_v2 protos), including hparams, 2-D
/// text, restarted runs and a damaged file between healthy runs
/// (Tests/CompatibilityTests/python/kinds_logdir.py). tbparse's images and audio, which it
/// decodes with TensorFlow, come from the second venv (`CompatEnvironment.tensorFlowVenv`).
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

    /// Whether a decoded JSON value of ours agrees with a reference one: numbers equal (JSON text
    /// of a double may parse back 1 ulp away), or, for fields stored as float32 (`float32`:
    /// scalars, PR curves, audio, metrics) where the reference is a float32 widened by Python,
    /// ours is that float32, which tb-export prints as its shortest float32 decimal; strings,
    /// booleans, arrays and objects element by element. Fields stored as float64 (histograms,
    /// hparam values) must agree as doubles.
    private func same(_ a: Any?, _ b: Any?, float32: Bool = false) -> Bool {
        func close(_ p: Double, _ q: Double) -> Bool { p == q || abs(p - q) <= 1e-12 * max(abs(p), abs(q)) }
        switch (a, b) {
        case (let x as String, let y as String): return x == y
        case (let x as NSNumber, let y as NSNumber):
            let (p, q) = (x.doubleValue, y.doubleValue)
            return close(p, q) || (float32 && close(Double(Float(q)), q) && Float(p) == Float(q))
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
                    // Steps and wall times are integers and doubles in every layout.
                    let storedAsFloat32 = float32 && key != "step" && key != "wall_time"
                    #expect(same(mine[key], reference[key], float32: storedAsFloat32), "\(name) step \(reference["step"] ?? "?") \(key): \(mine[key] ?? "nil") vs \(peer) \(reference[key] ?? "nil")")
                }
            }
        }
    }

    /// Run `cb` of the log directory, written by this package's own `SummaryWriter`: every kind
    /// the dashboards show, and an HParams session `cb/session`.
    private func writeOwnRun(_ directory: String) throws {
        let writer = try SummaryWriter(logDirectory: directory)
        for step in 0..<3 {
            let wallTime = 1_700_000_900.25 + Double(step)
            try writer.addScalar("loss", 1 / Double(step + 1), step: step, wallTime: wallTime)
            let values: [Double] = (0..<50).map { index in sin(Double(index * (step + 1))) }
            try writer.addHistogram("weights", values, step: step, wallTime: wallTime)
            let pixels: [UInt8] = (0..<60).map { index in UInt8((index * 7 + step) % 256) }
            try writer.addImage("img", pixels: pixels, shape: [4, 5, 3], layout: .hwc, step: step, wallTime: wallTime)
            let samples: [Double] = (0..<400).map { index in 0.5 * sin(Double(index + step) / 9) }
            try writer.addAudio("snd", samples, sampleRate: 16_000, step: step, wallTime: wallTime)
            try writer.addText("note", "cb text \(step)", step: step, wallTime: wallTime)
        }
        try writer.addPRCurve("pr", labels: [1, 0, 1, 1, 0, 0], predictions: [0.9, 0.8, 0.6, 0.4, 0.3, 0.1], step: 1, numThresholds: 5, wallTime: 1_700_000_950)
        try writer.addCustomScalarsMultilineChart(["loss"], category: "Training", title: "losses")
        try writer.addHparams([("lr", .number(0.05)), ("optimizer", .string("sgd"))], metrics: [("accuracy", 0.625)], runName: "session")
        try writer.close()
    }

    @Test func everyKindAgreesWithEventAccumulatorAndTbparse() throws {
        try withTemporaryDirectory { directory in
            let logdir = directory + "/logs"
            _ = try CompatEnvironment.run("kinds_logdir.py", ["write", logdir])
            try writeOwnRun(logdir + "/cb")
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
            let accumulated = series(accumulator.filter { !["hparams", "custom-scalars"].contains($0["kind"] as? String) })
            let fromTbparse = series(tbparse.filter { $0["kind"] as? String != "hparams" })
            for (kind, kindKeys) in keys {
                let float32 = kind != "histograms"
                compare(ours: ours, theirs: accumulated.filter { $0.key.hasPrefix(kind + "|") }, keys: common + kindKeys, float32: float32, peer: "EventAccumulator")
                compare(ours: ours, theirs: fromTbparse.filter { $0.key.hasPrefix(kind + "|") }, keys: common + kindKeys, float32: float32, peer: "tbparse")
            }

            // tbparse's images and audio, which it decodes with TensorFlow (run from the TensorFlow
            // venv): pixels and samples against our files decoded the same way, width and height
            // against our rows'.
            guard let media = try CompatEnvironment.json(try CompatEnvironment.runWithTensorFlow("kinds_logdir.py", ["read-media", logdir])) as? Row,
                let tbparseMediaRows = media["tbparse"] as? [Row],
                let decoded = (try CompatEnvironment.json(try CompatEnvironment.run("kinds_logdir.py", ["decode-export", output])) as? Row)?["rows"] as? [Row]
            else {
                Issue.record("no JSON of tbparse's images and audio, or of our decoded files")
                return
            }
            #expect((media["tbparse_errors"] as? [String: String])?.isEmpty == true, "tbparse (images, audio): \(media["tbparse_errors"] ?? "nil")")
            let tbparseMedia = series(tbparseMediaRows)
            let oursDecoded = series(decoded)
            compare(ours: oursDecoded, theirs: tbparseMedia.filter { $0.key.hasPrefix("images|") }, keys: common + ["width", "height", "pixels"], float32: false, peer: "tbparse")
            compare(ours: oursDecoded, theirs: tbparseMedia.filter { $0.key.hasPrefix("audio|") }, keys: common + ["sample_rate", "samples"], float32: false, peer: "tbparse")

            // Every series the peers know is exported, and nothing else; tbparse knows every one
            // but the 2-D text run it raises on.
            #expect(Set(ours.keys) == Set(accumulated.keys))
            #expect(Set(oursDecoded.keys) == Set(ours.keys.filter { $0.hasPrefix("images|") || $0.hasPrefix("audio|") }))
            #expect(Set(fromTbparse.keys).union(tbparseMedia.keys) == Set(accumulated.keys.filter { !$0.hasPrefix("text|text2d|") }))
            #expect(Set(fromTbparse.keys).isDisjoint(with: tbparseMedia.keys))
            // The torch runs are there with every step (so the comparisons above are not vacuous).
            let torchSeries: [String: Int] = [
                "scalars|torch|loss": 4, "scalars|torch|loss_tensor": 4, "scalars|torch|loss_double": 4,
                "scalars|torch/phase_train|phase": 4, "scalars|torch/phase_val|phase": 4, "histograms|torch|weights": 4,
                "histograms|torch|counts": 4, "images|torch|img": 4, "images|torch|gray": 4, "images|torch|batch": 4,
                "audio|torch|clip": 4, "text|torch|note": 4, "pr-curves|torch|pr": 1, "pr-curves|torch|pr_raw": 1,
                "scalars|torch/sess_a|hparam/accuracy": 1, "scalars|torch/sess_b|hparam/loss": 1, "scalars|torch_restart|r": 14,
            ]
            for (name, count) in torchSeries {
                #expect(ours[name]?.count == count && accumulated[name]?.count == count, "\(name): \(ours[name]?.count ?? 0) rows, EventAccumulator \(accumulated[name]?.count ?? 0)")
                #expect((fromTbparse[name] ?? tbparseMedia[name])?.count == count, "\(name): tbparse \(fromTbparse[name]?.count ?? tbparseMedia[name]?.count ?? 0) rows")
            }
            // Images and audio of tensorboardX and of the TF2 layout (two images and two clips a step).
            for (name, count) in ["images|tbx|img": 4, "audio|tbx|clip": 4, "images|tf2|pics": 6, "audio|tf2|sound": 6] {
                #expect(ours[name]?.count == count && tbparseMedia[name]?.count == count, "\(name): \(ours[name]?.count ?? 0) rows, tbparse \(tbparseMedia[name]?.count ?? 0)")
            }
            // This package's own run, every kind, as both peers read it.
            let ownSeries = [
                "scalars|cb|loss": 3, "histograms|cb|weights": 3, "images|cb|img": 3, "audio|cb|snd": 3, "text|cb|note": 3, "pr-curves|cb|pr": 1,
                "scalars|cb/session|accuracy": 1,
            ]
            for (name, count) in ownSeries {
                #expect(ours[name]?.count == count && accumulated[name]?.count == count, "\(name): \(ours[name]?.count ?? 0) rows, EventAccumulator \(accumulated[name]?.count ?? 0)")
                #expect((fromTbparse[name] ?? tbparseMedia[name])?.count == count, "\(name): tbparse \(fromTbparse[name]?.count ?? tbparseMedia[name]?.count ?? 0) rows")
            }
            #expect(ours["text|torch|note"]?.first.map { same($0["text"], "torch **0**") } == true)
            #expect(ours["text|text2d|table"]?.first.map { same($0["text"], [["a", "b", "c"], ["d", "e", "f"]]) } == true)
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
                    #expect(same(ourHParams[run]?["hparams"], session["hparams"]), "\(run): \(ourHParams[run] ?? [:]) vs \(peer) \(session)")
                }
            }
            #expect(ourHParams.keys.filter { $0.hasPrefix("torch/") }.sorted() == ["torch/sess_a", "torch/sess_b"])
            let metrics = [
                ("tbx/sess_a", "hparam/accuracy"), ("tbx/sess_b", "hparam/accuracy"), ("tf2/trial", "val_acc"), ("cb/session", "accuracy"), ("torch/sess_a", "hparam/accuracy"),
                ("torch/sess_a", "hparam/loss"), ("torch/sess_b", "hparam/accuracy"), ("torch/sess_b", "hparam/loss"),
            ]
            for (run, metric) in metrics {
                let last = accumulated["scalars|\(run)|\(metric)"]?.last?["value"]
                #expect(last != nil && same((ourHParams[run]?["metrics"] as? Row)?[metric], last, float32: true), "\(run) \(metric)")
            }

            // Restarts (tensorboardX and torch): --restarts tensorboard equals EventAccumulator's
            // purged run directory.
            for (run, purgedCount, rawCount) in [("restart", 10, 15), ("torch_restart", 8, 14)] {
                let purged = (reference["accumulator_purged"] as? [Row] ?? []).filter { $0["run"] as? String == run }
                let restarted = try runTool("tb-export", [logdir, "--run", "^\(run)$", "--restarts", "tensorboard", "--format", "jsonl"])
                #expect(restarted.status == 0)
                compare(
                    ours: series(try rows(restarted.standardOutput), kind: "scalars"), theirs: series(purged, kind: "scalars"),
                    keys: ["step", "wall_time", "value"], float32: true, peer: "EventAccumulator (purged)")
                #expect(purged.count == purgedCount && (ours["scalars|\(run)|r"]?.count ?? 0) == rawCount, "\(run)")
            }

            let reader = try LogdirReader(path: logdir)
            // torch stores float32 data in double fields (histogram min/max/sums, a tensor
            // hparam): the library delivers the stored double, and tb-export prints every digit
            // of it (checked above).
            guard let torchRun = reader.runs.first(where: { $0.name == "torch" }) else {
                Issue.record("run torch not found")
                return
            }
            var histograms: [HistogramData] = []
            try reader.forEachValue(in: torchRun, of: [.histograms], acceptsTag: { $0 == "weights" }) { _, point in
                if case .histogram(let histogram) = point.value { histograms.append(histogram) }
            }
            let weights = accumulated["histograms|torch|weights"] ?? []
            #expect(histograms.count == 4 && weights.count == 4)
            for (histogram, reference) in zip(histograms, weights) {
                for (value, key) in [(histogram.minimum, "min"), (histogram.maximum, "max"), (histogram.sum, "sum"), (histogram.sumOfSquares, "sum_squares")] {
                    let expected = (reference[key] as? NSNumber)?.doubleValue ?? .nan
                    #expect(abs(value - expected) <= 1e-12 * abs(expected), "torch weights \(key): \(value) vs EventAccumulator \(expected)")
                }
            }
            let decay = try reader.hparams(onDamage: { _ in }).sessions.first { $0.run == "torch/sess_a" }?.hparams.first { $0.name == "decay" }?.value
            #expect(decay == .number(Double(Float(0.1))))

            // Custom Scalars layouts (tensorboardX and torch) as EventAccumulator decodes them.
            let layouts = accumulator.filter { $0["kind"] as? String == "custom-scalars" }
            #expect(Set(layouts.compactMap { $0["run"] as? String }) == ["cb", "tbx", "torch"])
            for expected in layouts {
                guard let run = reader.runs.first(where: { $0.name == expected["run"] as? String }) else {
                    Issue.record("run \(expected["run"] ?? "?") not found")
                    continue
                }
                var found: [Row] = []
                try reader.forEachValue(in: run, of: [.customScalars]) { _, point in
                    guard case .customScalarsLayout(let layout) = point.value else { return }
                    let categories: [Any] = layout.categories.map { category in
                        let charts: [Any] = category.charts.map { chart in
                            switch chart.content {
                            case .multiline(let tags): return [chart.title, "multiline", tags] as [Any]
                            case .margin(let series): return [chart.title, "margin", series.map { [$0.value, $0.lower, $0.upper] }] as [Any]
                            }
                        }
                        return [category.title, charts] as [Any]
                    }
                    found.append(["step": point.step, "wall_time": point.wallTime, "layout": categories])
                }
                #expect(found.count == 1, "\(run.name) layouts")
                for key in ["step", "wall_time", "layout"] {
                    #expect(same(found.first?[key], expected[key]), "\(run.name) \(key): \(found.first?[key] ?? "nil") vs EventAccumulator \(expected[key] ?? "nil")")
                }
            }
        }
    }
}
