import CProtobufC
import CTensorBoardProto

extension SummaryWriter {
    /// Logs a mono audio clip as 16-bit PCM WAV (torch `add_audio`, TF2 summary layout).
    ///
    /// - Parameters:
    ///   - tag: Series name.
    ///   - samples: Samples in [-1, 1].
    ///   - sampleRate: Samples per second (torch's default 44100).
    ///   - step: Global step.
    ///   - wallTime: Seconds since the Unix epoch (default now).
    /// - Throws: `SummaryWriterError.invalidArgument` for no samples, a non-positive rate, or a
    ///   sample outside [-1, 1] or not finite (torch silently clips; this names the sample
    ///   instead); a write error.
    public func addAudio(_ tag: String, _ samples: [Float], sampleRate: Int = 44_100, step: Int, wallTime: Double? = nil) throws(SummaryWriterError) {
        guard !samples.isEmpty else { throw .invalidArgument("audio: no samples") }
        guard sampleRate > 0 else { throw .invalidArgument("audio: sample rate \(sampleRate) must be positive") }
        if let bad = samples.firstIndex(where: { !($0 >= -1 && $0 <= 1) }) {
            throw .invalidArgument("audio: sample \(bad) is \(samples[bad]); samples must lie in [-1, 1]")
        }
        // TF2 layout (docs/reference/tensorboard-format.md, "Dashboard encodings"): a DT_STRING tensor [1, 2] of (WAV bytes, label) with plugin
        // `audio` and `AudioPluginData{encoding: WAV}`. The legacy `Summary.Audio` value is served
        // as application/octet-stream by the Rust data server, so it is not used.
        let content = ProtobufArena.withArena { arena -> [UInt8] in
            let data = arena.allocate(Tensorboard__AudioPluginData.self)
            tensorboard__audio_plugin_data__init(data)
            data.pointee.encoding = TENSORBOARD__AUDIO_PLUGIN_DATA__ENCODING__WAV
            let size = tensorboard__audio_plugin_data__get_packed_size(data)
            return EventEncoding.encodeMessage(size: size) { tensorboard__audio_plugin_data__pack(data, $0) }
        }
        let metadata = SummaryMetadata(pluginName: "audio", pluginContent: content, dataClass: .blobSequence)
        let tensor = TensorValue(dataType: TensorValue.string, shape: [1, 2], storage: .strings([WAV.encode(samples: samples, sampleRate: sampleRate), []]))
        try write(values: [SummaryValue(tag: tag, metadata: metadata, value: .tensor(tensor))], step: step, wallTime: wallTime)
    }
}
