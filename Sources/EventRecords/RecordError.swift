/// What is wrong with a damaged record.
public enum RecordDamage: String, Sendable, Equatable {
    /// The masked CRC of the 8 length bytes does not match (the length cannot be trusted).
    case lengthChecksumMismatch = "length checksum mismatch"
    /// The masked CRC of the payload does not match.
    case payloadChecksumMismatch = "payload checksum mismatch"
    /// The length field announces an implausibly large payload.
    case implausibleLength = "implausible record length"
}

/// Errors of the event-record layer (framing, writing, reading).
public enum RecordError: Error, Equatable, CustomStringConvertible {
    /// A file could not be opened or created (`errno` description included).
    case openFailed(path: String, reason: String)
    /// The file exists already and exclusive creation was requested.
    case fileExists(path: String)
    /// A write to the file failed (disk full, permission, removed directory...).
    case writeFailed(path: String, reason: String)
    /// A read from the file failed.
    case readFailed(path: String, reason: String)
    /// `fsync` failed.
    case syncFailed(path: String, reason: String)
    /// The writer was used after `close()`.
    case closed(path: String)
    /// A record is damaged; nothing at or after `offset` in this file is trusted.
    case damaged(path: String, offset: Int, damage: RecordDamage)
    /// The path is a FIFO, socket, device or directory (`kind` says which, e.g. "a FIFO"), not
    /// a regular file; it is not opened for reading, so reading never blocks on it.
    case notRegularFile(path: String, kind: String)

    /// One line saying what happened and what to do.
    public var description: String {
        switch self {
        case .openFailed(let path, let reason): return "cannot open \(path): \(reason)"
        case .fileExists(let path): return "\(path) already exists; pick another file name"
        case .writeFailed(let path, let reason): return "writing \(path) failed: \(reason); records after the failure are lost, free space or fix permissions and open a new writer"
        case .readFailed(let path, let reason): return "reading \(path) failed: \(reason)"
        case .syncFailed(let path, let reason): return "fsync of \(path) failed: \(reason)"
        case .closed(let path): return "the writer of \(path) is closed; open a new writer"
        case .damaged(let path, let offset, let damage):
            return "\(path): damaged record at byte offset \(offset) (\(damage.rawValue)); data from this offset on is ignored"
        case .notRegularFile(let path, let kind):
            return "\(path) is \(kind), not a regular file; skipped (event files must be regular files)"
        }
    }
}
