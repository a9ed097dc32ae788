public import LinearAlgebra

/// Softmax cross-entropy of a batch of logits, as `torch.nn.CrossEntropyLoss()` (mean reduction).
///
/// `loss = (1/n) Σ_i [lse(z_i) − z_i[y_i]]` in nats, with `lse` the max-shifted log-sum-exp
/// (`Matrix.logSumExpRows`); the gradient with respect to the logits is
/// `(softmax(z_i) − onehot(y_i)) / n`.
///
/// - Parameters:
///   - logits: `[n, classCount]` row-major, n ≥ 1.
///   - labels: `n` class indices in `0 ..< classCount` (checked by the caller).
/// - Returns: The mean loss and ∂loss/∂logits, `[n, classCount]`.
public func softmaxCrossEntropy<Scalar: BLASScalar>(logits: Matrix<Scalar>, labels: [Int]) -> (loss: Scalar, gradient: Matrix<Scalar>) {
    precondition(labels.count == logits.rows && logits.rows > 0, "softmaxCrossEntropy: \(labels.count) labels for \(logits.rows) rows")
    let lse = logits.logSumExpRows()
    var gradient = logits.softmaxRows()
    let n = Scalar(logits.rows)
    var total: Scalar = 0
    for i in 0..<logits.rows {
        precondition(labels[i] >= 0 && labels[i] < logits.columns, "softmaxCrossEntropy: label \(labels[i]) outside 0..<\(logits.columns)")
        total += lse[i] - logits[i, labels[i]]
        gradient[i, labels[i]] -= 1
    }
    for i in gradient.elements.indices { gradient.elements[i] /= n }
    return (total / n, gradient)
}

/// Index of the largest entry of each row (the predicted class); ties go to the lowest index.
///
/// - Parameter scores: `[n, classCount]` row-major.
/// - Returns: `n` class indices.
public func argmaxRows<Scalar: BLASScalar>(_ scores: Matrix<Scalar>) -> [Int] {
    (0..<scores.rows).map { i in
        var best = 0
        for j in 1..<max(1, scores.columns) where scores[i, j] > scores[i, best] { best = j }
        return best
    }
}
