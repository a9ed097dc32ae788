import CCRC32C

/// CRC-32C (Castagnoli) and the masked form that TFRecord and TensorBoard event files use.
///
/// CRC-32C: reflected polynomial `0x82F63B78`, initial value and final XOR `0xFFFFFFFF` (the
/// iSCSI CRC, RFC 3720 §B.4). Computed with the SSE4.2 `crc32` instruction when the CPU has it,
/// otherwise with slicing-by-8 tables (C target `CCRC32C`).
public enum CRC32C {
    /// The constant added after rotating a CRC to mask it: `0xA282EAD8`, from LevelDB's
    /// `crc32c::Mask` as used by TensorFlow's `record_writer` (docs/reference/tensorboard-format.md, "CRC-32C and the mask").
    public static let maskDelta: UInt32 = 0xA282_EAD8

    /// The right-rotation applied before adding `maskDelta`: 15 bits (same source).
    public static let maskRotation: UInt32 = 15

    /// The CRC-32C of a byte buffer (`CCRC32C_extend`, hardware when available).
    ///
    /// - Parameter bytes: The input.
    /// - Returns: The finalised CRC.
    @inlinable
    public static func checksum(of bytes: UnsafeRawBufferPointer) -> UInt32 {
        ~CCRC32C_extend(0xFFFF_FFFF, bytes.baseAddress, bytes.count)
    }

    /// The CRC-32C of a byte array.
    ///
    /// - Parameter bytes: The input.
    /// - Returns: The finalised CRC.
    public static func checksum(of bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum(of: $0) }
    }

    /// The CRC-32C computed with the portable slicing-by-8 tables (`CCRC32C_extendSoftware`),
    /// whatever the CPU; for tests and benchmarks.
    ///
    /// - Parameter bytes: The input.
    /// - Returns: The finalised CRC.
    public static func softwareChecksum(of bytes: UnsafeRawBufferPointer) -> UInt32 {
        ~CCRC32C_extendSoftware(0xFFFF_FFFF, bytes.baseAddress, bytes.count)
    }

    /// The CRC-32C computed with the SSE4.2 instruction (`CCRC32C_extendHardware`), or `nil`
    /// when this CPU lacks it.
    ///
    /// - Parameter bytes: The input.
    /// - Returns: The finalised CRC, or `nil` without hardware support.
    public static func hardwareChecksum(of bytes: UnsafeRawBufferPointer) -> UInt32? {
        guard hasHardwareSupport else { return nil }
        return ~CCRC32C_extendHardware(0xFFFF_FFFF, bytes.baseAddress, bytes.count)
    }

    /// Whether this CPU has the SSE4.2 `crc32` instruction (`CCRC32C_hasHardwareSupport`).
    public static var hasHardwareSupport: Bool { CCRC32C_hasHardwareSupport() == 1 }

    /// Masks a CRC: rotate right by 15 bits, then add `0xA282EAD8` modulo 2³².
    ///
    /// - Parameter crc: A finalised CRC-32C.
    /// - Returns: The masked value stored in event files.
    @inlinable
    public static func mask(_ crc: UInt32) -> UInt32 {
        ((crc >> maskRotation) | (crc << (32 - maskRotation))) &+ maskDelta
    }

    /// Undoes `mask(_:)`.
    ///
    /// - Parameter masked: A masked CRC.
    /// - Returns: The raw CRC-32C.
    public static func unmask(_ masked: UInt32) -> UInt32 {
        let rotated = masked &- maskDelta
        return (rotated >> (32 - maskRotation)) | (rotated << maskRotation)
    }

    /// The masked CRC-32C of a byte buffer, as stored in event-file records.
    ///
    /// - Parameter bytes: The input.
    /// - Returns: `mask(checksum(of: bytes))`.
    @inlinable
    public static func maskedChecksum(of bytes: UnsafeRawBufferPointer) -> UInt32 {
        mask(checksum(of: bytes))
    }
}
