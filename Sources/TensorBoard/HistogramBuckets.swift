/// Histogram bucketing exactly as torch / tensorboardX `make_histogram(values, bins='tensorflow')`.
public enum HistogramBuckets {
    /// torch's default bucket edges: −1e20 … −1e-12, 0, 1e-12 … 1e20 growing by ×1.1
    /// (`default_bins` in `torch/utils/tensorboard/summary.py`), 1549 edges.
    public static let defaultEdges: [Double] = {
        var positive = [Double]()
        var v = 1e-12
        while v < 1e20 {
            positive.append(v)
            v *= 1.1
        }
        return positive.reversed().map { -$0 } + [0] + positive
    }()

    /// Builds a legacy `HistogramProto` from values.
    ///
    /// Counts follow `np.histogram(values, bins=edges)` (bucket i is [e_i, e_{i+1}), the last
    /// one closed; values outside the edges are not counted), then the range is trimmed to the
    /// non-empty buckets with one empty bucket kept on the left, as torch does; `bucketLimits`
    /// are the right edges. min, max, num, sum and sum of squares cover every value.
    ///
    /// With `maximumBucketCount` (torch's `max_bins`), when there are more buckets than that, each
    /// run of ⌊buckets / maximum⌋ adjacent buckets is merged into one (the last run padded with
    /// empty buckets), as torch's `make_histogram` does, before the trimming.
    ///
    /// - Parameters:
    ///   - values: The values; must be non-empty and finite.
    ///   - edges: Ascending bucket edges (default: torch's `defaultEdges`).
    ///   - maximumBucketCount: Merge buckets down towards this count (torch `max_bins`); ≥ 1.
    /// - Returns: The histogram.
    /// - Throws: `SummaryWriterError.invalidArgument` for an empty input, NaN or ±∞ values (rejected,
    ///   with their count: a histogram of non-finite values has no meaningful buckets), fewer
    ///   than two edges, or a maximum below 1.
    public static func histogram(
        of values: [Double], edges: [Double] = defaultEdges, maximumBucketCount: Int? = nil
    ) throws(SummaryWriterError) -> HistogramValue {
        guard !values.isEmpty else { throw .invalidArgument("histogram: no values; pass at least one") }
        let nonFinite = values.filter { !$0.isFinite }.count
        guard nonFinite == 0 else { throw .invalidArgument("histogram: \(nonFinite) of \(values.count) values are NaN or infinite; remove them first") }
        guard edges.count >= 2 else { throw .invalidArgument("histogram: need at least two bucket edges") }
        if let maximumBucketCount, maximumBucketCount < 1 {
            throw .invalidArgument("histogram: maxBins must be at least 1, got \(maximumBucketCount)")
        }
        var edges = edges
        var counts = [Double](repeating: 0, count: edges.count - 1)
        for v in values where v >= edges[0] && v <= edges[edges.count - 1] {
            // Upper bound: first edge > v; bucket = that index − 1 (last edge inclusive).
            var low = 0, high = edges.count
            while low < high {
                let mid = (low + high) / 2
                if edges[mid] > v { high = mid } else { low = mid + 1 }
            }
            counts[Swift.min(low - 1, counts.count - 1)] += 1
        }
        if let maximum = maximumBucketCount, counts.count > maximum {
            // torch: subsampling = n // max_bins; counts padded to a multiple of it and summed in
            // runs; limits[:-1:subsampling] plus the last limit.
            let run = counts.count / maximum
            let merged = stride(from: 0, to: counts.count, by: run).map { counts[$0..<Swift.min($0 + run, counts.count)].reduce(0, +) }
            edges = stride(from: 0, to: edges.count - 1, by: run).map { edges[$0] } + [edges[edges.count - 1]]
            counts = merged
        }
        guard let first = counts.firstIndex(where: { $0 > 0 }), let last = counts.lastIndex(where: { $0 > 0 }) else {
            throw .invalidArgument("histogram: every value lies outside the bucket range [\(edges[0]), \(edges[edges.count - 1])]")
        }
        // torch: start = first non-empty bucket, end = last non-empty + 1 (its np.searchsorted
        // on the cumulative non-empty count); counts[start−1 ..< end] with a leading 0 when
        // start == 0; limits = edges[start … end] (right edges of those buckets).
        let start = first, end = last + 1
        let trimmedCounts = start > 0 ? Array(counts[(start - 1)..<end]) : [0] + Array(counts[0..<end])
        let limits = Array(edges[start...end])
        let sum = values.reduce(0, +)
        let squares = values.reduce(0) { $0 + $1 * $1 }
        return HistogramValue(
            minimum: values.min() ?? 0, maximum: values.max() ?? 0, count: Double(values.count), sum: sum, sumOfSquares: squares,
            bucketLimits: limits, bucketCounts: trimmedCounts)
    }
}

/// Precision-recall curves as torch / tensorboardX `compute_curve`.
public enum PRCurve {
    /// The `[6, T]` rows TP, FP, TN, FN, precision, recall for thresholds i/(T−1).
    ///
    /// Predictions are bucketed by `floor(p·(T−1))`; bucket counts are reverse-cumulated;
    /// precision = TP/max(1e-7, TP+FP), recall = TP/max(1e-7, TP+FN) (docs/reference/tensorboard-format.md, "Dashboard encodings").
    ///
    /// - Parameters:
    ///   - labels: 0/1 ground truth.
    ///   - predictions: Probabilities in [0, 1], same count.
    ///   - t: The threshold count T ≥ 2 (label `thresholdCount`).
    /// - Returns: 6 rows of T values.
    /// - Throws: `SummaryWriterError.invalidArgument` for labels other than 0/1, predictions outside
    ///   [0, 1] or NaN, count mismatch, T < 2.
    public static func rows(labels: [Int], predictions: [Double], thresholdCount t: Int) throws(SummaryWriterError) -> [[Double]] {
        guard labels.count == predictions.count, !labels.isEmpty else {
            throw .invalidArgument("PR curve: \(labels.count) labels for \(predictions.count) predictions; give one label per prediction")
        }
        guard t >= 2 else { throw .invalidArgument("PR curve: numThresholds must be at least 2, got \(t)") }
        if let bad = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw .invalidArgument("PR curve: label \(labels[bad]) at index \(bad) is not 0 or 1")
        }
        if let bad = predictions.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw .invalidArgument("PR curve: prediction \(predictions[bad]) at index \(bad) is outside [0, 1]")
        }
        var tpBuckets = [Double](repeating: 0, count: t), fpBuckets = [Double](repeating: 0, count: t)
        for (label, p) in zip(labels, predictions) {
            let index = Int((p * Double(t - 1)).rounded(.down))
            // np.histogram(bins=T, range=(0, T−1)): bin width (T−1)/T, last bin closed.
            let bin = Swift.min(t - 1, Int((Double(index) * Double(t) / Double(t - 1)).rounded(.down)))
            if label == 1 { tpBuckets[bin] += 1 } else { fpBuckets[bin] += 1 }
        }
        var tp = tpBuckets, fp = fpBuckets
        for i in stride(from: t - 2, through: 0, by: -1) {
            tp[i] += tp[i + 1]
            fp[i] += fp[i + 1]
        }
        let tn = fp.map { fp[0] - $0 }, fn = tp.map { tp[0] - $0 }
        let precision = (0..<t).map { tp[$0] / Swift.max(1e-7, tp[$0] + fp[$0]) }
        let recall = (0..<t).map { tp[$0] / Swift.max(1e-7, tp[$0] + fn[$0]) }
        return [tp, fp, tn, fn, precision, recall]
    }
}
