/// How one CLOC margin is initialised and whether it trains (one entry of `learnable_map`).
public enum MarginEntry: Sendable, Equatable {
    /// A trainable margin; `nil` draws its initial value uniformly from [0.5, 1.0).
    case learnable(Double?)
    /// A constant margin.
    case fixed(Double)

    /// The margin value, if given.
    public var value: Double? {
        switch self {
        case .learnable(let v): return v
        case .fixed(let v): return v
        }
    }
}

/// CLOC's `learnable_map`: one `MarginEntry` per adjacent-class margin (C − 1 entries for the
/// multi-margin loss, 1 for the single-margin loss).
///
/// Text forms (parsed by `init(parsing:)`, printed by `jsonText` / `pythonText`):
/// JSON `[["fixed", 0.12], ["learnable", null]]` and the Python literal
/// `[['fixed', 0.12], ['learnable', None]]` the PyTorch loss takes. Margin values must be finite
/// and ≥ 0 (the original turns a negative value into a NaN loss).
public struct LearnableMap: Sendable, Equatable {
    /// The entries in margin order (entry `i` is the margin between classes `i` and `i + 1`).
    public var entries: [MarginEntry]

    /// Creates a map.
    ///
    /// - Parameter entries: One entry per margin.
    /// - Throws: `LossError.invalidMap` for a negative or non-finite value.
    public init(_ entries: [MarginEntry]) throws(LossError) {
        for (index, entry) in entries.enumerated() {
            if let value = entry.value, !(value.isFinite && value >= 0) {
                throw .invalidMap("entry \(index) has margin \(value); margins must be finite and ≥ 0")
            }
        }
        self.entries = entries
    }

    /// A map with every margin fixed at the given values (phase two of CLOC).
    ///
    /// - Parameter values: Margins δ in order.
    /// - Throws: `LossError.invalidMap` for a negative or non-finite value.
    public static func fixed(_ values: [Double]) throws(LossError) -> LearnableMap {
        try LearnableMap(values.map { .fixed($0) })
    }

    /// Number of entries.
    public var count: Int { entries.count }
}
