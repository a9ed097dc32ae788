import Foundation
import ScalarLogging
import TensorBoard
import TestSupport
import Testing

@Suite(.enabled(if: CompatEnvironment.shouldRun, "compatibility venv not found; run scripts/setup-compat-venv.sh"), .serialized)
struct DashboardCompatibilityTests {
    private let beep: [Float] = (0..<800).map { Float(($0 % 20) - 10) / 20 }

    /// Writes one run with every dashboard; returns the log directory's layout facts.
    private func writeEverything(_ logdir: String) throws {
        let writer = try SummaryWriter(logDirectory: logdir + "/main")
        try writer.addScalar("loss", 0.25, step: 0)
        try writer.addHistogram("weights", [1, 2, 2, 3, 3, 3], step: 1)
        // A 3×5 RGB image (width not a multiple of 4), CHW bytes.
        let rgb: [UInt8] = (0..<(3 * 3 * 5)).map { UInt8($0 * 5) }
        try writer.addImage("picture", pixels: rgb, shape: [3, 3, 5], layout: .chw, step: 2)
        try writer.addText("notes", "hello **world**", step: 3)
        try writer.addPRCurve("pr", labels: [1, 0, 1, 0, 1], predictions: [0.9, 0.1, 0.7, 0.4, 0.2], step: 4, numThresholds: 5)
        try writer.addAudio("beep", beep, sampleRate: 8000, step: 5)
        try writer.addCustomScalars(CustomScalarLayout(categories: [.init(title: "Class Distances", charts: [.init(title: "margin", content: .multiline(tags: ["C0-C1", "C1-C2"]))])]))
        try writer.addEmbedding([[1, 0], [0, 1], [1, 1]], metadata: [["a"], ["b"], ["c"]], tag: "emb")
        try writer.addHparams([("lr", .number(0.01)), ("optimizer", .string("adam")), ("augment", .bool(true))], metrics: [("hparam/accuracy", 0.75)], runName: "session")
        try writer.close()
    }

    @Test(arguments: ["true", "false"])
    func everyDashboardShowsItsDataInTensorBoard(loadFast: String) throws {
        try withTemporaryDirectory { logdir in
            try writeEverything(logdir)
            let urls = [
                "/data/plugin/histograms/histograms?run=main&tag=weights",
                "IMAGE:main|picture",
                "/data/plugin/text/text?run=main&tag=notes%2Ftext_summary",
                "/data/plugin/pr_curves/pr_curves?run=main&tag=pr",
                "AUDIO:main|beep",
                "/data/plugin/custom_scalars/layout",
                "/data/plugin/projector/runs",
                "/data/plugin/projector/info?run=main",
                "POST:/data/plugin/hparams/experiment|{\"experimentName\": \"\"}",
                CompatEnvironment.allSessionGroups,
            ]
            let wait = "histograms:main:weights,images:main:picture,text:main:notes/text_summary,pr_curves:main:pr,audio:main:beep,scalars:main/session:hparam/accuracy"
            guard let r = try CompatEnvironment.queryTensorBoard(logdir, loadFast: loadFast, wait: wait, urls: urls) else { return }
            // Histogram: buckets (left, right, count) summing to the 6 values, at step 1.
            let histogram = (r[urls[0]] as? [[Any]])?.first
            #expect((histogram?[1] as? Int) == 1)
            let buckets = (histogram?[2] as? [[Double]]) ?? []
            #expect(buckets.reduce(0) { $0 + $1[2] } == 6, "\(buckets)")
            // Image: the served PNG decodes to our pixels (CHW → HWC).
            let image = r[urls[1]] as? [String: Any]
            #expect(image?["size"] as? [Int] == [5, 3] && image?["mode"] as? String == "RGB")
            let pixels = (image?["pixels"] as? [[Int]]) ?? []
            let expected = (0..<15).map { p in (0..<3).map { c in (c * 15 + p) * 5 } }
            #expect(pixels == expected)
            // Text rendered from Markdown.
            let text = ((r[urls[2]] as? [[String: Any]])?.first?["text"] as? String) ?? ""
            #expect(text.contains("hello") && text.contains("<strong>world</strong>"), "\(text)")
            // PR curve: precision/recall as computed; the plugin drops the trailing thresholds
            // where TP + FP = 0 (precision undefined).
            let pr = ((r[urls[3]] as? [String: Any])?["main"] as? [[String: Any]])?.first
            let rows = try PRCurve.rows(labels: [1, 0, 1, 0, 1], predictions: [0.9, 0.1, 0.7, 0.4, 0.2], thresholdCount: 5)
            let kept = (rows[0].lastIndex { $0 > 0 } ?? 0) + 1
            #expect((pr?["precision"] as? [Double])?.map { Float($0) } == rows[4].prefix(kept).map { Float($0) })
            #expect((pr?["recall"] as? [Double])?.map { Float($0) } == rows[5].prefix(kept).map { Float($0) })
            // Audio: the served clip is the WAV written (not a [WAV, label] row), on both loaders.
            let audio = r[urls[4]] as? [String: Any]
            #expect(audio?["content_type"] as? String == "audio/wav")
            let served = Data(base64Encoded: (audio?["base64"] as? String) ?? "").map { [UInt8]($0) }
            #expect(served == WAV.encode(samples: beep, sampleRate: 8000), "\(served?.count ?? 0) bytes served")
            // Custom scalars layout.
            let layout = r[urls[5]] as? [String: Any]
            let category = (layout?["category"] as? [[String: Any]])?.first
            #expect(category?["title"] as? String == "Class Distances")
            // Projector: the run and its embedding.
            #expect((r[urls[6]] as? [String])?.contains("main") == true)
            let embeddings = ((r[urls[7]] as? [String: Any])?["embeddings"] as? [[String: Any]]) ?? []
            #expect(embeddings.first?["tensorName"] as? String == "emb:00000")
            // HParams: the experiment's hparams and metric, and the session with its metric value.
            let experiment = r[urls[8]] as? [String: Any]
            let names = Set(((experiment?["hparamInfos"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String })
            #expect(names == ["lr", "optimizer", "augment"])
            let groups = ((r[urls[9]] as? [String: Any])?["sessionGroups"] as? [[String: Any]]) ?? []
            let metricValues = (groups.first?["metricValues"] as? [[String: Any]]) ?? []
            #expect(abs(((metricValues.first?["value"] as? Double) ?? 0) - 0.75) < 1e-6, "\(groups)")
        }
    }

    @Test func pngDecodesIndependentlyForEveryChannelCount() throws {
        try withTemporaryDirectory { d in
            var script = "import sys, json\nfrom PIL import Image\nout = {}\n"
            for channels in 1...4 {
                let (w, h) = (7, 3)  // width not a multiple of 4
                let pixels = (0..<(w * h * channels)).map { UInt8(($0 * 37) % 256) }
                try Data(try PNG.encode(pixels: pixels, width: w, height: h, channels: channels)).write(to: URL(fileURLWithPath: d + "/\(channels).png"))
                script += "im = Image.open(sys.argv[1] + '/\(channels).png'); out['\(channels)'] = [im.mode, list(im.size), [list(p) if isinstance(p, tuple) else [p] for p in im.getdata()]]\n"
            }
            script += "print(json.dumps(out))\n"
            try script.write(toFile: d + "/check.py", atomically: true, encoding: .utf8)
            let result = try runProcess(CompatEnvironment.python, [d + "/check.py", d])
            #expect(result.status == 0, "\(result.standardError)")
            let decoded = try CompatEnvironment.json(result.standardOutput) as? [String: [Any]]
            for channels in 1...4 {
                let entry = decoded?["\(channels)"]
                #expect(entry?[0] as? String == ["L", "LA", "RGB", "RGBA"][channels - 1])
                #expect(entry?[1] as? [Int] == [7, 3])
                let flat = ((entry?[2] as? [[Int]]) ?? []).flatMap { $0 }
                #expect(flat == (0..<(7 * 3 * channels)).map { ($0 * 37) % 256 })
            }
        }
    }
}
