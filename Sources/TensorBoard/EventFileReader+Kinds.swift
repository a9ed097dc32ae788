import EventRecords

extension EventFileReader {
    /// Calls `body` with every value of the given dashboard kinds available now, in file order.
    ///
    /// Events that hold only `simple_value` scalars take the allocation-free path (and are
    /// skipped without decoding when `kinds` lacks `.scalars`); events whose wire bytes show no
    /// value of `kinds` (`EventKindScan`) are skipped undecoded; the others go through
    /// protobuf-c and are typed as `SummaryValue.forEachDashboardValue` describes. Memory is
    /// bounded by the largest event plus one entry per distinct tag, whatever the file's size.
    ///
    /// - Parameters:
    ///   - kinds: The dashboard kinds wanted.
    ///   - acceptsTag: Tag filter (default: every tag), applied to the tag as written (and, for
    ///     a tag ending in `/text_summary`, to the name without that suffix).
    ///   - body: Receives each typed point.
    /// - Throws: `EventReadError` at damage or an undecodable record; what `body` throws.
    public func forEachValue(
        of kinds: Set<DashboardKind>, acceptsTag: ((String) -> Bool)? = nil, _ body: (DashboardPoint) throws -> Void
    ) throws {
        var pending: [(tag: String, value: Float)] = []
        var decodingError: EventDecodingError?
        let wantsScalars = kinds.contains(.scalars)
        do {
            try records.forEachPayload { payload in
                pending.removeAll(keepingCapacity: true)
                let result = ScalarEventDecoding.decode(payload) { scalar in
                    guard wantsScalars else { return }
                    let (tag, accepted) = tagCache.lookup(scalar.tag, acceptsTag)
                    if accepted { pending.append((tag, scalar.value)) }
                }
                if case .scalars(let wallTime, let step, _) = result {
                    for (tag, value) in pending {
                        try body(DashboardPoint(tag: tag, step: step, wallTime: wallTime, value: .scalar(Double(value))))
                    }
                    return
                }
                let mayHold = EventKindScan.mayHold(payload, kinds: kinds) { tag in
                    guard let name = pluginNames[String(decoding: tag, as: UTF8.self)] else { return .unseen }
                    return .seen(DashboardKind(pluginName: name))
                }
                guard mayHold else {
                    // Not decoded, but a payload protobuf-c could not parse is still damage.
                    do {
                        try EventDecoding.checkNesting(payload, path: path, offset: records.offset - payload.count - RecordFraming.overhead)
                    } catch let error as EventDecodingError {
                        decodingError = error
                        throw Stop()
                    }
                    return
                }
                let event: Event
                do {
                    event = try EventDecoding.decode(payload, path: path, offset: records.offset - payload.count - RecordFraming.overhead)
                } catch let error as EventDecodingError {
                    decodingError = error
                    throw Stop()
                }
                guard case .summary(let values) = event.content else { return }
                for value in values {
                    if pluginNames[value.tag] == nil, let name = value.metadata?.pluginName { pluginNames[value.tag] = name }
                    if let acceptsTag, !acceptsTag(value.tag), !Self.acceptsTextName(of: value.tag, acceptsTag) { continue }
                    try value.forEachDashboardValue(pluginName: pluginNames[value.tag], kinds: kinds) { tag, typed in
                        try body(DashboardPoint(tag: tag, step: event.step, wallTime: event.wallTime, value: typed))
                    }
                }
            }
        } catch let error as RecordError {
            throw EventReadError.record(error)
        } catch is Stop {
            if let decodingError { throw EventReadError.decoding(decodingError) }
        }
    }

    /// Whether the filter accepts a torch/tensorboardX text tag under its name without the
    /// `/text_summary` suffix (the name rows carry).
    private static func acceptsTextName(of tag: String, _ acceptsTag: (String) -> Bool) -> Bool {
        tag.hasSuffix(SummaryValue.textSummarySuffix) && acceptsTag(String(tag.dropLast(SummaryValue.textSummarySuffix.count)))
    }
}
