import EventRecords
import Foundation
import TensorBoard
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The limits the readers enforce: protobuf nesting, tensor shapes, non-regular files.
@Suite struct ReaderBoundsTests {
    private func decode(_ payload: [UInt8]) throws -> Event {
        try payload.withUnsafeBytes { try EventDecoding.decode($0, path: "f", offset: 7) }
    }

    @Test func nestingUpToTheLimitParsesAndOneMoreIsRejectedBeforeParsing() throws {
        // 4 + 2 × 48 = 100 nested messages: accepted and parsed by protobuf-c.
        let atLimit = FuzzCorpus.nestedTensorEvent(levels: 48)
        let event = try decode(atLimit)
        guard case .summary(let values) = event.content, case .tensor = values.first?.value else {
            Issue.record("expected a tensor value, got \(event.content)")
            return
        }
        #expect(values.first?.tag == "deep")
        // 101 nested messages: rejected with the limit named.
        let beyond = FuzzCorpus.nestedTensorEvent(levels: 48, emptyInnermostVariant: true)
        #expect(throws: EventDecodingError.nestingTooDeep(path: "f", offset: 7, limit: 100)) { try decode(beyond) }
        #expect(beyond.withUnsafeBytes { EventDecoding.decode($0) } == nil)
        #expect(
            EventDecodingError.nestingTooDeep(path: "f", offset: 7, limit: 100).description
                == "f: record at byte offset 7 nests protobuf messages more than 100 deep; data from this offset on is ignored")
    }

    @Test func deepNestingOfTwentyThousandLevelsIsRejectedWithoutRecursion() throws {
        let payload = FuzzCorpus.nestedTensorEvent(levels: 20_000)
        #expect(throws: EventDecodingError.nestingTooDeep(path: "f", offset: 7, limit: 100)) { try decode(payload) }
    }

    @Test func protobufCRejectsGroupsSoTheNestingScanMayToo() {
        // A payload too short to need the scan: protobuf-c itself decides, and refuses the
        // start-group wire type (3). The scan reports groups as malformed for the same reason.
        var event = ProtobufWriter()
        event.varint(field: 2, 1)
        event.key(field: 9, wireType: 3)
        event.key(field: 9, wireType: 4)
        #expect(event.bytes.withUnsafeBytes { EventDecoding.decode($0) } == nil)
    }

    @Test func largeShallowPayloadsPassTheNestingScan() throws {
        var event = ProtobufWriter()
        event.fixed64(field: 1, Double(3).bitPattern)
        event.message(field: 5) { summary in
            summary.message(field: 1) { value in
                value.bytes(field: 1, Array("big".utf8))
                value.message(field: 8) { tensor in
                    tensor.varint(field: 1, 1)
                    tensor.message(field: 2) { shape in shape.message(field: 2) { dim in dim.varint(field: 1, 100_000) } }
                    tensor.bytes(field: 4, [UInt8](repeating: 0, count: 400_000))
                }
            }
        }
        let decoded = try decode(event.bytes)
        guard case .summary(let values) = decoded.content, case .tensor(let tensor) = values.first?.value else {
            Issue.record("expected a tensor")
            return
        }
        #expect(tensor.numericValues?.count == 100_000)
    }

    @Test func malformedLongPayloadIsReportedAsMalformed() {
        let payload = [UInt8](repeating: 0xFF, count: 1000)
        #expect(throws: EventDecodingError.malformedEvent(path: "f", offset: 7)) { try decode(payload) }
    }

    @Test func elementCountsAreCheckedArithmetic() throws {
        let overflow = TensorValue(dataType: TensorValue.float, shape: [1 << 32, 1 << 32], storage: .floats([1]))
        #expect(overflow.elementCount == 0)
        #expect(throws: TensorShapeError.elementCountOverflow(shape: [1 << 32, 1 << 32])) { try overflow.checkedElementCount() }
        #expect(overflow.numericValues == [1])
        let negative = TensorValue(dataType: TensorValue.float, shape: [2, -1], storage: .floats([1, 2]))
        #expect(throws: TensorShapeError.negativeDimension(shape: [2, -1])) { try negative.validateShape() }
        let scalar = TensorValue(dataType: TensorValue.double, shape: [], storage: .doubles([4]))
        #expect(try scalar.checkedElementCount() == 1)
    }

    @Test func singleValuesAreRepeatedOnlyUpToTheExpansionLimit() throws {
        let small = TensorValue(dataType: TensorValue.float, shape: [2, 3], storage: .floats([7]))
        try small.validateShape()
        #expect(small.numericValues == [7, 7, 7, 7, 7, 7])
        let limit = TensorValue.maximumExpandedElementCount
        let atLimit = TensorValue(dataType: TensorValue.float, shape: [Int64(limit)], storage: .floats([7]))
        try atLimit.validateShape()
        #expect(atLimit.numericValues?.count == limit)
        let beyond = TensorValue(dataType: TensorValue.float, shape: [6, 1 << 36], storage: .floats([7]))
        #expect(throws: TensorShapeError.exceedsStoredElements(shape: [6, 1 << 36], elementCount: 6 << 36, storedCount: 1)) {
            try beyond.validateShape()
        }
        #expect(beyond.numericValues == [7])
        #expect(SummaryValue(tag: "pr", metadata: nil, value: .tensor(beyond)).decoded(pluginName: "pr_curves") == .tensor(beyond))
        // Content bytes count as stored elements: 8 bytes of float32 hold 2.
        let content = TensorValue(dataType: TensorValue.float, shape: [1 << 40], storage: .content([UInt8](repeating: 0, count: 8)))
        #expect(content.storedElementCount == 2)
        #expect(throws: TensorShapeError.exceedsStoredElements(shape: [1 << 40], elementCount: 1 << 40, storedCount: 2)) {
            try content.validateShape()
        }
    }

    @Test func nonRegularFilesAreRefusedWithoutBlocking() throws {
        try withTemporaryDirectory { directory in
            let fifo = directory + "/events.out.tfevents.1.fifo"
            #expect(mkfifo(fifo, 0o600) == 0)
            let message = "\(fifo) is a FIFO, not a regular file; skipped (event files must be regular files)"
            #expect(throws: RecordError.notRegularFile(path: fifo, kind: "a FIFO")) { try RecordReader(path: fifo) }
            #expect(throws: EventReadError.record(.notRegularFile(path: fifo, kind: "a FIFO"))) { try EventFileReader(path: fifo) }
            #expect(throws: EventReadError.record(.notRegularFile(path: fifo, kind: "a FIFO"))) { try LogdirReader(path: fifo) }
            #expect(RecordError.notRegularFile(path: fifo, kind: "a FIFO").description == message)
            // A logdir with only the FIFO: the FIFO's error, not "no event files".
            #expect(throws: EventReadError.record(.notRegularFile(path: fifo, kind: "a FIFO"))) { try LogdirReader(path: directory) }
            // Next to a regular event file: skipped, listed, the regular file read.
            try FileManager.default.copyItem(atPath: FuzzCorpus.cases[0].path, toPath: directory + "/events.out.tfevents.0.ok")
            let reader = try LogdirReader(path: directory)
            #expect(reader.skippedFiles.map(\.description) == [message])
            #expect(reader.runs.map(\.eventFiles.count) == [1])
            #expect(try reader.scalars(in: reader.runs[0])["Margin"]?.map(\.value) == [0.5])
        }
    }

    @Test func socketsAndDevicesAreRefusedToo() throws {
        #expect(throws: RecordError.notRegularFile(path: "/dev/null", kind: "a character device")) { try RecordReader(path: "/dev/null") }
        try withTemporaryDirectory { directory in
            #expect(throws: RecordError.notRegularFile(path: directory, kind: "a directory")) { try RecordReader(path: directory) }
            let socketPath = directory + "/events.out.tfevents.sock"
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (i, byte) in socketPath.utf8.prefix(raw.count - 1).enumerated() { raw[i] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            #expect(bound == 0)
            #expect(throws: RecordError.notRegularFile(path: socketPath, kind: "a socket")) { try RecordReader(path: socketPath) }
        }
    }
}
