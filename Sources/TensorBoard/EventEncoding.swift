import CProtobufC
import CTensorBoardProto

/// Serializes `Event` values through protobuf-c (the general path, every value kind).
///
/// The scalar fast path (`ScalarEventEncoding`) writes identical bytes for `simple_value`
/// events without building a message tree; a test checks the two agree byte for byte.
enum EventEncoding {
    /// Builds the protobuf-c message for `event` and passes its packed size and a packer to
    /// `body`. The message lives only during the call.
    ///
    /// - Parameters:
    ///   - event: The event.
    ///   - body: Receives the exact payload size and a function that packs the payload into a
    ///     buffer of that size (`tensorboard__event__pack`).
    static func withPackedEvent<T>(
        _ event: Event, _ body: (Int, (UnsafeMutableRawBufferPointer) -> Void) throws -> T
    ) rethrows -> T {
        try ProtobufArena.withArena { arena in
            let message = makeEvent(event, arena)
            let size = tensorboard__event__get_packed_size(message)
            return try body(size) { destination in
                let written = tensorboard__event__pack(message, destination.baseAddress?.assumingMemoryBound(to: UInt8.self))
                precondition(written == size, "protobuf-c packed \(written) bytes, announced \(size)")
            }
        }
    }

    /// The serialized bytes of `event`.
    static func encode(_ event: Event) -> [UInt8] {
        withPackedEvent(event) { size, pack in
            [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                pack(UnsafeMutableRawBufferPointer(buffer))
                count = size
            }
        }
    }

    /// The serialized bytes of one message of any generated type, packed by `pack`.
    static func encodeMessage(size: Int, pack: (UnsafeMutablePointer<UInt8>?) -> Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = pack(buffer.baseAddress)
        }
    }

    private static func makeEvent(_ event: Event, _ arena: ProtobufArena) -> UnsafeMutablePointer<Tensorboard__Event> {
        let message = arena.allocate(Tensorboard__Event.self)
        tensorboard__event__init(message)
        message.pointee.wall_time = event.wallTime
        message.pointee.step = event.step
        if let writer = event.sourceWriter {
            let source = arena.allocate(Tensorboard__SourceMetadata.self)
            tensorboard__source_metadata__init(source)
            source.pointee.writer = arena.cString(writer)
            message.pointee.source_metadata = source
        }
        switch event.content {
        case .fileVersion(let version):
            message.pointee.what_case = TENSORBOARD__EVENT__WHAT_FILE_VERSION
            message.pointee.file_version = arena.cString(version)
        case .graphDefinition(let bytes):
            message.pointee.what_case = TENSORBOARD__EVENT__WHAT_GRAPH_DEF
            message.pointee.graph_def = arena.binary(bytes)
        case .metaGraphDefinition(let bytes):
            message.pointee.what_case = TENSORBOARD__EVENT__WHAT_META_GRAPH_DEF
            message.pointee.meta_graph_def = arena.binary(bytes)
        case .summary(let values):
            let summary = arena.allocate(Tensorboard__Summary.self)
            tensorboard__summary__init(summary)
            let list = arena.allocate(UnsafeMutablePointer<Tensorboard__Summary__Value>?.self, count: values.count)
            for (index, value) in values.enumerated() { list[index] = makeValue(value, arena) }
            summary.pointee.n_value = values.count
            summary.pointee.value = list
            message.pointee.what_case = TENSORBOARD__EVENT__WHAT_SUMMARY
            message.pointee.summary = summary
        case .logMessage(let level, let text):
            let log = arena.allocate(Tensorboard__LogMessage.self)
            tensorboard__log_message__init(log)
            log.pointee.level = Tensorboard__LogMessage__Level(rawValue: UInt32(bitPattern: level))
            log.pointee.message = arena.cString(text)
            message.pointee.what_case = TENSORBOARD__EVENT__WHAT_LOG_MESSAGE
            message.pointee.log_message = log
        case .sessionLog(let sessionLog):
            let log = arena.allocate(Tensorboard__SessionLog.self)
            tensorboard__session_log__init(log)
            log.pointee.status = Tensorboard__SessionLog__SessionStatus(rawValue: UInt32(bitPattern: sessionLog.status.rawValue))
            log.pointee.checkpoint_path = arena.cString(sessionLog.checkpointPath)
            log.pointee.msg = arena.cString(sessionLog.message)
            message.pointee.what_case = TENSORBOARD__EVENT__WHAT_SESSION_LOG
            message.pointee.session_log = log
        case .taggedRunMetadata(let tag, let bytes):
            let tagged = arena.allocate(Tensorboard__TaggedRunMetadata.self)
            tensorboard__tagged_run_metadata__init(tagged)
            tagged.pointee.tag = arena.cString(tag)
            tagged.pointee.run_metadata = arena.binary(bytes)
            message.pointee.what_case = TENSORBOARD__EVENT__WHAT_TAGGED_RUN_METADATA
            message.pointee.tagged_run_metadata = tagged
        case .empty:
            break
        }
        return message
    }

    private static func makeValue(_ value: SummaryValue, _ arena: ProtobufArena) -> UnsafeMutablePointer<Tensorboard__Summary__Value> {
        let message = arena.allocate(Tensorboard__Summary__Value.self)
        tensorboard__summary__value__init(message)
        message.pointee.tag = arena.cString(value.tag)
        if let metadata = value.metadata {
            let meta = arena.allocate(Tensorboard__SummaryMetadata.self)
            tensorboard__summary_metadata__init(meta)
            let plugin = arena.allocate(Tensorboard__SummaryMetadata__PluginData.self)
            tensorboard__summary_metadata__plugin_data__init(plugin)
            plugin.pointee.plugin_name = arena.cString(metadata.pluginName)
            plugin.pointee.content = arena.binary(metadata.pluginContent)
            meta.pointee.plugin_data = plugin
            meta.pointee.display_name = arena.cString(metadata.displayName)
            meta.pointee.summary_description = arena.cString(metadata.summaryDescription)
            meta.pointee.data_class = Tensorboard__DataClass(rawValue: UInt32(bitPattern: metadata.dataClass.rawValue))
            message.pointee.metadata = meta
        }
        switch value.value {
        case .simpleValue(let number):
            message.pointee.value_case = TENSORBOARD__SUMMARY__VALUE__VALUE_SIMPLE_VALUE
            message.pointee.simple_value = number
        case .image(let image):
            let m = arena.allocate(Tensorboard__Summary__Image.self)
            tensorboard__summary__image__init(m)
            m.pointee.height = image.height
            m.pointee.width = image.width
            m.pointee.colorspace = image.colorspace
            m.pointee.encoded_image_string = arena.binary(image.encoded)
            message.pointee.value_case = TENSORBOARD__SUMMARY__VALUE__VALUE_IMAGE
            message.pointee.image = m
        case .histogram(let histogram):
            let m = arena.allocate(Tensorboard__HistogramProto.self)
            tensorboard__histogram_proto__init(m)
            m.pointee.min = histogram.minimum
            m.pointee.max = histogram.maximum
            m.pointee.num = histogram.count
            m.pointee.sum = histogram.sum
            m.pointee.sum_squares = histogram.sumOfSquares
            m.pointee.n_bucket_limit = histogram.bucketLimits.count
            m.pointee.bucket_limit = arena.array(histogram.bucketLimits)
            m.pointee.n_bucket = histogram.bucketCounts.count
            m.pointee.bucket = arena.array(histogram.bucketCounts)
            message.pointee.value_case = TENSORBOARD__SUMMARY__VALUE__VALUE_HISTO
            message.pointee.histo = m
        case .audio(let audio):
            let m = arena.allocate(Tensorboard__Summary__Audio.self)
            tensorboard__summary__audio__init(m)
            m.pointee.sample_rate = audio.sampleRate
            m.pointee.num_channels = audio.channelCount
            m.pointee.length_frames = audio.frameCount
            m.pointee.encoded_audio_string = arena.binary(audio.encoded)
            m.pointee.content_type = arena.cString(audio.contentType)
            message.pointee.value_case = TENSORBOARD__SUMMARY__VALUE__VALUE_AUDIO
            message.pointee.audio = m
        case .tensor(let tensor):
            message.pointee.value_case = TENSORBOARD__SUMMARY__VALUE__VALUE_TENSOR
            message.pointee.tensor = makeTensor(tensor, arena)
        case .none:
            break
        }
        return message
    }

    private static func makeTensor(_ tensor: TensorValue, _ arena: ProtobufArena) -> UnsafeMutablePointer<Tensorboard__TensorProto> {
        let m = arena.allocate(Tensorboard__TensorProto.self)
        tensorboard__tensor_proto__init(m)
        m.pointee.dtype = Tensorboard__DataType(rawValue: UInt32(bitPattern: tensor.dataType))
        let shape = arena.allocate(Tensorboard__TensorShapeProto.self)
        tensorboard__tensor_shape_proto__init(shape)
        let dims = arena.allocate(UnsafeMutablePointer<Tensorboard__TensorShapeProto__Dim>?.self, count: tensor.shape.count)
        for (index, size) in tensor.shape.enumerated() {
            let dim = arena.allocate(Tensorboard__TensorShapeProto__Dim.self)
            tensorboard__tensor_shape_proto__dim__init(dim)
            dim.pointee.size = size
            dims[index] = dim
        }
        shape.pointee.n_dim = tensor.shape.count
        shape.pointee.dim = dims
        m.pointee.tensor_shape = shape
        switch tensor.storage {
        case .floats(let v):
            m.pointee.n_float_val = v.count
            m.pointee.float_val = arena.array(v)
        case .doubles(let v):
            m.pointee.n_double_val = v.count
            m.pointee.double_val = arena.array(v)
        case .int32s(let v):
            m.pointee.n_int_val = v.count
            m.pointee.int_val = arena.array(v)
        case .int64s(let v):
            m.pointee.n_int64_val = v.count
            m.pointee.int64_val = arena.array(v)
        case .bools(let v):
            m.pointee.n_bool_val = v.count
            m.pointee.bool_val = arena.array(v.map { $0 ? 1 : 0 })
        case .halves(let v):
            m.pointee.n_half_val = v.count
            m.pointee.half_val = arena.array(v)
        case .strings(let v):
            let list = arena.allocate(ProtobufCBinaryData.self, count: v.count)
            for (index, bytes) in v.enumerated() { list[index] = arena.binary(bytes) }
            m.pointee.n_string_val = v.count
            m.pointee.string_val = list
        case .content(let bytes):
            m.pointee.tensor_content = arena.binary(bytes)
        case .empty:
            break
        }
        return m
    }
}
