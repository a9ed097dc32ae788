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

    /// Decompresses raw deflate data (RFC 1951, no header), as ZIP entries store it. Calls
    /// `inflateInit2_`/`inflate`/`inflateEnd`.
    ///
    /// - Parameters:
    ///   - bytes: Compressed input.
    ///   - expectedSize: The exact decompressed size (ZIP stores it).
    /// - Returns: The decompressed bytes.
    /// - Throws: `ZlibError`.
    public static func inflateRaw(_ bytes: UnsafeRawBufferPointer, expectedSize: Int) throws(ZlibError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: expectedSize)
        var stream = z_stream()
        var code = inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard code == Z_OK else { throw ZlibError.from(code) }
        defer { inflateEnd(&stream) }
        var produced = 0
        code = output.withUnsafeMutableBufferPointer { out -> Int32 in
            stream.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self))
            stream.avail_in = UInt32(bytes.count)
            stream.next_out = out.baseAddress
            stream.avail_out = UInt32(out.count)
            let result = inflate(&stream, Z_FINISH)
            produced = out.count - Int(stream.avail_out)
            return result
        }
        guard code == Z_STREAM_END else {
            throw code == Z_BUF_ERROR || code == Z_OK ? ZlibError.sizeMismatch(expected: expectedSize, actual: produced) : ZlibError.from(code)
        }
        guard produced == expectedSize else { throw .sizeMismatch(expected: expectedSize, actual: produced) }
        return output
    }
}
