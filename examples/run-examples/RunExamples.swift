import ArgumentParser
import Foundation
import Numerics
import TensorBoard
import Training

/// The main job: train small models on the bundled data and log them to TensorBoard.
@main
struct RunExamples: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-examples",
        abstract: "Train the examples on the bundled data sets, log every run to TensorBoard and print a summary table.")

    @Option(name: .long, help: "Root log directory for all runs (default: runs).")
    var logdir: String = "runs"

    @Option(name: .long, help: "Training epochs per run (default: 10).")
    var epochs: Int = 10

    @Option(name: .long, help: "Random seed for initialisation and shuffling (default: 0).")
    var seed: UInt64 = 0

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
    }

    func run() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let data = try Digits.load(featuresPath: root + "/data/digits_x.npy", labelsPath: root + "/data/digits_y.npy")
        let result = try trainClassifier(data: data, runDirectory: logdir + "/digits-cross-entropy", epochs: epochs, seed: seed)
        print("")
        print("run                     test accuracy")
        print(String(format: "digits-cross-entropy    %.4f", result))
        print("")
        print("View the runs with:  tensorboard --logdir \(logdir)")
    }
}

/// Trains an MLP classifier with cross-entropy and logs loss and accuracy; returns test accuracy.
func trainClassifier(data: LabelledSplit, runDirectory: String, epochs: Int, seed: UInt64) throws -> Double {
    var generator = SeededGenerator(seed: seed)
    var network = MultilayerPerceptron<Float>(layerSizes: [data.trainFeatures.columns, 64, data.classNames.count], using: &generator)
    var optimizer = Adam<Float>(learningRate: 1e-2)
    let writer = try SummaryWriter(logDirectory: runDirectory)
    var step = 0
    var accuracy = 0.0
    for epoch in 1...epochs {
        for batch in shuffledBatches(sampleCount: data.trainLabels.count, batchSize: 64, using: &generator) {
            let x = data.trainFeatures.selectingRows(batch)
            let y = batch.map { data.trainLabels[$0] }
            let pass = try network.forward(x)
            let (loss, gradient) = softmaxCrossEntropy(logits: pass.output, labels: y)
            optimizer.update(&network, gradients: try network.backward(pass, outputGradient: gradient))
            try writer.addScalar("train/loss", Double(loss), step: step)
            step += 1
        }
        let predictions = argmaxRows(try network.forward(data.testFeatures).output)
        accuracy = Double(zip(predictions, data.testLabels).filter { $0 == $1 }.count) / Double(data.testLabels.count)
        try writer.addScalar("test/accuracy", accuracy, step: step)
        print(String(format: "%@ epoch %d/%d  test accuracy %.4f", (runDirectory as NSString).lastPathComponent, epoch, epochs, accuracy))
    }
    try writer.close()
    return accuracy
}
