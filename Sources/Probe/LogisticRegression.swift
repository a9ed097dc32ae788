import ProcessRuntime
public import LinearAlgebra

/// Settings of the probe's logistic regression (scikit-learn's names in comments).
public struct LogisticRegressionOptions: Sendable {
    /// Class weighting (`class_weight`).
    public enum ClassWeight: String, Sendable, CaseIterable {
        /// All samples weigh 1 (`None`).
        case none
        /// `n / (K · count_k)` per class (`'balanced'`).
        case balanced
    }

    /// Inverse regularisation strength C > 0 (`C`, default 1).
    public var inverseRegularization = 1.0
    /// Optimiser settings; `gradientTolerance` is sklearn's `tol` (1e-4), `maximumIterations`
    /// its `max_iter` (sklearn's default 100; the command line uses 1000 like CLIP).
    public var optimizer = LBFGSOptions()
    /// Class weighting (default none).
    public var classWeight = ClassWeight.none

    /// Creates default options.
    public init() {}
}

/// A fitted multinomial logistic regression.
public struct LogisticRegressionModel: Sendable {
    /// The original labels of the classes, sorted ascending (sklearn's `classes_`); class index
    /// k stands for `classes[k]`.
    public var classes: [Int]
    /// Parameters `[W (K·d, class-major), b (K)]` of the symmetric K-class model.
    public var parameters: [Double]
    /// Feature count d.
    public var featureCount: Int
    /// The preprocessing fitted with the model, applied by `predict` (nil: none).
    public var preprocessing: Preprocessing? = nil

    /// Class probabilities for each row.
    ///
    /// - Parameter features: `[m, d]` (already preprocessed).
    /// - Returns: `[m, K]` probabilities, classes in `classes` order.
    public func probabilities<Scalar: BLASScalar>(_ features: Matrix<Scalar>) -> Matrix<Double> {
        LinearModelLoss<Scalar>.probabilities(of: features, parameters: parameters, classCount: classes.count)
    }

    /// Frobenius norm of W.
    public var weightNorm: Double {
        parameters[0..<(classes.count * featureCount)].reduce(0) { $0 + $1 * $1 }.squareRoot()
    }
}

/// The outcome of a fit.
public struct LogisticRegressionFit: Sendable {
    /// The model.
    public var model: LogisticRegressionModel
    /// The optimiser's result (objective, iterations, evaluations, stop reason).
    public var optimization: LBFGSResult
    /// Whether the fit converged (gradient or relative-decrease test); a fit that stopped on
    /// the iteration limit or a failed line search is flagged, not hidden.
    public var converged: Bool { optimization.stopReason.isConverged }
}

/// Fits scikit-learn's L2-regularised multinomial logistic regression (solver `lbfgs`).
///
/// Objective and parametrisation as `LinearModelLoss`: all K classes get weights (symmetric
/// parametrisation), the intercept is unpenalised, the start is zero (or `warmStart`). Labels
/// are any integers, mapped to sorted classes as sklearn does. With K = 2 the symmetric
/// two-class model is fitted at C/2, which equals sklearn's binomial fit at C (docs/reference/linear-probe.md,
/// "Binary problems": w₁ − w₀ = w_binary, and the objectives coincide at the optimum).
///
/// - Parameters:
///   - features: Training features `[n, d]`, Float or Double (kept in their precision; the
///     optimiser state is Double).
///   - labels: n integer labels.
///   - options: C, tolerance, iteration limit, class weights.
///   - warmStart: Starting parameters (layout as `LogisticRegressionModel.parameters`).
///   - progress: Called after each iteration with (iteration, objective, max|g|).
/// - Returns: The model and the optimiser's result.
/// - Throws: `ProbeError.singleClass`, `.emptyTrainingSet`, `.rowCountMismatch`, `.invalidOption`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func fitLogisticRegression<Scalar: BLASScalar>(
    features: Matrix<Scalar>, labels: [Int], options: LogisticRegressionOptions = LogisticRegressionOptions(),
    warmStart: [Double]? = nil, progress: ((Int, Double, Double) -> Void)? = nil
) throws(ProbeError) -> LogisticRegressionFit {
    guard features.rows > 0 else { throw .emptyTrainingSet }
    guard labels.count == features.rows else { throw .rowCountMismatch(features: features.rows, labels: labels.count, what: "training set") }
    guard options.inverseRegularization > 0, options.inverseRegularization.isFinite else {
        throw .invalidOption("C must be a positive finite number, got \(options.inverseRegularization)")
    }
    let classes = Array(Set(labels)).sorted()
    guard classes.count >= 2 else { throw .singleClass(label: classes.first ?? 0) }
    let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
    let y = labels.map { index[$0] ?? 0 }
    let k = classes.count
    var weights: [Double]? = nil
    if options.classWeight == .balanced {
        var counts = [Int](repeating: 0, count: k)
        for c in y { counts[c] += 1 }
        let perClass = counts.map { Double(labels.count) / (Double(k) * Double($0)) }
        weights = y.map { perClass[$0] }
    }
    let c = k == 2 ? options.inverseRegularization / 2 : options.inverseRegularization
    let loss = LinearModelLoss(features: features, labels: y, classCount: k, sampleWeights: weights, inverseRegularization: c)
    let start = warmStart ?? [Double](repeating: 0, count: loss.parameterCount)
    guard start.count == loss.parameterCount else {
        throw .invalidOption("warm start has \(start.count) parameters, the model needs \(loss.parameterCount)")
    }
    // One BLAS thread: two made digits 10× slower (docs/reference/linear-probe.md, "Threads"); large problems use the
    // second core by splitting row blocks over workers instead (`LinearModelLoss`).
    let result = BLASThreads.withSingleThreadedBLAS {
        minimizeLBFGS(start: start, options: options.optimizer, progress: progress) { parameters, gradient in
            loss.lossAndGradient(parameters, gradient: &gradient)
        }
    }
    return LogisticRegressionFit(
        model: LogisticRegressionModel(classes: classes, parameters: result.solution, featureCount: features.columns),
        optimization: result)
}
