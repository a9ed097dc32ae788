/// A summary value interpreted the way TensorBoard's dashboards read it (docs/reference/tensorboard-format.md, "Scalar interpretation").
public enum DecodedValue: Sendable, Equatable {
    /// A scalar: `simple_value`, or a one-element numeric tensor of a `scalars` series
    /// (`float_val`, `double_val`, `int_val`, `int64_val`, `half_val` or `tensor_content`).
    case scalar(Double)
    /// A histogram as `(left, right, count)` buckets, from a legacy `HistogramProto` (left
    /// edges from the previous limit, the first from `min`) or a `[k, 3]` tensor.
    case histogram([HistogramBucket])
    /// Images: width and height, then the encoded images (legacy `Summary.Image` or a TF2
    /// `[2 + n]` string tensor).
    case images(width: Int, height: Int, encoded: [[UInt8]])
    /// Audio clips: encoded bytes (WAV) and labels (legacy `Summary.Audio` or `[n, 2]` tensor).
    case audio(clips: [[UInt8]], labels: [String], sampleRate: Float?)
    /// Text: UTF-8 strings in row-major order with the tensor's shape.
    case text([String], shape: [Int])
    /// HParams plugin data (the serialized `HParamsPluginData`), metadata-only values.
    case hparams(pluginContent: [UInt8])
    /// A PR curve: 6 rows (TP, FP, TN, FN, precision, recall) of `thresholdCount` values.
    case prCurve(rows: [[Double]], thresholdCount: Int)
    /// Any other tensor.
    case tensor(TensorValue)
    /// No value and no recognised plugin.
    case none
}

/// One histogram bucket `[left, right)` with its count.
public struct HistogramBucket: Sendable, Equatable {
    /// Left edge.
    public var left: Double
    /// Right edge.
    public var right: Double
    /// Count (may be fractional in TensorBoard's format).
    public var count: Double

    /// Creates a bucket.
    ///
    /// - Parameters:
    ///   - left: Left edge.
    ///   - right: Right edge.
    ///   - count: Count.
    public init(left: Double, right: Double, count: Double) {
        self.left = left
        self.right = right
        self.count = count
    }
}

extension TensorValue {
    /// Number of elements implied by the shape (1 for a scalar).
    public var elementCount: Int { shape.reduce(1) { $0 * Int($1) } }

    /// The elements as `Double`, for numeric tensors; `nil` for strings or unknown dtypes.
    ///
    /// `tensor_content` is decoded as little-endian elements of `dataType` (float, double,
    /// int32, int64, uint8, int16, int8, half). A single typed-list element with a larger shape
    /// is broadcast, as TensorFlow's `make_ndarray`.
    public var numericValues: [Double]? {
        var values: [Double]
        switch storage {
        case .floats(let v): values = v.map(Double.init)
        case .doubles(let v): values = v
        case .int32s(let v): values = v.map(Double.init)
        case .int64s(let v): values = v.map(Double.init)
        case .bools(let v): values = v.map { $0 ? 1 : 0 }
        case .halves(let v): values = v.map { Double(Float16(bitPattern: UInt16(truncatingIfNeeded: $0))) }
        case .strings: return nil
        case .empty: values = []
        case .content(let bytes):
            guard let decoded = Self.decodeContent(bytes, dataType: dataType) else { return nil }
            values = decoded
        }
        if values.count == 1, elementCount > 1 { values = Array(repeating: values[0], count: elementCount) }
        return values
    }

    private static func decodeContent(_ bytes: [UInt8], dataType: Int32) -> [Double]? {
        func load<T>(_: T.Type, _ convert: (T) -> Double) -> [Double] {
            let size = MemoryLayout<T>.size
            return bytes.withUnsafeBytes { raw in
                (0..<(raw.count / size)).map { convert(raw.loadUnaligned(fromByteOffset: $0 * size, as: T.self)) }
            }
        }
        switch dataType {
        case TensorValue.float: return load(UInt32.self) { Double(Float(bitPattern: UInt32(littleEndian: $0))) }
        case TensorValue.double: return load(UInt64.self) { Double(bitPattern: UInt64(littleEndian: $0)) }
        case TensorValue.int32: return load(Int32.self) { Double(Int32(littleEndian: $0)) }
        case TensorValue.int64: return load(Int64.self) { Double(Int64(littleEndian: $0)) }
        case TensorValue.uint8: return load(UInt8.self) { Double($0) }
        case TensorValue.int16: return load(Int16.self) { Double(Int16(littleEndian: $0)) }
        case TensorValue.int8: return load(Int8.self) { Double($0) }
        case TensorValue.half: return load(UInt16.self) { Double(Float16(bitPattern: UInt16(littleEndian: $0))) }
        default: return nil
        }
    }

    /// The elements as byte strings, for `DT_STRING` tensors.
    public var stringValues: [[UInt8]]? {
        if case .strings(let v) = storage { return v }
        return nil
    }
}

extension SummaryValue {
    /// Interprets the value as a dashboard would.
    ///
    /// - Parameter pluginName: The plugin of the series: the first metadata seen for this tag
    ///   in the run (loaders keep only that one, docs/reference/tensorboard-format.md, "Metadata once per tag"), or this value's own metadata.
    /// - Returns: The typed value.
    public func decoded(pluginName: String?) -> DecodedValue {
        let plugin = pluginName ?? metadata?.pluginName ?? ""
        switch value {
        case .simpleValue(let v): return .scalar(Double(v))
        case .histogram(let h):
            var buckets = [HistogramBucket]()
            var left = h.minimum
            for (limit, count) in zip(h.bucketLimits, h.bucketCounts) {
                let right = min(limit, h.maximum)
                buckets.append(HistogramBucket(left: left, right: max(left, right), count: count))
                left = limit
            }
            return .histogram(buckets)
        case .image(let image):
            return .images(width: Int(image.width), height: Int(image.height), encoded: [image.encoded])
        case .audio(let audio):
            return .audio(clips: [audio.encoded], labels: [""], sampleRate: audio.sampleRate)
        case .none:
            if plugin == "hparams", let content = metadata?.pluginContent { return .hparams(pluginContent: content) }
            return .none
        case .tensor(let tensor):
            return Self.decode(tensor, plugin: plugin, metadata: metadata)
        }
    }

    private static func decode(_ tensor: TensorValue, plugin: String, metadata: SummaryMetadata?) -> DecodedValue {
        switch plugin {
        case "scalars":
            if tensor.elementCount == 1, let v = tensor.numericValues, v.count == 1 { return .scalar(v[0]) }
        case "histograms":
            if tensor.shape.count == 2, tensor.shape[1] == 3, let v = tensor.numericValues, v.count == tensor.elementCount {
                return .histogram(stride(from: 0, to: v.count, by: 3).map { HistogramBucket(left: v[$0], right: v[$0 + 1], count: v[$0 + 2]) })
            }
        case "images":
            if let strings = tensor.stringValues, strings.count >= 2 {
                let width = Int(String(decoding: strings[0], as: UTF8.self)) ?? 0
                let height = Int(String(decoding: strings[1], as: UTF8.self)) ?? 0
                return .images(width: width, height: height, encoded: Array(strings.dropFirst(2)))
            }
        case "audio":
            if let strings = tensor.stringValues {
                let pairs = tensor.shape.count == 2 && tensor.shape[1] == 2
                let clips = pairs ? stride(from: 0, to: strings.count, by: 2).map { strings[$0] } : strings
                let labels = pairs ? stride(from: 1, to: strings.count, by: 2).map { String(decoding: strings[$0], as: UTF8.self) } : clips.map { _ in "" }
                return .audio(clips: clips, labels: labels, sampleRate: nil)
            }
        case "text":
            if let strings = tensor.stringValues {
                return .text(strings.map { String(decoding: $0, as: UTF8.self) }, shape: tensor.shape.map { Int($0) })
            }
        case "pr_curves":
            if tensor.shape.count == 2, tensor.shape[0] == 6, let v = tensor.numericValues, v.count == tensor.elementCount {
                let t = Int(tensor.shape[1])
                return .prCurve(rows: (0..<6).map { Array(v[($0 * t)..<(($0 + 1) * t)]) }, thresholdCount: t)
            }
        case "hparams":
            return .hparams(pluginContent: metadata?.pluginContent ?? [])
        default:
            break
        }
        return .tensor(tensor)
    }
}
