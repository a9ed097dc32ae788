import Foundation

/// How `addHistogram` chooses its bucket edges (torch's `bins` argument).
///
/// `.tensorflow` is torch's default; the others follow NumPy's `np.histogram_bin_edges`, which
/// torch calls for every other value: a count or a rule gives equal-width buckets from the
/// smallest to the largest value (a range of zero width is widened by ±0.5), edges as
/// `np.linspace(min, max, count + 1)`. An integer literal means `.count`: `bins: 30`.
public enum HistogramBins: Sendable, Equatable, ExpressibleByIntegerLiteral {
    /// torch's default edges: 0 and ±1e-12·1.1ⁿ up to 1e20 (`HistogramBuckets.defaultEdges`).
    case tensorflow
    /// Ascending edges given by the caller; values outside them are not counted.
    case edges([Double])
    /// This many equal-width buckets (≥ 1).
    case count(Int)
    /// NumPy's `'auto'`: the smaller of the Sturges width and the Freedman–Diaconis width, the
    /// latter raised to at least half the `'sqrt'` width (NumPy ≥ 2.1).
    case auto
    /// NumPy's `'fd'` (Freedman–Diaconis): width 2·IQR·n^(−1/3); one bucket when the IQR is 0.
    case freedmanDiaconis
    /// NumPy's `'sturges'`: width (max − min) / (log₂ n + 1).
    case sturges
    /// NumPy's `'sqrt'`: width (max − min) / √n.
    case squareRoot
    /// NumPy's `'rice'`: width (max − min) / (2·n^(1/3)).
    case rice
    /// NumPy's `'scott'`: width (24·√π / n)^(1/3) · σ (population standard deviation).
    case scott

    /// `bins: 30` is `.count(30)`.
    ///
    /// - Parameter value: The bucket count.
    public init(integerLiteral value: Int) { self = .count(value) }

    /// The bucket edges for `values`, as `np.histogram_bin_edges(values, bins)` computes them in
    /// float64 (`.tensorflow` gives torch's fixed edges).
    ///
    /// O(n) for the rules, O(n log n) for `.freedmanDiaconis` and `.auto` (the quartiles sort a copy).
    ///
    /// - Parameter values: Finite values, at least one.
    /// - Returns: Ascending edges, at least two.
    /// - Throws: `SummaryWriterError.invalidArgument` for a count below 1, fewer than two given
    ///   edges, edges that are not ascending, or more buckets than the range can separate.
    public func edges(for values: [Double]) throws(SummaryWriterError) -> [Double] {
        switch self {
        case .tensorflow: return HistogramBuckets.defaultEdges
        case .edges(let edges):
            guard edges.count >= 2 else { throw .invalidArgument("histogram: need at least two bucket edges, got \(edges.count)") }
            guard zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw .invalidArgument("histogram: bucket edges must be strictly ascending")
            }
            return edges
        case .count(let count):
            guard count >= 1 else { throw .invalidArgument("histogram: bins must be at least 1, got \(count)") }
            return try Self.equalWidthEdges(values, count: count)
        default:
            guard let low = values.min(), let high = values.max() else { throw .invalidArgument("histogram: no values; pass at least one") }
            let width = ruleWidth(values, range: high - low)
            // np.histogram_bin_edges: a zero (or NaN) width means one bucket.
            guard width > 0 else { return try Self.equalWidthEdges(values, count: 1) }
            let (first, last) = Self.outerEdges(low, high)
            let count = ((last - first) / width).rounded(.up)
            guard count <= Double(Self.maximumRuleBucketCount) else {
                throw .invalidArgument("histogram: the \(self) rule asks for \(count) buckets; pass a count or edges instead")
            }
            return try Self.equalWidthEdges(values, count: Int(count))
        }
    }

    /// The most buckets a rule may produce (a guard against a tiny IQR over a huge range, which
    /// NumPy would try to allocate): 2²⁰.
    public static let maximumRuleBucketCount = 1 << 20

    /// The bucket width of a rule, as NumPy's `_hist_bin_*` selectors compute it.
    private func ruleWidth(_ values: [Double], range: Double) -> Double {
        let n = Double(values.count)
        let sturges = range / (Foundation.log2(n) + 1)
        let sqrtWidth = range / n.squareRoot()
        switch self {
        case .sturges: return sturges
        case .squareRoot: return sqrtWidth
        case .rice: return range / (2 * Foundation.pow(n, 1.0 / 3))
        case .scott:
            let mean = values.reduce(0, +) / n
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
            return Foundation.pow(24 * Double.pi.squareRoot() / n, 1.0 / 3) * variance.squareRoot()
        case .freedmanDiaconis: return Self.freedmanDiaconis(values)
        case .auto: return Swift.min(Swift.max(Self.freedmanDiaconis(values), sqrtWidth / 2), sturges)
        case .tensorflow, .edges, .count: return 0
        }
    }

    /// 2·IQR·n^(−1/3), the quartiles by NumPy's default (`'linear'`) percentile method.
    private static func freedmanDiaconis(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let iqr = percentile(sorted, 0.75) - percentile(sorted, 0.25)
        return 2 * iqr * Foundation.pow(Double(sorted.count), -1.0 / 3)
    }

    /// NumPy's `'linear'` percentile of sorted values, with its virtual index n·q + (1 − q) − 1
    /// and its two-sided interpolation (`_lerp`), so quartiles agree bit for bit.
    static func percentile(_ sorted: [Double], _ quantile: Double) -> Double {
        let n = sorted.count
        let virtualIndex = Double(n) * quantile + (1 - quantile) - 1
        let below = virtualIndex.rounded(.down)
        let gamma = virtualIndex - below
        let lowIndex = Swift.min(Swift.max(Int(below), 0), n - 1)
        let highIndex = Swift.min(lowIndex + 1, n - 1)
        let (a, b) = (sorted[lowIndex], sorted[highIndex])
        let difference = b - a
        return gamma >= 0.5 ? b - difference * (1 - gamma) : a + difference * gamma
    }

    /// NumPy's `_get_outer_edges`: the data range, widened by ±0.5 when it is empty.
    private static func outerEdges(_ low: Double, _ high: Double) -> (Double, Double) {
        low == high ? (low - 0.5, high + 0.5) : (low, high)
    }

    /// `np.linspace(first, last, count + 1)` over the outer edges: edge i is i·step + first with
    /// step = (last − first)/count, and the last edge is `last` exactly.
    private static func equalWidthEdges(_ values: [Double], count: Int) throws(SummaryWriterError) -> [Double] {
        guard let low = values.min(), let high = values.max() else { throw .invalidArgument("histogram: no values; pass at least one") }
        let (first, last) = outerEdges(low, high)
        let step = (last - first) / Double(count)
        var edges = (0...count).map { Double($0) * step + first }
        edges[count] = last
        guard zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw .invalidArgument("histogram: \(count) buckets are too many for the range [\(first), \(last)]")
        }
        return edges
    }
}
