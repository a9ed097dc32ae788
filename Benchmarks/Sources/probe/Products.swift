// The two products of one objective evaluation with many classes, one thread: OpenBLAS on
// 512-row blocks against the skinny kernels on 64-row blocks, classes in chunks of 32. Run:
//   swift run -c release --package-path Benchmarks probe products [K] [d] [n]
import Foundation
import ArrayFiles
import LinearAlgebra
import ProcessRuntime

func runProducts(_ arguments: [String]) throws {
    let k = arguments.first.flatMap { Int($0) } ?? 100
    let d = arguments.dropFirst().first.flatMap { Int($0) } ?? 2048
    let n = arguments.dropFirst(2).first.flatMap { Int($0) } ?? 10_000
    var g = SeededGenerator(seed: 1)
    let x = (0..<(n * d)).map { _ in Float.random(in: -1...1, using: &g) }
    let w = (0..<(k * d)).map { _ in Float.random(in: -0.01...0.01, using: &g) }
    BLASThreads.set(1)
    print("products of one evaluation, n = \(n), d = \(d), K = \(k), one thread, skinny kernels: \(String(describing: SkinnyProducts.best))")
    for round in 0..<3 {
        var gw = [Float](repeating: 0, count: k * d)
        let blas = try seconds {
            var z = [Float](repeating: 0, count: 512 * k)
            var start = 0
            while start < n {
                let rows = min(512, n - start)
                try Float.gemm(transposeA: false, transposeB: true, m: rows, n: k, k: d, alpha: 1, a: x.withUnsafeBufferPointer { $0.baseAddress! } + start * d, lda: d,
                               b: w.withUnsafeBufferPointer { $0.baseAddress! }, ldb: d, beta: 0, c: z.withUnsafeMutableBufferPointer { $0.baseAddress! }, ldc: k)
                for i in z.indices { z[i] *= 0.001 }
                try Float.gemm(transposeA: true, transposeB: false, m: k, n: d, k: rows, alpha: 1, a: z.withUnsafeBufferPointer { $0.baseAddress! }, lda: k,
                               b: x.withUnsafeBufferPointer { $0.baseAddress! } + start * d, ldb: d, beta: 1, c: gw.withUnsafeMutableBufferPointer { $0.baseAddress! }, ldc: d)
                start += rows
            }
        }
        var gw2 = [Float](repeating: 0, count: k * d)
        let skinny = seconds {
            guard SkinnyProducts.best != nil else { return }
            let block = 64
            var z = [Float](repeating: 0, count: block * k)
            var chunk = [Float](repeating: 0, count: block * 32)
            var scratch = [Float](repeating: 0, count: 10 * block)
            let zeros = [Float](repeating: 0, count: d)
            x.withUnsafeBufferPointer { xs in
                w.withUnsafeBufferPointer { ws in
                    gw2.withUnsafeMutableBufferPointer { gs in
                        var start = 0
                        while start < n {
                            let rows = min(block, n - start)
                            for c0 in stride(from: 0, to: k, by: 32) {
                                let kc = min(32, k - c0)
                                chunk.withUnsafeMutableBufferPointer { cs in
                                    SkinnyProducts.rowsTimesTransposed(xs.baseAddress! + start * d, rows: rows, d: d, ws.baseAddress! + c0 * d, k: kc, into: cs.baseAddress!, zeros: zeros.withUnsafeBufferPointer { $0.baseAddress! })
                                }
                                for i in 0..<rows { for c in 0..<kc { z[i * k + c0 + c] = chunk[i * kc + c] * 0.001 } }
                            }
                            for c0 in stride(from: 0, to: k, by: 32) {
                                let kc = min(32, k - c0)
                                for i in 0..<rows { for c in 0..<kc { chunk[i * kc + c] = z[i * k + c0 + c] } }
                                chunk.withUnsafeBufferPointer { cs in
                                    scratch.withUnsafeMutableBufferPointer { ss in
                                        SkinnyProducts.accumulateTransposedTimesRows(cs.baseAddress!, rows: rows, k: kc, xs.baseAddress! + start * d, d: d, into: gs.baseAddress! + c0 * d, scratch: ss.baseAddress!)
                                    }
                                }
                            }
                            start += rows
                        }
                    }
                }
            }
        }
        let difference = zip(gw, gw2).map { abs($0 - $1) }.max() ?? 0
        let flop = 4 * Double(n) * Double(d) * Double(k) / 1e9
        print(String(format: "round %d: OpenBLAS %.3f s (%.1f GFLOP/s), skinny chunks %.3f s (%.1f GFLOP/s), max |difference| %.2e", round, blas, flop / blas, skinny, flop / skinny, difference))
    }
}
