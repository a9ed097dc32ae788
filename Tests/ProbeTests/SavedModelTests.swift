import Foundation
import ArrayFiles
import LinearAlgebra
import Probe
import TestSupport
import Testing

/// `--save-model` and `predict`: the archive holds exactly the in-memory fit, and a model read
/// back predicts what the report measured.
@Suite struct SavedModelTests {
    static func digits() throws -> (Matrix<Float>, [Int], Matrix<Float>, [Int]) {
        let x = try NPYArray(contentsOfFile: packageRootPath + "/data/digits_x.npy").matrix(of: Float.self)
        let y = try NPYArray(contentsOfFile: packageRootPath + "/data/digits_y.npy").integers()
        let train = (0..<x.rows).filter { $0 % 4 != 3 }, test = (0..<x.rows).filter { $0 % 4 == 3 }
        // Labels as arbitrary integers: digit c becomes 10·c − 7.
        return (x.selectingRows(train), train.map { 10 * y[$0] - 7 }, x.selectingRows(test), test.map { 10 * y[$0] - 7 })
    }

    @Test(arguments: [false, true])
    func savedCoefficientsAndPredictionsEqualTheFit(l2Normalizes: Bool) throws {
        let (train, trainLabels, test, testLabels) = try Self.digits()
        var configuration = LinearProbeConfiguration()
        configuration.l2Normalizes = l2Normalizes
        configuration.model.optimizer.maximumIterations = 1000
        let (report, model) = try runLinearProbe(train: train, trainLabels: trainLabels, test: test, testLabels: testLabels, configuration: configuration)
        try withTemporaryDirectory { directory in
            let path = directory + "/model.npz"
            try model.write(toFile: path)
            let loaded = try LogisticRegressionModel(contentsOfFile: path)
            // Bit-identical coefficients, intercepts, classes and standardisation.
            #expect(loaded.parameters == model.parameters)
            #expect(loaded.classes == model.classes)
            #expect(loaded.featureCount == 64)
            #expect(loaded.preprocessing?.means == model.preprocessing?.means)
            #expect(loaded.preprocessing?.scales == model.preprocessing?.scales)
            #expect(loaded.preprocessing?.l2Normalizes == l2Normalizes)
            // Predictions from the saved model on the raw test features equal the report's.
            let (predicted, probabilities) = try loaded.predict(test)
            let correct = zip(predicted, testLabels).filter { $0 == $1 }.count
            #expect(Double(correct) / Double(testLabels.count) == report.testAccuracy)
            var confusion = [[Int]](repeating: [Int](repeating: 0, count: report.labels.count), count: report.labels.count)
            for (t, p) in zip(testLabels, predicted) { confusion[report.labels.firstIndex(of: t)!][report.labels.firstIndex(of: p)!] += 1 }
            #expect(confusion == report.confusionMatrix)
            let (inMemory, inMemoryProbabilities) = try model.predict(test)
            #expect(inMemory == predicted)
            #expect(inMemoryProbabilities == probabilities)
            #expect(probabilities.rows == test.rows && probabilities.columns == 10)
        }
    }

    @Test func archiveIsReadableAsNPZ() throws {
        let model = LogisticRegressionModel(classes: [-1, 4, 9], coefficients: Matrix(rowArrays: [[1, 2], [3, 4], [5, 6]]), intercepts: [0.5, -0.5, 0])
        try withTemporaryDirectory { directory in
            try model.write(toFile: directory + "/m.npz")
            // Through the feature loader, as any other .npz input.
            if case .float64(let coef) = try DatasetIO.loadFeatures(directory + "/m.npz:coef") {
                #expect(coef == Matrix(rowArrays: [[1, 2], [3, 4], [5, 6]]))
            } else {
                Issue.record("coef should load as float64")
            }
            #expect(try DatasetIO.loadLabels(directory + "/m.npz:classes") == [-1, 4, 9])
            let loaded = try LogisticRegressionModel(contentsOfFile: directory + "/m.npz")
            #expect(loaded.parameters == model.parameters)
            #expect(loaded.preprocessing?.means == [0, 0] && loaded.preprocessing?.scales == [1, 1])
        }
    }

    @Test func damagedModelsAreRejected() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/bad.npz"
            try NPZWriter.write([("coef", NPYArray(shape: [2, 3], storage: .float64([1, 2, 3, 4, 5, 6])))], toFile: path)
            #expect(throws: ProbeError.unreadable(path: path, reason: "no array 'intercept'; a saved probe holds coef, intercept, classes, mean and scale")) {
                try LogisticRegressionModel(contentsOfFile: path)
            }
            try NPZWriter.write([
                ("coef", NPYArray(shape: [2, 3], storage: .float64([1, 2, 3, 4, 5, 6]))), ("intercept", NPYArray(shape: [2], storage: .float64([0, 0]))),
                ("classes", NPYArray(shape: [2], storage: .int64([3, 1]))), ("mean", NPYArray(shape: [3], storage: .float64([0, 0, 0]))),
                ("scale", NPYArray(shape: [3], storage: .float64([1, 1, 1]))),
            ], toFile: path)
            #expect(throws: ProbeError.unreadable(path: path, reason: "classes must be distinct and ascending")) { try LogisticRegressionModel(contentsOfFile: path) }
            let model = LogisticRegressionModel(classes: [0, 1], coefficients: Matrix(rowArrays: [[1, 2], [3, 4]]), intercepts: [0, 0])
            #expect(throws: ProbeError.featureCountMismatch(train: 2, test: 3)) { try model.predict(Matrix<Double>(rows: 1, columns: 3)) }
        }
    }
}
