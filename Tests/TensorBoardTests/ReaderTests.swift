import EventRecords
import Foundation
import TensorBoard
import TestSupport
import Testing

@Suite struct ReaderTests {
    /// A file of the leading event plus 10 scalar events "x" = step at steps 0…9.
    private func tenScalars(_ directory: String) throws -> String {
        let writer = try SummaryWriter(logDirectory: directory, startWallTime: 1)
        for step in 0..<10 { try writer.addScalar("x", Double(step), step: step, wallTime: 2) }
        try writer.close()
        return writer.filePath
    }

    /// Byte offsets of every record in a file.
    private func recordOffsets(_ bytes: [UInt8]) -> [Int] {
        var offsets = [Int]()
        var o = 0
        while o + 12 <= bytes.count {
            offsets.append(o)
            let length = bytes[o..<(o + 8)].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            o += length + 16
        }
        return offsets
    }

    private func scalars(_ path: String) -> (values: [Double], error: EventReadError?) {
        var values = [Double]()
        do {
            try EventFileReader(path: path).forEachScalar { _, point in values.append(point.value) }
            return (values, nil)
        } catch let error as EventReadError {
            return (values, error)
        } catch {
            return (values, nil)
        }
    }

    @Test func garbagePayloadWithValidChecksumsIsReportedAsUndecodable() throws {
        try withTemporaryDirectory { directory in
            let path = try tenScalars(directory)
            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            let offsets = recordOffsets(bytes)
            // Rebuild record 6 (scalar step 5) with a garbage payload and correct CRCs.
            var rebuilt = Array(bytes[0..<offsets[6]])
            [UInt8](repeating: 0xFF, count: 10).withUnsafeBytes { RecordFraming.appendRecord($0, to: &rebuilt) }
            rebuilt += bytes[offsets[7]...]
            bytes = rebuilt
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let (values, error) = scalars(path)
            #expect(values == [0, 1, 2, 3, 4])
            #expect(error == .decoding(.malformedEvent(path: path, offset: offsets[6])))
        }
    }

    @Test func flippedPayloadAndLengthBytesStopTheFileWithTheirOffsets() throws {
        try withTemporaryDirectory { directory in
            let path = try tenScalars(directory)
            let original = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            let offsets = recordOffsets(original)
            var payloadFlip = original
            payloadFlip[offsets[6] + 14] ^= 0x04
            try Data(payloadFlip).write(to: URL(fileURLWithPath: path))
            var (values, error) = scalars(path)
            #expect(values == [0, 1, 2, 3, 4])
            #expect(error == .record(.damaged(path: path, offset: offsets[6], damage: .payloadChecksumMismatch)))
            var lengthFlip = original
            lengthFlip[offsets[6] + 8] ^= 0x01
            try Data(lengthFlip).write(to: URL(fileURLWithPath: path))
            (values, error) = scalars(path)
            #expect(values == [0, 1, 2, 3, 4])
            #expect(error == .record(.damaged(path: path, offset: offsets[6], damage: .lengthChecksumMismatch)))
        }
    }

    @Test func truncatedTailResumesAfterAppend() throws {
        try withTemporaryDirectory { directory in
            let path = try tenScalars(directory)
            let original = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            try Data(original.dropLast(7)).write(to: URL(fileURLWithPath: path))
            let reader = try EventFileReader(path: path)
            var values = [Double]()
            try reader.forEachScalar { values.append($1.value) }
            #expect(values == (0..<9).map(Double.init))
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(original.suffix(7)))
            try handle.close()
            try reader.forEachScalar { values.append($1.value) }
            #expect(values == (0..<10).map(Double.init))
        }
    }

    @Test func logdirFindsRunsReadsFilesInOrderAndPreemptsLikeTensorBoard() throws {
        try withTemporaryDirectory { directory in
            // The experiment of docs/reference/tensorboard-format.md, "Step pre-emption": run 1 writes 0…9 at steps 0…9; a restart writes 105…107 at 5…7.
            let first = try SummaryWriter(logDirectory: directory + "/exp/a", startWallTime: 1_000)
            for step in 0..<10 { try first.addScalar("x", Double(step), step: step) }
            try first.close()
            let second = try SummaryWriter(logDirectory: directory + "/exp/a", purgeStep: 5, startWallTime: 1_001)
            for step in 5..<8 { try second.addScalar("x", Double(100 + step), step: step) }
            try second.close()
            let other = try SummaryWriter(logDirectory: directory + "/exp/b/c")
            try other.addScalar("y", 1, step: 0)
            try other.addText("ignored", "text", step: 0)
            try other.close()
            try Data().write(to: URL(fileURLWithPath: directory + "/exp/a/notes.txt"))
            let reader = try LogdirReader(path: directory + "/exp")
            #expect(reader.runs.map(\.name) == ["a", "b/c"])
            #expect(reader.runs[0].eventFiles == [first.filePath, second.filePath].map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path })
            let shown = try reader.scalars(in: reader.runs[0])["x"]?.map(\.value)
            #expect(shown == [0, 1, 2, 3, 4, 105, 106, 107])
            let raw = try reader.scalars(in: reader.runs[0], semantics: .raw)["x"]?.count
            #expect(raw == 13)
            let b: [String: [ScalarPoint]] = try reader.scalars(in: reader.runs[1])
            #expect(Array(b.keys) == ["y"])
            #expect(b["y"]?.map(\.value) == [1])
            let filtered = try reader.scalars(in: reader.runs[0], acceptsTag: { $0 == "nothing" })
            #expect(filtered.isEmpty)
        }
    }

    @Test func logdirErrorsNameThePath() throws {
        try withTemporaryDirectory { directory in
            #expect(throws: EventReadError.pathNotFound(directory + "/missing")) { try LogdirReader(path: directory + "/missing") }
            #expect(throws: EventReadError.noEventFiles(directory)) { try LogdirReader(path: directory) }
            #expect(EventReadError.noEventFiles("d").description == "d: no event files (names containing 'tfevents') found")
        }
    }

    @Test func tensorScalarsOfEveryNumericStorageAreScalars() {
        let metadata = SummaryMetadata(pluginName: "scalars")
        let storages: [(Int32, TensorValue.Storage)] = [
            (TensorValue.float, .floats([2.5])), (TensorValue.double, .doubles([2.5])),
            (TensorValue.float, .content([0x00, 0x00, 0x20, 0x40])), (TensorValue.double, .content(Array((2.5).bitPattern.littleEndianBytes))),
            (TensorValue.int32, .int32s([2])), (TensorValue.int64, .int64s([2])),
        ]
        for (dtype, storage) in storages {
            let value = SummaryValue(tag: "t", metadata: metadata, value: .tensor(TensorValue(dataType: dtype, shape: [], storage: storage)))
            guard case .scalar(let number) = value.decoded(pluginName: nil) else {
                Issue.record("not a scalar: \(storage)")
                continue
            }
            #expect(number == 2.5 || number == 2)
        }
        let histogram = SummaryValue(tag: "h", value: .histogram(HistogramValue(minimum: 0, maximum: 3, count: 3, sum: 3, sumOfSquares: 5, bucketLimits: [1, 2, 3], bucketCounts: [1, 1, 1])))
        let buckets = [HistogramBucket(left: 0, right: 1, count: 1), HistogramBucket(left: 1, right: 2, count: 1), HistogramBucket(left: 2, right: 3, count: 1)]
        #expect(histogram.decoded(pluginName: nil) == DecodedValue.histogram(buckets))
        let prFloats: [Float] = (0..<12).map { Float($0) }
        let pr = SummaryValue(tag: "p", value: .tensor(TensorValue(dataType: TensorValue.float, shape: [6, 2], storage: .floats(prFloats))))
        let rows: [[Double]] = (0..<6).map { [Double(2 * $0), Double(2 * $0 + 1)] }
        let expected = DecodedValue.prCurve(rows: rows, thresholdCount: 2)
        #expect(pr.decoded(pluginName: "pr_curves") == expected)
    }

    @Test func generatedProtobufCodeIsNotStale() throws {
        // Regenerates the protobuf-c code from proto/ into a temporary directory and compares it
        // with the committed Sources/CTensorBoardProto (needs protoc-c, installed by scripts/install-deps.sh).
        try withTemporaryDirectory { directory in
            let result = try runProcess("/bin/bash", [packageRootPath + "/scripts/generate-protos.sh", directory])
            #expect(result.status == 0, "generate-protos.sh failed: \(result.standardError)")
            let committed = packageRootPath + "/Sources/CTensorBoardProto"
            let enumerator = FileManager.default.enumerator(atPath: directory)
            var compared = 0
            while let relative = enumerator?.nextObject() as? String {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: directory + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                let fresh = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + relative))
                let old = try? Data(contentsOf: URL(fileURLWithPath: committed + "/" + relative))
                #expect(old == fresh, "\(relative) is stale: run scripts/generate-protos.sh")
                compared += 1
            }
            #expect(compared >= 38)
        }
    }
}

extension UInt64 {
    fileprivate var littleEndianBytes: [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: self >> (8 * $0)) } }
}
