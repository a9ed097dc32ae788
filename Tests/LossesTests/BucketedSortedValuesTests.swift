@testable import Losses
import LinearAlgebra
import TestSupport
import Testing

@Suite struct BucketedSortedValuesTests {
    /// Ranks equal direct counts for random values, values with many ties, all-equal values (one
    /// crowded bucket: the binary-search path) and an empty build, with one index reused.
    @Test func ranksEqualDirectCounts() {
        var rng = RepeatableRandomNumberGenerator(seed: 9)
        let sets: [[Double]] = [
            (0..<500).map { _ in rng.nextGaussian() },
            (0..<300).map { _ in Double(Int.random(in: -3...3, using: &rng)) / 4 },
            [Double](repeating: 0.25, count: 100),
            [0.5],
            [],
            (0..<64).map { _ in rng.nextGaussian() * 1e-300 },
        ]
        var index = BucketedSortedValues()
        for values in sets {
            values.withUnsafeBufferPointer { index.build(from: $0) }
            #expect(Array(index.sorted.prefix(index.count)) == values.sorted())
            let queries = values + values.map { $0.nextUp } + values.map { $0.nextDown } + [-.infinity, .infinity, -10, 10, 0, 0.25]
            for x in queries {
                #expect(index.countLess(than: x) == values.filter { $0 < x }.count, "countLess(\(x)) of \(values.count) values")
                #expect(index.countLessOrEqual(to: x) == values.filter { $0 <= x }.count, "countLessOrEqual(\(x)) of \(values.count) values")
            }
        }
    }
}
