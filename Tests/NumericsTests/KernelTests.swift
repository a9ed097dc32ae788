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

    /// The contrastive losses' form (scale, two left-out columns per row) equals the masked
    /// kernel on the scaled matrix, on one thread (small) and split over chunks (600 × 600).
    @Test(arguments: [7, 600])
    func scaledKernelWithLeftOutColumnsEqualsTheMaskedKernel(n: Int) {
        var rng = RepeatableRandomNumberGenerator(seed: UInt64(n))
        let x = Matrix<Double>(rows: n, columns: n, elements: (0..<(n * n)).map { _ in rng.nextGaussian() })
        let scale = 1 / 0.07, probabilityScale = 0.25
        let partner: @Sendable (Int) -> Int = { ($0 + n / 2) % n }
        var mask = [Bool](repeating: true, count: n * n)
        for r in 0..<n { mask[r * n + r] = false; mask[r * n + partner(r)] = false }
        let (expectedP, expectedLSE) = Matrix(rows: n, columns: n, elements: x.elements.map { $0 * scale }).softmaxAndLogSumExpRows(mask: mask)
        let (p, lse) = x.scaledSoftmaxAndLogSumExpRows(scale: scale, probabilityScale: probabilityScale) { r in (r, partner(r)) }
        #expect(firstMismatch(p.elements, expectedP.elements.map { $0 * probabilityScale }, absoluteTolerance: 1e-300, relativeTolerance: 1e-12) == nil)
        #expect(firstMismatch(lse, expectedLSE, absoluteTolerance: 1e-13, relativeTolerance: 1e-13) == nil)
        for r in 0..<n { #expect(p[r, r] == 0 && p[r, partner(r)] == 0) }
    }

    /// A left-out entry far above the kept ones (a self-similarity of 1 at T = 0.01, in Float)
    /// is never exponentiated: no overflow, no NaN.
    @Test func leftOutEntriesNeverOverflow() {
        let x = Matrix<Float>(rowArrays: [[1, -1, -0.9], [-1, 1, -0.5], [-0.9, -0.5, 1]])
        let (p, lse) = x.scaledSoftmaxAndLogSumExpRows(scale: 100) { r in (r, -1) }
        #expect(p.elements.allSatisfy(\.isFinite) && lse.allSatisfy(\.isFinite))
        let expected0 = -90 + Double.log(1 + Double.exp(-10))
        #expect(abs(lse[0] - expected0) < 1e-4)
        #expect(abs(Double(p[0, 2]) - 1 / (1 + Double.exp(-10))) < 1e-6)
    }
}

extension Double {
    fileprivate var logValue: Double { Double.log(self) }
}

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

@Suite struct VectorExponentialTests {
    /// Within 2 ulp of the C library's expf on a dense grid of [−87.3, 88], 0 below, NaN kept.
    @Test func matchesExpfWithinTwoUlp() {
        var worst: Float = 0
        var x: Float = -87.3
        while x < 88 {
            let lanes = SIMD8<Float>((0..<8).map { x + Float($0) * 0.0013 })
            let result = vectorExponential(lanes)
            for lane in 0..<8 where lanes[lane] <= 88 {
                let expected = Float.exp(lanes[lane])
                worst = max(worst, abs(result[lane] - expected) / expected.ulp)
            }
            x += 0.0107
        }
        #expect(worst <= 2, "worst error \(worst) ulp")
        let edges = vectorExponential(SIMD8<Float>(-100, -87.4, 0, 1, -1, .nan, 100, -.infinity))
        #expect(edges[0] == 0 && edges[1] == 0 && edges[2] == 1 && edges[7] == 0)
        #expect(abs(edges[3] - Float.exp(1)) <= Float.exp(1).ulp && edges[5].isNaN && edges[6].isFinite)
    }

    /// The Float (eight-lane) path of the scaled softmax equals the Double path to Float
    /// precision, with left-out columns inside and outside the vector chunks and a tail.
    @Test(arguments: [7, 37, 600])
    func floatScaledSoftmaxMatchesDouble(n: Int) {
        var rng = RepeatableRandomNumberGenerator(seed: UInt64(n + 1))
        let x = Matrix<Double>(rows: n, columns: n, elements: (0..<(n * n)).map { _ in max(-1, min(1, 0.4 * rng.nextGaussian())) })
        let partner: @Sendable (Int) -> Int = { ($0 + n / 2) % n }
        let (expectedP, expectedLSE) = x.scaledSoftmaxAndLogSumExpRows(scale: 1 / 0.05, probabilityScale: 0.5) { r in (r, partner(r)) }
        let (p, lse) = x.converted(to: Float.self).scaledSoftmaxAndLogSumExpRows(scale: 1 / 0.05, probabilityScale: 0.5) { r in (r, partner(r)) }
        #expect(firstMismatch(p.elements.map(Double.init), expectedP.elements, absoluteTolerance: 1e-9, relativeTolerance: 2e-5) == nil)
        #expect(firstMismatch(lse, expectedLSE, absoluteTolerance: 1e-5, relativeTolerance: 1e-5) == nil)
        for r in 0..<n { #expect(p[r, r] == 0 && p[r, partner(r)] == 0) }
    }
}

@Suite struct SkinnyProductsTests {
    /// Every kernel set this processor supports equals Double reference loops to float32
    /// accuracy on shapes with every kind of remainder: rows not a multiple of 4, classes not a
    /// multiple of 4, 5 or 10, columns not a multiple of 8, 16 or 32, K from 1 to 32. Skipped
    /// (with the reason) on a processor with neither AVX-512 nor AVX2.
    @Test(arguments: [(1, 1, 1), (3, 7, 2), (5, 16, 5), (9, 33, 10), (64, 2048, 10), (17, 77, 11), (8, 100, 32), (13, 31, 21)])
    func kernelsMatchReferenceLoops(shape: (Int, Int, Int)) throws {
        try #require(!SkinnyProducts.available.isEmpty, "neither AVX-512 nor AVX2 here: the OpenBLAS path is used")
        let (rows, d, k) = shape
        var rng = RepeatableRandomNumberGenerator(seed: UInt64(rows * 1000 + d * 10 + k))
        let x = (0..<(rows * d)).map { _ in Float(rng.nextGaussian()) }
        let w = (0..<(k * d)).map { _ in Float(rng.nextGaussian()) }
        let r = (0..<(rows * k)).map { _ in Float(rng.nextGaussian()) }
        let g0 = (0..<(k * d)).map { _ in Float(rng.nextGaussian()) }
        let zeros = [Float](repeating: 0, count: d)
        for kernel in SkinnyProducts.available {
            var z = [Float](repeating: .nan, count: rows * k)
            var g = g0
            var scratch = [Float](repeating: 0, count: 10 * rows)
            SkinnyProducts.rowsTimesTransposed(x, rows: rows, d: d, w, k: k, into: &z, zeros: zeros, kernel: kernel)
            SkinnyProducts.accumulateTransposedTimesRows(r, rows: rows, k: k, x, d: d, into: &g, scratch: &scratch, kernel: kernel)
            for i in 0..<rows {
                for c in 0..<k {
                    var exact = 0.0, magnitude = 0.0
                    for j in 0..<d {
                        exact += Double(x[i * d + j]) * Double(w[c * d + j])
                        magnitude += abs(Double(x[i * d + j]) * Double(w[c * d + j]))
                    }
                    #expect(abs(Double(z[i * k + c]) - exact) <= 1e-6 * magnitude + 1e-30, "\(kernel) z[\(i), \(c)]")
                }
            }
            for c in 0..<k {
                for j in 0..<d {
                    var exact = Double(g0[c * d + j]), magnitude = abs(exact)
                    for i in 0..<rows {
                        exact += Double(r[i * k + c]) * Double(x[i * d + j])
                        magnitude += abs(Double(r[i * k + c]) * Double(x[i * d + j]))
                    }
                    #expect(abs(Double(g[c * d + j]) - exact) <= 1e-6 * magnitude + 1e-30, "\(kernel) g[\(c), \(j)]")
                }
            }
        }
    }
}
