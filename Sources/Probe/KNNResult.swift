/// The k-NN evaluation for one neighbour count (one entry of the report's `results`).
public struct KNNResult: Sendable, Codable, Equatable {
    /// Neighbours voting.
    public var k: Int
    /// Temperature of the vote weights `exp(similarity / T)`.
    public var temperature: Double
    /// Fraction of test rows whose top-ranked class is the true one.
    public var top1Accuracy: Double
    /// Fraction of test rows whose true class is among the first `min(5, k)` ranked classes.
    public var top5Accuracy: Double
    /// Mean recall over the labels present in the test set.
    public var balancedAccuracy: Double
    /// Recall per entry of `labels` (the per-class accuracy).
    public var perClassAccuracy: [Double]
    /// Confusion matrix over `labels`: rows true, columns predicted.
    public var confusionMatrix: [[Int]]
    /// Training classes ∪ test labels, sorted.
    public var labels: [Int]
    /// Precision, recall and F1 per label (scikit-learn's `classification_report`).
    public var classificationReport: ClassificationReport
    /// Test rows whose label never occurs in training (counted as wrong).
    public var unseenTestLabels: Int

    enum CodingKeys: String, CodingKey {
        case k, temperature, labels
        case top1Accuracy = "top1_accuracy", top5Accuracy = "top5_accuracy", balancedAccuracy = "balanced_accuracy"
        case perClassAccuracy = "per_class_accuracy", confusionMatrix = "confusion_matrix"
        case classificationReport = "classification_report", unseenTestLabels = "unseen_test_labels"
    }
}

/// The report of a `knn-probe` run (the JSON of `--report`).
public struct KNNReport: Sendable, Codable, Equatable {
    /// One entry per neighbour count, in the order given.
    public var results: [KNNResult]
    /// Training rows.
    public var trainRows: Int
    /// Test rows.
    public var testRows: Int
    /// Feature count d.
    public var featureCount: Int
    /// Training classes K.
    public var classCount: Int
    /// Preprocessing: always "l2-normalize" (cosine similarity).
    public var preprocessing: String
    /// Wall time of the search and voting, seconds.
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case results, preprocessing, seconds
        case trainRows = "train_rows", testRows = "test_rows", featureCount = "feature_count", classCount = "class_count"
    }

    /// Creates a report.
    public init(results: [KNNResult], trainRows: Int, testRows: Int, featureCount: Int, classCount: Int, seconds: Double) {
        self.results = results
        self.trainRows = trainRows
        self.testRows = testRows
        self.featureCount = featureCount
        self.classCount = classCount
        preprocessing = "l2-normalize"
        self.seconds = seconds
    }
}
