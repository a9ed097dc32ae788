extension SummaryWriter {
    /// Logs a scalar of any floating-point type (torch `add_scalar`): `Float`, `Float16`, `Double`.
    ///
    /// The value is widened to `Double` (exact for `Float` and `Float16`) and stored as float32,
    /// as the `Double` overload does; a training loop that holds `Float` logs without conversions.
    ///
    /// - Parameters:
    ///   - tag: Series name; `/` groups series in the dashboard.
    ///   - value: The value; NaN and ±∞ are logged as such.
    ///   - step: Global step, ≥ 0 (default 0, as torch's `global_step=None`).
    ///   - wallTime: Seconds since the Unix epoch (default: now); must be finite.
    /// - Throws: `SummaryWriterError.invalidWallTime`, `.negativeStep` or `.record`.
    @inlinable
    public func addScalar<Value: BinaryFloatingPoint>(
        _ tag: String, _ value: Value, step: Int = 0, wallTime: Double? = nil
    ) throws(SummaryWriterError) {
        try addScalar(tag, Double(value), step: step, wallTime: wallTime)
    }
}

extension SummaryWriter {
    /// Logs several scalars of any floating-point type under one main tag (torch `add_scalars`).
    ///
    /// Widens each value to `Double` and calls the `[String: Double]` overload (see there for the
    /// sub-run layout).
    ///
    /// - Parameters:
    ///   - mainTag: The chart's tag.
    ///   - values: Key → value (`Float`, `Double`, `Float16`).
    ///   - step: Global step (default 0, as torch's `global_step=None`).
    ///   - wallTime: Seconds since the Unix epoch (default now).
    /// - Throws: As the `[String: Double]` overload.
    public func addScalars<Value: BinaryFloatingPoint>(
        _ mainTag: String, _ values: [String: Value], step: Int = 0, wallTime: Double? = nil
    ) throws(SummaryWriterError) {
        try addScalars(mainTag, values.mapValues { Double($0) }, step: step, wallTime: wallTime)
    }
}
