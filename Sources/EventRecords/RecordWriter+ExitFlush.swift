import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The open record writers, flushed by an `atexit` handler when the process exits normally.
///
/// A writer that is never closed — held in a global, or alive when `exit(0)` is called — would
/// otherwise lose everything still in its in-memory chunk: Swift never destroys globals, so no
/// `deinit` runs. tensorboardX registers `atexit(self.close)` for the same reason. The handler
/// is installed once, lazily, when the first writer opens; the registry holds weak references
/// only, so it never keeps a writer alive. At exit every registered writer is flushed (its
/// buffered records reach the kernel), not closed: other threads keep running until the process
/// ends and may still hold it. Nothing is flushed on `_exit`, on a fatal signal or on a trap.
enum OpenRecordWriters {
    /// A weak reference to one writer's shared state.
    struct Entry: Sendable {
        weak var core: RecordWriterCore?
    }

    /// Open writers by identity. A writer removes itself when it is closed.
    private static let registry = Mutex<[ObjectIdentifier: Entry]>([:])

    /// Whether `atexit` accepted the handler; evaluated once, by the first writer (Swift runs a
    /// static initializer exactly once, thread-safely).
    private static let handlerInstalled: Bool = atexit { OpenRecordWriters.flushAll() } == 0

    /// Adds a writer to the registry (installing the exit handler on first use).
    static func register(_ core: RecordWriterCore) {
        _ = handlerInstalled
        registry.withLock { $0[ObjectIdentifier(core)] = Entry(core: core) }
    }

    /// Removes a writer from the registry.
    static func unregister(_ core: RecordWriterCore) {
        _ = registry.withLock { $0.removeValue(forKey: ObjectIdentifier(core)) }
    }

    /// Number of registered writers still alive (for tests).
    static var openCount: Int {
        registry.withLock { entries in entries.values.reduce(0) { $0 + ($1.core == nil ? 0 : 1) } }
    }

    /// Flushes every registered writer; errors are dropped (there is no caller left to report
    /// them to; the writer's `onError` callback has already been called with a write error).
    static func flushAll() {
        let cores = registry.withLock { entries in entries.values.compactMap(\.core) }
        for core in cores { core.flushAtExit() }
    }
}
