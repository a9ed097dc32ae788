import ArgumentParser
import Foundation
import TensorBoard

/// `tb-log`: log JSON lines from standard input to TensorBoard event files.
@main
struct TBLog: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tb-log",
        abstract: "Write JSON lines from standard input as TensorBoard events, so any program can log to TensorBoard.",
        discussion: """
            Each input line is one JSON object, either a scalar (stored as float32, as \
            TensorBoard stores it) or a text summary (Markdown):
              {"tag": "loss", "step": 3, "value": 0.5}
              {"tag": "notes", "step": 0, "text": "..."}

            An optional "wall_time" (seconds since the Unix epoch) overrides the current \
            time. Non-finite values may be written as Python's json.dumps writes them \
            (NaN, Infinity, -Infinity) or as those strings.

            A malformed line is reported on stderr with its line number and skipped; \
            everything else is kept. Records are flushed whenever standard input is idle, \
            and at the end. The exit status is 1 when any line was rejected.
            """)

    @Option(name: .long, help: "Run directory to write into (created if missing).")
    var logdir: String

    @Option(name: .long, help: "Suffix appended to the event file name.")
    var filenameSuffix: String = ""

    func run() throws {
        let writer = try SummaryWriter(logDirectory: logdir, filenameSuffix: filenameSuffix)
        var lineNumber = 0
        var rejected = 0
        var pending = Data()
        let input = FileHandle.standardInput
        while true {
            let chunk = input.availableData
            if chunk.isEmpty { break }
            pending.append(chunk)
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = pending[pending.startIndex..<newline]
                pending.removeSubrange(pending.startIndex...newline)
                lineNumber += 1
                if !handle(line, lineNumber: lineNumber, writer: writer) { rejected += 1 }
            }
            try writer.flush()
        }
        if !pending.isEmpty {
            lineNumber += 1
            if !handle(pending, lineNumber: lineNumber, writer: writer) { rejected += 1 }
        }
        try writer.close()
        if rejected > 0 { throw ExitCode(1) }
    }

    /// Logs one line; returns false (after printing the error) when the line is rejected.
    private func handle(_ line: Data, lineNumber: Int, writer: SummaryWriter) -> Bool {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return true }
        do {
            let record = try JSONLogRecord(line: line)
            switch record.payload {
            case .scalar(let value): try writer.addScalar(record.tag, value, step: record.step, wallTime: record.wallTime)
            case .text(let text): try writer.addText(record.tag, text, step: record.step, wallTime: record.wallTime)
            }
            return true
        } catch {
            FileHandle.standardError.write(Data("tb-log: line \(lineNumber): \(error)\n".utf8))
            return false
        }
    }
}
