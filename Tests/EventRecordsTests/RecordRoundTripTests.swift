import EventRecords
import Foundation
import LinearAlgebra
import TestSupport
import Testing

@Suite struct RecordRoundTripTests {
    private func payloads(_ count: Int) -> [[UInt8]] {
        var rng = RepeatableRandomNumberGenerator(seed: 99)
        return (0..<count).map { i in (0..<(i % 37 * 13)).map { _ in UInt8.random(in: 0...255, using: &rng) } }
    }

    private func readAll(_ path: String) throws -> [[UInt8]] {
        let reader = try RecordReader(path: path)
        var result = [[UInt8]]()
        while let payload = try reader.next() { result.append(payload) }
        return result
    }

    @Test func writeThenReadIsLossless() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/records"
            var options = RecordWriterOptions()
            options.chunkSize = 4096  // many hand-offs to the background writer
            let writer = try RecordWriter(path: path, options: options)
            let expected = payloads(500)
            for payload in expected { try writer.write(payload) }
            try writer.close()
            #expect(try readAll(path) == expected)
            let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            #expect(size == expected.reduce(0) { $0 + $1.count + RecordFraming.overhead })
        }
    }

    @Test func writerRefusesAnExistingFileAndUseAfterClose() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/records"
            let writer = try RecordWriter(path: path)
            #expect(throws: RecordError.fileExists(path: path)) { try RecordWriter(path: path) }
            try writer.close()
            #expect(throws: RecordError.closed(path: path)) { try writer.write([1, 2, 3]) }
            #expect(throws: RecordError.closed(path: path)) { try writer.flush() }
            #expect(RecordError.closed(path: path).description.contains("open a new writer"))
        }
    }

    @Test func writeFailureIsStoredReportedAndRethrownWithoutCrashing() throws {
        // /dev/full accepts open() and fails every write with ENOSPC: a full disk.
        var options = RecordWriterOptions()
        options.createsExclusively = false
        let reported = ErrorBox()
        let writer = try RecordWriter(path: "/dev/full", options: options) { reported.set($0) }
        try writer.write([1, 2, 3])
        let expected = RecordError.writeFailed(path: "/dev/full", reason: String(cString: strerror(ENOSPC)))
        #expect(throws: expected) { try writer.flush() }
        #expect(reported.value == expected)
        #expect(throws: expected) { try writer.write([4]) }
        #expect(throws: expected) { try writer.close() }
    }

    @Test func flushMakesRecordsVisibleToAReaderWhileTheWriterIsOpen() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/records"
            var options = RecordWriterOptions()
            options.flushInterval = 3600
            let writer = try RecordWriter(path: path, options: options)
            try writer.write([9, 9])
            let reader = try RecordReader(path: path)
            #expect(try reader.next() == nil)  // still buffered
            try writer.flush()
            #expect(try reader.next() == [9, 9])  // resumes after growth
            try writer.write([7])
            try writer.synchronize()
            #expect(try reader.next() == [7])
            try writer.close()
        }
    }

    @Test func dropNewestPolicyCountsDropsInsteadOfBlocking() throws {
        try withTemporaryDirectory { directory in
            var options = RecordWriterOptions()
            options.chunkSize = 16
            options.maximumQueuedChunks = 1
            options.queueFullPolicy = .dropNewest
            let writer = try RecordWriter(path: directory + "/r", options: options)
            for _ in 0..<20_000 { try writer.write([UInt8](repeating: 1, count: 64)) }
            try writer.close()
            let kept = try readAll(directory + "/r").count
            #expect(kept + writer.droppedRecordCount == 20_000)
        }
    }
}

/// A thread-safe box for the error callback.
final class ErrorBox: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var stored: RecordError?
    func set(_ error: RecordError) { lock.withLock { stored = error } }
    var value: RecordError? { lock.withLock { stored } }
}
