import Foundation

/// One run: a directory that directly holds at least one event file.
public struct RunInfo: Sendable, Equatable {
    /// Run name: the directory relative to the log directory (`"."` for the root itself).
    public var name: String
    /// The run directory's path.
    public var directory: String
    /// The run's event files, sorted by file name (chronological for standard names).
    public var eventFiles: [String]
}

/// Finds the runs under a path and reads their scalar series.
///
/// `path` may be an event file (one run), a run directory or a log directory searched
/// recursively (symbolic links followed). A file belongs to a run when its name contains
/// `tfevents` and does not end in `.profile-empty`, as both TensorBoard loaders decide
/// (docs/reference/tensorboard-format.md, "Event file names", "How TensorBoard reads"). All files of a run are read in name order (RustBoard's rule, not
/// the Python loader's latest-file-only rule).
public struct LogdirReader: Sendable {
    /// How restarts and repeated steps are resolved.
    public enum Semantics: String, Sendable, CaseIterable {
        /// Every point in file order, as written.
        case raw
        /// What default TensorBoard (RustBoard) shows: when a point at step `s` arrives, the
        /// series drops every earlier-read point with step ≥ `s` (docs/reference/tensorboard-format.md, "Step pre-emption").
        case tensorBoard
    }

    /// The path given.
    public let path: String
    /// The runs found, sorted by name.
    public let runs: [RunInfo]

    /// Discovers the runs under `path`.
    ///
    /// - Parameter path: Event file, run directory or log directory.
    /// - Throws: `EventReadError.pathNotFound` or `.noEventFiles`.
    public init(path: String) throws(EventReadError) {
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .pathNotFound(path) }
        if !isDirectory.boolValue {
            let directory = (path as NSString).deletingLastPathComponent
            runs = [RunInfo(name: ".", directory: directory.isEmpty ? "." : directory, eventFiles: [path])]
            return
        }
        var found: [String: [String]] = [:]
        let root = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        if let enumerator = FileManager.default.enumerator(atPath: root) {
            for case let relative as String in enumerator {
                let name = (relative as NSString).lastPathComponent
                guard Self.isEventFileName(name) else { continue }
                let full = root + "/" + relative
                var fileIsDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: full, isDirectory: &fileIsDirectory), !fileIsDirectory.boolValue else { continue }
                let runName = (relative as NSString).deletingLastPathComponent
                found[runName.isEmpty ? "." : runName, default: []].append(full)
            }
        }
        guard !found.isEmpty else { throw .noEventFiles(path) }
        runs = found.keys.sorted().map { name in
            RunInfo(
                name: name, directory: name == "." ? root : root + "/" + name,
                eventFiles: (found[name] ?? []).sorted { ($0 as NSString).lastPathComponent < ($1 as NSString).lastPathComponent })
        }
    }

    /// Whether a file name is an event file name for TensorBoard.
    ///
    /// - Parameter name: A file's base name.
    /// - Returns: `true` when it contains `tfevents` and does not end in `.profile-empty`.
    public static func isEventFileName(_ name: String) -> Bool {
        name.contains("tfevents") && !name.hasSuffix(".profile-empty")
    }

    /// Streams every scalar point of a run, file by file in name order, in constant memory.
    ///
    /// - Parameters:
    ///   - run: One of `runs`.
    ///   - acceptsTag: Tag filter (default: all); rejected tags are not decoded.
    ///   - onDamage: Called with the error when a file is damaged, after which reading moves on
    ///     to the run's next file (the points before the damage have been delivered). When
    ///     `nil` (the default), damage is thrown.
    ///   - body: Receives the file, the tag and the point.
    /// - Throws: `EventReadError`, or what `body` throws.
    public func forEachScalar(
        in run: RunInfo, acceptsTag: ((String) -> Bool)? = nil, onDamage: ((EventReadError) -> Void)? = nil,
        _ body: (_ file: String, _ tag: String, _ point: ScalarPoint) throws -> Void
    ) throws {
        for file in run.eventFiles {
            let reader = try EventFileReader(path: file)
            do {
                try reader.forEachScalar(acceptsTag: acceptsTag) { tag, point in try body(file, tag, point) }
            } catch let error as EventReadError {
                guard let onDamage else { throw error }
                onDamage(error)
            }
        }
    }

    /// The scalar series of a run, keyed by tag.
    ///
    /// - Parameters:
    ///   - run: One of `runs`.
    ///   - acceptsTag: Tag filter (default: all).
    ///   - semantics: `.raw` or `.tensorBoard` (default; per-tag step pre-emption).
    ///   - onDamage: As in `forEachScalar`.
    /// - Returns: Points per tag, in the order they survive.
    /// - Throws: `EventReadError`.
    public func scalars(
        in run: RunInfo, acceptsTag: ((String) -> Bool)? = nil, semantics: Semantics = .tensorBoard,
        onDamage: ((EventReadError) -> Void)? = nil
    ) throws -> [String: [ScalarPoint]] {
        var series: [String: [ScalarPoint]] = [:]
        try forEachScalar(in: run, acceptsTag: acceptsTag, onDamage: onDamage) { _, tag, point in
            if semantics == .tensorBoard, let last = series[tag]?.last, last.step >= point.step {
                series[tag]?.removeAll { $0.step >= point.step }
            }
            series[tag, default: []].append(point)
        }
        return series
    }
}
