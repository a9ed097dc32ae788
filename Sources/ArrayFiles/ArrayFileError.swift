/// Errors reading feature and label files (`.npy`, `.npz`, CSV). Each names the file and says
/// what to fix.
public enum ArrayFileError: Error, Equatable, CustomStringConvertible {
    /// A file could not be read or parsed.
    case unreadable(path: String, reason: String)
    /// A CSV cell is not a number.
    case nonNumericCell(path: String, line: Int, column: String, text: String)
    /// A file could not be written.
    case unwritable(path: String, reason: String)

    /// One line saying what happened and what to do.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): \(reason)"
        case .nonNumericCell(let path, let line, let column, let text):
            return "\(path):\(line): column '\(column)' holds '\(text)', which is not a number"
        case .unwritable(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }

    /// The reason alone, without the path.
    var reason: String {
        switch self {
        case .unreadable(_, let reason), .unwritable(_, let reason): return reason
        case .nonNumericCell: return description
        }
    }
}
