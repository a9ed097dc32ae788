import Foundation

extension SummaryWriter {
    /// Creates a writer in a new run directory `runs/<date>_<host><comment>`, as torch's
    /// `SummaryWriter()` without `log_dir` does.
    ///
    /// The directory is relative to the current directory, e.g. `runs/Dec03_10-15-02_gpu01` or,
    /// with `comment: "_lr0.1"`, `runs/Dec03_10-15-02_gpu01_lr0.1` (see `defaultLogDirectory`).
    /// `logDirectory` reports the path.
    ///
    /// - Parameters:
    ///   - comment: Appended to the directory name as is (torch's `comment`; default none).
    ///   - filenameSuffix: Appended to the event file's name.
    ///   - scalarEncoding: How scalars are encoded (default `simple_value`).
    ///   - purgeStep: For resumed runs (see `init(logDirectory:…)`).
    ///   - options: Buffering and flush settings of the record writer.
    ///   - onError: Called once, on the background thread, with the first write error.
    /// - Throws: As `init(logDirectory:…)`.
    public convenience init(
        comment: String = "", filenameSuffix: String = "", scalarEncoding: ScalarEncoding = .simpleValue, purgeStep: Int? = nil,
        options: RecordWriterOptions = RecordWriterOptions(), onError: (@Sendable (RecordError) -> Void)? = nil
    ) throws(SummaryWriterError) {
        try self.init(
            logDirectory: Self.defaultLogDirectory(comment: comment), filenameSuffix: filenameSuffix, scalarEncoding: scalarEncoding,
            purgeStep: purgeStep, options: options, onError: onError)
    }

    /// torch's default run directory: `runs/` + local time as `%b%d_%H-%M-%S` (English month
    /// abbreviation, e.g. `Dec03_10-15-02`) + `_` + the host name + `comment`.
    ///
    /// - Parameters:
    ///   - comment: Appended as is (default none).
    ///   - date: The time to format (default now).
    ///   - hostName: The host (default `gethostname`, as Python's `socket.gethostname()`).
    ///   - timeZone: The zone of the local time (default the process's current zone).
    /// - Returns: The relative directory path.
    public static func defaultLogDirectory(
        comment: String = "", date: Date = Date(), hostName: String? = nil, timeZone: TimeZone = .current
    ) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "MMMdd_HH-mm-ss"
        return "runs/" + formatter.string(from: date) + "_" + (hostName ?? currentHostName()) + comment
    }

    /// The host name as `gethostname(2)` reports it ("localhost" if that fails).
    private static func currentHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
