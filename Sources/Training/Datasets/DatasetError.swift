public import LinearAlgebra

/// Errors loading the bundled example data sets.
public enum DatasetError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// A line of a CSV file does not have the expected form.
    case malformedLine(path: String, line: Int, reason: String)
    /// The arrays of a data set disagree in shape.
    case shapeMismatch(path: String, reason: String)

    /// One line saying what happened and what to do.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read data set: \(reason)"
        case .malformedLine(let path, let line, let reason): return "\(path):\(line): \(reason)"
        case .shapeMismatch(let path, let reason): return "\(path): \(reason)"
        }
    }
}

/// A labelled data set split into training and test rows.
///
/// Features are row-major `[n, d]` Float; labels are class indices `0 ..< classNames.count`.
public struct LabelledSplit: Sendable {
    /// Training features, `[nTrain, d]`.
    public var trainFeatures: Matrix<Float>
    /// Training labels, `nTrain` class indices.
    public var trainLabels: [Int]
    /// Test features, `[nTest, d]`.
    public var testFeatures: Matrix<Float>
    /// Test labels, `nTest` class indices.
    public var testLabels: [Int]
    /// Class names in index order (ordinal order for ordinal targets).
    public var classNames: [String]
    /// Feature names in column order.
    public var featureNames: [String]
}

