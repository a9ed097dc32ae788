/// Mini-batches of sample indices: a seeded shuffle of `0 ..< sampleCount` cut into batches.
///
/// - Parameters:
///   - sampleCount: Number of samples, ≥ 0.
///   - batchSize: Samples per batch, ≥ 1; the last batch may be smaller.
///   - dropLast: Drop a final batch smaller than `batchSize` (torch `drop_last`, default false).
///   - generator: Source of randomness (seeded by the caller for repeatable runs).
/// - Returns: The batches, each a list of distinct indices; together a permutation (minus the
///   dropped tail).
public func shuffledBatches(
    sampleCount: Int, batchSize: Int, dropLast: Bool = false, using generator: inout some RandomNumberGenerator
) -> [[Int]] {
    precondition(batchSize >= 1, "shuffledBatches: batch size \(batchSize) < 1")
    var order = Array(0..<sampleCount)
    order.shuffle(using: &generator)
    var batches = stride(from: 0, to: sampleCount, by: batchSize).map { Array(order[$0..<min($0 + batchSize, sampleCount)]) }
    if dropLast, let last = batches.last, last.count < batchSize { batches.removeLast() }
    return batches
}
