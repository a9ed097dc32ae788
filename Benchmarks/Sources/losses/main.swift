// Forward + backward time of the contrastive-loss family. Run:
//   swift run -c release --package-path Benchmarks losses [names…]
// Problems: batch N ∈ {256, 1024}, dim 128, Float input, random Gaussian rows (two views where
// the loss takes two; SupCon [N, 2, 128] with 10 labels). Printed next to each: the time OpenBLAS
// alone (sgemm) needs for the loss's N×N×D products at the same sizes: one similarity product
// [M, D]·[D, M] and two gradient products [M, M]·[M, D] with M the number of rows compared
// (2N for two-view losses, N for one pair of the sigmoid loss), the better of OpenBLAS's own
// threading and the package's row-blocked products. For the losses with a QARe term, whose
// time is two eigendecompositions of N×N matrices (≈ 9N³ flops against 6·M²·D for the
// products), a second reference adds OpenBLAS's ssyevd on the two matrices (the better of
// one after the other with OpenBLAS's threads and both at once on one thread each).
// A shared machine's speed can change by up to 2× from one minute to the next, so each loss is timed in
// rounds alternating with its reference: runs of the loss back to back, as many of the
// reference, a 150 ms pause; 5 rounds of 20 runs at N = 256, 5 rounds of 5 at N = 1024; both
// columns are the best run. The pause matters: OpenBLAS's own worker threads keep spinning for about 0.1 s after a
// threaded call and would otherwise take a core from the loss that follows (the losses'
// products run on Dispatch's threads with one-thread BLAS and leave no spinning thread behind).
import Foundation
import ProcessRuntime
import Dispatch
import Glibc
import Losses
import LinearAlgebra

// The configuration the package's figures are measured with (tools and examples apply it too).
RuntimeConfiguration.tuned.overridden(byEnvironment: true).apply()

func gaussian(_ rows: Int, _ columns: Int, seed: UInt64 = 5) -> Matrix<Float> {
    var generator = SeededGenerator(seed: seed &+ UInt64(rows * 31 + columns))
    return Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in
        let u1 = Float.random(in: Float.ulpOfOne..<1, using: &generator), u2 = Float.random(in: 0..<1, using: &generator)
        return (-2 * Float.logarithm(u1)).squareRoot() * Float.cosine(2 * Float.pi * u2)
    })
}

func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

/// The sgemm products of a loss: one [m, d]·[d, m] and two [m, m]·[m, d], once with OpenBLAS's
/// own threading (direct `Float.gemm` calls) and once as the package's row-blocked products
/// (`Matrix.product`); returns the better time.
struct GEMMReference {
    let m: Int, d: Int
    let a: Matrix<Float>, g: Matrix<Float>
    init(rows m: Int, dim d: Int) {
        (self.m, self.d) = (m, d)
        (a, g) = (gaussian(m, d), gaussian(m, m))
    }

    func run() throws -> Double {
        var c1 = [Float](repeating: 0, count: m * m), c2 = [Float](repeating: 0, count: m * d)
        let (m, d) = (self.m, self.d)
        let native = try milliseconds {
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
        let blocked = try milliseconds {
            _ = try Matrix.product(a, a, transposingRight: true)
            _ = try Matrix.product(g, a)
            _ = try Matrix.product(g, a, transposingLeft: true)
        }
        return min(native, blocked)
    }
}

/// OpenBLAS's ssyevd on two [n, n] matrices like QARe's (1 + clamped cosines): the better of
/// one after the other with OpenBLAS's threads and both at once, one thread each.
struct EigenReference {
    let matrices: [Matrix<Float>]
    init(n: Int, dim d: Int) {
        matrices = (1...2).map { seed in
            var c = (try? gaussian(n, d, seed: UInt64(seed)).cosineSimilarities().similarities) ?? Matrix(rows: n, columns: n)
            for i in c.elements.indices { c.elements[i] = 1 + max(c.elements[i], 1e-8) }
            return c
        }
    }

    func run() throws -> Double {
        let sequential = try milliseconds { for matrix in matrices { _ = try matrix.symmetricEigenDecomposition() } }
        let threads = BLASThreads.count
        BLASThreads.set(1)
        defer { BLASThreads.set(threads) }
        let pair = matrices
        let concurrent = milliseconds {
            DispatchQueue.concurrentPerform(iterations: pair.count) { _ = try? pair[$0].symmetricEigenDecomposition() }
        }
        return min(sequential, concurrent)
    }
}

print("losses benchmark: dim 128, Float input, OpenBLAS threads \(BLASThreads.count), VectorMath kernels \(VectorMath.best); milliseconds, best of 100 (N = 256) or 25 (N = 1024) runs, loss and reference in alternating rounds")
print("loss              N   loss+grad ms   sgemm-only ms   ratio   sgemm+ssyevd ms   ratio")
// Optional arguments: the names of the losses to run (default all), e.g. `losses nt-xent dcl`.
let selected = Set(CommandLine.arguments.dropFirst())
for n in [256, 1024] {
    let d = 128
    let view0 = gaussian(n, d, seed: 1), view1 = gaussian(n, d, seed: 2)
    let interleaved = Matrix(rows: 2 * n, columns: d, elements: (0..<n).flatMap { Array(view0.row($0)) + Array(view1.row($0)) })
    let labels = (0..<n).map { $0 % 10 }
    let twoViews = try MultiViewBatch(views: [view0, view1])
    let supconBatch = try MultiViewBatch(
        sampleMajorRows: Matrix(rows: 2 * n, columns: d, elements: interleaved.normalizedRows().normalized.elements), viewCount: 2,
        labels: labels)
    let reference2N = GEMMReference(rows: 2 * n, dim: d), referenceN = GEMMReference(rows: n, dim: d)
    let eigen = EigenReference(n: n, dim: d)
    let supcon = try SupConLoss(temperature: 0.1)
    let ntxent = try NTXentLoss()
    let dcl = try DCLLoss()
    let dclw = try DCLLoss(sigma: 0.5)
    let sigmoid = try SigmoidContrastiveLoss(logScale: 1, bias: -5, alpha: 1, gamma: 1)
    // (name, its products' reference, whether it has a QARe term, the loss)
    let runs: [(String, GEMMReference, Bool, () throws -> Void)] = [
        ("supcon", reference2N, false, { _ = try supcon.evaluate(supconBatch) }),
        ("nt-xent", reference2N, false, { _ = try ntxent.evaluate(twoViews) }),
        ("dcl", reference2N, false, { _ = try dcl.evaluate(twoViews) }),
        ("dclw", reference2N, false, { _ = try dclw.evaluate(twoViews) }),
        ("sigmoid", referenceN, false, { _ = try sigmoid.evaluate(twoViews) }),
        ("simclr", reference2N, false, { _ = try QAReLoss(method: .simclr).evaluate(twoViews) }),
        ("sparseclr", reference2N, false, { _ = try QAReLoss(method: .sparseclr).evaluate(twoViews) }),
        ("qare", referenceN, true, { _ = try QAReLoss(method: .qare).evaluate(twoViews) }),
        ("simclr-qare", reference2N, true, { _ = try QAReLoss(method: .simclrQARe).evaluate(twoViews) }),
        ("sparseclr-qare", reference2N, true, { _ = try QAReLoss(method: .sparseclrQARe).evaluate(twoViews) }),
    ]
    for (name, reference, hasQARe, body) in runs where selected.isEmpty || selected.contains(name) {
        var (time, gemm, eigenTime) = (Double.infinity, Double.infinity, Double.infinity)
        let (rounds, runs) = n >= 1024 ? (5, 5) : (5, 20)
        for _ in 0..<rounds {
            for _ in 0..<runs { time = min(time, try milliseconds(body)) }
            for _ in 0..<runs {
                gemm = min(gemm, try reference.run())
                if hasQARe { eigenTime = min(eigenTime, try eigen.run()) }
            }
            usleep(150_000)
        }
        var line = name.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%5d   %10.2f   %12.2f   %5.1fx", n, time, gemm, time / gemm)
        if hasQARe { line += String(format: "   %14.2f   %5.1fx", gemm + eigenTime, time / (gemm + eigenTime)) }
        print(line)
    }
}
