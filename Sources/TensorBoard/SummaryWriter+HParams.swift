import Foundation

extension SummaryWriter {
    /// Logs a hyperparameter session with its metrics (torch `add_hparams`).
    ///
    /// As torch (docs/reference/tensorboard-format.md, "HParams"): a new writer in the sub-run `<logdir>/<runName>`
    /// (default: the current time in seconds, as torch's `str(time.time())`) writes three
    /// metadata-only values tagged `_hparams_/experiment`, `_hparams_/session_start_info` and
    /// `_hparams_/session_end_info` (plugin `hparams`, serialized `HParamsPluginData`), then each
    /// metric as a scalar at `step`. Bools are typed BOOL (tensorboardX's choice; torch types
    /// them FLOAT64), numbers FLOAT64, strings STRING.
    ///
    /// - Parameters:
    ///   - hparams: Name → value, in display order.
    ///   - metrics: Metric tag → value, in display order.
    ///   - discreteDomains: Optional allowed values per hparam (torch `hparam_domain_discrete`).
    ///   - runName: Sub-run name, a relative path inside the log directory (default: the
    ///     current Unix time).
    ///   - step: Step of the metric scalars (default 0).
    /// - Returns: The sub-run's directory.
    /// - Throws: `SummaryWriterError.invalidArgument` for empty or duplicate names, non-finite
    ///   numbers, or a domain whose values are of another type; `.invalidPathComponent` for a
    ///   run name that is absolute or has an empty, `.` or `..` component or a NUL byte (it
    ///   may have several components, `sweep/run1`); a write error.
    @discardableResult
    public func addHparams(
        _ hparams: [(String, HParamValue)], metrics: [(String, Double)], discreteDomains: [String: [HParamValue]] = [:],
        runName: String? = nil, step: Int = 0
    ) throws(SummaryWriterError) -> String {
        try addHparams(hparams, metrics: metrics, discreteDomains: discreteDomains, in: runName.map { .subRun($0) } ?? .timestampedSubRun, step: step)
    }

    /// Logs a hyperparameter session into the chosen run (the implementation of every
    /// `addHparams` overload).
    ///
    /// - Parameters:
    ///   - hparams: Name → value, in display order.
    ///   - metrics: Metric tag → value, in display order; each is written as a scalar at `step`.
    ///   - discreteDomains: Optional allowed values per hparam.
    ///   - destination: This writer's run, a named sub-run, or a sub-run named by the time.
    ///   - step: Step of the three metadata values and the metric scalars.
    /// - Returns: The session's run directory.
    /// - Throws: As `addHparams(_:metrics:discreteDomains:runName:step:)`.
    @discardableResult
    public func addHparams(
        _ hparams: [(String, HParamValue)], metrics: [(String, Double)], discreteDomains: [String: [HParamValue]] = [:],
        in destination: HParamsDestination, step: Int = 0
    ) throws(SummaryWriterError) -> String {
        for (name, value) in hparams {
            guard !name.isEmpty else { throw .invalidArgument("hparams: empty hyperparameter name") }
            if case .number(let x) = value, !x.isFinite { throw .invalidArgument("hparams: \(name) = \(x) is not finite") }
            if let domain = discreteDomains[name], !domain.allSatisfy({ Self.sameKind($0, value) }) {
                throw .invalidArgument("hparams: the discrete domain of \(name) mixes types with its value \(value)")
            }
        }
        guard Set(hparams.map(\.0)).count == hparams.count else { throw .invalidArgument("hparams: duplicate hyperparameter names") }
        guard Set(metrics.map(\.0)).count == metrics.count, !metrics.contains(where: { $0.0.isEmpty }) else {
            throw .invalidArgument("hparams: metric tags must be non-empty and distinct")
        }
        let writer: SummaryWriter
        switch destination {
        case .thisRun:
            writer = self
        case .subRun(let name):
            try PathComponent.validateRelativePath(name, role: "addHparams run name")
            writer = try SummaryWriter(logDirectory: logDirectory + "/" + name, options: subWriterOptions)
        case .timestampedSubRun:
            writer = try SummaryWriter(logDirectory: logDirectory + "/" + String(Date().timeIntervalSince1970), options: subWriterOptions)
        }
        let contents: [(String, [UInt8])] = [
            ("_hparams_/experiment", HParamsEncoding.experiment(hparams: hparams, discreteDomains: discreteDomains, metrics: metrics.map(\.0))),
            ("_hparams_/session_start_info", HParamsEncoding.sessionStart(hparams: hparams)),
            ("_hparams_/session_end_info", HParamsEncoding.sessionEnd()),
        ]
        for (tag, content) in contents {
            try writer.write(values: [SummaryValue(tag: tag, metadata: SummaryMetadata(pluginName: "hparams", pluginContent: content), value: .none)], step: step)
        }
        for (tag, value) in metrics { try writer.addScalar(tag, value, step: step) }
        if writer !== self { try writer.close() }
        return writer.logDirectory
    }

    private static func sameKind(_ a: HParamValue, _ b: HParamValue) -> Bool {
        switch (a, b) {
        case (.bool, .bool), (.number, .number), (.string, .string): return true
        default: return false
        }
    }
}
