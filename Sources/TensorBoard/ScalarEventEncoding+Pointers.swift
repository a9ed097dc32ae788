/// Hand-written protobuf encoding and decoding of the commonest event, one `simple_value`
/// scalar: `Event{wall_time, step, summary{value{tag, simple_value}}}`.
///
/// Produces exactly the bytes protobuf-c produces for the same event (a test compares them),
/// without building a message tree, so `addScalar` costs one pass over a reused buffer.
/// Wire format: protobuf encoding guide (varints, fixed64/fixed32, length-delimited fields).
enum ScalarEventEncoding {
    /// Bytes of a varint encoding of `value` (1–10).
    @inline(__always)
    static func varintSize(_ value: UInt64) -> Int {
        var v = value
        var n = 1
        while v >= 0x80 {
            v >>= 7
            n += 1
        }
        return n
    }

    @inline(__always)
    static func putVarint(_ value: UInt64, _ p: UnsafeMutableRawPointer, _ offset: inout Int) {
        var v = value
        while v >= 0x80 {
            p.storeBytes(of: UInt8(truncatingIfNeeded: v) | 0x80, toByteOffset: offset, as: UInt8.self)
            offset += 1
            v >>= 7
        }
        p.storeBytes(of: UInt8(v), toByteOffset: offset, as: UInt8.self)
        offset += 1
    }

    /// Payload size of the scalar event (proto3: a zero wall time or step is omitted).
    @inline(__always)
    static func payloadSize(tagCount: Int, wallTime: Double, step: Int64) -> Int {
        let valueSize = (tagCount > 0 ? 1 + varintSize(UInt64(tagCount)) + tagCount : 0) + 5
        let summarySize = 1 + varintSize(UInt64(valueSize)) + valueSize
        return (wallTime.bitPattern != 0 ? 9 : 0) + (step != 0 ? 1 + varintSize(UInt64(bitPattern: step)) : 0)
            + 1 + varintSize(UInt64(summarySize)) + summarySize
    }

    /// Writes the payload into `destination` (exactly `payloadSize(...)` bytes).
    @inline(__always)
    static func encode(
        tag: UnsafeRawBufferPointer, value: Float, wallTime: Double, step: Int64, into destination: UnsafeMutableRawBufferPointer
    ) {
        guard let p = destination.baseAddress else { return }
        var o = 0
        if wallTime.bitPattern != 0 {
            p.storeBytes(of: 0x09, toByteOffset: o, as: UInt8.self)
            p.storeBytes(of: wallTime.bitPattern.littleEndian, toByteOffset: o + 1, as: UInt64.self)
            o += 9
        }
        if step != 0 {
            p.storeBytes(of: 0x10, toByteOffset: o, as: UInt8.self)
            o += 1
            putVarint(UInt64(bitPattern: step), p, &o)
        }
        let valueSize = (tag.count > 0 ? 1 + varintSize(UInt64(tag.count)) + tag.count : 0) + 5
        let summarySize = 1 + varintSize(UInt64(valueSize)) + valueSize
        p.storeBytes(of: 0x2A, toByteOffset: o, as: UInt8.self)
        o += 1
        putVarint(UInt64(summarySize), p, &o)
        p.storeBytes(of: 0x0A, toByteOffset: o, as: UInt8.self)
        o += 1
        putVarint(UInt64(valueSize), p, &o)
        if tag.count > 0 {
            p.storeBytes(of: 0x0A, toByteOffset: o, as: UInt8.self)
            o += 1
            putVarint(UInt64(tag.count), p, &o)
            if let base = tag.baseAddress { (p + o).copyMemory(from: base, byteCount: tag.count) }
            o += tag.count
        }
        p.storeBytes(of: 0x15, toByteOffset: o, as: UInt8.self)
        p.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: o + 1, as: UInt32.self)
    }
}

/// A fast, allocation-free reader of events whose summary values are all `simple_value`
/// scalars (any metadata is skipped). Anything else returns `nil` and the caller falls back
/// to protobuf-c (`EventDecoding`).
enum ScalarEventDecoding {
    /// One scalar of a fast-decoded event; `tag` points into the payload.
    struct Scalar {
        var tag: UnsafeRawBufferPointer
        var value: Float
    }

    /// What the fast path found in an event.
    enum Result {
        /// An event with only `simple_value` values (possibly none).
        case scalars(wallTime: Double, step: Int64, values: Int)
        /// Something else: use protobuf-c.
        case other
    }

    @inline(__always)
    static func readVarint(_ p: UnsafeRawBufferPointer, _ o: inout Int, _ end: Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while o < end, shift < 64 {
            let byte = p[o]
            o += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }

    /// Skips a field of the given wire type; returns false on malformed input.
    @inline(__always)
    static func skip(_ wireType: UInt64, _ p: UnsafeRawBufferPointer, _ o: inout Int, _ end: Int) -> Bool {
        switch wireType {
        case 0: return readVarint(p, &o, end) != nil
        case 1: o += 8
        case 2:
            guard let length = readVarint(p, &o, end), length <= UInt64(end - o) else { return false }
            o += Int(length)
        case 5: o += 4
        default: return false
        }
        return o <= end
    }

    /// Decodes `payload`, calling `body` for each scalar value, in order.
    ///
    /// - Returns: `.scalars` when the event matched the fast path (then `body` has been called
    ///   for every value), `.other` otherwise (then `body` may have been called for none or some
    ///   values before the mismatch was found: callers buffer or restart).
    static func decode(_ payload: UnsafeRawBufferPointer, _ body: (Scalar) -> Void) -> Result {
        var o = 0
        let end = payload.count
        var wallTime = 0.0
        var step: Int64 = 0
        var count = 0
        while o < end {
            guard let key = readVarint(payload, &o, end) else { return .other }
            let field = key >> 3, wire = key & 7
            switch (field, wire) {
            case (1, 1):
                guard o + 8 <= end else { return .other }
                wallTime = Double(bitPattern: UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: o, as: UInt64.self)))
                o += 8
            case (2, 0):
                guard let v = readVarint(payload, &o, end) else { return .other }
                step = Int64(bitPattern: v)
            case (5, 2):
                guard let length = readVarint(payload, &o, end), length <= UInt64(end - o) else { return .other }
                let summaryEnd = o + Int(length)
                while o < summaryEnd {
                    guard let k = readVarint(payload, &o, summaryEnd) else { return .other }
                    guard k == 0x0A else {
                        if !skip(k & 7, payload, &o, summaryEnd) { return .other }
                        continue
                    }
                    guard let valueLength = readVarint(payload, &o, summaryEnd), valueLength <= UInt64(summaryEnd - o) else { return .other }
                    let valueEnd = o + Int(valueLength)
                    var tag = UnsafeRawBufferPointer(rebasing: payload[o..<o])
                    var nodeName: UnsafeRawBufferPointer?
                    var number: Float?
                    while o < valueEnd {
                        guard let vk = readVarint(payload, &o, valueEnd) else { return .other }
                        switch vk {
                        case 0x0A, 0x3A:  // tag (1) or node_name (7)
                            guard let n = readVarint(payload, &o, valueEnd), n <= UInt64(valueEnd - o) else { return .other }
                            let slice = UnsafeRawBufferPointer(rebasing: payload[o..<(o + Int(n))])
                            if vk == 0x0A { tag = slice } else { nodeName = slice }
                            o += Int(n)
                        case 0x15:  // simple_value (2), fixed32
                            guard o + 4 <= valueEnd else { return .other }
                            number = Float(bitPattern: UInt32(littleEndian: payload.loadUnaligned(fromByteOffset: o, as: UInt32.self)))
                            o += 4
                        case 0x4A:  // metadata (9): skipped
                            if !skip(2, payload, &o, valueEnd) { return .other }
                        default:
                            return .other
                        }
                    }
                    guard let number else { return .other }
                    if tag.isEmpty, let nodeName { tag = nodeName }
                    body(Scalar(tag: tag, value: number))
                    count += 1
                }
            case (10, 2):
                if !skip(2, payload, &o, end) { return .other }
            default:
                return .other
            }
        }
        return o == end ? .scalars(wallTime: wallTime, step: step, values: count) : .other
    }
}
