import EventRecords
import Foundation
import TensorBoard
import TestSupport
import Testing

@Suite(.enabled(if: CompatEnvironment.shouldRun, "compatibility venv not found; run scripts/setup-compat-venv.sh"), .serialized)
struct ScalarCompatibilityTests {
    /// Writes the edge-value run used by the tests below and returns what was written.
    private func writeEdgeRun(_ logdir: String) throws -> [String: [(step: Int, value: Float)]] {
        let writer = try SummaryWriter(logDirectory: logdir + "/edge")
        let values: [Float] = [0, -0.0, .leastNonzeroMagnitude, 3.4e38, 0.1, -2.5, .nan, .infinity, -.infinity]
        var written: [String: [(Int, Float)]] = [:]
        for tag in ["loss", "train/acc", "ünï/λ"] {
            for (i, v) in values.enumerated() {
                let step = i == values.count - 1 ? 1 << 40 : i
                try writer.addScalar(tag, Double(v), step: step)
                written[tag, default: []].append((step, v))
            }
        }
        try writer.close()
        return written
    }

    /// Compares a value read back (Double, parsed from JSON text) with the float32 written.
    /// Compared in float32: the JSON parser of swift-corelibs-foundation may round a long
    /// decimal to a neighbouring double, never to a different float32.
    private func same(_ a: Double, _ b: Float) -> Bool {
        (a.isNaN && b.isNaN) || Float(a) == b
    }

    @Test func tbparseReadsEveryValueStepAndTag() throws {
        try withTemporaryDirectory { logdir in
            let written = try writeEdgeRun(logdir)
            let output = try CompatEnvironment.run("tbparse_scalars.py", [logdir])
            var read: [String: [(Int, Double)]] = [:]
            for line in output.split(separator: "\n") {
                guard let row = try CompatEnvironment.json(String(line)) as? [String: Any], let tag = row["tag"] as? String,
                    let step = row["step"] as? Int
                else { continue }
                let value: Double
                switch row["value"] {
                case let s as String: value = s == "nan" ? .nan : (s == "inf" ? .infinity : -.infinity)
                case let n as NSNumber: value = n.doubleValue
                default: continue
                }
                read[tag, default: []].append((step, value))
            }
            #expect(Set(read.keys) == Set(written.keys))
            for (tag, points) in written {
                let got = (read[tag] ?? []).sorted { $0.0 < $1.0 }
                #expect(got.count == points.count, "tag \(tag)")
                for (expected, actual) in zip(points.sorted { $0.step < $1.step }, got) {
                    #expect(expected.step == actual.0 && same(actual.1, expected.value), "tag \(tag) step \(expected.step): \(actual.1) vs \(expected.value)")
                }
            }
        }
    }

    @Test(arguments: ["true", "false"])
    func tensorBoardServesEveryScalar(loadFast: String) throws {
        try withTemporaryDirectory { logdir in
            let written = try writeEdgeRun(logdir)
            // The tensor-encoded variant must show in both loaders too (rank-0 DT_FLOAT).
            let tensorWriter = try SummaryWriter(logDirectory: logdir + "/tensor", scalarEncoding: .tensor)
            for step in 0..<5 { try tensorWriter.addScalar("t", Double(step) * 1.5, step: step) }
            try tensorWriter.close()
            let tags = ["loss", "train/acc", "ünï/λ"]
            let urls = tags.map { "/data/plugin/scalars/scalars?run=edge&tag=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)" }
                + ["/data/plugin/scalars/scalars?run=tensor&tag=t", "/data/runs"]
            let output = try CompatEnvironment.run("tb_query.py", [logdir, loadFast, "scalars:edge:ünï/λ,scalars:tensor:t"] + urls)
            guard let result = try CompatEnvironment.json(output) as? [String: Any] else {
                Issue.record("no JSON from TensorBoard: \(output)")
                return
            }
            #expect(Set((result["/data/runs"] as? [String]) ?? []) == ["edge", "tensor"])
            for (tag, url) in zip(tags, urls) {
                let rows = (result[url] as? [[Any]]) ?? []
                let points = (written[tag] ?? []).sorted { $0.step < $1.step }
                #expect(rows.count == points.count, "\(tag) with load_fast=\(loadFast)")
                for (row, expected) in zip(rows, points) {
                    let step = (row[1] as? NSNumber)?.intValue
                    let value: Double
                    if let s = row[2] as? String {
                        value = s == "NaN" ? .nan : (s.hasPrefix("-") ? -.infinity : .infinity)
                    } else {
                        value = (row[2] as? NSNumber)?.doubleValue ?? 12345
                    }
                    #expect(step == expected.step && same(value, expected.value), "\(tag): \(row) vs \(expected)")
                }
            }
            let tensorRows = (result["/data/plugin/scalars/scalars?run=tensor&tag=t"] as? [[Any]]) ?? []
            #expect(tensorRows.compactMap { ($0[2] as? NSNumber)?.doubleValue } == [0, 1.5, 3, 4.5, 6])
        }
    }

    @Test func filesOfTensorboardXAndTorchWritersAreReadCorrectly() throws {
        try withTemporaryDirectory { directory in
            let output = try CompatEnvironment.run("write_with_peers.py", [directory])
            guard let expected = try CompatEnvironment.json(output) as? [String: [String: [[Double]]]] else {
                Issue.record("no JSON from write_with_peers.py: \(output)")
                return
            }
            let reader = try LogdirReader(path: directory)
            #expect(reader.runs.map(\.name) == ["tbx", "tf2_tensor", "torch"])
            #expect(expected["torch"].map { Set($0.keys) } == ["train/loss", "train/acc"])
            for run in reader.runs {
                let series = try reader.scalars(in: run, semantics: .raw)
                #expect(Set(series.keys) == Set((expected[run.name] ?? [:]).keys), "run \(run.name)")
                for (tag, points) in expected[run.name] ?? [:] {
                    let got = (series[tag] ?? []).map { [Float($0.step), Float($0.value)] }
                    #expect(!points.isEmpty && got == points.map { $0.map { Float($0) } }, "run \(run.name) tag \(tag)")
                }
                if run.name == "tbx" || run.name == "torch" {
                    var kinds = Set<String>()
                    for file in run.eventFiles {
                        let events = try EventFileReader(path: file)
                        try events.forEachEvent { event in
                            guard case .summary(let values) = event.content else { return }
                            for value in values {
                                switch value.decoded(pluginName: events.pluginNames[value.tag]) {
                                case .text(let text, _): if text == ["hello"] { kinds.insert("text") }
                                case .histogram(let buckets): if buckets.reduce(0, { $0 + $1.count }) == 10 { kinds.insert("histogram") }
                                default: break
                                }
                            }
                        }
                    }
                    #expect(kinds == ["text", "histogram"], "run \(run.name)")
                }
            }
        }
    }

    @Test func aLoggerKilledWithSIGKILLLeavesEveryFlushedRecordReadable() throws {
        try withTemporaryDirectory { logdir in
            let process = Process()
            process.executableURL = builtProductsDirectory.appendingPathComponent("tb-log")
            process.arguments = ["--logdir", logdir + "/killed"]
            let input = Pipe()
            process.standardInput = input
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Log 2,000 points and wait until all of them are on disk (tb-log flushes when idle).
            var text = ""
            for step in 0..<2_000 { text += "{\"tag\": \"x\", \"step\": \(step), \"value\": \(step)}\n" }
            input.fileHandleForWriting.write(Data(text.utf8))
            var confirmed = 0
            let deadline = Date().addingTimeInterval(30)
            while confirmed < 2_000 && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.05)
                if let reader = try? LogdirReader(path: logdir), let run = reader.runs.first {
                    confirmed = (try? reader.scalars(in: run, semantics: .raw)["x"]?.count) ?? 0
                }
            }
            #expect(confirmed == 2_000)
            // Keep logging while the process is killed.
            // SIGPIPE is ignored so that writing into the dead process's pipe fails with EPIPE
            // instead of killing the test runner.
            signal(SIGPIPE, SIG_IGN)
            let descriptor = input.fileHandleForWriting.fileDescriptor
            let writerThread = Thread {
                for step in 2_000..<200_000 {
                    let line = Array("{\"tag\": \"x\", \"step\": \(step), \"value\": \(step)}\n".utf8)
                    if line.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) < 0 { return }
                }
            }
            writerThread.start()
            Thread.sleep(forTimeInterval: 0.3)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            let reader = try LogdirReader(path: logdir)
            var steps = [Int64]()
            // Reading to the end must not report damage: at worst a torn tail, which is quiet.
            try reader.forEachScalar(in: reader.runs[0]) { _, _, point in steps.append(point.step) }
            #expect(steps.count >= 2_000)
            #expect(steps == (0..<Int64(steps.count)).map { $0 })
            let output = try CompatEnvironment.run("tb_query.py", [logdir, "true", "scalars:killed:x", "/data/plugin/scalars/scalars?run=killed&tag=x"])
            let result = try CompatEnvironment.json(output) as? [String: Any]
            let rows = (result?["/data/plugin/scalars/scalars?run=killed&tag=x"] as? [[Any]]) ?? []
            #expect(rows.count >= 2_000)
        }
    }
}
