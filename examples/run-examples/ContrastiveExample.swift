import Foundation
import Losses
import LinearAlgebra
import Probe
import TensorBoard
import Training

/// Example 2: contrastive pre-training on the 8×8 digits, evaluated by a linear probe.
///
/// Encoder: MLP 64 → 128 → 32 with an L2-normalised 32-d embedding head; the frozen 128-d hidden
/// layer is probed. Two views per image by `Digits.augmented` (±1-pixel shifts and Gaussian
/// noise σ = 0.1). SupCon (T = 0.1, labels) and the sigmoid contrastive loss (no labels; α = 1,
/// γ from the cosine schedule starting at 1, τ and b learnable from log 4 and −5 so the scale
/// starts inside its clamp). Simplification against the original sigmoid recipe: the target
/// projections come from the same network on the other view, detached, not from an EMA
/// encoder. Adam lr 1e-3, batch 128. The test embeddings go to the projector with digit sprites.
struct ContrastiveExample {
    var logdir: String
    var epochs: Int
    var seed: UInt64
    var learningRate: Double
    var limit: Int?
    var dataDirectory: String

    enum Method: String {
        case supcon, sigmoid
    }

    func run() throws -> [RunSummary] {
        let data = try Digits.load(featuresPath: dataDirectory + "/digits_x.npy", labelsPath: dataDirectory + "/digits_y.npy", limit: limit)
        print("digits: \(data.trainLabels.count) train / \(data.testLabels.count) test images, 8×8, 10 classes")
        return [try rawPixels(data), try randomEncoder(data), try train(.supcon, data: data), try train(.sigmoid, data: data)]
    }

    /// Baseline: the probes on the 64 raw pixel values.
    func rawPixels(_ data: LabelledSplit) throws -> RunSummary {
        try baseline("digits/raw-pixels", train: data.trainFeatures, test: data.testFeatures, data: data)
    }

    /// Baseline: the probes on the 128-d hidden layer of the encoder as initialised (same seed
    /// as the trained ones), before any training.
    func randomEncoder(_ data: LabelledSplit) throws -> RunSummary {
        var generator = SeededGenerator(seed: seed)
        let network = MultilayerPerceptron<Float>(layerSizes: [64, 128, 32], normalizesOutput: true, using: &generator)
        return try baseline(
            "digits/random-init", train: try network.forward(data.trainFeatures).penultimateFeatures,
            test: try network.forward(data.testFeatures).penultimateFeatures, data: data)
    }

    private func baseline(_ name: String, train: Matrix<Float>, test: Matrix<Float>, data: LabelledSplit) throws -> RunSummary {
        try FileManager.default.createDirectory(atPath: logdir + "/" + name, withIntermediateDirectories: true)
        let report = try probe(train: train, trainLabels: data.trainLabels, test: test, testLabels: data.testLabels, ordinal: false, reportPath: logdir + "/" + name + "/probe.json")
        let knn = try knnProbe(train: train, trainLabels: data.trainLabels, test: test, testLabels: data.testLabels, reportPath: logdir + "/" + name + "/knn.json")
        print(String(format: "%@: linear probe %.4f, k-NN %.4f", name, report.testAccuracy, knn))
        return RunSummary(run: name, method: name, seed: seed, testAccuracy: .nan, mae: nil, qwk: nil, probeAccuracy: report.testAccuracy, probeMAE: nil, probeQWK: nil, knnAccuracy: knn)
    }

    func train(_ method: Method, data: LabelledSplit) throws -> RunSummary {
        let name = "digits/" + method.rawValue
        let writer = try SummaryWriter(logDirectory: logdir + "/" + name)
        defer { try? writer.close() }
        var generator = SeededGenerator(seed: seed)
        var network = MultilayerPerceptron<Float>(layerSizes: [64, 128, 32], normalizesOutput: true, using: &generator)
        var optimizer = Adam<Float>(learningRate: Float(learningRate))
        var scaleOptimizer = Adam<Double>(learningRate: 1e-3)
        let supcon = try SupConLoss(temperature: 0.1, baseTemperature: 0.1, logger: writer, tagPrefix: "supcon/")
        var sigmoid = try SigmoidContrastiveLoss(logScale: Double.logarithm(4), bias: -5, alpha: 1, logger: writer, tagPrefix: "sigmoid/")
        let batchSize = 128
        let stepsPerEpoch = (data.trainLabels.count + batchSize - 1) / batchSize
        let schedule = CosineGammaSchedule(initial: 1, steps: Swift.max(1, epochs * stepsPerEpoch))
        var step = 0
        for epoch in 1...epochs {
            var epochLoss = 0.0, batches = 0
            for batch in shuffledBatches(sampleCount: data.trainLabels.count, batchSize: batchSize, using: &generator) {
                let images = data.trainFeatures.selectingRows(batch)
                let view1 = Digits.augmented(images, using: &generator)
                let view2 = Digits.augmented(images, using: &generator)
                let pass = try network.forward(stack(view1, view2))
                let b = batch.count, d = pass.output.columns
                let view1Output = Matrix(rows: b, columns: d, elements: Array(pass.output.elements[0..<(b * d)]))
                let view2Output = Matrix(rows: b, columns: d, elements: Array(pass.output.elements[(b * d)...]))
                var gradient = Matrix<Float>(rows: 2 * b, columns: d)
                let loss: Double
                switch method {
                case .supcon:
                    let batchViews = try MultiViewBatch(views: [view1Output, view2Output], labels: batch.map { data.trainLabels[$0] })
                    let r = try supcon.evaluate(batchViews, step: step)
                    loss = r.loss
                    gradient = stack(r.viewGradients[0], r.viewGradients[1])
                case .sigmoid:
                    // The two online views are also the targets (no EMA encoder in this example).
                    sigmoid.gamma = schedule.value(at: step)
                    let batchViews = try MultiViewBatch(views: [view1Output, view2Output], targetViews: [view1Output, view2Output])
                    let r = try sigmoid.evaluate(batchViews, step: step)
                    loss = r.loss
                    gradient = stack(r.viewGradients[0], r.viewGradients[1])
                    var parameters = [sigmoid.logScale, sigmoid.bias]
                    let parameterGradient = [r.parameterGradients["logScale"]?.first ?? 0, r.parameterGradients["bias"]?.first ?? 0]
                    scaleOptimizer.update(&parameters, gradient: parameterGradient, slot: 0)
                    (sigmoid.logScale, sigmoid.bias) = (parameters[0], parameters[1])
                }
                guard loss.isFinite else { throw ExampleError.diverged(run: name, step: step, term: method.rawValue, value: loss) }
                optimizer.update(&network, gradients: try network.backward(pass, outputGradient: gradient))
                epochLoss += loss
                batches += 1
                step += 1
            }
            progress(name, epoch: epoch, of: epochs, [("loss", epochLoss / Double(Swift.max(batches, 1)))])
        }
        let trainPass = try network.forward(data.trainFeatures)
        let testPass = try network.forward(data.testFeatures)
        let report = try probe(
            train: trainPass.penultimateFeatures, trainLabels: data.trainLabels, test: testPass.penultimateFeatures, testLabels: data.testLabels,
            ordinal: false, reportPath: logdir + "/" + name + "/probe.json")
        try writer.addScalar("probe/accuracy", report.testAccuracy, step: step)
        let knn = try knnProbe(
            train: trainPass.penultimateFeatures, trainLabels: data.trainLabels, test: testPass.penultimateFeatures, testLabels: data.testLabels,
            reportPath: logdir + "/" + name + "/knn.json")
        try writer.addScalar("probe/knn_accuracy", knn, step: step)
        // Test embeddings with labels and digit sprites for the projector.
        let sprites = data.testFeatures.elements.map { UInt8(($0 * 255).rounded()) }
        try writer.addEmbedding(
            testPass.output.rowArrays.map { $0.map(Double.init) }, metadata: data.testLabels.map { [String($0)] }, labelImages: sprites,
            imageShape: [data.testLabels.count, 1, 8, 8], tag: method.rawValue, step: step)
        try writer.addHparams(
            [("loss", .string(method.rawValue)), ("epochs", .number(Double(epochs))), ("seed", .number(Double(seed))), ("lr", .number(learningRate))],
            metrics: [("hparam/probe_accuracy", report.testAccuracy), ("hparam/knn_accuracy", knn)], runName: "hparams", step: step)
        return RunSummary(run: name, method: name, seed: seed, testAccuracy: .nan, mae: nil, qwk: nil, probeAccuracy: report.testAccuracy, probeMAE: nil, probeQWK: nil, knnAccuracy: knn)
    }
}
