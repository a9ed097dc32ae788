import Foundation
import TensorBoard
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The fuzz corpus and the other reader-side hazards through the tools: exact stderr and exit
/// status, no hang (each run is killed after a bounded wait) and bounded memory (the child's
/// peak resident set, from `wait4`, stays under 256 MiB; the files hold a few KB).
@Suite struct ReaderHardeningToolTests {
    static let memoryLimit = 256 << 20
    static let timeout = 60.0

    private func expectBounded(_ run: LimitedToolOutput, _ context: String) {
        #expect(!run.timedOut, "\(context): killed after \(run.seconds) s")
        #expect(!run.output.terminatedBySignal, "\(context): signal \(run.output.status)")
        #expect(run.peakResidentBytes < Self.memoryLimit, "\(context): peak RSS \(run.peakResidentBytes) bytes")
    }

    private static let header = "run,tag,step,wall_time,value\n"
    private static let marginLine = ",Margin,0,1.0,0.5\n"  // the root run is "" (tbparse's naming)
    private static let map = "[[\"fixed\", 0.5]]\n"

    @Test(arguments: FuzzCorpus.cases) func tbExport(_ entry: FuzzCorpus.Case) throws {
        let run = try runToolWithLimits("tb-export", [entry.path], timeout: Self.timeout)
        expectBounded(run, entry.name)
        let extra = entry.name == "crafted-tag" ? ",\(FuzzCorpus.craftedTag),1,1.0,1.0\n" : ""
        #expect(run.output.standardOutput == Self.header + Self.marginLine + extra)
        if let message = entry.expectedMessage?(entry.path) {
            #expect(run.output.standardError == "tb-export: warning: \(message)\n")
            #expect(run.output.status == 1)
        } else {
            #expect(run.output.standardError == "")
            #expect(run.output.status == 0)
        }
    }

    @Test(arguments: FuzzCorpus.cases) func extractMargins(_ entry: FuzzCorpus.Case) throws {
        let strict = try runToolWithLimits("extract-margins", [entry.path], timeout: Self.timeout)
        expectBounded(strict, entry.name)
        let tolerant = try runToolWithLimits("extract-margins", ["--allow-damaged", entry.path], timeout: Self.timeout)
        expectBounded(tolerant, entry.name + " --allow-damaged")
        #expect(tolerant.output.standardOutput == Self.map)
        #expect(tolerant.output.status == 0)
        if let message = entry.expectedMessage?(entry.path) {
            #expect(strict.output.standardError == "Error: \(message)\n")
            #expect(strict.output.standardOutput == "")
            #expect(strict.output.status == 1)
            #expect(tolerant.output.standardError == "extract-margins: warning: \(message); using the data before it (--allow-damaged)\n")
        } else {
            #expect(strict.output.standardError == "")
            #expect(strict.output.standardOutput == Self.map)
            #expect(strict.output.status == 0)
            #expect(tolerant.output.standardError == "")
        }
    }

    @Test func aFIFONamedLikeAnEventFileIsSkippedWithAWarning() throws {
        try withTemporaryDirectory { directory in
            let root = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
            let fifo = root + "/events.out.tfevents.2.fifo"
            #expect(mkfifo(fifo, 0o600) == 0)
            try FileManager.default.copyItem(atPath: FuzzCorpus.cases[0].path, toPath: root + "/events.out.tfevents.1.ok")
            let warning = "\(fifo) is a FIFO, not a regular file; skipped (event files must be regular files)"

            let export = try runToolWithLimits("tb-export", [directory], timeout: Self.timeout)
            expectBounded(export, "tb-export")
            #expect(export.output.standardError == "tb-export: warning: \(warning)\n")
            #expect(export.output.standardOutput == Self.header + Self.marginLine)
            #expect(export.output.status == 0)

            let margins = try runToolWithLimits("extract-margins", [directory], timeout: Self.timeout)
            expectBounded(margins, "extract-margins")
            #expect(margins.output.standardError == "extract-margins: warning: \(warning)\n")
            #expect(margins.output.standardOutput == Self.map)
            #expect(margins.output.status == 0)

            // Named directly, the FIFO is an error, still without blocking.
            let direct = try runToolWithLimits("tb-export", [fifo], timeout: Self.timeout)
            expectBounded(direct, "tb-export FIFO")
            #expect(direct.output.standardError == "Error: \(warning)\n")
            #expect(direct.output.status == 1)
            let directMargins = try runToolWithLimits("extract-margins", [fifo], timeout: Self.timeout)
            expectBounded(directMargins, "extract-margins FIFO")
            #expect(directMargins.output.standardError == "Error: \(warning)\n")
            #expect(directMargins.output.status == 1)
        }
    }

    @Test func aBacktrackingPatternAgainstACraftedTagAnswersAtOnce() throws {
        let path = try #require(FuzzCorpus.cases.first { $0.name == "crafted-tag" }).path
        let none = try runToolWithLimits("tb-export", ["--tag", "(a+)+$", path], timeout: Self.timeout)
        expectBounded(none, "(a+)+$")
        #expect(none.output.standardOutput == Self.header)
        #expect(none.output.status == 0)
        let crafted = try runToolWithLimits("tb-export", ["--tag", "^(a+)+!$", "--run", "^\\.$", path], timeout: Self.timeout)
        expectBounded(crafted, "^(a+)+!$")
        #expect(crafted.output.standardOutput == Self.header + ",\(FuzzCorpus.craftedTag),1,1.0,1.0\n")
        #expect(crafted.output.status == 0)
    }

    @Test(arguments: [
        ["--tag", "(?=a)"], ["--run", "(a)\\1"], ["--tag", "(a"],
    ]) func unsupportedPatternsAreUsageErrors(_ arguments: [String]) throws {
        let path = FuzzCorpus.cases[0].path
        let run = try runToolWithLimits("tb-export", arguments + [path], timeout: Self.timeout)
        expectBounded(run, arguments.joined(separator: " "))
        let pattern = arguments[1]
        let expected: String
        switch pattern {
        case "(?=a)":
            expected = "Error: --tag: pattern '(?=a)' uses lookahead at character 1, which is not supported (supported: literals, ., [...], \\d \\w \\s, * + ? {m,n}, |, (...), ^ $ \\b)"
        case "(a)\\1":
            expected = "Error: --run: pattern '(a)\\1' uses a backreference '\\1' at character 4, which is not supported (supported: literals, ., [...], \\d \\w \\s, * + ? {m,n}, |, (...), ^ $ \\b)"
        default:
            expected = "Error: --tag: pattern '(a' is invalid at character 3: missing ')' for the '(' at character 1"
        }
        #expect(run.output.standardError.split(separator: "\n").first.map(String.init) == expected)
        #expect(run.output.status == 64)
        #expect(run.output.standardOutput == "")
    }

    @Test func tbLogSkipsALineLongerThanTheLimitAndKeepsTheRest() throws {
        try withTemporaryDirectory { directory in
            let inputPath = directory + "/input.jsonl"
            let long = "{\"tag\": \"t\", \"step\": 0, \"text\": \"" + String(repeating: "x", count: 3 << 20) + "\"}\n"
            let valid = "{\"tag\": \"loss\", \"step\": 1, \"value\": 0.25}\n"
            try Data((long + valid + long.dropLast()).utf8).write(to: URL(fileURLWithPath: inputPath))
            let run = try runToolWithLimits(
                "tb-log", ["--logdir", directory + "/run", "--max-line-length", "1048576"], standardInputPath: inputPath, timeout: Self.timeout)
            expectBounded(run, "tb-log")
            #expect(
                run.output.standardError
                    == "tb-log: line 1: longer than 1048576 bytes (--max-line-length); skipped\ntb-log: line 3: longer than 1048576 bytes (--max-line-length); skipped\n")
            #expect(run.output.status == 1)
            let reader = try LogdirReader(path: directory + "/run")
            #expect(try reader.scalars(in: reader.runs[0])["loss"]?.map(\.value) == [0.25])
        }
    }

    @Test func tbLogRejectsANonPositiveLineLimit() throws {
        try withTemporaryDirectory { directory in
            let run = try runToolWithLimits("tb-log", ["--logdir", directory, "--max-line-length", "0"], timeout: Self.timeout)
            #expect(run.output.standardError.split(separator: "\n").first == "Error: --max-line-length must be at least 1, got 0")
            #expect(run.output.status == 64)
        }
    }
}
