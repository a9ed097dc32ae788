import Foundation
@testable import Losses
import LinearAlgebra
import ScalarLogging
import TensorBoard
import TestSupport
import Testing

/// The direct triple sum of docs/reference/cloc.md, "Forward" with the analytic gradient of "Gradients", as a reference.
private func naiveCLOC(x: Matrix<Double>, t: [Int], theta: [Double], classCount c: Int, single: Bool, pairMean: Bool = false)
    -> (loss: Double, grad: [Double], thetaGrad: [Double])
{
    let n = x.rows, d = x.columns
    let delta = theta.map { $0 > 20 ? $0 : log1p(exp($0)) }
    var pos = [Double](repeating: 0, count: c)
    for k in 1..<max(1, c) { pos[k] = pos[k - 1] + (single ? delta[0] : delta[k - 1]) }
    var u = x
    var norms = [Double](repeating: 0, count: n)
    for i in 0..<n {
        norms[i] = max((0..<d).map { x[i, $0] * x[i, $0] }.reduce(0, +).squareRoot(), 1e-8)
        for k in 0..<d { u[i, k] = x[i, k] / norms[i] }
    }
    var s = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for a in 0..<n { for b in 0..<n { s[a][b] = (0..<d).map { u[a, $0] * u[b, $0] }.reduce(0, +) } }
    var g = s.map { $0.map { _ in 0.0 } }
    var loss = 0.0
    var dDelta = [Double](repeating: 0, count: theta.count)
    for a in 0..<n {
        let positives = (0..<n).filter { $0 != a && t[$0] == t[a] }
        let negatives = (0..<n).filter { t[$0] != t[a] }
        guard !positives.isEmpty, !negatives.isEmpty else { continue }
        let w = 1 / (Double(n) * Double(positives.count) * Double(negatives.count) * (pairMean ? 1 : Double(negatives.count)))
        for p in positives {
            for q in negatives {
                let z = s[a][q] - s[a][p] + abs(pos[t[a]] - pos[t[q]])
                if z > 0 {
                    loss += w * z
                    g[a][q] += w
                    g[a][p] -= w
                    if single { dDelta[0] += w * Double(abs(t[a] - t[q])) } else { for k in min(t[a], t[q])..<max(t[a], t[q]) { dDelta[k] += w } }
                }
            }
        }
    }
    var grad = [Double](repeating: 0, count: n * d)
    for i in 0..<n {
        var gu = [Double](repeating: 0, count: d)
        for b in 0..<n { for k in 0..<d { gu[k] += (g[i][b] + g[b][i]) * u[b, k] } }
        let dot = (0..<d).map { gu[$0] * u[i, $0] }.reduce(0, +)
        let unclamped = (0..<d).map { x[i, $0] * x[i, $0] }.reduce(0, +).squareRoot() > 1e-8
        for k in 0..<d { grad[i * d + k] = unclamped ? (gu[k] - dot * u[i, k]) / norms[i] : gu[k] / 1e-8 }
    }
    let thetaGrad = zip(dDelta, theta).map { $0 * ($1 > 20 ? 1 : 1 / (1 + exp(-$1))) }
    return (loss, grad, thetaGrad)
}

@Suite struct CLOCPropertyTests {
    static let cases: [(seed: UInt64, n: Int, d: Int, c: Int, single: Bool, ties: Bool)] = [
        (1, 1, 3, 3, false, false), (2, 5, 1, 2, false, false), (3, 12, 4, 5, false, true), (4, 16, 8, 4, true, true),
        (5, 33, 5, 6, false, false), (6, 64, 16, 5, false, true), (7, 64, 3, 3, true, false), (8, 20, 2, 7, false, true),
    ]

    @Test(arguments: cases)
    func sortBasedEvaluationEqualsTheTripleSum(seed: UInt64, n: Int, d: Int, c: Int, single: Bool, ties: Bool) throws {
        var rng = RepeatableRandomNumberGenerator(seed: seed)
        // With ties: features from a 3-value grid, so many similarities (and hinges) coincide.
        let values = (0..<(n * d)).map { _ in ties ? Double(Int.random(in: -1...1, using: &rng)) : rng.nextGaussian() }
        let x = Matrix(rows: n, columns: d, elements: values)
        let t = (0..<n).map { _ in Int.random(in: 0..<c, using: &rng) }
        let marginCount = single ? 1 : c - 1
        let theta = (0..<marginCount).map { _ in ties ? 0.5413248546129181 : Double.random(in: -2...1, using: &rng) }
        for pairMean in [false, true] {
            var loss = try OrdinalContrastiveLoss(classCount: c, variant: single ? .singleMargin : .multiMargin, reduction: pairMean ? .pairMean : .original)
            loss.rawMargins = theta
            let r = try loss.forward(embeddings: x, labels: t)
            var reference = naiveCLOC(x: x, t: t, theta: theta, classCount: c, single: single, pairMean: pairMean)
            if single {
                // The single-margin variant rounds δ through float32 like the original; compare
                // with the reference evaluated at that δ.
                let f = Float(theta[0])
                let deltaSingle = Double(Float.logarithm(onePlus: Float.exponential(f)))
                let thetaForDelta = log(expm1(deltaSingle))
                let adjusted = naiveCLOC(x: x, t: t, theta: [thetaForDelta], classCount: c, single: true, pairMean: pairMean)
                reference.loss = adjusted.loss
                reference.grad = adjusted.grad
                reference.thetaGrad = adjusted.thetaGrad.map { $0 / (1 / (1 + exp(-thetaForDelta))) * (1 / (1 + exp(-theta[0]))) }
            }
            // Same sums in a different order: agreement to Double round-off.
            #expect(isApproximatelyEqual(r.loss, reference.loss, absoluteTolerance: 1e-14, relativeTolerance: 1e-11))
            #expect(firstMismatch(r.embeddingGradient.elements, reference.grad, absoluteTolerance: 1e-12, relativeTolerance: 1e-9) == nil)
            #expect(firstMismatch(r.allMarginGradient, reference.thetaGrad, absoluteTolerance: 1e-13, relativeTolerance: 1e-9) == nil)
        }
    }

    @Test(arguments: [UInt64(11), 12, 13])
    func gradientsMatchCentralDifferences(seed: UInt64) throws {
        var rng = RepeatableRandomNumberGenerator(seed: seed)
        let n = 10, d = 4, c = 4
        let x = Matrix(rows: n, columns: d, elements: (0..<(n * d)).map { _ in rng.nextGaussian() })
        let t = (0..<n).map { _ in Int.random(in: 0..<c, using: &rng) }
        var loss = try OrdinalContrastiveLoss(classCount: c, map: LearnableMap([.learnable(0.3), .fixed(0.6), .learnable(0.9)]))
        let r = try loss.forward(embeddings: x, labels: t)
        let h = 1e-6
        for index in 0..<(n * d) {
            var plus = x, minus = x
            plus.elements[index] += h
            minus.elements[index] -= h
            let numeric = (try loss.forward(embeddings: plus, labels: t).loss - loss.forward(embeddings: minus, labels: t).loss) / (2 * h)
            // Hinge kinks are measure-zero for Gaussian inputs; central differences ~1e-10.
            #expect(isApproximatelyEqual(r.embeddingGradient.elements[index], numeric, absoluteTolerance: 1e-8, relativeTolerance: 1e-5))
        }
        let base = loss.learnableParameters
        for k in base.indices {
            var p = base, m = base
            p[k] += h
            m[k] -= h
            loss.learnableParameters = p
            let up = try loss.forward(embeddings: x, labels: t).loss
            loss.learnableParameters = m
            let down = try loss.forward(embeddings: x, labels: t).loss
            #expect(isApproximatelyEqual(r.learnableMarginGradient[k], (up - down) / (2 * h), absoluteTolerance: 1e-8, relativeTolerance: 1e-5))
        }
        #expect(r.learnableMarginGradient.count == 2)
    }

    @Test func edgeCasesFollowTheSpecTable() throws {
        var loss = try OrdinalContrastiveLoss(classCount: 3, map: LearnableMap.fixed([0.5, 0.5]))
        let x = Matrix<Double>(rowArrays: [[1, 0], [0, 1], [1, 1]])
        // All labels distinct: no positives anywhere → 0 and zero gradients.
        var r = try loss.forward(embeddings: x, labels: [0, 1, 2])
        #expect(r.loss == 0 && r.embeddingGradient.elements.allSatisfy { $0 == 0 } && r.allMarginGradient == [0, 0])
        // All one label: no negatives → 0.
        r = try loss.forward(embeddings: x, labels: [1, 1, 1])
        #expect(r.loss == 0 && r.embeddingGradient.elements.allSatisfy { $0 == 0 })
        // N = 1 → 0.
        #expect(try loss.forward(embeddings: Matrix<Double>(rowArrays: [[1, 2]]), labels: [0]).loss == 0)
        // Zero vector: finite, large gradient of order 1/eps, no NaN.
        r = try loss.forward(embeddings: Matrix<Double>(rowArrays: [[0, 0], [1, 0], [0.9, 0.1], [-1, 0]]), labels: [0, 0, 1, 2])
        #expect(r.embeddingGradient.elements.allSatisfy { $0.isFinite })
        // One class: no margins, loss 0.
        let one = try OrdinalContrastiveLoss(classCount: 1)
        #expect(one.rawMargins.isEmpty && one.marginTags.isEmpty)
        #expect(try one.forward(embeddings: x, labels: [0, 0, 0]).loss == 0)
        // Margin 0: θ = −∞, δ = 0, gradient 0.
        loss = try OrdinalContrastiveLoss(classCount: 2, map: LearnableMap([.learnable(0)]))
        #expect(loss.rawMargins == [-.infinity] && loss.margins == [0])
        r = try loss.forward(embeddings: x, labels: [0, 0, 1])
        #expect(r.learnableMarginGradient == [0])
        // Float32 margins > 20 are the identity of softplus.
        loss = try OrdinalContrastiveLoss(classCount: 2, map: LearnableMap([.fixed(25)]))
        #expect(loss.margins == [25])
    }

    @Test func badInputGetsClearErrors() throws {
        let loss = try OrdinalContrastiveLoss(classCount: 3, map: LearnableMap.fixed([0.5, 0.5]))
        let x = Matrix<Double>(rowArrays: [[1, 0], [0, 1]])
        #expect(throws: LossError.labelOutOfRange(index: 1, label: 3, classCount: 3)) { try loss.forward(embeddings: x, labels: [0, 3]) }
        #expect(throws: LossError.labelOutOfRange(index: 0, label: -1, classCount: 3)) { try loss.forward(embeddings: x, labels: [-1, 0]) }
        #expect(throws: LossError.shapeMismatch(what: "labels", expected: "2 labels (one per row)", actual: "3")) { try loss.forward(embeddings: x, labels: [0, 1, 2]) }
        #expect(throws: LossError.emptyBatch) { try loss.forward(embeddings: Matrix<Double>(rows: 0, columns: 2), labels: []) }
        #expect(throws: LossError.nonFiniteInput(what: "embeddings", index: 1)) { try loss.forward(embeddings: Matrix<Double>(rowArrays: [[1, .nan]]), labels: [0]) }
        #expect(throws: LossError.invalidMap("has 1 entries; the multi-margin loss with 3 classes needs 2")) {
            try OrdinalContrastiveLoss(classCount: 3, map: LearnableMap.fixed([0.5]))
        }
        #expect(throws: LossError.invalidMap("has 2 entries; the single-margin loss needs 1")) {
            try OrdinalContrastiveLoss(classCount: 3, variant: .singleMargin, map: LearnableMap.fixed([0.5, 0.5]))
        }
        #expect(throws: LossError.invalidMap("entry 0 has margin -0.1; margins must be finite and ≥ 0")) { try LearnableMap.fixed([-0.1]) }
        #expect(throws: LossError.invalidMap("entry 1 has margin inf; margins must be finite and ≥ 0")) { try LearnableMap(parsing: "[['fixed', 1], ['fixed', inf]]") }
        #expect(throws: LossError.invalidMap("entry 0: unknown mode 'frozen'; use 'learnable' or 'fixed'")) { try LearnableMap(parsing: "[['frozen', 0.1]]") }
        #expect(throws: LossError.invalidMap("entry 0: a fixed margin needs a value, not null/None")) { try LearnableMap(parsing: "[[\"fixed\", null]]") }
        #expect(throws: LossError.invalidParameter(name: "classCount", value: "0", reason: "need at least one class")) { try OrdinalContrastiveLoss(classCount: 0) }
        #expect(LossError.labelOutOfRange(index: 1, label: 3, classCount: 3).description == "label 3 at index 1 is outside 0..<3; labels must be class indices 0...2")
    }

    @Test func mapTextFormsRoundTrip() throws {
        let map = try LearnableMap([.fixed(0.12), .learnable(nil), .learnable(0.8), .fixed(0)])
        #expect(map.jsonText == "[[\"fixed\", 0.12], [\"learnable\", null], [\"learnable\", 0.8], [\"fixed\", 0.0]]")
        #expect(map.pythonText == "[['fixed', 0.12], ['learnable', None], ['learnable', 0.8], ['fixed', 0.0]]")
        #expect(try LearnableMap(parsing: map.jsonText) == map)
        #expect(try LearnableMap(parsing: map.pythonText) == map)
        #expect(try LearnableMap(parsing: " [ [ 'fixed' , 1e-3 ] ,[\"learnable\",None] ] ") == LearnableMap([.fixed(0.001), .learnable(nil)]))
        // A float32 value prints as its shortest float32 decimal (what extract-margins emits).
        #expect(try LearnableMap.fixed([Double(Float(0.12))]).jsonText == "[[\"fixed\", 0.12]]")
    }

    @Test func phaseTwoLossFromAnExtractedMapKeepsTheMarginsFixed() throws {
        var phaseOne = try OrdinalContrastiveLoss(classCount: 4, seed: 3)
        phaseOne.learnableParameters = phaseOne.learnableParameters.map { $0 + 0.1 }
        let printed = try LearnableMap.fixed(phaseOne.margins.map { Double(Float($0)) }).jsonText
        let phaseTwo = try OrdinalContrastiveLoss(classCount: 4, map: LearnableMap(parsing: printed))
        #expect(phaseTwo.learnableParameters.isEmpty)
        #expect(firstMismatch(phaseTwo.margins, phaseOne.margins, absoluteTolerance: 0, relativeTolerance: 1e-6) == nil)
        let r = try phaseTwo.forward(embeddings: Matrix<Double>(rowArrays: [[1, 0], [0.9, 0.2], [0, 1], [-1, 0]]), labels: [0, 0, 1, 3])
        #expect(r.learnableMarginGradient.isEmpty && r.allMarginGradient.count == 3)
    }

    @Test func hookOutputReadsBackFromEventFiles() throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory)
            let loss = try OrdinalContrastiveLoss(classCount: 3, map: LearnableMap([.fixed(0.2), .learnable(0.5)]), logger: writer, tagPrefix: "cloc/")
            let x = Matrix<Float>(rowArrays: [[1, 0], [0.8, 0.6], [0, 1], [-1, 0]])
            for step in 0..<3 { _ = try loss.forward(embeddings: x, labels: [0, 0, 1, 2], step: step) }
            _ = try loss.forward(embeddings: x, labels: [0, 0, 1, 2])  // no step: nothing logged
            try writer.close()
            let reader = try LogdirReader(path: directory)
            let series = try reader.scalars(in: reader.runs[0])
            #expect(Set(series.keys) == ["cloc/C0-C1", "cloc/C1-C2"])
            #expect(series["cloc/C0-C1"]?.map(\.step) == [0, 1, 2])
            #expect(series["cloc/C1-C2"]?.map(\.value) == Array(repeating: Double(Float(loss.margins[1])), count: 3))
            var layouts = [CustomScalarLayout]()
            try EventFileReader(path: reader.runs[0].eventFiles[0]).forEachEvent { event in
                guard case .summary(let values) = event.content, values[0].tag == SummaryWriter.customScalarsTag,
                    case .tensor(let tensor) = values[0].value, let bytes = tensor.stringValues?.first,
                    let layout = CustomScalarLayoutEncoding.decode(bytes)
                else { return }
                layouts.append(layout)
            }
            #expect(layouts.count == 1)
            #expect(layouts.first?.categories.first?.charts.first?.content == .multiline(tags: ["cloc/C0-C1", "cloc/C1-C2"]))
        }
    }
}
