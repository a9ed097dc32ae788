// The README's Swift tour, compiled as written: each ```swift block of the documents named in
// ReadmeSnippetSyncTests is the body of one function here (its `import` lines at the top of the
// file). This file imports only TensorBoard, as a user's package would; the sync test fails when a
// block and its copy here differ. Compiled, not run (the snippets write under ./runs).

import TensorBoard

func readmeSnippet1() throws {
    let writer = try SummaryWriter(comment: "_lr1e-3")       // runs/Dec03_10-15-02_<host>_lr1e-3
    for step in 0..<100 {
        let loss: Float = 1 / Float(step + 1)                // a training loop's Float, no conversion
        try writer.addScalar("train/loss", loss, step: step)
    }
    try writer.addText("notes", "**first run**")             // step 0
    try writer.close()                                       // also flushed every 2 s, by flush(), and on deinit
}

func readmeSnippet2() throws {
    let writer = try SummaryWriter(logDirectory: "runs/tour")
    let weights: [Float] = (0..<1_000).map { _ in Float.random(in: -1...1) }
    let image = [Float](repeating: 0.5, count: 3 * 32 * 32)          // CHW, values in [0, 1]
    let batch = [UInt8](repeating: 128, count: 16 * 1 * 8 * 8)       // NCHW, values 0…255
    let video = [Float](repeating: 0.25, count: 2 * 8 * 3 * 16 * 16)   // NTCHW
    let labels = (0..<100).map { $0 % 10 }
    let features: [[Float]] = labels.map { [Float($0), Float($0 * $0) / 10] }
    let tone: [Float] = (0..<16_000).map { Float($0 % 80) / 40 - 1 }   // samples in [-1, 1]

    try writer.addScalars("loss", ["train": 0.4, "val": 0.5], step: 3)                // one sub-run per key
    try writer.addHistogram("weights", weights, step: 3)                                // torch's default buckets
    try writer.addHistogram("weights/auto", weights, step: 3, bins: .auto, maxBins: 64) // NumPy's rules, a count or edges
    try writer.addImage("input", pixels: image, shape: [3, 32, 32], step: 3)            // layout .chw by default
    try writer.addImages("batch", pixels: batch, shape: [16, 1, 8, 8], step: 3)         // an 8-column grid, .nchw
    try writer.addImageWithBoxes("detections", pixels: image, shape: [3, 32, 32], boxes: [[4, 4, 20, 28]], labels: ["cat"], step: 3)
    try writer.addVideo("rollout", frames: video, shape: [2, 8, 3, 16, 16], framesPerSecond: 4, step: 3)  // animated GIF
    try writer.addAudio("tone", tone, sampleRate: 16_000, step: 3)                      // 16-bit PCM WAV
    try writer.addText("notes", "**markdown**", step: 3)
    try writer.addPRCurve("pr", labels: labels.map { $0 % 2 }, predictions: labels.map { Float($0) / 9 }, step: 3)
    try writer.addEmbedding(features, metadata: labels.map { [$0] }, tag: "digits")    // Projector; any CustomStringConvertible labels
    let vertices: [SIMD3<Float>] = [[1, 1, 1], [-1, -1, 1], [1, -1, -1], [-1, 1, -1]]
    try writer.addMesh("tetrahedron", vertices: vertices, colors: [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 0, 255]],
                       faces: [[0, 2, 3], [0, 3, 1], [0, 1, 2], [1, 3, 2]], step: 3)
    try writer.addCustomScalarsMultilineChart(["loss/train", "loss/val"], category: "losses", title: "train vs val")
    try writer.addHparams(["lr": 1e-3, "optimizer": "adam", "batch": 64, "augment": true], metrics: ["hparam/accuracy": 0.91], in: .thisRun)
    try writer.close()
}

func readmeSnippet3() throws {
    var options = RecordWriterOptions()
    options.flushInterval = 10                                            // seconds
    let writer = try SummaryWriter(logDirectory: "runs/margins", options: options)
    try writer.addCustomScalars(CustomScalarLayout(categories: [
        .init(title: "Class Distances", charts: [.init(title: "margin", content: .multiline(tags: ["C0-C1", "C1-C2"]))]),
    ]))
    let tf2 = try SummaryWriter(logDirectory: "runs/tf2", scalarEncoding: .tensor)   // rank-0 DT_FLOAT scalars
    try tf2.addScalar("loss", 0.5)
    try writer.close()
    try tf2.close()
}

func readmeSnippet4() throws {
    let reader = try LogdirReader(path: "runs")
    for run in reader.runs {
        let series = try reader.scalars(in: run)   // as TensorBoard shows them (restarts pre-empt)
        print(run.name, series["train/loss"]?.last?.value ?? .nan)
    }
}
