/// Why a user string cannot become a file or directory name inside a log directory.
public enum PathComponentProblem: String, Sendable, Equatable {
    /// The name is empty (or a relative path has an empty component, as in `a//b`).
    case empty = "it is empty"
    /// The name is `.` or `..`, which would name the log directory itself or its parent.
    case dotOrDotDot = "'.' and '..' would leave the run directory"
    /// The name holds `/` where one component is required, or starts with `/`.
    case separator = "it contains '/'"
    /// The name holds a NUL byte, which ends a path in every system call.
    case nulByte = "it contains a NUL byte"
}

/// The one check applied to every user string that becomes part of a path under a log
/// directory (`addScalars` keys and sub-run names, `addHparams` run names, embedding tags,
/// file-name suffixes), so nothing is ever created outside the log directory.
///
/// A component is non-empty, is neither `.` nor `..`, and holds neither `/` nor NUL. A relative
/// path (`runName` of `addHparams`) is one or more such components joined by `/`, so
/// `sweep/run1` is accepted while `../x`, `/x`, `a/../../x` and `a//b` are not.
enum PathComponent {
    /// Checks one directory or file name.
    ///
    /// - Parameters:
    ///   - name: The candidate component.
    ///   - role: What the string is, for the message (`"addScalars key"`).
    /// - Throws: `SummaryWriterError.invalidPathComponent`.
    static func validate(_ name: String, role: String) throws(SummaryWriterError) {
        if let problem = problem(of: name) { throw .invalidPathComponent(name, role: role, problem: problem) }
    }

    /// Checks a relative path of one or more components.
    ///
    /// - Parameters:
    ///   - path: The candidate path, `/`-separated.
    ///   - role: What the string is, for the message.
    /// - Throws: `SummaryWriterError.invalidPathComponent`.
    static func validateRelativePath(_ path: String, role: String) throws(SummaryWriterError) {
        if path.utf8.first == UInt8(ascii: "/") { throw .invalidPathComponent(path, role: role, problem: .separator) }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            if let problem = problem(of: String(component)) { throw .invalidPathComponent(path, role: role, problem: problem) }
        }
    }

    /// Checks a string appended to a file name (no separator, no NUL; may be empty).
    ///
    /// - Parameters:
    ///   - suffix: The candidate suffix.
    ///   - role: What the string is, for the message.
    /// - Throws: `SummaryWriterError.invalidPathComponent`.
    static func validateSuffix(_ suffix: String, role: String) throws(SummaryWriterError) {
        if suffix.utf8.contains(0) { throw .invalidPathComponent(suffix, role: role, problem: .nulByte) }
        if suffix.utf8.contains(UInt8(ascii: "/")) { throw .invalidPathComponent(suffix, role: role, problem: .separator) }
    }

    private static func problem(of name: String) -> PathComponentProblem? {
        if name.isEmpty { return .empty }
        if name.utf8.contains(0) { return .nulByte }
        if name.utf8.contains(UInt8(ascii: "/")) { return .separator }
        if name == "." || name == ".." { return .dotOrDotDot }
        return nil
    }

    /// `name` with control characters escaped, for messages (a NUL prints as `\0`).
    static func printable(_ name: String) -> String {
        var result = ""
        for scalar in name.unicodeScalars {
            switch scalar.value {
            case 0: result += "\\0"
            case 1..<0x20, 0x7F: result += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
