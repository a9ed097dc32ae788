import Foundation
import TensorBoard
import TestSupport
import Testing

@Suite struct TBExportKindsToolTests {
    /// A run `run` with one value of each kind, at fixed steps and wall times.
    private func writeRun(_ directory: String, imageTag: String = "img") throws {
        let writer = try SummaryWriter(logDirectory: directory + "/run")
        try writer.addScalar("loss", 0.5, step: 1, wallTime: 10)
        try writer.addScalar("acc", 0.25, step: 1, wallTime: 10)
        try writer.addScalar("loss", 0.25, step: 2, wallTime: 11)
        try writer.addHistogramRaw(
            "w", HistogramValue(minimum: 1, maximum: 3, count: 4, sum: 8, sumOfSquares: 18, bucketLimits: [1.5, 2.5, 4], bucketCounts: [1, 2, 1]),
            step: 2, wallTime: 11)
        try writer.addImage(imageTag, pixels: [UInt8](repeating: 9, count: 6), shape: [2, 3], layout: .hw, step: 3, wallTime: 12)
        try writer.addAudio("snd", [0, 0.5], sampleRate: 8000, step: 4, wallTime: 13)
        try writer.addText("note", "a,b", step: 5, wallTime: 14)
        try writer.addPRCurveRaw("pr", rows: [[3, 1], [2, 0], [0, 2], [0, 2], [0.5, 1], [1, 0.25]], step: 6, wallTime: 15)
        try writer.addHparams([("lr", .number(0.1)), ("opt", .string("adam"))], metrics: [("acc", 0.75)], runName: "session")
        try writer.close()
    }

    @Test func eachKindPrintsItsDocumentedColumns() throws {
        try withTemporaryDirectory { directory in
            try writeRun(directory)
            let scalars = try runTool("tb-export", [directory, "--run", "^run$"])
            #expect(scalars.status == 0)
            #expect(scalars.standardOutput == "run,tag,step,wall_time,value\nrun,loss,1,10.0,0.5\nrun,acc,1,10.0,0.25\nrun,loss,2,11.0,0.25\n")
            let histograms = try runTool("tb-export", [directory, "--kind", "histograms"])
            #expect(histograms.standardOutput == """
                run,tag,step,wall_time,bucket_limits,bucket_counts,min,max,num,sum,sum_squares
                run,w,2,11.0,"[1.5, 2.5, 4.0]","[1.0, 2.0, 1.0]",1.0,3.0,4.0,8.0,18.0

                """)
            let text = try runTool("tb-export", [directory, "--kind", "text", "--format", "jsonl"])
            #expect(text.standardOutput == "{\"run\": \"run\", \"tag\": \"note\", \"step\": 5, \"wall_time\": 14.0, \"text\": \"a,b\"}\n")
            let curves = try runTool("tb-export", [directory, "--kind", "pr-curves", "--format", "jsonl"])
            #expect(curves.standardOutput == """
                {"run": "run", "tag": "pr", "step": 6, "wall_time": 15.0, "thresholds": [0.0, 1.0], "precision": [0.5, 1.0], "recall": [1.0, 0.25], \
                "true_positives": [3.0, 1.0], "false_positives": [2.0, 0.0], "true_negatives": [0.0, 2.0], "false_negatives": [0.0, 2.0]}

                """)
            let hparams = try runTool("tb-export", [directory, "--kind", "hparams"])
            #expect(hparams.standardOutput == "run,lr,opt,acc\nrun/session,0.1,adam,0.75\n")
            let hparamsJSON = try runTool("tb-export", [directory, "--kind", "hparams", "--format", "jsonl"])
            #expect(hparamsJSON.standardOutput == "{\"run\": \"run/session\", \"hparams\": {\"lr\": 0.1, \"opt\": \"adam\"}, \"metrics\": {\"acc\": 0.75}}\n")
            let pivot = try runTool("tb-export", [directory, "--pivot", "--run", "^run$"])
            #expect(pivot.standardOutput == "run,step,wall_time,acc,loss\nrun,1,10.0,0.25,0.5\nrun,2,11.0,,0.25\n")
        }
    }

    @Test func imagesAndAudioAreWrittenAsFilesNamedInTheRows() throws {
        try withTemporaryDirectory { directory in
            try writeRun(directory)
            let output = directory + "/out"
            let images = try runTool("tb-export", [directory, "--kind", "images", "--output-dir", output])
            #expect(images.status == 0)
            #expect(images.standardOutput == "run,tag,step,wall_time,width,height,file\nrun,img,3,12.0,3,2,run/img/3.png\n")
            let png = try Data(contentsOf: URL(fileURLWithPath: output + "/run/img/3.png"))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            let audio = try runTool("tb-export", [directory, "--kind", "audio", "--output-dir", output, "--format", "jsonl"])
            #expect(audio.standardOutput == "{\"run\": \"run\", \"tag\": \"snd\", \"step\": 4, \"wall_time\": 13.0, \"sample_rate\": 8000.0, \"file\": \"run/snd/4.wav\"}\n")
            // A second export never replaces the files of the first.
            let again = try runTool("tb-export", [directory, "--kind", "images", "--output-dir", output])
            #expect(again.standardOutput.hasSuffix(",run/img/3-1.png\n"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: output + "/run/img/3.png")) == png)
        }
    }

    @Test func aTagCannotPlaceFilesOutsideTheOutputDirectory() throws {
        try withTemporaryDirectory { directory in
            try writeRun(directory, imageTag: "../../escape")
            let output = directory + "/out"
            let result = try runTool("tb-export", [directory, "--kind", "images", "--output-dir", output])
            #expect(result.status == 0)
            #expect(result.standardOutput.hasSuffix(",run/_/_/escape/3.png\n"))
            #expect(FileManager.default.fileExists(atPath: output + "/run/_/_/escape/3.png"))
        }
    }

    @Test func kindAllWritesOneTablePerKindAndRefusesToOverwrite() throws {
        try withTemporaryDirectory { directory in
            try writeRun(directory)
            let output = directory + "/out"
            let result = try runTool("tb-export", [directory, "--kind", "all", "--output-dir", output])
            #expect(result.status == 0 && result.standardOutput.isEmpty)
            let tables = try FileManager.default.contentsOfDirectory(atPath: output).filter { $0.hasSuffix(".csv") }.sorted()
            #expect(tables == ["audio.csv", "histograms.csv", "hparams.csv", "images.csv", "pr-curves.csv", "scalars.csv", "text.csv"])
            let scalars = try String(contentsOfFile: output + "/scalars.csv", encoding: .utf8)
            #expect(scalars.hasPrefix("run,tag,step,wall_time,value\nrun,loss,1,10.0,0.5\n"))
            let before = scalars
            let again = try runTool("tb-export", [directory, "--kind", "all", "--output-dir", output])
            #expect(again.status == 1)
            #expect(again.standardError == "Error: \(output)/scalars.csv already exists; choose an empty --output-dir\n")
            #expect(try String(contentsOfFile: output + "/scalars.csv", encoding: .utf8) == before)
        }
    }

    /// Fields stored as float32 (scalars) print in the float32's shortest form; fields stored as
    /// float64 (histograms, hparam values) print every digit of the double, also when the double
    /// holds a float32's value (as torch's histogram minimum and maximum do).
    @Test func numbersPrintInTheirStoredPrecision() throws {
        try withTemporaryDirectory { directory in
            let widened = Double(Float(0.1))
            let writer = try SummaryWriter(logDirectory: directory)
            try writer.addScalar("s", 0.1, step: 1, wallTime: 2)
            try writer.addHistogramRaw(
                "h", HistogramValue(minimum: widened, maximum: 0.1, count: 1, sum: widened, sumOfSquares: 0.5, bucketLimits: [widened], bucketCounts: [1]),
                step: 1, wallTime: 2)
            try writer.addHparams([("lr", .number(widened))], metrics: [("s", 0.1)], runName: "session")
            try writer.close()
            let scalars = try runTool("tb-export", [directory, "--run", "^\\.$"])
            #expect(scalars.standardOutput == "run,tag,step,wall_time,value\n,s,1,2.0,0.1\n")
            let histograms = try runTool("tb-export", [directory, "--kind", "histograms", "--format", "jsonl"])
            #expect(histograms.standardOutput == """
                {"run": "", "tag": "h", "step": 1, "wall_time": 2.0, "bucket_limits": [0.10000000149011612], "bucket_counts": [1.0], \
                "min": 0.10000000149011612, "max": 0.1, "num": 1.0, "sum": 0.10000000149011612, "sum_squares": 0.5}

                """)
            let hparams = try runTool("tb-export", [directory, "--kind", "hparams", "--format", "jsonl"])
            #expect(hparams.standardOutput == "{\"run\": \"session\", \"hparams\": {\"lr\": 0.10000000149011612}, \"metrics\": {\"s\": 0.1}}\n")
        }
    }

    /// Runs are read on several threads; rows still come out in run order, byte for byte what
    /// one thread writes, also when a run's rows outgrow what a waiting run may hold in memory
    /// (each run here writes about 5 MB of text rows) and when a file is damaged.
    @Test func runsReadInParallelComeOutAsOneThreadWritesThem() throws {
        try withTemporaryDirectory { directory in
            for run in 0..<3 {
                let writer = try SummaryWriter(logDirectory: directory + "/run_\(run)")
                for step in 0..<2500 {
                    try writer.addText("log", String(repeating: "run \(run) step \(step); ", count: 100), step: step, wallTime: Double(step))
                    if step % 10 == 0 { try writer.addScalar("loss", Double(step + run), step: step, wallTime: Double(step)) }
                }
                try writer.close()
            }
            // A second, damaged file in the middle run: its last record's payload has a flipped byte.
            let extra = try SummaryWriter(logDirectory: directory + "/run_1")
            for step in 0..<3 { try extra.addScalar("late", Double(step), step: 2500 + step, wallTime: 9000) }
            try extra.close()
            let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/run_1").filter { $0.contains("tfevents") }.sorted()
            let damagedPath = directory + "/run_1/" + (files.last ?? "")
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: damagedPath)))
            bytes[bytes.count - 8] ^= 0xFF
            try Data(bytes).write(to: URL(fileURLWithPath: damagedPath))

            var outputs: [String: [String: String]] = [:]
            var warnings: [String: String] = [:]
            for threads in ["0", "3"] {
                let output = directory + "/out-\(threads)"
                let result = try runTool(
                    "tb-export", [directory, "--kind", "all", "--output-dir", output], environment: ["CONTRASTIVEBOARD_WORKER_THREADS": threads])
                #expect(result.status == 1)
                warnings[threads] = result.standardError
                var tables: [String: String] = [:]
                for name in try FileManager.default.contentsOfDirectory(atPath: output) {
                    tables[name] = try String(contentsOfFile: output + "/" + name, encoding: .utf8)
                }
                outputs[threads] = tables
            }
            let single = try #require(outputs["0"])
            #expect(outputs["3"] == single)
            #expect(warnings["3"] == warnings["0"])
            #expect(warnings["0"]?.hasPrefix("tb-export: warning: \(damagedPath):") == true)
            #expect(warnings["0"]?.split(separator: "\n").count == 1)
            // Every row, runs in order, the damaged file's rows before its damage included.
            let textRuns = (single["text.csv"] ?? "").split(separator: "\n").dropFirst().map { $0.prefix { $0 != "," } }
            #expect(textRuns == (0..<3).flatMap { run in [Substring](repeating: Substring("run_\(run)"), count: 2500) })
            let lateRows = (single["scalars.csv"] ?? "").split(separator: "\n").filter { $0.hasPrefix("run_1,late,") }
            #expect(lateRows.count == 2)
            // Standard output is ordered the same way.
            let streamed = try runTool("tb-export", [directory, "--kind", "text"], environment: ["CONTRASTIVEBOARD_WORKER_THREADS": "1"])
            #expect(streamed.standardOutput == single["text.csv"])
        }
    }

    @Test func restartsTensorBoardDropsThePointsARestartReplaces() throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory)
            for step in [0, 1, 2, 3, 1, 2] { try writer.addScalar("x", Double(step), step: step, wallTime: 1) }
            try writer.close()
            let raw = try runTool("tb-export", [directory])
            #expect(raw.standardOutput.split(separator: "\n").count == 7)
            let shown = try runTool("tb-export", [directory, "--restarts", "tensorboard"])
            // The root run prints as "" (tbparse's dir_name for LOGDIR itself).
            #expect(shown.standardOutput == "run,tag,step,wall_time,value\n,x,0,1.0,0.0\n,x,1,1.0,1.0\n,x,2,1.0,2.0\n")
        }
    }

    @Test(arguments: [
        (["--kind", "bogus"], "Error: The value 'bogus' is invalid for '--kind <kind>'"),
        (["--kind", "images"], "Error: --kind images needs --output-dir DIR"),
        (["--kind", "audio"], "Error: --kind audio needs --output-dir DIR"),
        (["--kind", "all"], "Error: --kind all needs --output-dir DIR"),
        (["--kind", "text", "--pivot"], "Error: --pivot applies to --kind scalars only"),
        (["--restarts", "never"], "Error: The value 'never' is invalid for '--restarts <restarts>'"),
    ])
    func invalidOptionsAreRejectedWithUsageStatus(arguments: [String], message: String) throws {
        try withTemporaryDirectory { directory in
            try writeRun(directory)
            let result = try runTool("tb-export", [directory] + arguments)
            #expect(result.status == 64)
            #expect(result.standardError.hasPrefix(message), "\(result.standardError)")
            #expect(result.standardOutput.isEmpty)
        }
    }
}
