import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The result of a tool run under a time limit, with the child's peak memory.
public struct LimitedToolOutput: Sendable {
    /// Output and exit status (`status` is the signal number when killed).
    public var output: ToolOutput
    /// Peak resident set size of the child, in bytes (`getrusage`'s `ru_maxrss`, via `wait4`).
    public var peakResidentBytes: Int
    /// Whether the time limit was reached and the child was killed with SIGKILL.
    public var timedOut: Bool
    /// Wall-clock seconds from spawn to exit.
    public var seconds: Double
}

/// Runs a built tool of this package under a wall-clock limit and measures its peak memory.
///
/// The child is started with `posix_spawn` and reaped with `wait4`, which returns the child's
/// own resource usage: `peakResidentBytes` is that process's high-water mark, not the test
/// runner's. When `timeout` passes, the child is killed (SIGKILL) and `timedOut` is set, so a
/// hang fails the test instead of stalling it.
///
/// - Parameters:
///   - name: Executable name, e.g. `"tb-export"`.
///   - arguments: Command-line arguments.
///   - standardInputPath: File connected to stdin (default `/dev/null`).
///   - timeout: Seconds before the child is killed.
/// - Returns: Output, status, peak memory, whether it timed out, and the elapsed time.
/// - Throws: When the output files cannot be created or the tool cannot be started.
public func runToolWithLimits(
    _ name: String, _ arguments: [String], standardInputPath: String = "/dev/null", timeout: Double = 60
) throws -> LimitedToolOutput {
    let executable = builtProductsDirectory.appendingPathComponent(name).path
    let outPath = NSTemporaryDirectory() + "cb-out-" + UUID().uuidString
    let errPath = NSTemporaryDirectory() + "cb-err-" + UUID().uuidString
    defer {
        unlink(outPath)
        unlink(errPath)
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, standardInputPath, O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let started = Date()
    let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
    guard spawned == 0 else {
        throw NSError(domain: "ToolRunner", code: Int(spawned), userInfo: [NSLocalizedDescriptionKey: "cannot start \(executable): \(String(cString: strerror(spawned)))"])
    }
    var status: Int32 = 0
    var usage = rusage()
    var timedOut = false
    while true {
        let reaped = wait4(pid, &status, WNOHANG, &usage)
        if reaped == pid { break }
        if reaped < 0 && errno != EINTR { break }
        if Date().timeIntervalSince(started) > timeout {
            kill(pid, SIGKILL)
            timedOut = true
            while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
            break
        }
        usleep(5_000)
    }
    let seconds = Date().timeIntervalSince(started)
    let signal = status & 0x7F
    let output = ToolOutput(
        standardOutput: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
        standardError: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
        status: signal == 0 ? (status >> 8) & 0xFF : signal,
        terminatedBySignal: signal != 0)
    return LimitedToolOutput(output: output, peakResidentBytes: usage.ru_maxrss * 1024, timedOut: timedOut, seconds: seconds)
}
