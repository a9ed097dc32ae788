// A child process for the exit-flush tests: logs points into writers that are never closed,
// then ends the process normally, so the test can read back what reached the files.
//
// Usage: writer-exit-check LOGDIR COUNT MODE
//   MODE global     a writer in a global, the process returns from main
//   MODE exit       a writer alive in a local when exit(0) is called
//   MODE scalars    addScalars with 3 keys into a global writer, returns from main
import Foundation
import TensorBoard

let arguments = CommandLine.arguments
guard arguments.count == 4, let count = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: writer-exit-check LOGDIR COUNT global|exit|scalars\n".utf8))
    exit(64)
}
let logdir = arguments[1]

/// The writer a training script would keep in a global.
let globalWriter: SummaryWriter
do {
    globalWriter = try SummaryWriter(logDirectory: logdir)
} catch {
    FileHandle.standardError.write(Data("writer-exit-check: \(error)\n".utf8))
    exit(1)
}

func logPoints() throws {
    switch arguments[3] {
    case "global":
        for step in 0..<count { try globalWriter.addScalar("loss", Double(step), step: step) }
    case "exit":
        let local = try SummaryWriter(logDirectory: logdir + "/local")
        for step in 0..<count { try local.addScalar("loss", Double(step), step: step) }
        exit(0)
    case "scalars":
        for step in 0..<count { try globalWriter.addScalars("loss", ["a": 1, "b": 2, "c": 3], step: step) }
    default:
        FileHandle.standardError.write(Data("writer-exit-check: unknown mode \(arguments[3])\n".utf8))
        exit(64)
    }
}

do {
    try logPoints()
} catch {
    FileHandle.standardError.write(Data("writer-exit-check: \(error)\n".utf8))
    exit(1)
}
