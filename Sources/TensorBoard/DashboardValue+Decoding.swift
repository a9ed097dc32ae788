extension SummaryValue {
    /// The tag suffix torch and tensorboardX append to text series (`add_text`), removed from
    /// text tags as tbparse does.
    static let textSummarySuffix = "/text_summary"

    /// The typed values this summary value holds for the dashboard kinds in `kinds`.
    ///
    /// Legacy fields (`simple_value`, `histo`, `image`, `audio`) are typed by the field; a
    /// tensor by `pluginName` (the first plugin name seen for the tag in the file, which is what
    /// TensorBoard's loaders classify by). A TF2 image or audio tensor holding several samples
    /// yields one value per sample. Values whose layout does not match their plugin (a
    /// histogram tensor that is not `[k, 3]`, say) yield nothing.
    ///
    /// - Parameters:
    ///   - pluginName: The series' plugin, or `nil` to use this value's own metadata.
    ///   - kinds: The kinds wanted.
    ///   - body: Receives the (possibly renamed) tag and each value.
    /// - Complexity: O(size of the value).
    func forEachDashboardValue(
        pluginName: String?, kinds: Set<DashboardKind>, _ body: (String, DashboardValue) throws -> Void
    ) rethrows {
        let plugin = pluginName ?? metadata?.pluginName ?? ""
        switch value {
        case .simpleValue(let v):
            if kinds.contains(.scalars) { try body(tag, .scalar(Double(v))) }
        case .histogram(let h):
            guard kinds.contains(.histograms), h.bucketLimits.count == h.bucketCounts.count else { return }
            let histogram = HistogramData(
                bucketLimits: h.bucketLimits, bucketCounts: h.bucketCounts, minimum: h.minimum, maximum: h.maximum,
                count: h.count, sum: h.sum, sumOfSquares: h.sumOfSquares)
            try body(tag, .histogram(histogram))
        case .image(let image):
            guard kinds.contains(.images) else { return }
            try body(tag, .image(ImageData(width: Int(image.width), height: Int(image.height), sample: 0, encoded: image.encoded)))
        case .audio(let audio):
            guard kinds.contains(.audio) else { return }
            try body(tag, .audio(AudioData(sampleRate: Double(audio.sampleRate), sample: 0, label: "", encoded: audio.encoded)))
        case .none:
            if plugin == "hparams", kinds.contains(.hparams), let content = metadata?.pluginContent,
                let record = HParamsDecoding.decode(content)
            {
                try body(tag, .hparams(record))
            }
        case .tensor(let tensor):
            try Self.forEachTensorValue(tensor, tag: tag, plugin: plugin, metadata: metadata, kinds: kinds, body)
        }
    }

    private static func forEachTensorValue(
        _ tensor: TensorValue, tag: String, plugin: String, metadata: SummaryMetadata?, kinds: Set<DashboardKind>,
        _ body: (String, DashboardValue) throws -> Void
    ) rethrows {
        guard let kind = DashboardKind(pluginName: plugin), kinds.contains(kind) else { return }
        switch kind {
        case .scalars:
            if tensor.elementCount == 1, let v = tensor.numericValues, v.count == 1 { try body(tag, .scalar(v[0])) }
        case .histograms:
            guard tensor.shape.count == 2, tensor.shape[1] == 3, let v = tensor.numericValues, v.count == tensor.elementCount else { return }
            let k = v.count / 3
            let limits = (0..<k).map { v[3 * $0 + 1] }
            let counts = (0..<k).map { v[3 * $0 + 2] }
            try body(
                tag,
                .histogram(
                    HistogramData(
                        bucketLimits: limits, bucketCounts: counts, minimum: k > 0 ? v[0] : .nan, maximum: limits.last ?? .nan,
                        count: counts.reduce(0, +), sum: .nan, sumOfSquares: .nan)))
        case .images:
            guard let strings = tensor.stringValues, strings.count >= 2 else { return }
            let width = Int(String(decoding: strings[0], as: UTF8.self)) ?? 0
            let height = Int(String(decoding: strings[1], as: UTF8.self)) ?? 0
            for (index, encoded) in strings.dropFirst(2).enumerated() {
                try body(tag, .image(ImageData(width: width, height: height, sample: index, encoded: encoded)))
            }
        case .audio:
            guard let strings = tensor.stringValues else { return }
            let pairs = tensor.shape.count == 2 && tensor.shape[1] == 2 && strings.count % 2 == 0
            let clipCount = pairs ? strings.count / 2 : strings.count
            for index in 0..<clipCount {
                let encoded = strings[pairs ? 2 * index : index]
                let label = pairs ? String(decoding: strings[2 * index + 1], as: UTF8.self) : ""
                let rate = WAVHeader.sampleRate(of: encoded).map(Double.init) ?? .nan
                try body(tag, .audio(AudioData(sampleRate: rate, sample: index, label: label, encoded: encoded)))
            }
        case .text:
            guard let strings = tensor.stringValues, strings.count == tensor.elementCount else { return }
            let name = tag.hasSuffix(textSummarySuffix) ? String(tag.dropLast(textSummarySuffix.count)) : tag
            try body(name, .text(TextData(strings: strings.map { String(decoding: $0, as: UTF8.self) }, shape: tensor.shape.map { Int($0) })))
        case .prCurves:
            guard tensor.shape.count == 2, tensor.shape[0] == 6, let v = tensor.numericValues, v.count == tensor.elementCount else { return }
            let k = Int(tensor.shape[1])
            func row(_ r: Int) -> [Double] { Array(v[(r * k)..<((r + 1) * k)]) }
            let thresholds = (0..<k).map { k == 1 ? 0 : Double($0) / Double(k - 1) }
            try body(
                tag,
                .prCurve(
                    PRCurveData(
                        thresholds: thresholds, precision: row(4), recall: row(5), truePositives: row(0), falsePositives: row(1),
                        trueNegatives: row(2), falseNegatives: row(3))))
        case .hparams:
            if let content = metadata?.pluginContent, let record = HParamsDecoding.decode(content) { try body(tag, .hparams(record)) }
        case .customScalars:
            if let bytes = tensor.stringValues?.first, let layout = CustomScalarLayoutEncoding.decode(bytes) {
                try body(tag, .customScalarsLayout(layout))
            }
        }
    }
}

extension DashboardKind {
    /// The kind whose plugin is named `pluginName` (`"scalars"`, `"pr_curves"`, ...), if any.
    ///
    /// - Parameter pluginName: `SummaryMetadata.PluginData.plugin_name`.
    init?(pluginName: String) {
        switch pluginName {
        case "scalars": self = .scalars
        case "histograms": self = .histograms
        case "images": self = .images
        case "audio": self = .audio
        case "text": self = .text
        case "pr_curves": self = .prCurves
        case "hparams": self = .hparams
        case "custom_scalars": self = .customScalars
        default: return nil
        }
    }
}

/// Reads the sample rate from a RIFF/WAVE header (the `fmt ` chunk's `nSamplesPerSec`).
enum WAVHeader {
    /// The sample rate of a WAV file, or `nil` when the bytes are not RIFF/WAVE with a `fmt `
    /// chunk. Chunks are walked with every length checked against the buffer.
    ///
    /// - Parameter bytes: The encoded file.
    /// - Returns: Samples per second.
    /// - Complexity: O(number of chunks before `fmt `).
    static func sampleRate(of bytes: [UInt8]) -> UInt32? {
        func u32(_ at: Int) -> UInt32? {
            guard at >= 0, at + 4 <= bytes.count else { return nil }
            return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else { return nil }
        var offset = 12
        while offset + 8 <= bytes.count {
            guard let size = u32(offset + 4) else { return nil }
            if bytes[offset..<(offset + 4)].elementsEqual("fmt ".utf8) { return u32(offset + 12) }
            // Chunks are padded to an even size (RIFF).
            let advance = 8 + Int(size) + Int(size & 1)
            guard advance <= bytes.count - offset else { return nil }
            offset += advance
        }
        return nil
    }
}
