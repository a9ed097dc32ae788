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
