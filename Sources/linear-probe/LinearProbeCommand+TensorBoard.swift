import ArgumentParser
import Foundation
import Probe
import TensorBoard

extension LinearProbeCommand {
    /// Logs the fit as one run `<logdir>/<session>`, the session named by the fit's settings
    /// (`sessionName`), so fits into one log directory never share a run: a second fit with the
    /// same settings gets the suffix `-2`, `-3`, ….
    ///
    /// The run holds an hparams session written into the run itself (C, tol, preprocessing, class
    /// weight, sweep, training features → the probe metrics, which are the run's own scalars at
    /// step 0), the other results as scalars, the confusion matrix as a gray image (rows true,
    /// columns predicted, each cell scaled by its row's count, 16×16 pixels per cell), the settings
    /// and results as a Markdown text summary, and the sweep curve as scalars
    /// `sweep/validation_accuracy` and `sweep/log10_C` over the sweep index.
    func logToTensorBoard(_ r: ProbeReport, logdir: String) throws {
        let writer = try SummaryWriter(logDirectory: try Self.freeRunDirectory(logdir, name: sessionName(r)))
        let metrics: [(String, Double?)] = [
            ("probe/test_accuracy", r.testAccuracy), ("probe/train_accuracy", r.trainAccuracy), ("probe/top5_accuracy", r.top5Accuracy),
            ("probe/balanced_accuracy", r.balancedAccuracy), ("probe/log_loss", r.logLoss), ("probe/mae", r.mae), ("probe/qwk", r.qwk),
        ]
        let finiteMetrics = metrics.compactMap { tag, value in value.flatMap { $0.isFinite ? (tag, $0) : nil } }
        try writer.addHparams(
            [
                ("C", .number(r.c)), ("tol", .number(r.tol)), ("preprocessing", .string(r.preprocessing)), ("class_weight", .string(r.classWeight)),
                ("sweep", .bool(r.sweep != nil)), ("train_features", .string(URL(fileURLWithPath: trainFeatures).lastPathComponent)),
            ],
            metrics: finiteMetrics, in: .thisRun, step: 0)
        for case let (tag, value?) in metrics where !value.isFinite { try writer.addScalar(tag, value, step: 0) }
        try writer.addScalar("probe/objective", r.objective, step: 0)
        try writer.addScalar("probe/n_iter", Double(r.nIter), step: 0)
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
        try writer.close()
    }

    /// The run name of a fit: the training features' file name without extension, then
    /// `C=<C>`, `tol=<tol>` (shortest `%g` forms), the preprocessing, and `balanced` / `sweep`
    /// when set, joined by `_`; characters other than letters, digits and `.=+-` become `-`.
    /// Example: `train_x_C=1_tol=0.0001_standardize`.
    func sessionName(_ r: ProbeReport) -> String {
        let stem = URL(fileURLWithPath: trainFeatures.split(separator: ":").first.map(String.init) ?? trainFeatures).deletingPathExtension().lastPathComponent
        var parts = [stem, String(format: "C=%g", r.c), String(format: "tol=%g", r.tol), r.preprocessing.replacingOccurrences(of: ", ", with: "+")]
        if r.classWeight != "none" { parts.append(r.classWeight) }
        if r.sweep != nil { parts.append("sweep") }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.=+-")
        return String(parts.joined(separator: "_").map { allowed.contains($0) || $0 == "_" ? $0 : "-" })
    }

    /// `<logdir>/<name>`, or `<logdir>/<name>-2`, `-3`, … when that run already exists.
    static func freeRunDirectory(_ logdir: String, name: String) throws -> String {
        var candidate = logdir + "/" + name
        var suffix = 2
        while FileManager.default.fileExists(atPath: candidate) {
            guard suffix <= 10_000 else { throw ValidationError("--logdir \(logdir) already holds 10000 runs named \(name)") }
            candidate = logdir + "/" + name + "-\(suffix)"
            suffix += 1
        }
        return candidate
    }
}
