// Exporting every dashboard kind with `tb-export` against tbparse reading the same log
// directory. Run (tb-export must be built in release first):
//   swift build -c release --product tb-export
//   swift run -c release --package-path Benchmarks kinds [runs] [tbparseRuns]
// Writes `runs` runs (default 8) of 125 000 events each (80 % scalars, 12 % histograms of 30
// buckets, 6.4 % text, 1.6 % 8×8 RGB PNG images), times `tb-export --kind all` and each kind
// alone (best of 3, peak RSS of the child from wait4), then tbparse 0.0.9 on the first
// `tbparseRuns` runs (default 1) per kind, from the compatibility venv ($CONTRASTIVEBOARD_COMPAT_VENV or
// <repo>/.venv-compat). Also exports a 2-run logdir to show peak memory does not grow with size.
// tb-export reads runs on one thread per available processor (CONTRASTIVEBOARD_WORKER_THREADS
// sets it); tbparse reads on one thread.
import Foundation
import Glibc
import ProcessRuntime
import TensorBoard

let arguments = CommandLine.arguments
let runCount = arguments.count > 1 ? Int(arguments[1]) ?? 8 : 8
let tbparseRuns = arguments.count > 2 ? Int(arguments[2]) ?? 1 : 1
let eventsPerRun = 125_000
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
let tool = root + "/.build/release/tb-export"
let venv = ProcessInfo.processInfo.environment["CONTRASTIVEBOARD_COMPAT_VENV"] ?? root + "/.venv-compat"
guard FileManager.default.isExecutableFile(atPath: tool) else {
    FileHandle.standardError.write(Data("kinds: \(tool) missing; run `swift build -c release --product tb-export` first\n".utf8))
    exit(1)
}
// CONTRASTIVEBOARD_KINDS_BENCH_DIR keeps the generated log directories there (for profiling); by default a
// temporary directory is used and removed.
let keep = ProcessInfo.processInfo.environment["CONTRASTIVEBOARD_KINDS_BENCH_DIR"]
let scratch = keep ?? NSTemporaryDirectory() + "kinds-bench-\(ProcessInfo.processInfo.processIdentifier)"
defer { if keep == nil { try? FileManager.default.removeItem(atPath: scratch) } }

/// The kind of event `i` of a run: 100 scalars, 15 histograms, 8 texts, 2 images per 125.
func kind(of i: Int) -> String {
    switch i % 125 {
    case 0..<100: return "scalars"
    case 100..<115: return "histograms"
    case 115..<123: return "text"
    default: return "images"
    }
}

func writeRun(_ directory: String) throws {
    let writer = try SummaryWriter(logDirectory: directory)
    let tags = ["loss", "acc", "lr", "grad_norm"]
    let limits = (1...30).map { Double($0) / 10 }
    let pixels = (0..<(8 * 8 * 3)).map { UInt8($0 % 251) }
    for i in 0..<eventsPerRun {
        let step = i / 5
        switch kind(of: i) {
        case "scalars": try writer.addScalar(tags[i % 4], Double(i) * 1e-4, step: step)
        case "histograms":
            let counts = (0..<30).map { Double(($0 * 7 + i) % 13) }
            try writer.addHistogramRaw(
                "weights", HistogramValue(minimum: 0, maximum: 3, count: counts.reduce(0, +), sum: 42, sumOfSquares: 99, bucketLimits: limits, bucketCounts: counts),
                step: step)
        case "text": try writer.addText("notes", "sample text number \(i)", step: step)
        default: try writer.addImage("samples", pixels: pixels, shape: [8, 8, 3], layout: .hwc, step: step)
        }
    }
    try writer.close()
}

/// Runs a child with stdout to /dev/null; returns wall seconds and its peak RSS in MiB (wait4).
func spawn(_ path: String, _ args: [String]) -> (seconds: Double, peakMiB: Double, status: Int32) {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    let argv = ([path] + args).map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    var pid: pid_t = 0
    let start = DispatchTime.now().uptimeNanoseconds
    guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return (.nan, .nan, -1) }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return (seconds, Double(usage.ru_maxrss) / 1024, status)
}

func bestOf3(_ args: [String], fresh: String? = nil) -> (seconds: Double, peakMiB: Double) {
    var best = (seconds: Double.infinity, peakMiB: 0.0)
    var times = [Double]()
    for _ in 0..<3 {
        if let fresh { try? FileManager.default.removeItem(atPath: fresh) }
        let result = spawn(tool, args)
        precondition(result.status == 0, "tb-export \(args) exited with \(result.status)")
        times.append(result.seconds)
        if result.seconds < best.seconds { best = (result.seconds, result.peakMiB) }
        best.peakMiB = max(best.peakMiB, result.peakMiB)
    }
    print(String(format: "  tb-export %@: %.3f–%.3f s over 3 runs", args.dropFirst().joined(separator: " "), times.min() ?? 0, times.max() ?? 0))
    return best
}

// CONTRASTIVEBOARD_KINDS_BENCH_OUTPUT: where the exports go (default: under the scratch directory); image files
// cost mostly file creation, so the figures are given for a disk and for tmpfs.
let outputRoot = ProcessInfo.processInfo.environment["CONTRASTIVEBOARD_KINDS_BENCH_OUTPUT"] ?? scratch
let logdir = scratch + "/logs"
let small = scratch + "/small"
print("output to \(outputRoot)")
print("kinds benchmark: \(runCount) runs × \(eventsPerRun) events = \(runCount * eventsPerRun) events; tb-export on \(AvailableProcessors.count) thread(s) unless CONTRASTIVEBOARD_WORKER_THREADS says otherwise, tbparse on one")
let writeStart = DispatchTime.now().uptimeNanoseconds
for run in 0..<runCount where !FileManager.default.fileExists(atPath: logdir + "/run\(run)") { try writeRun(logdir + "/run\(run)") }
for run in 0..<2 where !FileManager.default.fileExists(atPath: small + "/run\(run)") { try writeRun(small + "/run\(run)") }
print(String(format: "  wrote the logdir in %.1f s", Double(DispatchTime.now().uptimeNanoseconds - writeStart) / 1e9))

var perKind: [String: Int] = [:]
for i in 0..<eventsPerRun { perKind[kind(of: i), default: 0] += runCount }
let total = runCount * eventsPerRun

let all = bestOf3([logdir, "--kind", "all", "--output-dir", outputRoot + "/out"], fresh: outputRoot + "/out")
let smallAll = bestOf3([small, "--kind", "all", "--output-dir", outputRoot + "/out-small"], fresh: outputRoot + "/out-small")
var ours: [String: Double] = [:]
for name in ["scalars", "histograms", "text", "images"] {
    let extra = name == "images" ? ["--output-dir", outputRoot + "/out-images"] : []
    ours[name] = bestOf3([logdir, "--kind", name] + extra, fresh: name == "images" ? outputRoot + "/out-images" : nil).seconds
}

// tbparse on the first `tbparseRuns` runs.
let subset = scratch + "/subset"
try? FileManager.default.removeItem(atPath: subset)
try FileManager.default.createDirectory(atPath: subset, withIntermediateDirectories: true)
for run in 0..<min(tbparseRuns, runCount) { try FileManager.default.createSymbolicLink(atPath: subset + "/run\(run)", withDestinationPath: logdir + "/run\(run)") }
let python = Process()
python.executableURL = URL(fileURLWithPath: venv + "/bin/python")
python.arguments = [root + "/Benchmarks/python/tbparse_kinds.py", subset, "scalars", "histograms", "text", "images", "all"]
let pipe = Pipe()
python.standardOutput = pipe
var peer: [String: Any] = [:]
if FileManager.default.isExecutableFile(atPath: venv + "/bin/python") {
    try python.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    python.waitUntilExit()
    peer = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
} else {
    print("  tbparse: no venv at \(venv)")
}

print("")
print("kind        events    tb-export s   tb-export ev/s   tbparse ev/s (\(min(tbparseRuns, runCount)) run(s))   ratio")
for name in ["scalars", "histograms", "text", "images"] {
    let events = perKind[name] ?? 0
    let seconds = ours[name] ?? .nan
    let rate = Double(events) / seconds
    var peerText = "n/a"
    var ratio = "—"
    if let entry = peer[name] as? [String: Any] {
        if let rows = entry["rows"] as? Int, let s = entry["seconds"] as? Double, rows > 0 {
            peerText = String(format: "%.0f", Double(rows) / s)
            ratio = String(format: "%.0f×", rate / (Double(rows) / s))
        } else if let error = entry["error"] as? String {
            peerText = "fails: " + String(error.prefix(40))
        }
    }
    print(String(format: "%-10@ %8d   %10.3f   %14.0f   %@   %@", name, events, seconds, rate, peerText, ratio))
}
let overall = Double(total) / all.seconds
var peerOverall = Double.nan
if let entry = peer["all"] as? [String: Any], let rows = entry["rows"] as? Int, let s = entry["seconds"] as? Double { peerOverall = Double(rows) / s }
print(String(format: "all        %8d   %10.3f   %14.0f   %.0f (one reader, the kinds it reads)   %.0f×", total, all.seconds, overall, peerOverall, overall / peerOverall))
print(String(format: "peak RSS tb-export --kind all: %.1f MiB for %d events, %.1f MiB for %d events; tbparse: %.0f MiB for %d events",
             all.peakMiB, total, smallAll.peakMiB, 2 * eventsPerRun, Double((peer["max_rss_kib"] as? Int) ?? 0) / 1024, min(tbparseRuns, runCount) * eventsPerRun))
