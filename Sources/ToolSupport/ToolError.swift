/// A one-line error of a tool itself (ArgumentParser prints it as `Error: <description>` on
/// standard error and exits with status 1, without the usage block of a `ValidationError`).
public struct ToolError: Error, CustomStringConvertible {
    /// The line printed after `Error: `.
    public var description: String

    /// Creates the error.
    ///
    /// - Parameter description: One line saying what happened and what to do.
    public init(_ description: String) { self.description = description }
}
