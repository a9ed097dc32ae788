public import TensorBoard

/// Errors of margin extraction. Each description is one actionable line.
public enum MarginExtractionError: Error, Equatable, CustomStringConvertible {
    /// Reading the event files failed (missing path, no event files, damage, unreadable file).
    case reading(EventReadError)
    /// No run has margin tags; `availableTags` lists the tags that are there.
    case noMarginTags(path: String, availableTags: [String])
    /// Several runs have margin tags and none was chosen.
    case severalRuns([String])
    /// The requested run does not exist (or has no margin tags).
    case runNotFound(String, available: [String])
    /// The multi-margin chain has a gap (e.g. `C0-C1` and `C2-C3` only).
    case chainGap(present: [String], missing: String)
    /// Both multi- and single-margin tags are present and `--variant` is `auto`.
    case ambiguousVariant(run: String)
    /// The requested variant's tags are absent.
    case variantNotFound(variant: String, run: String, availableTags: [String])
    /// An extracted margin is NaN or infinite.
    case nonFiniteValue(tag: String, step: Int64, value: Double)
    /// An extracted margin is negative (CLOC's margins are softplus outputs, ≥ 0).
    case negativeValue(tag: String, step: Int64, value: Double)
    /// `--step` is earlier than every logged step of a tag.
    case stepBeforeFirst(step: Int64, tag: String, firstStep: Int64)
    /// An option has an invalid value.
    case invalidOption(String)

    /// One line saying what happened and what to do.
    public var description: String {
        switch self {
        case .reading(let error): return error.description
        case .noMarginTags(let path, let tags):
            let shown = tags.prefix(20).joined(separator: ", ")
            return "\(path): no margin tags (C0-C1, C1-C2, … or Margin) found; tags present: \(tags.isEmpty ? "none" : shown)\(tags.count > 20 ? ", …" : "") (use --tag-prefix if the margins were logged under a prefix)"
        case .severalRuns(let runs): return "several runs have margin tags: \(runs.joined(separator: ", ")); choose one with --run"
        case .runNotFound(let run, let available):
            return "run '\(run)' not found or without margin tags; runs with margin tags: \(available.isEmpty ? "none" : available.joined(separator: ", "))"
        case .chainGap(let present, let missing):
            return "the margin tags have a gap: found \(present.joined(separator: ", ")) but not \(missing); every margin C0-C1 … must be logged"
        case .ambiguousVariant(let run): return "run '\(run)' has both multi-margin (C0-C1…) and single-margin (Margin) tags; choose with --variant multi or single"
        case .variantNotFound(let variant, let run, let tags):
            return "run '\(run)' has no \(variant)-margin tags; tags present: \(tags.prefix(20).joined(separator: ", "))"
        case .nonFiniteValue(let tag, let step, let value): return "margin \(tag) is \(value) at step \(step); a margin must be finite (the phase-one run diverged?)"
        case .negativeValue(let tag, let step, let value):
            return "margin \(tag) is \(value) at step \(step); a margin must be ≥ 0 (were raw θ values logged instead of softplus(θ)?)"
        case .stepBeforeFirst(let step, let tag, let first): return "--step \(step) is before the first logged step of \(tag) (\(first))"
        case .invalidOption(let message): return message
        }
    }
}
