import Foundation

/// The result of running a command-line tool to completion.
public struct ToolOutput: Sendable {
    /// Everything the tool wrote to standard output, decoded as UTF-8.
    public var standardOutput: String
    /// Everything the tool wrote to standard error, decoded as UTF-8.
    public var standardError: String
    /// The exit status (or the terminating signal number when `terminatedBySignal`).
    public var status: Int32
    /// Whether the tool was killed by a signal rather than exiting.
    public var terminatedBySignal: Bool
}

/// Directory holding the executables built alongside the test bundle (`.build/<triple>/debug`).
public let builtProductsDirectory: URL = {
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var directory = executable.deletingLastPathComponent()
    // On Linux the test runner is `<products>/<Package>PackageTests.xctest`; on macOS it sits
    // inside a bundle. Walk up until a directory holds `tb-log`.
    for _ in 0..<4 {
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent("tb-log").path) {
            return directory
        }
        directory.deleteLastPathComponent()
    }
    return executable.deletingLastPathComponent()
}()

/// Runs a built tool of this package with arguments and optional standard input, and waits.
///
/// - Parameters:
///   - name: Executable name, e.g. `"tb-log"`.
///   - arguments: Command-line arguments.
///   - standardInput: Bytes written to the tool's stdin, which is then closed.
///   - environment: Extra environment variables.
///   - currentDirectory: Working directory (default: the test process's).
/// - Returns: Captured output and exit status.
/// - Throws: When the executable cannot be launched.
public func runTool(
    _ name: String, _ arguments: [String], standardInput: String? = nil,
    environment: [String: String] = [:], currentDirectory: String? = nil
) throws -> ToolOutput {
    try runProcess(
        builtProductsDirectory.appendingPathComponent(name).path, arguments,
        standardInput: standardInput, environment: environment, currentDirectory: currentDirectory)
}

/// Runs any executable with arguments and optional standard input, and waits.
///
/// Output is collected into temporary files so a chatty process cannot dead-lock on a full pipe.
///
/// - Parameters:
///   - executablePath: Absolute path of the program.
///   - arguments: Command-line arguments.
///   - standardInput: Bytes written to stdin, which is then closed.
///   - environment: Extra environment variables, added to the current environment.
///   - currentDirectory: Working directory (default: the test process's).
/// - Returns: Captured output and exit status.
/// - Throws: When the executable cannot be launched.
public func runProcess(
    _ executablePath: String, _ arguments: [String], standardInput: String? = nil,
    environment: [String: String] = [:], currentDirectory: String? = nil
) throws -> ToolOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executablePath)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    let outURL = URL(fileURLWithPath: NSTemporaryDirectory() + "cb-out-" + UUID().uuidString)
    let errURL = URL(fileURLWithPath: NSTemporaryDirectory() + "cb-err-" + UUID().uuidString)
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }
    let outHandle = try FileHandle(forWritingTo: outURL)
    let errHandle = try FileHandle(forWritingTo: errURL)
    process.standardOutput = outHandle
    process.standardError = errHandle
    let inputPipe = Pipe()
    process.standardInput = inputPipe
    try process.run()
    if let standardInput {
        inputPipe.fileHandleForWriting.write(Data(standardInput.utf8))
    }
    try inputPipe.fileHandleForWriting.close()
    process.waitUntilExit()
    try outHandle.close()
    try errHandle.close()
    let out = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
    let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
    return ToolOutput(
        standardOutput: out, standardError: err, status: process.terminationStatus,
        terminatedBySignal: process.terminationReason == .uncaughtSignal)
}
