import Foundation

extension SummaryWriter {
    /// Open sub-run writers kept by `addScalars` before they are closed and reopened on demand.
    public static let maximumOpenSubWriters = 64

    /// Logs several scalars under one main tag, one sub-run per key (torch `add_scalars`).
    ///
    /// torch's layout (docs/reference/tensorboard-format.md, "add_scalars sub-runs"): each key gets the run `<logdir>/<mainTag with "/" → "_">_<key>`
    /// and a cached writer there, which writes a scalar tagged `mainTag`; TensorBoard draws the
    /// keys as runs in one chart. At most `maximumOpenSubWriters` stay open (more only while
    /// more threads use them at once): beyond that the least recently used idle writer is
    /// closed and reopened (a new file in the same run) when needed again. A writer in use by
    /// one thread is never closed by another, so concurrent calls lose nothing.
    /// Prefer `addScalar("main/key", …)`, which needs no extra files.
    ///
    /// - Parameters:
    ///   - mainTag: The chart's tag.
    ///   - values: Key → value.
    ///   - step: Global step.
    ///   - wallTime: Seconds since the Unix epoch (default now).
    /// - Throws: `SummaryWriterError.invalidPathComponent` for a key that is empty, `.` or `..`,
    ///   or contains `/` or NUL (also for a main tag with NUL); a write error.
    public func addScalars(_ mainTag: String, _ values: [String: Double], step: Int, wallTime: Double? = nil) throws(SummaryWriterError) {
        let prefix = mainTag.replacingOccurrences(of: "/", with: "_")
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            try PathComponent.validate(key, role: "addScalars key")
            let run = prefix + "_" + key
            try PathComponent.validate(run, role: "addScalars run")
            try withSubWriter(logDirectory + "/" + run) { writer throws(SummaryWriterError) in
                try writer.addScalar(mainTag, value, step: step, wallTime: wallTime)
            }
        }
    }
}
