/// Errors of the linear probe: input files, data and settings. Each says what to fix.
public enum ProbeError: Error, Equatable, CustomStringConvertible {
    /// A file could not be read or parsed (also the probe's own files, such as a report).
    case unreadable(path: String, reason: String)
    /// Feature and label row counts differ.
    case rowCountMismatch(features: Int, labels: Int, what: String)
    /// Train and test feature dimensions differ.
    case featureCountMismatch(train: Int, test: Int)
    /// A feature value is NaN or infinite.
    case nonFiniteFeature(what: String, row: Int, column: Int)
    /// The training labels hold a single class.
    case singleClass(label: Int)
    /// An option has an invalid value.
    case invalidOption(String)
    /// The training set is empty.
    case emptyTrainingSet
    /// An output file could not be written.
    case unwritable(path: String, reason: String)
    /// The test set is empty (no accuracy or log-loss can be computed).
    case emptyTestSet

    /// One line saying what happened and what to do.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): \(reason)"
        case .rowCountMismatch(let features, let labels, let what):
            return "\(what): features have \(features) rows but labels have \(labels); they must match row for row"
        case .featureCountMismatch(let train, let test):
            return "train features have \(train) columns but test features have \(test); extract both with the same encoder"
        case .nonFiniteFeature(let what, let row, let column):
            return "\(what) features contain NaN or infinity at row \(row), column \(column); clean or impute them first"
        case .singleClass(let label): return "the training labels hold only one class (\(label)); a classifier needs at least two"
        case .invalidOption(let message): return message
        case .emptyTrainingSet: return "the training set is empty"
        case .unwritable(let path, let reason): return "cannot write \(path): \(reason)"
        case .emptyTestSet: return "the test set is empty; give at least one test row to evaluate on"
        }
    }
}
