public import LinearAlgebra
import ProcessRuntime

/// Settings of the weighted k-NN evaluation.
public struct KNNOptions: Sendable, Equatable {
    /// The neighbour counts to evaluate, all in one pass (DINO's `--nb_knn` default
    /// `10, 20, 100, 200`). Each must be in `1 ... training rows`.
    public var neighbourCounts = [10, 20, 100, 200]
    /// Temperature T of the vote weights `exp(similarity / T)` (DINO's default 0.07).
    public var temperature = 0.07
    /// The k of the top-k accuracy (5, as DINO; computed over the first `min(5, k)` classes).
    public var topK = 5

    /// Creates default options.
    public init() {}
}

/// The neighbours of each query row and the class rankings they give.
public struct KNNVotes: Sendable, Equatable {
    /// The evaluated neighbour counts, as given.
    public var neighbourCounts: [Int]
    /// `predictions[j][i]`: the predicted label of query i with `neighbourCounts[j]` neighbours.
    public var predictions: [[Int]]
    /// `topRanked[j][i]`: the labels of the first `min(topK, k)` ranked classes of query i.
    public var topRanked: [[[Int]]]
}


/// Weighted k-nearest-neighbour classification on frozen features, as DINO's `eval_knn.py`
/// (facebookresearch/dino, `knn_classifier`) defines it.
///
/// Rows are L2-normalised (`y = x / max(‖x‖, 1e-12)`), the similarity of a query q and a
/// training row t is the cosine `q·t`, the k most similar training rows vote for their class
/// with weight `exp(similarity / T)`, and classes are ranked by the sum of their votes.
///
/// Tie rules (DINO leaves both to `torch.topk` / `torch.sort`, whose order of equal values is
/// unspecified; here they are fixed):
/// - Neighbours: ordered by similarity, descending; equal similarities by training row index,
///   ascending (the earlier row wins the last place).
/// - Classes: ordered by summed vote, descending; equal sums by class (sorted label) index,
///   ascending. Votes are added in neighbour order, so "equal" means equal in floating point.
///   Classes without a vote rank after every voted class, also by index.
/// - Top-5 (DINO): the true class is among the first `min(5, k)` ranked classes; as in DINO a
///   class without a vote can fill one of those places when fewer than 5 classes got votes.
///
/// Cost: `2·m·n·d` flop of similarity products (blocked GEMMs in the features' precision) and
/// `O(m·n)` comparisons for the streaming top-k; memory beyond the inputs is bounded by the
/// block sizes (`queryBlockRows × trainingBlockRows` similarities and `queryBlockRows × k`
/// neighbours per worker), whatever the number of training rows.
public struct KNNClassifier<Scalar: BLASScalar>: Sendable {
    /// L2-normalised training features `[n, d]`.
    public let features: Matrix<Scalar>
    /// Class index (into `classes`) of each training row.
    public let classIndices: [Int]
    /// The sorted distinct training labels.
    public let classes: [Int]

    /// Query rows per block (one block's neighbour lists live at once per worker).
    public static var queryBlockRows: Int { 128 }
    /// Training rows per similarity block: a `[128, 2048]` block of Float similarities is 1 MiB.
    public static var trainingBlockRows: Int { 2048 }

    /// Creates the classifier, normalising the training rows in place (no copy).
    ///
    /// - Parameters:
    ///   - features: Training features `[n, d]`, finite (consumed).
    ///   - labels: n integer labels (any integers).
    /// - Throws: `ProbeError.emptyTrainingSet`, `.rowCountMismatch`, `.nonFiniteFeature`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init(features: consuming Matrix<Scalar>, labels: [Int]) throws(ProbeError) {
        guard features.rows > 0 else { throw .emptyTrainingSet }
        guard features.rows == labels.count else { throw .rowCountMismatch(features: features.rows, labels: labels.count, what: "training set") }
        try Self.checkFinite(features, what: "training")
        var normalized = features
        Self.normalizeRows(&normalized)
        self.features = normalized
        let classes = Array(Set(labels)).sorted()
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        self.classes = classes
        classIndices = labels.map { index[$0] ?? 0 }
    }

    /// Classifies query rows with several neighbour counts in one pass.
    ///
    /// - Parameters:
    ///   - queries: Query features `[m, d]`, finite (normalised internally, in a copy per block).
    ///   - options: Neighbour counts, temperature, top-k.
    /// - Returns: Predictions and top-ranked classes per neighbour count.
    /// - Throws: `ProbeError.invalidOption` for a k outside `1 ... n` or a non-positive T,
    ///   `.featureCountMismatch`, `.nonFiniteFeature`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func classify(_ queries: Matrix<Scalar>, options: KNNOptions = KNNOptions()) throws(ProbeError) -> KNNVotes {
        try check(queries, options: options)
        let counts = options.neighbourCounts
        let m = queries.rows
        var predictions = [[Int]](repeating: [Int](repeating: 0, count: m), count: counts.count)
        var ranked = [[[Int]]](repeating: [[Int]](repeating: [], count: m), count: counts.count)
        forEachRanking(queries, options: options) { row, j, order in
            predictions[j][row] = classes[order[0]]
            ranked[j][row] = order.map { classes[$0] }
        }
        return KNNVotes(neighbourCounts: counts, predictions: predictions, topRanked: ranked)
    }

    /// Evaluates the classifier on a labelled test set, one result per neighbour count.
    ///
    /// - Parameters:
    ///   - queries: Test features `[m, d]`, m ≥ 1.
    ///   - labels: m test labels (labels never seen in training count as wrong).
    ///   - options: Neighbour counts, temperature, top-k.
    /// - Returns: One `KNNResult` per entry of `options.neighbourCounts`, in that order.
    /// - Throws: `ProbeError.emptyTestSet`, `.rowCountMismatch`, and the errors of `classify`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func evaluate(_ queries: Matrix<Scalar>, labels: [Int], options: KNNOptions = KNNOptions()) throws(ProbeError) -> [KNNResult] {
        guard queries.rows > 0 else { throw .emptyTestSet }
        guard queries.rows == labels.count else { throw .rowCountMismatch(features: queries.rows, labels: labels.count, what: "test set") }
        try check(queries, options: options)
        let counts = options.neighbourCounts
        let m = queries.rows
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let truth = labels.map { index[$0] ?? -1 }
        var predictions = [[Int]](repeating: [Int](repeating: 0, count: m), count: counts.count)
        var topHits = [Int](repeating: 0, count: counts.count)
        forEachRanking(queries, options: options) { row, j, order in
            predictions[j][row] = classes[order[0]]
            if truth[row] >= 0, order.contains(truth[row]) { topHits[j] += 1 }
        }
        return counts.indices.map { j in
            let metrics = labelMetrics(truth: labels, predicted: predictions[j], classes: classes)
            return KNNResult(
                k: counts[j], temperature: options.temperature, top1Accuracy: metrics.accuracy,
                top5Accuracy: Double(topHits[j]) / Double(m), balancedAccuracy: metrics.balancedAccuracy,
                perClassAccuracy: metrics.perClassAccuracy, confusionMatrix: metrics.confusionMatrix, labels: metrics.labels,
                classificationReport: metrics.report, unseenTestLabels: labels.filter { index[$0] == nil }.count)
        }
    }

    private func check(_ queries: Matrix<Scalar>, options: KNNOptions) throws(ProbeError) {
        guard queries.columns == features.columns else { throw .featureCountMismatch(train: features.columns, test: queries.columns) }
        guard !options.neighbourCounts.isEmpty else { throw .invalidOption("give at least one neighbour count k") }
        for k in options.neighbourCounts where k < 1 || k > features.rows {
            throw .invalidOption("k = \(k) is outside 1 ... \(features.rows) (the number of training rows)")
        }
        guard options.temperature > 0, options.temperature.isFinite else {
            throw .invalidOption("the temperature must be a positive number, got \(options.temperature)")
        }
        guard options.topK >= 1 else { throw .invalidOption("top-k needs k ≥ 1, got \(options.topK)") }
        try Self.checkFinite(queries, what: "test")
    }

    private static func checkFinite(_ matrix: Matrix<Scalar>, what: String) throws(ProbeError) {
        if let index = matrix.elements.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteFeature(what: what, row: index / Swift.max(matrix.columns, 1), column: index % Swift.max(matrix.columns, 1))
        }
    }

    /// Scales each row to unit L2 norm in place (`x / max(‖x‖, 1e-12)`, the norm in Double).
    static func normalizeRows(_ matrix: inout Matrix<Scalar>) {
        let d = matrix.columns, n = matrix.rows
        matrix.elements.withUnsafeMutableBufferPointer { x in
            for i in 0..<n {
                var sum = 0.0
                for j in 0..<d { sum += x[i * d + j].doubleValue * x[i * d + j].doubleValue }
                let scale = 1 / Swift.max(sum.squareRoot(), 1e-12)
                for j in 0..<d { x[i * d + j] = Scalar(x[i * d + j].doubleValue * scale) }
            }
        }
    }

    /// Runs the search and calls `visit(row, countIndex, ranking)` for every query row and
    /// neighbour count, with the class indices of the first `min(topK, k)` ranked classes.
    /// Calls arrive from the calling thread only (rankings are collected per block first).
    private func forEachRanking(_ queries: Matrix<Scalar>, options: KNNOptions, _ visit: (Int, Int, [Int]) -> Void) {
        let m = queries.rows
        let sortedCounts = options.neighbourCounts.enumerated().sorted { $0.element < $1.element }
        let largest = sortedCounts.last?.element ?? 1
        let blockRows = Self.queryBlockRows
        let blockCount = (m + blockRows - 1) / blockRows
        // Work: blocks of queries, spread over the workers. Each finished block's rankings are
        // kept per block ([countIndex][row in block] → classes) and visited afterwards.
        let workers = Swift.max(1, Swift.min(WorkerPool.parallelism, blockCount))
        let parallel = workers > 1 && m * features.rows * Swift.max(features.columns, 1) >= Self.parallelThreshold
        var results = [[[[Int]]]](repeating: [], count: blockCount)
        results.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            let body: @Sendable (Int) -> Void = { worker in
                for block in Swift.stride(from: worker, to: blockCount, by: parallel ? workers : 1) {
                    let start = block * blockRows
                    let rows = Swift.min(blockRows, m - start)
                    out[block] = self.rankBlock(queries, start: start, rows: rows, largest: largest, sortedCounts: sortedCounts, options: options)
                }
            }
            if parallel {
                BLASThreads.concurrentlyOnOneThreadEach(iterations: workers, body)
            } else {
                body(0)
            }
        }
        for block in 0..<blockCount {
            let start = block * blockRows
            for (j, perRow) in results[block].enumerated() {
                for (i, order) in perRow.enumerated() { visit(start + i, j, order) }
            }
        }
    }

    /// Query rows × training rows × d above which query blocks are split over the cores.
    public static var parallelThreshold: Int { 1 << 22 }

    /// The rankings of one block of query rows: `[countIndex][row] → first min(topK, k) classes`.
    private func rankBlock(
        _ queries: Matrix<Scalar>, start: Int, rows: Int, largest: Int, sortedCounts: [(offset: Int, element: Int)], options: KNNOptions
    ) -> [[[Int]]] {
        let n = features.rows, d = features.columns
        var block = Matrix(rows: rows, columns: d, elements: Array(queries.elements[(start * d)..<((start + rows) * d)]))
        Self.normalizeRows(&block)
        var lists = [NeighbourList<Scalar>](repeating: NeighbourList(capacity: largest), count: rows)
        let trainingBlock = Self.trainingBlockRows
        var similarities = [Scalar](repeating: 0, count: rows * Swift.min(trainingBlock, n))
        block.elements.withUnsafeBufferPointer { q in
            features.elements.withUnsafeBufferPointer { t in
                similarities.withUnsafeMutableBufferPointer { s in
                    guard let qBase = q.baseAddress, let tBase = t.baseAddress, let sBase = s.baseAddress else { return }
                    var first = 0
                    while first < n {
                        let count = Swift.min(trainingBlock, n - first)
                        // S = Q_B · T_Bᵀ, [rows, count]. Sizes fit BLAS's 32-bit integers: a block
                        // is at most 128 × 2048 and d was read from a validated file.
                        try? Scalar.gemm(
                            transposeA: false, transposeB: true, m: rows, n: count, k: d, alpha: 1, a: qBase, lda: d,
                            b: tBase + first * d, ldb: d, beta: 0, c: sBase, ldc: count)
                        for i in 0..<rows {
                            lists[i].offer(UnsafeBufferPointer(start: sBase + i * count, count: count), firstIndex: first)
                        }
                        first += count
                    }
                }
            }
        }
        let k = classes.count
        var votes = [Double](repeating: 0, count: k)
        var touched = [Int]()
        var result = [[[Int]]](repeating: [[Int]](repeating: [], count: rows), count: sortedCounts.count)
        for i in 0..<rows {
            let neighbours = lists[i].sorted()
            touched.removeAll(keepingCapacity: true)
            var next = 0
            for (position, neighbour) in neighbours.enumerated() {
                let c = classIndices[neighbour.index]
                if votes[c] == 0 { touched.append(c) }
                votes[c] += Double.exponential(neighbour.similarity.doubleValue / options.temperature)
                while next < sortedCounts.count, sortedCounts[next].element == position + 1 {
                    result[sortedCounts[next].offset][i] = Self.ranking(votes: votes, touched: touched, classCount: k, length: Swift.min(options.topK, position + 1))
                    next += 1
                }
            }
            for c in touched { votes[c] = 0 }
        }
        return result
    }

    /// The first `length` classes by (vote descending, index ascending), voted classes first,
    /// then classes without a vote by index.
    static func ranking(votes: [Double], touched: [Int], classCount: Int, length: Int) -> [Int] {
        let voted = touched.sorted { votes[$0] > votes[$1] || (votes[$0] == votes[$1] && $0 < $1) }
        var order = Array(voted.prefix(length))
        if order.count < length {
            let used = Set(touched)
            var c = 0
            while order.count < length, c < classCount {
                if !used.contains(c) { order.append(c) }
                c += 1
            }
        }
        return order
    }
}

/// The `capacity` most similar training rows seen so far for one query: a binary heap whose root
/// is the worst kept neighbour (lowest similarity; among equal ones the highest row index).
struct NeighbourList<Scalar: BLASScalar>: Sendable {
    struct Neighbour: Sendable {
        var similarity: Scalar
        var index: Int
    }

    let capacity: Int
    private var heap: [Neighbour] = []

    init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(capacity)
    }

    /// Whether `a` is worse than `b` (ranks after it).
    @inline(__always)
    private static func worse(_ a: Neighbour, _ b: Neighbour) -> Bool {
        a.similarity < b.similarity || (a.similarity == b.similarity && a.index > b.index)
    }

    /// Offers consecutive training rows `firstIndex ..< firstIndex + similarities.count`.
    mutating func offer(_ similarities: UnsafeBufferPointer<Scalar>, firstIndex: Int) {
        var j = 0
        while heap.count < capacity, j < similarities.count {
            push(Neighbour(similarity: similarities[j], index: firstIndex + j))
            j += 1
        }
        guard j < similarities.count else { return }
        // Rows arrive in ascending index order, so a candidate equal to the root has a higher
        // index and loses: only strictly greater similarities enter.
        var threshold = heap[0].similarity
        while j < similarities.count {
            let s = similarities[j]
            if s > threshold {
                heap[0] = Neighbour(similarity: s, index: firstIndex + j)
                siftDown(0)
                threshold = heap[0].similarity
            }
            j += 1
        }
    }

    private mutating func push(_ neighbour: Neighbour) {
        heap.append(neighbour)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.worse(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            var worst = left
            if left + 1 < count, Self.worse(heap[left + 1], heap[left]) { worst = left + 1 }
            guard Self.worse(heap[worst], heap[parent]) else { return }
            heap.swapAt(worst, parent)
            parent = worst
        }
    }

    /// The kept neighbours, best first (similarity descending, index ascending).
    func sorted() -> [Neighbour] {
        heap.sorted { Self.worse($1, $0) }
    }
}
