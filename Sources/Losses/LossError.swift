/// Errors of the losses: bad shapes, labels or settings. Each says what to fix.
public enum LossError: Error, Equatable, CustomStringConvertible {
    /// The batch has no rows.
    case emptyBatch
    /// Two inputs disagree in size.
    case shapeMismatch(what: String, expected: String, actual: String)
    /// A label is outside `0 ..< classCount`.
    case labelOutOfRange(index: Int, label: Int, classCount: Int)
    /// A learnable map is malformed (wrong length, unknown mode word, unparsable text...).
    case invalidMap(String)
    /// A setting has an invalid value.
    case invalidParameter(name: String, value: String, reason: String)
    /// The input contains NaN or infinity.
    case nonFiniteInput(what: String, index: Int)

    /// One line saying what happened and what to do.
    public var description: String {
        switch self {
        case .emptyBatch: return "the batch is empty; pass at least one row"
        case .shapeMismatch(let what, let expected, let actual): return "\(what): expected \(expected), got \(actual)"
        case .labelOutOfRange(let index, let label, let classCount):
            return "label \(label) at index \(index) is outside 0..<\(classCount); labels must be class indices 0...\(classCount - 1)"
        case .invalidMap(let reason): return "invalid learnable map: \(reason)"
        case .invalidParameter(let name, let value, let reason): return "invalid \(name) = \(value): \(reason)"
        case .nonFiniteInput(let what, let index): return "\(what) contains a non-finite value at flat index \(index)"
        }
    }
}
