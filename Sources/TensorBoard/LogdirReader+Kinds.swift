extension LogdirReader {
    /// Streams every value of the given dashboard kinds in a run, file by file in name order.
    ///
    /// With `.raw` semantics every value is delivered as written, in one pass. With
    /// `.tensorBoard` the run is read twice: the first pass notes, per tag, each point whose
    /// step does not exceed the steps before it (a restart); the second delivers a point only
    /// when every later point of its tag has a larger step, which is what TensorBoard keeps
    /// when each arriving point drops the earlier ones with step ≥ its own. The images or
    /// clips of one event count as one point. HParams records and layouts are never dropped.
    /// Memory is bounded by the largest event, the distinct tags and the restarts, never by
    /// the number of values.
    ///
    /// - Parameters:
    ///   - run: One of `runs`.
    ///   - kinds: The dashboard kinds wanted.
    ///   - acceptsTag: Tag filter (default: all); rejected tags are not decoded.
    ///   - semantics: `.raw` (default) or `.tensorBoard`.
    ///   - onDamage: Called with the error when a file is damaged, after which reading moves on
    ///     to the run's next file (values before the damage have been delivered). When `nil`
    ///     (the default), damage is thrown.
    ///   - body: Receives the file and each point.
    /// - Throws: `EventReadError`, or what `body` throws.
    public func forEachValue(
        in run: RunInfo, of kinds: Set<DashboardKind>, acceptsTag: ((String) -> Bool)? = nil, semantics: Semantics = .raw,
        onDamage: ((EventReadError) -> Void)? = nil, _ body: (_ file: String, _ point: DashboardPoint) throws -> Void
    ) throws {
        guard semantics == .tensorBoard else {
            try readFiles(of: run, kinds: kinds, acceptsTag: acceptsTag, onDamage: onDamage, body)
            return
        }
        var plan = RestartPlan()
        try readFiles(of: run, kinds: kinds, acceptsTag: acceptsTag, onDamage: { _ in }) { _, point in
            if let key = RestartPlan.seriesEntry(of: point) { plan.observe(tag: key, step: point.step) }
        }
        plan.finishObserving()
        var lastSurvived = true
        try readFiles(of: run, kinds: kinds, acceptsTag: acceptsTag, onDamage: onDamage) { file, point in
            if let key = RestartPlan.seriesEntry(of: point) {
                lastSurvived = plan.survives(tag: key, step: point.step)
            } else if !RestartPlan.continuesEntry(point) {
                lastSurvived = true
            }
            if lastSurvived { try body(file, point) }
        }
    }

    private func readFiles(
        of run: RunInfo, kinds: Set<DashboardKind>, acceptsTag: ((String) -> Bool)?, onDamage: ((EventReadError) -> Void)?,
        _ body: (String, DashboardPoint) throws -> Void
    ) throws {
        for file in run.eventFiles {
            let reader = try EventFileReader(path: file)
            do {
                try reader.forEachValue(of: kinds, acceptsTag: acceptsTag) { point in try body(file, point) }
            } catch let error as EventReadError {
                guard let onDamage else { throw error }
                onDamage(error)
            }
        }
    }
}

/// Which points of each series survive TensorBoard's restart rule, from one pass of steps.
///
/// Point `i` of a series survives iff `step[i] < step[j]` for every later point `j`. Only the
/// points whose step is ≤ the largest step before them (restarts) can drop earlier points, so
/// the plan stores those with the suffix minimum of their steps: memory O(tags + restarts).
struct RestartPlan {
    fileprivate struct Series {
        var count = 0
        var maximumStep = Int64.min
        /// `(index, step)` of each restart, in index order.
        var restarts: [(index: Int, step: Int64)] = []
        /// `suffixMinimum[r]` = the smallest step among restarts `r...`.
        var suffixMinimum: [Int64] = []
        /// Second pass: points seen and the first restart after them.
        var seen = 0
        var nextRestart = 0
    }

    private var series: [String: Series] = [:]

    /// The series key of a point that starts a new entry of its series, or `nil` for a point
    /// outside the rule (hparams, layouts) or a further sample of the previous image or clip.
    static func seriesEntry(of point: DashboardPoint) -> String? {
        switch point.value {
        case .hparams, .customScalarsLayout: return nil
        case .image(let image) where image.sample > 0: return nil
        case .audio(let audio) where audio.sample > 0: return nil
        default: return point.tag
        }
    }

    /// Whether a point is a further sample of the previous point's event.
    static func continuesEntry(_ point: DashboardPoint) -> Bool {
        switch point.value {
        case .image(let image): return image.sample > 0
        case .audio(let audio): return audio.sample > 0
        default: return false
        }
    }

    /// First pass: notes one point of `tag`.
    mutating func observe(tag: String, step: Int64) {
        series[tag, default: Series()].observe(step)
    }

    /// Ends the first pass (computes the suffix minima).
    mutating func finishObserving() {
        for key in series.keys { series[key]?.finish() }
    }

    /// Second pass: whether the next point of `tag` survives.
    mutating func survives(tag: String, step: Int64) -> Bool {
        series[tag, default: Series()].survives(step)
    }
}

extension RestartPlan.Series {
    fileprivate mutating func observe(_ step: Int64) {
        if step <= maximumStep { restarts.append((count, step)) }
        maximumStep = max(maximumStep, step)
        count += 1
    }

    fileprivate mutating func finish() {
        suffixMinimum = Array(repeating: .max, count: restarts.count)
        var running = Int64.max
        for r in restarts.indices.reversed() {
            running = min(running, restarts[r].step)
            suffixMinimum[r] = running
        }
    }

    fileprivate mutating func survives(_ step: Int64) -> Bool {
        let index = seen
        seen += 1
        while nextRestart < restarts.count, restarts[nextRestart].index <= index { nextRestart += 1 }
        return nextRestart == restarts.count || step < suffixMinimum[nextRestart]
    }
}
