import Foundation
import LinearAlgebra
import TestSupport
import Testing
import Training

@Suite struct TrainingTests {
    @Test(arguments: [false, true])
    func backwardMatchesCentralDifferences(normalizesOutput: Bool) throws {
        var rng = RepeatableRandomNumberGenerator(seed: 42)
        let network = MultilayerPerceptron<Double>(layerSizes: [3, 5, 4, 3], normalizesOutput: normalizesOutput, using: &rng)
        let x = Matrix<Double>(rows: 6, columns: 3, elements: (0..<18).map { _ in rng.nextGaussian() })
        let labels = [0, 1, 2, 2, 1, 0]
        func loss(_ net: MultilayerPerceptron<Double>) throws -> Double {
            softmaxCrossEntropy(logits: try net.forward(x).output, labels: labels).loss
        }
        let pass = try network.forward(x)
        let gradients = try network.backward(pass, outputGradient: softmaxCrossEntropy(logits: pass.output, labels: labels).gradient)
        let h = 1e-6
        for k in network.layers.indices {
            for index in network.layers[k].weights.elements.indices {
                var plus = network, minus = network
                plus.layers[k].weights.elements[index] += h
                minus.layers[k].weights.elements[index] -= h
                let numeric = (try loss(plus) - loss(minus)) / (2 * h)
                // Central differences, h = 1e-6, Double: error ~1e-9; ReLU kinks are avoided by
                // the seed (no pre-activation within h of 0).
                #expect(isApproximatelyEqual(gradients[k].weights.elements[index], numeric, absoluteTolerance: 1e-7, relativeTolerance: 1e-5))
            }
            for index in network.layers[k].bias.indices {
                var plus = network, minus = network
                plus.layers[k].bias[index] += h
                minus.layers[k].bias[index] -= h
                let numeric = (try loss(plus) - loss(minus)) / (2 * h)
                #expect(isApproximatelyEqual(gradients[k].bias[index], numeric, absoluteTolerance: 1e-7, relativeTolerance: 1e-5))
            }
        }
    }

    @Test func crossEntropyMatchesClosedForm() {
        // Uniform logits over 4 classes: loss = log 4 for every row.
        let result = softmaxCrossEntropy(logits: Matrix<Double>(rows: 2, columns: 4), labels: [0, 3])
        #expect(isApproximatelyEqual(result.loss, 1.3862943611198906, absoluteTolerance: 0, relativeTolerance: 1e-15))
        #expect(result.gradient.elements == [-0.375, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, -0.375])
    }

    @Test func adamFirstStepMovesEachParameterByTheLearningRate() {
        // At t = 1 the bias-corrected update is lr · g / (|g| + ε) ≈ lr · sign(g) (torch.optim.Adam).
        var adam = Adam<Double>(learningRate: 0.1)
        var parameter = [1.0, -2.0, 0.5]
        adam.update(&parameter, gradient: [3.0, -0.5, 0.0], slot: 0)
        #expect(isApproximatelyEqual(parameter[0], 0.9, absoluteTolerance: 1e-8, relativeTolerance: 0))
        #expect(isApproximatelyEqual(parameter[1], -1.9, absoluteTolerance: 1e-8, relativeTolerance: 0))
        #expect(parameter[2] == 0.5)
        // Second step with the same gradient: m̂ = g, v̂ = g², so again lr · g/(|g| + ε).
        adam.update(&parameter, gradient: [3.0, -0.5, 0.0], slot: 0)
        #expect(isApproximatelyEqual(parameter[0], 0.8, absoluteTolerance: 1e-8, relativeTolerance: 0))
    }

    @Test func trainingReducesTheLossOnASeparableProblem() throws {
        var rng = RepeatableRandomNumberGenerator(seed: 1)
        var network = MultilayerPerceptron<Float>(layerSizes: [2, 16, 2], using: &rng)
        let points = (0..<64).map { _ in (Float(rng.nextGaussian()), Float(rng.nextGaussian())) }
        let x = Matrix<Float>(rows: 64, columns: 2, elements: points.flatMap { [$0.0, $0.1] })
        let labels = points.map { $0.0 + $0.1 > 0 ? 1 : 0 }
        var adam = Adam<Float>(learningRate: 0.05)
        let initial = softmaxCrossEntropy(logits: try network.forward(x).output, labels: labels).loss
        for _ in 0..<100 {
            let pass = try network.forward(x)
            let (_, gradient) = softmaxCrossEntropy(logits: pass.output, labels: labels)
            adam.update(&network, gradients: try network.backward(pass, outputGradient: gradient))
        }
        let final = try network.forward(x).output
        let accuracy = zip(argmaxRows(final), labels).filter { $0 == $1 }.count
        #expect(softmaxCrossEntropy(logits: final, labels: labels).loss < initial / 4)
        #expect(accuracy >= 60)
    }

    @Test func batchesFormASeededPermutation() {
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        let first = shuffledBatches(sampleCount: 10, batchSize: 3, using: &a)
        #expect(first == shuffledBatches(sampleCount: 10, batchSize: 3, using: &b))
        #expect(first.map(\.count) == [3, 3, 3, 1])
        #expect(first.flatMap { $0 }.sorted() == Array(0..<10))
        var c = SeededGenerator(seed: 9)
        #expect(shuffledBatches(sampleCount: 10, batchSize: 3, dropLast: true, using: &c).count == 3)
    }
}

@Suite struct DatasetTests {
    @Test func diamondsSplitAndStandardisation() throws {
        let split = try Diamonds.load(path: packageRootPath + "/data/diamonds.csv")
        // 53,940 rows; every fourth row (i % 4 == 3) is a test row.
        #expect(split.trainLabels.count == 40_455)
        #expect(split.testLabels.count == 13_485)
        #expect(split.trainFeatures.columns == 22)
        // Standardised training columns: mean 0, ddof-0 variance 1 (Float storage: ~1e-6).
        for j in 0..<22 {
            var mean = 0.0, square = 0.0
            for i in 0..<split.trainFeatures.rows { mean += Double(split.trainFeatures[i, j]); square += Double(split.trainFeatures[i, j]) * Double(split.trainFeatures[i, j]) }
            mean /= Double(split.trainFeatures.rows)
            #expect(abs(mean) < 1e-5)
            #expect(abs(square / Double(split.trainFeatures.rows) - mean * mean - 1) < 1e-4)
        }
        // First data row: 0.23,Ideal,E,SI2 → label 4.
        #expect(split.trainLabels[0] == 4)
    }

    @Test func diamondsErrorsNameTheLine() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/d.csv"
            try "carat,cut,color,clarity,depth,table,price,x,y,z\n0.2,Ideal,E,SI2,61,55,326,3.9,3.9,2.4\n0.3,Superb,E,SI2,61,55,326,3.9,3.9,2.4\n".write(toFile: path, atomically: true, encoding: .utf8)
            #expect(throws: DatasetError.malformedLine(path: path, line: 3, reason: "unknown cut 'Superb'")) { try Diamonds.load(path: path) }
        }
    }

    @Test func digitsSplitAndAugmentation() throws {
        let split = try Digits.load(featuresPath: packageRootPath + "/data/digits_x.npy", labelsPath: packageRootPath + "/data/digits_y.npy")
        #expect(split.trainLabels.count == 1348 && split.testLabels.count == 449)
        #expect(split.trainFeatures.elements.allSatisfy { $0 >= 0 && $0 <= 1 })
        var rng = SeededGenerator(seed: 4)
        let view = Digits.augmented(split.trainFeatures.selectingRows(0..<8), using: &rng)
        #expect(view.rows == 8 && view.elements.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(view != split.trainFeatures.selectingRows(0..<8))
    }
}
