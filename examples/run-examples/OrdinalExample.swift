import Foundation
import Losses
import Margins
import LinearAlgebra
import Probe
import TensorBoard
import Training

/// Example 1: CLOC in two phases on the diamonds cut (Fair < Good < Very Good < Premium < Ideal),
/// against a cross-entropy baseline, each followed by a linear probe of the frozen
/// penultimate-layer features.
///
/// Model: MLP 22 → 64 → 32 → 5 logits. Phase one: loss = cross-entropy + CLOC multi-margin on the
/// logits (as the CLOC README), margins learnable (random start, seeded), Adam lr 1e-3 on the
/// network and on the margins (one instance each: a second parameter group). Phase two: a fresh
/// model with the same seed; margins read back from phase one's event files with
/// `extractMargins` and fixed. Baseline: cross-entropy only. The test split doubles as the
/// validation split of the per-epoch metrics (the bundled data has no third split).
struct OrdinalExample {
    var logdir: String
    var epochs: Int
    var seed: UInt64
    var learningRate: Double
    var limit: Int?
    var dataDirectory: String
    /// Seeds `seed`, `seed + 1`, … each train all three runs (the table shows mean ± std).
    var seedCount = 3

    enum Mode: String {
        case phaseOne = "cloc-phase1", phaseTwo = "cloc-phase2", baseline = "cross-entropy"
    }

    func run() throws -> [RunSummary] {
        let data = try Diamonds.load(path: dataDirectory + "/diamonds.csv", limit: limit)
        print("diamonds: \(data.trainLabels.count) train / \(data.testLabels.count) test rows, 22 features, 5 ordinal classes")
        var summaries = [RunSummary]()
        for seed in seed..<(seed + UInt64(seedCount)) {
            summaries.append(try train(.phaseOne, data: data, map: nil, seed: seed))
            let extracted = try extractMargins(path: logdir + "/" + Self.runName(.phaseOne, seed: seed))
            print("extract-margins: \(extracted.map().jsonText) (step \(extracted.steps.first ?? 0))")
            summaries.append(try train(.phaseTwo, data: data, map: extracted.map(), seed: seed))
            summaries.append(try train(.baseline, data: data, map: nil, seed: seed))
        }
        return summaries
    }

    /// The run's directory under the log root: `diamonds/<mode>/seed-<seed>`.
    static func runName(_ mode: Mode, seed: UInt64) -> String { "diamonds/\(mode.rawValue)/seed-\(seed)" }

    func train(_ mode: Mode, data: LabelledSplit, map: LearnableMap?, seed: UInt64) throws -> RunSummary {
        let name = Self.runName(mode, seed: seed)
        let writer = try SummaryWriter(logDirectory: logdir + "/" + name)
        defer { try? writer.close() }
        var generator = SeededGenerator(seed: seed)
        var network = MultilayerPerceptron<Float>(layerSizes: [22, 64, 32, 5], using: &generator)
        var optimizer = Adam<Float>(learningRate: Float(learningRate))
        var marginOptimizer = Adam<Double>(learningRate: 1e-3)
        var cloc: OrdinalContrastiveLoss? = nil
        if mode != .baseline {
            // Double inverse softplus, so phase two's margins are exactly the extracted values (the
            // original's float32 inverse would move them by up to a float32 ulp).
            cloc = try OrdinalContrastiveLoss(classCount: 5, map: map, logger: writer, inverseSoftplusInFloat32: false, seed: seed)
        }
        var step = 0
        var metrics: ClassificationMetrics?
        for epoch in 1...epochs {
            for batch in shuffledBatches(sampleCount: data.trainLabels.count, batchSize: 256, using: &generator) {
                let x = data.trainFeatures.selectingRows(batch)
                let y = batch.map { data.trainLabels[$0] }
                let pass = try network.forward(x)
                let (ce, ceGradient) = softmaxCrossEntropy(logits: pass.output, labels: y)
                guard ce.isFinite else { throw ExampleError.diverged(run: name, step: step, term: "cross-entropy", value: Double(ce)) }
                var gradient = ceGradient
                var total = Double(ce)
                if var loss = cloc {
                    let r = try loss.evaluate(MultiViewBatch(pass.output, labels: y), step: step)
                    guard r.loss.isFinite else { throw ExampleError.diverged(run: name, step: step, term: "CLOC", value: r.loss) }
                    gradient = sum(gradient, r.viewGradients[0])
                    total += r.loss
                    try writer.addScalar("train/cloc", r.loss, step: step)
                    if let marginGradient = r.parameterGradients["margins"], !marginGradient.isEmpty {
                        var parameters = loss.learnableParameters
                        marginOptimizer.update(&parameters, gradient: marginGradient, slot: 0)
                        loss.learnableParameters = parameters
                        cloc = loss
                    }
                }
                try writer.addScalar("train/cross_entropy", Double(ce), step: step)
                try writer.addScalar("train/loss", total, step: step)
                optimizer.update(&network, gradients: try network.backward(pass, outputGradient: gradient))
                step += 1
            }
            let m = try evaluate(network, data.testFeatures, data.testLabels, classCount: 5, ordinal: true)
            metrics = m
            try writer.addScalar("val/accuracy", m.accuracy, step: step)
            try writer.addScalar("val/mae", m.meanAbsoluteError ?? .nan, step: step)
            try writer.addScalar("val/qwk", m.quadraticWeightedKappa ?? .nan, step: step)
            progress(name, epoch: epoch, of: epochs, [("accuracy", m.accuracy), ("MAE", m.meanAbsoluteError ?? .nan), ("QWK", m.quadraticWeightedKappa ?? .nan)])
        }
        guard let final = metrics else { throw ExampleError(description: "\(name): no epoch ran") }
        // Frozen penultimate-layer features → linear probe (ordinal metrics).
        let trainFeatures = try network.forward(data.trainFeatures).penultimateFeatures
        let testFeatures = try network.forward(data.testFeatures).penultimateFeatures
        let report = try probe(train: trainFeatures, trainLabels: data.trainLabels, test: testFeatures, testLabels: data.testLabels, ordinal: true, reportPath: logdir + "/" + name + "/probe.json")
        try writer.addScalar("probe/accuracy", report.testAccuracy, step: step)
        var hparams: [(String, HParamValue)] = [("loss", .string(mode == .baseline ? "cross-entropy" : "cross-entropy + CLOC")), ("margins", .string(mode == .phaseOne ? "learnable" : (mode == .phaseTwo ? "fixed" : "none"))), ("lr", .number(learningRate)), ("epochs", .number(Double(epochs))), ("seed", .number(Double(seed)))]
        if let loss = cloc { hparams.append(("final_margins", .string(loss.fixedMap.jsonText))) }
        try writer.addHparams(
            hparams, metrics: [("hparam/test_accuracy", final.accuracy), ("hparam/test_mae", final.meanAbsoluteError ?? .nan), ("hparam/test_qwk", final.quadraticWeightedKappa ?? .nan), ("hparam/probe_accuracy", report.testAccuracy)],
            runName: "hparams", step: step)
        return RunSummary(
            run: name, method: "diamonds/" + mode.rawValue, seed: seed, testAccuracy: final.accuracy, mae: final.meanAbsoluteError, qwk: final.quadraticWeightedKappa,
            probeAccuracy: report.testAccuracy, probeMAE: report.mae, probeQWK: report.qwk, knnAccuracy: nil)
    }
}
