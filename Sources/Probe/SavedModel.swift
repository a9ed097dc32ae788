import Foundation
public import ArrayFiles
public import LinearAlgebra

/// Saving a fitted probe to `.npz` and applying a saved one to new features.
///
/// Arrays of the archive (float64 unless noted), readable with `numpy.load`:
/// - `coef` `[K, d]`: one weight row per class, in `classes` order (the symmetric form for every
///   K; for K = 2 scikit-learn's binary `coef_` is `coef[1] − coef[0]`).
/// - `intercept` `[K]`.
/// - `classes` `[K]` int64: the sorted training labels.
/// - `mean` `[d]`, `scale` `[d]`: the standardisation `(x − mean) / scale` (0 and 1 without it).
/// - `l2_normalize` `[1]` int64: 1 when rows are scaled to unit L2 norm before standardising.
///
/// A row's probabilities are `softmax(coef · x' + intercept)` with x' the preprocessed row.
extension LogisticRegressionModel {
    /// Creates a model from its coefficients.
    ///
    /// - Parameters:
    ///   - classes: K ≥ 2 sorted labels.
    ///   - coefficients: `[K, d]` weights, row k for `classes[k]`.
    ///   - intercepts: K intercepts.
    ///   - preprocessing: Applied to raw rows by `predict` (nil: none).
    public init(classes: [Int], coefficients: Matrix<Double>, intercepts: [Double], preprocessing: Preprocessing? = nil) {
        precondition(coefficients.rows == classes.count && intercepts.count == classes.count, "LogisticRegressionModel: \(classes.count) classes, coefficients [\(coefficients.rows), \(coefficients.columns)], \(intercepts.count) intercepts")
        self.init(classes: classes, parameters: coefficients.elements + intercepts, featureCount: coefficients.columns, preprocessing: preprocessing)
    }

    /// The archive's arrays.
    public var savedArrays: [(name: String, array: NPYArray)] {
        let k = classes.count, d = featureCount
        let pre = preprocessing ?? Preprocessing(l2Normalizes: false, standardizes: false)
        return [
            ("coef", NPYArray(shape: [k, d], storage: .float64(Array(parameters[0..<(k * d)])))),
            ("intercept", NPYArray(shape: [k], storage: .float64(Array(parameters[(k * d)...])))),
            ("classes", NPYArray(shape: [k], storage: .int64(classes.map(Int64.init)))),
            ("mean", NPYArray(shape: [d], storage: .float64(pre.standardizes ? pre.means : Array(repeating: 0, count: d)))),
            ("scale", NPYArray(shape: [d], storage: .float64(pre.standardizes ? pre.scales : Array(repeating: 1, count: d)))),
            ("l2_normalize", NPYArray(shape: [1], storage: .int64([pre.l2Normalizes ? 1 : 0]))),
        ]
    }

    /// Writes the model as an `.npz` archive (replacing `path` atomically).
    ///
    /// - Parameter path: Destination, e.g. `model.npz`.
    /// - Throws: `ProbeError.unwritable`.
    public func write(toFile path: String) throws(ProbeError) {
        do { try NPZWriter.write(savedArrays, toFile: path) } catch {
            throw .unwritable(path: path, reason: error.description)
        }
    }

    /// Reads a model written by `write(toFile:)` (or by any tool writing the same arrays).
    ///
    /// - Parameter path: An `.npz` archive.
    /// - Throws: `ProbeError.unreadable` naming the file and the array that is missing or has
    ///   the wrong shape or values.
    public init(contentsOfFile path: String) throws(ProbeError) {
        let archive: NPZFile
        do { archive = try NPZFile(path: path) } catch { throw .unreadable(path: path, reason: Self.reason(error)) }
        func array(_ name: String) throws(ProbeError) -> NPYArray {
            guard archive.names.contains(name) else {
                throw .unreadable(path: path, reason: "no array '\(name)'; a saved probe holds coef, intercept, classes, mean and scale")
            }
            do { return try archive.array(named: name) } catch { throw .unreadable(path: path, reason: Self.reason(error)) }
        }
        let coef = try array("coef")
        guard coef.shape.count == 2, coef.shape[0] >= 2, coef.shape[1] >= 1 else {
            throw .unreadable(path: path, reason: "coef must be a [K, d] array with K ≥ 2 classes, got shape \(coef.shape)")
        }
        let (k, d) = (coef.shape[0], coef.shape[1])
        func vector(_ name: String, _ count: Int) throws(ProbeError) -> NPYArray {
            let a = try array(name)
            guard a.shape == [count] else { throw .unreadable(path: path, reason: "\(name) must have shape [\(count)], got \(a.shape)") }
            return a
        }
        let intercept = try vector("intercept", k).doubles
        let classes: [Int]
        do { classes = try vector("classes", k).integers(path: path) } catch let error as ProbeError { throw error } catch {
            throw .unreadable(path: path, reason: "classes must be integers")
        }
        guard zip(classes, classes.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw .unreadable(path: path, reason: "classes must be distinct and ascending")
        }
        let mean = try vector("mean", d).doubles
        let scale = try vector("scale", d).doubles
        var l2 = false
        if archive.names.contains("l2_normalize") {
            let flag = try vector("l2_normalize", 1).doubles
            l2 = flag[0] != 0
        }
        let weights = coef.doubles
        guard (weights + intercept + mean).allSatisfy(\.isFinite), scale.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw .unreadable(path: path, reason: "coef, intercept and mean must be finite and scale positive")
        }
        var pre = Preprocessing(l2Normalizes: l2, standardizes: true)
        pre.means = mean
        pre.scales = scale
        self.init(classes: classes, parameters: weights + intercept, featureCount: d, preprocessing: pre)
    }

    /// An array-file error's message without a leading `path: `.
    private static func reason(_ error: ArrayFileError) -> String {
        if case .unreadable(_, let reason) = error { return reason }
        return error.description
    }

    /// Predicted labels and class probabilities of raw (not yet preprocessed) feature rows.
    ///
    /// - Parameter features: `[m, d]` features as given to the probe, finite.
    /// - Returns: m labels (argmax, ties to the lower class) and `[m, K]` probabilities in
    ///   `classes` order.
    /// - Throws: `ProbeError.featureCountMismatch`, `.nonFiniteFeature`.
    public func predict<Scalar: BLASScalar>(_ features: consuming Matrix<Scalar>) throws(ProbeError) -> (labels: [Int], probabilities: Matrix<Double>) {
        guard features.columns == featureCount else { throw .featureCountMismatch(train: featureCount, test: features.columns) }
        if let index = features.elements.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteFeature(what: "input", row: index / Swift.max(featureCount, 1), column: index % Swift.max(featureCount, 1))
        }
        var x = features
        preprocessing?.apply(inPlace: &x)
        let p = probabilities(x)
        let labels = (0..<p.rows).map { i in
            var best = 0
            for c in 1..<p.columns where p[i, c] > p[i, best] { best = c }
            return classes[best]
        }
        return (labels, p)
    }
}

extension Preprocessing {
    /// Preprocessing with no fitted statistics yet.
    init(l2Normalizes: Bool, standardizes: Bool) {
        self.l2Normalizes = l2Normalizes
        self.standardizes = standardizes
    }
}
