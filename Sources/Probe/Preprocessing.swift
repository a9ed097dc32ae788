public import LinearAlgebra

/// Feature preprocessing of the probe, fitted on the training split and recorded in the report.
public struct Preprocessing: Sendable, Equatable {
    /// Whether each row is scaled to unit L2 norm first (`normalizedRows`, ε = 1e-12).
    public var l2Normalizes: Bool
    /// Whether features are standardised (mean 0, population std 1 on the training split).
    public var standardizes: Bool
    /// Training-split means (empty without standardisation).
    public var means: [Double] = []
    /// Training-split scales: the population standard deviation, or 1 for a constant feature.
    public var scales: [Double] = []

    /// Fits the statistics on training features.
    ///
    /// Standardisation follows scikit-learn's `StandardScaler` (docs/reference/linear-probe.md, "Standardisation"): Double
    /// accumulators, ddof 0, and scale 1 when the variance is at or below the round-off bound
    /// `n·ε·var + (n·mean·ε)²` (such a feature is only centred).
    ///
    /// - Parameters:
    ///   - features: Training features `[n, d]`.
    ///   - l2Normalizes: L2-normalise rows first.
    ///   - standardizes: Standardise columns.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init<Scalar: BLASScalar>(fitting features: Matrix<Scalar>, l2Normalizes: Bool, standardizes: Bool) {
        self.l2Normalizes = l2Normalizes
        self.standardizes = standardizes
        guard standardizes else { return }
        let source = l2Normalizes ? features.normalizedRows().normalized : features
        let n = source.rows, d = source.columns
        var means = [Double](repeating: 0, count: d)
        source.elements.withUnsafeBufferPointer { x in
            for i in 0..<n { for j in 0..<d { means[j] += x[i * d + j].doubleValue } }
        }
        for j in 0..<d { means[j] /= Double(Swift.max(n, 1)) }
        var variances = [Double](repeating: 0, count: d)
        source.elements.withUnsafeBufferPointer { x in
            for i in 0..<n {
                for j in 0..<d {
                    let delta = x[i * d + j].doubleValue - means[j]
                    variances[j] += delta * delta
                }
            }
        }
        let eps = Double.ulpOfOne
        self.means = means
        scales = (0..<d).map { j in
            let variance = variances[j] / Double(Swift.max(n, 1))
            let bound = Double(n) * eps * variance + (Double(n) * means[j] * eps) * (Double(n) * means[j] * eps)
            return variance <= bound ? 1 : variance.squareRoot()
        }
    }

    /// Applies the fitted preprocessing to a copy.
    ///
    /// - Parameter features: `[m, d]`, same d as the training features.
    /// - Returns: The transformed `[m, d]` features, in the same precision.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func apply<Scalar: BLASScalar>(_ features: Matrix<Scalar>) -> Matrix<Scalar> {
        var result = features
        apply(inPlace: &result)
        return result
    }

    /// Applies the fitted preprocessing in place (no second copy of a large matrix).
    ///
    /// - Parameter features: `[m, d]`, transformed in place.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func apply<Scalar: BLASScalar>(inPlace features: inout Matrix<Scalar>) {
        let d = features.columns
        let rows = features.rows
        features.elements.withUnsafeMutableBufferPointer { x in
            for i in 0..<rows {
                var scale = 1.0
                if l2Normalizes {
                    var sum = 0.0
                    for j in 0..<d { sum += x[i * d + j].doubleValue * x[i * d + j].doubleValue }
                    // F.normalize's ε = 1e-12, as `normalizedRows`.
                    scale = 1 / Swift.max(sum.squareRoot(), 1e-12)
                }
                guard standardizes || l2Normalizes else { continue }
                for j in 0..<d {
                    var value = x[i * d + j].doubleValue * scale
                    if standardizes { value = (value - means[j]) / scales[j] }
                    x[i * d + j] = Scalar(value)
                }
            }
        }
    }

    /// A short description for reports, e.g. `"l2-normalize, standardize"` or `"none"`.
    public var summary: String {
        let steps = (l2Normalizes ? ["l2-normalize"] : []) + (standardizes ? ["standardize"] : [])
        return steps.isEmpty ? "none" : steps.joined(separator: ", ")
    }
}
