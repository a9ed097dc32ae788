public import EventRecords

/// Errors of `SummaryWriter` and the summary builders.
public enum SummaryWriterError: Error, Equatable, CustomStringConvertible {
    /// The log directory could not be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// A wall time was NaN or infinite (TensorBoard's data server stops reading a file at a
    /// NaN wall time, docs/reference/tensorboard-format.md, "How TensorBoard reads").
    case invalidWallTime(Double)
    /// A step was negative.
    case negativeStep(Int)
    /// An argument is invalid for the summary kind (shape, range, count...).
    case invalidArgument(String)
    /// The record layer failed (write error, closed writer...).
    case record(RecordError)
    /// A user string that becomes a file or directory name under the log directory (a run
    /// name, an `addScalars` key, an embedding tag, a file-name suffix) is not a safe name.
    case invalidPathComponent(String, role: String, problem: PathComponentProblem)

    /// One line saying what happened and what to do.
    public var description: String {
        switch self {
        case .cannotCreateDirectory(let path, let reason): return "cannot create log directory \(path): \(reason)"
        case .invalidWallTime(let value): return "wall time \(value) is not finite; pass seconds since the Unix epoch or omit it"
        case .negativeStep(let step): return "step \(step) is negative; steps start at 0"
        case .invalidArgument(let message): return message
        case .record(let error): return error.description
        case .invalidPathComponent(let name, let role, let problem):
            return "\(role) '\(PathComponent.printable(name))' cannot name a file or directory in the log directory: \(problem.rawValue)"
        }
    }
}
