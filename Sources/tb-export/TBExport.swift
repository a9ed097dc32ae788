import ArgumentParser
import Foundation

import TensorBoard
import ToolSupport

/// `tb-export`: stream the scalars of a log directory as CSV or JSON lines.
@main
struct TBExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tb-export",
        abstract: "Stream the scalar series of TensorBoard event files as CSV or JSON lines, in constant memory.",
        discussion: """
            LOGDIR may be a log directory (searched recursively), a run directory or one \
            event file. Files written by torch, tensorboardX, TensorFlow 2 or this project \
            are read alike; every record's CRCs are checked. Points are printed as \
            written, file by file in name order (no restart pre-emption).

            CSV columns: run,tag,step,wall_time,value; non-finite values print as NaN, \
            inf, -inf. JSON lines use NaN, Infinity, -Infinity like Python's json.dumps.

            A damaged file is reported on stderr, the points before the damage are kept, \
            and the exit status is 1.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, jsonl
    }

    @Argument(help: "Log directory, run directory or event file.")
    var logdir: String

    @Option(
        name: .long,
        help: "Only tags matching this pattern, searched anywhere in the tag (default: all). Syntax: literals, ., [...], \\d \\w \\s, * + ? {m,n}, |, (...), ^ $ \\b; matched in linear time.")
    var tag: String?

    @Option(name: .customLong("run"), help: "Only runs matching this pattern (same syntax as --tag; default: all).")
    var runFilter: String?

    @Option(name: .long, help: "Output format.")
    var format: Format = .csv

    func validate() throws {
        for (name, pattern) in [("--tag", tag), ("--run", runFilter)] {
            guard let pattern else { continue }
            do { _ = try TagPattern(pattern) } catch { throw ValidationError("\(name): \(error)") }
        }
    }

    func run() throws {
        let reader = try LogdirReader(path: logdir)
        let tagPattern = try tag.map { try TagPattern($0) }
        let runPattern = try runFilter.map { try TagPattern($0) }
        for skipped in reader.skippedFiles {
            FileHandle.standardError.write(Data("tb-export: warning: \(skipped)\n".utf8))
        }
        var output = BufferedOutput()
        if format == .csv { output.write("run,tag,step,wall_time,value\n") }
        var damaged = false
        for info in reader.runs {
            if let runPattern, !runPattern.matches(info.name) { continue }
            let runField = format == .csv ? csvField(info.name) : jsonString(info.name)
            var lastTag = ""
            var tagField = ""
            try reader.forEachScalar(
                in: info, acceptsTag: tagPattern.map { pattern in { pattern.matches($0) } },
                onDamage: { error in
                    damaged = true
                    output.flush()
                    FileHandle.standardError.write(Data("tb-export: warning: \(error)\n".utf8))
                }
            ) { _, tag, point in
                if tag != lastTag {
                    lastTag = tag
                    tagField = format == .csv ? csvField(tag) : jsonString(tag)
                }
                switch format {
                case .csv:
                    output.write("\(runField),\(tagField),\(point.step),\(point.wallTime),\(number(point.value, json: false))\n")
                case .jsonl:
                    output.write(
                        "{\"run\": \(runField), \"tag\": \(tagField), \"step\": \(point.step), \"wall_time\": \(point.wallTime), \"value\": \(number(point.value, json: true))}\n"
                    )
                }
            }
        }
        output.flush()
        if let failure = output.failure { throw failure }
        if damaged { throw ExitCode(1) }
    }

    /// The shortest decimal that round-trips the stored value (float32 when it is one).
    private func number(_ value: Double, json: Bool) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? (json ? "Infinity" : "inf") : (json ? "-Infinity" : "-inf") }
        let single = Float(value)
        return Double(single) == value ? single.description : value.description
    }

    private func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    result += String(format: "\\u%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}

/// Collects output in a 64 KiB buffer and writes it to stdout in large pieces.
///
/// The first failed write (disk full, closed pipe) stops all further output and is kept in
/// `failure`, for `run()` to report after the loop.
struct BufferedOutput {
    private var buffer: [UInt8] = []
    private(set) var failure: OutputFileError?

    init() { buffer.reserveCapacity(1 << 16) }

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        if failure == nil {
            do { try OutputFile.write(buffer, to: "-") } catch { failure = error }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
