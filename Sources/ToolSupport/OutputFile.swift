import Foundation
import ProcessRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// Errors writing a tool's output file. Each description is one line naming the path.
public enum OutputFileError: Error, Equatable, CustomStringConvertible {
    /// The file (or its temporary sibling) could not be created or opened.
    case cannotOpen(path: String, reason: String)
    /// Writing failed part-way (disk full, I/O error, closed pipe).
    case writeFailed(path: String, reason: String)
    /// The finished temporary file could not be renamed over the target.
    case cannotReplace(path: String, reason: String)

    /// One line saying what happened and what to do.
    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "cannot open \(path) for writing: \(reason)"
        case .writeFailed(let path, let reason): return "I/O error writing \(path): \(reason)"
        case .cannotReplace(let path, let reason): return "cannot replace \(path): \(reason); \(path) was not changed"
        }
    }
}

/// Where and how a tool writes a file named on its command line (`--report`, `-o`, ...).
///
/// - `-` is standard output.
/// - A path that exists and is not a regular file (a FIFO, `/dev/stdout` on a pipe or a
///   terminal, `/dev/null`, a character device), or any path under `/dev/` or `/proc/`, is
///   opened and written in place, appending: it is never created, replaced or truncated.
///   `--report /dev/stdout >> log` thus adds to `log` after what the tool printed.
/// - A symbolic link is followed to its target, which is then handled as below (the link
///   stays a link); a link that leads into `/dev/` or `/proc/` is written in place.
/// - A regular file (or a new one) is replaced atomically: the bytes go to a temporary file
///   in the same directory, which is renamed over the target only after every byte is
///   written. On any failure the temporary file is removed and the target is untouched.
///
/// Tools compute the whole output first and call `write` last, so a failed run never
/// clobbers an earlier result.
public enum OutputFile {
    /// The most symbolic links followed before giving up (Linux's `MAXSYMLINKS` is 40).
    static let maximumLinkHops = 40

    /// Writes `bytes` to `path` as described on the type.
    ///
    /// - Parameters:
    ///   - bytes: The whole content.
    ///   - path: The path from the command line, or `-` for standard output.
    /// - Throws: `OutputFileError` naming the path and the `errno` text.
    public static func write(_ bytes: [UInt8], to path: String) throws(OutputFileError) {
        // What the tool printed before (buffered by stdio) must come first when the target is
        // standard output, under any of its names.
        fflush(nil)
        if path == "-" {
            try writeAll(bytes, to: STDOUT_FILENO, path: "standard output")
            return
        }
        if path.utf8.contains(0) { throw .cannotOpen(path: path, reason: "the path contains a NUL byte") }
        let target = try resolve(path)
        switch target {
        case .inPlace(let resolved):
            let fd = open(resolved, O_WRONLY | O_APPEND | O_CLOEXEC)
            guard fd >= 0 else { throw .cannotOpen(path: path, reason: errnoText()) }
            defer { close(fd) }
            try writeAll(bytes, to: fd, path: path)
        case .replace(let resolved):
            try replaceAtomically(resolved, with: bytes, reportedAs: path)
        }
    }

    /// Writes UTF-8 `text` to `path`; see `write(_:to:)`.
    ///
    /// - Parameters:
    ///   - text: The whole content.
    ///   - path: The path from the command line, or `-` for standard output.
    /// - Throws: `OutputFileError`.
    public static func write(_ text: String, to path: String) throws(OutputFileError) {
        try write(Array(text.utf8), to: path)
    }

    enum Target: Equatable {
        case inPlace(String)
        case replace(String)
    }

    /// Follows symbolic links and decides how the final path is written.
    static func resolve(_ path: String) throws(OutputFileError) -> Target {
        var current = path
        for _ in 0...maximumLinkHops {
            if isSpecialPrefix(current) { return .inPlace(current) }
            var status = stat()
            guard lstat(current, &status) == 0 else {
                if errno == ENOENT { return .replace(current) }
                throw .cannotOpen(path: path, reason: errnoText())
            }
            switch status.st_mode & S_IFMT {
            case S_IFREG: return .replace(current)
            case S_IFLNK:
                guard let destination = readLink(current) else { throw .cannotOpen(path: path, reason: errnoText()) }
                current = destination.hasPrefix("/") ? destination : directory(of: current) + "/" + destination
            case S_IFDIR: throw .cannotOpen(path: path, reason: "it is a directory")
            default: return .inPlace(current)
            }
        }
        throw .cannotOpen(path: path, reason: SystemCallText.describe(errno: ELOOP))
    }

    private static func isSpecialPrefix(_ path: String) -> Bool {
        path.hasPrefix("/dev/") || path.hasPrefix("/proc/")
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n >= 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func replaceAtomically(_ resolved: String, with bytes: [UInt8], reportedAs path: String) throws(OutputFileError) {
        let name = resolved.split(separator: "/").last.map(String.init) ?? resolved
        var template = Array((directory(of: resolved) + "/." + name + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: errnoText()) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var finished = false
        defer { if !finished { unlink(temporary) } }
        // Keep the target's permissions; a new file gets 0644 less the umask, as open(2) would.
        var status = stat()
        let mode: mode_t
        if stat(resolved, &status) == 0 {
            mode = status.st_mode & 0o7777
        } else {
            let mask = umask(0)
            umask(mask)
            mode = 0o644 & ~mask
        }
        fchmod(fd, mode)
        do {
            try writeAll(bytes, to: fd, path: path)
        } catch {
            close(fd)
            throw error
        }
        guard fsync(fd) == 0 else {
            let reason = errnoText()
            close(fd)
            throw .writeFailed(path: path, reason: reason)
        }
        guard close(fd) == 0 else { throw .writeFailed(path: path, reason: errnoText()) }
        guard rename(temporary, resolved) == 0 else { throw .cannotReplace(path: path, reason: errnoText()) }
        finished = true
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(OutputFileError) {
        if let code = bytes.withUnsafeBytes({ SystemCallText.writeAll($0, to: fd) }) {
            throw .writeFailed(path: path, reason: SystemCallText.describe(errno: code))
        }
    }

    private static func errnoText() -> String { SystemCallText.describe(errno: errno) }
}
