import Foundation
import ProcessRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// Options of a `RecordWriter`.
public struct RecordWriterOptions: Sendable {
    /// What `write` does when the queue of chunks waiting for the disk is full.
    public enum QueueFullPolicy: String, Sendable, CaseIterable {
        /// The caller waits until the background writer has made room (back-pressure, like
        /// torch's `queue.Queue.put`). No record is ever dropped. The default.
        case block
        /// The chunk is dropped and counted in `RecordWriter.droppedRecordCount`; the caller
        /// never waits. For training loops that must not stall on a slow file system.
        case dropNewest
    }

    /// Size at which the caller's buffer is handed to the background writer, in bytes
    /// (default 1 MiB: large `write(2)` calls, as the C baseline of docs/reference/tensorboard-format.md, "Peer throughput").
    public var chunkSize: Int = 1 << 20
    /// Maximum number of chunks waiting for the disk (default 32, i.e. 32 MiB by default).
    public var maximumQueuedChunks: Int = 32
    /// Policy when `maximumQueuedChunks` chunks are waiting.
    public var queueFullPolicy: QueueFullPolicy = .block
    /// Seconds after which buffered records are written even if the chunk is not full
    /// (default 2 s; torch's 120 s makes short runs look empty, docs/reference/tensorboard-format.md, "Flushing").
    public var flushInterval: Double = 2
    /// Whether `flush()` and `close()` also `fsync` the file (default `false`: fsync is slow
    /// on network file systems and only protects against power loss, not process crashes).
    public var synchronizesOnFlush: Bool = false
    /// Create the file with `O_EXCL`, failing if it exists (default `true`).
    public var createsExclusively: Bool = true

    /// Creates default options.
    public init() {}
}

/// Appends framed records to a file: framing on the caller's thread into an in-memory chunk,
/// one background thread issuing large `write(2)` calls.
///
/// - Thread safety: every method may be called from any thread; records from concurrent calls
///   never interleave (each is framed whole under the lock).
/// - Errors: the file is opened in the throwing initializer. A failure of the background write
///   (disk full, permission, removed directory) never traps: it is stored, passed to the error
///   callback once, and rethrown by the next `write`, `flush()` or `close()`. Use after
///   `close()` throws `RecordError.closed`.
/// - Durability: `flush()` hands everything buffered to the disk writer and waits until it has
///   reached the kernel (so it survives a killed process); with `synchronizesOnFlush` it also
///   `fsync`s. Buffered records are written by `close()` and by `deinit`, at the latest
///   `flushInterval` seconds after they were written, and when the process exits normally
///   (`exit`, or returning from `main`) while the writer is still open: an `atexit` handler,
///   installed when the first writer opens, flushes every open writer.
public final class RecordWriter: Sendable {
    /// The file's path.
    public let path: String
    private let core: RecordWriterCore

    /// Creates the file and starts the background writer.
    ///
    /// - Parameters:
    ///   - path: File to create.
    ///   - options: Buffering, queue and flush settings.
    ///   - onError: Called once, on the background thread, with the first write error.
    /// - Throws: `RecordError.fileExists` or `.openFailed`.
    public init(
        path: String, options: RecordWriterOptions = RecordWriterOptions(),
        onError: (@Sendable (RecordError) -> Void)? = nil
    ) throws(RecordError) {
        // A NUL byte would silently cut the path short in open(2).
        if path.utf8.contains(0) { throw .openFailed(path: path, reason: "the path contains a NUL byte") }
        var flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_APPEND
        if options.createsExclusively { flags |= O_EXCL }
        let fd = open(path, flags, 0o644)
        if fd < 0 {
            let code = errno
            if code == EEXIST { throw .fileExists(path: path) }
            throw .openFailed(path: path, reason: String(cString: strerror(code)))
        }
        self.path = path
        core = RecordWriterCore(fd: fd, path: path, options: options, onError: onError)
        core.start()
        OpenRecordWriters.register(core)
    }

    deinit {
        try? core.close()
    }

    /// Appends one record whose payload is encoded in place by `encode`.
    ///
    /// - Parameters:
    ///   - payloadSize: Exact payload size in bytes.
    ///   - encode: Writes exactly `payloadSize` bytes into the buffer it receives.
    /// - Throws: A stored background error, or `RecordError.closed`.
    public func write(payloadSize: Int, encode: (UnsafeMutableRawBufferPointer) -> Void) throws(RecordError) {
        try core.write(payloadSize: payloadSize, encode: encode)
    }

    /// Appends one record.
    ///
    /// - Parameter payload: The payload bytes.
    /// - Throws: A stored background error, or `RecordError.closed`.
    public func write(_ payload: [UInt8]) throws(RecordError) {
        try core.write(payloadSize: payload.count) { destination in
            payload.withUnsafeBytes { destination.copyMemory(from: $0) }
        }
    }

    /// Writes everything buffered and waits until it reached the kernel (and the disk, with
    /// `synchronizesOnFlush`).
    ///
    /// - Throws: A stored background error, or `RecordError.closed`.
    public func flush() throws(RecordError) {
        try core.flush(synchronize: core.options.synchronizesOnFlush)
    }

    /// Writes everything buffered and `fsync`s the file, whatever the options say.
    ///
    /// - Throws: A stored background error, `RecordError.syncFailed` or `.closed`.
    public func synchronize() throws(RecordError) {
        try core.flush(synchronize: true)
    }

    /// Flushes, stops the background writer and closes the file. Later calls throw `.closed`.
    ///
    /// - Throws: A stored background error (the file is closed anyway).
    public func close() throws(RecordError) {
        try core.close()
    }

    /// Number of records dropped under the `dropNewest` queue policy.
    public var droppedRecordCount: Int { core.droppedRecordCount }

    /// Bytes handed to this writer so far (framed records), written or still buffered.
    public var bytesWritten: Int { core.bytesAccepted }
}

/// The shared state of a `RecordWriter` and its background thread.
///
/// `@unchecked Sendable`: every mutable stored property is read and written only while holding
/// `condition` (an `NSCondition`, i.e. a mutex plus condition variable), except `fd`, `path`,
/// `options` and `onError`, which are immutable.
final class RecordWriterCore: @unchecked Sendable {
    let fd: Int32
    let path: String
    let options: RecordWriterOptions
    let onError: (@Sendable (RecordError) -> Void)?

    private let condition = NSCondition()
    // All below guarded by `condition`.
    private var buffer: [UInt8] = []
    private var bufferRecordCount = 0
    private var queue: [(bytes: [UInt8], records: Int)] = []
    private var handedOff = 0  // chunks handed to the disk writer
    private var completed = 0  // chunks the disk writer finished (written or failed)
    private var storedError: RecordError?
    private var closed = false
    private var stopping = false
    private var threadFinished = false
    private var syncRequests = 0
    private var syncsDone = 0
    private var bufferStart = Date()
    private var dropped = 0
    private var accepted = 0
    private var backgroundThread: pthread_t?

    init(fd: Int32, path: String, options: RecordWriterOptions, onError: (@Sendable (RecordError) -> Void)?) {
        self.fd = fd
        self.path = path
        self.options = options
        self.onError = onError
        buffer.reserveCapacity(options.chunkSize + 4096)
    }

    func start() {
        let thread = Thread { [self] in self.run() }
        thread.name = "RecordWriter"
        thread.start()
    }

    var droppedRecordCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return dropped
    }

    var bytesAccepted: Int {
        condition.lock()
        defer { condition.unlock() }
        return accepted
    }

    func write(payloadSize: Int, encode: (UnsafeMutableRawBufferPointer) -> Void) throws(RecordError) {
        condition.lock()
        defer { condition.unlock() }
        if closed { throw .closed(path: path) }
        if let storedError { throw storedError }
        if buffer.isEmpty { bufferStart = Date() }
        RecordFraming.appendRecord(payloadSize: payloadSize, to: &buffer, encode: encode)
        bufferRecordCount += 1
        accepted += payloadSize + RecordFraming.overhead
        if buffer.count >= options.chunkSize {
            try handOffLocked(blocking: options.queueFullPolicy == .block)
        }
    }

    /// Moves the caller's buffer to the queue. Caller holds the lock.
    private func handOffLocked(blocking: Bool) throws(RecordError) {
        guard !buffer.isEmpty else { return }
        while queue.count >= options.maximumQueuedChunks {
            if !blocking {
                dropped += bufferRecordCount
                buffer.removeAll(keepingCapacity: true)
                bufferRecordCount = 0
                return
            }
            if let storedError { throw storedError }
            condition.wait()
        }
        var chunk: [UInt8] = []
        chunk.reserveCapacity(options.chunkSize + 4096)
        swap(&chunk, &buffer)
        queue.append((chunk, bufferRecordCount))
        bufferRecordCount = 0
        handedOff += 1
        condition.broadcast()
    }

    func flush(synchronize: Bool) throws(RecordError) {
        condition.lock()
        defer { condition.unlock() }
        if closed { throw .closed(path: path) }
        try flushLocked(synchronize: synchronize)
    }

    private func flushLocked(synchronize: Bool) throws(RecordError) {
        if let storedError { throw storedError }
        try handOffLocked(blocking: true)
        let target = handedOff
        if synchronize { syncRequests += 1 }
        let syncTarget = syncRequests
        condition.broadcast()
        while (completed < target || syncsDone < syncTarget) && !threadFinished && storedError == nil {
            condition.wait()
        }
        if let storedError { throw storedError }
    }

    /// Flushes from the process's exit handler: hands the buffer to the background thread and
    /// waits for it, unless called on that thread itself (an `onError` callback that exits),
    /// which would wait for itself. Errors are dropped.
    func flushAtExit() {
        condition.lock()
        defer { condition.unlock() }
        if closed { return }
        if let backgroundThread, pthread_equal(backgroundThread, pthread_self()) != 0 { return }
        try? flushLocked(synchronize: options.synchronizesOnFlush)
    }

    func close() throws(RecordError) {
        OpenRecordWriters.unregister(self)
        condition.lock()
        if closed {
            condition.unlock()
            return
        }
        var flushError: RecordError?
        do { try flushLocked(synchronize: options.synchronizesOnFlush) } catch { flushError = error }
        closed = true
        stopping = true
        condition.broadcast()
        while !threadFinished { condition.wait() }
        condition.unlock()
        Glibc.close(fd)
        if let flushError { throw flushError }
    }

    /// The background thread: writes queued chunks, applies the time-based flush, serves fsync
    /// requests, and exits when stopping with nothing left to write.
    private func run() {
        condition.lock()
        backgroundThread = pthread_self()
        while true {
            if queue.isEmpty && syncsDone == syncRequests {
                if stopping { break }
                if !buffer.isEmpty && Date().timeIntervalSince(bufferStart) >= options.flushInterval {
                    try? handOffLocked(blocking: false)
                    continue
                }
                let deadline = buffer.isEmpty ? Date(timeIntervalSinceNow: options.flushInterval) : bufferStart.addingTimeInterval(options.flushInterval)
                _ = condition.wait(until: deadline)
                continue
            }
            if let chunk = queue.first {
                condition.unlock()
                let error = storedErrorSnapshot() == nil ? writeAll(chunk.bytes) : nil
                condition.lock()
                queue.removeFirst()
                completed += 1
                if let error { recordErrorLocked(error) }
                condition.broadcast()
                continue
            }
            // Only an fsync request is pending.
            let target = syncRequests
            condition.unlock()
            let error: RecordError? = fsync(fd) == 0 ? nil : .syncFailed(path: path, reason: String(cString: strerror(errno)))
            condition.lock()
            syncsDone = target
            if let error { recordErrorLocked(error) }
            condition.broadcast()
        }
        threadFinished = true
        condition.broadcast()
        condition.unlock()
    }

    private func storedErrorSnapshot() -> RecordError? {
        condition.lock()
        defer { condition.unlock() }
        return storedError
    }

    private func recordErrorLocked(_ error: RecordError) {
        guard storedError == nil else { return }
        storedError = error
        if let onError {
            condition.unlock()
            onError(error)
            condition.lock()
        }
    }

    /// `write(2)` until every byte is written, retrying on EINTR and partial writes.
    private func writeAll(_ bytes: [UInt8]) -> RecordError? {
        guard let code = bytes.withUnsafeBytes({ SystemCallText.writeAll($0, to: fd) }) else { return nil }
        return .writeFailed(path: path, reason: SystemCallText.describe(errno: code))
    }
}
