import CGif

/// Animated GIF encoding through giflib (`EGif*`), the format torch's `add_video` writes into the
/// Images dashboard.
///
/// Each frame gets its own 256-color table: its exact colors when it has at most 256 (lossless),
/// otherwise giflib's median-cut quantizer (`GifQuantizeBuffer`, which keeps 5 bits per primary,
/// so colors move by up to 7 levels); then a graphics control block with the frame delay, and LZW-compressed
/// pixels; a `NETSCAPE2.0` application block makes the animation loop forever, as moviepy's
/// `write_gif` (torch's encoder) does.
public enum GIF {
    /// Encodes RGB frames as a looping animated GIF89a.
    ///
    /// O(frames · width · height); the quantizer allocates about 3 bytes per pixel of a frame.
    ///
    /// - Parameters:
    ///   - frames: One buffer per frame of `height · width · 3` bytes, row-major, RGB interleaved (HWC).
    ///   - width: Width in pixels, 1…65535.
    ///   - height: Height in pixels, 1…65535.
    ///   - delay: Display time of each frame in hundredths of a second (GIF's unit), 0…65535.
    /// - Returns: The GIF file bytes.
    /// - Throws: `SummaryWriterError.invalidArgument` for no frames, a bad size or a frame of the
    ///   wrong length; when giflib fails, its message (`GifErrorString`).
    public static func encodeAnimation(frames: [[UInt8]], width: Int, height: Int, delay: Int) throws(SummaryWriterError) -> [UInt8] {
        guard !frames.isEmpty else { throw .invalidArgument("GIF: no frames") }
        guard (1...65_535).contains(width), (1...65_535).contains(height) else {
            throw .invalidArgument("GIF: \(width)×\(height) pixels; each side must be 1…65535")
        }
        guard (0...65_535).contains(delay) else { throw .invalidArgument("GIF: frame delay \(delay) cs outside 0…65535") }
        if let bad = frames.firstIndex(where: { $0.count != width * height * 3 }) {
            throw .invalidArgument("GIF: frame \(bad) has \(frames[bad].count) bytes, expected \(width * height * 3) (RGB)")
        }
        let sink = GIFSink()
        var status: Int32 = 0
        let opaque = Unmanaged.passUnretained(sink).toOpaque()
        guard let file = EGifOpen(opaque, { file, bytes, count in
            guard let file, let bytes, count >= 0, let user = file.pointee.UserData else { return 0 }
            Unmanaged<GIFSink>.fromOpaque(user).takeUnretainedValue().bytes.append(contentsOf: UnsafeBufferPointer(start: bytes, count: Int(count)))
            return count
        }, &status) else {
            throw .invalidArgument("GIF: giflib could not start an encoder: \(message(status))")
        }
        var closed = false
        defer { if !closed { EGifCloseFile(file, nil) } }
        try withExtendedLifetime(sink) { () throws(SummaryWriterError) in
            EGifSetGifVersion(file, true)
            try check(EGifPutScreenDesc(file, Int32(width), Int32(height), 8, 0, nil), file)
            // NETSCAPE2.0 looping block: sub-block 1, loop count 0 (forever), little-endian.
            try check(EGifPutExtensionLeader(file, APPLICATION_EXT_FUNC_CODE), file)
            var application = Array("NETSCAPE2.0".utf8)
            try check(EGifPutExtensionBlock(file, 11, &application), file)
            var loop: [UInt8] = [1, 0, 0]
            try check(EGifPutExtensionBlock(file, 3, &loop), file)
            try check(EGifPutExtensionTrailer(file), file)
            let pixelCount = width * height
            var red = [UInt8](repeating: 0, count: pixelCount), green = red, blue = red, indices = red
            for frame in frames {
                for p in 0..<pixelCount {
                    red[p] = frame[3 * p]
                    green[p] = frame[3 * p + 1]
                    blue[p] = frame[3 * p + 2]
                }
                var palette = [GifColorType](repeating: GifColorType(Red: 0, Green: 0, Blue: 0), count: 256)
                if !exactPalette(frame, palette: &palette, indices: &indices) {
                    var paletteSize: Int32 = 256
                    try check(GifQuantizeBuffer(UInt32(width), UInt32(height), &paletteSize, &red, &green, &blue, &indices, &palette), file)
                }
                // A color map must have a power-of-two size: keep all 256 entries (unused ones black).
                guard let map = GifMakeMapObject(256, palette) else { throw .invalidArgument("GIF: cannot allocate a color map") }
                defer { GifFreeMapObject(map) }
                var control = GraphicsControlBlock(DisposalMode: DISPOSE_DO_NOT, UserInputFlag: false, DelayTime: Int32(delay), TransparentColor: NO_TRANSPARENT_COLOR)
                var extensionBytes = [UInt8](repeating: 0, count: 4)
                let length = EGifGCBToExtension(&control, &extensionBytes)
                try check(EGifPutExtension(file, GRAPHICS_EXT_FUNC_CODE, Int32(length), &extensionBytes), file)
                try check(EGifPutImageDesc(file, 0, 0, Int32(width), Int32(height), false, map), file)
                try indices.withUnsafeMutableBufferPointer { buffer throws(SummaryWriterError) in
                    guard let base = buffer.baseAddress else { return }
                    for row in 0..<height {
                        try check(EGifPutLine(file, base + row * width, Int32(width)), file)
                    }
                }
            }
        }
        closed = true
        var closeStatus: Int32 = 0
        guard EGifCloseFile(file, &closeStatus) == GIF_OK else {
            throw .invalidArgument("GIF: giflib could not finish the file: \(message(closeStatus))")
        }
        return sink.bytes
    }

    /// Fills `palette` and `indices` with the frame's own colors when it has at most 256 of them
    /// (lossless); returns false otherwise, leaving the frame to giflib's quantizer.
    private static func exactPalette(_ frame: [UInt8], palette: inout [GifColorType], indices: inout [UInt8]) -> Bool {
        var slots = [UInt32: UInt8]()
        for p in 0..<indices.count {
            let color = UInt32(frame[3 * p]) << 16 | UInt32(frame[3 * p + 1]) << 8 | UInt32(frame[3 * p + 2])
            if let slot = slots[color] {
                indices[p] = slot
                continue
            }
            guard slots.count < 256 else { return false }
            let slot = UInt8(slots.count)
            slots[color] = slot
            palette[Int(slot)] = GifColorType(Red: frame[3 * p], Green: frame[3 * p + 1], Blue: frame[3 * p + 2])
            indices[p] = slot
        }
        return true
    }

    /// Throws giflib's message when a call returned `GIF_ERROR`.
    private static func check(_ status: Int32, _ file: UnsafeMutablePointer<GifFileType>) throws(SummaryWriterError) {
        guard status == GIF_OK else { throw .invalidArgument("GIF: giflib failed: \(message(file.pointee.Error))") }
    }

    private static func message(_ code: Int32) -> String {
        GifErrorString(code).map { String(cString: $0) } ?? "error \(code)"
    }
}

/// Collects the bytes giflib writes (the `OutputFunc` target, reached through `UserData`).
/// Used by one encoder call on one thread only.
private final class GIFSink {
    var bytes: [UInt8] = []
}
