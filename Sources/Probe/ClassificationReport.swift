/// Precision, recall and F1 of one label (a row of scikit-learn's `classification_report`).
public struct ClassScores: Sendable, Codable, Equatable {
    /// The label.
    public var label: Int
    /// tp / (tp + fp); 0 when the label was never predicted (sklearn's `zero_division="warn"`
    /// value, without the warning; the label is listed in `ClassificationReport.zeroDivisionLabels`).
    public var precision: Double
    /// tp / (tp + fn); 0 when the label has no true rows (same rule).
    public var recall: Double
    /// 2·tp / (2·tp + fp + fn), sklearn's form of the harmonic mean; 0 when the denominator is 0.
    public var f1Score: Double
    /// True rows of the label.
    public var support: Int

    enum CodingKeys: String, CodingKey {
        case label, precision, recall, support
        case f1Score = "f1_score"
    }
}

/// An average row of the report.
public struct AverageScores: Sendable, Codable, Equatable {
    /// Averaged precision.
    public var precision: Double
    /// Averaged recall.
    public var recall: Double
    /// Averaged F1.
    public var f1Score: Double
    /// Total true rows.
    public var support: Int

    enum CodingKeys: String, CodingKey {
        case precision, recall, support
        case f1Score = "f1_score"
    }
}

/// scikit-learn's `classification_report(y_true, y_pred, output_dict=True)` with its defaults:
/// the labels are those occurring in the truth or the predictions, sorted; a 0/0 precision or
/// recall is 0 (`zero_division="warn"` returns 0 and warns; here the affected labels are listed
/// instead); macro average = unweighted mean over the labels, weighted average = mean weighted
/// by support.
public struct ClassificationReport: Sendable, Codable, Equatable {
    /// One entry per label, labels ascending.
    public var perClass: [ClassScores]
    /// Unweighted means over `perClass`.
    public var macroAvg: AverageScores
    /// Support-weighted means over `perClass`.
    public var weightedAvg: AverageScores
    /// Fraction of rows predicted correctly.
    public var accuracy: Double
    /// Labels whose precision or recall was 0/0 and reported as 0.
    public var zeroDivisionLabels: [Int]

    enum CodingKeys: String, CodingKey {
        case accuracy
        case perClass = "per_class", macroAvg = "macro_avg", weightedAvg = "weighted_avg", zeroDivisionLabels = "zero_division_labels"
    }

    /// Builds the report from true and predicted labels.
    ///
    /// - Parameters:
    ///   - truth: m true labels.
    ///   - predicted: m predicted labels.
    /// - Complexity: O(m log m).
    public init(truth: [Int], predicted: [Int]) {
        precondition(truth.count == predicted.count, "ClassificationReport: \(truth.count) true and \(predicted.count) predicted labels")
        let labels = Array(Set(truth).union(predicted)).sorted()
        let position = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var tp = [Int](repeating: 0, count: labels.count)
        var trueCount = tp, predictedCount = tp
        for (t, p) in zip(truth, predicted) {
            guard let i = position[t], let j = position[p] else { continue }
            trueCount[i] += 1
            predictedCount[j] += 1
            if i == j { tp[i] += 1 }
        }
        var zeroDivision = [Int]()
        perClass = labels.indices.map { i in
            if predictedCount[i] == 0 || trueCount[i] == 0 { zeroDivision.append(labels[i]) }
            let precision = predictedCount[i] == 0 ? 0 : Double(tp[i]) / Double(predictedCount[i])
            let recall = trueCount[i] == 0 ? 0 : Double(tp[i]) / Double(trueCount[i])
            let denominator = trueCount[i] + predictedCount[i]
            let f1 = denominator == 0 ? 0 : 2 * Double(tp[i]) / Double(denominator)
            return ClassScores(label: labels[i], precision: precision, recall: recall, f1Score: f1, support: trueCount[i])
        }
        zeroDivisionLabels = zeroDivision
        let total = truth.count
        let count = Double(Swift.max(perClass.count, 1))
        macroAvg = AverageScores(
            precision: perClass.reduce(0) { $0 + $1.precision } / count, recall: perClass.reduce(0) { $0 + $1.recall } / count,
            f1Score: perClass.reduce(0) { $0 + $1.f1Score } / count, support: total)
        let weight = Double(Swift.max(total, 1))
        weightedAvg = AverageScores(
            precision: perClass.reduce(0) { $0 + $1.precision * Double($1.support) } / weight,
            recall: perClass.reduce(0) { $0 + $1.recall * Double($1.support) } / weight,
            f1Score: perClass.reduce(0) { $0 + $1.f1Score * Double($1.support) } / weight, support: total)
        accuracy = total == 0 ? 0 : Double(tp.reduce(0, +)) / Double(total)
    }
}

/// Metrics that depend only on the predicted labels, shared by the linear and k-NN probes.
struct LabelMetrics {
    /// Fraction predicted correctly (unseen labels count as wrong).
    var accuracy: Double
    /// Mean recall over the labels present in the truth.
    var balancedAccuracy: Double
    /// Recall per entry of `labels` (0 for a label without true rows).
    var perClassAccuracy: [Double]
    /// Confusion matrix over `labels`, rows true, columns predicted.
    var confusionMatrix: [[Int]]
    /// Training classes ∪ test labels, sorted.
    var labels: [Int]
    /// Precision, recall and F1 per label.
    var report: ClassificationReport
}

/// Confusion matrix, recalls, balanced accuracy and the classification report of predictions.
///
/// - Parameters:
///   - truth: m true labels.
///   - predicted: m predicted labels (each one of `classes`).
///   - classes: The model's classes; the matrix spans `classes ∪ truth`.
func labelMetrics(truth: [Int], predicted: [Int], classes: [Int]) -> LabelMetrics {
    let labels = Array(Set(classes).union(truth)).sorted()
    let position = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
    var confusion = [[Int]](repeating: [Int](repeating: 0, count: labels.count), count: labels.count)
    var correct = 0
    for (t, p) in zip(truth, predicted) {
        if let i = position[t], let j = position[p] { confusion[i][j] += 1 }
        if t == p { correct += 1 }
    }
    let recalls = confusion.enumerated().map { t, row -> Double in
        let support = row.reduce(0, +)
        return support == 0 ? 0 : Double(row[t]) / Double(support)
    }
    let present = confusion.indices.filter { confusion[$0].reduce(0, +) > 0 }
    let balanced = present.isEmpty ? 0 : present.reduce(0) { $0 + recalls[$1] } / Double(present.count)
    return LabelMetrics(
        accuracy: truth.isEmpty ? 0 : Double(correct) / Double(truth.count), balancedAccuracy: balanced, perClassAccuracy: recalls,
        confusionMatrix: confusion, labels: labels, report: ClassificationReport(truth: truth, predicted: predicted))
}
