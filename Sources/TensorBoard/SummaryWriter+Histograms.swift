extension SummaryWriter {
    /// Logs a histogram of values (torch `add_histogram`).
    ///
    /// Buckets come from `bins`: torch's default edges (±1e-12·1.1ⁿ up to 1e20, and 0), a bucket
    /// count, explicit edges, or one of NumPy's rules (`.auto`, `.freedmanDiaconis`, …, as torch passes a
    /// string to `np.histogram`); with `maxBins`, adjacent buckets are merged as torch does. The
    /// range is then trimmed to the non-empty buckets with one empty bucket on the left
    /// (`HistogramBuckets`) and written as a legacy `HistogramProto` (the Histograms and
    /// Distributions dashboards). Values are widened to `Double`, as torch's `values.astype(float)`.
    ///
    /// - Parameters:
    ///   - tag: Series name.
    ///   - values: The values, any `BinaryFloatingPoint` type (`Float`, `Double`, `Float16`); any
    ///     count ≥ 1, all finite.
    ///   - step: Global step (default 0, as torch's `global_step=None`).
    ///   - bins: How buckets are chosen (default `.tensorflow`, torch's default; `bins: 30` for a count).
    ///   - maxBins: Merge buckets towards at most this many (torch `max_bins`; default none).
    ///   - wallTime: Seconds since the Unix epoch (default now).
    /// - Throws: `SummaryWriterError.invalidArgument` for empty input, NaN/±∞ values (rejected,
    ///   with their count), invalid bins, or a write error.
    public func addHistogram<Value: BinaryFloatingPoint>(
        _ tag: String, _ values: [Value], step: Int = 0, bins: HistogramBins = .tensorflow, maxBins: Int? = nil,
        wallTime: Double? = nil
    ) throws(SummaryWriterError) {
        let widened = values.map { Double($0) }
        // Edges from the data only for valid data; `histogram(of:)` reports empty or non-finite input.
        let valid = !widened.isEmpty && widened.allSatisfy(\.isFinite)
        let edges = valid ? try bins.edges(for: widened) : HistogramBuckets.defaultEdges
        let histogram = try HistogramBuckets.histogram(of: widened, edges: edges, maximumBucketCount: maxBins)
        try write(values: [SummaryValue(tag: tag, value: .histogram(histogram))], step: step, wallTime: wallTime)
    }

    /// Logs a histogram from precomputed buckets (torch `add_histogram_raw`).
    ///
    /// - Parameters:
    ///   - tag: Series name.
    ///   - histogram: min, max, count, sum, sum of squares, right edges and counts.
    ///   - step: Global step (default 0).
    ///   - wallTime: Seconds since the Unix epoch (default now).
    /// - Throws: `SummaryWriterError.invalidArgument` when edges and counts differ in length, are
    ///   empty, or edges are not ascending; a write error.
    public func addHistogramRaw(_ tag: String, _ histogram: HistogramValue, step: Int = 0, wallTime: Double? = nil) throws(SummaryWriterError) {
        guard !histogram.bucketLimits.isEmpty, histogram.bucketLimits.count == histogram.bucketCounts.count else {
            throw .invalidArgument("histogram: \(histogram.bucketLimits.count) bucket limits for \(histogram.bucketCounts.count) counts; they must match and be non-empty")
        }
        guard zip(histogram.bucketLimits, histogram.bucketLimits.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw .invalidArgument("histogram: bucket limits must be strictly ascending")
        }
        try write(values: [SummaryValue(tag: tag, value: .histogram(histogram))], step: step, wallTime: wallTime)
    }
}
