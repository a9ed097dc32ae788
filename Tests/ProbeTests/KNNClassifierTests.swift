import Foundation
import ArrayFiles
import LinearAlgebra
import Probe
import TestSupport
import Testing

/// The blocked, streaming k-NN against a direct O(n·m) implementation of DINO's weighted vote
/// with the documented tie rules (neighbours: similarity descending, then training row
/// ascending; classes: summed vote descending, then class index ascending; votes added in
/// neighbour order; top-5 over the first min(5, k) ranked classes).
@Suite struct KNNClassifierTests {
    static func normalized(_ v: [Double]) -> [Double] {
        let norm = Swift.max(v.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
        return v.map { $0 / norm }
    }

    /// The direct method, part 1: every similarity of one query, fully sorted (similarity
    /// descending, training row ascending). `train` rows already normalised.
    static func sortedNeighbours(train: [[Double]], query: [Double]) -> [(similarity: Double, index: Int)] {
        let q = normalized(query)
        var candidates = [(similarity: Double, index: Int)]()
        candidates.reserveCapacity(train.count)
        for (index, t) in train.enumerated() {
            var dot = 0.0
            for j in q.indices { dot += q[j] * t[j] }
            candidates.append((dot, index))
        }
        candidates.sort { $0.similarity > $1.similarity || ($0.similarity == $1.similarity && $0.index < $1.index) }
        return candidates
    }

    /// The direct method, part 2: the vote of the first k neighbours and the full class ranking.
    static func ranking(_ neighbours: [(similarity: Double, index: Int)], trainClasses: [Int], classCount: Int, k: Int, temperature: Double, topK: Int) -> [Int] {
        var votes = [Double](repeating: 0, count: classCount)
        var voted = Set<Int>()
        for neighbour in neighbours.prefix(k) {
            votes[trainClasses[neighbour.index]] += Foundation.exp(neighbour.similarity / temperature)
            voted.insert(trainClasses[neighbour.index])
        }
        let order = (0..<classCount).sorted { a, b in
            let (va, vb) = (voted.contains(a), voted.contains(b))
            if va != vb { return va }
            return votes[a] > votes[b] || (votes[a] == votes[b] && a < b)
        }
        return Array(order.prefix(Swift.min(topK, k)))
    }

    /// Rows of ±1 entries with 1, 4 or 16 nonzeros: normalised entries are ±1, ±1/2, ±1/4 and
    /// every cosine is a multiple of 1/16, exact in Float in any summation order, so the
    /// blocked GEMMs and the direct sums agree bit for bit and ties are frequent.
    static func latticeRows(_ count: Int, columns: Int, _ g: inout SeededGenerator) -> [[Double]] {
        (0..<count).map { _ in
            let nonzeros = [1, 4, 16][Int.random(in: 0..<3, using: &g)]
            var row = [Double](repeating: 0, count: columns)
            for position in Array(0..<columns).shuffled(using: &g).prefix(nonzeros) {
                row[position] = Bool.random(using: &g) ? 1 : -1
            }
            return row
        }
    }

    static let labelValues = [-3, 0, 7, 12, 40, 41, 99]

    func check(train: [[Double]], trainLabels: [Int], test: [[Double]], testLabels: [Int], counts: [Int], temperature: Double = 0.07) throws {
        var options = KNNOptions()
        options.neighbourCounts = counts
        options.temperature = temperature
        let classifier = try KNNClassifier(features: Matrix<Double>(rowArrays: train).converted(to: Float.self), labels: trainLabels)
        let classes = classifier.classes
        #expect(classes == Array(Set(trainLabels)).sorted())
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let trainClasses = trainLabels.map { index[$0]! }
        let queries = Matrix<Float>(rowArrays: test.map { $0.map(Float.init) })
        let votes = try classifier.classify(queries, options: options)
        let results = try classifier.evaluate(queries, labels: testLabels, options: options)
        let normalizedTrain = train.map(Self.normalized)
        let neighbours = test.map { Self.sortedNeighbours(train: normalizedTrain, query: $0) }
        for (j, k) in counts.enumerated() {
            var correct = 0, topHits = 0
            var mismatches = 0
            for i in test.indices {
                let expected = Self.ranking(
                    neighbours[i], trainClasses: trainClasses, classCount: classes.count, k: k, temperature: temperature, topK: 5
                ).map { classes[$0] }
                if votes.topRanked[j][i] != expected || votes.predictions[j][i] != expected[0] { mismatches += 1 }
                if expected[0] == testLabels[i] { correct += 1 }
                if expected.contains(testLabels[i]) { topHits += 1 }
            }
            #expect(mismatches == 0, "k = \(k): \(mismatches) of \(test.count) rankings differ from the direct method")
            #expect(results[j].k == k)
            #expect(results[j].top1Accuracy == Double(correct) / Double(test.count), "k = \(k)")
            #expect(results[j].top5Accuracy == Double(topHits) / Double(test.count), "k = \(k)")
            #expect(results[j].confusionMatrix.joined().reduce(0, +) == test.count)
        }
    }

    @Test func latticeDataWithTiesMatchesTheDirectMethod() throws {
        var g = SeededGenerator(seed: 19)
        // 2500 training rows: two similarity blocks; 300 queries: three query blocks.
        let train = Self.latticeRows(2500, columns: 24, &g)
        let test = Self.latticeRows(300, columns: 24, &g)
        let trainLabels = train.indices.map { _ in Self.labelValues[Int.random(in: 0..<Self.labelValues.count, using: &g)] }
        // One label never seen in training (counts as wrong).
        let testLabels = test.indices.map { i in i % 50 == 0 ? 5 : Self.labelValues[Int.random(in: 0..<Self.labelValues.count, using: &g)] }
        try check(train: train, trainLabels: trainLabels, test: test, testLabels: testLabels, counts: [20, 1, 3, 5, 200, 2500])
    }

    @Test func duplicatedRowsTieOnTheLowerIndex() throws {
        // Every training row appears twice with different labels: with k odd the earlier copy
        // must be the one kept, and equal two-class votes go to the lower label.
        var g = SeededGenerator(seed: 7)
        // Sixteen ±1 entries each: distinct rows (checked) have cosines ≤ 7/8, so each row's only
        // neighbours at similarity 1 are itself and its copy.
        let base = (0..<40).map { _ in (0..<16).map { _ in Bool.random(using: &g) ? 1.0 : -1.0 } }
        #expect(Set(base).count == base.count)
        let train = base + base
        let trainLabels = base.indices.map { _ in 12 } + base.indices.map { _ in 7 }
        let test = Array(base.prefix(10))
        try check(train: train, trainLabels: trainLabels, test: test, testLabels: Array(repeating: 12, count: 10), counts: [1, 2, 3, 80])
        let classifier = try KNNClassifier(features: Matrix<Float>(rowArrays: train.map { $0.map(Float.init) }), labels: trainLabels)
        var options = KNNOptions()
        options.neighbourCounts = [1, 2]
        let votes = try classifier.classify(Matrix<Float>(rowArrays: test.map { $0.map(Float.init) }), options: options)
        // k = 1: the row itself, first copy (label 12). k = 2: both copies, equal votes → label 7 < 12.
        #expect(votes.predictions[0] == Array(repeating: 12, count: 10))
        #expect(votes.predictions[1] == Array(repeating: 7, count: 10))
    }

    @Test func gaussianDataMatchesTheDirectMethod() throws {
        var g = SeededGenerator(seed: 3)
        let d = 32
        let centers = (0..<5).map { _ in (0..<d).map { _ in g.nextGaussian() } }
        func rows(_ count: Int) -> ([[Double]], [Int]) {
            var x = [[Double]](), y = [Int]()
            for _ in 0..<count {
                let c = Int.random(in: 0..<5, using: &g)
                x.append(centers[c].map { $0 + 1.5 * g.nextGaussian() })
                y.append(c * 10)
            }
            return (x, y)
        }
        let (train, trainLabels) = rows(3000)
        let (test, testLabels) = rows(260)
        // Float similarities against Double ones: no near-ties at these sizes and this seed.
        try check(train: train.map { $0.map { Double(Float($0)) } }, trainLabels: trainLabels, test: test.map { $0.map { Double(Float($0)) } },
                  testLabels: testLabels, counts: [10, 20, 100, 200], temperature: 0.07)
    }

    @Test func doubleFeaturesGiveTheSameRankingsOnLatticeData() throws {
        var g = SeededGenerator(seed: 11)
        let train = Self.latticeRows(700, columns: 20, &g)
        let test = Self.latticeRows(50, columns: 20, &g)
        let labels = train.indices.map { $0 % 4 }
        var options = KNNOptions()
        options.neighbourCounts = [7, 30]
        let single = try KNNClassifier(features: Matrix<Float>(rowArrays: train.map { $0.map(Float.init) }), labels: labels)
            .classify(Matrix<Float>(rowArrays: test.map { $0.map(Float.init) }), options: options)
        let double = try KNNClassifier(features: Matrix<Double>(rowArrays: train), labels: labels).classify(Matrix<Double>(rowArrays: test), options: options)
        #expect(single == double)
    }

    @Test func badInputsThrowTypedErrors() throws {
        let train = Matrix<Float>(rowArrays: [[1, 0], [0, 1], [1, 1]])
        let classifier = try KNNClassifier(features: train, labels: [0, 1, 1])
        var options = KNNOptions()
        options.neighbourCounts = [4]
        #expect(throws: ProbeError.invalidOption("k = 4 is outside 1 ... 3 (the number of training rows)")) {
            try classifier.evaluate(Matrix<Float>(rowArrays: [[1, 0]]), labels: [0], options: options)
        }
        options.neighbourCounts = [1]
        #expect(throws: ProbeError.emptyTestSet) { try classifier.evaluate(Matrix<Float>(rows: 0, columns: 2), labels: [], options: options) }
        #expect(throws: ProbeError.featureCountMismatch(train: 2, test: 3)) {
            try classifier.evaluate(Matrix<Float>(rowArrays: [[1, 0, 0]]), labels: [0], options: options)
        }
        #expect(throws: ProbeError.nonFiniteFeature(what: "test", row: 0, column: 1)) {
            try classifier.evaluate(Matrix<Float>(rowArrays: [[1, .nan]]), labels: [0], options: options)
        }
        options.temperature = 0
        #expect(throws: ProbeError.self) { try classifier.evaluate(Matrix<Float>(rowArrays: [[1, 0]]), labels: [0], options: options) }
        #expect(throws: ProbeError.emptyTrainingSet) { try KNNClassifier(features: Matrix<Float>(rows: 0, columns: 2), labels: []) }
    }
}
