/// The axis order of a batch of videos.
public enum VideoLayout: String, Sendable, CaseIterable {
    /// `[n, frames, channels, height, width]` (torch's `add_video` input).
    case ntchw
    /// `[n, frames, height, width, channels]`.
    case nthwc
}

extension SummaryWriter {
    /// Logs a batch of videos as one animated GIF in the Images dashboard (torch `add_video`).
    ///
    /// As torch: the `n` videos are tiled frame by frame into a grid (`n` padded with black videos
    /// to a power of two, 2^⌊(bit length(n) − 1)/2⌋ rows), gray is repeated to RGB, and the
    /// animation is a GIF (giflib, see `GIF`) looping forever with a delay of round(100 / fps)
    /// hundredths of a second per frame, written as a `Summary.Image` whose colorspace is the
    /// channel count (TensorBoard serves it as `image/gif`).
    ///
    /// - Parameters:
    ///   - tag: Series name.
    ///   - frames: 8-bit values of `shape`, in `layout` order.
    ///   - shape: `[n, T, C, H, W]` (`.ntchw`) or `[n, T, H, W, C]` (`.nthwc`); C is 1 or 3.
    ///   - layout: Axis order (default `.ntchw`, torch's).
    ///   - framesPerSecond: Playback rate, 0.2…100 (default 4, torch's `fps`).
    ///   - step: Global step (default 0, as torch's `global_step=None`).
    ///   - wallTime: Seconds since the Unix epoch (default now).
    /// - Throws: `SummaryWriterError.invalidArgument` for a bad shape or rate; a write error.
    public func addVideo(
        _ tag: String, frames: [UInt8], shape: [Int], layout: VideoLayout = .ntchw, framesPerSecond: Double = 4, step: Int = 0,
        wallTime: Double? = nil
    ) throws(SummaryWriterError) {
        guard framesPerSecond >= 0.2, framesPerSecond <= 100 else {
            throw .invalidArgument("video \(tag): \(framesPerSecond) frames per second; use 0.2…100 (GIF delays are hundredths of a second)")
        }
        let (gridFrames, height, width, channels) = try Self.videoGrid(frames, shape: shape, layout: layout)
        let gif = try GIF.encodeAnimation(frames: gridFrames, width: width, height: height, delay: Int((100 / framesPerSecond).rounded()))
        let image = EncodedImage(height: Int32(height), width: Int32(width), colorspace: Int32(channels), encoded: gif)
        try write(values: [SummaryValue(tag: tag, value: .image(image))], step: step, wallTime: wallTime)
    }

    /// Floating-point variant of `addVideo` (`Float`, `Double` or `Float16` values in [0, 1],
    /// scaled by 255 and rounded).
    ///
    /// - Throws: As `addVideo`, and for values outside [0, 1].
    public func addVideo<Pixel: BinaryFloatingPoint>(
        _ tag: String, frames: [Pixel], shape: [Int], layout: VideoLayout = .ntchw, framesPerSecond: Double = 4, step: Int = 0,
        wallTime: Double? = nil
    ) throws(SummaryWriterError) {
        try addVideo(tag, frames: Self.bytes(frames), shape: shape, layout: layout, framesPerSecond: framesPerSecond, step: step, wallTime: wallTime)
    }

    /// Tiles `n` videos into one RGB video, as torch's `_prepare_video`.
    ///
    /// - Returns: T frames of `[H·rows, W·columns, 3]` bytes, their height and width, and C.
    static func videoGrid(_ pixels: [UInt8], shape: [Int], layout: VideoLayout) throws(SummaryWriterError) -> ([[UInt8]], Int, Int, Int) {
        guard shape.count == 5, shape.allSatisfy({ $0 > 0 }) else {
            throw .invalidArgument("video: shape \(shape) must have 5 positive dimensions for layout \(layout.rawValue.uppercased())")
        }
        guard pixels.count == shape.reduce(1, *) else {
            throw .invalidArgument("video: \(pixels.count) values do not match shape \(shape) (\(shape.reduce(1, *)) values)")
        }
        let (n, t) = (shape[0], shape[1])
        let (c, h, w) = layout == .ntchw ? (shape[2], shape[3], shape[4]) : (shape[4], shape[2], shape[3])
        guard c == 1 || c == 3 else { throw .invalidArgument("video: \(c) channels; use 1 (gray) or 3 (RGB)") }
        // torch: pad n to the next power of two; rows = 2^((bit_length(n) − 1) // 2), columns = padded / rows.
        let bitLength = Int.bitWidth - n.leadingZeroBitCount
        let padded = n & (n - 1) == 0 ? n : 1 << bitLength
        let rows = 1 << ((bitLength - 1) / 2)
        let columns = padded / rows
        let (gridHeight, gridWidth) = (rows * h, columns * w)
        var frames = [[UInt8]](repeating: [UInt8](repeating: 0, count: gridHeight * gridWidth * 3), count: t)
        for video in 0..<n {
            let (gridRow, gridColumn) = (video / columns, video % columns)
            for frame in 0..<t {
                for y in 0..<h {
                    for x in 0..<w {
                        let target = ((gridRow * h + y) * gridWidth + gridColumn * w + x) * 3
                        for channel in 0..<3 {
                            let source = c == 1 ? 0 : channel
                            let index = layout == .ntchw
                                ? (((video * t + frame) * c + source) * h + y) * w + x
                                : (((video * t + frame) * h + y) * w + x) * c + source
                            frames[frame][target + channel] = pixels[index]
                        }
                    }
                }
            }
        }
        return (frames, gridHeight, gridWidth, c)
    }
}
