import Foundation
import Synchronization

extension SummaryWriter {
    /// Open sub-run writers kept by `addScalars` before they are closed and reopened on demand.
    public static let maximumOpenSubWriters = 64

    /// Logs several scalars under one main tag, one sub-run per key (torch `add_scalars`).
    ///
    /// torch's layout (docs/reference/tensorboard-format.md, "add_scalars sub-runs"): each key gets the run `<logdir>/<mainTag with "/" → "_">_<key>`
    /// and a cached writer there, which writes a scalar tagged `mainTag`; TensorBoard draws the
    /// keys as runs in one chart. At most `maximumOpenSubWriters` stay open: beyond that the
    /// cache is closed and writers are reopened (a new file in the same run) as needed.
    /// Prefer `addScalar("main/key", …)`, which needs no extra files.
    ///
    /// - Parameters:
    ///   - mainTag: The chart's tag.
    ///   - values: Key → value.
    ///   - step: Global step.
    ///   - wallTime: Seconds since the Unix epoch (default now).
    /// - Throws: `SummaryWriterError.invalidArgument` for an empty key or one containing "/" or
    ///   ".."; a write error.
    public func addScalars(_ mainTag: String, _ values: [String: Double], step: Int, wallTime: Double? = nil) throws(SummaryWriterError) {
        let prefix = mainTag.replacingOccurrences(of: "/", with: "_")
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            guard !key.isEmpty, !key.contains("/"), key != ".." else {
                throw .invalidArgument("addScalars: key '\(key)' must be non-empty and contain no '/'")
            }
            let directory = logDirectory + "/" + prefix + "_" + key
            let cached = openSubWriters.withLock { $0[directory] }
            let writer: SummaryWriter
            if let cached {
                writer = cached
            } else {
                if openSubWriters.withLock({ $0.count }) >= Self.maximumOpenSubWriters {
                    let all = openSubWriters.withLock { dictionary in
                        defer { dictionary.removeAll() }
                        return Array(dictionary.values)
                    }
                    for old in all { try old.close() }
                }
                writer = try SummaryWriter(logDirectory: directory, options: subWriterOptions)
                openSubWriters.withLock { $0[directory] = writer }
            }
            try writer.addScalar(mainTag, value, step: step, wallTime: wallTime)
        }
    }
}
