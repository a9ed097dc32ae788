import CProtobufC
import CTensorBoardProto

/// Errors decoding a record's payload into an `Event`.
public enum EventDecodingError: Error, Equatable, CustomStringConvertible {
    /// protobuf-c could not parse the payload (`tensorboard__event__unpack` returned NULL).
    case malformedEvent(path: String, offset: Int)
    /// The payload nests protobuf messages deeper than `limit` (checked before parsing).
    case nestingTooDeep(path: String, offset: Int, limit: Int)
    /// A tensor value's `tensor_shape` cannot be used with what the tensor stores.
    case invalidTensorShape(path: String, offset: Int, tag: String, TensorShapeError)

    /// One line saying what happened and what to do.
    public var description: String {
        switch self {
        case .malformedEvent(let path, let offset):
            return "\(path): record at byte offset \(offset) is not a valid Event protobuf; data from this offset on is ignored"
        case .nestingTooDeep(let path, let offset, let limit):
            return "\(path): record at byte offset \(offset) nests protobuf messages more than \(limit) deep; data from this offset on is ignored"
        case .invalidTensorShape(let path, let offset, let tag, let error):
            return "\(path): record at byte offset \(offset), tag '\(tag)': \(error); data from this offset on is ignored"
        }
    }
}

/// Parses `Event` payloads through protobuf-c (the general path, every value kind).
public enum EventDecoding {
    /// Decodes one serialized `Event`.
    ///
    /// - Parameter payload: The record payload.
    /// - Returns: The event, or `nil` when the bytes nest messages more than
    ///   `ProtobufNesting.limit` deep or protobuf-c rejects them (`tensorboard__event__unpack`
    ///   returns NULL).
    public static func decode(_ payload: UnsafeRawBufferPointer) -> Event? {
        guard nestingVerdict(payload) == .withinLimit else { return nil }
        return unpack(payload)
    }

    /// Decodes one serialized `Event` read from a file, checking its bounds.
    ///
    /// Before protobuf-c parses anything, the nesting depth is checked without recursion
    /// (`ProtobufNesting`, at most 100 nested messages); after parsing, every tensor value's
    /// shape is checked against the elements it stores (`TensorValue.validateShape()`).
    ///
    /// - Parameters:
    ///   - payload: The record payload.
    ///   - path: The file, for error messages.
    ///   - offset: The record's byte offset in the file, for error messages.
    /// - Returns: The event.
    /// - Throws: `EventDecodingError.nestingTooDeep`, `.malformedEvent` or `.invalidTensorShape`.
    public static func decode(_ payload: UnsafeRawBufferPointer, path: String, offset: Int) throws(EventDecodingError) -> Event {
        switch nestingVerdict(payload) {
        case .withinLimit: break
        case .tooDeep: throw .nestingTooDeep(path: path, offset: offset, limit: ProtobufNesting.limit)
        case .malformed: throw .malformedEvent(path: path, offset: offset)
        }
        guard let event = unpack(payload) else { throw .malformedEvent(path: path, offset: offset) }
        if case .summary(let values) = event.content {
            for value in values {
                guard case .tensor(let tensor) = value.value else { continue }
                do { try tensor.validateShape() } catch { throw .invalidTensorShape(path: path, offset: offset, tag: value.tag, error) }
            }
        }
        return event
    }

    /// Checks only the nesting depth (and wire-format framing) of a payload that is not decoded,
    /// so that a record skipped because it holds no value of the kinds asked for is still
    /// reported when it is damaged in the way that would overflow protobuf-c's stack.
    ///
    /// - Throws: `EventDecodingError.nestingTooDeep` or `.malformedEvent`.
    static func checkNesting(_ payload: UnsafeRawBufferPointer, path: String, offset: Int) throws(EventDecodingError) {
        switch nestingVerdict(payload) {
        case .withinLimit: return
        case .tooDeep: throw .nestingTooDeep(path: path, offset: offset, limit: ProtobufNesting.limit)
        case .malformed: throw .malformedEvent(path: path, offset: offset)
        }
    }

    private static func nestingVerdict(_ payload: UnsafeRawBufferPointer) -> ProtobufNesting.Verdict {
        withUnsafePointer(to: tensorboard__event__descriptor) { ProtobufNesting.check(payload, descriptor: $0) }
    }

    private static func unpack(_ payload: UnsafeRawBufferPointer) -> Event? {
        guard let message = tensorboard__event__unpack(nil, payload.count, payload.baseAddress?.assumingMemoryBound(to: UInt8.self)) else {
            return nil
        }
        defer { tensorboard__event__free_unpacked(message, nil) }
        return event(from: message.pointee)
    }

    /// Decodes one serialized `Event` held in an array.
    ///
    /// - Parameter payload: The record payload.
    /// - Returns: The event, or `nil` when the bytes do not parse.
    public static func decode(_ payload: [UInt8]) -> Event? {
        payload.withUnsafeBytes { decode($0) }
    }

    private static func event(from m: Tensorboard__Event) -> Event {
        let content: Event.Content
        switch m.what_case {
        case TENSORBOARD__EVENT__WHAT_FILE_VERSION: content = .fileVersion(swiftString(m.file_version))
        case TENSORBOARD__EVENT__WHAT_GRAPH_DEF: content = .graphDefinition(swiftBytes(m.graph_def))
        case TENSORBOARD__EVENT__WHAT_META_GRAPH_DEF: content = .metaGraphDefinition(swiftBytes(m.meta_graph_def))
        case TENSORBOARD__EVENT__WHAT_SUMMARY:
            var values = [SummaryValue]()
            if let summary = m.summary {
                for index in 0..<summary.pointee.n_value {
                    if let value = summary.pointee.value[index] { values.append(summaryValue(from: value.pointee)) }
                }
            }
            content = .summary(values)
        case TENSORBOARD__EVENT__WHAT_LOG_MESSAGE:
            content = .logMessage(
                level: Int32(bitPattern: m.log_message?.pointee.level.rawValue ?? 0), message: swiftString(m.log_message?.pointee.message))
        case TENSORBOARD__EVENT__WHAT_SESSION_LOG:
            let log = m.session_log?.pointee
            content = .sessionLog(
                SessionLog(
                    status: SessionLog.Status(rawValue: Int32(bitPattern: log?.status.rawValue ?? 0)) ?? .unspecified,
                    checkpointPath: swiftString(log?.checkpoint_path), message: swiftString(log?.msg)))
        case TENSORBOARD__EVENT__WHAT_TAGGED_RUN_METADATA:
            let tagged = m.tagged_run_metadata?.pointee
            content = .taggedRunMetadata(tag: swiftString(tagged?.tag), runMetadata: tagged.map { swiftBytes($0.run_metadata) } ?? [])
        default: content = .empty
        }
        let writer = m.source_metadata.map { swiftString($0.pointee.writer) }
        return Event(wallTime: m.wall_time, step: m.step, content: content, sourceWriter: writer)
    }

    private static func summaryValue(from m: Tensorboard__Summary__Value) -> SummaryValue {
        var tag = swiftString(m.tag)
        if tag.isEmpty { tag = swiftString(m.node_name) }
        var metadata: SummaryMetadata?
        if let meta = m.metadata?.pointee {
            let plugin = meta.plugin_data?.pointee
            metadata = SummaryMetadata(
                pluginName: swiftString(plugin?.plugin_name), pluginContent: plugin.map { swiftBytes($0.content) } ?? [],
                displayName: swiftString(meta.display_name), summaryDescription: swiftString(meta.summary_description),
                dataClass: SummaryMetadata.DataClass(rawValue: Int32(bitPattern: meta.data_class.rawValue)) ?? .unknown)
        }
        let kind: SummaryValue.Kind
        switch m.value_case {
        case TENSORBOARD__SUMMARY__VALUE__VALUE_SIMPLE_VALUE: kind = .simpleValue(m.simple_value)
        case TENSORBOARD__SUMMARY__VALUE__VALUE_IMAGE:
            if let image = m.image?.pointee {
                kind = .image(
                    EncodedImage(height: image.height, width: image.width, colorspace: image.colorspace, encoded: swiftBytes(image.encoded_image_string)))
            } else {
                kind = .none
            }
        case TENSORBOARD__SUMMARY__VALUE__VALUE_HISTO:
            if let h = m.histo?.pointee {
                kind = .histogram(
                    HistogramValue(
                        minimum: h.min, maximum: h.max, count: h.num, sum: h.sum, sumOfSquares: h.sum_squares,
                        bucketLimits: swiftArray(h.bucket_limit, h.n_bucket_limit), bucketCounts: swiftArray(h.bucket, h.n_bucket)))
            } else {
                kind = .none
            }
        case TENSORBOARD__SUMMARY__VALUE__VALUE_AUDIO:
            if let a = m.audio?.pointee {
                kind = .audio(
                    EncodedAudio(
                        sampleRate: a.sample_rate, channelCount: a.num_channels, frameCount: a.length_frames,
                        encoded: swiftBytes(a.encoded_audio_string), contentType: swiftString(a.content_type)))
            } else {
                kind = .none
            }
        case TENSORBOARD__SUMMARY__VALUE__VALUE_TENSOR:
            kind = m.tensor.map { .tensor(tensor(from: $0.pointee)) } ?? .none
        default: kind = .none
        }
        return SummaryValue(tag: tag, metadata: metadata, value: kind)
    }

    private static func tensor(from t: Tensorboard__TensorProto) -> TensorValue {
        var shape = [Int64]()
        if let s = t.tensor_shape?.pointee {
            for index in 0..<s.n_dim { shape.append(s.dim[index]?.pointee.size ?? 0) }
        }
        let storage: TensorValue.Storage
        if t.tensor_content.len > 0 {
            storage = .content(swiftBytes(t.tensor_content))
        } else if t.n_float_val > 0 {
            storage = .floats(swiftArray(t.float_val, t.n_float_val))
        } else if t.n_double_val > 0 {
            storage = .doubles(swiftArray(t.double_val, t.n_double_val))
        } else if t.n_int_val > 0 {
            storage = .int32s(swiftArray(t.int_val, t.n_int_val))
        } else if t.n_int64_val > 0 {
            storage = .int64s(swiftArray(t.int64_val, t.n_int64_val))
        } else if t.n_bool_val > 0 {
            storage = .bools(swiftArray(t.bool_val, t.n_bool_val).map { $0 != 0 })
        } else if t.n_half_val > 0 {
            storage = .halves(swiftArray(t.half_val, t.n_half_val))
        } else if t.n_string_val > 0 {
            storage = .strings((0..<t.n_string_val).map { swiftBytes(t.string_val[$0]) })
        } else {
            storage = .empty
        }
        return TensorValue(dataType: Int32(bitPattern: t.dtype.rawValue), shape: shape, storage: storage)
    }
}
