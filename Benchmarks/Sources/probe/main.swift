// Linear-probe fit time and memory. Run:
//   swift run -c release --package-path Benchmarks probe
// Problems: the synthetic 50,000 × 2048 × 10 and 5,000 × 2048 × 10 float32 sets of
// docs/reference/linear-probe.md, "Synthetic benchmark data" (low-rank Gaussian class means, r = 256, sep 0.3, noise 0.05, offset
// 0.2, ReLU), regenerated deterministically in Swift (SeededGenerator; numpy's streams cannot be
// reproduced, so the numbers differ from sklearn's in detail, not in kind); and digits
// (1348 × 64, i % 4 split). Features standardised in place, then `fitLogisticRegression` at
// C = 1, tol 1e-4. Peak memory is VmHWM of the process after a reset (/proc/self/clear_refs)
// just before the fit, so it covers the fit, not data generation.
import ArrayFiles
import ProcessRuntime
import Foundation
import LinearAlgebra
import Probe

// The configuration the package's figures are measured with (tools and examples apply it too).
RuntimeConfiguration.tuned.overridden(byEnvironment: true).apply()

func gaussian(_ g: inout SeededGenerator) -> Double {
    let u1 = Double.random(in: Double.ulpOfOne..<1, using: &g), u2 = Double.random(in: 0..<1, using: &g)
    return (-2 * Double.logarithm(u1)).squareRoot() * Double.cosine(2 * Double.pi * u2)
}

/// Orthonormal columns: modified Gram–Schmidt on a Gaussian [d, r] matrix (stored as r rows of d).
func orthonormalBasis(d: Int, r: Int, _ g: inout SeededGenerator) -> Matrix<Double> {
    var u = Matrix<Double>(rows: r, columns: d, elements: (0..<(r * d)).map { _ in gaussian(&g) })
    for i in 0..<r {
        for j in 0..<i {
            var dot = 0.0
            for k in 0..<d { dot += u[i, k] * u[j, k] }
            for k in 0..<d { u[i, k] -= dot * u[j, k] }
        }
        let norm = (0..<d).reduce(0.0) { $0 + u[i, $1] * u[i, $1] }.squareRoot()
        for k in 0..<d { u[i, k] /= norm }
    }
    return u
}

/// Appendix A's `make(n, seed, sep)`: float32 features [n, 2048] and labels.
func makeSet(n: Int, seed: UInt64, basis: Matrix<Double>, means: Matrix<Double>) throws -> (Matrix<Float>, [Int]) {
    let d = basis.columns, r = basis.rows, k = means.rows
    var g = SeededGenerator(seed: seed)
    let labels = (0..<n).map { _ in Int.random(in: 0..<k, using: &g) }
    var x = Matrix<Float>(rows: n, columns: d)
    let basisF = basis.converted(to: Float.self)
    let block = 2048
    var start = 0
    while start < n {
        let rows = min(block, n - start)
        var z = Matrix<Float>(rows: rows, columns: r)
        for i in 0..<rows { for j in 0..<r { z[i, j] = Float(gaussian(&g) * (1 / Double(j + 1)).squareRoot()) } }
        let projected = try Matrix.product(z, basisF)  // [rows, d]
        let noiseScale = 0.05 / Double(d).squareRoot() * Double(r).squareRoot()
        for i in 0..<rows {
            let label = labels[start + i]
            for j in 0..<d {
                let value = 0.2 + means[label, j] + Double(projected[i, j]) + noiseScale * gaussian(&g)
                x[start + i, j] = Float(max(value, 0))
            }
        }
        start += rows
    }
    return (x, labels)
}

func standardizeInPlace(_ x: inout Matrix<Float>) {
    let n = x.rows, d = x.columns
    var mean = [Double](repeating: 0, count: d), variance = [Double](repeating: 0, count: d)
    for i in 0..<n { for j in 0..<d { mean[j] += Double(x[i, j]) } }
    for j in 0..<d { mean[j] /= Double(n) }
    for i in 0..<n { for j in 0..<d { let t = Double(x[i, j]) - mean[j]; variance[j] += t * t } }
    let scale = variance.map { $0 > 0 ? ($0 / Double(n)).squareRoot() : 1 }
    for i in 0..<n { for j in 0..<d { x[i, j] = Float((Double(x[i, j]) - mean[j]) / scale[j]) } }
}

func memoryKilobytes(_ field: String) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix(field) {
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    return 0
}

func resetPeak() { try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8) }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// The K = 10 figures (and digits) of the linear probe.
func runTenClasses() throws {
    print("probe benchmark: C = 1, tol 1e-4, max_iter 1000; \(WorkerPool.parallelism) processors (threads chosen by problem size)")
    var shared = SeededGenerator(seed: 1234)
    let basis = orthonormalBasis(d: 2048, r: 256, &shared)
    let q = Matrix<Double>(rows: 10, columns: 256, elements: (0..<2560).map { _ in gaussian(&shared) / 16 })
    var means = try Matrix.product(q, basis)
    for i in means.elements.indices { means.elements[i] *= 0.3 }

    for (name, n, seed, target) in [("5k x 2048 x 10", 5_000, UInt64(1), "<= 0.4 s"), ("50k x 2048 x 10", 50_000, UInt64(3), "<= 8 s")] {
        var (x, y) = try makeSet(n: n, seed: seed, basis: basis, means: means)
        standardizeInPlace(&x)
        var options = LogisticRegressionOptions()
        options.optimizer.maximumIterations = 1000
        let featureMB = Double(x.elements.count * 4) / 1e6
        let before = memoryKilobytes("VmRSS:")
        resetPeak()
        // Three fits (the same deterministic result each time): the best time is the figure, the
        // others are printed too, since a shared machine's memory bandwidth varies from run to run.
        var fit: LogisticRegressionFit?
        var times = [Double]()
        var peak = 0
        for _ in 0..<3 {
            times.append(try seconds { fit = try fitLogisticRegression(features: x, labels: y, options: options) })
            peak = max(peak, memoryKilobytes("VmHWM:"))
        }
        guard let fit else { continue }
        let t = times.min() ?? 0
        print(String(format: "%@: fit %.2f s best of 3 (all: %@; target %@), %d iterations, %d evaluations, objective %.7f, %@; features %.0f MB, peak RSS during fit %.0f MB (fit overhead %.0f MB; target <= 1.3 x features + 100 MB = %.0f MB)",
            name, t, times.map { String(format: "%.2f", $0) }.joined(separator: " "), target, fit.optimization.iterations, fit.optimization.functionEvaluations,
            fit.optimization.value, fit.converged ? "converged" : "NOT converged", featureMB, Double(peak) / 1e3, Double(peak - before) / 1e3, 1.3 * featureMB + 100))
    }

    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    let digitsX = try NPYArray(contentsOfFile: root + "/data/digits_x.npy").matrix(of: Double.self)
    let digitsY = try NPYArray(contentsOfFile: root + "/data/digits_y.npy").integers()
    let rows = (0..<digitsX.rows).filter { $0 % 4 != 3 }
    let pre = Preprocessing(fitting: digitsX.selectingRows(rows), l2Normalizes: false, standardizes: true)
    let digitsTrain = pre.apply(digitsX.selectingRows(rows)).converted(to: Float.self)
    let labels = rows.map { digitsY[$0] }
    var best = Double.infinity
    for _ in 0..<7 {
        var options = LogisticRegressionOptions()
        options.optimizer.maximumIterations = 1000
        best = min(best, try seconds { _ = try fitLogisticRegression(features: digitsTrain, labels: labels, options: options) })
    }
    print(String(format: "digits 1348 x 64 x 10 (float32): fit %.1f ms (best of 7, target <= 20 ms)", best * 1000))
}

switch CommandLine.arguments.dropFirst().first {
case "many-classes": try runManyClasses(Array(CommandLine.arguments.dropFirst(2)))
case "knn": try runKNN(Array(CommandLine.arguments.dropFirst(2)))
case "products": try runProducts(Array(CommandLine.arguments.dropFirst(2)))
case nil, "ten-classes": try runTenClasses()
case let other?:
    FileHandle.standardError.write(Data("probe: unknown mode '\(other)'; use ten-classes, many-classes [100|1000], knn [rows] [queries] or products [K] [d] [n]\n".utf8))
    exit(64)
}
