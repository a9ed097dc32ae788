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

    /// Bytes read from the file per `read(2)` (4 MiB).
    private static let readSize = 4 << 20

    /// Opens a file for reading.
    ///
    /// - Parameter path: The event file.
    /// - Throws: `RecordError.openFailed`.
    public init(path: String) throws(RecordError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .openFailed(path: path, reason: String(cString: strerror(errno))) }
        self.fd = fd
        self.path = path
        buffer = [UInt8](repeating: 0, count: Self.readSize)
    }

    deinit { close(fd) }

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
        guard length <= UInt64(maximumPayloadSize) else { return try fail(at: recordOffset, .implausibleLength) }
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
    private func ensureAvailable(_ count: Int) throws(RecordError) -> Bool {
        if end - start >= count { return true }
        // Compact, and grow for records larger than the buffer.
        if start > 0 {
            buffer.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return }
                memmove(base, base + start, end - start)
            }
            bufferFileOffset += start
            end -= start
            start = 0
        }
        if buffer.count < count { buffer.append(contentsOf: repeatElement(0, count: count - buffer.count)) }
        while end < count {
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
