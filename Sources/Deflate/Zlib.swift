import CZlib

/// Errors of the zlib wrapper (zlib's `Z_*` status codes, converted once here).
public enum ZlibError: Error, Equatable, CustomStringConvertible {
    /// `Z_DATA_ERROR`: the input is not valid deflate data.
    case corruptData
    /// `Z_MEM_ERROR`: zlib could not allocate memory.
    case outOfMemory
    /// The output is larger or smaller than announced.
    case sizeMismatch(expected: Int, actual: Int)
    /// Any other zlib status code.
    case status(Int32)

    /// One line saying what happened.
    public var description: String {
        switch self {
        case .corruptData: return "compressed data is corrupt (zlib Z_DATA_ERROR)"
        case .outOfMemory: return "out of memory while (de)compressing (zlib Z_MEM_ERROR)"
        case .sizeMismatch(let expected, let actual): return "decompressed \(actual) bytes, expected \(expected); the archive is damaged"
        case .status(let code): return "zlib failed with status \(code)"
        }
    }

    static func from(_ code: Int32) -> ZlibError {
        switch code {
        case Z_DATA_ERROR: return .corruptData
        case Z_MEM_ERROR: return .outOfMemory
        default: return .status(code)
        }
    }
}

/// The project's one wrapper of zlib: deflate, inflate and CRC-32 (PNG, `.npz`).
public enum Zlib {
    /// CRC-32 (ISO-HDLC, the PNG/ZIP checksum) of bytes, continuing from `initial`. Calls `crc32`.
    ///
    /// - Parameters:
    ///   - bytes: Input.
    ///   - initial: Running CRC (0 to start).
    /// - Returns: The CRC.
    public static func crc32(_ bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
        var crc = UInt(initial)
        var offset = 0
        // zlib takes 32-bit lengths: feed large buffers in pieces.
        while offset < bytes.count {
            let count = Swift.min(bytes.count - offset, 1 << 30)
            crc = CZlib.crc32(crc, bytes.baseAddress?.advanced(by: offset).assumingMemoryBound(to: UInt8.self), UInt32(count))
            offset += count
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// Compresses bytes into a zlib stream (RFC 1950), as PNG's IDAT needs. Calls `deflate`.
    ///
    /// - Parameters:
    ///   - bytes: Input.
    ///   - level: Compression level 0…9 (default 6, zlib's default).
    /// - Returns: The compressed stream.
    /// - Throws: `ZlibError`.
    public static func deflate(_ bytes: [UInt8], level: Int32 = 6) throws(ZlibError) -> [UInt8] {
        var bound = Int(compressBound(UInt(bytes.count)))
        var output = [UInt8](repeating: 0, count: bound)
        let code = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &bound, input.baseAddress, UInt(input.count), level)
            }
        }
        guard code == Z_OK else { throw ZlibError.from(code) }
        output.removeSubrange(bound...)
        return output
    }

    /// deflate's largest possible expansion: one compressed byte never inflates to more than
    /// 1032 bytes (zlib's "Technical Details", zlib.net/zlib_tech.html: the maximum
    /// compression factor is 1032:1). Readers check an announced size against it before
    /// inflating.
    public static let maximumInflationRatio = 1032

    /// Whether `compressedSize` bytes of raw deflate data can inflate to `size` bytes.
    ///
    /// - Parameters:
    ///   - size: The announced decompressed size.
    ///   - compressedSize: The compressed size.
    /// - Returns: `false` when the size is negative or above `maximumInflationRatio` times the
    ///   compressed size (plus one block), with checked arithmetic.
    public static func canInflate(to size: Int, from compressedSize: Int) -> Bool {
        guard size >= 0, compressedSize >= 0 else { return false }
        let (bound, overflow) = compressedSize.multipliedReportingOverflow(by: maximumInflationRatio)
        return overflow || size <= bound + maximumInflationRatio
    }

    /// Decompresses raw deflate data (RFC 1951, no header), as ZIP entries store it. Calls
    /// `inflateInit2_`/`inflate`/`inflateEnd`.
    ///
    /// The output buffer grows with the bytes actually produced (doubling from at most
    /// 64 KiB), never to the announced size up front, so a damaged size field costs no memory
    /// beyond what the data really inflates to; inflating stops with `sizeMismatch` as soon as
    /// the output would exceed `expectedSize`.
    ///
    /// - Parameters:
    ///   - bytes: Compressed input (any length; fed to zlib in pieces of at most 1 GiB).
    ///   - expectedSize: The exact decompressed size (ZIP stores it).
    /// - Returns: The decompressed bytes.
    /// - Throws: `ZlibError`.
    public static func inflateRaw(_ bytes: UnsafeRawBufferPointer, expectedSize: Int) throws(ZlibError) -> [UInt8] {
        guard expectedSize >= 0 else { throw .sizeMismatch(expected: expectedSize, actual: 0) }
        var stream = z_stream()
        var code = inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard code == Z_OK else { throw ZlibError.from(code) }
        defer { inflateEnd(&stream) }
        let piece = 1 << 30
        var output = [UInt8](repeating: 0, count: Swift.min(expectedSize, 1 << 16) + 1)
        var produced = 0
        var consumed = 0
        code = Z_OK
        while code != Z_STREAM_END {
            if produced == output.count {
                // One byte beyond the expected size is room to detect an over-long stream.
                guard output.count <= expectedSize else { throw .sizeMismatch(expected: expectedSize, actual: produced) }
                let grown = Swift.min(output.count * 2, expectedSize + 1)
                output.append(contentsOf: repeatElement(0, count: grown - output.count))
            }
            let inputCount = Swift.min(bytes.count - consumed, piece)
            let outputCount = Swift.min(output.count - produced, piece)
            let (status, read, written) = output.withUnsafeMutableBufferPointer { out -> (Int32, Int, Int) in
                stream.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress?.advanced(by: consumed).assumingMemoryBound(to: UInt8.self))
                stream.avail_in = UInt32(inputCount)
                stream.next_out = out.baseAddress?.advanced(by: produced)
                stream.avail_out = UInt32(outputCount)
                let result = inflate(&stream, Z_NO_FLUSH)
                return (result, inputCount - Int(stream.avail_in), outputCount - Int(stream.avail_out))
            }
            consumed += read
            produced += written
            code = status
            if code == Z_BUF_ERROR || (code == Z_OK && read == 0 && written == 0) {
                // No progress possible: the input ended before the stream did.
                throw .sizeMismatch(expected: expectedSize, actual: produced)
            }
            guard code == Z_OK || code == Z_STREAM_END else { throw ZlibError.from(code) }
        }
        guard produced == expectedSize else { throw .sizeMismatch(expected: expectedSize, actual: produced) }
        output.removeSubrange(produced...)
        return output
    }
}
