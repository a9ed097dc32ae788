public import Losses
public import TensorBoard
import Foundation

/// Which CLOC variant's tags to read.
public enum MarginVariant: String, Sendable, CaseIterable {
    /// Multi-margin if `C{i}-C{i+1}` tags are present, single-margin if `Margin` is.
    case auto
    /// `C0-C1` … `C{K-2}-C{K-1}` (OrdinalContrastiveLoss_mm).
    case multi
    /// `Margin` (OrdinalContrastiveLoss_sm).
    case single
}

/// Options of `extractMargins`.
public struct MarginExtractionOptions: Sendable {
    /// Variant to read (default `.auto`).
    public var variant: MarginVariant = .auto
    /// Take each tag's value at the last step ≤ this step (default: the last step).
    public var step: Int64?
    /// Average the last K values (at or before `step`) instead of taking the last one.
    public var averageLast: Int?
    /// The run (name relative to the log directory) when several have margin tags.
    public var run: String?
    /// The prefix the margins were logged under (`OrdinalContrastiveLoss.tagPrefix`).
    public var tagPrefix: String = ""
    /// Use the data before damage in a damaged file instead of failing.
    public var allowsDamagedFiles = false

    /// Creates default options.
    public init() {}
}

/// The margins found in a run.
public struct ExtractedMargins: Sendable, Equatable {
    /// Run name relative to the path given (`"."` for the path itself).
    public var run: String
    /// The variant found.
    public var variant: MarginVariant
    /// Tags in margin order.
    public var tags: [String]
    /// Extracted margin values, one per tag, as float32 values widened to Double (what the
    /// event files store), averaged and rounded to float32 with `averageLast`.
    public var values: [Double]
    /// The last step used per tag.
    public var steps: [Int64]
    /// The run's event files, in read order.
    public var files: [String]
    /// Damage met and skipped over (only with `allowsDamagedFiles`).
    public var damage: [EventReadError]

    /// The phase-two learnable map: every margin fixed (or learnable, to warm-start).
    ///
    /// - Parameter learnable: Write `learnable` entries initialised at the values.
    /// - Returns: The map.
    public func map(learnable: Bool = false) -> LearnableMap {
        // Values are finite and ≥ 0 here (checked during extraction), so the map is valid.
        (try? LearnableMap(values.map { learnable ? .learnable($0) : .fixed($0) })) ?? LearnableMap.empty
    }
}

extension LearnableMap {
    /// The map with no entries.
    static var empty: LearnableMap {
        // An empty entry list is always valid.
        (try? LearnableMap([])) ?? { preconditionFailure("empty map rejected") }()
    }
}

/// Extracts CLOC's learned margins from phase one's event files (the phase-two `learnable_map`).
///
/// `path` is an event file, a run directory or a log directory searched recursively. Series
/// are read as default TensorBoard shows them: after a restart, a point at step s drops earlier
/// points with step ≥ s (docs/reference/tensorboard-format.md, "Step pre-emption"), so the value taken is the one TensorBoard
/// displays. Works on files of this project's `SummaryWriter`, torch's and tensorboardX's.
///
/// - Parameters:
///   - path: Event file, run directory or log directory.
///   - options: Variant, step, averaging, run, tag prefix, damage policy.
/// - Returns: The margins with their tags, steps and files.
/// - Throws: `MarginExtractionError` naming the problem (and the tags present, for missing margins).
public func extractMargins(path: String, options: MarginExtractionOptions = MarginExtractionOptions()) throws(MarginExtractionError)
    -> ExtractedMargins
{
    if let k = options.averageLast, k < 1 { throw .invalidOption("--average-last must be at least 1, got \(k)") }
    let reader: LogdirReader
    do { reader = try LogdirReader(path: path) } catch { throw .reading(error) }
    let prefix = options.tagPrefix
    let isMarginTag: (String) -> Bool = { tag in
        guard tag.hasPrefix(prefix) else { return false }
        let rest = tag.dropFirst(prefix.count)
        return rest == "Margin" || parseMultiTag(rest) != nil
    }
    var candidates: [(RunInfo, [String: [ScalarPoint]], [EventReadError])] = []
    var allTags = Set<String>()
    for run in reader.runs {
        var damage = [EventReadError]()
        let series: [String: [ScalarPoint]]
        do {
            series = try reader.scalars(
                in: run, acceptsTag: { tag in
                    allTags.insert(tag)
                    return isMarginTag(tag)
                }, onDamage: options.allowsDamagedFiles ? { damage.append($0) } : nil)
        } catch let error as EventReadError {
            throw .reading(error)
        } catch {
            throw .invalidOption("\(error)")
        }
        if !series.isEmpty { candidates.append((run, series, damage)) }
    }
    let names = candidates.map { $0.0.name }
    let chosen: (RunInfo, [String: [ScalarPoint]], [EventReadError])
    if let wanted = options.run {
        guard let match = candidates.first(where: { $0.0.name == wanted || $0.0.directory == wanted }) else {
            throw .runNotFound(wanted, available: names)
        }
        chosen = match
    } else {
        guard !candidates.isEmpty else { throw .noMarginTags(path: path, availableTags: allTags.sorted()) }
        guard candidates.count == 1 else { throw .severalRuns(names) }
        chosen = candidates[0]
    }
    let (run, series, damage) = chosen
    let multiTags = series.keys.compactMap { tag -> (Int, String)? in
        parseMultiTag(tag.dropFirst(prefix.count)).map { ($0, tag) }
    }.sorted { $0.0 < $1.0 }
    let hasSingle = series[prefix + "Margin"] != nil
    let variant: MarginVariant
    switch options.variant {
    case .auto:
        if !multiTags.isEmpty && hasSingle { throw .ambiguousVariant(run: run.name) }
        variant = hasSingle ? .single : .multi
    case .multi:
        guard !multiTags.isEmpty else { throw .variantNotFound(variant: "multi", run: run.name, availableTags: series.keys.sorted()) }
        variant = .multi
    case .single:
        guard hasSingle else { throw .variantNotFound(variant: "single", run: run.name, availableTags: series.keys.sorted()) }
        variant = .single
    }
    let tags: [String]
    if variant == .single {
        tags = [prefix + "Margin"]
    } else {
        for (expected, entry) in multiTags.enumerated() where entry.0 != expected {
            throw .chainGap(present: multiTags.map(\.1), missing: prefix + "C\(expected)-C\(expected + 1)")
        }
        tags = multiTags.map(\.1)
    }
    var values = [Double]()
    var steps = [Int64]()
    for tag in tags {
        var points = series[tag] ?? []
        if let step = options.step {
            guard let first = points.first, first.step <= step else {
                throw .stepBeforeFirst(step: step, tag: tag, firstStep: points.first?.step ?? 0)
            }
            points = points.filter { $0.step <= step }
        }
        guard let last = points.last else { continue }
        if let k = options.averageLast {
            let window = points.suffix(k)
            for point in window where !point.value.isFinite { throw .nonFiniteValue(tag: tag, step: point.step, value: point.value) }
            values.append(Double(Float(window.reduce(0) { $0 + $1.value } / Double(window.count))))
        } else {
            guard last.value.isFinite else { throw .nonFiniteValue(tag: tag, step: last.step, value: last.value) }
            values.append(last.value)
        }
        if let value = values.last, value < 0 { throw .negativeValue(tag: tag, step: last.step, value: value) }
        steps.append(last.step)
    }
    return ExtractedMargins(run: run.name, variant: variant, tags: tags, values: values, steps: steps, files: run.eventFiles, damage: damage)
}

/// `i` for a tag `C{i}-C{i+1}`, else `nil`.
///
/// Indices are decimal digits only (no sign) and below `maximumMarginIndex`, so `i + 1`
/// cannot overflow whatever a tag says (`C9223372036854775807-C0` is simply not a margin tag).
func parseMultiTag(_ tag: Substring) -> Int? {
    guard tag.hasPrefix("C"), let dash = tag.firstIndex(of: "-") else { return nil }
    let first = tag[tag.index(after: tag.startIndex)..<dash]
    let rest = tag[tag.index(after: dash)...]
    guard rest.hasPrefix("C") else { return nil }
    let second = rest.dropFirst()
    guard let i = marginIndex(first), let j = marginIndex(second), j == i + 1 else { return nil }
    return i
}

/// The largest margin index a tag may carry: CLOC has one margin per pair of adjacent
/// classes, and no loss of this package takes more than a million classes.
let maximumMarginIndex = 1_000_000

private func marginIndex(_ text: Substring) -> Int? {
    guard !text.isEmpty, text.utf8.count <= 7, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
        let value = Int(text), value <= maximumMarginIndex
    else { return nil }
    return value
}
