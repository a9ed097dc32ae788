// Uses swift-numerics' elementary functions and complex numbers next to ContrastiveBoard's
// matrices, losses and writer, and checks the results, so that a clash of names fails the build
// and a wrong binding fails the run.
import Foundation
import LinearAlgebra
import Losses
import Numerics
import TensorBoard

let x: Float = 0.5
let viaNumerics = Float.exp(x) + Float.log(onePlus: x) + Float.expMinusOne(x)  // RealModule
let viaLibm = expf(x) + log1pf(x) + expm1f(x)
let z = Complex<Double>(1, 2) * Complex<Double>(3, -1)

let views = [
    Matrix<Float>(rowArrays: [[1, 0], [0, 1], [0.6, 0.8]]),
    Matrix<Float>(rowArrays: [[0.8, 0.6], [0, 1], [1, 0]]),
]
let evaluation = try NTXentLoss(temperature: 0.5).evaluate(MultiViewBatch(views: views))

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swift-numerics-client-\(getpid())").path
defer { try? FileManager.default.removeItem(atPath: directory) }
let writer = try SummaryWriter(logDirectory: directory)
try writer.addScalar("loss", evaluation.loss, step: 0)
try writer.close()

guard abs(viaNumerics - viaLibm) <= 4 * viaLibm.ulp, z == Complex(5, 5), evaluation.loss.isFinite,
    evaluation.viewGradients.count == 2
else {
    FileHandle.standardError.write(Data("swift-numerics-client: unexpected results\n".utf8))
    exit(1)
}
print("swift-numerics-client: ok (loss \(evaluation.loss))")
