import Foundation
import TensorBoard
import TestSupport
import Testing

/// The writer's torch-parity methods (boxes, video, mesh, histogram rules, chart shorthands,
/// hparams into the run itself, Float data throughout), read back through the real TensorBoard's
/// HTTP data API with both loaders.
@Suite(.enabled(if: CompatEnvironment.shouldRun, "compatibility venv not found; run scripts/setup-compat-venv.sh"), .serialized)
struct WriterFeatureCompatibilityTests {
    private let vertices: [SIMD3<Float>] = [[1, 1, 1], [-1, -1, 1], [1, -1, -1], [-1, 1, -1]]
    private let colors: [SIMD3<UInt8>] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 0, 255]]
    private let faces: [SIMD3<Int>] = [[0, 2, 3], [0, 3, 1], [0, 1, 2], [1, 3, 2]]
    private let weights: [Float] = (0..<300).map { Float(($0 * 37) % 101) / 16 }

    /// A Float training loop's run, written only with `import TensorBoard` types.
    private func writeRun(_ logdir: String) throws {
        let writer = try SummaryWriter(logDirectory: logdir + "/features")
        for step in 0..<3 {
            let loss: Float = 1 / Float(step + 1)
            try writer.addScalar("train/loss", loss, step: step)
            try writer.addScalar("train/loss_low", loss * 0.9, step: step)
            try writer.addScalar("train/loss_high", loss * 1.1, step: step)
        }
        try writer.addHistogram("weights", weights, step: 1, bins: .auto)
        let gray = [UInt8](repeating: 200, count: 30 * 40)
        try writer.addImageWithBoxes("boxes", pixels: gray, shape: [30, 40], layout: .hw, boxes: [[5, 5, 30, 25]], labels: ["cat"], step: 2)
        // Two RGB videos of 3 frames of 4×5 (NTCHW): video v, frame t has the color (40v, 80t, 200).
        var frames = [UInt8]()
        for video in 0..<2 {
            for frame in 0..<3 {
                for value in [UInt8(40 * video), UInt8(80 * frame), 200] { frames += [UInt8](repeating: value, count: 4 * 5) }
            }
        }
        try writer.addVideo("clip", frames: frames, shape: [2, 3, 3, 4, 5], framesPerSecond: 5, step: 3)
        try writer.addMesh("tetra", vertices: vertices, colors: colors, faces: faces, step: 4)
        try writer.addCustomScalarsMarginChart(["train/loss", "train/loss_low", "train/loss_high"], category: "bands", title: "loss")
        try writer.addEmbedding([[Float(0.5), 1], [0.25, 0.75]], metadata: [3, 7].map { [$0] }, tag: "emb")
        try writer.addHparams(["lr": 1e-3, "optimizer": "adam", "augment": true], metrics: ["train/loss": Float(1) / 3], in: .thisRun, step: 2)
        try writer.close()
    }

    @Test(arguments: ["true", "false"])
    func everyNewKindShowsInTensorBoard(loadFast: String) throws {
        try withTemporaryDirectory { logdir in
            try writeRun(logdir)
            let urls = [
                "/data/plugin/histograms/histograms?run=features&tag=weights",
                "IMAGE:features|boxes",
                "IMAGE:features|clip",
                "/data/plugin/mesh/tags",
                "/data/plugin/mesh/meshes?run=features&tag=tetra&sample=0",
                "/data/plugin/mesh/data?run=features&tag=tetra&sample=0&step=4&content_type=VERTEX",
                "/data/plugin/mesh/data?run=features&tag=tetra&sample=0&step=4&content_type=FACE",
                "/data/plugin/mesh/data?run=features&tag=tetra&sample=0&step=4&content_type=COLOR",
                "/data/plugin/custom_scalars/layout",
                "/data/plugin/projector/metadata?run=features&name=emb%3A00000",
                CompatEnvironment.allSessionGroups,
                "/data/plugin/scalars/scalars?run=features&tag=train%2Floss",
            ]
            let wait = "histograms:features:weights,images:features:boxes,images:features:clip,mesh:features:tetra,scalars:features:train/loss_high"
            guard let r = try CompatEnvironment.queryTensorBoard(logdir, loadFast: loadFast, wait: wait, urls: urls) else { return }
            // Histogram: the 'auto' buckets hold all 300 values at step 1.
            let histogram = (r[urls[0]] as? [[Any]])?.first
            #expect((histogram?[1] as? Int) == 1)
            let buckets = (histogram?[2] as? [[Double]]) ?? []
            let expected = try HistogramBuckets.histogram(of: weights.map(Double.init), edges: HistogramBins.auto.edges(for: weights.map(Double.init)))
            // The Rust loader serves every written bucket; the Python one drops empty outer buckets
            // (data_compat._migrate_histogram_value).
            let nonEmpty = expected.bucketCounts.drop { $0 == 0 }.reversed().drop { $0 == 0 }.count
            #expect(buckets.count == (loadFast == "true" ? expected.bucketCounts.count : nonEmpty), "\(buckets)")
            #expect(buckets.reduce(0) { $0 + $1[2] } == 300, "\(buckets)")
            // Image with boxes: a PNG with the red outline and the label band, gray elsewhere.
            let boxes = r[urls[1]] as? [String: Any]
            #expect(boxes?["size"] as? [Int] == [40, 30] && boxes?["format"] as? String == "PNG")
            let pixels = (boxes?["pixels"] as? [[Int]]) ?? []
            if pixels.count == 1200 {
                #expect(pixels[0] == [200, 200, 200] && pixels[5 * 40 + 15] == [255, 0, 0] && pixels[25 * 40 + 29] == [255, 0, 0])
                #expect(pixels[15 * 40 + 20] == [255, 0, 0] || pixels[15 * 40 + 20] == [0, 0, 0])  // inside the label band
                #expect(pixels.contains([0, 0, 0]))  // label text
            } else {
                Issue.record("boxes image has \(pixels.count) pixels")
            }
            // Video: an animated GIF of 3 frames of 10×4 (two videos side by side), 200 ms each, looping.
            let clip = r[urls[2]] as? [String: Any]
            #expect(clip?["format"] as? String == "GIF" && clip?["content_type"] as? String == "image/gif")
            #expect(clip?["size"] as? [Int] == [10, 4] && clip?["durations"] as? [Int] == [200, 200, 200] && clip?["loop"] as? Int == 0)
            let gifFrames = (clip?["frames"] as? [[[Int]]]) ?? []
            #expect(gifFrames.count == 3)
            for (t, frame) in gifFrames.enumerated() where frame.count == 40 {
                #expect(frame[0] == [0, 80 * t, 200] && frame[9] == [40, 80 * t, 200], "frame \(t): \(frame[0]) \(frame[9])")
            }
            // Mesh: the tag, its metadata and the three parts as the plugin serves them to three.js.
            #expect(((r[urls[3]] as? [String: Any])?["features"] as? [String: Any])?["tetra"] != nil)
            let meshMetadata = (r[urls[4]] as? [[String: Any]]) ?? []
            #expect(Set(meshMetadata.compactMap { $0["content_type"] as? Int }) == [1, 2, 3], "\(meshMetadata)")
            #expect(decode(r[urls[5]], as: Float.self) == vertices.flatMap { [$0.x, $0.y, $0.z] })
            #expect(decode(r[urls[6]], as: Int32.self) == faces.flatMap { [Int32($0.x), Int32($0.y), Int32($0.z)] })
            #expect(decode(r[urls[7]], as: UInt8.self) == colors.flatMap { [$0.x, $0.y, $0.z] })
            // Margin-chart shorthand.
            let category = ((r[urls[8]] as? [String: Any])?["category"] as? [[String: Any]])?.first
            let chart = (category?["chart"] as? [[String: Any]])?.first
            let series = ((chart?["margin"] as? [String: Any])?["series"] as? [[String: Any]])?.first
            #expect(category?["title"] as? String == "bands" && series?["value"] as? String == "train/loss" && series?["upper"] as? String == "train/loss_high")
            // Projector metadata from Int labels.
            #expect((r[urls[9]] as? String) == "3\n7\n")
            // HParams in the run itself: one session group, the run, with its own train/loss as the metric.
            let groups = ((r[urls[10]] as? [String: Any])?["sessionGroups"] as? [[String: Any]]) ?? []
            #expect(groups.count == 1 && (groups.first?["name"] as? String).map { $0.hasSuffix("features") } == true, "\(groups)")
            let hparams = groups.first?["hparams"] as? [String: Any]
            #expect(hparams?["optimizer"] as? String == "adam" && hparams?["augment"] as? Bool == true)
            let metric = (groups.first?["metricValues"] as? [[String: Any]])?.first
            #expect(abs(((metric?["value"] as? Double) ?? 0) - 1.0 / 3) < 1e-6 && metric?["trainingStep"] as? Int == 2, "\(groups)")
            // The Float scalars, and the metric written at step 2 after the loop (default TensorBoard keeps the last).
            let losses = ((r[urls[11]] as? [[Any]]) ?? []).compactMap { ($0[2] as? NSNumber)?.floatValue }
            #expect(losses.first == 1 && losses.count >= 3, "\(losses)")
        }
    }

    /// Decodes a little-endian array served as `{"base64": …}` (the mesh plugin's arraybuffer).
    private func decode<T: FixedWidthInteger>(_ value: Any?, as: T.Type) -> [T] {
        guard let text = (value as? [String: Any])?["base64"] as? String, let data = Data(base64Encoded: text) else { return [] }
        return stride(from: 0, to: data.count - MemoryLayout<T>.size + 1, by: MemoryLayout<T>.size).map { offset in
            data[offset..<(offset + MemoryLayout<T>.size)].reversed().reduce(T.zero) { $0 << 8 | T($1) }
        }
    }

    private func decode(_ value: Any?, as: Float.Type) -> [Float] {
        decode(value, as: UInt32.self).map { Float(bitPattern: $0) }
    }
}
