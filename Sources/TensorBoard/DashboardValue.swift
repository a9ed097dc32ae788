public import ScalarLogging

/// The kinds of data TensorBoard's dashboards show, as the readers deliver them.
public enum DashboardKind: String, Sendable, CaseIterable {
    /// Scalars dashboard: legacy `simple_value`, or a one-element tensor of plugin `scalars`.
    case scalars
    /// Histograms and distributions dashboards: legacy `HistogramProto` or a `[k, 3]` tensor.
    case histograms
    /// Images dashboard: legacy `Summary.Image` or a `[2 + n]` string tensor.
    case images
    /// Audio dashboard: legacy `Summary.Audio` or an `[n, 2]` string tensor.
    case audio
    /// Text dashboard: a string tensor of any rank of plugin `text`.
    case text
    /// PR curves dashboard: a `[6, thresholds]` tensor of plugin `pr_curves`.
    case prCurves = "pr-curves"
    /// HParams dashboard: the plugin's experiment, session-start and session-end records.
    case hparams
    /// Custom Scalars dashboard: the layout under tag `custom_scalars__config__`.
    case customScalars = "custom-scalars"
}

/// One value of a series, typed by the dashboard that shows it.
public enum DashboardValue: Sendable, Equatable {
    /// A scalar (float32 `simple_value` widened exactly, or a tensor element).
    case scalar(Double)
    /// A histogram.
    case histogram(HistogramData)
    /// One image.
    case image(ImageData)
    /// One audio clip.
    case audio(AudioData)
    /// A text tensor.
    case text(TextData)
    /// A precision–recall curve.
    case prCurve(PRCurveData)
    /// An hparams plugin record (experiment, session start or session end).
    case hparams(HParamsRecord)
    /// The Custom Scalars layout.
    case customScalarsLayout(CustomScalarLayout)

    /// The dashboard kind of the value.
    public var kind: DashboardKind {
        switch self {
        case .scalar: return .scalars
        case .histogram: return .histograms
        case .image: return .images
        case .audio: return .audio
        case .text: return .text
        case .prCurve: return .prCurves
        case .hparams: return .hparams
        case .customScalarsLayout: return .customScalars
        }
    }
}

/// One typed value with its series and position: what `EventFileReader.forEachValue` delivers.
public struct DashboardPoint: Sendable, Equatable {
    /// The series' tag as written (the text plugin's `/text_summary` suffix removed, as tbparse).
    public var tag: String
    /// Global step.
    public var step: Int64
    /// Wall time, seconds since the Unix epoch.
    public var wallTime: Double
    /// The value.
    public var value: DashboardValue

    /// Creates a point.
    ///
    /// - Parameters:
    ///   - tag: Series tag.
    ///   - step: Global step.
    ///   - wallTime: Seconds since the Unix epoch.
    ///   - value: The typed value.
    public init(tag: String, step: Int64, wallTime: Double, value: DashboardValue) {
        self.tag = tag
        self.step = step
        self.wallTime = wallTime
        self.value = value
    }
}

/// A histogram in the legacy `HistogramProto` layout, whichever layout was written.
///
/// `bucketLimits[i]` is the right edge of bucket `i` and `bucketCounts[i]` its count (both
/// `k` elements); bucket `i` spans `(bucketLimits[i - 1], bucketLimits[i]]`, the first from
/// `minimum`. A TF2 `[k, 3]` tensor of `(left, right, count)` rows maps to limits = the right
/// edges, counts = the counts, `minimum` = the first left edge, `maximum` = the last right
/// edge, `count` = the sum of counts; it stores no sums, so `sum` and `sumOfSquares` are NaN
/// (tbparse's `tensor_to_histogram` without its leading zero-count bucket).
public struct HistogramData: Sendable, Equatable {
    /// Right bucket edges, `k` elements.
    public var bucketLimits: [Double]
    /// Bucket counts, `k` elements (fractional counts allowed).
    public var bucketCounts: [Double]
    /// Smallest value.
    public var minimum: Double
    /// Largest value.
    public var maximum: Double
    /// Number of values.
    public var count: Double
    /// Sum of the values (NaN when the layout does not store it).
    public var sum: Double
    /// Sum of the squared values (NaN when the layout does not store it).
    public var sumOfSquares: Double

    /// Creates a histogram.
    ///
    /// - Parameters:
    ///   - bucketLimits: Right edges, `k` elements.
    ///   - bucketCounts: Counts, `k` elements.
    ///   - minimum: Smallest value.
    ///   - maximum: Largest value.
    ///   - count: Number of values.
    ///   - sum: Sum of values, or NaN.
    ///   - sumOfSquares: Sum of squares, or NaN.
    public init(
        bucketLimits: [Double], bucketCounts: [Double], minimum: Double, maximum: Double, count: Double, sum: Double,
        sumOfSquares: Double
    ) {
        self.bucketLimits = bucketLimits
        self.bucketCounts = bucketCounts
        self.minimum = minimum
        self.maximum = maximum
        self.count = count
        self.sum = sum
        self.sumOfSquares = sumOfSquares
    }
}

/// One encoded image (PNG, JPEG or GIF bytes as written) with the size its writer recorded.
public struct ImageData: Sendable, Equatable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Position among the images of this step (TF2 writes up to `max_outputs` per step).
    public var sample: Int
    /// The encoded image bytes.
    public var encoded: [UInt8]

    /// Creates an image value.
    ///
    /// - Parameters:
    ///   - width: Width in pixels.
    ///   - height: Height in pixels.
    ///   - sample: Index within the step.
    ///   - encoded: Encoded bytes.
    public init(width: Int, height: Int, sample: Int, encoded: [UInt8]) {
        self.width = width
        self.height = height
        self.sample = sample
        self.encoded = encoded
    }
}

/// One encoded audio clip (WAV bytes as written) and its sample rate.
public struct AudioData: Sendable, Equatable {
    /// Samples per second: the legacy proto's `sample_rate`, or the WAV header's for a TF2
    /// tensor (NaN when neither is readable).
    public var sampleRate: Double
    /// Position among the clips of this step.
    public var sample: Int
    /// The clip's label (TF2 layout; empty for the legacy proto).
    public var label: String
    /// The encoded bytes.
    public var encoded: [UInt8]

    /// Creates an audio value.
    ///
    /// - Parameters:
    ///   - sampleRate: Samples per second.
    ///   - sample: Index within the step.
    ///   - label: Clip label.
    ///   - encoded: Encoded bytes.
    public init(sampleRate: Double, sample: Int, label: String, encoded: [UInt8]) {
        self.sampleRate = sampleRate
        self.sample = sample
        self.label = label
        self.encoded = encoded
    }
}

/// A text tensor: UTF-8 strings in row-major order with the tensor's shape.
public struct TextData: Sendable, Equatable {
    /// The strings, row-major (`shape` `[r, c]` puts row `i` at offset `i * c`).
    public var strings: [String]
    /// The tensor's shape (`[]` for one string).
    public var shape: [Int]

    /// Creates a text value.
    ///
    /// - Parameters:
    ///   - strings: Row-major strings.
    ///   - shape: Tensor shape.
    public init(strings: [String], shape: [Int]) {
        self.strings = strings
        self.shape = shape
    }
}

/// A precision–recall curve as TensorBoard's PR-curves plugin serves it.
///
/// All arrays have one element per threshold; `thresholds[i] = i / (k - 1)` (evenly spaced in
/// [0, 1], as the plugin computes them with `np.linspace`).
public struct PRCurveData: Sendable, Equatable {
    /// Classification thresholds in [0, 1].
    public var thresholds: [Double]
    /// Precision per threshold.
    public var precision: [Double]
    /// Recall per threshold.
    public var recall: [Double]
    /// True-positive counts per threshold.
    public var truePositives: [Double]
    /// False-positive counts per threshold.
    public var falsePositives: [Double]
    /// True-negative counts per threshold.
    public var trueNegatives: [Double]
    /// False-negative counts per threshold.
    public var falseNegatives: [Double]

    /// Creates a curve.
    ///
    /// - Parameters:
    ///   - thresholds: Thresholds.
    ///   - precision: Precision per threshold.
    ///   - recall: Recall per threshold.
    ///   - truePositives: TP per threshold.
    ///   - falsePositives: FP per threshold.
    ///   - trueNegatives: TN per threshold.
    ///   - falseNegatives: FN per threshold.
    public init(
        thresholds: [Double], precision: [Double], recall: [Double], truePositives: [Double], falsePositives: [Double],
        trueNegatives: [Double], falseNegatives: [Double]
    ) {
        self.thresholds = thresholds
        self.precision = precision
        self.recall = recall
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives
        self.falseNegatives = falseNegatives
    }
}
