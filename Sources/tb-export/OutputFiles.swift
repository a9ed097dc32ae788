import Foundation
import ProcessRuntime
import ToolSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Creates files under the output directory without ever replacing an existing file.
enum OutputFiles {
    /// Creates `path` exclusively (`O_CREAT | O_EXCL`), making missing parent directories.
    ///
    /// - Returns: The open descriptor, or `nil` when the file already exists.
    /// - Throws: `ExportOutputError` for any other failure.
    static func createExclusively(_ path: String) throws -> Int32? {
        var madeParent = false
        while true {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor >= 0 { return descriptor }
            let code = errno
            if code == EINTR { continue }
            if code == EEXIST { return nil }
            let parent = (path as NSString).deletingLastPathComponent
            if code == ENOENT, !madeParent, !parent.isEmpty {
                // Directories are made only when missing, so a file in a known directory
                // costs one open(2).
                do {
                    try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
                } catch {
                    throw ToolError("cannot create directory \(parent): \(SystemCallText.describe(fileError: error))")
                }
                madeParent = true
                continue
            }
            throw ToolError("cannot create \(path): \(SystemCallText.describe(errno: code))")
        }
    }

    /// Writes `bytes` to a new file `directory/relative[-n].ext`, picking the first free `n`
    /// so that no existing file is replaced; returns the path used, relative to `directory`.
    static func writeNew(_ bytes: [UInt8], directory: String, relative: String, fileExtension: String) throws -> String {
        var candidate = relative + "." + fileExtension
        var attempt = 1
        while true {
            if let descriptor = try createExclusively(directory + "/" + candidate) {
                defer { close(descriptor) }
                if let code = bytes.withUnsafeBytes({ SystemCallText.writeAll($0, to: descriptor) }) {
                    throw ToolError("cannot write \(directory)/\(candidate): \(SystemCallText.describe(errno: code))")
                }
                return candidate
            }
            candidate = relative + "-\(attempt)." + fileExtension
            attempt += 1
        }
    }

    /// A path component safe inside the output directory: `/` splits components, and
    /// empty, `.` and `..` components become `_`, so no name can leave the directory.
    static func safeRelativePath(_ parts: [String]) -> String {
        parts.flatMap { $0.split(separator: "/", omittingEmptySubsequences: false) }
            .map { component -> String in
                let text = String(component)
                return text.isEmpty || text == "." || text == ".." ? "_" : text
            }
            .joined(separator: "/")
    }

    /// The file extension for encoded media, from the leading magic bytes.
    static func mediaExtension(_ bytes: [UInt8]) -> String {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "png" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "jpg" }
        if bytes.starts(with: Array("GIF8".utf8)) { return "gif" }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), bytes[8..<12].elementsEqual("WAVE".utf8) { return "wav" }
        return "bin"
    }
}
