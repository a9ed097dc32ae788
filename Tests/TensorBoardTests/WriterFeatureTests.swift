import Deflate
import Foundation
@testable import TensorBoard
import TestSupport
import Testing

@Suite struct WriterFeatureTests {
    private func values(_ path: String) throws -> [(Int64, SummaryValue)] { try summaryValues(inFile: path) }

    private func eventFile(_ directory: String) throws -> String {
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasPrefix("events.out.tfevents.") })
        return directory + "/" + name
    }

    @Test func audioIsWrittenLikeTF2WithoutADataClass() throws {
        // tensorboard/plugins/audio/summary_v2.py: a [k, 2] string tensor and no data class, so
        // TensorBoard's dataclass_compat projects out the clips (a set data class would skip that).
        try withTemporaryDirectory { d in
            let writer = try SummaryWriter(logDirectory: d)
            try writer.addAudio("a", [Float](repeating: 0.25, count: 10), sampleRate: 8000)
            try writer.addAudio("b", [Double](repeating: -0.5, count: 4), sampleRate: 8000, step: 2)
            try writer.close()
            let all = try values(try eventFile(d))
            #expect(all.map(\.0) == [0, 2])
            let metadata = try #require(all[0].1.metadata)
            #expect(metadata.pluginName == "audio" && metadata.dataClass == .unknown)
            guard case .tensor(let tensor) = all[0].1.value, case .strings(let strings) = tensor.storage else {
                Issue.record("no string tensor")
                return
            }
            #expect(tensor.shape == [1, 2] && strings.count == 2 && strings[1].isEmpty)
            #expect(strings[0] == WAV.encode(samples: [Float](repeating: 0.25, count: 10), sampleRate: 8000))
            if case .audio(let clips, _, _) = all[1].1.decoded(pluginName: nil) {
                #expect(clips == [WAV.encode(samples: [-0.5, -0.5, -0.5, -0.5], sampleRate: 8000)])
            } else {
                Issue.record("audio not decoded")
            }
        }
    }

    @Test func floatTrainingLoopLogsWithoutConversions() throws {
        try withTemporaryDirectory { d in
            let writer = try SummaryWriter(logDirectory: d)
            let loss: Float = 0.125
            let weights: [Float] = [0.5, -0.25, 1]
            let embedding: [[Float]] = [[0.5, 1], [0.25, 0.75]]
            let labels = [3, 7]
            try writer.addScalar("loss", loss)
            try writer.addScalar("half", Float16(0.5), step: 1)
            try writer.addScalars("pair", ["a": loss, "b": loss * 2], step: 1)
            try writer.addHistogram("weights", weights, step: 1)
            try writer.addImage("img", pixels: [Float](repeating: 0.5, count: 3 * 2 * 2), shape: [3, 2, 2])
            try writer.addImages("batch", pixels: [Double](repeating: 1, count: 2 * 1 * 2 * 2), shape: [2, 1, 2, 2])
            try writer.addPRCurve("pr", labels: [0, 1], predictions: [Float(0.25), 0.75])
            try writer.addEmbedding(embedding, metadata: labels.map { [$0] }, tag: "emb")
            try writer.close()
            let all = try values(try eventFile(d))
            #expect(all.map(\.1.tag) == ["loss", "half", "weights", "img", "batch", "pr"])
            #expect(all.map(\.0) == [0, 1, 1, 0, 0, 0])
            if case .simpleValue(let v) = all[0].1.value { #expect(v == 0.125) } else { Issue.record("loss not a simple value") }
            if case .simpleValue(let v) = all[1].1.value { #expect(v == 0.5) } else { Issue.record("half not a simple value") }
            if case .histogram(let h) = all[2].1.value { #expect(h.count == 3 && h.sum == 1.25) } else { Issue.record("no histogram") }
            let metadata = try String(contentsOfFile: d + "/00000/emb/metadata.tsv", encoding: .utf8)
            #expect(metadata == "3\n7\n")
            let tensors = try String(contentsOfFile: d + "/00000/emb/tensors.tsv", encoding: .utf8)
            #expect(tensors == "0.5\t1.0\n0.25\t0.75\n")
            let scalarsRun = try LogdirReader(path: d + "/pair_a")
            #expect(try scalarsRun.scalars(in: scalarsRun.runs[0])["pair"]?.first?.value == 0.125)
        }
    }

    @Test func imageLayoutDefaultsToCHWAsTorch() throws {
        try withTemporaryDirectory { d in
            let writer = try SummaryWriter(logDirectory: d)
            // 2 channels of 1×3: CHW means channel-planar.
            try writer.addImage("chw", pixels: [UInt8]([1, 2, 3, 10, 20, 30, 100, 110, 120]), shape: [3, 1, 3])
            try writer.close()
            let all = try values(try eventFile(d))
            guard case .image(let image) = all[0].1.value else {
                Issue.record("no image")
                return
            }
            let expected = try PNG.encode(pixels: [1, 10, 100, 2, 20, 110, 3, 30, 120], width: 3, height: 1, channels: 3)
            #expect(image.encoded == expected && image.width == 3 && image.height == 1)
        }
    }

    /// Values whose NumPy bin edges differ per rule (float64, exact rational arithmetic).
    private static let ruleData: [Double] = (0..<200).map { (i: Int) -> Double in
        let first = Double((i * 37) % 101) / 7.0
        let second = Double((i % 13) * (i % 13)) / 50.0
        return first + second
    }

    @Test(arguments: [
        // np.histogram_bin_edges(ruleData, bins=rule), NumPy 2.4.
        (HistogramBins.freedmanDiaconis, [0.0, 2.4114285714285715, 4.822857142857143, 7.234285714285715, 9.645714285714286, 12.057142857142857, 14.46857142857143, 16.88]),
        (.sturges, [0.0, 1.8755555555555554, 3.751111111111111, 5.626666666666666, 7.502222222222222, 9.377777777777776, 11.253333333333332, 13.128888888888888, 15.004444444444443, 16.88]),
        (.auto, [0.0, 1.8755555555555554, 3.751111111111111, 5.626666666666666, 7.502222222222222, 9.377777777777776, 11.253333333333332, 13.128888888888888, 15.004444444444443, 16.88]),
        (.rice, [0.0, 1.4066666666666665, 2.813333333333333, 4.22, 5.626666666666666, 7.033333333333332, 8.44, 9.846666666666666, 11.253333333333332, 12.659999999999998, 14.066666666666665, 15.473333333333331, 16.88]),
        (.squareRoot, [0.0, 1.1253333333333333, 2.2506666666666666, 3.376, 4.501333333333333, 5.626666666666667, 6.752, 7.877333333333333, 9.002666666666666, 10.128, 11.253333333333334, 12.378666666666666, 13.504, 14.629333333333333, 15.754666666666665, 16.88]),
        (.scott, [0.0, 2.4114285714285715, 4.822857142857143, 7.234285714285715, 9.645714285714286, 12.057142857142857, 14.46857142857143, 16.88]),
    ])
    func binRulesMatchNumPy(rule: HistogramBins, expected: [Double]) throws {
        // Exact: the same IEEE operations in the same order (ptp, quartiles, log2/pow, linspace).
        #expect(try rule.edges(for: Self.ruleData) == expected)
    }

    @Test func autoTakesTheFreedmanDiaconisWidthForConcentratedData() throws {
        // 900 values in [0, 6.125] and a sparse tail to 44.75: NumPy 2.4's 'auto' gives 64 buckets
        // (the Freedman–Diaconis width), 'sturges' only 11.
        let cluster: [Double] = (0..<900).map { (i: Int) -> Double in Double((i * 37) % 50) / 8 }
        let tail: [Double] = (0..<100).map { (i: Int) -> Double in 20 + Double(i) / 4 }
        let values = cluster + tail
        let edges = try HistogramBins.auto.edges(for: values)
        #expect(edges.count == 65 && edges[1] == 0.69921875 && edges[2] == 1.3984375 && edges[63] == 44.05078125 && edges[64] == 44.75)
        #expect(try HistogramBins.sturges.edges(for: values).count == 12)
        // np.percentile(values, [75, 25]) = [5.125, 1.625].
        let sorted = values.sorted()
        #expect(HistogramBins.percentile(sorted, 0.75) == 5.125 && HistogramBins.percentile(sorted, 0.25) == 1.625)
        // np.percentile(ruleData, [75, 25]) = [11.622142857142856, 4.4871428571428575].
        let rule = Self.ruleData.sorted()
        #expect(HistogramBins.percentile(rule, 0.75) == 11.622142857142856 && HistogramBins.percentile(rule, 0.25) == 4.4871428571428575)
    }

    @Test func countsEdgesAndMaxBinsFollowTorch() throws {
        let values: [Double] = [0.5, 1.25, 1.5, 2.0, 2.0, 3.75, 4.0, 7.5, 9.25, 10.0, -1.5, 0.0]
        // np.histogram_bin_edges(values, bins=7), NumPy 2.4.
        #expect(try HistogramBins.count(7).edges(for: values) == [
            -1.5, 0.1428571428571428, 1.7857142857142856, 3.428571428571429, 5.071428571428571, 6.7142857142857135, 8.357142857142858, 10.0,
        ])
        // An empty range widens by ±0.5 (np._get_outer_edges).
        #expect(try HistogramBins.auto.edges(for: [3, 3, 3]) == [2.5, 3.5])
        // tensorboardX 2.6.5 make_histogram(values, bins=10, max_bins=3) (torch's code).
        let merged = try HistogramBuckets.histogram(of: values, edges: HistogramBins.count(10).edges(for: values), maximumBucketCount: 3)
        #expect(merged.bucketLimits == [-1.5, 1.9499999999999997, 5.3999999999999995, 8.85, 10.0])
        #expect(merged.bucketCounts == [0, 5, 4, 1, 2])
        // make_histogram(values, bins='auto').
        let auto = try HistogramBuckets.histogram(of: values, edges: HistogramBins.auto.edges(for: values))
        #expect(auto.bucketLimits == [-1.5, 0.7999999999999998, 3.0999999999999996, 5.3999999999999995, 7.699999999999999, 10.0])
        #expect(auto.bucketCounts == [0, 3, 4, 2, 1, 2])
        let bins: HistogramBins = 30
        #expect(bins == .count(30))
        #expect(throws: SummaryWriterError.invalidArgument("histogram: bins must be at least 1, got 0")) { try HistogramBins.count(0).edges(for: values) }
        #expect(throws: SummaryWriterError.invalidArgument("histogram: maxBins must be at least 1, got 0")) {
            try HistogramBuckets.histogram(of: values, maximumBucketCount: 0)
        }
        try withTemporaryDirectory { d in
            let writer = try SummaryWriter(logDirectory: d)
            try writer.addHistogram("h", values.map { Float($0) }, step: 3, bins: .auto)
            try writer.addHistogram("m", values, bins: 10, maxBins: 3)
            #expect(throws: SummaryWriterError.invalidArgument("histogram: 1 of 2 values are NaN or infinite; remove them first")) {
                try writer.addHistogram("bad", [1, Double.nan], bins: .freedmanDiaconis)
            }
            try writer.close()
            let all = try self.values(try eventFile(d))
            if case .histogram(let h) = all[0].1.value { #expect(h.bucketLimits == auto.bucketLimits && h.bucketCounts == auto.bucketCounts) }
            if case .histogram(let h) = all[1].1.value { #expect(h.bucketCounts == [0, 5, 4, 1, 2]) }
        }
    }

    @Test func hparamsFromDictionaryLiteralsIntoTheRunItself() throws {
        try withTemporaryDirectory { d in
            let writer = try SummaryWriter(logDirectory: d)
            let accuracy: Float = 0.75
            let batch = 64
            try writer.addScalar("hparam/accuracy", accuracy, step: 9)
            let run = try writer.addHparams(
                ["lr": 1e-3, "optimizer": "adam", "augment": true, "layers": 3, "batch": HParamValue(batch)],
                metrics: ["hparam/accuracy": accuracy], in: .thisRun, step: 10)
            #expect(run == d)
            let named = try writer.addHparams(["C": 1.0], metrics: ["m": 0.5], in: .subRun("C=1"))
            let bare = try writer.addHparams(["C": 2.0], in: .subRun("C=2"))
            #expect(bare == d + "/C=2")
            #expect(named == d + "/C=1")
            #expect(throws: SummaryWriterError.invalidPathComponent("../x", role: "addHparams run name", problem: .dotOrDotDot)) {
                try writer.addHparams(["C": 1.0], metrics: ["m": 0.5], in: .subRun("../x"))
            }
            try writer.close()
            let all = try values(try eventFile(d))
            #expect(all.map(\.1.tag) == ["hparam/accuracy", "_hparams_/experiment", "_hparams_/session_start_info", "_hparams_/session_end_info", "hparam/accuracy"])
            let experiment: HParamValue = 0.5
            #expect(experiment == .number(0.5) && HParamValue("x") == .string("x") && HParamValue(Float(0.25)) == .number(0.25))
            let start = all[2].1.metadata?.pluginContent ?? []
            #expect(start.count > 40 && start.starts(with: [0x1a]))
        }
    }

    @Test func defaultLogDirectoryIsTorchs() throws {
        // torch: os.path.join("runs", datetime.now().strftime("%b%d_%H-%M-%S") + "_" + socket.gethostname() + comment)
        let date = Date(timeIntervalSince1970: 1_796_292_902)  // 2026-12-03 10:15:02 UTC
        let directory = SummaryWriter.defaultLogDirectory(comment: "_lr0.1", date: date, hostName: "gpu01", timeZone: TimeZone(identifier: "UTC") ?? .current)
        #expect(directory == "runs/Dec03_10-15-02_gpu01_lr0.1")
        #expect(SummaryWriter.defaultLogDirectory().hasPrefix("runs/"))
    }

    @Test func customScalarShorthandsWriteOneChart() throws {
        try withTemporaryDirectory { d in
            let writer = try SummaryWriter(logDirectory: d)
            try writer.addCustomScalarsMultilineChart(["a", "b"])
            try writer.addCustomScalarsMarginChart(["v", "lo", "hi"], category: "bands", title: "v")
            #expect(throws: SummaryWriterError.invalidArgument("custom scalars: a margin chart takes 3 tags (value, lower, upper), got 2")) {
                try writer.addCustomScalarsMarginChart(["v", "lo"])
            }
            try writer.close()
            let all = try values(try eventFile(d))
            #expect(all.map(\.1.tag) == [SummaryWriter.customScalarsTag, SummaryWriter.customScalarsTag])
            guard case .tensor(let first) = all[0].1.value, case .strings(let a) = first.storage, case .tensor(let second) = all[1].1.value,
                case .strings(let b) = second.storage
            else {
                Issue.record("no layouts")
                return
            }
            #expect(a[0] == CustomScalarLayoutEncoding.encode(CustomScalarLayout(categories: [.init(title: "default", charts: [.init(title: "untitled", content: .multiline(tags: ["a", "b"]))])])))
            let margin = CustomScalarLayout(categories: [.init(title: "bands", charts: [.init(title: "v", content: .margin(series: [.init(value: "v", lower: "lo", upper: "hi")]))])])
            #expect(b[0] == CustomScalarLayoutEncoding.encode(margin))
        }
    }

    @Test func meshPartsAreTensorsWithMeshPluginData() throws {
        try withTemporaryDirectory { d in
            let writer = try SummaryWriter(logDirectory: d)
            let vertices: [SIMD3<Float>] = [[1, 1, 1], [-1, -1, 1], [1, -1, -1], [-1, 1, -1]]
            let colors: [SIMD3<UInt8>] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 0, 255]]
            let faces: [SIMD3<Int>] = [[0, 2, 3], [0, 3, 1], [0, 1, 2], [1, 3, 2]]
            try writer.addMesh("tetra", vertices: vertices, colors: colors, faces: faces, step: 4)
            try writer.addMesh("cloud", vertices: [SIMD3<Double>(0, 0, 0)])
            #expect(throws: SummaryWriterError.invalidArgument("mesh bad: face 0 SIMD3<Int>(0, 1, 4) refers to a vertex outside 0..<4")) {
                try writer.addMesh("bad", vertices: vertices, faces: [[0, 1, 4]])
            }
            #expect(throws: SummaryWriterError.invalidArgument("mesh bad: 1 colors for 4 vertices; give one color per vertex")) {
                try writer.addMesh("bad", vertices: vertices, colors: [[0, 0, 0]])
            }
            #expect(throws: SummaryWriterError.invalidArgument("mesh bad: configJSON is not a JSON object: [1]")) {
                try writer.addMesh("bad", vertices: vertices, configJSON: "[1]")
            }
            try writer.close()
            let all = try values(try eventFile(d))
            #expect(all.map(\.1.tag) == ["tetra_VERTEX", "tetra_FACE", "tetra_COLOR", "cloud_VERTEX"])
            #expect(all.allSatisfy { $0.1.metadata?.pluginName == "mesh" && $0.1.metadata?.dataClass == .unknown })
            guard case .tensor(let v) = all[0].1.value, case .tensor(let f) = all[1].1.value, case .tensor(let c) = all[2].1.value else {
                Issue.record("no tensors")
                return
            }
            #expect(v.dataType == TensorValue.float && v.shape == [1, 4, 3] && v.numericValues == vertices.flatMap { [Double($0.x), Double($0.y), Double($0.z)] })
            #expect(f.dataType == TensorValue.int32 && f.shape == [1, 4, 3] && f.numericValues == [0, 2, 3, 0, 3, 1, 0, 1, 2, 1, 3, 2])
            #expect(c.dataType == TensorValue.uint8 && c.numericValues?.first == 255)
            // MeshPluginData{name: "tetra"(2), content_type: VERTEX(3), json_config: "{}"(5), shape: [1, 4, 3](6), components: 0b1110(7)}.
            let expected: [UInt8] = [0x12, 0x05] + Array("tetra".utf8) + [0x18, 0x01, 0x2a, 0x02] + Array("{}".utf8) + [0x32, 0x03, 1, 4, 3, 0x38, 0x0e]
            #expect(all[0].1.metadata?.pluginContent == expected)
        }
    }

    @Test func videoIsAnAnimatedGIFInTheImagesDashboard() throws {
        try withTemporaryDirectory { d in
            let writer = try SummaryWriter(logDirectory: d)
            // 3 gray videos of 2 frames of 4×6: torch pads to 4 videos, 2^((bit_length(3) − 1) // 2) = 1 row.
            var frames = [UInt8]()
            for video in 0..<3 { for frame in 0..<2 { frames += [UInt8](repeating: UInt8(40 * video + 100 * frame), count: 4 * 6) } }
            try writer.addVideo("clip", frames: frames, shape: [3, 2, 1, 4, 6], framesPerSecond: 5)
            #expect(throws: SummaryWriterError.invalidArgument("video: 2 channels; use 1 (gray) or 3 (RGB)")) {
                try writer.addVideo("bad", frames: [UInt8](repeating: 0, count: 8), shape: [1, 1, 2, 2, 2])
            }
            try writer.close()
            let all = try values(try eventFile(d))
            guard case .image(let image) = all[0].1.value else {
                Issue.record("no image")
                return
            }
            #expect(image.width == 24 && image.height == 4 && image.colorspace == 1)
            let gif = image.encoded
            #expect(Array(gif.prefix(6)) == Array("GIF89a".utf8))
            #expect(gif[6] == 24 && gif[7] == 0 && gif[8] == 4 && gif[9] == 0)  // logical screen 24×4, little-endian
            #expect(gif.last == 0x3B)  // trailer
            let text = String(decoding: gif, as: UTF8.self)
            #expect(text.contains("NETSCAPE2.0"))
            // Two graphics control blocks (one per frame) with a delay of 20 hundredths (5 fps).
            let blocks = (0..<(gif.count - 5)).filter { gif[$0] == 0x21 && gif[$0 + 1] == 0xF9 && gif[$0 + 2] == 4 }
            #expect(blocks.count == 2 && blocks.allSatisfy { gif[$0 + 4] == 20 && gif[$0 + 5] == 0 })
        }
    }

    @Test func boxesAreDrawnInRedWithLabels() throws {
        try withTemporaryDirectory { d in
            let writer = try SummaryWriter(logDirectory: d)
            let (w, h) = (40, 30)
            try writer.addImageWithBoxes("boxes", pixels: [UInt8](repeating: 200, count: h * w), shape: [h, w], layout: .hw, boxes: [[5, 5, 30, 25]], labels: ["cat"])
            #expect(throws: SummaryWriterError.invalidArgument("image boxes: 2 labels for 1 boxes; give one label per box")) {
                try writer.addImageWithBoxes("x", pixels: [UInt8](repeating: 0, count: 4), shape: [2, 2], layout: .hw, boxes: [[0, 0, 1, 1]], labels: ["a", "b"])
            }
            #expect(throws: SummaryWriterError.invalidArgument("image boxes: box 0 is [3.0, 0.0, 1.0, 1.0]; give [xMin, yMin, xMax, yMax] with min ≤ max")) {
                try writer.addImageWithBoxes("x", pixels: [UInt8](repeating: 0, count: 4), shape: [2, 2], layout: .hw, boxes: [[3, 0, 1, 1]])
            }
            try writer.close()
            let all = try values(try eventFile(d))
            guard case .image(let image) = all[0].1.value else {
                Issue.record("no image")
                return
            }
            #expect(image.width == 40 && image.height == 30 && image.colorspace == 3)
            // Expected canvas: gray 200 → RGB; a red outline 2 px wide centred on (5, 5)–(30, 25);
            // the label band 3 glyphs × 8 px − 2 + 2·2 margin = 26 wide and 5·2 + 2·2 = 14 high
            // whose bottom-left corner is (5, 25); the glyphs in black at 2× from (7, 13).
            let expected = expectedBoxCanvas(width: w, height: h)
            let decoded = try decodePNG(image.encoded)
            #expect(decoded.width == w && decoded.height == h && decoded.channels == 3)
            #expect(decoded.pixels == expected)
            #expect(BitmapFont.pixels(of: "c").count == BitmapFont.pixels(of: "C").count && BitmapFont.pixels(of: "~").elementsEqual(BitmapFont.pixels(of: "?"), by: ==))
        }
    }

    private func expectedBoxCanvas(width w: Int, height h: Int) -> [UInt8] {
        var expected = [UInt8](repeating: 200, count: h * w * 3)
        func set(_ x: Int, _ y: Int, _ c: [UInt8]) { for k in 0..<3 { expected[(y * w + x) * 3 + k] = c[k] } }
        for y in 4..<26 { for x in 4..<31 where y < 6 || y >= 24 || x < 6 || x >= 29 { set(x, y, [255, 0, 0]) } }
        for y in 11..<25 { for x in 5..<31 { set(x, y, [255, 0, 0]) } }
        for (index, character) in "cat".enumerated() {
            for (column, row) in BitmapFont.pixels(of: character) {
                for dy in 0..<2 { for dx in 0..<2 { set(7 + index * 8 + column * 2 + dx, 13 + row * 2 + dy, [0, 0, 0]) } }
            }
        }
        return expected
    }

    /// Decodes a PNG written by `PNG.encode` (one zlib stream over IDAT chunks, filter 0 rows).
    private func decodePNG(_ png: [UInt8]) throws -> (width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        func be32(_ i: Int) -> Int { Int(png[i]) << 24 | Int(png[i + 1]) << 16 | Int(png[i + 2]) << 8 | Int(png[i + 3]) }
        var offset = 8, width = 0, height = 0, channels = 0
        var data = [UInt8]()
        while offset + 8 <= png.count {
            let length = be32(offset)
            let type = String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let body = Array(png[(offset + 8)..<(offset + 8 + length)])
            if type == "IHDR" {
                width = be32(offset + 8)
                height = be32(offset + 12)
                channels = [0: 1, 4: 2, 2: 3, 6: 4][Int(body[9])] ?? 0
            } else if type == "IDAT" {
                data += body
            }
            offset += 12 + length
        }
        let stride = width * channels + 1
        let raw = try Array(data[2..<(data.count - 4)]).withUnsafeBytes { try Zlib.inflateRaw($0, expectedSize: height * stride) }
        let pixels = (0..<height).flatMap { raw[($0 * stride + 1)..<(($0 + 1) * stride)] }
        return (width, height, channels, pixels)
    }
}
