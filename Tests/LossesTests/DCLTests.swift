@testable import Losses
import LinearAlgebra
import TestSupport
import Testing

/// Golden examples B1–B2 of docs/reference/contrastive-losses.md, "DCL and DCLW" (nidl 0.0.2 and lightly 1.6.0, float64). Losses to
/// 1e-8 relative (9 digits printed), gradients to 2e-6 relative (7 digits).
@Suite struct DCLTests {
    static let b1 = (Matrix<Double>(rowArrays: [[1.0, 0.2, -0.5], [0.3, -1.2, 0.8], [-0.7, 0.4, 1.1]]), Matrix<Double>(rowArrays: [[0.9, 0.1, -0.3], [0.5, -1.0, 0.6], [-0.2, 0.9, 0.7]]))
    static let b2 = (Matrix<Double>(rowArrays: [[1, 0], [0, 1], [-1, 0.5], [0.3, -0.8]]), Matrix<Double>(rowArrays: [[0.8, 0.3], [0.4, 0.9], [-0.9, -0.2], [0.6, -0.6]]))

    private func check(_ r: (loss: Double, gradient0: Matrix<Double>, gradient1: Matrix<Double>), loss: Double, d0: [Double], d1: [Double]) {
        #expect(isApproximatelyEqual(r.loss, loss, absoluteTolerance: 0, relativeTolerance: 1e-8), "\(r.loss)")
        #expect(firstMismatch(r.gradient0.elements, d0, absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil, "\(r.gradient0.elements)")
        #expect(firstMismatch(r.gradient1.elements, d1, absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil, "\(r.gradient1.elements)")
    }

    @Test func b1() throws {
        let (z1, z2) = Self.b1
        check(try DCLLoss(temperature: 0.1).forward(view0: z1, view1: z2), loss: -8.55869676,
            d0: [0.4968227, -0.6740678, 0.7240184, -0.9743664, 0.778722, 1.53347, 0.03813613, -3.246368, 1.204766],
            d1: [1.088023, -2.328386, 2.487942, 3.314554, 0.9625349, -1.157903, 2.128986, 1.117659, -0.8287089])
        check(try DCLLoss(temperature: 0.1, sigma: 0.5, detachesWeights: false).forward(view0: z1, view1: z2), loss: -8.42555088,
            d0: [0.5476612, -0.7215542, 0.8067006, -0.8886241, 0.7828812, 1.507556, -0.2135748, -3.814057, 1.251018],
            d1: [1.04605, -2.268989, 2.38182, 3.221411, 0.940543, -1.116938, 2.591235, 1.527871, -1.224053])
        check(try DCLLoss(temperature: 0.1, sigma: 0.5).forward(view0: z1, view1: z2), loss: -8.42555088,
            d0: [0.5230594, -0.6985745, 0.766689, -0.92945, 0.7809008, 1.519895, -0.09265473, -3.541343, 1.228799],
            d1: [1.066362, -2.297732, 2.433175, 3.265761, 0.9510144, -1.136443, 2.369174, 1.330809, -1.034133])
        let single = try DCLLoss(temperature: 0.1).forward(view0: z1.converted(to: Float.self), view1: z2.converted(to: Float.self))
        #expect(isApproximatelyEqual(single.loss, -8.55869675, absoluteTolerance: 1e-6, relativeTolerance: 1e-5))
    }

    @Test func b2() throws {
        let (z1, z2) = Self.b2
        check(try DCLLoss(temperature: 0.5).forward(view0: z1, view1: z2), loss: 0.0298104917,
            d0: [0, -0.321697, -0.3025704, 0, 0.2480395, 0.496079, -0.09810609, -0.03678978],
            d1: [-0.1112249, 0.2965998, 0.3630151, -0.16134, 0.08340188, -0.3753085, 0.4124095, 0.4124095])
        check(try DCLLoss(temperature: 0.5, sigma: 0.2, detachesWeights: false).forward(view0: z1, view1: z2), loss: 0.0628467078,
            d0: [0, -0.2403388, -0.2654806, 0, 0.3476382, 0.6952763, -0.0655325, -0.02457469],
            d1: [-0.07779001, 0.20744, 0.3286019, -0.1460453, 0.1419893, -0.638952, 0.38764, 0.38764])
        check(try DCLLoss(temperature: 0.5, sigma: 0.2).forward(view0: z1, view1: z2), loss: 0.0628467078,
            d0: [0, -0.2792119, -0.2802844, 0, 0.3038514, 0.6077028, -0.07751934, -0.02906975],
            d1: [-0.09376528, 0.2500407, 0.3423373, -0.1521499, 0.1162324, -0.5230459, 0.396755, 0.396755])
    }

    @Test func edgeCasesAndFiniteDifferences() throws {
        #expect(throws: LossError.self) { try DCLLoss().forward(view0: Matrix<Double>(rowArrays: [[1, 0]]), view1: Matrix<Double>(rowArrays: [[0, 1]])) }
        #expect(throws: LossError.invalidParameter(name: "temperature", value: "-0.1", reason: "must be a positive finite number")) { try DCLLoss(temperature: -0.1) }
        var rng = RepeatableRandomNumberGenerator(seed: 8)
        let a = Matrix<Double>(rows: 4, columns: 3, elements: (0..<12).map { _ in rng.nextGaussian() })
        let b = Matrix<Double>(rows: 4, columns: 3, elements: (0..<12).map { _ in rng.nextGaussian() })
        // nidl's differentiated weights, and DCL at T = 0.02 (2/T > 80: the softmax takes row
        // shifts instead of one shared shift). lightly's detached weights are not the loss's
        // derivative, so B1/B2 check those.
        for loss in [try DCLLoss(temperature: 0.3, sigma: 0.5, detachesWeights: false), try DCLLoss(temperature: 0.02)] {
            let r = try loss.forward(view0: a, view1: b)
            let h = 1e-6
            for i in 0..<12 {
                var p = a, m = a
                p.elements[i] += h
                m.elements[i] -= h
                let numeric0 = (try loss.forward(view0: p, view1: b).loss - loss.forward(view0: m, view1: b).loss) / (2 * h)
                #expect(isApproximatelyEqual(r.gradient0.elements[i], numeric0, absoluteTolerance: 1e-7, relativeTolerance: 1e-5))
                p = b
                m = b
                p.elements[i] += h
                m.elements[i] -= h
                let numeric1 = (try loss.forward(view0: a, view1: p).loss - loss.forward(view0: a, view1: m).loss) / (2 * h)
                #expect(isApproximatelyEqual(r.gradient1.elements[i], numeric1, absoluteTolerance: 1e-7, relativeTolerance: 1e-5))
            }
        }
    }
}
