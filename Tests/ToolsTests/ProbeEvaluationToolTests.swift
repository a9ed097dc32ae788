import Foundation
import ArrayFiles
import LinearAlgebra
import TestSupport
import Testing

/// `knn-probe`, `linear-probe --save-model` / `predict`, and the report keys of both tools.
@Suite struct ProbeEvaluationToolTests {
    /// Four Gaussian classes (labels −5, 0, 10, 20) as .npy files: (xtr, ytr, xte, yte).
    private func files(_ d: String, trainRows: Int = 80, testRows: Int = 40, columns: Int = 6) throws -> (String, String, String, String) {
        var rng = RepeatableRandomNumberGenerator(seed: 9)
        let values: [Int64] = [-5, 0, 10, 20]
        func make(_ n: Int) -> ([Float], [Int64]) {
            var x = [Float](), y = [Int64]()
            for i in 0..<n {
                let c = i % 4
                y.append(values[c])
                for j in 0..<columns { x.append(Float(rng.nextGaussian()) * 0.4 + (j == c ? 2 : 0)) }
            }
            return (x, y)
        }
        let (x, y) = make(trainRows), (tx, ty) = make(testRows)
        try NPYArray(shape: [trainRows, columns], storage: .float32(x)).write(toFile: d + "/xtr.npy")
        try NPYArray(shape: [trainRows], storage: .int64(y)).write(toFile: d + "/ytr.npy")
        try NPYArray(shape: [testRows, columns], storage: .float32(tx)).write(toFile: d + "/xte.npy")
        try NPYArray(shape: [testRows], storage: .int64(ty)).write(toFile: d + "/yte.npy")
        return (d + "/xtr.npy", d + "/ytr.npy", d + "/xte.npy", d + "/yte.npy")
    }

    /// Every object key in a JSON value, recursively.
    private func keys(_ value: Any) -> Set<String> {
        if let object = value as? [String: Any] { return Set(object.keys).union(object.values.flatMap { keys($0) }) }
        if let array = value as? [Any] { return array.reduce(into: Set<String>()) { $0.formUnion(keys($1)) } }
        return []
    }

    /// snake_case, or scikit-learn's parameter name `C`.
    private func isSklearnStyle(_ key: String) -> Bool {
        key == "C" || (!key.isEmpty && key.allSatisfy { ($0.isLowercase && $0.isASCII) || $0.isNumber || $0 == "_" })
    }

    @Test func knnProbeWritesResultsPerK() throws {
        try withTemporaryDirectory { d in
            let (a, b, c, e) = try files(d)
            let r = try runTool("knn-probe", ["--train-features", a, "--train-labels", b, "--test-features", c, "--test-labels", e, "--k", "1,10,20", "--report", d + "/knn.json"])
            #expect(r.status == 0, "\(r.standardError)")
            #expect(r.standardOutput.contains("k-NN probe: 80 train / 40 test rows, 6 features, 4 classes"))
            let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: d + "/knn.json"))) as? [String: Any])
            let results = try #require(report["results"] as? [[String: Any]])
            #expect(results.map { $0["k"] as? Int } == [1, 10, 20])
            for result in results {
                for key in ["k", "temperature", "top1_accuracy", "top5_accuracy", "balanced_accuracy", "per_class_accuracy", "confusion_matrix", "labels", "classification_report"] {
                    #expect(result[key] != nil, "missing \(key)")
                }
                #expect(result["temperature"] as? Double == 0.07)
                #expect(result["labels"] as? [Int] == [-5, 0, 10, 20])
                #expect((result["top1_accuracy"] as? Double ?? 0) > 0.9)
            }
            let bad = keys(report).filter { !isSklearnStyle($0) }
            #expect(bad.isEmpty, "not snake_case: \(bad.sorted())")
        }
    }

    @Test func knnProbeRejectsBadInput() throws {
        try withTemporaryDirectory { d in
            let (a, b, c, e) = try files(d)
            let tooMany = try runTool("knn-probe", ["--train-features", a, "--train-labels", b, "--test-features", c, "--test-labels", e, "--k", "10,500"])
            #expect(tooMany.status != 0)
            #expect(tooMany.standardError.contains("k = 500 is outside 1 ... 80"))
            let malformed = try runTool("knn-probe", ["--train-features", a, "--train-labels", b, "--test-features", c, "--test-labels", e, "--k", "10,x"])
            #expect(malformed.status == 64)
            try NPYArray(shape: [0, 6], storage: .float32([])).write(toFile: d + "/empty.npy")
            try NPYArray(shape: [0], storage: .int64([])).write(toFile: d + "/emptyy.npy")
            let empty = try runTool("knn-probe", ["--train-features", a, "--train-labels", b, "--test-features", d + "/empty.npy", "--test-labels", d + "/emptyy.npy"])
            #expect(empty.status != 0)
            #expect(empty.standardError.contains("the test set is empty"))
        }
    }

    @Test func linearProbeSavesAModelThatPredictReproduces() throws {
        try withTemporaryDirectory { d in
            let (a, b, c, e) = try files(d)
            let fit = try runTool("linear-probe", ["--train-features", a, "--train-labels", b, "--test-features", c, "--test-labels", e, "--save-model", d + "/m.npz", "--report", d + "/r.json"])
            #expect(fit.status == 0, "\(fit.standardError)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: d + "/r.json"))) as? [String: Any])
            let predict = try runTool("linear-probe", ["predict", "--model", d + "/m.npz", "--features", c, "--labels", e, "--output", d + "/p.npz"])
            #expect(predict.status == 0, "\(predict.standardError)")
            let accuracy = try #require(report["test_accuracy"] as? Double)
            #expect(predict.standardOutput.contains(String(format: "accuracy %.5f", accuracy)), "\(predict.standardOutput)")
            // The saved coefficients read back as features: a [4, 6] matrix, so predict runs on it.
            let coefficients = try runTool("linear-probe", ["predict", "--model", d + "/m.npz", "--features", d + "/m.npz:coef", "--output", d + "/c.npz"])
            #expect(coefficients.status == 0, "\(coefficients.standardError)")
            try NPYArray(shape: [2, 5], storage: .float32(Array(repeating: 1, count: 10))).write(toFile: d + "/narrow.npy")
            let narrow = try runTool("linear-probe", ["predict", "--model", d + "/m.npz", "--features", d + "/narrow.npy", "--output", d + "/q.npz"])
            #expect(narrow.status != 0)
            #expect(narrow.standardError.contains("train features have 6 columns but test features have 5"), "\(narrow.standardError)")
            let missing = try runTool("linear-probe", ["predict", "--model", d + "/none.npz", "--features", c, "--output", d + "/q.npz"])
            #expect(missing.status != 0)
            #expect(!FileManager.default.fileExists(atPath: d + "/q.npz"))
        }
    }

    @Test func linearProbeReportKeysAreSnakeCaseAndTheSweepReportsProgress() throws {
        try withTemporaryDirectory { d in
            let (a, b, c, e) = try files(d)
            let r = try runTool("linear-probe", ["--train-features", a, "--train-labels", b, "--test-features", c, "--test-labels", e, "--sweep", "--report", d + "/r.json"])
            #expect(r.status == 0, "\(r.standardError)")
            // One progress line per sweep fit (13 values of C) and one for the final fit.
            #expect(r.standardError.contains("sweep 1/13  C 0.0001  iteration"), "\(r.standardError)")
            #expect(r.standardError.contains("sweep 13/13  C 100  iteration"))
            #expect(r.standardError.contains("final fit  C "))
            let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: d + "/r.json"))) as? [String: Any])
            let sweep = try #require(report["sweep"] as? [[String: Any]])
            #expect(sweep.count == 13)
            #expect(Set(sweep[0].keys) == ["C", "n_iter", "validation_accuracy"])
            let classification = try #require(report["classification_report"] as? [String: Any])
            let perClass = try #require(classification["per_class"] as? [[String: Any]])
            #expect(perClass.map { $0["label"] as? Int } == [-5, 0, 10, 20])
            #expect(Set(perClass[0].keys) == ["label", "precision", "recall", "f1_score", "support"])
            let bad = keys(report).filter { !isSklearnStyle($0) }
            #expect(bad.isEmpty, "not snake_case: \(bad.sorted())")
        }
    }

    @Test func linearProbeRejectsAnEmptyTestSet() throws {
        try withTemporaryDirectory { d in
            let (a, b, _, _) = try files(d)
            try NPYArray(shape: [0, 6], storage: .float32([])).write(toFile: d + "/empty.npy")
            try NPYArray(shape: [0], storage: .int64([])).write(toFile: d + "/emptyy.npy")
            let r = try runTool("linear-probe", ["--train-features", a, "--train-labels", b, "--test-features", d + "/empty.npy", "--test-labels", d + "/emptyy.npy"])
            #expect(r.status != 0)
            #expect(r.standardError.contains("the test set is empty"))
        }
    }
}
