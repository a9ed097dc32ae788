import EventRecords
import Foundation
import TestSupport
import Testing

@Suite struct RecordDamageTests {
    /// Writes 10 records of 20 bytes each (36 bytes framed) and returns the file's bytes.
    private func tenRecords(_ path: String) throws -> [UInt8] {
        let writer = try RecordWriter(path: path)
        for i in 0..<10 { try writer.write([UInt8](repeating: UInt8(i), count: 20)) }
        try writer.close()
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    private func read(_ path: String) -> (payloads: [[UInt8]], error: RecordError?) {
        var payloads = [[UInt8]]()
        do {
            let reader = try RecordReader(path: path)
            while let p = try reader.next() { payloads.append(p) }
            return (payloads, nil)
        } catch {
            return (payloads, error)
        }
    }

    @Test func truncatedTailIsNotAnErrorAndResumesAfterAppend() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/r"
            let bytes = try tenRecords(path)
            let cut = bytes.count - 10
            try Data(bytes[0..<cut]).write(to: URL(fileURLWithPath: path))
            let reader = try RecordReader(path: path)
            var got = [[UInt8]]()
            while let p = try reader.next() { got.append(p) }
            #expect(got.count == 9)
            #expect(reader.offset == 9 * 36)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(bytes[cut...]))
            try handle.close()
            #expect(try reader.next() == [UInt8](repeating: 9, count: 20))
            #expect(try reader.next() == nil)
        }
    }

    @Test func flippedPayloadByteIsReportedAtItsRecord() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/r"
            var bytes = try tenRecords(path)
            bytes[5 * 36 + 12 + 3] ^= 0x01  // a payload byte of record 5
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let (payloads, error) = read(path)
            #expect(payloads.count == 5)
            #expect(error == .damaged(path: path, offset: 180, damage: .payloadChecksumMismatch))
        }
    }

    @Test func flippedLengthChecksumByteIsReportedAtItsRecord() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/r"
            var bytes = try tenRecords(path)
            bytes[6 * 36 + 9] ^= 0x80  // a byte of record 6's length CRC
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let (payloads, error) = read(path)
            #expect(payloads.count == 6)
            #expect(error == .damaged(path: path, offset: 216, damage: .lengthChecksumMismatch))
            #expect(error?.description == "\(path): damaged record at byte offset 216 (length checksum mismatch); data from this offset on is ignored")
        }
    }

    @Test func damageIsStickyAndNothingAfterItIsReturned() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/r"
            var bytes = try tenRecords(path)
            bytes[2 * 36 + 20] ^= 0xFF
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let reader = try RecordReader(path: path)
            #expect(try reader.next() != nil)
            #expect(try reader.next() != nil)
            for _ in 0..<3 {
                #expect(throws: RecordError.damaged(path: path, offset: 72, damage: .payloadChecksumMismatch)) { try reader.next() }
            }
        }
    }
}
