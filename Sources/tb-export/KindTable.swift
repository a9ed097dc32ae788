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
    private var runField = ""
    /// Escaped tag fields by tag (tags repeat; escaping each row would dominate scalar rows).
    private var tagFields: [String: String] = [:]

    init(kind: DashboardKind, format: ExportFormat, mediaDirectory: String?, output: BufferedOutput) {
        self.kind = kind
        self.format = format
        self.mediaDirectory = mediaDirectory
        self.output = output
        columns = Self.valueColumns(of: kind)
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
    mutating func write(run: String, _ point: DashboardPoint) throws {
        let json = format == .jsonl
        if run != lastRun {
            lastRun = run
            runField = json ? ExportText.jsonString(run) : ExportText.csvField(run)
            tagFields.removeAll(keepingCapacity: true)
        }
        let tagField: String
        if let known = tagFields[point.tag] {
            tagField = known
        } else {
            tagField = json ? ExportText.jsonString(point.tag) : ExportText.csvField(point.tag)
            tagFields[point.tag] = tagField
        }
        var file = ""
        switch point.value {
        case .image(let image): file = try writeMedia(image.encoded, run: run, point: point, sample: image.sample)
        case .audio(let audio): file = try writeMedia(audio.encoded, run: run, point: point, sample: audio.sample)
        case .hparams, .customScalarsLayout: return
        default: break
        }
        if json {
            output.write("{\"run\": ")
            output.write(runField)
            output.write(", \"tag\": ")
            output.write(tagField)
            output.write(", \"step\": ")
        } else {
            output.write(runField)
            output.write(",")
            output.write(tagField)
            output.write(",")
        }
        output.write(String(point.step))
        output.write(json ? ", \"wall_time\": " : ",")
        output.write(point.wallTime.description)
        var column = 0
        func next() {
            if json {
                output.write(", \"")
                output.write(columns[column])
                output.write("\": ")
            } else {
                output.write(",")
            }
            column += 1
        }
        func number(_ value: Double) {
            next()
            output.write(ExportText.number(value, json: json))
        }
        func numbers(_ values: [Double]) {
            next()
            // A JSON array of numbers holds commas and no quotes: CSV quotes it as a whole.
            if !json { output.write("\"") }
            output.write("[")
            for (index, value) in values.enumerated() {
                if index > 0 { output.write(", ") }
                output.write(ExportText.number(value, json: true))
            }
            output.write(json ? "]" : "]\"")
        }
        func text(_ value: String) {
            next()
            output.write(json ? ExportText.jsonString(value) : ExportText.csvField(value))
        }
        switch point.value {
        case .scalar(let v):
            number(v)
        case .histogram(let h):
            numbers(h.bucketLimits)
            numbers(h.bucketCounts)
            for v in [h.minimum, h.maximum, h.count, h.sum, h.sumOfSquares] { number(v) }
        case .image(let image):
            next()
            output.write(String(image.width))
            next()
            output.write(String(image.height))
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
        output.write(json ? "}\n" : "\n")
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
