// CLOC forward + backward time. Run:
//   swift run -c release --package-path Benchmarks cloc
// Problem: N ∈ {256, 1024, 4096} rows, D = 128, C = 5 classes, Float input, multi-margin,
// every margin learnable; labels uniform over the classes. Best of several repetitions.
import Foundation
import ProcessRuntime
import Dispatch
import Losses
import LinearAlgebra

// The configuration the package's figures are measured with (tools and examples apply it too).
RuntimeConfiguration.tuned.overridden(byEnvironment: true).apply()

var generator = SeededGenerator(seed: 1)
print("CLOC benchmark: D = 128, C = 5, Float, multi-margin; OpenBLAS threads \(BLASThreads.count), processors \(WorkerPool.parallelism)")
for (n, target) in [(256, "-"), (1024, "<= 30 ms"), (4096, "<= 600 ms")] {
    let d = 128
    let x = Matrix<Float>(rows: n, columns: d, elements: (0..<(n * d)).map { _ in Float.random(in: -1...1, using: &generator) })
    let labels = (0..<n).map { _ in Int.random(in: 0..<5, using: &generator) }
    let loss = try OrdinalContrastiveLoss(classCount: 5, seed: 7)
    var best = Double.infinity
    var value = 0.0
    for _ in 0..<(n >= 4096 ? 3 : 10) {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try loss.evaluate(MultiViewBatch(x, labels: labels))
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        value = result.loss
        best = min(best, elapsed)
    }
    print(String(format: "N = %5d: forward+backward %8.2f ms (best)   loss %.6f   target %@", n, best, value, target))
}
