import Foundation
import TestSupport
import Testing
import ToolSupport

#if canImport(Glibc)
    import Glibc
#endif

private func inode(_ path: String) -> UInt {
    var status = stat()
    return lstat(path, &status) == 0 ? UInt(status.st_ino) : 0
}

private func isSymbolicLink(_ path: String) -> Bool {
    var status = stat()
    return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
}

@Suite struct OutputFileTests {
    @Test func aRegularFileIsReplacedAtomicallyKeepingItsPermissions() throws {
        try withTemporaryDirectory { d in
            let path = d + "/report.json"
            try "old".write(toFile: path, atomically: false, encoding: .utf8)
            chmod(path, 0o640)
            let before = inode(path)
            try OutputFile.write("new\n", to: path)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
            #expect(inode(path) != before)
            var status = stat()
            stat(path, &status)
            #expect(status.st_mode & 0o777 == 0o640)
            #expect(try FileManager.default.contentsOfDirectory(atPath: d) == ["report.json"])
        }
    }

    @Test func aSymbolicLinkIsWrittenThroughAndStaysALink() throws {
        try withTemporaryDirectory { d in
            try FileManager.default.createDirectory(atPath: d + "/real", withIntermediateDirectories: true)
            try "old".write(toFile: d + "/real/target.txt", atomically: false, encoding: .utf8)
            symlink("real/target.txt", d + "/link.txt")
            try OutputFile.write("through\n", to: d + "/link.txt")
            #expect(isSymbolicLink(d + "/link.txt"))
            #expect(try String(contentsOfFile: d + "/real/target.txt", encoding: .utf8) == "through\n")
        }
    }

    @Test func aDanglingLinkCreatesItsTarget() throws {
        try withTemporaryDirectory { d in
            symlink(d + "/made.txt", d + "/link.txt")
            try OutputFile.write("x", to: d + "/link.txt")
            #expect(isSymbolicLink(d + "/link.txt"))
            #expect(try String(contentsOfFile: d + "/made.txt", encoding: .utf8) == "x")
        }
    }

    @Test func aFIFOIsWrittenInPlace() async throws {
        try await withTemporaryDirectory { d in
            let fifo = d + "/pipe"
            #expect(mkfifo(fifo, 0o600) == 0)
            let reader = Task.detached { () -> String in
                let handle = FileHandle(forReadingAtPath: fifo)
                defer { try? handle?.close() }
                return String(decoding: handle?.readDataToEndOfFile() ?? Data(), as: UTF8.self)
            }
            try OutputFile.write("through the pipe\n", to: fifo)
            #expect(await reader.value == "through the pipe\n")
            var status = stat()
            lstat(fifo, &status)
            #expect(status.st_mode & S_IFMT == S_IFIFO)
        }
    }

    @Test func aFullDeviceIsAnIOErrorNamingThePath() throws {
        #expect(throws: OutputFileError.writeFailed(path: "/dev/full", reason: "No space left on device")) {
            try OutputFile.write("x", to: "/dev/full")
        }
        #expect(OutputFileError.writeFailed(path: "/dev/full", reason: "No space left on device").description == "I/O error writing /dev/full: No space left on device")
    }

    @Test func aDirectoryOrAMissingParentIsRejectedAndNothingIsLeftBehind() throws {
        try withTemporaryDirectory { d in
            #expect(throws: OutputFileError.cannotOpen(path: d, reason: "it is a directory")) { try OutputFile.write("x", to: d) }
            #expect(throws: OutputFileError.cannotOpen(path: d + "/missing/r.json", reason: "No such file or directory")) {
                try OutputFile.write("x", to: d + "/missing/r.json")
            }
            let left = try FileManager.default.contentsOfDirectory(atPath: d)
            #expect(left.isEmpty)
        }
    }
}
