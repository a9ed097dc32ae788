import LinearAlgebra
@testable import Losses
import TestSupport
import Testing

/// Every loss is called through `ContrastiveLoss.evaluate` with views in one layout; each
/// evaluation equals the loss's own entry point on the layout that entry point takes (the
/// golden tests check those), so the view conversions are what is tested here.
@Suite struct UnifiedLossAPITests {
    static func views(count: Int, n: Int = 6, d: Int = 4, seed: UInt64 = 3) -> [Matrix<Double>] {
        var rng = RepeatableRandomNumberGenerator(seed: seed)
        return (0..<count).map { _ in
            var m = Matrix<Double>(rows: n, columns: d)
            for i in 0..<n { for k in 0..<d { m[i, k] = rng.nextGaussian() } }
            return m.normalizedRows().normalized
        }
    }

    @Test func supConViewsAreStackedSampleMajor() throws {
        let views = Self.views(count: 3), labels = [0, 1, 0, 2, 1, 2]
        let loss = try SupConLoss(temperature: 0.1)
        let unified = try loss.evaluate(MultiViewBatch(views: views, labels: labels))
        var stacked = Matrix<Double>(rows: 18, columns: 4)
        for i in 0..<6 { for v in 0..<3 { for k in 0..<4 { stacked[i * 3 + v, k] = views[v][i, k] } } }
        let direct = try loss.forward(features: stacked, viewCount: 3, labels: labels)
        #expect(unified.loss == direct.loss)
        for i in 0..<6 { for v in 0..<3 { for k in 0..<4 { #expect(unified.viewGradients[v][i, k] == direct.inputGradient[i * 3 + v, k]) } } }
        // The sample-major helpers are each other's inverse.
        let batch = try MultiViewBatch(sampleMajorRows: stacked, viewCount: 3)
        #expect(batch.views.map(\.elements) == views.map(\.elements))
        #expect(MultiViewBatch.sampleMajorRows(of: views).elements == stacked.elements)
    }

    @Test func twoViewLossesTakeViewsInOrder() throws {
        let views = Self.views(count: 2)
        let ntxent = try NTXentLoss(temperature: 0.5)
        let a = try ntxent.evaluate(MultiViewBatch(views: views)), b = try ntxent.forward(view0: views[0], view1: views[1])
        #expect(a.loss == b.loss && a.viewGradients[0].elements == b.gradient0.elements && a.viewGradients[1].elements == b.gradient1.elements)
        let dcl = try DCLLoss(temperature: 0.1, sigma: 0.5)
        let c = try dcl.evaluate(MultiViewBatch(views: views)), e = try dcl.forward(view0: views[0], view1: views[1])
        #expect(c.loss == e.loss && c.viewGradients[1].elements == e.gradient1.elements)
        let qare = try QAReLoss(method: .sparseclrQARe, alpha: 1, beta: 0.5)
        let q = try qare.evaluate(MultiViewBatch(views: views))
        let interleaved = MultiViewBatch.sampleMajorRows(of: views)
        let r = try qare.forward(input: interleaved)
        #expect(q.loss == r.loss && MultiViewBatch.sampleMajorRows(of: q.viewGradients).elements == r.inputGradient.elements)
        #expect(throws: LossError.shapeMismatch(what: "NT-Xent views", expected: "2 views", actual: "3")) {
            try ntxent.evaluate(MultiViewBatch(views: Self.views(count: 3)))
        }
    }

    @Test func sigmoidLossNamesItsParameterGradients() throws {
        let views = Self.views(count: 2)
        let loss = try SigmoidContrastiveLoss(logScale: 1.2, bias: -3, alpha: 0.5, gamma: 0.7)
        let unified = try loss.evaluate(MultiViewBatch(views: views))
        let direct = try loss.forward(online: views[0], target: views[1], gamma: 0.7)
        #expect(unified.loss == direct.loss)
        #expect(unified.parameterGradients["logScale"] == [direct.logScaleGradient])
        #expect(unified.parameterGradients["bias"] == [direct.biasGradient])
        #expect(unified.diagnostics["invariance"] == direct.invariance)
        #expect(unified.viewGradients[1].elements == direct.targetGradients[0].elements)
        // With target views: online views first, every (t, o ≠ t) pair.
        let multi = try loss.evaluate(MultiViewBatch(views: views, targetViews: views))
        let directMulti = try loss.forward(online: views, target: views, gamma: 0.7)
        #expect(multi.loss == directMulti.loss && multi.targetViewGradients.count == 2)
        #expect(throws: LossError.invalidParameter(name: "gamma", value: "-1.0", reason: "must be ≥ 0")) {
            try SigmoidContrastiveLoss(gamma: -1)
        }
    }

    @Test func clocNeedsLabelsAndOneView() throws {
        let views = Self.views(count: 1)
        let loss = try OrdinalContrastiveLoss(classCount: 3, seed: 0)
        let labels = [0, 1, 2, 0, 1, 2]
        let unified = try loss.evaluate(MultiViewBatch(views[0], labels: labels))
        let direct = try loss.forward(embeddings: views[0], labels: labels)
        #expect(unified.loss == direct.loss && unified.parameterGradients["margins"] == direct.learnableMarginGradient)
        #expect(throws: LossError.invalidParameter(name: "labels", value: "nil", reason: "CLOC needs one class label per sample")) {
            try loss.evaluate(MultiViewBatch(views[0]))
        }
        #expect(throws: LossError.shapeMismatch(what: "labels", expected: "6 labels (one per sample)", actual: "2")) {
            try MultiViewBatch(views[0], labels: [0, 1])
        }
    }
}
