import CProtobufC
import CTensorBoardProto

extension SummaryWriter {
    /// Logs a mono audio clip as 16-bit PCM WAV (torch `add_audio`, TF2 summary layout).
    ///
    /// - Parameters:
    ///   - tag: Series name.
    ///   - samples: Mono samples in [-1, 1], any `BinaryFloatingPoint` type (Float, Double, Float16).
    ///   - sampleRate: Samples per second (torch's default 44100).
    ///   - step: Global step (default 0, as torch's `global_step=None`).
    ///   - wallTime: Seconds since the Unix epoch (default now).
    /// - Throws: `SummaryWriterError.invalidArgument` for no samples, a non-positive rate, or a
    ///   sample outside [-1, 1] or not finite (torch silently clips; this names the sample
    ///   instead); a write error.
    public func addAudio<Sample: BinaryFloatingPoint>(
        _ tag: String, _ samples: [Sample], sampleRate: Int = 44_100, step: Int = 0, wallTime: Double? = nil
    ) throws(SummaryWriterError) {
        guard !samples.isEmpty else { throw .invalidArgument("audio: no samples") }
        guard sampleRate > 0 else { throw .invalidArgument("audio: sample rate \(sampleRate) must be positive") }
        if let bad = samples.firstIndex(where: { !($0 >= -1 && $0 <= 1) }) {
            throw .invalidArgument("audio: sample \(bad) is \(samples[bad]); samples must lie in [-1, 1]")
        }
        // TF2 layout (tensorboard/plugins/audio/summary_v2.py): a DT_STRING tensor [k, 2] of
        // (WAV bytes, label) rows with plugin `audio`, `AudioPluginData{encoding: WAV}` and no data
        // class. Both loaders turn that into a blob sequence of the first column: the Python one in
        // dataclass_compat (only when the data class is unset: with DATA_CLASS_BLOB_SEQUENCE it
        // would serve each row of [WAV, label] as one 2-entry blob sequence and the player would
        // get the label), the Rust one in data_compat. The legacy `Summary.Audio` value is served
        // as application/octet-stream by the Rust data server, so it is not used.
        let content = ProtobufArena.withArena { arena -> [UInt8] in
            let data = arena.allocate(Tensorboard__AudioPluginData.self)
            tensorboard__audio_plugin_data__init(data)
            data.pointee.encoding = TENSORBOARD__AUDIO_PLUGIN_DATA__ENCODING__WAV
            let size = tensorboard__audio_plugin_data__get_packed_size(data)
            return EventEncoding.encodeMessage(size: size) { tensorboard__audio_plugin_data__pack(data, $0) }
        }
        let metadata = SummaryMetadata(pluginName: "audio", pluginContent: content)
        let tensor = TensorValue(dataType: TensorValue.string, shape: [1, 2], storage: .strings([WAV.encode(samples: samples.map { Float($0) }, sampleRate: sampleRate), []]))
        try write(values: [SummaryValue(tag: tag, metadata: metadata, value: .tensor(tensor))], step: step, wallTime: wallTime)
    }
}
