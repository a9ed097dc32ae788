extension SummaryWriter {
    /// Logs Markdown text (torch `add_text`).
    ///
    /// Written as torch does (docs/reference/tensorboard-format.md, "Dashboard encodings"): tag `<tag>/text_summary`, a `DT_STRING` tensor of
    /// shape `[1]` holding the UTF-8 text, plugin `text`.
    ///
    /// - Parameters:
    ///   - tag: Series name (the `/text_summary` suffix is added).
    ///   - text: Markdown text.
    ///   - step: Global step, ≥ 0 (default 0, as torch's `global_step=None`).
    ///   - wallTime: Seconds since the Unix epoch (default: now).
    /// - Throws: `SummaryWriterError`.
    public func addText(_ tag: String, _ text: String, step: Int = 0, wallTime: Double? = nil) throws(SummaryWriterError) {
        let tensor = TensorValue(dataType: TensorValue.string, shape: [1], storage: .strings([Array(text.utf8)]))
        let value = SummaryValue(tag: tag + "/text_summary", metadata: SummaryMetadata(pluginName: "text"), value: .tensor(tensor))
        try write(values: [value], step: step, wallTime: wallTime)
    }
}
