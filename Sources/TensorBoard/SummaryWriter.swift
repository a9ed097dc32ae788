public import EventRecords
public import ScalarLogging
import Foundation
import ProcessRuntime
import Synchronization

/// Writes TensorBoard event files: the Swift counterpart of torch's
/// `torch.utils.tensorboard.SummaryWriter` (`add_scalar` is `addScalar`, and so on).
///
/// One writer owns one event file in its log directory, named
/// `events.out.tfevents.<10-digit seconds>.<host>.<pid>.<counter><suffix>` and created with
/// `O_EXCL` (the counter is bumped on a collision), so writers in one directory never overwrite
/// each other. The first record is `file_version "brain.Event:2"`. Scalars are `simple_value`
/// float32 by default (or TF2-style rank-0 `DT_FLOAT` tensors, `ScalarEncoding.tensor`).
/// Encoding and framing happen on the caller's thread; a background thread writes chunks
/// (see `RecordWriter` for buffering, flush and error semantics). Safe to call from many
/// threads at once; records never interleave.
public final class SummaryWriter: Sendable {
    /// How scalars are encoded.
    public enum ScalarEncoding: String, Sendable, CaseIterable {
        /// `Summary.Value.simple_value` (float32): smallest, read by every loader. Default.
        case simpleValue
        /// TF2 style: rank-0 `DT_FLOAT` tensor, plugin `scalars`, metadata on the first value of
        /// each tag per file only. Never `DT_DOUBLE`: RustBoard hides those (docs/reference/tensorboard-format.md, "Scalar interpretation").
        case tensor
    }

    /// The log directory (the run directory this writer's file is in).
    public let logDirectory: String
    /// The event file's path.
    public let filePath: String
    /// The scalar encoding.
    public let scalarEncoding: ScalarEncoding
    let records: RecordWriter
    private let tagsWithMetadata = Mutex<Set<String>>([])
    let openSubWriters = Mutex(SubWriterTable())
    let subWriterOptions: RecordWriterOptions
    let embeddings = Mutex<[ProjectorEmbedding]>([])

    /// File names tried before giving up: a name is taken only by a file of this process
    /// written in the same second, so a long run of collisions means the path is unusable.
    static let maximumFileNameAttempts = 1000

    /// Process-wide file counter, as TF2 / tensorboard / torch use (docs/reference/tensorboard-format.md, "Event file names").
    private static let fileCounter = Atomic<Int>(0)

    /// Creates the log directory if needed and a new event file in it.
    ///
    /// - Parameters:
    ///   - logDirectory: Run directory (created with intermediate directories).
    ///   - filenameSuffix: Appended to the file name (torch's `filename_suffix`).
    ///   - scalarEncoding: How scalars are encoded (default `simple_value`).
    ///   - purgeStep: For resumed runs: writes `Event{step, file_version}` and
    ///     `SessionLog{START}` at this step, as torch's `purge_step` (docs/reference/tensorboard-format.md, "Run directories and restarts").
    ///   - options: Buffering and flush settings of the record writer.
    ///   - onError: Called once, on the background thread, with the first write error.
    ///   - startWallTime: Wall time of the leading `file_version` event and of the file name
    ///     (default: now); fix it to produce byte-identical files.
    /// - Throws: `SummaryWriterError.cannotCreateDirectory`, `.invalidWallTime`, `.record`, or
    ///   `.invalidPathComponent` for a suffix with `/` or NUL or a directory with NUL.
    public init(
        logDirectory: String, filenameSuffix: String = "", scalarEncoding: ScalarEncoding = .simpleValue,
        purgeStep: Int? = nil, options: RecordWriterOptions = RecordWriterOptions(),
        onError: (@Sendable (RecordError) -> Void)? = nil, startWallTime: Double? = nil
    ) throws(SummaryWriterError) {
        try PathComponent.validateSuffix(filenameSuffix, role: "filename suffix")
        if logDirectory.utf8.contains(0) { throw .invalidPathComponent(logDirectory, role: "log directory", problem: .nulByte) }
        do {
            try FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateDirectory(path: logDirectory, reason: Self.reason(error))
        }
        if let purgeStep, purgeStep < 0 { throw .negativeStep(purgeStep) }
        let wallTime = startWallTime ?? Date().timeIntervalSince1970
        guard wallTime.isFinite else { throw .invalidWallTime(wallTime) }
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        let pid = ProcessInfo.processInfo.processIdentifier
        let seconds = String(format: "%010d", Int(wallTime))
        var exclusive = options
        exclusive.createsExclusively = true
        var opened: (String, RecordWriter)?
        var attempts = 0
        while opened == nil {
            let counter = Self.fileCounter.wrappingAdd(1, ordering: .relaxed).oldValue
            let path = logDirectory + "/events.out.tfevents.\(seconds).\(host).\(pid).\(counter)\(filenameSuffix)"
            attempts += 1
            do {
                opened = (path, try RecordWriter(path: path, options: exclusive, onError: onError))
            } catch .fileExists where attempts < Self.maximumFileNameAttempts {
                continue
            } catch {
                throw .record(error)
            }
        }
        guard let (path, records) = opened else { throw .record(.openFailed(path: logDirectory, reason: "no file name")) }
        self.logDirectory = logDirectory
        self.filePath = path
        self.records = records
        self.scalarEncoding = scalarEncoding
        self.subWriterOptions = options
        try write(Event(wallTime: wallTime, content: .fileVersion("brain.Event:2")))
        if let purgeStep {
            try write(Event(wallTime: wallTime, step: Int64(purgeStep), content: .fileVersion("brain.Event:2")))
            try write(Event(wallTime: wallTime, step: Int64(purgeStep), content: .sessionLog(SessionLog(status: .start))))
        }
    }

    deinit {
        for writer in openSubWriters.withLock({ $0.removeAll() }) { try? writer.close() }
    }

    /// Writes one event (any content), encoded through protobuf-c.
    ///
    /// - Parameter event: The event; its wall time must be finite.
    /// - Throws: `SummaryWriterError.invalidWallTime` or `.record`.
    public func write(_ event: Event) throws(SummaryWriterError) {
        guard event.wallTime.isFinite else { throw .invalidWallTime(event.wallTime) }
        do {
            try EventEncoding.withPackedEvent(event) { size, pack in
                try records.write(payloadSize: size, encode: pack)
            }
        } catch let error as RecordError {
            throw .record(error)
        } catch {
            preconditionFailure("unreachable: only RecordError is thrown")
        }
    }

    /// Writes summary values at a step (one event).
    ///
    /// - Parameters:
    ///   - values: The values.
    ///   - step: Global step, ≥ 0.
    ///   - wallTime: Seconds since the Unix epoch (default: now).
    /// - Throws: `SummaryWriterError`.
    public func write(values: [SummaryValue], step: Int, wallTime: Double? = nil) throws(SummaryWriterError) {
        guard step >= 0 else { throw .negativeStep(step) }
        try write(Event(wallTime: wallTime ?? Date().timeIntervalSince1970, step: Int64(step), content: .summary(values)))
    }

    /// Logs a scalar (torch `add_scalar`).
    ///
    /// Stored as float32, as every TensorBoard writer does; NaN and ±∞ values are logged as such.
    ///
    /// - Parameters:
    ///   - tag: Series name; `/` groups series in the dashboard.
    ///   - value: The value.
    ///   - step: Global step, ≥ 0 (default 0, as torch's `global_step=None`).
    ///   - wallTime: Seconds since the Unix epoch (default: now); must be finite.
    /// - Throws: `SummaryWriterError.invalidWallTime`, `.negativeStep` or `.record`.
    public func addScalar(_ tag: String, _ value: Double, step: Int = 0, wallTime: Double? = nil) throws(SummaryWriterError) {
        let time = wallTime ?? Date().timeIntervalSince1970
        guard time.isFinite else { throw .invalidWallTime(time) }
        guard step >= 0 else { throw .negativeStep(step) }
        switch scalarEncoding {
        case .simpleValue:
            var tag = tag
            do {
                try tag.withUTF8 { bytes in
                    let raw = UnsafeRawBufferPointer(bytes)
                    let size = ScalarEventEncoding.payloadSize(tagCount: raw.count, wallTime: time, step: Int64(step))
                    try records.write(payloadSize: size) { destination in
                        ScalarEventEncoding.encode(tag: raw, value: Float(value), wallTime: time, step: Int64(step), into: destination)
                    }
                }
            } catch let error as RecordError {
                throw .record(error)
            } catch {
                preconditionFailure("unreachable: only RecordError is thrown")
            }
        case .tensor:
            let first = tagsWithMetadata.withLock { $0.insert(tag).inserted }
            let metadata = first ? SummaryMetadata(pluginName: "scalars", dataClass: .scalar) : nil
            let tensor = TensorValue(dataType: TensorValue.float, shape: [], storage: .floats([Float(value)]))
            try write(Event(wallTime: time, step: Int64(step), content: .summary([SummaryValue(tag: tag, metadata: metadata, value: .tensor(tensor))])))
        }
    }

    /// Writes everything buffered and waits until it reached the kernel.
    ///
    /// - Throws: `SummaryWriterError.record` with a stored write error.
    public func flush() throws(SummaryWriterError) {
        do { try records.flush() } catch { throw .record(error) }
        for writer in openSubWriters.withLock({ $0.writers }) {
            do { try writer.flush() } catch .record(.closed) {
                continue  // evicted by a concurrent addScalars after it flushed everything
            }
        }
    }

    /// Flushes and closes the file (and any `addScalars` sub-run files). Later calls throw.
    ///
    /// - Throws: `SummaryWriterError.record` with a stored write error.
    public func close() throws(SummaryWriterError) {
        var firstError: SummaryWriterError?
        for writer in openSubWriters.withLock({ $0.removeAll() }) {
            do { try writer.close() } catch { firstError = firstError ?? error }
        }
        do { try records.close() } catch { firstError = firstError ?? .record(error) }
        if let firstError { throw firstError }
    }

    /// The `errno` text of a failed Foundation file operation, never Foundation's raw
    /// `NSCocoaErrorDomain` text.
    static func reason(_ error: any Error) -> String {
        SystemCallText.describe(fileError: error)
    }
}

extension SummaryWriter: ScalarLogger {
    /// Logs a scalar through `addScalar` (the `ScalarLogger` hook used by the losses).
    ///
    /// - Throws: `SummaryWriterError`.
    public func logScalar(tag: String, value: Double, step: Int) throws {
        try addScalar(tag, value, step: step)
    }

    /// Logs a Custom Scalars layout through `addCustomScalars`.
    ///
    /// - Throws: `SummaryWriterError`.
    public func logCustomScalarLayout(_ layout: CustomScalarLayout) throws {
        try addCustomScalars(layout)
    }
}
