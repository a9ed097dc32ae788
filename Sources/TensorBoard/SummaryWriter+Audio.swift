extension SummaryWriter {
    /// Logs a mono audio clip as 16-bit PCM WAV (torch `add_audio`).
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
        let audio = EncodedAudio(
            sampleRate: Float(sampleRate), channelCount: 1, frameCount: Int64(samples.count),
            encoded: WAV.encode(samples: samples, sampleRate: sampleRate), contentType: "audio/wav")
        try write(values: [SummaryValue(tag: tag, value: .audio(audio))], step: step, wallTime: wallTime)
    }
}
