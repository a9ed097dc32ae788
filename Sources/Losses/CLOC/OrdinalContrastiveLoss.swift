import LinearAlgebra
public import ScalarLogging

/// CLOC, the ordinal contrastive loss with multi- or single-margin N-pair hinges (Pitawela,
/// Carneiro and Chen, CVPR 2025), reproducing the original `loss.py` (docs/reference/cloc.md).
///
/// For a batch `X` (`[N, D]`, row-major) with labels `t` in `0..<C`:
/// `u_i = x_i / max(‖x_i‖, 1e-8)`, `S = U Uᵀ` (cosine similarities);
/// adjacent margins `δ_k = softplus(θ_k)`, class margins `m(c, c′) = Σ_{min ≤ k < max} δ_k`
/// (single-margin: `m(c, c′) = |c − c′|·softplus(θ)`);
/// for each anchor `a`, positives `P(a) = {p ≠ a : t_p = t_a}` (q_a of them) and negatives
/// `Q(a) = {n : t_n ≠ t_a}` (c_a of them):
/// `L = (1/N) Σ_a [1/(q_a·c_a²)] Σ_{p∈P(a)} Σ_{n∈Q(a)} max(0, S_an − S_ap + m(t_a, t_n))`,
/// anchors without positives or negatives contributing 0 (the original's reduction, with c_a
/// squared; `Reduction.pairMean` divides by `q_a·c_a` instead). No temperature; loss in the
/// same units as cosine similarity.
///
/// The hinge sums are evaluated exactly without the original's O(N³) tensor: per anchor, the
/// positives' similarities are sorted once and each margin-shifted negative takes a binary
/// search plus prefix sums (sorting the negatives instead is the same computation; sorting the
/// smaller set is faster), so forward and backward cost O(N²·D + N²·log N) time and
/// O(N²) memory.
///
/// Raw margin parameters θ are Double (the original's multi-margin parameters are float64);
/// embeddings may be Float or Double.
public struct OrdinalContrastiveLoss: Sendable {
    /// Multi-margin (C − 1 adjacent margins) or single-margin (one shared margin).
    public enum Variant: String, Sendable, CaseIterable {
        /// `OrdinalContrastiveLoss_mm`: margins δ_0 … δ_{C−2}.
        case multiMargin
        /// `OrdinalContrastiveLoss_sm`: one δ, class margins |c − c′|·δ.
        case singleMargin
    }

    /// How the per-anchor hinge sum is normalised.
    public enum Reduction: String, Sendable, CaseIterable {
        /// The original code: divide by `q_a·c_a²`, then average over all N anchors. Default.
        case original
        /// What the original's code comment says was intended: the mean over the anchor's
        /// valid (p, n) pairs, `1/(q_a·c_a)`, then averaged over all N anchors (docs/reference/cloc.md, "Reduction"
        /// gives 0.0375 for this reduction where the original gives 0.01875).
        case pairMean
    }

    /// ε of the cosine similarity: PyTorch 2.x `F.cosine_similarity` clamps each norm at 1e-8
    /// (docs/reference/cloc.md, "Forward").
    public static let cosineEpsilon = 1e-8

    /// The largest class count accepted: a forward pass holds C² class-pair margins plus one
    /// C² gradient table per worker chunk (at most 4 per processor), in Double. At 4096
    /// classes that is 128 MiB per table, so the limit keeps a pass on a few-core machine
    /// within a few hundred MiB; ordinal tasks (ages, grades, ratings) have far fewer.
    public static let maximumClassCount = 4096

    /// Number of classes C ≥ 1.
    public let classCount: Int
    /// The variant.
    public let variant: Variant
    /// The reduction.
    public let reduction: Reduction
    /// Raw margin parameters θ (C − 1 entries, or 1 for the single-margin variant), fixed and
    /// learnable alike; δ = softplus(θ).
    public var rawMargins: [Double]
    /// Whether each entry of `rawMargins` trains.
    public let isLearnable: [Bool]
    /// The logger receiving margins each step (no logger: no logging).
    public let logger: (any ScalarLogger)?
    /// Prepended to every logged tag (default empty: tags as the original, `C0-C1`, `Margin`).
    public let tagPrefix: String

    /// Creates the loss.
    ///
    /// - Parameters:
    ///   - classCount: C ≥ 1 (ordinal classes 0 … C−1).
    ///   - variant: Multi- or single-margin.
    ///   - map: The learnable map; `nil` makes every margin learnable with a random start in
    ///     [0.5, 1.0). Multi-margin maps need C − 1 entries, single-margin maps 1.
    ///   - reduction: `.original` (default) or `.pairMean`.
    ///   - logger: Receives the custom-scalars layout now (multi-margin) and the margins at
    ///     every forward with a step.
    ///   - tagPrefix: Prepended to the logged tags.
    ///   - inverseSoftplusInFloat32: Compute θ = softplus⁻¹(v) in float32 like the original
    ///     (default `true`, so 0.5 becomes 0.49999996); `false` computes in Double.
    ///   - generator: Source of the random starting margins.
    /// - Throws: `LossError.invalidParameter` for a class count outside
    ///   1…`maximumClassCount`, `.invalidMap`, or what the logger throws.
    public init(
        classCount: Int, variant: Variant = .multiMargin, map: LearnableMap? = nil, reduction: Reduction = .original,
        logger: (any ScalarLogger)? = nil, tagPrefix: String = "", inverseSoftplusInFloat32: Bool = true,
        using generator: inout some RandomNumberGenerator
    ) throws {
        guard classCount >= 1 else {
            throw LossError.invalidParameter(name: "classCount", value: "\(classCount)", reason: "need at least one class")
        }
        guard classCount <= Self.maximumClassCount else {
            throw LossError.invalidParameter(
                name: "classCount", value: "\(classCount)",
                reason: "at most \(Self.maximumClassCount) classes (memory grows with the square of the class count)")
        }
        let marginCount = variant == .multiMargin ? classCount - 1 : 1
        let entries = map?.entries ?? Array(repeating: .learnable(nil), count: marginCount)
        guard entries.count == marginCount else {
            throw LossError.invalidMap(
                "has \(entries.count) entries; the \(variant == .multiMargin ? "multi-margin loss with \(classCount) classes" : "single-margin loss") needs \(marginCount)")
        }
        var raw = [Double]()
        var learnable = [Bool]()
        for entry in entries {
            switch entry {
            case .fixed(let v):
                raw.append(Softplus.inverse(v, inFloat32: inverseSoftplusInFloat32))
                learnable.append(false)
            case .learnable(let v):
                let value = v ?? Double.random(in: 0.5..<1.0, using: &generator)
                raw.append(Softplus.inverse(value, inFloat32: inverseSoftplusInFloat32))
                learnable.append(true)
            }
        }
        self.classCount = classCount
        self.variant = variant
        self.reduction = reduction
        self.rawMargins = raw
        self.isLearnable = learnable
        self.logger = logger
        self.tagPrefix = tagPrefix
        if let logger, variant == .multiMargin {
            let tags = (0..<marginCount).map { tagPrefix + "C\($0)-C\($0 + 1)" }
            try logger.logCustomScalarLayout(
                CustomScalarLayout(categories: [.init(title: "Class Distances", charts: [.init(title: "margin", content: .multiline(tags: tags))])]))
        }
    }

    /// Creates the loss with a seeded generator for random starting margins.
    ///
    /// - Parameters: As the main initialiser; `seed` seeds a `SeededGenerator`.
    /// - Throws: As the main initialiser.
    public init(
        classCount: Int, variant: Variant = .multiMargin, map: LearnableMap? = nil, reduction: Reduction = .original,
        logger: (any ScalarLogger)? = nil, tagPrefix: String = "", inverseSoftplusInFloat32: Bool = true, seed: UInt64 = 0
    ) throws {
        var generator = SeededGenerator(seed: seed)
        try self.init(
            classCount: classCount, variant: variant, map: map, reduction: reduction, logger: logger, tagPrefix: tagPrefix,
            inverseSoftplusInFloat32: inverseSoftplusInFloat32, using: &generator)
    }

    /// The effective adjacent margins δ = softplus(θ), one per raw parameter. The single-margin
    /// variant computes δ in float32, as the original (its parameter is float32).
    public var margins: [Double] {
        variant == .singleMargin ? rawMargins.map(Softplus.valueInFloat32) : rawMargins.map(Softplus.value)
    }

    /// The learnable raw parameters, in margin order (what an optimiser updates).
    public var learnableParameters: [Double] {
        get { zip(rawMargins, isLearnable).compactMap { $1 ? $0 : nil } }
        set {
            precondition(newValue.count == isLearnable.filter { $0 }.count, "learnableParameters: got \(newValue.count) values for \(isLearnable.filter { $0 }.count) learnable margins")
            var values = newValue.makeIterator()
            for i in rawMargins.indices where isLearnable[i] {
                if let v = values.next() { rawMargins[i] = v }
            }
        }
    }

    /// The margins as a map of fixed entries (what phase two of CLOC trains with).
    public var fixedMap: LearnableMap {
        // Margins are finite and ≥ 0 by construction, so this cannot fail.
        (try? LearnableMap.fixed(margins)) ?? LearnableMap(unchecked: [])
    }

    /// The tags the margins are logged under, in margin order.
    public var marginTags: [String] {
        variant == .multiMargin ? (0..<rawMargins.count).map { tagPrefix + "C\($0)-C\($0 + 1)" } : [tagPrefix + "Margin"]
    }
}

extension LearnableMap {
    /// A map built without validation, for values already known to be valid.
    init(unchecked entries: [MarginEntry]) { self.entries = entries }
}
