@testable import Losses
import LinearAlgebra
import TestSupport
import Testing

/// Golden examples D1–D2 of docs/reference/contrastive-losses.md, "QARe, SimCLR and SparseCLR" (original `return_loss_fn`, float64; torch.symeig
/// shimmed with eigh). Losses to 1e-8 relative (9 digits), gradients to 2e-6 relative (7 digits);
/// SparseCLR values to 5e-9 relative (the original's float32 1/|S| moves them by ~1e-9, same section).
@Suite struct QAReTests {
    static let d1 = Matrix<Double>(rowArrays: [[1.0, 0.2, 0.1], [0.9, 0.3, 0.0], [0.1, 1.0, 0.3], [0.2, 0.8, 0.5], [0.3, 0.1, 1.0], [0.0, 0.4, 0.9]])
    static let d2 = Matrix<Double>(rowArrays: [[1.0, 0.0, 0.2], [0.8, 0.6, 0.0], [-1.0, 0.5, 0.1], [-0.6, 0.8, 0.1], [0.1, -1.0, 0.5], [0.2, -0.9, 0.3], [0.5, 0.5, -0.7], [0.4, 0.7, -0.5]])

    private func value(_ method: QAReLoss.Method, _ x: Matrix<Double>, alpha: Double = 1, beta: Double = 1) throws -> ContrastiveLossResult<Double> {
        try QAReLoss(method: method, alpha: alpha, beta: beta).forward(input: x)
    }

    @Test func d1AllCosinesPositive() throws {
        var r = try value(.qare, Self.d1)
        #expect(isApproximatelyEqual(r.loss, 4.01789144, absoluteTolerance: 0, relativeTolerance: 1e-8))
        #expect(firstMismatch(r.inputGradient.elements, [-0.1293107, 0.3563198, 0.5804672, -0.1596528, 0.4789584, 0.6367295, 0.4862574, -0.1794711, 0.4361511, 0.3074408, -0.1682104, 0.1461603, 0.4353945, 0.5518733, -0.1858057, 0.4984091, 0.3637599, -0.1616711], absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil)
        r = try value(.simclr, Self.d1)
        #expect(isApproximatelyEqual(r.loss, 0.897348575, absoluteTolerance: 0, relativeTolerance: 1e-8))
        #expect(firstMismatch(r.inputGradient.elements, [-0.04783151, 0.1163738, 0.2455675, -0.07720679, 0.2316204, 0.1802568, 0.1359562, -0.03271917, 0.0637452, 0.206329, -0.1779428, 0.2021769, 0.2486653, 0.08590549, -0.08319015, 0.04646434, 0.2983941, -0.1326196], absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil)
        r = try value(.simclrQARe, Self.d1)
        #expect(isApproximatelyEqual(r.loss, 4.91524001, absoluteTolerance: 0, relativeTolerance: 1e-8))
        #expect(firstMismatch(r.inputGradient.elements, [-0.1771422, 0.4726936, 0.8260347, -0.2368596, 0.7105787, 0.8169863, 0.6222135, -0.2121902, 0.4998963, 0.5137698, -0.3461533, 0.3483373, 0.6840598, 0.6377788, -0.2689958, 0.5448735, 0.662154, -0.2942907], absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil)
        #expect(isApproximatelyEqual(try value(.simclrQARe, Self.d1, beta: 0.5).loss, 2.90629429, absoluteTolerance: 0, relativeTolerance: 1e-8))
        r = try value(.sparseclr, Self.d1)
        #expect(isApproximatelyEqual(r.loss, 0.898859465, absoluteTolerance: 0, relativeTolerance: 5e-9))
        #expect(firstMismatch(r.inputGradient.elements, [-0.0317353, 0.0720142, 0.1733246, -0.06144303, 0.1843291, 0.10813, 0.1016475, -0.03165922, 0.07164822, 0.1678169, -0.1765642, 0.215376, 0.2063898, 0.08145609, -0.07006254, -0.01972897, 0.2905692, -0.1291419], absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil)
        r = try value(.sparseclrQARe, Self.d1)
        #expect(isApproximatelyEqual(r.loss, 4.9167509, absoluteTolerance: 0, relativeTolerance: 1e-8))
        #expect(firstMismatch(r.inputGradient.elements, [-0.161046, 0.428334, 0.7537918, -0.2210958, 0.6632874, 0.7448594, 0.5879049, -0.2111303, 0.5077993, 0.4752576, -0.3447746, 0.3615364, 0.6417842, 0.6333294, -0.2558682, 0.4786802, 0.6543291, -0.2908129], absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil)
        #expect(isApproximatelyEqual(try value(.sparseclrQARe, Self.d1, beta: 0.5).loss, 2.90780518, absoluteTolerance: 0, relativeTolerance: 1e-8))
    }

    @Test func d2ClampActive() throws {
        var r = try value(.qare, Self.d2)
        #expect(isApproximatelyEqual(r.loss, 2.65696846, absoluteTolerance: 0, relativeTolerance: 1e-8))
        let dq: [Double] = [0.02402856, -0.05704161, -0.1201428, -0.0493447, 0.06579294, -0.1285018, 0, 0, 0, 0.1134807, 0.09844354, -0.1066639, 0.1899849, 0.03064273, 0.02328847, 0, 0, 0, 0.2225579, -0.0494573, 0.1236433, -0.02472343, 0.1257579, 0.1562823]
        // Entries the original printed as "~0": allow 1e-9 absolute.
        #expect(firstMismatch(r.inputGradient.elements, dq, absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil, "\(r.inputGradient.elements)")
        #expect(isApproximatelyEqual(try value(.simclr, Self.d2).loss, 0.641906427, absoluteTolerance: 0, relativeTolerance: 1e-8))
        r = try value(.simclrQARe, Self.d2)
        #expect(isApproximatelyEqual(r.loss, 3.51257448, absoluteTolerance: 0, relativeTolerance: 1e-8))
        #expect(firstMismatch(r.inputGradient.elements, [0.02363487, -0.2424961, -0.1181743, -0.1635821, 0.2181095, -0.2963956, -0.05244444, -0.1038565, -0.005161854, 0.271681, 0.2244678, -0.1656567, 0.2048736, 0.05174951, 0.06252429, 0.09387646, 0.009065646, -0.03538737, 0.3045724, -0.07966237, 0.16065, -0.004065171, 0.2118181, 0.2932932], absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil)
        #expect(isApproximatelyEqual(try value(.simclrQARe, Self.d2, beta: 0.5).loss, 2.18409025, absoluteTolerance: 0, relativeTolerance: 1e-8))
        r = try value(.sparseclr, Self.d2)
        #expect(isApproximatelyEqual(r.loss, 0.685282664, absoluteTolerance: 0, relativeTolerance: 5e-9))
        #expect(firstMismatch(r.inputGradient.elements, [-0.001416797, -0.2454012, 0.007083987, -0.143652, 0.191536, -0.2247941, -0.01490274, -0.02234578, -0.03729855, 0.1496571, 0.1202753, -0.06425938, 0.06020927, 0.02035147, 0.02866109, 0.1228839, 0.0241346, -0.009518815, 0.1090197, -0.008247724, 0.07198002, -0.00270307, 0.1178739, 0.162861], absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil)
        r = try value(.sparseclrQARe, Self.d2)
        #expect(isApproximatelyEqual(r.loss, 3.40410976, absoluteTolerance: 0, relativeTolerance: 1e-8))
        #expect(firstMismatch(r.inputGradient.elements, [0.02734511, -0.238968, -0.1367256, -0.1763608, 0.2351477, -0.3560686, -0.04330027, -0.08574818, -0.004261838, 0.2494755, 0.2068085, -0.1576148, 0.2138418, 0.04887424, 0.05498013, 0.09908676, 0.01405955, -0.02387919, 0.3556355, -0.07986432, 0.1969794, 0.02314594, 0.2113336, 0.3143839], absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil)
        #expect(isApproximatelyEqual(try value(.sparseclrQARe, Self.d2, beta: 0.5).loss, 2.07562553, absoluteTolerance: 0, relativeTolerance: 1e-8))
    }

    /// Float input (cosines and their backward in float32, the terms in Double): every method on
    /// D1 and D2 within the float32 tolerance of docs/reference/contrastive-losses.md, "Shared conventions" (1e-5 relative + 1e-6 absolute) of the
    /// float64 golden losses, gradients likewise against the float64 gradients (except where a
    /// cosine sits on the clamp, below).
    @Test func floatInputMatchesTheGoldensWithinTheFloatTolerance() throws {
        let golden: [(QAReLoss.Method, Matrix<Double>, Double)] = [
            (.qare, Self.d1, 4.01789144), (.simclr, Self.d1, 0.897348575), (.simclrQARe, Self.d1, 4.91524001),
            (.sparseclr, Self.d1, 0.898859465), (.sparseclrQARe, Self.d1, 4.9167509),
            (.qare, Self.d2, 2.65696846), (.simclr, Self.d2, 0.641906427), (.simclrQARe, Self.d2, 3.51257448),
            (.sparseclr, Self.d2, 0.685282664), (.sparseclrQARe, Self.d2, 3.40410976),
        ]
        for (method, x, expected) in golden {
            let single = try QAReLoss(method: method).forward(input: x.converted(to: Float.self))
            let double = try value(method, x)
            #expect(isApproximatelyEqual(single.loss, expected, absoluteTolerance: 1e-6, relativeTolerance: 1e-5), "\(method)")
            // D2's rows 1 and 3 (same view) are orthogonal: their cosine is 0 in exact
            // arithmetic and sits on the QARe term's 1e-8 clamp; float32 and float64 round it to
            // different sides, so the methods with the QARe term take different (both valid)
            // subgradients there, as the original does in float32 vs float64. Their gradients
            // are compared for D1 only.
            let clampedCombination = method != .simclr && method != .sparseclr && x.rows == Self.d2.rows
            if !clampedCombination {
                #expect(firstMismatch(single.inputGradient.elements.map(Double.init), double.inputGradient.elements, absoluteTolerance: 1e-6, relativeTolerance: 1e-5) == nil, "\(method)")
            }
        }
    }

    /// Float and Double input agree on a batch whose rows span whole vectors and a tail of the
    /// Float kernels (SparseCLR's sparsemax rows, SimCLR's exponentials), for every method; the
    /// rows are shifted by 0.3 so that most cosines are positive and some are clamped.
    @Test func floatKernelsMatchDoubleOnALargerBatch() throws {
        var rng = RepeatableRandomNumberGenerator(seed: 41)
        let x = Matrix<Double>(rows: 74, columns: 9, elements: (0..<(74 * 9)).map { _ in rng.nextGaussian() + 0.3 })
        for method in QAReLoss.Method.allCases {
            let double = try QAReLoss(method: method).forward(input: x)
            let single = try QAReLoss(method: method).forward(input: x.converted(to: Float.self))
            #expect(isApproximatelyEqual(single.loss, double.loss, absoluteTolerance: 1e-6, relativeTolerance: 1e-5), "\(method)")
            let largest = double.inputGradient.elements.map(abs).max()!
            #expect(firstMismatch(single.inputGradient.elements.map(Double.init), double.inputGradient.elements, absoluteTolerance: 1e-4 * largest, relativeTolerance: 1e-3) == nil, "\(method)")
        }
    }

    /// SparseCLR's Float rows (threshold from a bound over the rows' lane maxima, then the
    /// candidates above it) against the Double rows (Michelot over the whole row) on batches
    /// where the support is a few entries of hundreds: centred Gaussian rows at the benchmark's
    /// dimension, shifted rows (most cosines positive, every clamp active for the QARe form),
    /// and rows repeated four times (ties in the scores).
    @Test(arguments: [(300, 128, 0.0, 1), (129, 64, 0.3, 1), (96, 32, 0.0, 4)])
    func sparsemaxRowsMatchOnLargeBatches(n: Int, d: Int, shift: Double, repeats: Int) throws {
        var rng = RepeatableRandomNumberGenerator(seed: UInt64(n + d))
        let distinct = (0..<(2 * n / repeats)).map { _ in (0..<d).map { _ in rng.nextGaussian() + shift } }
        let x = Matrix<Double>(rows: 2 * n, columns: d, elements: (0..<(2 * n)).flatMap { distinct[$0 % distinct.count] })
        for method in [QAReLoss.Method.sparseclr, .sparseclrQARe] {
            let double = try QAReLoss(method: method, beta: 0).forward(input: x)
            let single = try QAReLoss(method: method, beta: 0).forward(input: x.converted(to: Float.self))
            #expect(isApproximatelyEqual(single.loss, double.loss, absoluteTolerance: 1e-6, relativeTolerance: 1e-5), "\(method)")
            let largest = double.inputGradient.elements.map(abs).max()!
            #expect(firstMismatch(single.inputGradient.elements.map(Double.init), double.inputGradient.elements, absoluteTolerance: 1e-4 * largest, relativeTolerance: 1e-3) == nil, "\(method)")
        }
    }

    /// A batch large enough for the two decompositions to run concurrently (≥ 256 pairs) gives
    /// the spectral value computed directly from the two views' eigenvalues.
    @Test func concurrentDecompositionsGiveTheDirectSpectralValue() throws {
        var rng = RepeatableRandomNumberGenerator(seed: 21)
        let n = 300, d = 8
        let x = Matrix<Double>(rows: 2 * n, columns: d, elements: (0..<(2 * n * d)).map { _ in rng.nextGaussian() })
        let result = try QAReLoss(method: .qare).forward(input: x)
        var spectra = [[Double]]()
        for view in 0..<2 {
            let rows = x.selectingRows((0..<n).map { 2 * $0 + view })
            let (cosine, _, _) = try rows.cosineSimilarities()
            let shifted = Matrix(rows: n, columns: n, elements: cosine.elements.map { 1 + max($0, QAReLoss.similarityFloor) })
            spectra.append(try shifted.symmetricEigenDecomposition().values)
        }
        let expected = zip(spectra[0], spectra[1]).reduce(0) { $0 + $1.0 * $1.1 } / Double(n * (n - 1))
        #expect(isApproximatelyEqual(result.loss, expected, absoluteTolerance: 0, relativeTolerance: 1e-12))
        #expect(result.inputGradient.elements.allSatisfy { $0.isFinite })
        // A few gradient entries of each view by central differences (a swapped view or
        // spectrum would break them).
        let h = 1e-5
        for index in [0, 9, 2 * d + 3, 2 * d * (n - 1) + d + 5] {
            var p = x, m = x
            p.elements[index] += h
            m.elements[index] -= h
            let numeric = (try QAReLoss(method: .qare).forward(input: p).loss - QAReLoss(method: .qare).forward(input: m).loss) / (2 * h)
            #expect(isApproximatelyEqual(result.inputGradient.elements[index], numeric, absoluteTolerance: 1e-8, relativeTolerance: 1e-5))
        }
    }

    @Test func edgeCasesAndFiniteDifferences() throws {
        #expect(throws: LossError.shapeMismatch(what: "input", expected: "an even, positive number of rows (interleaved views)", actual: "3 rows")) {
            try QAReLoss(method: .sparseclr).forward(input: Matrix<Double>(rows: 3, columns: 2, repeating: 1))
        }
        #expect(throws: LossError.self) { try QAReLoss(method: .qare).forward(input: Matrix<Double>(rowArrays: [[1, 0], [0, 1]])) }
        // N = 1 SparseCLR: one entry in z, loss exactly 0 (docs/reference/contrastive-losses.md, "QARe, SimCLR and SparseCLR").
        #expect(try QAReLoss(method: .sparseclr).forward(input: Matrix<Double>(rowArrays: [[1, 0], [0.5, 1]])).loss == 0)
        var rng = RepeatableRandomNumberGenerator(seed: 12)
        let x = Matrix<Double>(rows: 6, columns: 3, elements: (0..<18).map { _ in rng.nextGaussian() })
        for method in QAReLoss.Method.allCases {
            let loss = try QAReLoss(method: method, alpha: 1, beta: 0.5)
            let r = try loss.forward(input: x)
            let h = 1e-6
            for i in 0..<18 {
                var p = x, m = x
                p.elements[i] += h
                m.elements[i] -= h
                let numeric = (try loss.forward(input: p).loss - loss.forward(input: m).loss) / (2 * h)
                #expect(isApproximatelyEqual(r.inputGradient.elements[i], numeric, absoluteTolerance: 1e-6, relativeTolerance: 1e-4), "\(method) \(i)")
            }
        }
    }
}
