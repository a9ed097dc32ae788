extension SummaryWriter {
    /// Writes a Custom Scalars layout of one multiline chart (torch
    /// `add_custom_scalars_multilinechart`).
    ///
    /// As torch, the layout written holds only this chart and replaces any earlier layout of
    /// the run; use `addCustomScalars` for several charts.
    ///
    /// - Parameters:
    ///   - tags: Scalar tags (or regular expressions over tags) drawn in the chart.
    ///   - category: Section title (default "default", as torch).
    ///   - title: Chart title (default "untitled", as torch).
    /// - Throws: `SummaryWriterError.invalidArgument` for no tags; a write error.
    public func addCustomScalarsMultilineChart(_ tags: [String], category: String = "default", title: String = "untitled") throws(SummaryWriterError) {
        guard !tags.isEmpty else { throw .invalidArgument("custom scalars: a multiline chart needs at least one tag") }
        try addCustomScalars(CustomScalarLayout(categories: [.init(title: category, charts: [.init(title: title, content: .multiline(tags: tags))])]))
    }

    /// Writes a Custom Scalars layout of one margin chart (torch `add_custom_scalars_marginchart`).
    ///
    /// The chart draws `tags[0]` with a band from `tags[1]` (lower) to `tags[2]` (upper). As
    /// torch, the layout replaces any earlier layout of the run.
    ///
    /// - Parameters:
    ///   - tags: Exactly three scalar tags: value, lower bound, upper bound.
    ///   - category: Section title (default "default").
    ///   - title: Chart title (default "untitled").
    /// - Throws: `SummaryWriterError.invalidArgument` unless there are three tags; a write error.
    public func addCustomScalarsMarginChart(_ tags: [String], category: String = "default", title: String = "untitled") throws(SummaryWriterError) {
        guard tags.count == 3 else {
            throw .invalidArgument("custom scalars: a margin chart takes 3 tags (value, lower, upper), got \(tags.count)")
        }
        let series = CustomScalarLayout.MarginSeries(value: tags[0], lower: tags[1], upper: tags[2])
        try addCustomScalars(CustomScalarLayout(categories: [.init(title: category, charts: [.init(title: title, content: .margin(series: [series]))])]))
    }
}
