extension SummaryWriter {
    /// Logs a histogram of values (torch `add_histogram` with `bins='tensorflow'`).
    ///
    /// Buckets are torch's default edges (±1e-12·1.1ⁿ up to 1e20, and 0), trimmed to the
    /// non-empty range with one empty bucket on the left (`HistogramBuckets`), written as a
    /// legacy `HistogramProto` (the Histograms and Distributions dashboards).
    ///
    /// - Parameters:
    ///   - tag: Series name.
    ///   - values: The values (any count ≥ 1, all finite).
    ///   - step: Global step.
    ///   - edges: Custom ascending bucket edges (default torch's).
    ///   - wallTime: Seconds since the Unix epoch (default now).
    /// - Throws: `SummaryWriterError.invalidArgument` for empty input or NaN/±∞ values (rejected,
    ///   with their count), or a write error.
    public func addHistogram(_ tag: String, _ values: [Double], step: Int, edges: [Double] = HistogramBuckets.defaultEdges, wallTime: Double? = nil) throws(SummaryWriterError) {
        let histogram = try HistogramBuckets.histogram(of: values, edges: edges)
        try write(values: [SummaryValue(tag: tag, value: .histogram(histogram))], step: step, wallTime: wallTime)
    }

    /// Logs a histogram from precomputed buckets (torch `add_histogram_raw`).
    ///
    /// - Parameters:
    ///   - tag: Series name.
    ///   - histogram: min, max, count, sum, sum of squares, right edges and counts.
    ///   - step: Global step.
    ///   - wallTime: Seconds since the Unix epoch (default now).
    /// - Throws: `SummaryWriterError.invalidArgument` when edges and counts differ in length, are
    ///   empty, or edges are not ascending; a write error.
    public func addHistogramRaw(_ tag: String, _ histogram: HistogramValue, step: Int, wallTime: Double? = nil) throws(SummaryWriterError) {
        guard !histogram.bucketLimits.isEmpty, histogram.bucketLimits.count == histogram.bucketCounts.count else {
            throw .invalidArgument("histogram: \(histogram.bucketLimits.count) bucket limits for \(histogram.bucketCounts.count) counts; they must match and be non-empty")
        }
        guard zip(histogram.bucketLimits, histogram.bucketLimits.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw .invalidArgument("histogram: bucket limits must be strictly ascending")
        }
        try write(values: [SummaryValue(tag: tag, value: .histogram(histogram))], step: step, wallTime: wallTime)
    }
}
