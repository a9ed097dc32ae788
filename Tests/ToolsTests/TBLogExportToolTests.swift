import Foundation
import TensorBoard
import TestSupport
import Testing

@Suite struct TBLogExportToolTests {
    @Test func tbLogWritesScalarsTextAndNonFiniteValues() throws {
        try withTemporaryDirectory { directory in
            let input = """
                {"tag": "loss", "step": 1, "value": 0.5}
                {"tag": "loss", "step": 2, "value": NaN}
                {"tag": "loss", "step": 3, "value": Infinity, "wall_time": 1700000000.5}
                {"tag": "loss", "step": 4, "value": "-Infinity"}
                {"tag": "notes", "step": 0, "text": "hello"}

                """
            let result = try runTool("tb-log", ["--logdir", directory + "/run"], standardInput: input)
            #expect(result.status == 0 && result.standardError.isEmpty)
            let reader = try LogdirReader(path: directory)
            let loss = try reader.scalars(in: reader.runs[0])["loss"] ?? []
            #expect(loss.map(\.step) == [1, 2, 3, 4])
            #expect(loss[0].value == 0.5 && loss[1].value.isNaN && loss[2].value == .infinity && loss[3].value == -.infinity)
            #expect(loss[2].wallTime == 1_700_000_000.5)
            var texts = [String]()
            try EventFileReader(path: reader.runs[0].eventFiles[0]).forEachEvent { event in
                if case .summary(let values) = event.content, case .text(let t, _) = values[0].decoded(pluginName: nil) { texts += t }
            }
            #expect(texts == ["hello"])
        }
    }

    @Test(arguments: [
        ("not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ("{\"step\": 1, \"value\": 1}", "missing \"tag\" (a non-empty string)"),
        ("{\"tag\": \"x\", \"value\": 1}", "missing \"step\""),
        ("{\"tag\": \"x\", \"step\": -1, \"value\": 1}", "\"step\" must be a non-negative integer"),
        ("{\"tag\": \"x\", \"step\": 1.5, \"value\": 1}", "\"step\" must be a non-negative integer"),
        ("{\"tag\": \"x\", \"step\": 1, \"value\": true}", "\"value\" must be a number, NaN, Infinity or -Infinity"),
        ("{\"tag\": \"x\", \"step\": 1, \"value\": \"abc\"}", "\"value\" must be a number, NaN, Infinity or -Infinity"),
        ("{\"tag\": \"x\", \"step\": 1}", "missing \"value\" or \"text\""),
        ("{\"tag\": \"x\", \"step\": 1, \"value\": 1, \"text\": \"t\"}", "give either \"value\" or \"text\", not both"),
        ("{\"tag\": \"x\", \"step\": 1, \"text\": 5}", "\"text\" must be a string"),
        ("{\"tag\": \"x\", \"step\": 1, \"value\": 1, \"wall_time\": NaN}", "\"wall_time\" must be a finite number"),
    ])
    func tbLogRejectsAMalformedLineWithItsNumberAndKeepsTheRest(line: String, message: String) throws {
        try withTemporaryDirectory { directory in
            let input = "{\"tag\": \"x\", \"step\": 0, \"value\": 1}\n\(line)\n{\"tag\": \"x\", \"step\": 2, \"value\": 3}\n"
            let result = try runTool("tb-log", ["--logdir", directory], standardInput: input)
            #expect(result.status == 1)
            #expect(result.standardError == "tb-log: line 2: \(message)\n")
            let reader = try LogdirReader(path: directory)
            #expect(try reader.scalars(in: reader.runs[0])["x"]?.map(\.value) == [1, 3])
        }
    }

    @Test func twoConcurrentTbLogProcessesInOneRunKeepAllTheirRecords() throws {
        try withTemporaryDirectory { directory in
            let lines = (0..<5_000).map { "{\"tag\": \"t\", \"step\": \($0), \"value\": \($0)}" }.joined(separator: "\n") + "\n"
            let processes = try (0..<2).map { _ -> Process in
                let process = Process()
                process.executableURL = builtProductsDirectory.appendingPathComponent("tb-log")
                process.arguments = ["--logdir", directory + "/run"]
                let pipe = Pipe()
                process.standardInput = pipe
                try process.run()
                pipe.fileHandleForWriting.write(Data(lines.utf8))
                try pipe.fileHandleForWriting.close()
                return process
            }
            for process in processes { process.waitUntilExit() }
            #expect(processes.allSatisfy { $0.terminationStatus == 0 })
            let reader = try LogdirReader(path: directory)
            #expect(reader.runs.count == 1 && reader.runs[0].eventFiles.count == 2)
            #expect(try reader.scalars(in: reader.runs[0], semantics: .raw)["t"]?.count == 10_000)
        }
    }

    @Test func tbExportStreamsCSVAndJSONLinesWithFilters() throws {
        try withTemporaryDirectory { directory in
            for run in ["train", "eval"] {
                let writer = try SummaryWriter(logDirectory: directory + "/" + run)
                try writer.addScalar("loss", 0.25, step: 1, wallTime: 10.5)
                try writer.addScalar("acc,top1", .nan, step: 2, wallTime: 11)
                try writer.close()
            }
            let csv = try runTool("tb-export", [directory])
            #expect(csv.status == 0)
            #expect(csv.standardOutput == """
                run,tag,step,wall_time,value
                eval,loss,1,10.5,0.25
                eval,"acc,top1",2,11.0,NaN
                train,loss,1,10.5,0.25
                train,"acc,top1",2,11.0,NaN

                """)
            let jsonl = try runTool("tb-export", [directory, "--format", "jsonl", "--run", "^tr", "--tag", "acc"])
            #expect(jsonl.standardOutput == "{\"run\": \"train\", \"tag\": \"acc,top1\", \"step\": 2, \"wall_time\": 11.0, \"value\": NaN}\n")
        }
    }

    @Test func tbExportErrorsAreOneLine() throws {
        try withTemporaryDirectory { directory in
            let missing = try runTool("tb-export", [directory + "/nope"])
            #expect(missing.status == 1)
            #expect(missing.standardError == "Error: \(directory)/nope: no such file or directory\n")
            let empty = try runTool("tb-export", [directory])
            #expect(empty.standardError == "Error: \(directory): no event files (names containing 'tfevents') found\n")
            let badRegex = try runTool("tb-export", [directory, "--tag", "("])
            #expect(badRegex.status == 64)
            #expect(badRegex.standardError.hasPrefix("Error: --tag: pattern '(' is invalid at character 2: missing ')' for the '(' at character 1\n"))
        }
    }

    @Test func tbExportReportsDamageKeepsEarlierPointsAndExitsNonZero() throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory)
            for step in 0..<3 { try writer.addScalar("x", Double(step), step: step, wallTime: 1) }
            try writer.close()
            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: writer.filePath)))
            bytes[bytes.count - 3] ^= 0xFF  // the last record's payload CRC
            try Data(bytes).write(to: URL(fileURLWithPath: writer.filePath))
            let result = try runTool("tb-export", [directory])
            #expect(result.status == 1)
            #expect(result.standardOutput.split(separator: "\n").count == 3)  // header + steps 0, 1
            #expect(result.standardError.hasPrefix("tb-export: warning: \(writer.filePath): damaged record at byte offset"))
        }
    }
}
