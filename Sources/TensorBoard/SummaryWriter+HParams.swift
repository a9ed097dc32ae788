import Foundation

extension SummaryWriter {
    /// Logs a hyperparameter session with its metrics (torch `add_hparams`).
    ///
    /// As torch (spec/tensorboard.md §2.6): a new writer in the sub-run `<logdir>/<runName>`
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
        let name = runName ?? String(Date().timeIntervalSince1970)
        try PathComponent.validateRelativePath(name, role: "addHparams run name")
        let directory = logDirectory + "/" + name
        let writer = try SummaryWriter(logDirectory: directory, options: subWriterOptions)
        let contents: [(String, [UInt8])] = [
            ("_hparams_/experiment", HParamsEncoding.experiment(hparams: hparams, discreteDomains: discreteDomains, metrics: metrics.map(\.0))),
            ("_hparams_/session_start_info", HParamsEncoding.sessionStart(hparams: hparams)),
            ("_hparams_/session_end_info", HParamsEncoding.sessionEnd()),
        ]
        for (tag, content) in contents {
            try writer.write(values: [SummaryValue(tag: tag, metadata: SummaryMetadata(pluginName: "hparams", pluginContent: content), value: .none)], step: step)
        }
        for (tag, value) in metrics { try writer.addScalar(tag, value, step: step) }
        try writer.close()
        return directory
    }

    private static func sameKind(_ a: HParamValue, _ b: HParamValue) -> Bool {
        switch (a, b) {
        case (.bool, .bool), (.number, .number), (.string, .string): return true
        default: return false
        }
    }
}
