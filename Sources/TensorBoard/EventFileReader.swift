public import EventRecords

#if canImport(Glibc)
    import Glibc
#endif

/// Errors of the event-file and log-directory readers.
public enum EventReadError: Error, Equatable, CustomStringConvertible {
    /// The record layer reported damage, a read failure or an unopenable file.
    case record(RecordError)
    /// A record's payload is not a valid `Event`.
    case decoding(EventDecodingError)
    /// The path does not exist.
    case pathNotFound(String)
    /// The path holds no event file (no file name containing `tfevents`).
    case noEventFiles(String)

    /// One line saying what happened and what to do.
    public var description: String {
        switch self {
        case .record(let error): return error.description
        case .decoding(let error): return error.description
        case .pathNotFound(let path): return "\(path): no such file or directory"
        case .noEventFiles(let path): return "\(path): no event files (names containing 'tfevents') found"
        }
    }
}

/// One scalar point of a series.
public struct ScalarPoint: Sendable, Equatable {
    /// Global step.
    public var step: Int64
    /// Wall time, seconds since the Unix epoch.
    public var wallTime: Double
    /// The value (float32 `simple_value` widened exactly, or a tensor element).
    public var value: Double

    /// Creates a point.
    ///
    /// - Parameters:
    ///   - step: Global step.
    ///   - wallTime: Seconds since the Unix epoch.
    ///   - value: The value.
    public init(step: Int64, wallTime: Double, value: Double) {
        self.step = step
        self.wallTime = wallTime
        self.value = value
    }
}

/// Streams the events of one event file, resumable when the file grows.
///
/// Both CRCs are checked. A short tail ends a read pass quietly (call again when the file has
/// grown: reading resumes at the cut record). Damage stops the file: the read throws
/// `EventReadError` naming the file, byte offset and kind, and nothing after it is returned.
/// Not thread-safe: one reader per thread.
public final class EventFileReader {
    /// The file's path.
    public let path: String
    let records: RecordReader
    /// First plugin name seen per tag in this file (what the loaders classify values by).
    public internal(set) var pluginNames: [String: String] = [:]
    var tagCache = TagCache()

    /// Opens an event file.
    ///
    /// - Parameter path: The file.
    /// - Throws: `EventReadError.record(.openFailed)`.
    public init(path: String) throws(EventReadError) {
        self.path = path
        do { records = try RecordReader(path: path) } catch { throw .record(error) }
    }

    /// Byte offset of the next unread record.
    public var offset: Int { records.offset }

    /// Calls `body` with every complete event available now, in file order (protobuf-c path).
    ///
    /// - Parameter body: Receives each event.
    /// - Throws: `EventReadError` at damage or an undecodable record; what `body` throws.
    public func forEachEvent(_ body: (Event) throws -> Void) throws {
        do {
            try records.forEachPayload { payload in
                let event = try EventDecoding.decode(payload, path: path, offset: records.offset - payload.count - RecordFraming.overhead)
                if case .summary(let values) = event.content {
                    for value in values where pluginNames[value.tag] == nil {
                        if let name = value.metadata?.pluginName { pluginNames[value.tag] = name }
                    }
                }
                try body(event)
            }
        } catch let error as RecordError {
            throw EventReadError.record(error)
        } catch let error as EventDecodingError {
            throw EventReadError.decoding(error)
        }
    }

    /// Calls `body` with every scalar point available now, in file order.
    ///
    /// `forEachValue(of: [.scalars])`: events that hold only `simple_value` scalars take an
    /// allocation-free path, events holding no scalar are skipped undecoded; other events go
    /// through protobuf-c, and their one-element numeric tensors count as scalars when the
    /// tag's plugin is `scalars`. Tags rejected by `acceptsTag` are skipped without building
    /// their values (checked once per distinct tag).
    ///
    /// - Parameters:
    ///   - acceptsTag: Tag filter (default: every tag).
    ///   - body: Receives the tag, and the point.
    /// - Throws: `EventReadError` at damage or an undecodable record.
    public func forEachScalar(
        acceptsTag: ((String) -> Bool)? = nil, _ body: (String, ScalarPoint) throws -> Void
    ) throws {
        try forEachValue(of: [.scalars], acceptsTag: acceptsTag) { point in
            if case .scalar(let value) = point.value { try body(point.tag, ScalarPoint(step: point.step, wallTime: point.wallTime, value: value)) }
        }
    }

    struct Stop: Error {}
}

/// Interns tag strings seen by the fast path and remembers the filter's verdict per tag, so a
/// repeated tag costs one byte comparison instead of a `String` allocation and a filter call.
///
/// The eight most recently used tags are compared byte for byte (a run's scalars usually cycle
/// through a few tags); other tags go through a dictionary.
struct TagCache {
    private struct Entry {
        var bytes: [UInt8]
        var tag: String
        var accepted: Bool
    }

    private static let recentCount = 8
    private var recent: [Entry] = []
    /// Where the next tag not among `recent` goes (round robin).
    private var nextSlot = 0
    private var known: [[UInt8]: (String, Bool)] = [:]

    mutating func lookup(_ bytes: UnsafeRawBufferPointer, _ acceptsTag: ((String) -> Bool)?) -> (String, Bool) {
        for entry in recent where entry.bytes.count == bytes.count {
            let equal = entry.bytes.withUnsafeBytes { stored in stored.count == 0 || memcmp(stored.baseAddress!, bytes.baseAddress!, stored.count) == 0 }
            if equal { return (entry.tag, entry.accepted) }
        }
        let key = Array(bytes)
        let entry: (String, Bool)
        if let cached = known[key] {
            entry = cached
        } else {
            let tag = String(decoding: bytes, as: UTF8.self)
            entry = (tag, acceptsTag?(tag) ?? true)
            known[key] = entry
        }
        let fresh = Entry(bytes: key, tag: entry.0, accepted: entry.1)
        if recent.count < Self.recentCount {
            recent.append(fresh)
        } else {
            recent[nextSlot] = fresh
            nextSlot = (nextSlot + 1) % Self.recentCount
        }
        return entry
    }
}
