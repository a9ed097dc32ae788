/// Approximate equality with an absolute and a relative tolerance (swift-numerics semantics).
///
/// Passes when `|a − b| ≤ max(absoluteTolerance, relativeTolerance · max(|a|, |b|))`. NaN equals
/// NaN and equal infinities are equal, so golden values that are NaN or infinite can be stated.
/// Not transitive. Callers state the reason for their tolerance next to the call.
///
/// - Parameters:
///   - actual: Computed value.
///   - expected: Golden value.
///   - absoluteTolerance: `atol ≥ 0`.
///   - relativeTolerance: `rtol ≥ 0`.
/// - Returns: Whether the two values agree.
public func isApproximatelyEqual(
    _ actual: Double, _ expected: Double, absoluteTolerance: Double, relativeTolerance: Double
) -> Bool {
    if actual.isNaN || expected.isNaN { return actual.isNaN && expected.isNaN }
    if actual == expected { return true }
    let scale = max(abs(actual), abs(expected))
    return abs(actual - expected) <= max(absoluteTolerance, relativeTolerance * scale)
}

/// The first index at which two arrays disagree under `isApproximatelyEqual`, or `nil`.
///
/// - Parameters:
///   - actual: Computed values.
///   - expected: Golden values; a count mismatch is reported at index `min(counts)`.
///   - absoluteTolerance: `atol ≥ 0`.
///   - relativeTolerance: `rtol ≥ 0`.
/// - Returns: The first mismatching index, or `nil` when all agree.
public func firstMismatch(
    _ actual: [Double], _ expected: [Double], absoluteTolerance: Double, relativeTolerance: Double
) -> Int? {
    if actual.count != expected.count { return min(actual.count, expected.count) }
    for i in actual.indices
    where !isApproximatelyEqual(
        actual[i], expected[i], absoluteTolerance: absoluteTolerance,
        relativeTolerance: relativeTolerance)
    {
        return i
    }
    return nil
}
