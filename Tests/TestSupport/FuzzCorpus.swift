import EventRecords
import Foundation

/// The checked-in corpus of crafted event files that every reader and tool must reject cleanly.
///
/// Each file starts with a valid `file_version` event and a valid scalar `Margin` = 0.5 at
/// step 0 (so tests also check that the data before the bad record is kept), followed by one
/// crafted record. The files live in `Tests/TensorBoardTests/Fixtures/fuzz/<name>.tfevents`
/// and are exactly what `bytes` builds; regenerate them with
/// `CONTRASTIVEBOARD_WRITE_FUZZ_CORPUS=1 swift test --filter FuzzCorpusTests` after changing a case.
/// They also seed the coverage-guided fuzzer (`scripts/fuzz.sh`).
public enum FuzzCorpus {
    /// Directory of the checked-in files.
    public static let directory = packageRootPath + "/Tests/TensorBoardTests/Fixtures/fuzz"

    /// Byte offset of the crafted record in every file (after the two valid records).
    public static let craftedRecordOffset = prefix.count

    /// One crafted file.
    public struct Case: Sendable, CustomStringConvertible {
        /// File name stem (the file is `<name>.tfevents`).
        public var name: String
        /// What the crafted record holds.
        public var summary: String
        /// The file's bytes.
        public var bytes: [UInt8]
        /// The exact message every reader reports for the file at the given path, or `nil`
        /// when the file reads without error (the crafted record is then a short tail, "not
        /// yet written", or valid).
        public var expectedMessage: (@Sendable (String) -> String)?

        /// The checked-in file's path.
        public var path: String { FuzzCorpus.directory + "/" + name + ".tfevents" }

        /// The case's name.
        public var description: String { name }
    }

    /// Every case, in a fixed order.
    public static let cases: [Case] = [
        Case(
            name: "record-length-beyond-file",
            summary: "a record whose length field (with a valid CRC) declares 2^30 bytes, followed by 32 bytes",
            bytes: prefix + recordHeader(length: 1 << 30) + [UInt8](repeating: 0, count: 32),
            expectedMessage: nil),
        Case(
            name: "record-length-implausible",
            summary: "a record whose length field (with a valid CRC) declares 2^40 bytes",
            bytes: prefix + recordHeader(length: 1 << 40) + [UInt8](repeating: 0, count: 32),
            expectedMessage: { "\($0): damaged record at byte offset \(craftedRecordOffset) (implausible record length); data from this offset on is ignored" }),
        Case(
            name: "tensor-shape-overflow",
            summary: "a scalars-plugin tensor of shape [2^32, 2^32] holding one float",
            bytes: prefix + record(tensorEvent(tag: "overflow", plugin: "scalars", shape: [1 << 32, 1 << 32], floats: [1])),
            expectedMessage: {
                "\($0): record at byte offset \(craftedRecordOffset), tag 'overflow': tensor_shape [4294967296, 4294967296] has more elements than a 64-bit count holds; data from this offset on is ignored"
            }),
        Case(
            name: "pr-curve-shape-beyond-data",
            summary: "a pr_curves-plugin tensor of shape [6, 2^36] holding one float",
            bytes: prefix + record(tensorEvent(tag: "pr", plugin: "pr_curves", shape: [6, 1 << 36], floats: [1])),
            expectedMessage: {
                "\($0): record at byte offset \(craftedRecordOffset), tag 'pr': tensor_shape [6, 68719476736] asks for 412316860416 elements but the tensor stores 1 (stored values are repeated to fill a shape of at most 4194304 elements); data from this offset on is ignored"
            }),
        Case(
            name: "histogram-shape-beyond-data",
            summary: "a histograms-plugin tensor of shape [2^36, 3] holding one float",
            bytes: prefix + record(tensorEvent(tag: "histogram", plugin: "histograms", shape: [1 << 36, 3], floats: [1])),
            expectedMessage: {
                "\($0): record at byte offset \(craftedRecordOffset), tag 'histogram': tensor_shape [68719476736, 3] asks for 206158430208 elements but the tensor stores 1 (stored values are repeated to fill a shape of at most 4194304 elements); data from this offset on is ignored"
            }),
        Case(
            name: "tensor-negative-dimension",
            summary: "a scalars-plugin tensor of shape [-1, 3] holding three floats",
            bytes: prefix + record(tensorEvent(tag: "negative", plugin: "scalars", shape: [-1, 3], floats: [1, 2, 3])),
            expectedMessage: {
                "\($0): record at byte offset \(craftedRecordOffset), tag 'negative': tensor_shape [-1, 3] has a negative dimension; data from this offset on is ignored"
            }),
        Case(
            name: "tensor-nesting-6000",
            summary: "a tensor nested 6000 levels deep through variant_val (4 + 2 × 6000 nested messages)",
            bytes: prefix + record(nestedTensorEvent(levels: 6000)),
            expectedMessage: {
                "\($0): record at byte offset \(craftedRecordOffset) nests protobuf messages more than 100 deep; data from this offset on is ignored"
            }),
        Case(
            name: "event-not-protobuf",
            summary: "a record with valid CRCs whose payload is 10 bytes of 0xFF",
            bytes: prefix + record([UInt8](repeating: 0xFF, count: 10)),
            expectedMessage: {
                "\($0): record at byte offset \(craftedRecordOffset) is not a valid Event protobuf; data from this offset on is ignored"
            }),
        Case(
            name: "crafted-tag",
            summary: "a valid scalar whose tag is 40 'a' then '!', the worst case for a backtracking (a+)+$",
            bytes: prefix + record(scalarEvent(tag: craftedTag, value: 1, step: 1)),
            expectedMessage: nil),
    ]

    /// The tag of the `crafted-tag` case.
    public static let craftedTag = String(repeating: "a", count: 40) + "!"

    // MARK: Building blocks

    /// The two valid records every file starts with.
    static let prefix: [UInt8] = {
        var version = ProtobufWriter()
        version.fixed64(field: 1, Double(1).bitPattern)
        version.bytes(field: 3, Array("brain.Event:2".utf8))
        return record(version.bytes) + record(scalarEvent(tag: "Margin", value: 0.5, step: 0))
    }()

    /// A framed record (both masked CRCs valid).
    public static func record(_ payload: [UInt8]) -> [UInt8] {
        var framed = [UInt8]()
        payload.withUnsafeBytes { RecordFraming.appendRecord($0, to: &framed) }
        return framed
    }

    /// A record header declaring `length` payload bytes, with a valid length CRC.
    static func recordHeader(length: UInt64) -> [UInt8] {
        var header = withUnsafeBytes(of: length.littleEndian) { Array($0) }
        let crc = header.withUnsafeBytes { CRC32C.maskedChecksum(of: $0) }
        header += withUnsafeBytes(of: crc.littleEndian) { Array($0) }
        return header
    }

    /// An `Event` at wall time 1 with one `simple_value`.
    static func scalarEvent(tag: String, value: Float, step: UInt64) -> [UInt8] {
        var event = ProtobufWriter()
        event.fixed64(field: 1, Double(1).bitPattern)
        event.varint(field: 2, step)
        event.message(field: 5) { summary in
            summary.message(field: 1) { scalar in
                scalar.bytes(field: 1, Array(tag.utf8))
                scalar.fixed32(field: 2, value.bitPattern)
            }
        }
        return event.bytes
    }

    /// An `Event` at step 1 with one float tensor of the given plugin and shape.
    static func tensorEvent(tag: String, plugin: String, shape: [Int64], floats: [Float]) -> [UInt8] {
        var event = ProtobufWriter()
        event.fixed64(field: 1, Double(1).bitPattern)
        event.varint(field: 2, 1)
        event.message(field: 5) { summary in
            summary.message(field: 1) { value in
                value.bytes(field: 1, Array(tag.utf8))
                value.message(field: 9) { metadata in
                    metadata.message(field: 1) { pluginData in pluginData.bytes(field: 1, Array(plugin.utf8)) }
                }
                value.message(field: 8) { tensor in
                    tensor.varint(field: 1, 1)  // DT_FLOAT
                    tensor.message(field: 2) { tensorShape in
                        for size in shape { tensorShape.message(field: 2) { dim in dim.varint(field: 1, UInt64(bitPattern: size)) } }
                    }
                    tensor.bytes(field: 5, floats.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } })
                }
            }
        }
        return event.bytes
    }

    /// An `Event` whose tensor holds a `variant_val` holding a tensor … `levels` times.
    ///
    /// Nesting: Event › Summary › Value › TensorProto, then `levels` × (VariantTensorDataProto ›
    /// TensorProto): 4 + 2 × `levels` messages, one more with `emptyInnermostVariant` (the
    /// innermost tensor then holds an empty `variant_val`).
    public static func nestedTensorEvent(levels: Int, emptyInnermostVariant: Bool = false) -> [UInt8] {
        // Built from the inside out.
        var tensor: [UInt8] = []
        if emptyInnermostVariant {
            var innermost = ProtobufWriter()
            innermost.bytes(field: 15, [])
            tensor = innermost.bytes
        }
        for _ in 0..<levels {
            var variant = ProtobufWriter()
            variant.bytes(field: 3, tensor)  // VariantTensorDataProto.tensors
            var outer = ProtobufWriter()
            outer.bytes(field: 15, variant.bytes)  // TensorProto.variant_val
            tensor = outer.bytes
        }
        var value = ProtobufWriter()
        value.bytes(field: 1, Array("deep".utf8))
        value.bytes(field: 8, tensor)
        var summary = ProtobufWriter()
        summary.bytes(field: 1, value.bytes)
        var event = ProtobufWriter()
        event.fixed64(field: 1, Double(1).bitPattern)
        event.bytes(field: 5, summary.bytes)
        return event.bytes
    }
}

/// Appends protobuf wire-format fields, for crafting payloads the writers would never produce.
public struct ProtobufWriter {
    /// The bytes written so far.
    public var bytes: [UInt8] = []

    /// Creates an empty message.
    public init() {}

    /// A base-128 varint.
    public mutating func rawVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// A field key: `field << 3 | wireType`.
    public mutating func key(field: Int, wireType: Int) { rawVarint(UInt64(field << 3 | wireType)) }

    /// A varint field (wire type 0).
    public mutating func varint(field: Int, _ value: UInt64) {
        key(field: field, wireType: 0)
        rawVarint(value)
    }

    /// A 64-bit field (wire type 1), little-endian.
    public mutating func fixed64(field: Int, _ value: UInt64) {
        key(field: field, wireType: 1)
        bytes += withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    /// A 32-bit field (wire type 5), little-endian.
    public mutating func fixed32(field: Int, _ value: UInt32) {
        key(field: field, wireType: 5)
        bytes += withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    /// A length-delimited field (wire type 2).
    public mutating func bytes(field: Int, _ value: [UInt8]) {
        key(field: field, wireType: 2)
        rawVarint(UInt64(value.count))
        bytes += value
    }

    /// A length-delimited sub-message built by `build`.
    public mutating func message(field: Int, _ build: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        build(&inner)
        bytes(field: field, inner.bytes)
    }
}
