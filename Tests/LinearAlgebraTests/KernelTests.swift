import LinearAlgebra
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
        let expected0 = -90 + Double.logarithm(1 + Double.exponential(-10))
        #expect(abs(lse[0] - expected0) < 1e-4)
        #expect(abs(Double(p[0, 2]) - 1 / (1 + Double.exponential(-10))) < 1e-6)
    }
}

extension Double {
    fileprivate var logValue: Double { Double.logarithm(self) }
}

@Suite struct VectorMathTests {
    /// Within 2 ulp of the C library's expf on a dense grid of [−87.3, 88], for every kernel
    /// set this processor runs; 0 below −87.34, NaN kept, ±∞ handled.
    @Test(arguments: VectorMath.available)
    func exponentialMatchesExpfWithinTwoUlp(kernels: VectorMath.KernelSet) {
        let x = stride(from: Float(-87.3), to: 88, by: 0.00131).map { $0 }
        var y = [Float](repeating: 0, count: x.count)
        VectorMath.exponential(x, into: &y, count: x.count, kernels: kernels)
        var worst: Float = 0
        for (argument, value) in zip(x, y) {
            let expected = Float.exponential(argument)
            worst = max(worst, abs(value - expected) / expected.ulp)
        }
        #expect(worst <= 2, "worst error \(worst) ulp")
        let edges: [Float] = [-100, -87.4, 0, 1, -1, .nan, 100, -.infinity, .infinity]
        var out = [Float](repeating: 7, count: edges.count)
        VectorMath.exponential(edges, into: &out, count: edges.count, kernels: kernels)
        #expect(out[0] == 0 && out[1] == 0 && out[2] == 1 && out[7] == 0)
        #expect(abs(out[3] - Float.exponential(1)) <= Float.exponential(1).ulp && out[5].isNaN && out[6].isFinite && out[8].isFinite)
        // Scale and floor: exp(2·max(x, 0.5)).
        var clamped = [Float](repeating: 0, count: 3)
        VectorMath.exponential([0, 0.25, 1], into: &clamped, count: 3, scale: 2, floor: 0.5, kernels: kernels)
        #expect(zip(clamped, [Float.exponential(1), Float.exponential(1), Float.exponential(2)]).allSatisfy { abs($0 - $1) <= 2 * $1.ulp }, "\(clamped)")
    }

    /// Within 2 ulp of log1pf on [0, 1] (densely, where the losses use it), on tiny arguments
    /// and up to 1e30, for every kernel set; +∞ and NaN kept.
    @Test(arguments: VectorMath.available)
    func logOnePlusMatchesLog1pfWithinTwoUlp(kernels: VectorMath.KernelSet) {
        var x = stride(from: Float(0), through: 1, by: 1.0 / 300_007).map { $0 }
        x += stride(from: Float(-40), to: 30, by: 0.001).map { Float.power(10, $0) }
        var y = [Float](repeating: 0, count: x.count)
        VectorMath.logOnePlus(x, into: &y, count: x.count, kernels: kernels)
        var worst: Float = 0
        for (argument, value) in zip(x, y) {
            let expected = Float.logarithm(onePlus: argument)
            worst = max(worst, expected == 0 ? abs(value) : abs(value - expected) / expected.ulp)
        }
        #expect(worst <= 2, "worst error \(worst) ulp")
        var edges: [Float] = [.infinity, .nan, 0]
        VectorMath.logOnePlus(edges, into: &edges, count: 3, kernels: kernels)
        #expect(edges[0] == .infinity && edges[1].isNaN && edges[2] == 0)
    }

    /// The row kernels equal scalar loops: sums to Float accuracy, zeros at left-out columns
    /// inside and outside whole vectors and in the tail, for every kernel set.
    @Test(arguments: VectorMath.available)
    func rowKernelsMatchScalarLoops(kernels: VectorMath.KernelSet) {
        var rng = RepeatableRandomNumberGenerator(seed: 17)
        for n in [1, 5, 16, 37, 600] {
            let x = (0..<n).map { _ in Float(rng.nextGaussian()) }
            let (e0, e1) = (n / 3, n > 1 ? n - 1 : -1)
            var y = [Float](repeating: 9, count: n)
            let sum = VectorMath.exponentialSum(x, into: &y, count: n, scale: 3, shift: 2, floor: -0.5, excluding: e0, e1, kernels: kernels)
            var expectedSum = 0.0
            for j in 0..<n {
                // Against e^(3·max(x, −0.5) − 2) in Double: 2 ulp for exp plus the Float
                // rounding of the argument (relative |argument|·2⁻²³ at most, with or without FMA).
                let argument = 3 * Double(max(x[j], -0.5)) - 2
                let expected = j == e0 || j == e1 ? 0 : Double.exponential(argument)
                expectedSum += expected
                #expect(abs(Double(y[j]) - expected) <= (2.4e-7 + abs(argument) * 1.2e-7) * expected, "exponentialSum n \(n) column \(j)")
            }
            #expect(abs(sum - expectedSum) <= 1e-6 * expectedSum)
            var p = [Float](repeating: 9, count: n)
            let (shift, softmaxSum) = VectorMath.scaledSoftmaxRow(x, into: &p, count: n, scale: 2, probabilityScale: 0.5, excluding: e0, e1, kernels: kernels)
            let kept = (0..<n).filter { $0 != e0 && $0 != e1 }
            if kept.isEmpty {
                #expect(p.allSatisfy { $0 == 0 } && softmaxSum == 0)
            } else {
                let maximum = kept.map { x[$0] }.max()!
                #expect(shift == 2 * maximum)
                let total = kept.map { Double.exponential(2 * Double(x[$0]) - Double(shift)) }.reduce(0, +)
                #expect(abs(softmaxSum - total) <= 1e-6 * total)
                for j in 0..<n {
                    let expected = j == e0 || j == e1 ? 0 : 0.5 * Double.exponential(2 * Double(x[j]) - Double(shift)) / total
                    #expect(abs(Double(p[j]) - expected) <= 2e-6 * expected + 1e-12, "softmax n \(n) column \(j)")
                }
            }
            let u = (0..<n).map { _ in Float(rng.nextGaussian()) }
            var scaled = x
            VectorMath.scaleByRowPlusColumn(&scaled, count: n, rowFactor: 0.75, columnFactors: u, kernels: kernels)
            #expect(zip(scaled, (0..<n).map { x[$0] * (u[$0] + 0.75) }).allSatisfy { abs($0 - $1) <= $1.ulp })
        }
    }

    /// Row normalisation and its backward in the kernels equal Double arithmetic to Float
    /// accuracy, for every kernel set, with row lengths below, at and above a vector, a zero
    /// row and a row under ε; and the Matrix methods for Float (which use them) agree too.
    @Test(arguments: VectorMath.available)
    func rowNormalizationMatchesDouble(kernels: VectorMath.KernelSet) {
        var rng = RepeatableRandomNumberGenerator(seed: 37)
        for d in [3, 16, 45] {
            var x = Matrix<Double>(rows: 4, columns: d, elements: (0..<(4 * d)).map { _ in rng.nextGaussian() })
            for k in 0..<d { x[1, k] = 0 }
            x[2, 0] = 1e-13
            for k in 1..<d { x[2, k] = 0 }
            let (expected, expectedNorms) = x.normalizedRows()
            let source = x.elements.map { Float($0) }
            var y = [Float](repeating: 0, count: 4 * d)
            var norms = [Float](repeating: 0, count: 4)
            VectorMath.normalizeRows(source, into: &y, rows: 4, columns: d, epsilon: 1e-12, norms: &norms, kernels: kernels)
            #expect(firstMismatch(y.map(Double.init), expected.elements, absoluteTolerance: 1e-7, relativeTolerance: 1e-6) == nil)
            #expect(firstMismatch(norms.map(Double.init), expectedNorms, absoluteTolerance: 0, relativeTolerance: 1e-6) == nil)
            let g = Matrix<Double>(rows: 4, columns: d, elements: (0..<(4 * d)).map { _ in rng.nextGaussian() })
            let expectedBackward = Matrix.normalizedRowsBackward(outputGradient: g, normalized: expected, norms: expectedNorms)
            var backward = g.elements.map { Float($0) }
            VectorMath.normalizeRowsBackward(&backward, normalized: y, rows: 4, columns: d, norms: norms, epsilon: 1e-12, kernels: kernels)
            let scale = expectedBackward.elements.map(abs).max()!
            #expect(firstMismatch(backward.map(Double.init), expectedBackward.elements, absoluteTolerance: 1e-6 * scale, relativeTolerance: 1e-5) == nil)
            let viaMatrix = x.converted(to: Float.self).normalizedRows()
            #expect(firstMismatch(viaMatrix.normalized.elements.map(Double.init), expected.elements, absoluteTolerance: 1e-7, relativeTolerance: 1e-6) == nil)
        }
        #expect(Matrix<Float>(rows: 0, columns: 3).normalizedRows().norms.isEmpty)
    }

    /// `symmetrizeSoftmaxRows` equals k·(diag(α)P + (diag(α)P)ᵀ) built from the separate row
    /// softmax, in Double and Float, on the shared-shift path (T = 0.5) and the row-shift path
    /// (T = 0.01 on cosines), with a symmetric left-out pattern (self and partner).
    @Test(arguments: [0.5, 0.01])
    func symmetrizedSoftmaxMatchesTheExplicitSum(temperature: Double) throws {
        var rng = RepeatableRandomNumberGenerator(seed: 23)
        let n = 70, half = 35
        let rowsX = Matrix<Double>(rows: n, columns: 9, elements: (0..<(n * 9)).map { _ in rng.nextGaussian() })
        let cosine = try rowsX.cosineSimilarities().similarities
        let weights = (0..<n).map { _ in Double.random(in: 0.5...2, using: &rng) }
        let k = 0.3
        let excluded: @Sendable (Int) -> (Int, Int) = { r in (r, (r + half) % n) }
        let (p, expectedLSE) = cosine.scaledSoftmaxAndLogSumExpRows(scale: 1 / temperature, excluding: excluded)
        var expected = Matrix<Double>(rows: n, columns: n)
        for r in 0..<n { for c in 0..<n { expected[r, c] = k * (weights[r] * p[r, c] + weights[c] * p[c, r]) } }
        var double = cosine
        let lse = double.symmetrizeSoftmaxRows(scale: 1 / temperature, bound: 1, probabilityScale: k, rowWeights: weights, excluding: excluded)
        #expect(firstMismatch(double.elements, expected.elements, absoluteTolerance: 1e-12, relativeTolerance: 1e-9) == nil)
        #expect(firstMismatch(lse, expectedLSE, absoluteTolerance: 1e-12, relativeTolerance: 1e-12) == nil)
        var float = cosine.converted(to: Float.self)
        let floatLSE = float.symmetrizeSoftmaxRows(scale: Float(1 / temperature), bound: 1, probabilityScale: Float(k), rowWeights: weights.map { Float($0) }, excluding: excluded)
        #expect(firstMismatch(float.elements.map(Double.init), expected.elements, absoluteTolerance: 1e-8, relativeTolerance: 1e-4) == nil)
        #expect(firstMismatch(floatLSE, expectedLSE, absoluteTolerance: 1e-5, relativeTolerance: 1e-5) == nil)
        for r in 0..<n { #expect(double[r, r] == 0 && double[r, (r + half) % n] == 0 && float[r, r] == 0) }
    }

    /// The two cosine backward forms agree with the definition ∂L/∂X̂ = G X̂ + Gᵀ X̂ (two
    /// products) followed by the normalisation backward: G given as is (symmetrised in place
    /// inside), and H = G + Gᵀ given symmetrised.
    @Test(arguments: [12, 70])
    func cosineBackwardFormsMatchTheTwoProducts(n: Int) throws {
        var rng = RepeatableRandomNumberGenerator(seed: 29)
        let x = Matrix<Double>(rows: n, columns: 5, elements: (0..<(5 * n)).map { _ in rng.nextGaussian() })
        let g = Matrix<Double>(rows: n, columns: n, elements: (0..<(n * n)).map { _ in rng.nextGaussian() })
        let (_, unit, norms) = try x.cosineSimilarities()
        var unitGradient = try Matrix.product(g, unit)
        try unitGradient.addProduct(g, unit, transposingLeft: true)
        let expected = Matrix.normalizedRowsBackward(outputGradient: unitGradient, normalized: unit, norms: norms)
        let general = try Matrix.cosineSimilaritiesBackward(similarityGradient: g, unit: unit, norms: norms)
        var h = g
        h.addTranspose()
        let symmetrized = try Matrix.cosineSimilaritiesBackward(symmetrizedGradient: h, unit: unit, norms: norms)
        #expect(firstMismatch(general.elements, expected.elements, absoluteTolerance: 1e-13, relativeTolerance: 1e-12) == nil)
        #expect(firstMismatch(symmetrized.elements, expected.elements, absoluteTolerance: 1e-13, relativeTolerance: 1e-12) == nil)
        let float = try Matrix.cosineSimilaritiesBackward(similarityGradient: g.converted(to: Float.self), unit: unit.converted(to: Float.self), norms: norms.map { Float($0) })
        let largest = expected.elements.map(abs).max()!
        #expect(firstMismatch(float.elements.map(Double.init), expected.elements, absoluteTolerance: 1e-5 * largest, relativeTolerance: 1e-4) == nil)
    }

    /// `addTranspose` gives a_ij + a_ji exactly (the same two operands either way), Float tiles
    /// of 16 and Double blocks of 64, with tails, and on the processors for the large size.
    @Test(arguments: [1, 15, 16, 17, 40, 130, 600])
    func addTransposeMatchesTheDefinition(n: Int) {
        var rng = RepeatableRandomNumberGenerator(seed: UInt64(n))
        let a = Matrix<Double>(rows: n, columns: n, elements: (0..<(n * n)).map { _ in rng.nextGaussian() })
        var double = a
        double.addTranspose()
        var float = a.converted(to: Float.self)
        let floatSource = float
        float.addTranspose()
        var mismatches = 0
        for i in 0..<n {
            for j in 0..<n {
                if double[i, j] != a[i, j] + a[j, i] { mismatches += 1 }
                if float[i, j] != floatSource[i, j] + floatSource[j, i] { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
    }

    /// The Float (`VectorMath`) path of the scaled softmax equals the Double path to Float
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
    /// (with the reason) where no kernel set runs: a processor with neither AVX-512 nor AVX2, or
    /// the baseline forced with `CONTRASTIVEBOARD_VECTOR_LEVEL=0`.
    @Test(
        .enabled(if: !SkinnyProducts.available.isEmpty, "no AVX-512 or AVX2 kernel set runs here: the OpenBLAS path is used"),
        arguments: [(1, 1, 1), (3, 7, 2), (5, 16, 5), (9, 33, 10), (64, 2048, 10), (17, 77, 11), (8, 100, 32), (13, 31, 21)])
    func kernelsMatchReferenceLoops(shape: (Int, Int, Int)) throws {
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
