import EventRecords
import Foundation
import TensorBoard
import TestSupport
import Testing

/// Raw points per run name (relative to `directory`) and tag, every file of every run.
private func pointsByRun(_ directory: String) throws -> [String: [String: [ScalarPoint]]] {
    let reader = try LogdirReader(path: directory)
    var result: [String: [String: [ScalarPoint]]] = [:]
    for run in reader.runs { result[run.name] = try reader.scalars(in: run, semantics: .raw) }
    return result
}

/// Every path under `directory`, recursively.
private func allPaths(under directory: String) -> Set<String> {
    Set(FileManager.default.enumerator(atPath: directory)?.compactMap { $0 as? String } ?? [])
}

@Suite struct ExitFlushTests {
    private func runChild(_ logdir: String, mode: String, count: Int = 1000) throws -> ToolOutput {
        try runTool("writer-exit-check", [logdir, String(count), mode])
    }

    @Test func aNeverClosedGlobalWriterKeepsAllItsPointsWhenMainReturns() throws {
        try withTemporaryDirectory { directory in
            let output = try runChild(directory, mode: "global")
            #expect(output.status == 0 && !output.terminatedBySignal, "\(output.standardError)")
            let points = try pointsByRun(directory)["."]?["loss"] ?? []
            #expect(points.count == 1000)
            #expect(points.map(\.step) == (0..<1000).map(Int64.init))
        }
    }

    @Test func aWriterAliveAtExitZeroKeepsAllItsPoints() throws {
        try withTemporaryDirectory { directory in
            let output = try runChild(directory, mode: "exit")
            #expect(output.status == 0 && !output.terminatedBySignal, "\(output.standardError)")
            #expect(try pointsByRun(directory)["local"]?["loss"]?.count == 1000)
        }
    }

    @Test func addScalarsSubRunsOfANeverClosedWriterKeepTheirPoints() throws {
        try withTemporaryDirectory { directory in
            let output = try runChild(directory, mode: "scalars", count: 500)
            #expect(output.status == 0, "\(output.standardError)")
            let runs = try pointsByRun(directory)
            for key in ["a", "b", "c"] { #expect(runs["loss_\(key)"]?["loss"]?.count == 500) }
        }
    }
}

@Suite struct SubWriterConcurrencyTests {
    @Test func eightThreadsOfAddScalarsWithMoreKeysThanTheCapLoseNothing() async throws {
        try await withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory)
            let keys = (0..<100).map { String(format: "k%03d", $0) }
            let steps = 5
            #expect(keys.count > SummaryWriter.maximumOpenSubWriters)
            let failures = await withTaskGroup(of: [String].self) { group in
                for thread in 0..<8 {
                    group.addTask {
                        var errors: [String] = []
                        for step in 0..<steps {
                            let values = Dictionary(uniqueKeysWithValues: keys.map { ($0, Double(thread * 1000 + step)) })
                            do { try writer.addScalars("metric", values, step: step) } catch { errors.append("\(error)") }
                        }
                        return errors
                    }
                }
                return await group.reduce(into: []) { $0 += $1 }
            }
            try writer.close()
            #expect(failures.isEmpty, "\(failures.prefix(3))")
            let runs = try pointsByRun(directory)
            var total = 0
            for key in keys {
                let points = runs["metric_\(key)"]?["metric"] ?? []
                total += points.count
                // Every (thread, step) pair arrives exactly once in each key's run.
                #expect(Set(points.map { Int($0.value) }).count == 8 * steps, "\(key)")
            }
            #expect(total == 8 * steps * keys.count)
        }
    }
}

@Suite struct WriterPathSafetyTests {
    @Test(arguments: [
        ("a\u{0}b", PathComponentProblem.nulByte), ("x/y", .separator), ("..", .dotOrDotDot), (".", .dotOrDotDot), ("", .empty),
    ])
    func addScalarsRejectsKeysThatAreNotOnePathComponent(key: String, problem: PathComponentProblem) throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory + "/run")
            defer { try? writer.close() }
            #expect(throws: SummaryWriterError.invalidPathComponent(key, role: "addScalars key", problem: problem)) {
                try writer.addScalars("loss", [key: 1], step: 0)
            }
            #expect(allPaths(under: directory).allSatisfy { $0 == "run" || $0.hasPrefix("run/events.out.tfevents.") })
        }
    }

    @Test func aNULByteInAKeyIsRejectedWithAMessageThatShowsIt() throws {
        let error = SummaryWriterError.invalidPathComponent("a\u{0}b", role: "addScalars key", problem: .nulByte)
        #expect(error.description == "addScalars key 'a\\0b' cannot name a file or directory in the log directory: it contains a NUL byte")
    }

    @Test func aNULByteInTheMainTagIsRejected() throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory)
            defer { try? writer.close() }
            #expect(throws: SummaryWriterError.invalidPathComponent("lo\u{0}ss_a", role: "addScalars run", problem: .nulByte)) {
                try writer.addScalars("lo\u{0}ss", ["a": 1], step: 0)
            }
        }
    }

    @Test(arguments: [
        ("../../x", PathComponentProblem.dotOrDotDot), ("/../x", .separator), ("/tmp/x", .separator), ("a/../../x", .dotOrDotDot),
        ("a//b", .empty), ("", .empty), ("r\u{0}n", .nulByte),
    ])
    func addHparamsNeverCreatesAnythingOutsideTheLogDirectory(runName: String, problem: PathComponentProblem) throws {
        try withTemporaryDirectory { parent in
            let logdir = parent + "/a/b/logs"
            let writer = try SummaryWriter(logDirectory: logdir)
            defer { try? writer.close() }
            let before = allPaths(under: parent)
            #expect(throws: SummaryWriterError.invalidPathComponent(runName, role: "addHparams run name", problem: problem)) {
                try writer.addHparams([("lr", .number(0.1))], metrics: [("acc", 0.5)], runName: runName)
            }
            #expect(allPaths(under: parent) == before)
            #expect(!FileManager.default.fileExists(atPath: "/tmp/x/hparams-escape-probe"))
        }
    }

    @Test func addHparamsAcceptsANestedRelativeRunName() throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory)
            defer { try? writer.close() }
            let run = try writer.addHparams([("lr", .number(0.1))], metrics: [("acc", 0.5)], runName: "sweep/run1")
            #expect(run == directory + "/sweep/run1")
            #expect(try pointsByRun(directory)["sweep/run1"]?["acc"]?.count == 1)
        }
    }

    @Test func aFileNameSuffixCannotLeaveTheDirectory() throws {
        try withTemporaryDirectory { directory in
            #expect(throws: SummaryWriterError.invalidPathComponent("/../../x", role: "filename suffix", problem: .separator)) {
                try SummaryWriter(logDirectory: directory + "/run", filenameSuffix: "/../../x")
            }
            #expect(allPaths(under: directory).isEmpty)
        }
    }

    @Test func embeddingTagsThatNameTheStepDirectoryAreRejected() throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory)
            defer { try? writer.close() }
            #expect(throws: SummaryWriterError.invalidPathComponent("..", role: "embedding tag", problem: .dotOrDotDot)) {
                try writer.addEmbedding([[1, 2]], tag: "..")
            }
        }
    }

    @Test func aRecordWriterRefusesAPathWithANULByte() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/a\u{0}b"
            #expect(throws: RecordError.openFailed(path: path, reason: "the path contains a NUL byte")) {
                try RecordWriter(path: path)
            }
            #expect(allPaths(under: directory).isEmpty)
        }
    }
}
