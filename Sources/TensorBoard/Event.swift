/// One record of an event file: the Swift value of TensorBoard's `Event` proto.
///
/// protobuf-c structs never leave the encoding and decoding files; the rest of the package
/// speaks in these value types. Field numbers are in docs/reference/tensorboard-format.md, "Protos".
public struct Event: Sendable, Equatable {
    /// Wall-clock time, seconds since the Unix epoch (fraction allowed).
    public var wallTime: Double
    /// Global training step (`int64`).
    public var step: Int64
    /// What the event carries (the `what` oneof).
    public var content: Content
    /// Free-form writer name (`source_metadata.writer`), if any.
    public var sourceWriter: String?

    /// The `what` oneof of `Event`.
    public enum Content: Sendable, Equatable {
        /// `file_version`, e.g. `"brain.Event:2"` (field 3).
        case fileVersion(String)
        /// Serialized `GraphDef` (field 4).
        case graphDefinition([UInt8])
        /// Summary values (field 5).
        case summary([SummaryValue])
        /// Deprecated log message (field 6).
        case logMessage(level: Int32, message: String)
        /// Session status, e.g. START for `purge_step` (field 7).
        case sessionLog(SessionLog)
        /// Tagged run metadata (field 8).
        case taggedRunMetadata(tag: String, runMetadata: [UInt8])
        /// Serialized `MetaGraphDef` (field 9).
        case metaGraphDefinition([UInt8])
        /// No `what` field.
        case empty
    }

    /// Creates an event.
    ///
    /// - Parameters:
    ///   - wallTime: Seconds since the Unix epoch.
    ///   - step: Global step.
    ///   - content: The payload.
    ///   - sourceWriter: Optional writer name.
    public init(wallTime: Double, step: Int64 = 0, content: Content, sourceWriter: String? = nil) {
        self.wallTime = wallTime
        self.step = step
        self.content = content
        self.sourceWriter = sourceWriter
    }
}

/// `SessionLog`: session status markers (`START` is what `purge_step` writes).
public struct SessionLog: Sendable, Equatable {
    /// `SessionLog.SessionStatus`.
    public enum Status: Int32, Sendable {
        /// `STATUS_UNSPECIFIED` = 0.
        case unspecified = 0
        /// `START` = 1.
        case start = 1
        /// `STOP` = 2.
        case stop = 2
        /// `CHECKPOINT` = 3.
        case checkpoint = 3
    }

    /// The status.
    public var status: Status
    /// Checkpoint path (field 2).
    public var checkpointPath: String
    /// Message (field 3).
    public var message: String

    /// Creates a session log.
    ///
    /// - Parameters:
    ///   - status: The status.
    ///   - checkpointPath: Optional checkpoint path.
    ///   - message: Optional message.
    public init(status: Status, checkpointPath: String = "", message: String = "") {
        self.status = status
        self.checkpointPath = checkpointPath
        self.message = message
    }
}

/// One `Summary.Value`: a tagged value with optional plugin metadata.
public struct SummaryValue: Sendable, Equatable {
    /// Series name (`tag`, or the legacy `node_name` when `tag` is empty).
    public var tag: String
    /// Plugin metadata; writers emit it on the first value of a tag per file.
    public var metadata: SummaryMetadata?
    /// The value (the `value` oneof).
    public var value: Kind

    /// The `value` oneof of `Summary.Value`.
    public enum Kind: Sendable, Equatable {
        /// `simple_value`, a float32 scalar (field 2).
        case simpleValue(Float)
        /// `image` (field 4).
        case image(EncodedImage)
        /// `histo` (field 5).
        case histogram(HistogramValue)
        /// `audio` (field 6).
        case audio(EncodedAudio)
        /// `tensor` (field 8).
        case tensor(TensorValue)
        /// No value: metadata only (hparams, for example).
        case none
    }

    /// Creates a summary value.
    ///
    /// - Parameters:
    ///   - tag: Series name.
    ///   - metadata: Optional plugin metadata.
    ///   - value: The value.
    public init(tag: String, metadata: SummaryMetadata? = nil, value: Kind) {
        self.tag = tag
        self.metadata = metadata
        self.value = value
    }
}

/// `SummaryMetadata`: which plugin owns a series, and its plugin-specific content.
public struct SummaryMetadata: Sendable, Equatable {
    /// `DataClass` (field 4).
    public enum DataClass: Int32, Sendable {
        /// `DATA_CLASS_UNKNOWN` = 0: loaders infer it from the plugin name.
        case unknown = 0
        /// `DATA_CLASS_SCALAR` = 1.
        case scalar = 1
        /// `DATA_CLASS_TENSOR` = 2.
        case tensor = 2
        /// `DATA_CLASS_BLOB_SEQUENCE` = 3.
        case blobSequence = 3
    }

    /// `plugin_data.plugin_name`, e.g. `"scalars"`, `"text"`, `"hparams"`.
    public var pluginName: String
    /// `plugin_data.content`: a serialized plugin-specific proto (often empty).
    public var pluginContent: [UInt8]
    /// `display_name`.
    public var displayName: String
    /// `summary_description`.
    public var summaryDescription: String
    /// `data_class`.
    public var dataClass: DataClass

    /// Creates metadata.
    ///
    /// - Parameters:
    ///   - pluginName: Plugin name.
    ///   - pluginContent: Serialized plugin data (default empty).
    ///   - displayName: Display name (default empty).
    ///   - summaryDescription: Description (default empty).
    ///   - dataClass: Data class (default unknown).
    public init(
        pluginName: String, pluginContent: [UInt8] = [], displayName: String = "", summaryDescription: String = "",
        dataClass: DataClass = .unknown
    ) {
        self.pluginName = pluginName
        self.pluginContent = pluginContent
        self.displayName = displayName
        self.summaryDescription = summaryDescription
        self.dataClass = dataClass
    }
}

/// `Summary.Image`: an encoded (PNG/JPEG/GIF) image.
public struct EncodedImage: Sendable, Equatable {
    /// Height in pixels.
    public var height: Int32
    /// Width in pixels.
    public var width: Int32
    /// 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
    public var colorspace: Int32
    /// The encoded image bytes.
    public var encoded: [UInt8]

    /// Creates an encoded image.
    ///
    /// - Parameters:
    ///   - height: Height in pixels.
    ///   - width: Width in pixels.
    ///   - colorspace: Channel count (1–4).
    ///   - encoded: The encoded bytes.
    public init(height: Int32, width: Int32, colorspace: Int32, encoded: [UInt8]) {
        self.height = height
        self.width = width
        self.colorspace = colorspace
        self.encoded = encoded
    }
}

/// `Summary.Audio`: an encoded audio clip.
public struct EncodedAudio: Sendable, Equatable {
    /// Samples per second.
    public var sampleRate: Float
    /// Channel count.
    public var channelCount: Int64
    /// Frames (samples per channel).
    public var frameCount: Int64
    /// Encoded bytes (WAV).
    public var encoded: [UInt8]
    /// MIME type, e.g. `"audio/wav"`.
    public var contentType: String

    /// Creates an encoded clip.
    ///
    /// - Parameters:
    ///   - sampleRate: Samples per second.
    ///   - channelCount: Channels.
    ///   - frameCount: Frames.
    ///   - encoded: Encoded bytes.
    ///   - contentType: MIME type.
    public init(sampleRate: Float, channelCount: Int64, frameCount: Int64, encoded: [UInt8], contentType: String) {
        self.sampleRate = sampleRate
        self.channelCount = channelCount
        self.frameCount = frameCount
        self.encoded = encoded
        self.contentType = contentType
    }
}

/// `HistogramProto`: bucketed counts. `bucketLimits[i]` is the right edge of bucket `i`.
public struct HistogramValue: Sendable, Equatable {
    /// Smallest value.
    public var minimum: Double
    /// Largest value.
    public var maximum: Double
    /// Number of values (`num`).
    public var count: Double
    /// Sum of values.
    public var sum: Double
    /// Sum of squared values.
    public var sumOfSquares: Double
    /// Right edges of the buckets.
    public var bucketLimits: [Double]
    /// Count per bucket.
    public var bucketCounts: [Double]

    /// Creates a histogram.
    ///
    /// - Parameters:
    ///   - minimum: Smallest value.
    ///   - maximum: Largest value.
    ///   - count: Number of values.
    ///   - sum: Sum of values.
    ///   - sumOfSquares: Sum of squares.
    ///   - bucketLimits: Right edges.
    ///   - bucketCounts: Counts, same length as `bucketLimits`.
    public init(
        minimum: Double, maximum: Double, count: Double, sum: Double, sumOfSquares: Double, bucketLimits: [Double],
        bucketCounts: [Double]
    ) {
        self.minimum = minimum
        self.maximum = maximum
        self.count = count
        self.sum = sum
        self.sumOfSquares = sumOfSquares
        self.bucketLimits = bucketLimits
        self.bucketCounts = bucketCounts
    }
}

/// `TensorProto`: a typed n-dimensional array.
public struct TensorValue: Sendable, Equatable {
    /// The TensorFlow `DataType` number (`DT_FLOAT` = 1, `DT_DOUBLE` = 2, `DT_INT32` = 3,
    /// `DT_STRING` = 7, `DT_INT64` = 9, `DT_BOOL` = 10, `DT_HALF` = 19, …).
    public var dataType: Int32
    /// Dimension sizes; `[]` is a scalar.
    public var shape: [Int64]
    /// The elements, in whichever typed list (or `tensor_content`) the writer used.
    public var storage: Storage

    /// The element lists of `TensorProto`.
    public enum Storage: Sendable, Equatable {
        /// `float_val`.
        case floats([Float])
        /// `double_val`.
        case doubles([Double])
        /// `int_val` (int32, int16, int8, uint8).
        case int32s([Int32])
        /// `int64_val`.
        case int64s([Int64])
        /// `bool_val`.
        case bools([Bool])
        /// `string_val` (bytes each).
        case strings([[UInt8]])
        /// `half_val` (fp16/bf16 bit patterns).
        case halves([Int32])
        /// `tensor_content`: raw little-endian elements of `dataType`.
        case content([UInt8])
        /// No elements (a "null tensor").
        case empty
    }

    /// `DT_FLOAT`.
    public static let float: Int32 = 1
    /// `DT_DOUBLE`.
    public static let double: Int32 = 2
    /// `DT_INT32`.
    public static let int32: Int32 = 3
    /// `DT_UINT8`.
    public static let uint8: Int32 = 4
    /// `DT_INT16`.
    public static let int16: Int32 = 5
    /// `DT_INT8`.
    public static let int8: Int32 = 6
    /// `DT_STRING`.
    public static let string: Int32 = 7
    /// `DT_INT64`.
    public static let int64: Int32 = 9
    /// `DT_BOOL`.
    public static let bool: Int32 = 10
    /// `DT_BFLOAT16`.
    public static let bfloat16: Int32 = 14
    /// `DT_HALF`.
    public static let half: Int32 = 19

    /// Creates a tensor.
    ///
    /// - Parameters:
    ///   - dataType: TensorFlow `DataType` number.
    ///   - shape: Dimension sizes.
    ///   - storage: Elements.
    public init(dataType: Int32, shape: [Int64], storage: Storage) {
        self.dataType = dataType
        self.shape = shape
        self.storage = storage
    }
}
