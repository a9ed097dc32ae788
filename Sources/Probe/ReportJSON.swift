import Foundation

/// The JSON form of the probes' reports: pretty-printed, keys sorted, NaN and infinities as the
/// strings `"NaN"`, `"Infinity"`, `"-Infinity"` (as Python's `json` writes them unquoted; quoted
/// here so that strict JSON readers accept the file).
public enum ReportJSON {
    /// The encoded report.
    ///
    /// - Parameter report: Any `Encodable` report.
    /// - Returns: UTF-8 JSON.
    /// - Throws: `EncodingError` from `JSONEncoder`.
    public static func data<Report: Encodable>(_ report: Report) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(report)
    }

    /// Writes the report to `path`, replacing it atomically.
    ///
    /// - Throws: `ProbeError.unwritable` naming the path.
    public static func write<Report: Encodable>(_ report: Report, toFile path: String) throws(ProbeError) {
        do {
            try data(report).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .unwritable(path: path, reason: (error as NSError).localizedDescription)
        }
    }
}
