@testable import Losses
import LinearAlgebra
import TestSupport
import Testing

/// Every loss of the family logs its value (and its own diagnostics) at a step, under the
/// caller's prefix, with the value it returns; nothing is logged without a step.
@Suite struct LossLoggingTests {
    static let view0 = Matrix<Double>(rowArrays: [[1, 0.2, 0.1], [0.1, 1, 0.3], [0.3, 0.1, 1], [0.5, 0.5, 0]])
    static let view1 = Matrix<Double>(rowArrays: [[0.9, 0.3, 0], [0.2, 0.8, 0.5], [0, 0.4, 0.9], [0.4, 0.6, 0.1]])

    @Test func eachLossLogsItsValueAndDiagnosticsAtTheStep() throws {
        let logger = InMemoryScalarLogger()
        let features = Matrix(rows: 8, columns: 3, elements: SupConTests.interleave(
            (0..<4).map { Array(Self.view0.row($0)) }, (0..<4).map { Array(Self.view1.row($0)) })).normalizedRows().normalized
        let all = try SupConLoss(temperature: 0.5, logger: logger, tagPrefix: "a/").forward(features: features, viewCount: 2, labels: [0, 1, 0, 1], step: 3)
        let one = try SupConLoss(temperature: 0.5, contrastMode: .one, logger: logger, tagPrefix: "b/").forward(features: features, viewCount: 2, step: 3)
        let ntxent = try NTXentLoss(logger: logger, tagPrefix: "c/").forward(view0: Self.view0, view1: Self.view1, step: 4)
        let dclw = try DCLLoss(sigma: 0.5, logger: logger, tagPrefix: "d/").forward(view0: Self.view0, view1: Self.view1, step: 5)
        let sigmoid = try SigmoidContrastiveLoss(alpha: 1, logger: logger, tagPrefix: "e/").forward(online: Self.view0, target: Self.view1, gamma: 0.5, step: 6)
        let interleaved = Matrix(rows: 8, columns: 3, elements: (0..<4).flatMap { Array(Self.view0.row($0)) + Array(Self.view1.row($0)) })
        let qare = try QAReLoss(method: .simclrQARe, logger: logger, tagPrefix: "f/").forward(input: interleaved, step: 7)
        _ = try NTXentLoss(logger: logger, tagPrefix: "never/").forward(view0: Self.view0, view1: Self.view1)
        let logged = Dictionary(uniqueKeysWithValues: logger.scalars.map { ($0.tag, ($0.value, $0.step)) })
        #expect(logged["a/loss"]! == (all.loss, 3) && logged["b/loss"]! == (one.loss, 3))
        #expect(logged["c/loss"]! == (ntxent.loss, 4))
        #expect(logged["d/loss"]! == (dclw.loss, 5) && logged["d/min_weight"]!.1 == 5 && logged["d/min_weight"]!.0 < 1)
        #expect(logged["e/total"]! == (sigmoid.loss, 6) && logged["e/kl"]! == (sigmoid.invariance, 6) && logged["e/gamma"]! == (0.5, 6))
        #expect(logged["e/bias"]! == (-5, 6) && abs(logged["e/scale"]!.0 - 5) < 1e-12)
        #expect(logged["f/loss"]! == (qare.loss, 7) && logged["f/qare"]!.1 == 7)
        #expect(!logged.keys.contains { $0.hasPrefix("never/") })
    }
}

/// NT-Xent and DCL reject NaN and ∞ like the other losses (the originals return NaN).
@Suite struct NonFiniteViewTests {
    @Test func ntxentAndDCLNameTheViewAndIndex() throws {
        var bad = LossLoggingTests.view1
        bad.elements[5] = .nan
        #expect(throws: LossError.nonFiniteInput(what: "view1", index: 5)) { try NTXentLoss().forward(view0: LossLoggingTests.view0, view1: bad) }
        var infinite = LossLoggingTests.view0.converted(to: Float.self)
        infinite.elements[2] = .infinity
        #expect(throws: LossError.nonFiniteInput(what: "view0", index: 2)) {
            try DCLLoss(sigma: 0.5).forward(view0: infinite, view1: LossLoggingTests.view1.converted(to: Float.self))
        }
    }
}
