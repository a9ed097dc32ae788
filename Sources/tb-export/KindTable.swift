import TensorBoard
import ToolSupport

/// Writes the rows of one dashboard kind in one format to one output.
///
/// Columns: `run,tag,step,wall_time` and then, per kind, scalars `value`; histograms
/// `bucket_limits,bucket_counts,min,max,num,sum,sum_squares`; images `width,height,file`; audio
/// `sample_rate,file`; text `text`; pr-curves `thresholds,precision,recall,true_positives,
/// false_positives,true_negatives,false_negatives`. Arrays are JSON arrays (quoted in CSV).
struct KindTable {
    let kind: DashboardKind
    let format: ExportFormat
    /// Where images and audio files go (`nil` for the other kinds).
    let mediaDirectory: String?
    var output: BufferedOutput
    /// `valueColumns(of: kind)`, computed once.
    private let columns: [String]

    private var lastRun: String?
    private var runField: [UInt8] = []
    /// Escaped tag fields of the eight most recently used tags (a run's rows usually cycle
    /// through a few tags), then of every tag of the run: escaping or hashing each row's tag
    /// would dominate scalar rows.
    private var recentTags: [(tag: String, field: [UInt8])] = []
    private var nextRecentSlot = 0
    private var tagFields: [String: [UInt8]] = [:]
    /// `", \"<column>\": "` (JSON lines) or `","` (CSV) before each value column.
    private let columnPrefixes: [[UInt8]]

    init(kind: DashboardKind, format: ExportFormat, mediaDirectory: String?, output: BufferedOutput) {
        self.kind = kind
        self.format = format
        self.mediaDirectory = mediaDirectory
        self.output = output
        columns = Self.valueColumns(of: kind)
        columnPrefixes = columns.map { format == .jsonl ? Array(", \"\($0)\": ".utf8) : [UInt8(ascii: ",")] }
    }

    /// The kind's own columns after `run,tag,step,wall_time`.
    static func valueColumns(of kind: DashboardKind) -> [String] {
        switch kind {
        case .scalars: return ["value"]
        case .histograms: return ["bucket_limits", "bucket_counts", "min", "max", "num", "sum", "sum_squares"]
        case .images: return ["width", "height", "file"]
        case .audio: return ["sample_rate", "file"]
        case .text: return ["text"]
        case .prCurves: return ["thresholds", "precision", "recall", "true_positives", "false_positives", "true_negatives", "false_negatives"]
        case .hparams, .customScalars: return []
        }
    }

    mutating func writeHeader() {
        if format == .csv { output.write((["run", "tag", "step", "wall_time"] + Self.valueColumns(of: kind)).joined(separator: ",") + "\n") }
    }

    /// Writes the row of one point of run `run` (the name printed, `""` for the root).
    ///
    /// - Complexity: O(size of the value); the run and tag fields are escaped once per run and tag.
    mutating func write(run: String, _ point: DashboardPoint) throws {
        let json = format == .jsonl
        if run != lastRun {
            lastRun = run
            runField = Array((json ? ExportText.jsonString(run) : ExportText.csvField(run)).utf8)
            recentTags.removeAll(keepingCapacity: true)
            tagFields.removeAll(keepingCapacity: true)
        }
        let tagField = field(ofTag: point.tag)
        var file = ""
        switch point.value {
        case .image(let image): file = try writeMedia(image.encoded, run: run, point: point, sample: image.sample)
        case .audio(let audio): file = try writeMedia(audio.encoded, run: run, point: point, sample: audio.sample)
        case .hparams, .customScalarsLayout: return
        default: break
        }
        if json {
            output.write(literal: "{\"run\": ")
            output.write(bytes: runField)
            output.write(literal: ", \"tag\": ")
            output.write(bytes: tagField)
            output.write(literal: ", \"step\": ")
        } else {
            output.write(bytes: runField)
            output.write(literal: ",")
            output.write(bytes: tagField)
            output.write(literal: ",")
        }
        output.write(integer: point.step)
        if json { output.write(literal: ", \"wall_time\": ") } else { output.write(literal: ",") }
        // Wall times print in full double precision (`description`'s digits), never as float32.
        point.wallTime.isFinite ? point.wallTime.write(to: &output) : output.write(number: point.wallTime, json: json)
        var column = 0
        func next() {
            output.write(bytes: columnPrefixes[column])
            column += 1
        }
        // Fields stored as float32 print as float32 when exact; histograms are float64.
        func number(_ value: Double, float32WhenExact: Bool = true) {
            next()
            output.write(number: value, json: json, float32WhenExact: float32WhenExact)
        }
        func numbers(_ values: [Double], float32WhenExact: Bool = true) {
            next()
            // A JSON array of numbers holds commas and no quotes: CSV quotes it as a whole.
            output.write(literal: json ? "[" : "\"[")
            for (index, value) in values.enumerated() {
                if index > 0 { output.write(literal: ", ") }
                output.write(number: value, json: true, float32WhenExact: float32WhenExact)
            }
            output.write(literal: json ? "]" : "]\"")
        }
        func text(_ value: String) {
            next()
            output.write(json ? ExportText.jsonString(value) : ExportText.csvField(value))
        }
        switch point.value {
        case .scalar(let v):
            number(v)
        case .histogram(let h):
            numbers(h.bucketLimits, float32WhenExact: false)
            numbers(h.bucketCounts, float32WhenExact: false)
            for v in [h.minimum, h.maximum, h.count, h.sum, h.sumOfSquares] { number(v, float32WhenExact: false) }
        case .image(let image):
            next()
            output.write(integer: Int64(image.width))
            next()
            output.write(integer: Int64(image.height))
            text(file)
        case .audio(let audio):
            number(audio.sampleRate)
            text(file)
        case .text(let value):
            next()
            output.write(textValue(value))
        case .prCurve(let c):
            for values in [c.thresholds, c.precision, c.recall, c.truePositives, c.falsePositives, c.trueNegatives, c.falseNegatives] { numbers(values) }
        case .hparams, .customScalarsLayout:
            break
        }
        output.write(literal: json ? "}\n" : "\n")
        output.flushIfFull()
    }

    /// The escaped field of `tag`, from the recent tags, the run's tags, or escaped now.
    private mutating func field(ofTag tag: String) -> [UInt8] {
        for entry in recentTags where entry.tag == tag { return entry.field }
        let field: [UInt8]
        if let known = tagFields[tag] {
            field = known
        } else {
            field = Array((format == .jsonl ? ExportText.jsonString(tag) : ExportText.csvField(tag)).utf8)
            tagFields[tag] = field
        }
        if recentTags.count < 8 {
            recentTags.append((tag, field))
        } else {
            recentTags[nextRecentSlot] = (tag, field)
            nextRecentSlot = (nextRecentSlot + 1) % 8
        }
        return field
    }

    private func string(_ text: String) -> String {
        format == .jsonl ? ExportText.jsonString(text) : ExportText.csvField(text)
    }

    /// One string as itself; a tensor of several strings as nested JSON arrays by its shape.
    private func textValue(_ text: TextData) -> String {
        if text.strings.count == 1 { return string(text.strings[0]) }
        let nested = Self.nestedJSON(text.strings[...], shape: text.shape.isEmpty ? [text.strings.count] : text.shape[...])
        return format == .jsonl ? nested : ExportText.csvField(nested)
    }

    private static func nestedJSON(_ strings: ArraySlice<String>, shape: ArraySlice<Int>) -> String {
        guard let first = shape.first, shape.count > 1 else { return "[" + strings.map(ExportText.jsonString).joined(separator: ", ") + "]" }
        let inner = shape.dropFirst().reduce(1, *)
        guard first > 0, inner > 0, strings.count == first * inner else { return "[" + strings.map(ExportText.jsonString).joined(separator: ", ") + "]" }
        let start = strings.startIndex
        let parts = (0..<first).map { i in nestedJSON(strings[(start + i * inner)..<(start + (i + 1) * inner)], shape: shape.dropFirst()) }
        return "[" + parts.joined(separator: ", ") + "]"
    }

    /// Writes an image or clip to `DIR/<run>/<tag>/<step>[_<sample>].<ext>` and returns that
    /// path relative to DIR.
    private func writeMedia(_ bytes: [UInt8], run: String, point: DashboardPoint, sample: Int) throws -> String {
        guard let mediaDirectory else { throw ToolError("--kind \(kind.rawValue) needs --output-dir DIR") }
        let name = sample == 0 ? "\(point.step)" : "\(point.step)_\(sample)"
        let relative = OutputFiles.safeRelativePath([run.isEmpty ? "_root" : run, point.tag, name])
        return try OutputFiles.writeNew(bytes, directory: mediaDirectory, relative: relative, fileExtension: OutputFiles.mediaExtension(bytes))
    }
}
