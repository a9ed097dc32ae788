import Foundation
import ProcessRuntime
import ToolSupport

#if canImport(Glibc)
    import Glibc
#endif

/// How rows are written: CSV (RFC 4180 quoting) or JSON lines.
enum ExportFormat: String, CaseIterable {
    case csv, jsonl

    /// File extension of a table in this format.
    var fileExtension: String { rawValue }
}

/// Text forms of the values in rows, shared by every kind.
enum ExportText {
    /// The shortest decimal that round-trips the stored value (float32 when it is one);
    /// non-finite values as Python's json.dumps (JSON) or pandas' CSV writer spells them.
    static func number(_ value: Double, json: Bool) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? (json ? "Infinity" : "inf") : (json ? "-Infinity" : "-inf") }
        let single = Float(value)
        return Double(single) == value ? single.description : value.description
    }

    /// A JSON array of numbers (`NaN`/`Infinity` spelled as Python's json.dumps).
    static func numberArray(_ values: [Double]) -> String {
        var text = "["
        text.reserveCapacity(values.count * 12 + 2)
        for (index, value) in values.enumerated() {
            if index > 0 { text += ", " }
            text += number(value, json: true)
        }
        return text + "]"
    }

    /// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180: quotes doubled).
    static func csvField(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) else { return text }
        guard text.utf8.contains(UInt8(ascii: "\"")) else { return "\"" + text + "\"" }
        var bytes: [UInt8] = [UInt8(ascii: "\"")]
        for byte in text.utf8 {
            bytes.append(byte)
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
        }
        bytes.append(UInt8(ascii: "\""))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A JSON string literal.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    result += String(format: "\\u%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}

/// Collects output in a 64 KiB buffer and writes it to a file descriptor in large pieces.
struct BufferedOutput {
    private var buffer: [UInt8] = []
    private let descriptor: Int32

    /// Writes to `descriptor` (default: standard output).
    init(descriptor: Int32 = 1) {
        self.descriptor = descriptor
        buffer.reserveCapacity(1 << 16)
    }

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// The errno of the first failed write (disk full, closed pipe), if any; later writes are
    /// dropped and `run()` reports it.
    private(set) var failure: Int32?

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        if failure == nil { failure = buffer.withUnsafeBytes { SystemCallText.writeAll($0, to: descriptor) } }
        buffer.removeAll(keepingCapacity: true)
    }
}

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
