/// The axis order of one image's pixels (TensorBoardLogger.jl's image-format enum, not a string).
public enum ImageLayout: String, Sendable, CaseIterable {
    /// `[height, width]`, gray.
    case hw
    /// `[height, width, channels]`, channels interleaved.
    case hwc
    /// `[channels, height, width]`, planar (torch's default).
    case chw
}

/// The axis order of a batch of images.
public enum ImageBatchLayout: String, Sendable, CaseIterable {
    /// `[n, channels, height, width]` (torch's default).
    case nchw
    /// `[n, height, width, channels]`.
    case nhwc
}

extension SummaryWriter {
    /// Logs one image (torch `add_image`), PNG-encoded.
    ///
    /// - Parameters:
    ///   - tag: Series name.
    ///   - pixels: 8-bit values, `product(shape)` of them.
    ///   - shape: `[H, W]`, `[H, W, C]` or `[C, H, W]` per `layout`; C is 1, 2, 3 or 4.
    ///   - layout: Axis order (default `.chw`, torch's `dataformats="CHW"`).
    ///   - step: Global step (default 0, as torch's `global_step=None`).
    ///   - wallTime: Seconds since the Unix epoch (default now).
    /// - Throws: `SummaryWriterError.invalidArgument` when the pixel count does not match the shape
    ///   or the shape is invalid; a write error.
    public func addImage(
        _ tag: String, pixels: [UInt8], shape: [Int], layout: ImageLayout = .chw, step: Int = 0, wallTime: Double? = nil
    ) throws(SummaryWriterError) {
        let (height, width, channels, hwc) = try Self.interleaved(pixels, shape: shape, layout: layout)
        try writeImage(tag, hwc, height: height, width: width, channels: channels, step: step, wallTime: wallTime)
    }

    /// Logs one image with floating-point pixels in [0, 1] (scaled by 255 and rounded).
    ///
    /// - Parameters: As the `UInt8` variant; `pixels` (`Float`, `Double` or `Float16`) must be
    ///   finite and within [0, 1].
    /// - Throws: `SummaryWriterError.invalidArgument` for values outside [0, 1] (naming the first)
    ///   or a shape mismatch; a write error.
    public func addImage<Pixel: BinaryFloatingPoint>(
        _ tag: String, pixels: [Pixel], shape: [Int], layout: ImageLayout = .chw, step: Int = 0, wallTime: Double? = nil
    ) throws(SummaryWriterError) {
        try addImage(tag, pixels: Self.bytes(pixels), shape: shape, layout: layout, step: step, wallTime: wallTime)
    }

    /// Logs a batch of images as one grid image (torch `add_images`).
    ///
    /// As torch's `make_grid`: min(n, 8) columns, rows as needed, black padding cells; gray
    /// images are repeated to RGB.
    ///
    /// - Parameters:
    ///   - tag: Series name.
    ///   - pixels: 8-bit values of `[n, C, H, W]` (`.nchw`) or `[n, H, W, C]` (`.nhwc`).
    ///   - shape: The four dimensions in layout order.
    ///   - layout: Axis order (default `.nchw`, torch's `dataformats="NCHW"`).
    ///   - step: Global step (default 0, as torch's `global_step=None`).
    ///   - wallTime: Seconds since the Unix epoch (default now).
    /// - Throws: `SummaryWriterError.invalidArgument` for a bad shape; a write error.
    public func addImages(
        _ tag: String, pixels: [UInt8], shape: [Int], layout: ImageBatchLayout = .nchw, step: Int = 0, wallTime: Double? = nil
    ) throws(SummaryWriterError) {
        let (grid, height, width, channels) = try Self.grid(pixels, shape: shape, layout: layout, columns: 8)
        try writeImage(tag, grid, height: height, width: width, channels: channels, step: step, wallTime: wallTime)
    }

    /// Floating-point variant of `addImages` (`Float`, `Double` or `Float16` values in [0, 1]).
    ///
    /// - Throws: As `addImages`, and for values outside [0, 1].
    public func addImages<Pixel: BinaryFloatingPoint>(
        _ tag: String, pixels: [Pixel], shape: [Int], layout: ImageBatchLayout = .nchw, step: Int = 0, wallTime: Double? = nil
    ) throws(SummaryWriterError) {
        try addImages(tag, pixels: Self.bytes(pixels), shape: shape, layout: layout, step: step, wallTime: wallTime)
    }

    func writeImage(_ tag: String, _ hwc: [UInt8], height: Int, width: Int, channels: Int, step: Int, wallTime: Double?) throws(SummaryWriterError) {
        let png: [UInt8]
        do { png = try PNG.encode(pixels: hwc, width: width, height: height, channels: channels) } catch {
            throw .invalidArgument("image \(tag): \(error)")
        }
        let image = EncodedImage(height: Int32(height), width: Int32(width), colorspace: Int32(channels), encoded: png)
        try write(values: [SummaryValue(tag: tag, value: .image(image))], step: step, wallTime: wallTime)
    }

    static func bytes<Pixel: BinaryFloatingPoint>(_ pixels: [Pixel]) throws(SummaryWriterError) -> [UInt8] {
        if let bad = pixels.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw .invalidArgument("image: pixel \(bad) is \(Double(pixels[bad])); float pixels must lie in [0, 1] (use UInt8 for 0…255)")
        }
        return pixels.map { UInt8((Float($0) * 255).rounded()) }
    }

    /// Converts one image to interleaved HWC.
    static func interleaved(_ pixels: [UInt8], shape: [Int], layout: ImageLayout) throws(SummaryWriterError) -> (Int, Int, Int, [UInt8]) {
        let expectedRank = layout == .hw ? 2 : 3
        guard shape.count == expectedRank, shape.allSatisfy({ $0 > 0 }) else {
            throw .invalidArgument("image: shape \(shape) does not fit layout \(layout.rawValue.uppercased()) (\(expectedRank) positive dimensions)")
        }
        guard pixels.count == shape.reduce(1, *) else {
            throw .invalidArgument("image: \(pixels.count) pixel values do not match shape \(shape) (\(shape.reduce(1, *)) values)")
        }
        switch layout {
        case .hw: return (shape[0], shape[1], 1, pixels)
        case .hwc:
            guard (1...4).contains(shape[2]) else { throw .invalidArgument("image: \(shape[2]) channels; use 1, 2, 3 or 4") }
            return (shape[0], shape[1], shape[2], pixels)
        case .chw:
            let (c, h, w) = (shape[0], shape[1], shape[2])
            guard (1...4).contains(c) else { throw .invalidArgument("image: \(c) channels; use 1, 2, 3 or 4") }
            var out = [UInt8](repeating: 0, count: pixels.count)
            for ch in 0..<c { for y in 0..<h { for x in 0..<w { out[(y * w + x) * c + ch] = pixels[(ch * h + y) * w + x] } } }
            return (h, w, c, out)
        }
    }

    /// Tiles a batch into one HWC grid image, as torch's `make_grid(I, ncols)`.
    static func grid(_ pixels: [UInt8], shape: [Int], layout: ImageBatchLayout, columns maximumColumns: Int) throws(SummaryWriterError)
        -> ([UInt8], Int, Int, Int)
    {
        guard shape.count == 4, shape.allSatisfy({ $0 > 0 }) else {
            throw .invalidArgument("images: shape \(shape) must have 4 positive dimensions for layout \(layout.rawValue.uppercased())")
        }
        guard pixels.count == shape.reduce(1, *) else {
            throw .invalidArgument("images: \(pixels.count) pixel values do not match shape \(shape) (\(shape.reduce(1, *)) values)")
        }
        let n = shape[0]
        let (c, h, w) = layout == .nchw ? (shape[1], shape[2], shape[3]) : (shape[3], shape[1], shape[2])
        guard [1, 3, 4].contains(c) else { throw .invalidArgument("images: \(c) channels; use 1, 3 or 4") }
        let outChannels = c == 1 ? 3 : c
        let columns = Swift.min(n, maximumColumns)
        let rows = (n + columns - 1) / columns
        var canvas = [UInt8](repeating: 0, count: rows * h * columns * w * outChannels)
        let canvasWidth = columns * w
        for image in 0..<n {
            let (gridRow, gridColumn) = (image / columns, image % columns)
            for y in 0..<h {
                for x in 0..<w {
                    for ch in 0..<outChannels {
                        let source = c == 1 ? 0 : ch
                        let value = layout == .nchw ? pixels[((image * c + source) * h + y) * w + x] : pixels[((image * h + y) * w + x) * c + source]
                        canvas[((gridRow * h + y) * canvasWidth + gridColumn * w + x) * outChannels + ch] = value
                    }
                }
            }
        }
        return (canvas, rows * h, canvasWidth, outChannels)
    }
}
