// Forward + backward time of the contrastive-loss family (issue 6). Run:
//   swift run -c release --package-path Benchmarks losses
// Problems: batch N ∈ {256, 1024}, dim 128, Float input, random Gaussian rows (two views where
// the loss takes two; SupCon [N, 2, 128] with 10 labels). Printed next to each: the time OpenBLAS
// alone (sgemm) needs for the loss's N×N×D products at the same sizes: one similarity product
// [M, D]·[D, M] and two gradient products [M, M]·[M, D] with M the number of rows compared
// (2N for two-view losses, N for one pair of the sigmoid loss), the better of OpenBLAS's own
// threading and the package's row-blocked products. Best of 9 (N = 256) or 5 (N = 1024).
import Dispatch
import Losses
import Numerics

func gaussian(_ rows: Int, _ columns: Int, seed: UInt64 = 5) -> Matrix<Float> {
    var generator = SeededGenerator(seed: seed &+ UInt64(rows * 31 + columns))
    return Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in
        let u1 = Float.random(in: Float.ulpOfOne..<1, using: &generator), u2 = Float.random(in: 0..<1, using: &generator)
        return (-2 * Float.log(u1)).squareRoot() * Float.cos(2 * Float.pi * u2)
    })
}

func best(_ repetitions: Int = 5, _ body: () throws -> Void) rethrows -> Double {
    var result = Double.infinity
    for _ in 0..<repetitions {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        result = min(result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return result
}

/// sgemm time of one [m, d]·[d, m] product and two [m, m]·[m, d] products: the better of
/// OpenBLAS's own threading (direct `Float.gemm` calls) and the package's row-blocked products
/// (`Matrix.product`), so the reference is the fastest way OpenBLAS does them here.
func gemmReference(rows m: Int, dim d: Int) throws -> Double {
    let a = gaussian(m, d), g = gaussian(m, m)
    var c1 = [Float](repeating: 0, count: m * m), c2 = [Float](repeating: 0, count: m * d)
    let native = try best {
        try a.elements.withUnsafeBufferPointer { ap in
            try g.elements.withUnsafeBufferPointer { gp in
                try c1.withUnsafeMutableBufferPointer { cp in
                    try Float.gemm(transposeA: false, transposeB: true, m: m, n: m, k: d, alpha: 1, a: ap.baseAddress!, lda: d, b: ap.baseAddress!, ldb: d, beta: 0, c: cp.baseAddress!, ldc: m)
                }
                try c2.withUnsafeMutableBufferPointer { cp in
                    try Float.gemm(transposeA: false, transposeB: false, m: m, n: d, k: m, alpha: 1, a: gp.baseAddress!, lda: m, b: ap.baseAddress!, ldb: d, beta: 0, c: cp.baseAddress!, ldc: d)
                    try Float.gemm(transposeA: true, transposeB: false, m: m, n: d, k: m, alpha: 1, a: gp.baseAddress!, lda: m, b: ap.baseAddress!, ldb: d, beta: 0, c: cp.baseAddress!, ldc: d)
                }
            }
        }
    }
    let blocked = try best {
        _ = try Matrix.product(a, a, transposingRight: true)
        _ = try Matrix.product(g, a)
        _ = try Matrix.product(g, a, transposingLeft: true)
    }
    return min(native, blocked)
}

print("losses benchmark: dim 128, Float input, OpenBLAS threads \(BLASThreads.count); milliseconds, best of 9 (N = 256) or 5 (N = 1024)")
print("loss              N     loss+grad ms   sgemm-only ms   ratio")
for n in [256, 1024] {
    let d = 128
    let view0 = gaussian(n, d, seed: 1), view1 = gaussian(n, d, seed: 2)
    let interleaved = Matrix(rows: 2 * n, columns: d, elements: (0..<n).flatMap { Array(view0.row($0)) + Array(view1.row($0)) })
    let labels = (0..<n).map { $0 % 10 }
    let supconFeatures = Matrix(rows: 2 * n, columns: d, elements: interleaved.normalizedRows().normalized.elements)
    let reference2N = try gemmReference(rows: 2 * n, dim: d)
    let referenceN = try gemmReference(rows: n, dim: d)
    let supcon = try SupConLoss(temperature: 0.1)
    let ntxent = try NTXentLoss()
    let dcl = try DCLLoss()
    let dclw = try DCLLoss(sigma: 0.5)
    let sigmoid = try SigmoidContrastiveLoss(logScale: 1, bias: -5, alpha: 1)
    let runs: [(String, Double, () throws -> Void)] = [
        ("supcon", reference2N, { _ = try supcon.forward(features: supconFeatures, viewCount: 2, labels: labels) }),
        ("nt-xent", reference2N, { _ = try ntxent.forward(view0: view0, view1: view1) }),
        ("dcl", reference2N, { _ = try dcl.forward(view0: view0, view1: view1) }),
        ("dclw", reference2N, { _ = try dclw.forward(view0: view0, view1: view1) }),
        ("sigmoid", referenceN, { _ = try sigmoid.forward(online: view0, target: view1, gamma: 1) }),
        ("simclr", reference2N, { _ = try QAReLoss(method: .simclr).forward(input: interleaved) }),
        ("sparseclr", reference2N, { _ = try QAReLoss(method: .sparseclr).forward(input: interleaved) }),
        ("qare", referenceN, { _ = try QAReLoss(method: .qare).forward(input: interleaved) }),
        ("simclr-qare", reference2N, { _ = try QAReLoss(method: .simclrQARe).forward(input: interleaved) }),
        ("sparseclr-qare", reference2N, { _ = try QAReLoss(method: .sparseclrQARe).forward(input: interleaved) }),
    ]
    // Optional arguments: the names of the losses to run (default all), e.g. `losses nt-xent dcl`.
    let selected = Set(CommandLine.arguments.dropFirst())
    for (name, reference, body) in runs where selected.isEmpty || selected.contains(name) {
        let time = try best(n >= 1024 ? 5 : 9, body)
        print(name.padding(toLength: 16, withPad: " ", startingAt: 0), String(format: "%5d   %10.2f   %12.2f   %5.1fx", n, time, reference, time / reference))
    }
}
