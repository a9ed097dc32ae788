import CProtobufC

/// Checks how deeply a serialized protobuf message nests sub-messages, without recursion,
/// before protobuf-c (which recurses once per nested message) is allowed to parse it.
///
/// The scan walks the wire format with an explicit stack, looking each field up in the
/// message's protobuf-c descriptor (`protobuf_c_message_descriptor_get_field`): a
/// length-delimited field whose descriptor type is `PROTOBUF_C_TYPE_MESSAGE` is entered,
/// everything else (scalars, strings, bytes, unknown fields) is skipped. So it descends exactly
/// where protobuf-c's `protobuf_c_message_unpack` would. O(n) time in the payload size,
/// O(limit) memory.
enum ProtobufNesting {
    /// Deepest nesting accepted: 100 messages inside one another, the outermost included
    /// (the default recursion limit of Google's protobuf parsers).
    static let limit = 100

    /// The outcome of a scan.
    enum Verdict: Equatable {
        /// No message nests deeper than the limit.
        case withinLimit
        /// A sub-message starting at this byte offset of the payload would be the
        /// `limit + 1`-th nested message.
        case tooDeep(offset: Int)
        /// The wire format is broken at this byte offset (protobuf-c rejects such bytes too).
        case malformed(offset: Int)
    }

    /// Scans `payload` as a message of type `descriptor`.
    ///
    /// Payloads shorter than `2 * limit` bytes are accepted without a scan: every nesting level
    /// costs at least two bytes (a key and a length).
    ///
    /// - Parameters:
    ///   - payload: Serialized message.
    ///   - descriptor: protobuf-c descriptor of the message type (e.g. `tensorboard__event__descriptor`).
    ///   - limit: Deepest nesting accepted (default `ProtobufNesting.limit`).
    /// - Returns: The verdict.
    static func check(
        _ payload: UnsafeRawBufferPointer, descriptor: UnsafePointer<ProtobufCMessageDescriptor>, limit: Int = limit
    ) -> Verdict {
        guard payload.count >= 2 * limit else { return .withinLimit }
        var stack: [(descriptor: UnsafePointer<ProtobufCMessageDescriptor>, end: Int)] = [(descriptor, payload.count)]
        stack.reserveCapacity(min(limit, 64))
        var o = 0
        while let top = stack.last {
            if o == top.end {
                stack.removeLast()
                continue
            }
            let keyOffset = o
            guard let key = ScalarEventDecoding.readVarint(payload, &o, top.end) else { return .malformed(offset: keyOffset) }
            switch key & 7 {
            case 0:
                guard ScalarEventDecoding.readVarint(payload, &o, top.end) != nil else { return .malformed(offset: keyOffset) }
            case 1:
                guard top.end - o >= 8 else { return .malformed(offset: keyOffset) }
                o += 8
            case 5:
                guard top.end - o >= 4 else { return .malformed(offset: keyOffset) }
                o += 4
            case 2:
                guard let length = ScalarEventDecoding.readVarint(payload, &o, top.end), length <= UInt64(top.end - o) else {
                    return .malformed(offset: keyOffset)
                }
                let fieldNumber = key >> 3
                if fieldNumber <= UInt64(UInt32.max),
                    let field = protobuf_c_message_descriptor_get_field(top.descriptor, UInt32(fieldNumber)),
                    field.pointee.type == PROTOBUF_C_TYPE_MESSAGE,
                    let child = field.pointee.descriptor
                {
                    guard stack.count < limit else { return .tooDeep(offset: keyOffset) }
                    stack.append((child.assumingMemoryBound(to: ProtobufCMessageDescriptor.self), o + Int(length)))
                } else {
                    o += Int(length)
                }
            default:
                // Groups (3, 4) and the undefined wire types 6, 7: protobuf-c rejects them.
                return .malformed(offset: keyOffset)
            }
        }
        return .withinLimit
    }
}
