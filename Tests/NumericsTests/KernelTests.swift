import Numerics
import TestSupport
import Testing

@Suite struct KernelTests {
    @Test func normalizedRowsHaveUnitNormAndZeroRowsStayZero() {
        let x = Matrix<Double>(rowArrays: [[3, 4], [0, 0], [1e-13, 0]])
        let (y, norms) = x.normalizedRows()
        #expect(y.elements == [0.6, 0.8, 0, 0, 1e-13 / 1e-12, 0])
        #expect(norms == [5, 0, 1e-13])
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func normalizedRowsBackwardMatchesCentralDifferences(seed: UInt64) {
        var rng = RepeatableRandomNumberGenerator(seed: seed)
        let n = 4, d = 3
        let x = Matrix<Double>(rows: n, columns: d, elements: (0..<(n * d)).map { _ in rng.nextGaussian() })
        let weights = (0..<(n * d)).map { _ in rng.nextGaussian() }
        // L(x) = Σ w ⊙ normalize(x): dL/dy = w.
        func loss(_ m: Matrix<Double>) -> Double { zip(m.normalizedRows().normalized.elements, weights).map(*).reduce(0, +) }
        let (y, norms) = x.normalizedRows()
        let analytic = Matrix.normalizedRowsBackward(
            outputGradient: Matrix(rows: n, columns: d, elements: weights), normalized: y, norms: norms)
        let h = 1e-6
        for index in 0..<(n * d) {
            var plus = x, minus = x
            plus.elements[index] += h
            minus.elements[index] -= h
            let numeric = (loss(plus) - loss(minus)) / (2 * h)
            // Central differences with h = 1e-6: truncation ~1e-12, cancellation ~1e-10.
            #expect(isApproximatelyEqual(analytic.elements[index], numeric, absoluteTolerance: 1e-8, relativeTolerance: 1e-6))
        }
    }

    @Test func softmaxRowsSumToOneAndRespectTheMask() {
        let logits = Matrix<Double>(rowArrays: [[1000, 1001, 999], [0, -1, 2], [5, 6, 7]])
        let mask = [true, true, true, true, false, true, false, false, false]
        let p = logits.softmaxRows(mask: mask)
        for i in 0..<2 { #expect(abs(p.row(i).reduce(0, +) - 1) < 1e-15) }
        #expect(p[1, 1] == 0)
        #expect(p.row(2).allSatisfy { $0 == 0 })
        let lse = logits.logSumExpRows(mask: mask)
        // Closed form with the max shift: 1001 + log(e^-1 + 1 + e^-2).
        #expect(isApproximatelyEqual(lse[0], 1001 + (0.36787944117144233 + 1 + 0.1353352832366127).logValue, absoluteTolerance: 0, relativeTolerance: 1e-15))
        #expect(lse[2] == -.infinity)
        #expect(!lse[0].isNaN)
    }
}

@Suite struct FusedSoftmaxTests {
    @Test func fusedKernelEqualsTheSeparateOnes() {
        var rng = RepeatableRandomNumberGenerator(seed: 4)
        let x = Matrix<Double>(rows: 5, columns: 7, elements: (0..<35).map { _ in 10 * rng.nextGaussian() })
        let mask = (0..<35).map { $0 % 3 != 0 && $0 / 7 != 2 }
        let (p, lse) = x.softmaxAndLogSumExpRows(mask: mask)
        #expect(firstMismatch(p.elements, x.softmaxRows(mask: mask).elements, absoluteTolerance: 1e-15, relativeTolerance: 1e-13) == nil)
        let separate = x.logSumExpRows(mask: mask)
        #expect(lse[2] == -.infinity && separate[2] == -.infinity)
        #expect(firstMismatch(lse.filter(\.isFinite), separate.filter(\.isFinite), absoluteTolerance: 1e-14, relativeTolerance: 1e-14) == nil)
        // Multiplying by 1/Σ instead of dividing: agreement to a few ulps.
        #expect(firstMismatch(x.softmaxAndLogSumExpRows().probabilities.elements, x.softmaxRows().elements, absoluteTolerance: 1e-300, relativeTolerance: 1e-15) == nil)
    }
}

extension Double {
    fileprivate var logValue: Double { Double.log(self) }
}
