import Dispatch
public import LinearAlgebra

/// Settings of a linear-probe run (the `linear-probe` command's options).
public struct LinearProbeConfiguration: Sendable {
    /// Model settings: C, tolerance, iteration limit, class weights.
    public var model = LogisticRegressionOptions()
    /// Standardise features with training statistics (default true).
    public var standardizes = true
    /// L2-normalise rows before standardising (default false).
    public var l2Normalizes = false
    /// Select C on a stratified 80/20 split of the training data first (default false).
    public var sweeps = false
    /// The C grid of the sweep: 10^-4 … 10^2, two points per decade (docs/reference/linear-probe.md, "C sweep").
    public var sweepGrid: [Double] = (0...12).map { Double.power(10, -4 + Double($0) / 2) }
    /// Compute MAE and QWK over the ordinal label list (default false).
    public var ordinal = false
    /// Seed of the sweep's stratified split.
    public var seed: UInt64 = 0

    /// Creates default settings.
    public init() {}
}

/// Where a probe run is, for progress output: one call after each L-BFGS iteration.
public struct ProbeProgress: Sendable, Equatable {
    /// The phase of the run.
    public enum Phase: String, Sendable {
        /// A fit of the C sweep (on 80 % of the training rows).
        case sweep
        /// The final fit on all training rows.
        case fit
    }

    /// Sweep or final fit.
    public var phase: Phase
    /// C of the current fit.
    public var c: Double
    /// 1-based position of this C in the sweep, and the sweep's length (1 of 1 for the final fit).
    public var step: Int
    /// Number of fits in the phase.
    public var steps: Int
    /// Accepted L-BFGS steps so far.
    public var iteration: Int
    /// Objective after the step.
    public var objective: Double
    /// max |gradient| after the step.
    public var maxGradient: Double
}

/// One point of the C sweep.
public struct SweepPoint: Sendable, Codable, Equatable {
    /// C.
    public var c: Double
    /// Accuracy on the held-out 20 %.
    public var validationAccuracy: Double
    /// Iterations of the warm-started fit.
    public var iterations: Int

    enum CodingKeys: String, CodingKey {
        case c = "C", iterations = "n_iter", validationAccuracy = "validation_accuracy"
    }
}

/// Everything a probe run reports (serialised as the report JSON with snake_case keys).
public struct ProbeReport: Sendable, Codable {
    /// sklearn's mean objective at the solution, nats.
    public var objective: Double
    /// Accepted L-BFGS steps.
    public var nIter: Int
    /// Function evaluations.
    public var nFev: Int
    /// Whether the fit converged.
    public var converged: Bool
    /// Why the optimiser stopped.
    public var stopReason: LBFGSStopReason
    /// max |gradient| at the solution.
    public var maxGradient: Double
    /// C used for the final fit.
    public var c: Double
    /// Gradient tolerance.
    public var tol: Double
    /// Iteration limit.
    public var maxIter: Int
    /// Class weighting.
    public var classWeight: String
    /// Training accuracy.
    public var trainAccuracy: Double
    /// Test accuracy (top-1).
    public var testAccuracy: Double
    /// Test top-5 accuracy (when K ≥ 5).
    public var top5Accuracy: Double?
    /// Test balanced accuracy.
    public var balancedAccuracy: Double
    /// Test log-loss, nats.
    public var logLoss: Double
    /// Test recall per label of `labels`.
    public var perClassAccuracy: [Double]
    /// Test confusion matrix, rows true.
    public var confusionMatrix: [[Int]]
    /// Test precision, recall and F1 per label (scikit-learn's `classification_report`).
    public var classificationReport: ClassificationReport
    /// Label list of the matrix.
    public var labels: [Int]
    /// Test MAE (with `ordinal`).
    public var mae: Double?
    /// Test QWK (with `ordinal`).
    public var qwk: Double?
    /// Test rows whose label never occurs in training (counted as wrong).
    public var unseenTestLabels: Int
    /// Fit wall time in seconds (final fit only).
    public var fitSeconds: Double
    /// Preprocessing applied, e.g. "standardize".
    public var preprocessing: String
    /// The sweep, when run.
    public var sweep: [SweepPoint]?
    /// Training rows, test rows, features, classes.
    public var trainRows: Int
    /// Test rows.
    public var testRows: Int
    /// Feature count.
    public var featureCount: Int
    /// Class count K.
    public var classCount: Int

    enum CodingKeys: String, CodingKey {
        case objective, converged, c = "C", tol, labels, mae, qwk, sweep, preprocessing
        case nIter = "n_iter", nFev = "n_fev", stopReason = "stop_reason", maxGradient = "max_gradient", maxIter = "max_iter"
        case classWeight = "class_weight", trainAccuracy = "train_accuracy", testAccuracy = "test_accuracy"
        case top5Accuracy = "top5_accuracy", balancedAccuracy = "balanced_accuracy", logLoss = "log_loss"
        case perClassAccuracy = "per_class_accuracy", confusionMatrix = "confusion_matrix", unseenTestLabels = "unseen_test_labels"
        case fitSeconds = "fit_seconds", trainRows = "train_rows", testRows = "test_rows", featureCount = "feature_count"
        case classCount = "class_count", classificationReport = "classification_report"
    }
}

/// Validates a probe's inputs: row counts, equal feature dimensions, finite values, ≥ 2 classes.
///
/// - Throws: `ProbeError` naming the first problem (the first non-finite row and column).
func validate<Scalar: BLASScalar>(train: Matrix<Scalar>, trainLabels: [Int], test: Matrix<Scalar>, testLabels: [Int]) throws(ProbeError) {
    guard train.rows > 0 else { throw .emptyTrainingSet }
    guard test.rows > 0 else { throw .emptyTestSet }
    guard train.rows == trainLabels.count else { throw .rowCountMismatch(features: train.rows, labels: trainLabels.count, what: "training set") }
    guard test.rows == testLabels.count else { throw .rowCountMismatch(features: test.rows, labels: testLabels.count, what: "test set") }
    guard train.columns == test.columns else { throw .featureCountMismatch(train: train.columns, test: test.columns) }
    for (name, matrix) in [("training", train), ("test", test)] {
        if let index = matrix.elements.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteFeature(what: name, row: index / Swift.max(matrix.columns, 1), column: index % Swift.max(matrix.columns, 1))
        }
    }
    let classes = Set(trainLabels)
    if classes.count < 2 { throw .singleClass(label: trainLabels.first ?? 0) }
}

/// Runs a linear probe: preprocess, optionally sweep C, fit, evaluate on train and test.
///
/// - Parameters:
///   - train: Training features `[n, d]` (consumed: preprocessed in place, never copied).
///   - trainLabels: n integer labels.
///   - test: Test features `[m, d]`.
///   - testLabels: m integer labels (labels unseen in training count as wrong).
///   - configuration: Settings.
///   - progress: Called after each L-BFGS iteration of the sweep's fits and of the final fit.
/// - Returns: The report and the fitted model.
/// - Throws: `ProbeError` for invalid data or settings.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func runLinearProbe<Scalar: BLASScalar>(
    train: consuming Matrix<Scalar>, trainLabels: [Int], test: consuming Matrix<Scalar>, testLabels: [Int], configuration: LinearProbeConfiguration,
    progress: ((ProbeProgress) -> Void)? = nil
) throws(ProbeError) -> (report: ProbeReport, model: LogisticRegressionModel) {
    try validate(train: train, trainLabels: trainLabels, test: test, testLabels: testLabels)
    var options = configuration.model
    var sweep: [SweepPoint]?
    if configuration.sweeps {
        let (points, best) = try sweepC(train: train, labels: trainLabels, configuration: configuration, progress: progress)
        sweep = points
        options.inverseRegularization = best
    }
    // `copy` shares the buffer (an initializer's parameters are consuming); no element is copied.
    let preprocessing = Preprocessing(fitting: copy train, l2Normalizes: configuration.l2Normalizes, standardizes: configuration.standardizes)
    // In place: the matrices are consumed, so a feature matrix of half the RAM is never copied.
    var trainFeatures = train
    preprocessing.apply(inPlace: &trainFeatures)
    var testFeatures = test
    preprocessing.apply(inPlace: &testFeatures)
    let start = DispatchTime.now().uptimeNanoseconds
    let c = options.inverseRegularization
    var fit = try fitLogisticRegression(features: trainFeatures, labels: trainLabels, options: options) { iteration, objective, gradient in
        progress?(ProbeProgress(phase: .fit, c: c, step: 1, steps: 1, iteration: iteration, objective: objective, maxGradient: gradient))
    }
    fit.model.preprocessing = preprocessing
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let trainMetrics = classificationMetrics(
        probabilities: fit.model.probabilities(trainFeatures), classes: fit.model.classes, truth: trainLabels, ordinal: false)
    let testMetrics = classificationMetrics(
        probabilities: fit.model.probabilities(testFeatures), classes: fit.model.classes, truth: testLabels, ordinal: configuration.ordinal)
    let k = fit.model.classes.count
    let report = ProbeReport(
        objective: fit.optimization.value, nIter: fit.optimization.iterations, nFev: fit.optimization.functionEvaluations,
        converged: fit.converged, stopReason: fit.optimization.stopReason, maxGradient: fit.optimization.maximumGradient,
        c: options.inverseRegularization, tol: options.optimizer.gradientTolerance, maxIter: options.optimizer.maximumIterations,
        classWeight: options.classWeight.rawValue, trainAccuracy: trainMetrics.accuracy, testAccuracy: testMetrics.accuracy,
        top5Accuracy: k >= 5 ? topK(fit.model, testFeatures, testLabels, 5) : nil, balancedAccuracy: testMetrics.balancedAccuracy,
        logLoss: testMetrics.logLoss, perClassAccuracy: testMetrics.perClassAccuracy, confusionMatrix: testMetrics.confusionMatrix,
        classificationReport: testMetrics.classificationReport,
        labels: testMetrics.labels, mae: testMetrics.meanAbsoluteError, qwk: testMetrics.quadraticWeightedKappa,
        unseenTestLabels: testMetrics.unseenLabelRows, fitSeconds: seconds, preprocessing: preprocessing.summary, sweep: sweep,
        trainRows: trainFeatures.rows, testRows: testFeatures.rows, featureCount: trainFeatures.columns, classCount: k)
    return (report, fit.model)
}

/// Top-k accuracy, defined for any k ≤ K (k = K gives 1 for rows with a known label).
private func topK<Scalar: BLASScalar>(_ model: LogisticRegressionModel, _ x: Matrix<Scalar>, _ y: [Int], _ k: Int) -> Double {
    let p = model.probabilities(x)
    let index = Dictionary(uniqueKeysWithValues: model.classes.enumerated().map { ($1, $0) })
    var hits = 0
    for i in 0..<x.rows {
        guard let t = index[y[i]] else { continue }
        var higher = 0
        for c in 0..<p.columns where p[i, c] > p[i, t] || (p[i, c] == p[i, t] && c < t) { higher += 1 }
        if higher < k { hits += 1 }
    }
    return Double(hits) / Double(Swift.max(x.rows, 1))
}

/// The C sweep: stratified 80/20 split of the training rows (seeded), scaler fitted on the 80 %,
/// C ascending with warm starts, the tolerance tightened 100× so large-C fits do not stop at
/// zero iterations (docs/reference/linear-probe.md, "C sweep"), best validation accuracy with ties to the smaller C.
func sweepC<Scalar: BLASScalar>(
    train: Matrix<Scalar>, labels: [Int], configuration: LinearProbeConfiguration, progress: ((ProbeProgress) -> Void)? = nil
) throws(ProbeError)
    -> ([SweepPoint], Double)
{
    var generator = SeededGenerator(seed: configuration.seed)
    var fitRows = [Int](), validationRows = [Int]()
    var byClass = [Int: [Int]]()
    for (i, label) in labels.enumerated() { byClass[label, default: []].append(i) }
    for label in byClass.keys.sorted() {
        var rows = byClass[label] ?? []
        rows.shuffle(using: &generator)
        let held = Int((Double(rows.count) * 0.2).rounded())
        validationRows += rows.prefix(held)
        fitRows += rows.dropFirst(held)
    }
    fitRows.sort()
    validationRows.sort()
    guard Set(fitRows.map { labels[$0] }).count >= 2, !validationRows.isEmpty else {
        throw .invalidOption("--sweep needs at least two classes with enough rows for an 80/20 split")
    }
    let fitFeatures = train.selectingRows(fitRows)
    let preprocessing = Preprocessing(fitting: fitFeatures, l2Normalizes: configuration.l2Normalizes, standardizes: configuration.standardizes)
    let x = preprocessing.apply(fitFeatures)
    let v = preprocessing.apply(train.selectingRows(validationRows))
    let y = fitRows.map { labels[$0] }
    let vy = validationRows.map { labels[$0] }
    var options = configuration.model
    options.optimizer.gradientTolerance = configuration.model.optimizer.gradientTolerance / 100
    var warm: [Double]? = nil
    var points = [SweepPoint]()
    var best = (c: configuration.sweepGrid.first ?? 1, accuracy: -1.0)
    let grid = configuration.sweepGrid.sorted()
    for (step, c) in grid.enumerated() {
        options.inverseRegularization = c
        let fit = try fitLogisticRegression(features: x, labels: y, options: options, warmStart: warm) { iteration, objective, gradient in
            progress?(ProbeProgress(phase: .sweep, c: c, step: step + 1, steps: grid.count, iteration: iteration, objective: objective, maxGradient: gradient))
        }
        warm = fit.model.parameters
        let metrics = classificationMetrics(probabilities: fit.model.probabilities(v), classes: fit.model.classes, truth: vy, ordinal: false)
        points.append(SweepPoint(c: c, validationAccuracy: metrics.accuracy, iterations: fit.optimization.iterations))
        if metrics.accuracy > best.accuracy { best = (c, metrics.accuracy) }
    }
    return (points, best.c)
}
