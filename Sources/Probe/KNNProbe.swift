public import ArrayFiles
import Dispatch
import LinearAlgebra

/// Runs the weighted k-NN probe on loaded features: float32 train and test stay float32 (Float
/// similarity products, as DINO's float32 tensors); any other mix runs in Double.
///
/// - Parameters:
///   - train: Training features `[n, d]` (consumed).
///   - trainLabels: n integer labels.
///   - test: Test features `[m, d]`, m ≥ 1.
///   - testLabels: m integer labels.
///   - options: Neighbour counts, temperature.
/// - Returns: The report, one result per neighbour count.
/// - Throws: `ProbeError` for empty sets, mismatched shapes, non-finite values or bad options.
public func runKNNProbe(
    train: consuming FeatureMatrix, trainLabels: [Int], test: consuming FeatureMatrix, testLabels: [Int], options: KNNOptions = KNNOptions()
) throws(ProbeError) -> KNNReport {
    guard test.rows > 0 else { throw .emptyTestSet }
    let (n, m, d) = (train.rows, test.rows, train.columns)
    let start = DispatchTime.now().uptimeNanoseconds
    let results: [KNNResult]
    let classCount: Int
    switch (consume train, consume test) {
    case (.float32(let a), .float32(let b)):
        let classifier = try KNNClassifier(features: consume a, labels: trainLabels)
        classCount = classifier.classes.count
        results = try classifier.evaluate(b, labels: testLabels, options: options)
    case (.float32(let a), .float64(let b)):
        let classifier = try KNNClassifier(features: a.converted(to: Double.self), labels: trainLabels)
        classCount = classifier.classes.count
        results = try classifier.evaluate(b, labels: testLabels, options: options)
    case (.float64(let a), .float32(let b)):
        let classifier = try KNNClassifier(features: consume a, labels: trainLabels)
        classCount = classifier.classes.count
        results = try classifier.evaluate(b.converted(to: Double.self), labels: testLabels, options: options)
    case (.float64(let a), .float64(let b)):
        let classifier = try KNNClassifier(features: consume a, labels: trainLabels)
        classCount = classifier.classes.count
        results = try classifier.evaluate(b, labels: testLabels, options: options)
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return KNNReport(results: results, trainRows: n, testRows: m, featureCount: d, classCount: classCount, seconds: seconds)
}
