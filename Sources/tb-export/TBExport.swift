import ArgumentParser
import Foundation
import ProcessRuntime
import TensorBoard
import ToolSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `tb-export`: stream every dashboard kind of a log directory as CSV or JSON lines.
@main
struct TBExport: ParsableCommand {
    /// Applies the tuned process configuration (`CONTRASTIVEBOARD_WORKER_THREADS` sets how many
    /// threads read runs), then parses the arguments and runs.
    static func main() {
        RuntimeConfiguration.tuned.overridden(byEnvironment: true).apply()
        Self.main(nil)
    }

    static let configuration = CommandConfiguration(
        commandName: "tb-export",
        abstract: "Stream every dashboard's data of TensorBoard event files as CSV or JSON lines, in constant memory.",
        usage: "tb-export <logdir> [--kind <kind>] [--tag <tag>] [--run <run>]\n[--format <format>] [--output-dir <output-dir>] [--restarts <restarts>]\n[--pivot]",
        discussion: """
            LOGDIR may be a log directory (searched recursively), a run directory or one \
            event file. Files written by torch, tensorboardX, TensorFlow 2 or this project \
            are read alike, legacy protos and TF2 tensor layouts both; every record's CRCs \
            are checked. Rows are printed file by file in name order.

            Rows start with run (relative to LOGDIR, "" for LOGDIR itself), tag, step, \
            wall_time. Then: scalars value; histograms bucket_limits, bucket_counts, min, \
            max, num, sum, sum_squares; images width, height, file; audio sample_rate, \
            file; text text; pr-curves thresholds, precision, recall, true_positives, \
            false_positives, true_negatives, false_negatives. hparams: one row per \
            session run with its hparams and the last value of each metric. Arrays are \
            JSON arrays.

            Images and audio go to --output-dir, one file per value, named in the row \
            relative to it; existing files are never replaced. --kind all writes \
            <kind>.csv or <kind>.jsonl for every kind there.

            Runs are read on one thread per available processor \
            (CONTRASTIVEBOARD_WORKER_THREADS=N sets N more than the main one); rows \
            come out in run order, as one thread writes them.

            Non-finite values print as NaN, inf, -inf (CSV) or NaN, Infinity, -Infinity \
            (JSON lines, like Python's json.dumps). A damaged file is reported on \
            stderr, the data before the damage and every other file are exported, and \
            the exit status is 1.
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case scalars, histograms, images, audio, text
        case prCurves = "pr-curves"
        case hparams, all
    }

    enum Restarts: String, ExpressibleByArgument, CaseIterable {
        /// What TensorBoard shows: a point drops the earlier points of its tag with step >= its own.
        case tensorboard
        /// Every value as written.
        case raw
    }

    @Argument(help: "Log directory, run directory or event file.")
    var logdir: String

    @Option(name: .long, help: "What to export.")
    var kind: Kind = .scalars

    @Option(
        name: .long,
        help: "Only tags matching this pattern, searched anywhere in the tag (default: all). Syntax: literals, ., [...], \\d \\w \\s, * + ? {m,n}, |, (...), ^ $ \\b; matched in linear time.")
    var tag: String?

    @Option(name: .customLong("run"), help: "Only runs matching this pattern (same syntax as --tag; default: all).")
    var runFilter: String?

    @Option(name: .long, help: "Output format.")
    var format: Format = .csv

    @Option(name: .customLong("output-dir"), help: "Directory for image and audio files (and for every table with --kind all).")
    var outputDirectory: String?

    @Option(name: .long, help: "Restarts as TensorBoard shows them (tensorboard) or every value as written (raw).")
    var restarts: Restarts = .raw

    @Flag(name: .long, help: "Scalars only: one row per run and step, one column per tag (as tbparse's pivot).")
    var pivot = false

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, jsonl

        var export: ExportFormat { self == .csv ? .csv : .jsonl }
    }

    func validate() throws {
        for (name, pattern) in [("--tag", tag), ("--run", runFilter)] {
            guard let pattern else { continue }
            do { _ = try TagPattern(pattern) } catch { throw ValidationError("\(name): \(error)") }
        }
        if [.images, .audio, .all].contains(kind), outputDirectory == nil {
            throw ValidationError("--kind \(kind.rawValue) needs --output-dir DIR")
        }
        if pivot, kind != .scalars { throw ValidationError("--pivot applies to --kind scalars only") }
    }

    func run() throws {
        let reader = try LogdirReader(path: logdir)
        let tagPattern = try tag.map { try TagPattern($0) }
        let runPattern = try runFilter.map { try TagPattern($0) }
        for skipped in reader.skippedFiles {
            FileHandle.standardError.write(Data("tb-export: warning: \(skipped)\n".utf8))
        }
        let runs = reader.runs.filter { info in runPattern.map { $0.matches(info.name) } ?? true }
        let semantics: LogdirReader.Semantics = restarts == .raw ? .raw : .tensorBoard
        var acceptsTag: (@Sendable (String) -> Bool)?
        if let tagPattern { acceptsTag = { tagPattern.matches($0) } }
        var damaged = false
        let onDamage: (EventReadError) -> Void = { error in
            damaged = true
            FileHandle.standardError.write(Data("tb-export: warning: \(error)\n".utf8))
        }
        if pivot {
            try exportPivot(reader, runs: runs, acceptsTag: acceptsTag.map { filter in { filter($0) } }, semantics: semantics, onDamage: onDamage)
        } else {
            damaged = try exportKinds(reader, runs: runs, acceptsTag: acceptsTag, semantics: semantics)
        }
        if damaged { throw ExitCode(1) }
    }

    /// The run name printed in rows: relative to LOGDIR, `""` for LOGDIR itself (as tbparse).
    private static func printedName(_ run: String) -> String { run == "." ? "" : run }

    /// Exports the rows of `--kind`; returns whether a damaged file was reported.
    private func exportKinds(
        _ reader: LogdirReader, runs: [RunInfo], acceptsTag: (@Sendable (String) -> Bool)?, semantics: LogdirReader.Semantics
    ) throws -> Bool {
        let rowKinds: [DashboardKind] =
            switch kind {
            case .all: [.scalars, .histograms, .images, .audio, .text, .prCurves]
            case .hparams: []
            case .scalars: [.scalars]
            case .histograms: [.histograms]
            case .images: [.images]
            case .audio: [.audio]
            case .text: [.text]
            case .prCurves: [.prCurves]
            }
        let wantsHParams = kind == .hparams || kind == .all
        var outputs = [KindsExport.Output]()
        var hparamsOutput = BufferedOutput()
        var descriptors = [Int32]()
        defer { for descriptor in descriptors { close(descriptor) } }
        if kind == .all, let directory = outputDirectory {
            func table(_ name: String) throws -> Int32 {
                let path = directory + "/" + name + "." + format.export.fileExtension
                guard let descriptor = try OutputFiles.createExclusively(path) else {
                    throw ToolError("\(path) already exists; choose an empty --output-dir")
                }
                descriptors.append(descriptor)
                return descriptor
            }
            for rowKind in rowKinds { outputs.append(KindsExport.Output(kind: rowKind, descriptor: try table(rowKind.rawValue))) }
            hparamsOutput = BufferedOutput(descriptor: try table("hparams"))
        } else if let rowKind = rowKinds.first {
            outputs.append(KindsExport.Output(kind: rowKind, descriptor: 1))
        }
        let export = KindsExport(
            reader: reader, runs: runs, outputs: outputs, format: format.export, mediaDirectory: outputDirectory, wantsHParams: wantsHParams,
            acceptsTag: acceptsTag, semantics: semantics, printedName: Self.printedName)
        let outcome = try export.run()
        if wantsHParams {
            HParamsRows.write(outcome.collector.table(), format: format.export, runName: Self.printedName, to: &hparamsOutput)
            hparamsOutput.flush()
        }
        // A failed write (disk full, closed pipe) is an I/O error naming the output.
        let names = outputs.map { kind == .all ? (outputDirectory ?? ".") + "/" + $0.kind.rawValue + "." + format.export.fileExtension : "standard output" }
        for (name, failure) in zip(names, outcome.failures) { try Self.check(failure, path: name) }
        let hparamsName = kind == .all ? (outputDirectory ?? ".") + "/hparams." + format.export.fileExtension : "standard output"
        try Self.check(hparamsOutput.failure, path: hparamsName)
        return outcome.damaged
    }

    /// Throws the first write failure of `output`, as the other tools report one.
    private static func check(_ failure: Int32?, path: String) throws {
        if let code = failure { throw OutputFileError.writeFailed(path: path, reason: SystemCallText.describe(errno: code)) }
    }

    private func exportPivot(
        _ reader: LogdirReader, runs: [RunInfo], acceptsTag: ((String) -> Bool)?, semantics: LogdirReader.Semantics,
        onDamage: @escaping (EventReadError) -> Void
    ) throws {
        var output = BufferedOutput()
        var tags = Set<String>()
        if format == .csv {
            // The CSV header needs every tag first: one quick pass over the scalars.
            for info in runs {
                try reader.forEachValue(in: info, of: [.scalars], acceptsTag: acceptsTag, onDamage: { _ in }) { _, point in tags.insert(point.tag) }
            }
        }
        var pivot = ScalarPivot(format: format.export, tags: tags.sorted())
        pivot.writeHeader(to: &output)
        for info in runs {
            var points = [DashboardPoint]()
            var runTags = Set<String>()
            try reader.forEachValue(in: info, of: [.scalars], acceptsTag: acceptsTag, semantics: semantics, onDamage: onDamage) { _, point in
                points.append(point)
                runTags.insert(point.tag)
            }
            let runPivot = format == .csv ? pivot : ScalarPivot(format: .jsonl, tags: runTags.sorted())
            runPivot.write(run: Self.printedName(info.name), points: points, to: &output)
        }
        output.flush()
        try Self.check(output.failure, path: "standard output")
    }
}
