import Foundation

/// Runs `body` with a fresh temporary directory and removes the directory afterwards.
///
/// - Parameter body: Receives the directory's absolute path (no trailing slash).
/// - Returns: What `body` returns.
/// - Throws: What `body` throws, or a Foundation error when the directory cannot be created.
public func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let path = NSTemporaryDirectory() + "cb-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// Runs async `body` with a fresh temporary directory and removes the directory afterwards.
///
/// - Parameter body: Receives the directory's absolute path (no trailing slash).
/// - Returns: What `body` returns.
/// - Throws: What `body` throws, or a Foundation error when the directory cannot be created.
public func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = NSTemporaryDirectory() + "cb-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Absolute path of the package's root directory (the one holding `Package.swift`), found from
/// this source file's location, for tests that read fixtures or run built tools.
public let packageRootPath: String = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            return url.path
        }
    }
    return FileManager.default.currentDirectoryPath
}()
