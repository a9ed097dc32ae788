extension SummaryWriter {
    /// Logs one image with bounding boxes drawn onto it (torch `add_image_with_boxes`).
    ///
    /// As torch: each box is a 2-pixel red outline from (xMin, yMin) to (xMax, yMax) in pixel
    /// coordinates (x to the right, y down, the origin at the top-left corner); a box's label,
    /// when given, is drawn in black on a red band inside its bottom-left corner (a 3×5 bitmap
    /// font at twice its size; torch uses PIL's default font). Gray images become RGB. Parts of
    /// a box outside the image are clipped. torch's `rescale` is not offered: resample the pixels first.
    ///
    /// - Parameters:
    ///   - tag: Series name.
    ///   - pixels: 8-bit values of one image, `shape` in `layout` order (as `addImage`).
    ///   - shape: `[H, W]`, `[H, W, C]` or `[C, H, W]`.
    ///   - layout: Axis order (default `.chw`, torch's).
    ///   - boxes: One row `[xMin, yMin, xMax, yMax]` per box (torch's `[N, 4]` box tensor).
    ///   - labels: Optional text per box (`boxes.count` of them).
    ///   - step: Global step (default 0, as torch's `global_step=None`).
    ///   - wallTime: Seconds since the Unix epoch (default now).
    /// - Throws: `SummaryWriterError.invalidArgument` for a bad image shape, a box row that is
    ///   not four finite values with min ≤ max, or a label count other than the box count
    ///   (torch silently drops the labels then); a write error.
    public func addImageWithBoxes<Coordinate: BinaryFloatingPoint>(
        _ tag: String, pixels: [UInt8], shape: [Int], layout: ImageLayout = .chw, boxes: [[Coordinate]], labels: [String]? = nil,
        step: Int = 0, wallTime: Double? = nil
    ) throws(SummaryWriterError) {
        if let bad = boxes.firstIndex(where: { $0.count != 4 || !$0.allSatisfy(\.isFinite) || $0[0] > $0[2] || $0[1] > $0[3] }) {
            throw .invalidArgument("image boxes: box \(bad) is \(boxes[bad].map { Double($0) }); give [xMin, yMin, xMax, yMax] with min ≤ max")
        }
        if let labels, labels.count != boxes.count {
            throw .invalidArgument("image boxes: \(labels.count) labels for \(boxes.count) boxes; give one label per box")
        }
        let (height, width, channels, hwc) = try Self.interleaved(pixels, shape: shape, layout: layout)
        var canvas = BoxCanvas(gray: hwc, width: width, height: height, channels: channels)
        for (index, box) in boxes.enumerated() {
            let (x0, y0, x1, y1) = (Int(Double(box[0]).rounded()), Int(Double(box[1]).rounded()), Int(Double(box[2]).rounded()), Int(Double(box[3]).rounded()))
            canvas.outline(x0, y0, x1, y1)
            if let label = labels?[index], !label.isEmpty { canvas.label(label, left: x0, bottom: y1) }
        }
        try writeImage(tag, canvas.pixels, height: height, width: width, channels: canvas.channels, step: step, wallTime: wallTime)
    }

    /// Floating-point variant of `addImageWithBoxes` (pixels in [0, 1], scaled by 255 and rounded).
    ///
    /// - Throws: As the `UInt8` variant, and for pixels outside [0, 1].
    public func addImageWithBoxes<Pixel: BinaryFloatingPoint, Coordinate: BinaryFloatingPoint>(
        _ tag: String, pixels: [Pixel], shape: [Int], layout: ImageLayout = .chw, boxes: [[Coordinate]], labels: [String]? = nil,
        step: Int = 0, wallTime: Double? = nil
    ) throws(SummaryWriterError) {
        try addImageWithBoxes(tag, pixels: Self.bytes(pixels), shape: shape, layout: layout, boxes: boxes, labels: labels, step: step, wallTime: wallTime)
    }
}

/// An RGB or RGBA pixel buffer that boxes and labels are drawn into.
struct BoxCanvas {
    /// Red, as torch's `color='Red'`.
    static let red: [UInt8] = [255, 0, 0]
    /// Outline width in pixels (torch's `thickness=2`).
    static let thickness = 2
    /// Font pixels per glyph pixel.
    static let scale = 2

    private(set) var pixels: [UInt8]
    let width: Int, height: Int, channels: Int

    /// Converts interleaved gray (1), gray + alpha (2), RGB (3) or RGBA (4) pixels to RGB or RGBA.
    init(gray hwc: [UInt8], width: Int, height: Int, channels: Int) {
        self.width = width
        self.height = height
        switch channels {
        case 1:
            self.channels = 3
            pixels = hwc.flatMap { [$0, $0, $0] }
        case 2:
            self.channels = 4
            pixels = stride(from: 0, to: hwc.count, by: 2).flatMap { [hwc[$0], hwc[$0], hwc[$0], hwc[$0 + 1]] }
        default:
            self.channels = channels
            pixels = hwc
        }
    }

    /// Sets one pixel (clipped to the image), opaque.
    mutating func set(_ x: Int, _ y: Int, _ color: [UInt8]) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let offset = (y * width + x) * channels
        for c in 0..<3 { pixels[offset + c] = color[c] }
        if channels == 4 { pixels[offset + 3] = 255 }
    }

    /// Fills the rectangle [x0, x1) × [y0, y1), clipped.
    mutating func fill(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ color: [UInt8]) {
        for y in Swift.max(y0, 0)..<Swift.max(Swift.min(y1, height), Swift.max(y0, 0)) {
            for x in Swift.max(x0, 0)..<Swift.max(Swift.min(x1, width), Swift.max(x0, 0)) { set(x, y, color) }
        }
    }

    /// A red outline of `thickness` pixels centred on the box's edges.
    mutating func outline(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) {
        let half = Self.thickness / 2
        fill(x0 - half, y0 - half, x1 + half, y0 + half, Self.red)
        fill(x0 - half, y1 - half, x1 + half, y1 + half, Self.red)
        fill(x0 - half, y0 - half, x0 + half, y1 + half, Self.red)
        fill(x1 - half, y0 - half, x1 + half, y1 + half, Self.red)
    }

    /// Black text on a red band whose bottom-left corner is (left, bottom).
    mutating func label(_ text: String, left: Int, bottom: Int) {
        let margin = Self.scale
        let advance = (BitmapFont.glyphWidth + 1) * Self.scale
        let bandHeight = BitmapFont.glyphHeight * Self.scale + 2 * margin
        let bandWidth = text.count * advance - Self.scale + 2 * margin
        let top = bottom - bandHeight
        fill(left, top, left + bandWidth, bottom, Self.red)
        for (index, character) in text.enumerated() {
            let originX = left + margin + index * advance, originY = top + margin
            for (column, row) in BitmapFont.pixels(of: character) {
                fill(originX + column * Self.scale, originY + row * Self.scale, originX + (column + 1) * Self.scale, originY + (row + 1) * Self.scale, [0, 0, 0])
            }
        }
    }
}
