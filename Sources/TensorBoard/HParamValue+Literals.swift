extension HParamValue: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral
{
    /// `0.1` is `.number(0.1)`.
    ///
    /// - Parameter value: The number.
    public init(floatLiteral value: Double) { self = .number(value) }

    /// `64` is `.number(64)`.
    ///
    /// - Parameter value: The number.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }

    /// `"adam"` is `.string("adam")`.
    ///
    /// - Parameter value: The text.
    public init(stringLiteral value: String) { self = .string(value) }

    /// `true` is `.bool(true)`.
    ///
    /// - Parameter value: The flag.
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    /// A number of any floating-point type (`Float`, `Double`, `Float16`), widened to `Double`.
    ///
    /// - Parameter value: The number.
    public init<Value: BinaryFloatingPoint>(_ value: Value) { self = .number(Double(value)) }

    /// An integer, as a `Double` (TensorBoard's hparams have no integer type).
    ///
    /// - Parameter value: The integer.
    public init<Value: BinaryInteger>(_ value: Value) { self = .number(Double(value)) }

    /// A string value.
    ///
    /// - Parameter value: The text.
    public init(_ value: String) { self = .string(value) }

    /// A boolean value.
    ///
    /// - Parameter value: The flag.
    public init(_ value: Bool) { self = .bool(value) }
}

/// Where `addHparams` writes a hyperparameter session.
///
/// TensorBoard's HParams dashboard shows one session per run that holds a
/// `_hparams_/session_start_info` value, and its metric columns are that run's scalars.
public enum HParamsDestination: Sendable, Equatable {
    /// This writer's own run: the session is the run, and every scalar the run logs (training
    /// curves included) is a metric column. Recommended; one writer per training run.
    case thisRun
    /// A sub-run `<logDirectory>/<name>` (a relative path without `..`), torch's `run_name`.
    case subRun(String)
    /// A sub-run named by the current Unix time in seconds, torch's default (`str(time.time())`).
    case timestampedSubRun
}

extension SummaryWriter {
    /// Logs a hyperparameter session from dictionary literals (torch `add_hparams`).
    ///
    /// The literals keep their order (they are `KeyValuePairs`), and their values may mix
    /// numbers, strings and bools:
    /// `addHparams(["lr": 1e-3, "optimizer": "adam", "batch": 64], metrics: ["hparam/accuracy": accuracy], in: .thisRun)`.
    /// A `Float` or `Int` variable goes in as `HParamValue(x)`. The session is written as the
    /// tuple-array overload describes.
    ///
    /// - Parameters:
    ///   - hparams: Name → value, in display order.
    ///   - metrics: Metric tag → value (`Float`, `Double`, `Float16`), in display order; each is
    ///     written as a scalar at `step` into the session's run.
    ///   - discreteDomains: Optional allowed values per hparam (torch `hparam_domain_discrete`).
    ///   - destination: Where the session goes (default: a sub-run named by the time, as torch;
    ///     `.thisRun` is the recommended choice, see `HParamsDestination`).
    ///   - step: Step of the metric scalars (default 0).
    /// - Returns: The session's run directory.
    /// - Throws: `SummaryWriterError.invalidArgument` for empty or duplicate names, non-finite
    ///   numbers, a domain whose values are of another type, or a sub-run name outside the log
    ///   directory; a write error.
    @discardableResult
    public func addHparams<Metric: BinaryFloatingPoint>(
        _ hparams: KeyValuePairs<String, HParamValue>, metrics: KeyValuePairs<String, Metric>,
        discreteDomains: [String: [HParamValue]] = [:], in destination: HParamsDestination = .timestampedSubRun, step: Int = 0
    ) throws(SummaryWriterError) -> String {
        try addHparams(
            hparams.map { ($0.key, $0.value) }, metrics: metrics.map { ($0.key, Double($0.value)) }, discreteDomains: discreteDomains,
            in: destination, step: step)
    }

    /// Logs a hyperparameter session from dictionary literals with `Double` metrics, or none.
    ///
    /// The same as the generic overload; it lets `metrics` be omitted (or `[:]`), and a literal
    /// such as `["hparam/accuracy": 0.91]` resolve without naming a type.
    ///
    /// - Parameters: As the generic overload; `metrics` defaults to none.
    /// - Returns: The session's run directory.
    /// - Throws: As the generic overload.
    @discardableResult
    public func addHparams(
        _ hparams: KeyValuePairs<String, HParamValue>, metrics: KeyValuePairs<String, Double> = [:],
        discreteDomains: [String: [HParamValue]] = [:], in destination: HParamsDestination = .timestampedSubRun, step: Int = 0
    ) throws(SummaryWriterError) -> String {
        try addHparams(hparams.map { ($0.key, $0.value) }, metrics: metrics.map { ($0.key, $0.value) }, discreteDomains: discreteDomains, in: destination, step: step)
    }
}
