public import LinearAlgebra

/// Classification metrics of the probe (sklearn's conventions, docs/reference/linear-probe.md, "Metrics").
public struct ClassificationMetrics: Sendable, Codable, Equatable {
    /// Top-1 accuracy: mean of (predicted == true); rows whose label was never seen in training
    /// count as wrong.
    public var accuracy: Double
    /// Top-k accuracy for k = `topK` (true class among the k largest probabilities; ties broken
    /// toward the lower class index), when K > k.
    public var topKAccuracy: Double?
    /// The k of `topKAccuracy`.
    public var topK: Int?
    /// Mean of per-class recalls over the classes present in the truth (sklearn
    /// `balanced_accuracy_score`).
    public var balancedAccuracy: Double
    /// Recall per label of `labels` (0 for a label without rows).
    public var perClassAccuracy: [Double]
    /// Confusion matrix over `labels`: rows true, columns predicted.
    public var confusionMatrix: [[Int]]
    /// The label list of the matrix: training classes ∪ test labels, sorted.
    public var labels: [Int]
    /// Mean cross-entropy in nats over rows with a known label, probabilities clipped to
    /// [ε, 1 − ε] with ε = 2.2e-16 (sklearn `log_loss`).
    public var logLoss: Double
    /// Mean |ŷ − y| over label positions (ordinal tasks).
    public var meanAbsoluteError: Double?
    /// Quadratic weighted kappa over the full label list (ordinal tasks).
    public var quadraticWeightedKappa: Double?
    /// Test rows whose label never occurs in training.
    public var unseenLabelRows: Int
    /// Precision, recall and F1 per label (scikit-learn's `classification_report`).
    public var classificationReport: ClassificationReport

    enum CodingKeys: String, CodingKey {
        case accuracy, labels
        case topKAccuracy = "top_k_accuracy", topK = "top_k", balancedAccuracy = "balanced_accuracy", perClassAccuracy = "per_class_accuracy"
        case confusionMatrix = "confusion_matrix", logLoss = "log_loss", meanAbsoluteError = "mae", quadraticWeightedKappa = "qwk"
        case unseenLabelRows = "unseen_label_rows", classificationReport = "classification_report"
    }
}

/// Quadratic weighted Cohen's kappa, as `cohen_kappa_score(truth, predicted, labels=labels,
/// weights='quadratic')`: O = confusion over `labels`, E = outer(row sums, column sums)/N,
/// w_ij = (i − j)² over label *positions*, κ = 1 − Σ w∘O / Σ w∘E. Passing the full ordinal
/// label list matters (docs/reference/linear-probe.md, "Metrics": 0.9341 with `labels=[0…4]`, 0.8696 without).
///
/// - Parameters:
///   - truth: True labels.
///   - predicted: Predicted labels (same count).
///   - labels: The ordinal label list; values outside it are ignored.
/// - Returns: κ, or NaN when the denominator is 0 (sklearn warns and returns NaN by default).
public func quadraticWeightedKappa(truth: [Int], predicted: [Int], labels: [Int]) -> Double {
    let position = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
    let k = labels.count
    var observed = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
    for (t, p) in zip(truth, predicted) {
        guard let i = position[t], let j = position[p] else { continue }
        observed[i][j] += 1
    }
    let total = observed.reduce(0) { $0 + $1.reduce(0, +) }
    let rowSums = observed.map { $0.reduce(0, +) }
    let columnSums = (0..<k).map { j in observed.reduce(0) { $0 + $1[j] } }
    var numerator = 0.0, denominator = 0.0
    for i in 0..<k {
        for j in 0..<k {
            let w = Double((i - j) * (i - j))
            numerator += w * observed[i][j]
            denominator += w * rowSums[i] * columnSums[j] / total
        }
    }
    return denominator == 0 ? .nan : 1 - numerator / denominator
}

/// Computes every metric from predicted probabilities.
///
/// - Parameters:
///   - probabilities: `[m, K]` class probabilities, columns in `classes` order.
///   - classes: The model's classes (sorted training labels).
///   - truth: m true labels (may include labels unseen in training).
///   - ordinal: Also compute MAE and QWK over the sorted label list.
///   - topK: k of the top-k accuracy (reported when K > k).
/// - Returns: The metrics.
public func classificationMetrics(probabilities: Matrix<Double>, classes: [Int], truth: [Int], ordinal: Bool, topK: Int = 5) -> ClassificationMetrics {
    let m = probabilities.rows, k = classes.count
    let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
    var predicted = [Int]()
    var topCorrect = 0, unseen = 0
    var logLoss = 0.0, logLossRows = 0
    let eps = Double.ulpOfOne
    for i in 0..<m {
        var best = 0
        for c in 1..<k where probabilities[i, c] > probabilities[i, best] { best = c }
        predicted.append(classes[best])
        guard let trueClass = classIndex[truth[i]] else {
            unseen += 1
            continue
        }
        let pTrue = probabilities[i, trueClass]
        var higher = 0
        for c in 0..<k where probabilities[i, c] > pTrue || (probabilities[i, c] == pTrue && c < trueClass) { higher += 1 }
        if higher < topK { topCorrect += 1 }
        logLoss -= Double.logarithm(Swift.min(Swift.max(pTrue, eps), 1 - eps))
        logLossRows += 1
    }
    let shared = labelMetrics(truth: truth, predicted: predicted, classes: classes)
    let labels = shared.labels
    let position = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
    var mae: Double?
    var qwk: Double?
    if ordinal {
        var total = 0.0
        for (t, p) in zip(truth, predicted) { total += Double(abs((position[t] ?? 0) - (position[p] ?? 0))) }
        mae = m == 0 ? 0 : total / Double(m)
        qwk = quadraticWeightedKappa(truth: truth, predicted: predicted, labels: labels)
    }
    return ClassificationMetrics(
        accuracy: shared.accuracy, topKAccuracy: k > topK ? Double(topCorrect) / Double(Swift.max(m, 1)) : nil,
        topK: k > topK ? topK : nil, balancedAccuracy: shared.balancedAccuracy, perClassAccuracy: shared.perClassAccuracy,
        confusionMatrix: shared.confusionMatrix, labels: labels,
        logLoss: logLossRows == 0 ? .nan : logLoss / Double(logLossRows), meanAbsoluteError: mae, quadraticWeightedKappa: qwk,
        unseenLabelRows: unseen, classificationReport: shared.report)
}

