import Deflate

/// A minimal PNG encoder on zlib: 8-bit gray, gray+alpha, RGB or RGBA, no interlacing.
///
/// Chunks: signature, IHDR, one IDAT (the zlib stream of the scanlines, each prefixed with
/// filter type 0), IEND; each chunk's CRC-32 from zlib's `crc32` (PNG specification, W3C 2003).
public enum PNG {
    /// The 8-byte PNG signature.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Encodes interleaved 8-bit pixels.
    ///
    /// - Parameters:
    ///   - pixels: `height · width · channels` bytes, row-major, channels interleaved (HWC).
    ///   - width: Width ≥ 1.
    ///   - height: Height ≥ 1.
    ///   - channels: 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA).
    /// - Returns: The PNG file bytes.
    /// - Throws: `SummaryWriterError.invalidArgument` for a bad shape; zlib failures.
    public static func encode(pixels: [UInt8], width: Int, height: Int, channels: Int) throws -> [UInt8] {
        guard (1...4).contains(channels), width >= 1, height >= 1, pixels.count == width * height * channels else {
            throw SummaryWriterError.invalidArgument(
                "PNG: \(pixels.count) pixel bytes do not match \(height)×\(width)×\(channels) (channels must be 1–4)")
        }
        let colorType: UInt8 = [0, 4, 2, 6][channels - 1]
        var header = [UInt8]()
        header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, colorType, 0, 0, 0]
        var raw = [UInt8]()
        raw.reserveCapacity(height * (width * channels + 1))
        let stride = width * channels
        for row in 0..<height {
            raw.append(0)
            raw += pixels[(row * stride)..<((row + 1) * stride)]
        }
        var png = signature
        png += chunk("IHDR", header)
        png += chunk("IDAT", try Zlib.deflate(raw))
        png += chunk("IEND", [])
        return png
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        let crc = typed.withUnsafeBytes { Zlib.crc32($0) }
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc)
    }
}

/// 16-bit PCM WAV (RIFF) encoding, as torch's `add_audio` writes it.
public enum WAV {
    /// Encodes samples in [-1, 1] as 16-bit little-endian PCM (`round(x · 32767)`, clipped).
    ///
    /// - Parameters:
    ///   - samples: Interleaved samples, `frames · channels` values.
    ///   - sampleRate: Samples per second per channel.
    ///   - channels: Channel count ≥ 1.
    /// - Returns: The WAV file bytes.
    public static func encode(samples: [Float], sampleRate: Int, channels: Int = 1) -> [UInt8] {
        func le32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        let dataSize = samples.count * 2
        var out = Array("RIFF".utf8) + le32(36 + dataSize) + Array("WAVE".utf8)
        out += Array("fmt ".utf8) + le32(16) + le16(1) + le16(channels) + le32(sampleRate) + le32(sampleRate * channels * 2) + le16(channels * 2) + le16(16)
        out += Array("data".utf8) + le32(dataSize)
        out.reserveCapacity(out.count + dataSize)
        for sample in samples {
            let value = Int16(Swift.max(-32767, Swift.min(32767, (sample * 32767).rounded())))
            out += le16(Int(UInt16(bitPattern: value)))
        }
        return out
    }
}
