public import ScalarLogging

/// One row of the HParams dashboard's table: a session's run, hyperparameters and metrics.
public struct HParamsSession: Sendable, Equatable {
    /// The session's run name (as in `RunInfo.name`).
    public var run: String
    /// Hyperparameter values, in written order.
    public var hparams: [HParamEntry]
    /// Metric values: the last scalar of each metric's series, in the experiment's order.
    public var metrics: [HParamsMetricValue]
}

/// The last value of one metric in one session.
public struct HParamsMetricValue: Sendable, Equatable {
    /// The metric's name: its tag, prefixed by `group/` when the metric lives in a
    /// subdirectory of the session's run.
    public var name: String
    /// Last scalar value.
    public var value: Double
    /// Step of that value.
    public var step: Int64
    /// Wall time of that value, seconds since the Unix epoch.
    public var wallTime: Double
}

/// Everything the HParams dashboard shows for a log directory.
public struct HParamsTable: Sendable, Equatable {
    /// The experiment definitions, when a run holds one (the root run's first, else the
    /// first run's in name order).
    public var experiment: HParamsExperiment?
    /// One session per run holding a session-start record, sorted by run name.
    public var sessions: [HParamsSession]
}

/// Builds the HParams table from one streaming pass over a log directory.
///
/// Feed it the `.hparams` and `.scalars` points of every run (in any order of runs); it keeps
/// the hparams records and the last scalar per run and tag, so memory is O(runs × tags).
/// A session's metrics are those of the experiment stored in its own run, else in the nearest
/// enclosing run, else of the table's experiment; without any experiment, every scalar tag of
/// the session's run. A metric `(group, tag)` is read from the run `session/group` (the
/// session's run itself when `group` is empty), as TensorBoard's HParams plugin reads it.
public struct HParamsCollector: Sendable {
    private struct Last: Sendable {
        var value: Double
        var step: Int64
        var wallTime: Double
    }

    private var experiments: [String: HParamsExperiment] = [:]
    private var starts: [String: [HParamEntry]] = [:]
    private var lastScalars: [String: [String: Last]] = [:]
    private var scalarTagOrder: [String: [String]] = [:]

    /// Creates an empty collector.
    public init() {}

    /// Takes one point of a run; points other than hparams records and scalars are ignored.
    ///
    /// - Parameters:
    ///   - point: A point read from the run.
    ///   - run: The run's name (`RunInfo.name`).
    public mutating func observe(_ point: DashboardPoint, run: String) {
        switch point.value {
        case .scalar(let value):
            let last = Last(value: value, step: point.step, wallTime: point.wallTime)
            if lastScalars[run, default: [:]].updateValue(last, forKey: point.tag) == nil { scalarTagOrder[run, default: []].append(point.tag) }
        case .hparams(.experiment(let experiment)):
            if experiments[run] == nil { experiments[run] = experiment }
        case .hparams(.sessionStart(let hparams, _)):
            starts[run] = hparams
        default:
            break
        }
    }

    /// Adds what `other` observed, as if its points had been observed after this collector's:
    /// how runs read on separate threads (each run by one collector) are combined.
    ///
    /// - Parameter other: A collector of other runs (or of later points of the same runs).
    /// - Complexity: O(runs × tags of `other`).
    public mutating func merge(_ other: HParamsCollector) {
        experiments.merge(other.experiments) { mine, _ in mine }
        starts.merge(other.starts) { _, theirs in theirs }
        for (run, tags) in other.lastScalars {
            for tag in other.scalarTagOrder[run] ?? [] {
                guard let last = tags[tag] else { continue }
                if lastScalars[run, default: [:]].updateValue(last, forKey: tag) == nil { scalarTagOrder[run, default: []].append(tag) }
            }
        }
    }

    /// The table built from the points observed so far.
    ///
    /// - Returns: The experiment and one session per run with a session-start record.
    /// - Complexity: O(sessions × metrics).
    public func table() -> HParamsTable {
        let runsInOrder = experiments.keys.sorted()
        let top = experiments["."] ?? runsInOrder.first.flatMap { experiments[$0] }
        var sessions = [HParamsSession]()
        for run in starts.keys.sorted() {
            let experiment = enclosingExperiment(of: run) ?? top
            var metrics = [HParamsMetricValue]()
            if let experiment {
                for metric in experiment.metrics {
                    let source = metric.group.isEmpty ? run : (run == "." ? metric.group : run + "/" + metric.group)
                    if let last = lastScalars[source]?[metric.tag] {
                        let name = metric.group.isEmpty ? metric.tag : metric.group + "/" + metric.tag
                        metrics.append(HParamsMetricValue(name: name, value: last.value, step: last.step, wallTime: last.wallTime))
                    }
                }
            } else {
                for tag in scalarTagOrder[run] ?? [] {
                    if let last = lastScalars[run]?[tag] {
                        metrics.append(HParamsMetricValue(name: tag, value: last.value, step: last.step, wallTime: last.wallTime))
                    }
                }
            }
            sessions.append(HParamsSession(run: run, hparams: starts[run] ?? [], metrics: metrics))
        }
        return HParamsTable(experiment: top, sessions: sessions)
    }

    private func enclosingExperiment(of run: String) -> HParamsExperiment? {
        var candidate = run
        while true {
            if let experiment = experiments[candidate] { return experiment }
            guard candidate != "." else { return nil }
            if let slash = candidate.lastIndex(of: "/") {
                candidate = String(candidate[..<slash])
            } else {
                candidate = "."
            }
        }
    }
}

extension LogdirReader {
    /// The HParams table of the log directory (experiment, sessions, their metrics).
    ///
    /// Reads every run's hparams records and scalars once, in constant memory per file.
    ///
    /// - Parameters:
    ///   - acceptsRun: Run filter (default: all runs).
    ///   - onDamage: As in `forEachValue`; `nil` throws on damage.
    /// - Returns: The table.
    /// - Throws: `EventReadError`.
    public func hparams(acceptsRun: ((String) -> Bool)? = nil, onDamage: ((EventReadError) -> Void)? = nil) throws -> HParamsTable {
        var collector = HParamsCollector()
        for run in runs where acceptsRun?(run.name) ?? true {
            try forEachValue(in: run, of: [.hparams, .scalars], onDamage: onDamage) { _, point in collector.observe(point, run: run.name) }
        }
        return collector.table()
    }

    /// The Custom Scalars layout stored in the log directory: the last one written to the
    /// root run, else the last one of the first run (in name order) holding one.
    ///
    /// - Parameter onDamage: As in `forEachValue`; `nil` throws on damage.
    /// - Returns: The layout, or `nil` when no run holds one.
    /// - Throws: `EventReadError`.
    public func customScalarsLayout(onDamage: ((EventReadError) -> Void)? = nil) throws -> CustomScalarLayout? {
        for run in runs.sorted(by: { ($0.name == ".") && ($1.name != ".") }) {
            var layout: CustomScalarLayout?
            try forEachValue(in: run, of: [.customScalars], onDamage: onDamage) { _, point in
                if case .customScalarsLayout(let found) = point.value { layout = found }
            }
            if let layout { return layout }
        }
        return nil
    }
}
