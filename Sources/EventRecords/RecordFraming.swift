/// TFRecord framing: `u64le length | u32le masked CRC(length bytes) | payload | u32le masked CRC(payload)`.
///
/// Overhead is 16 bytes per record (docs/reference/tensorboard-format.md, "Record framing").
public enum RecordFraming {
    /// Bytes before the payload: the 8-byte length and its 4-byte masked CRC.
    public static let headerSize = 12
    /// Bytes after the payload: its 4-byte masked CRC.
    public static let footerSize = 4
    /// Total framing bytes per record.
    public static let overhead = headerSize + footerSize

    /// Appends one framed record to a byte array.
    ///
    /// - Parameters:
    ///   - payload: The record's payload (one serialized `Event`).
    ///   - buffer: The array to append to.
    public static func appendRecord(_ payload: UnsafeRawBufferPointer, to buffer: inout [UInt8]) {
        appendRecord(payloadSize: payload.count, to: &buffer) { destination in
            destination.copyMemory(from: payload)
        }
    }

    /// Appends one framed record whose payload is written in place by a closure (no copy).
    ///
    /// - Parameters:
    ///   - payloadSize: Exact payload size in bytes.
    ///   - buffer: The array to append to.
    ///   - encode: Fills exactly `payloadSize` bytes.
    @inlinable
    public static func appendRecord(
        payloadSize: Int, to buffer: inout [UInt8], encode: (UnsafeMutableRawBufferPointer) -> Void
    ) {
        let start = buffer.count
        let total = payloadSize + overhead
        buffer.append(contentsOf: repeatElement(0, count: total))
        buffer.withUnsafeMutableBytes { raw in
            let record = UnsafeMutableRawBufferPointer(rebasing: raw[start..<(start + total)])
            frame(record, payloadSize: payloadSize, encode: encode)
        }
    }

    /// Frames a record into a buffer of exactly `payloadSize + 16` bytes.
    ///
    /// - Parameters:
    ///   - record: Destination of `payloadSize + overhead` bytes.
    ///   - payloadSize: Payload size in bytes.
    ///   - encode: Fills the payload region (`payloadSize` bytes).
    @inlinable
    public static func frame(
        _ record: UnsafeMutableRawBufferPointer, payloadSize: Int, encode: (UnsafeMutableRawBufferPointer) -> Void
    ) {
        record.storeBytes(of: UInt64(payloadSize).littleEndian, toByteOffset: 0, as: UInt64.self)
        let lengthCRC = CRC32C.maskedChecksum(of: UnsafeRawBufferPointer(rebasing: record[0..<8]))
        record.storeBytes(of: lengthCRC.littleEndian, toByteOffset: 8, as: UInt32.self)
        let payload = UnsafeMutableRawBufferPointer(rebasing: record[headerSize..<(headerSize + payloadSize)])
        encode(payload)
        let payloadCRC = CRC32C.maskedChecksum(of: UnsafeRawBufferPointer(payload))
        record.storeBytes(of: payloadCRC.littleEndian, toByteOffset: headerSize + payloadSize, as: UInt32.self)
    }
}
