import Synchronization

/// The `addScalars` sub-run writers of one `SummaryWriter`, checked out by reference count.
///
/// A writer in use by a thread (`users > 0`) is never closed by another: when the table is
/// full, only idle writers are evicted, least recently used first, and closed outside the lock.
/// If every open writer is in use, the table grows past its cap until some are returned.
/// Writers are created under the lock, so two threads asking for the same run share one file.
struct SubWriterTable: ~Copyable {
    struct Entry {
        let writer: SummaryWriter
        var users: Int
        var lastUse: UInt64
    }

    private(set) var entries: [String: Entry] = [:]
    private var clock: UInt64 = 0

    init() {}

    /// Checks out the writer of `directory`, creating it with `make` when absent.
    ///
    /// - Returns: The writer, and the idle writers evicted to make room (close them after
    ///   leaving the lock).
    mutating func checkOut(
        _ directory: String, capacity: Int, make: () throws(SummaryWriterError) -> SummaryWriter
    ) throws(SummaryWriterError) -> (writer: SummaryWriter, evicted: [SummaryWriter]) {
        clock &+= 1
        if var entry = entries[directory] {
            entry.users += 1
            entry.lastUse = clock
            entries[directory] = entry
            return (entry.writer, [])
        }
        var evicted: [SummaryWriter] = []
        while entries.count >= capacity {
            var victim: (key: String, lastUse: UInt64)?
            for (key, entry) in entries where entry.users == 0 && entry.lastUse < (victim?.lastUse ?? .max) {
                victim = (key, entry.lastUse)
            }
            guard let victim, let removed = entries.removeValue(forKey: victim.key) else { break }
            evicted.append(removed.writer)
        }
        let writer: SummaryWriter
        do { writer = try make() } catch {
            for old in evicted { try? old.close() }
            throw error
        }
        entries[directory] = Entry(writer: writer, users: 1, lastUse: clock)
        return (writer, evicted)
    }

    /// Returns a writer checked out with `checkOut`.
    mutating func checkIn(_ directory: String, writer: SummaryWriter) {
        guard var entry = entries[directory], entry.writer === writer else { return }
        entry.users -= 1
        entries[directory] = entry
    }

    /// Removes every writer (to close them after leaving the lock).
    mutating func removeAll() -> [SummaryWriter] {
        defer { entries.removeAll() }
        return entries.values.map(\.writer)
    }

    /// Every writer, left in the table.
    var writers: [SummaryWriter] { entries.values.map(\.writer) }
}

extension SummaryWriter {
    /// Runs `body` with the sub-run writer of `directory`, which no other thread can close
    /// meanwhile (it is checked out until `body` returns).
    func withSubWriter<T>(
        _ directory: String, _ body: (SummaryWriter) throws(SummaryWriterError) -> T
    ) throws(SummaryWriterError) -> T {
        let options = subWriterOptions
        let (writer, evicted) = try openSubWriters.withLock { table throws(SummaryWriterError) in
            try table.checkOut(directory, capacity: Self.maximumOpenSubWriters) { () throws(SummaryWriterError) in
                try SummaryWriter(logDirectory: directory, options: options)
            }
        }
        defer { openSubWriters.withLock { $0.checkIn(directory, writer: writer) } }
        var closeError: SummaryWriterError?
        for old in evicted {
            do { try old.close() } catch { closeError = closeError ?? error }
        }
        if let closeError { throw closeError }
        return try body(writer)
    }
}
