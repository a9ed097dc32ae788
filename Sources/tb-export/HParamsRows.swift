import TensorBoard

/// Writes the HParams table: one row per session run with its hyperparameters and the last
/// value of each metric.
///
/// JSON lines: `{"run": …, "hparams": {name: value}, "metrics": {name: value}}`. CSV: `run`, one
/// column per hyperparameter name, then one per metric name (names in order of first
/// appearance over the sessions); a session without a value leaves its cell empty.
enum HParamsRows {
    static func write(_ table: HParamsTable, format: ExportFormat, runName: (String) -> String, to output: inout BufferedOutput) {
        switch format {
        case .jsonl:
            for session in table.sessions {
                let hparams = session.hparams.map { "\(ExportText.jsonString($0.name)): \(json($0.value))" }.joined(separator: ", ")
                let metrics = session.metrics.map { "\(ExportText.jsonString($0.name)): \(ExportText.number($0.value, json: true))" }
                    .joined(separator: ", ")
                output.write("{\"run\": \(ExportText.jsonString(runName(session.run))), \"hparams\": {\(hparams)}, \"metrics\": {\(metrics)}}\n")
            }
        case .csv:
            var hparamNames = [String]()
            var metricNames = [String]()
            for session in table.sessions {
                for entry in session.hparams where !hparamNames.contains(entry.name) { hparamNames.append(entry.name) }
                for metric in session.metrics where !metricNames.contains(metric.name) { metricNames.append(metric.name) }
            }
            output.write((["run"] + hparamNames + metricNames).map(ExportText.csvField).joined(separator: ",") + "\n")
            for session in table.sessions {
                var fields = [ExportText.csvField(runName(session.run))]
                for name in hparamNames {
                    fields.append(session.hparams.first { $0.name == name }.map { ExportText.csvField(csv($0.value)) } ?? "")
                }
                for name in metricNames {
                    fields.append(session.metrics.first { $0.name == name }.map { ExportText.number($0.value, json: false) } ?? "")
                }
                output.write(fields.joined(separator: ",") + "\n")
            }
        }
    }

    private static func json(_ value: HParamValue) -> String {
        switch value {
        case .bool(let b): return b ? "true" : "false"
        case .number(let x): return ExportText.number(x, json: true, float32WhenExact: false)
        case .string(let s): return ExportText.jsonString(s)
        }
    }

    private static func csv(_ value: HParamValue) -> String {
        switch value {
        case .bool(let b): return b ? "True" : "False"
        case .number(let x): return ExportText.number(x, json: false, float32WhenExact: false)
        case .string(let s): return s
        }
    }
}

/// Writes scalars pivoted as tbparse's `pivot=True`: one row per run and step, one column per
/// tag (sorted), with the latest wall time of the step. Several values of one tag at one step
/// (a restart read raw) become a JSON array. Holds one run's scalars in memory.
struct ScalarPivot {
    let format: ExportFormat
    let tags: [String]

    mutating func writeHeader(to output: inout BufferedOutput) {
        if format == .csv { output.write((["run", "step", "wall_time"] + tags).map(ExportText.csvField).joined(separator: ",") + "\n") }
    }

    /// Writes the rows of one run from its points.
    func write(run: String, points: [DashboardPoint], to output: inout BufferedOutput) {
        var byStep: [Int64: (wallTime: Double, values: [String: [Double]])] = [:]
        for point in points {
            guard case .scalar(let value) = point.value else { continue }
            var entry = byStep[point.step] ?? (wallTime: -.infinity, values: [:])
            entry.wallTime = max(entry.wallTime, point.wallTime)
            entry.values[point.tag, default: []].append(value)
            byStep[point.step] = entry
        }
        let json = format == .jsonl
        let runField = json ? ExportText.jsonString(run) : ExportText.csvField(run)
        for step in byStep.keys.sorted() {
            guard let entry = byStep[step] else { continue }
            func cell(_ values: [Double]) -> String {
                values.count == 1 ? ExportText.number(values[0], json: json) : (json ? ExportText.numberArray(values) : ExportText.csvField(ExportText.numberArray(values)))
            }
            if json {
                var line = "{\"run\": \(runField), \"step\": \(step), \"wall_time\": \(entry.wallTime)"
                for tag in tags { if let values = entry.values[tag] { line += ", \(ExportText.jsonString(tag)): \(cell(values))" } }
                output.write(line + "}\n")
            } else {
                let cells = tags.map { entry.values[$0].map(cell) ?? "" }
                output.write(([runField, String(step), "\(entry.wallTime)"] + cells).joined(separator: ",") + "\n")
            }
        }
    }
}
