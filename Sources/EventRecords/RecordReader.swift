#if canImport(Glibc)
    import Glibc
#endif

/// Reads the records of a TFRecord/event file, checking both CRCs, resumable at a short tail.
///
/// - A record cut short at the end of the file is "not yet written": `next` returns `nil`
///   and, once the file has grown, a later call resumes at the same record.
/// - A damaged record (bad length CRC, bad payload CRC, implausible length) stops the file:
///   `next` throws `RecordError.damaged` with the byte offset of the record's first byte, and
///   keeps throwing it; nothing after the damage is ever returned.
///
/// Not thread-safe: use one reader per thread.
public final class RecordReader {
    /// The file's path.
    public let path: String
    /// Largest payload accepted, in bytes (default 1 GiB); a length field above it is treated
    /// as damage rather than trusted (a flipped high byte would otherwise ask for exabytes).
    public var maximumPayloadSize = 1 << 30
    /// Whether payload CRCs are checked (default `true`; the length CRC is always checked).
    public var verifiesPayloadChecksums = true

    private let fd: Int32
    private var buffer: [UInt8]
    private var start = 0  // first unconsumed byte in `buffer`
    private var end = 0  // one past the last valid byte in `buffer`
    private var bufferFileOffset = 0  // file offset of buffer[0]
    private var damage: RecordError?

    /// Initial buffer size (64 KiB). The buffer doubles only when it is full of bytes read from
    /// the file, so its size stays below twice the largest record actually present, whatever a
    /// length field declares.
    private static let initialBufferSize = 64 << 10
    /// Largest buffer grown for read-ahead alone (4 MiB); only a larger record grows it further.
    private static let readAheadSize = 4 << 20

    /// Opens a file for reading.
    ///
    /// Only regular files are read: a FIFO, socket or device (even when named like an event
    /// file) is refused without blocking, as is a directory.
    ///
    /// - Parameter path: The event file.
    /// - Throws: `RecordError.openFailed`, or `.notRegularFile` for anything but a regular file.
    public init(path: String) throws(RecordError) {
        self.fd = try RegularFile.openForReading(path)
        self.path = path
        buffer = [UInt8](repeating: 0, count: Self.initialBufferSize)
    }

    deinit { close(fd) }

    /// Checks, without opening it, that `path` is a regular file (symbolic links followed).
    ///
    /// A path that does not exist passes (opening it reports that); a FIFO, socket, device or
    /// directory does not.
    ///
    /// - Parameter path: The path to check.
    /// - Throws: `RecordError.notRegularFile` naming what the path is.
    public static func checkRegularFile(_ path: String) throws(RecordError) {
        if let kind = RegularFile.nonRegularKind(of: path) { throw .notRegularFile(path: path, kind: kind) }
    }

    /// The file offset of the next record to be returned (or of the damage).
    public var offset: Int { bufferFileOffset + start }

    /// Calls `body` with the payload of each complete record available now, in file order.
    ///
    /// The payload buffer is valid only during the call. Returns normally at a clean end or a
    /// short tail (call again later to resume); throws at damage.
    ///
    /// - Parameter body: Receives each payload; may throw to stop early (the record counts as
    ///   consumed).
    /// - Throws: `RecordError.damaged` / `.readFailed`, or what `body` throws.
    public func forEachPayload(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        while true {
            let hasRecord = try withNextPayload(body)
            if !hasRecord { return }
        }
    }

    /// Returns the next payload as a byte array, or `nil` when no complete record is available.
    ///
    /// - Returns: The payload, or `nil` at the end or at a short tail.
    /// - Throws: `RecordError.damaged` / `.readFailed`.
    public func next() throws(RecordError) -> [UInt8]? {
        var result: [UInt8]?
        do {
            _ = try withNextPayload { result = Array($0) }
        } catch let error as RecordError {
            throw error
        } catch {
            preconditionFailure("unreachable: the closure does not throw")
        }
        return result
    }

    /// Reads the next record and passes its payload to `body`.
    ///
    /// - Returns: `false` when no complete record is available.
    private func withNextPayload(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        if let damage { throw damage }
        guard try ensureAvailable(RecordFraming.headerSize) else { return false }
        let recordOffset = offset
        let (length, lengthOK): (UInt64, Bool) = buffer.withUnsafeBytes { raw in
            let header = UnsafeRawBufferPointer(rebasing: raw[start..<(start + RecordFraming.headerSize)])
            let length = UInt64(littleEndian: header.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            let stored = UInt32(littleEndian: header.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            let computed = CRC32C.maskedChecksum(of: UnsafeRawBufferPointer(rebasing: header[0..<8]))
            return (length, stored == computed)
        }
        guard lengthOK else { return try fail(at: recordOffset, .lengthChecksumMismatch) }
        let limit = min(maximumPayloadSize, Int.max - RecordFraming.overhead)
        guard length <= UInt64(max(limit, 0)) else { return try fail(at: recordOffset, .implausibleLength) }
        let payloadSize = Int(length)
        let total = payloadSize + RecordFraming.overhead
        guard try ensureAvailable(total) else { return false }
        let payloadOK: Bool = buffer.withUnsafeBytes { raw in
            guard verifiesPayloadChecksums else { return true }
            let payloadStart = start + RecordFraming.headerSize
            let payload = UnsafeRawBufferPointer(rebasing: raw[payloadStart..<(payloadStart + payloadSize)])
            let stored = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: payloadStart + payloadSize, as: UInt32.self))
            return stored == CRC32C.maskedChecksum(of: payload)
        }
        guard payloadOK else { return try fail(at: recordOffset, .payloadChecksumMismatch) }
        let payloadStart = start + RecordFraming.headerSize
        start += total
        try buffer.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[payloadStart..<(payloadStart + payloadSize)]))
        }
        return true
    }

    private func fail(at recordOffset: Int, _ kind: RecordDamage) throws -> Bool {
        let error = RecordError.damaged(path: path, offset: recordOffset, damage: kind)
        damage = error
        throw error
    }

    /// Makes at least `count` unconsumed bytes available in the buffer if the file has them.
    ///
    /// The buffer grows with the bytes actually read (doubling when full, capped at `count`),
    /// never straight to `count`: a length field that announces more than the file holds costs
    /// no more memory than the file's own bytes.
    private func ensureAvailable(_ count: Int) throws(RecordError) -> Bool {
        if end - start >= count { return true }
        // Read ahead further once the file has filled the whole buffer (up to 4 MiB): large
        // files stream in large reads, and the buffer still holds only bytes the file has.
        if end == buffer.count, buffer.count < Self.readAheadSize {
            buffer.append(contentsOf: repeatElement(0, count: buffer.count))
        }
        // Compact: move the unconsumed bytes to the front.
        if start > 0 {
            buffer.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return }
                memmove(base, base + start, end - start)
            }
            bufferFileOffset += start
            end -= start
            start = 0
        }
        while end < count {
            if end == buffer.count {
                let grown = min(count, 2 * buffer.count)
                buffer.append(contentsOf: repeatElement(0, count: grown - buffer.count))
            }
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pread(fd, base + end, raw.count - end, off_t(bufferFileOffset + end))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .readFailed(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { return false }
            end += n
        }
        return true
    }
}
