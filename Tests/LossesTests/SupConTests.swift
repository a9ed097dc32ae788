@testable import Losses
import LinearAlgebra
import TestSupport
import Testing

/// Golden examples C1–C3 of docs/reference/contrastive-losses.md, "SupCon and NT-Xent" (original SupConLoss at HEAD 66a8fe5 and lightly
/// 1.6.0 NTXentLoss, float64). Losses are printed with 9 significant digits (tolerance 1e-8
/// relative), gradients with 7 (2e-6 relative, 1e-9 absolute for the ~1e-5 entries).
@Suite struct SupConTests {
    static let raw: [[[Double]]] = [
        [[1.0, 0.2, -0.5], [0.9, 0.1, -0.3]], [[0.3, -1.2, 0.8], [0.5, -1.0, 0.6]], [[-0.7, 0.4, 1.1], [-0.2, 0.9, 0.7]], [[0.6, 0.6, 0.1], [0.2, 0.5, -0.4]],
    ]

    /// `[4·2, 3]`, row i·2 + v, each row normalised (the golden values were computed on raw/‖raw‖).
    static var features: Matrix<Double> {
        Matrix<Double>(rowArrays: raw.flatMap { $0 }).normalizedRows().normalized
    }

    /// Interleaves the original's dF[:,0] and dF[:,1] into the input layout.
    static func interleave(_ view0: [[Double]], _ view1: [[Double]]) -> [Double] {
        zip(view0, view1).flatMap { $0 + $1 }
    }

    @Test func c1AllModeWithLabels() throws {
        let r = try SupConLoss(temperature: 0.07).forward(features: Self.features, viewCount: 2, labels: [0, 1, 0, 2])
        #expect(isApproximatelyEqual(r.loss, 6.94643128, absoluteTolerance: 0, relativeTolerance: 1e-8))
        let expected = Self.interleave(
            [[3.683764, 0.008400083, -2.800185], [-4.569944e-05, 3.850696e-05, 5.170865e-05], [-2.578912, 1.499846, 2.325213], [0.5658286, -1.477695, 0.8924827]],
            [[3.414524, -0.2292278, -2.70904], [1.431671e-05, 2.279374e-05, -1.089554e-05], [-3.340088, 0.4001409, 2.807837], [-0.7664214, -1.459002, -0.6674901]])
        #expect(firstMismatch(r.inputGradient.elements, expected, absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil)
        // Float: the original's float32 value 6.94643068.
        let single = try SupConLoss(temperature: 0.07).forward(features: Self.features.converted(to: Float.self), viewCount: 2, labels: [0, 1, 0, 2])
        #expect(isApproximatelyEqual(single.loss, 6.94643068, absoluteTolerance: 0, relativeTolerance: 1e-6))
    }

    @Test func c1OneModeAndOtherTemperature() throws {
        let one = try SupConLoss(temperature: 0.07, contrastMode: .one).forward(features: Self.features, viewCount: 2, labels: [0, 1, 0, 2])
        #expect(isApproximatelyEqual(one.loss, 7.60951462, absoluteTolerance: 0, relativeTolerance: 1e-8))
        let expected = Self.interleave(
            [[4.515001, -0.4519054, -3.230629], [-8.171488e-05, 5.543606e-05, 0.0001163285], [-3.630742, 1.306846, 2.862315], [1.642737, -1.600577, 0.6619144]],
            [[3.627665, 1.047311, -1.807552], [-7.341669e-06, 1.808614e-05, 6.086969e-06], [-2.216284, 0.5424792, 2.45329], [-1.89108, -1.912713, -0.3332075]])
        #expect(firstMismatch(one.inputGradient.elements, expected, absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil)
        let warm = try SupConLoss(temperature: 0.1, baseTemperature: 0.07).forward(features: Self.features, viewCount: 2, labels: [0, 1, 0, 2])
        #expect(isApproximatelyEqual(warm.loss, 7.09171569, absoluteTolerance: 0, relativeTolerance: 1e-8))
    }

    /// An explicit mask equal to label equality gives the labels' loss and gradient, and a
    /// weighted mask scales the positives as given (checked against central differences).
    @Test func explicitMaskEqualsLabelsAndWeightsPositives() throws {
        let labels = [0, 1, 0, 2]
        let mask = Matrix<Double>(rows: 4, columns: 4, elements: (0..<16).map { labels[$0 / 4] == labels[$0 % 4] ? 1 : 0 })
        let loss = try SupConLoss(temperature: 0.1)
        let byLabels = try loss.forward(features: Self.features, viewCount: 2, labels: labels)
        let byMask = try loss.forward(features: Self.features, viewCount: 2, mask: mask)
        #expect(isApproximatelyEqual(byMask.loss, byLabels.loss, absoluteTolerance: 0, relativeTolerance: 1e-14))
        #expect(firstMismatch(byMask.inputGradient.elements, byLabels.inputGradient.elements, absoluteTolerance: 1e-14, relativeTolerance: 1e-12) == nil)
        var weighted = mask
        weighted[0, 2] = 0.5
        weighted[1, 3] = 0.25
        let r = try loss.forward(features: Self.features, viewCount: 2, mask: weighted)
        #expect(abs(r.loss - byLabels.loss) > 1e-6)
        let h = 1e-6
        for i in Self.features.elements.indices {
            var p = Self.features, m = Self.features
            p.elements[i] += h
            m.elements[i] -= h
            let numeric = (try loss.forward(features: p, viewCount: 2, mask: weighted).loss - loss.forward(features: m, viewCount: 2, mask: weighted).loss) / (2 * h)
            #expect(isApproximatelyEqual(r.inputGradient.elements[i], numeric, absoluteTolerance: 1e-7, relativeTolerance: 1e-5))
        }
    }

    @Test func c2SimCLRCaseEqualsNTXent() throws {
        let r = try SupConLoss(temperature: 0.5, baseTemperature: 0.5).forward(features: Self.features, viewCount: 2)
        #expect(isApproximatelyEqual(r.loss, 0.845553784, absoluteTolerance: 0, relativeTolerance: 1e-8))
        let expected = Self.interleave(
            [[-0.1442732, 0.1169668, 0.08064483], [-0.04136313, 0.2090111, -0.04842192], [0.1241506, -0.2328487, -0.1107695], [0.08263521, -0.1852672, 0.2434258]],
            [[-0.125865, 0.06435078, 0.1432763], [0.03140764, 0.2153208, -0.08678368], [0.2667316, 0.0135881, -0.2173316], [-0.06694076, -0.1875, -0.07032671]])
        #expect(firstMismatch(r.inputGradient.elements, expected, absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil)
        // lightly NTXentLoss(T = 0.5) on the raw views.
        let view0 = Matrix<Double>(rowArrays: Self.raw.map { $0[0] }), view1 = Matrix<Double>(rowArrays: Self.raw.map { $0[1] })
        let nt = try NTXentLoss(temperature: 0.5).forward(view0: view0, view1: view1)
        #expect(isApproximatelyEqual(nt.loss, 0.845553784, absoluteTolerance: 0, relativeTolerance: 1e-8))
        let d0: [Double] = [-0.01700169, 0.1249883, 0.01599193, 0.0002596296, 0.02853095, 0.04269906, 0.007725082, -0.1231292, 0.04969022, 0.1325381, -0.1810179, 0.2908785]
        let d1: [Double] = [0.02339232, 0.08471736, 0.09841609, 0.08635433, 0.04649327, 0.005526848, 0.2055043, 0.1238635, -0.1005375, -0.0474439, -0.1486447, -0.2095279]
        #expect(firstMismatch(nt.gradient0.elements, d0, absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil)
        #expect(firstMismatch(nt.gradient1.elements, d1, absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil)
    }

    @Test func c3AnchorsWithoutPositivesCountAsZero() throws {
        let view0 = Matrix<Double>(rowArrays: Self.raw.map { $0[0] }).normalizedRows().normalized
        let r = try SupConLoss(temperature: 0.07).forward(features: view0, viewCount: 1, labels: [0, 1, 1, 2])
        #expect(isApproximatelyEqual(r.loss, 0.0299137994, absoluteTolerance: 0, relativeTolerance: 1e-8))
        let expected: [Double] = [0.01016479, -0.04068938, 0.02714345, 0.256948, -0.1074696, -0.3506469, 0.1649898, 0.5806257, -0.1803358, -0.1803351, 0.09961431, 0.287629]
        #expect(firstMismatch(r.inputGradient.elements, expected, absoluteTolerance: 1e-9, relativeTolerance: 2e-6) == nil)
    }

    @Test func gradientsMatchCentralDifferencesAndBadInputIsRejected() throws {
        var rng = RepeatableRandomNumberGenerator(seed: 21)
        let x = Matrix<Double>(rows: 6, columns: 3, elements: (0..<18).map { _ in rng.nextGaussian() })
        let loss = try SupConLoss(temperature: 0.3)
        let r = try loss.forward(features: x, viewCount: 2, labels: [0, 1, 0])
        let h = 1e-6
        for i in 0..<18 {
            var p = x, m = x
            p.elements[i] += h
            m.elements[i] -= h
            let numeric = (try loss.forward(features: p, viewCount: 2, labels: [0, 1, 0]).loss - loss.forward(features: m, viewCount: 2, labels: [0, 1, 0]).loss) / (2 * h)
            #expect(isApproximatelyEqual(r.inputGradient.elements[i], numeric, absoluteTolerance: 1e-7, relativeTolerance: 1e-5))
        }
        #expect(throws: LossError.invalidParameter(name: "temperature", value: "-1.0", reason: "must be a positive finite number")) { try SupConLoss(temperature: -1) }
        #expect(throws: LossError.shapeMismatch(what: "labels", expected: "3 labels", actual: "2")) { try loss.forward(features: x, viewCount: 2, labels: [0, 1]) }
        #expect(throws: LossError.shapeMismatch(what: "features", expected: "a multiple of 4 rows ([bsz, views, dim])", actual: "6 rows")) { try loss.forward(features: x, viewCount: 4) }
        #expect(throws: LossError.self) { try loss.forward(features: Matrix<Double>(rowArrays: [[1, 0]]), viewCount: 1) }
    }
}
