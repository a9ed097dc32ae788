import Foundation
import TensorBoard
import TestSupport
import Testing

@Suite struct DashboardTests {
    private func values(_ path: String) throws -> [(Int64, SummaryValue)] { try summaryValues(inFile: path) }

    @Test func hparamsPluginDataMatchesTensorboardXBytes() throws {
        // docs/reference/tensorboard-format.md, "HParams": tensorboardX 2.6.5, hparams {lr: 0.1, opt: adam, bn: True}, metric hparam/acc.
        try withTemporaryDirectory { d in
            let writer = try SummaryWriter(logDirectory: d)
            let run = try writer.addHparams([("lr", .number(0.1)), ("opt", .string("adam")), ("bn", .bool(true))], metrics: [("hparam/acc", 0.9)], runName: "session")
            try writer.close()
            let reader = try LogdirReader(path: run)
            let all = try values(reader.runs[0].eventFiles[0])
            #expect(all.map(\.1.tag) == ["_hparams_/experiment", "_hparams_/session_start_info", "_hparams_/session_end_info", "hparam/acc"])
            let experiment: [UInt8] = [0x12, 0x29, 0x22, 0x06, 0x0a, 0x02] + Array("lr".utf8) + [0x20, 0x03, 0x22, 0x07, 0x0a, 0x03] + Array("opt".utf8)
                + [0x20, 0x01, 0x22, 0x06, 0x0a, 0x02] + Array("bn".utf8) + [0x20, 0x02, 0x2a, 0x0e, 0x0a, 0x0c, 0x12, 0x0a] + Array("hparam/acc".utf8)
            #expect(all[0].1.metadata?.pluginName == "hparams")
            #expect(all[0].1.metadata?.pluginContent == experiment)
            #expect(all[2].1.metadata?.pluginContent == [0x22, 0x02, 0x08, 0x01])
            // session_start_info holds the three values (our order lr, opt, bn; tbX's dict order differs).
            let start = all[1].1.metadata?.pluginContent ?? []
            #expect(start.starts(with: [0x1a, 0x2a]) && start.count == 44)
            if case .scalar(let v) = all[3].1.decoded(pluginName: nil) { #expect(Float(v) == 0.9) } else { Issue.record("no metric scalar") }
            #expect(throws: SummaryWriterError.invalidArgument("hparams: x = nan is not finite")) { try writer.addHparams([("x", .number(.nan))], metrics: []) }
        }
    }

    @Test func histogramBucketsFollowTorch() throws {
        // Values 0…9: torch keeps the non-empty range with one empty bucket on the left; the
        // first limit is the edge just above 0 (1e-12) covering [0, 1e-12): the value 0.
        let h = try HistogramBuckets.histogram(of: (0..<10).map(Double.init))
        #expect(h.count == 10 && h.minimum == 0 && h.maximum == 9 && h.sum == 45 && h.sumOfSquares == 285)
        #expect(h.bucketCounts.reduce(0, +) == 10)
        #expect(h.bucketCounts.first == 0 && h.bucketLimits.first == 0)
        #expect(h.bucketLimits.count == h.bucketCounts.count)
        #expect(zip(h.bucketLimits, h.bucketLimits.dropFirst()).allSatisfy { $0 < $1 })
        #expect(throws: SummaryWriterError.invalidArgument("histogram: no values; pass at least one")) { try HistogramBuckets.histogram(of: []) }
        #expect(throws: SummaryWriterError.invalidArgument("histogram: 2 of 3 values are NaN or infinite; remove them first")) {
            try HistogramBuckets.histogram(of: [1, .nan, .infinity])
        }
    }

    @Test func prCurveMatchesTorchsComputeCurve() throws {
        // Hand-computed with torch's compute_curve: T = 3, thresholds 0, 0.5, 1.
        let rows = try PRCurve.rows(labels: [1, 0, 1, 0], predictions: [0.9, 0.8, 0.4, 0.1], thresholdCount: 3)
        #expect(rows[0] == [2, 1, 0] && rows[1] == [2, 1, 0] && rows[2] == [0, 1, 2] && rows[3] == [0, 1, 2])
        #expect(rows[4] == [0.5, 0.5, 0] && rows[5] == [1, 0.5, 0])
        #expect(throws: SummaryWriterError.invalidArgument("PR curve: label 2 at index 1 is not 0 or 1")) {
            try PRCurve.rows(labels: [0, 2], predictions: [0.1, 0.2], thresholdCount: 3)
        }
        #expect(throws: SummaryWriterError.invalidArgument("PR curve: prediction 1.5 at index 0 is outside [0, 1]")) {
            try PRCurve.rows(labels: [0], predictions: [1.5], thresholdCount: 3)
        }
    }

    @Test func everyMethodRoundTripsThroughTheReader() throws {
        try withTemporaryDirectory { d in
            let writer = try SummaryWriter(logDirectory: d)
            try writer.addHistogram("h", [1, 2, 2, 3], step: 1)
            try writer.addImage("gray", pixels: [UInt8]([0, 64, 128, 255, 10, 20]), shape: [2, 3], layout: .hw, step: 2)
            try writer.addImage("chw", pixels: [Float](repeating: 0.5, count: 3 * 2 * 5), shape: [3, 2, 5], layout: .chw, step: 2)
            try writer.addImages("grid", pixels: [UInt8](repeating: 200, count: 3 * 1 * 2 * 2), shape: [3, 1, 2, 2], layout: .nchw, step: 3)
            try writer.addAudio("a", [0, 0.5, -0.5, 1], sampleRate: 8000, step: 4)
            try writer.addPRCurve("pr", labels: [1, 0, 1], predictions: [0.9, 0.2, 0.6], step: 5, numThresholds: 5)
            try writer.addText("t", "hello", step: 6)
            try writer.close()
            let all = try values(writer.filePath)
            let reader = try EventFileReader(path: writer.filePath)
            try reader.forEachEvent { _ in }
            var kinds = [String: DecodedValue]()
            for (_, v) in all { kinds[v.tag] = v.decoded(pluginName: reader.pluginNames[v.tag]) }
            if case .histogram(let buckets) = kinds["h"] { #expect(buckets.reduce(0) { $0 + $1.count } == 4) } else { Issue.record("h") }
            if case .images(let w, let h, let encoded) = kinds["gray"] { #expect(w == 3 && h == 2 && encoded[0].starts(with: [0x89, 0x50, 0x4E, 0x47])) } else { Issue.record("gray") }
            if case .images(let w, let h, _) = kinds["grid"] { #expect(w == 6 && h == 2) } else { Issue.record("grid") }
            if case .audio(let clips, _, _) = kinds["a"] { #expect(clips.count == 1 && clips[0].count == 44 + 8 && clips[0].starts(with: Array("RIFF".utf8))) } else { Issue.record("a") }
            if case .prCurve(let rows, let t) = kinds["pr"] { #expect(t == 5 && rows.count == 6) } else { Issue.record("pr") }
            #expect(kinds["t/text_summary"] == .text(["hello"], shape: [1]))
        }
    }

    @Test func badImageAndAudioInputGetClearErrors() throws {
        try withTemporaryDirectory { d in
            let writer = try SummaryWriter(logDirectory: d)
            #expect(throws: SummaryWriterError.invalidArgument("image: 5 pixel values do not match shape [2, 3] (6 values)")) {
                try writer.addImage("x", pixels: [UInt8](repeating: 0, count: 5), shape: [2, 3], layout: .hw, step: 0)
            }
            #expect(throws: SummaryWriterError.invalidArgument("image: pixel 1 is 1.5; float pixels must lie in [0, 1] (use UInt8 for 0…255)")) {
                try writer.addImage("x", pixels: [Float]([0, 1.5]), shape: [1, 2], layout: .hw, step: 0)
            }
            #expect(throws: SummaryWriterError.invalidArgument("image: 5 channels; use 1, 2, 3 or 4")) {
                try writer.addImage("x", pixels: [UInt8](repeating: 0, count: 5), shape: [1, 1, 5], layout: .hwc, step: 0)
            }
            #expect(throws: SummaryWriterError.invalidArgument("audio: sample 0 is 2.0; samples must lie in [-1, 1]")) { try writer.addAudio("a", [2], step: 0) }
            #expect(throws: SummaryWriterError.invalidArgument("embedding: metadata has 1 rows but the matrix has 2; give one label per row")) {
                try writer.addEmbedding([[1, 2], [3, 4]], metadata: [["a"]])
            }
            try writer.close()
        }
    }

    @Test func embeddingFilesFollowTorchsLayout() throws {
        try withTemporaryDirectory { d in
            let writer = try SummaryWriter(logDirectory: d)
            try writer.addEmbedding([[1, 2], [3, 4]], metadata: [["x"], ["y"]], labelImages: [UInt8](repeating: 9, count: 2 * 1 * 2 * 2), imageShape: [2, 1, 2, 2], tag: "emb", step: 8)
            try writer.addEmbedding([[0.5]], tag: "a/b")
            try writer.close()
            #expect(try String(contentsOfFile: d + "/00008/emb/tensors.tsv", encoding: .utf8) == "1.0\t2.0\n3.0\t4.0\n")
            #expect(try String(contentsOfFile: d + "/00008/emb/metadata.tsv", encoding: .utf8) == "x\ny\n")
            #expect(FileManager.default.fileExists(atPath: d + "/00008/emb/sprite.png"))
            #expect(FileManager.default.fileExists(atPath: d + "/00000/a%2fb/tensors.tsv"))
            let config = try String(contentsOfFile: d + "/projector_config.pbtxt", encoding: .utf8)
            #expect(config == """
                embeddings {
                  tensor_name: "emb:00008"
                  tensor_path: "00008/emb/tensors.tsv"
                  metadata_path: "00008/emb/metadata.tsv"
                  sprite {
                    image_path: "00008/emb/sprite.png"
                    single_image_dim: 2
                    single_image_dim: 2
                  }
                }
                embeddings {
                  tensor_name: "a/b:00000"
                  tensor_path: "00000/a%2fb/tensors.tsv"
                }

                """)
        }
    }

    @Test func addScalarsWritesOneSubRunPerKey() throws {
        try withTemporaryDirectory { d in
            let writer = try SummaryWriter(logDirectory: d)
            for step in 0..<3 { try writer.addScalars("loss/all", ["train": Double(step), "val": Double(step) / 2], step: step) }
            try writer.close()
            let reader = try LogdirReader(path: d)
            #expect(reader.runs.map(\.name) == [".", "loss_all_train", "loss_all_val"])  // "." is the main writer's own file
            #expect(try reader.scalars(in: reader.runs[2])["loss/all"]?.map(\.value) == [0, 0.5, 1])
        }
    }
}
