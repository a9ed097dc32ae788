import ArgumentParser
import Foundation
import Losses
import Margins
import ToolSupport

/// `extract-margins`: phase one's event files → the phase-two `learnable_map`.
@main
struct ExtractMargins: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract-margins",
        abstract: "Read CLOC's learned margins from phase one's event files and print the learnable_map for phase two.",
        usage: """
            extract-margins <path> [--run <run>] [--step <step>] [--average-last <k>]
            [--variant <variant>] [--tag-prefix <prefix>] [--format <format>]
            [--mode <mode>] [-o <file>] [--allow-damaged] [--verbose]
            """,
        discussion: """
            PATH is an event file, a run directory or a log directory (searched \
            recursively). Multi-margin runs log C0-C1 … C{K-2}-C{K-1}; single-margin runs \
            log Margin. Each value is the one at the last step (at or before --step), as \
            default TensorBoard shows it after restarts.

            Standard output holds only the map, e.g. [["fixed", 0.12], ["fixed", 0.8]]; \
            values are the shortest decimals that round-trip the float32 stored on disk.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, python
    }

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case fixed, learnable
    }

    @Argument(help: "Event file, run directory or log directory.")
    var path: String

    @Option(name: .long, help: "Output format: json ([[\"fixed\", 0.12], …]) or python ([['fixed', 0.12], …]).")
    var format: Format = .json

    @Option(name: .long, help: "Entry mode: fixed (phase two) or learnable (warm start at the extracted values).")
    var mode: Mode = .fixed

    @Option(name: .long, parsing: .unconditional, help: "Use the value at the last step ≤ N (default: the last step).")
    var step: Int64?

    @Option(name: .customLong("run"), help: "Run to read (its path relative to PATH) when several runs have margins.")
    var runName: String?

    @Option(name: .long, help: "Which tags to read: multi (C0-C1…), single (Margin) or auto (whichever is there).")
    var variant: MarginVariant = .auto

    @Option(name: .long, help: "Prefix the margin tags were logged under.")
    var tagPrefix: String = ""

    @Option(name: .long, parsing: .unconditional, help: "Average the last K logged values of each margin instead of taking the last one.")
    var averageLast: Int?

    @Option(name: .shortAndLong, help: "Write the map to this file instead of standard output (- is standard output; a regular file is replaced atomically).")
    var output: String?

    @Flag(name: .long, help: "Use the data before a damaged record instead of failing (a warning names the damage).")
    var allowDamaged = false

    @Flag(name: .long, help: "Print a short summary (run, files, steps, tags) on stderr.")
    var verbose = false

    func validate() throws {
        if let averageLast, averageLast < 1 { throw ValidationError("--average-last must be at least 1, got \(averageLast)") }
        if let step, step < 0 { throw ValidationError("--step must be ≥ 0 (steps start at 0), got \(step)") }
    }

    func run() throws {
        var options = MarginExtractionOptions()
        options.variant = variant
        options.step = step
        options.averageLast = averageLast
        options.run = runName
        options.tagPrefix = tagPrefix
        options.allowsDamagedFiles = allowDamaged
        let result = try extractMargins(path: path, options: options)
        for damage in result.damage {
            FileHandle.standardError.write(Data("extract-margins: warning: \(damage); using the data before it (--allow-damaged)\n".utf8))
        }
        if verbose {
            let lines = ["run: \(result.run) (\(result.variant.rawValue)-margin)", "files: \(result.files.joined(separator: ", "))"]
                + zip(result.tags, zip(result.steps, result.values)).map { "\($0): \($1.1) at step \($1.0)" }
            FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
        let map = result.map(learnable: mode == .learnable)
        let text = (format == .json ? map.jsonText : map.pythonText) + "\n"
        if let output {
            try OutputFile.write(text, to: output)
        } else {
            try OutputFile.write(text, to: "-")
        }
    }
}

extension MarginVariant: ExpressibleByArgument {}
