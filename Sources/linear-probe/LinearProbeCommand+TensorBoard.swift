import Foundation
import Probe
import TensorBoard

extension LinearProbeCommand {
    /// Logs the run: the metrics as scalars at step 0, an hparams session (C, tol, preprocessing,
    /// class weight → the metrics), the confusion matrix as a gray image (rows true, columns
    /// predicted, each cell scaled by its row's count, 16×16 pixels per cell), the settings and
    /// results as a Markdown text summary, and the sweep curve as scalars
    /// `sweep/validation_accuracy` and `sweep/log10_C` over the sweep index.
    func logToTensorBoard(_ r: ProbeReport, logdir: String) throws {
        let writer = try SummaryWriter(logDirectory: logdir)
        let metrics: [(String, Double?)] = [
            ("probe/test_accuracy", r.testAccuracy), ("probe/train_accuracy", r.trainAccuracy), ("probe/top5_accuracy", r.top5Accuracy),
            ("probe/balanced_accuracy", r.balancedAccuracy), ("probe/log_loss", r.logLoss), ("probe/mae", r.mae), ("probe/qwk", r.qwk),
            ("probe/objective", r.objective), ("probe/n_iter", Double(r.nIter)),
        ]
        for case let (tag, value?) in metrics { try writer.addScalar(tag, value, step: 0) }
        for (index, point) in (r.sweep ?? []).enumerated() {
            try writer.addScalar("sweep/validation_accuracy", point.validationAccuracy, step: index)
            try writer.addScalar("sweep/log10_C", Foundation.log10(point.c), step: index)
        }
        var table = "| setting | value |\n|---|---|\n"
        table += "| C | \(r.c) |\n| tol | \(r.tol) |\n| preprocessing | \(r.preprocessing) |\n| converged | \(r.converged) (\(r.stopReason.rawValue), \(r.nIter) iterations) |\n"
        table += "\nConfusion matrix (rows true, columns predicted), labels \(r.labels):\n\n"
        table += "| true \\ predicted | " + r.labels.map(String.init).joined(separator: " | ") + " |\n|" + String(repeating: "---|", count: r.labels.count + 1) + "\n"
        for (label, row) in zip(r.labels, r.confusionMatrix) { table += "| \(label) | " + row.map(String.init).joined(separator: " | ") + " |\n" }
        try writer.addText("probe/report", table, step: 0)
        let k = r.labels.count, cell = 16
        var pixels = [UInt8](repeating: 0, count: k * cell * k * cell)
        for (i, row) in r.confusionMatrix.enumerated() {
            let total = max(1, row.reduce(0, +))
            for (j, count) in row.enumerated() {
                let value = UInt8((255 * Double(count) / Double(total)).rounded())
                for y in 0..<cell { for x in 0..<cell { pixels[(i * cell + y) * k * cell + j * cell + x] = value } }
            }
        }
        try writer.addImage("probe/confusion_matrix", pixels: pixels, shape: [k * cell, k * cell], layout: .hw, step: 0)
        var metricsForHparams: [(String, Double)] = [("hparam/test_accuracy", r.testAccuracy), ("hparam/balanced_accuracy", r.balancedAccuracy), ("hparam/log_loss", r.logLoss)]
        if let mae = r.mae, let qwk = r.qwk { metricsForHparams += [("hparam/mae", mae), ("hparam/qwk", qwk)] }
        try writer.addHparams(
            [("C", .number(r.c)), ("tol", .number(r.tol)), ("preprocessing", .string(r.preprocessing)), ("class_weight", .string(r.classWeight)), ("sweep", .bool(r.sweep != nil))],
            metrics: metricsForHparams.filter { $0.1.isFinite }, runName: "hparams")
        try writer.close()
    }
}
