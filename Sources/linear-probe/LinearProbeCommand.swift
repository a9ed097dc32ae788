import ArrayFiles
import ArgumentParser
import ProcessRuntime
import Dispatch
import Foundation
import LinearAlgebra
import Probe
import ToolSupport

/// `linear-probe [fit]`: evaluate frozen features with scikit-learn's multinomial logistic regression.
struct LinearProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit an L2-regularised multinomial logistic regression (scikit-learn's lbfgs objective) on frozen features and report test metrics.",
        usage: """
            linear-probe --train-features <file> [--train-labels <file>]
            --test-features <file> [--test-labels <file>] [<options>]
            """,
        discussion: """
            Features: .npy (2-D float32/float64), .npz (FILE.npz:NAME), or CSV with a \
            header and a label column (then --*-labels may be omitted). Labels are any \
            integers, mapped to sorted classes as scikit-learn does.

            Features are standardised with the training split's mean and population std \
            unless --no-standardize. The objective is mean cross-entropy + ‖W‖²/(2·C·n), \
            intercept unpenalised; L-BFGS stops when max|grad| ≤ --tol. A fit that hits \
            --max-iter is reported as not converged. \
            --save-model writes the fitted model (coef, intercept, classes, mean, scale) as \
            .npz; `linear-probe predict` applies a saved model to new features.
            """)

    enum ClassWeightChoice: String, ExpressibleByArgument, CaseIterable {
        case none, balanced
    }

    @Option(name: .long, help: "Training features (.npy, .npz[:NAME] or .csv).")
    var trainFeatures: String
    @Option(name: .long, help: "Training labels (.npy, .npz[:NAME] or .csv); default: the label column of a CSV feature file.")
    var trainLabels: String?
    @Option(name: .long, help: "Test features.")
    var testFeatures: String
    @Option(name: .long, help: "Test labels; default: the label column of a CSV feature file.")
    var testLabels: String?
    @Option(name: .customLong("C"), parsing: .unconditional, help: "Inverse regularisation strength, > 0 (scikit-learn's C).")
    var inverseRegularization: Double = 1.0
    @Option(name: .long, parsing: .unconditional, help: "Stop when max |gradient| of the mean objective ≤ tol, > 0 (scikit-learn's tol).")
    var tol: Double = 1e-4
    @Option(name: .long, parsing: .unconditional, help: "Maximum L-BFGS iterations (scikit-learn's max_iter; 1000 as in CLIP's probe, scikit-learn's own default is 100).")
    var maxIter: Int = 1000
    @Flag(name: .long, help: "Do not standardise features with the training statistics.")
    var noStandardize = false
    @Flag(name: .long, help: "L2-normalise each feature row first.")
    var l2Normalize = false
    @Flag(name: .long, help: "Choose C on a stratified 80/20 split of the training data (C = 1e-4 … 1e2, two per decade), then refit on all training data.")
    var sweep = false
    @Flag(name: .long, help: "Labels are ordered classes: also report MAE and quadratic weighted kappa over the full label list.")
    var ordinal = false
    @Option(name: .long, help: "Class weights: none, or balanced (n / (K · count_k)).")
    var classWeight: ClassWeightChoice = .none
    @Option(name: .long, help: "Write the report as JSON to this file (- is standard output; a regular file is replaced atomically).")
    var report: String?
    @Option(name: .long, help: "Save the fitted model (arrays coef [K, d], intercept [K], classes [K], mean [d], scale [d]) to this .npz file.")
    var saveModel: String?
    @Option(name: .long, help: "Log the run to TensorBoard under this directory.")
    var logdir: String?
    @Option(name: .long, help: "Label column of CSV files.")
    var labelColumn: String = "label"

    func validate() throws {
        guard inverseRegularization > 0, inverseRegularization.isFinite else {
            throw ValidationError("--C must be a positive finite number (the inverse regularisation strength), got \(inverseRegularization)")
        }
        guard tol > 0, tol.isFinite else { throw ValidationError("--tol must be a positive finite number, got \(tol)") }
        guard maxIter >= 0 else { throw ValidationError("--max-iter must be ≥ 0, got \(maxIter)") }
        for (option, features, labels) in [("--train-labels", trainFeatures, trainLabels), ("--test-labels", testFeatures, testLabels)] {
            if let reason = DatasetIO.missingLabels(option: option, features: features, labels: labels, labelColumn: labelColumn) { throw ValidationError(reason) }
        }
    }

    func run() throws {
        let (trainX, trainY) = try DatasetIO.loadSplit(features: trainFeatures, labels: trainLabels, labelColumn: labelColumn)
        let (testX, testY) = try DatasetIO.loadSplit(features: testFeatures, labels: testLabels, labelColumn: labelColumn)
        var configuration = LinearProbeConfiguration()
        configuration.model.inverseRegularization = inverseRegularization
        configuration.model.optimizer.gradientTolerance = tol
        configuration.model.optimizer.maximumIterations = maxIter
        configuration.model.classWeight = classWeight == .balanced ? .balanced : .none
        configuration.standardizes = !noStandardize
        configuration.l2Normalizes = l2Normalize
        configuration.sweeps = sweep
        configuration.ordinal = ordinal
        let started = DispatchTime.now().uptimeNanoseconds
        var lastProgress = started
        var lastFit = (phase: ProbeProgress.Phase.fit, step: 0)
        let progress: (ProbeProgress) -> Void = { p in
            let now = DispatchTime.now().uptimeNanoseconds
            // During a sweep a line when each fit starts (and when the final fit starts after
            // it); otherwise at most one line a second.
            let newFit = lastFit != (p.phase, p.step) && (p.phase == .sweep || lastFit.phase == .sweep)
            if newFit || now - lastProgress > 1_000_000_000 {
                lastProgress = now
                lastFit = (p.phase, p.step)
                let fit = p.phase == .sweep ? String(format: "sweep %d/%d  C %g", p.step, p.steps, p.c) : String(format: "final fit  C %g", p.c)
                warn(String(format: "%@  iteration %d  objective %.8f  max|grad| %.2e", fit, p.iteration, p.objective, p.maxGradient), prefix: "")
            }
        }
        let result: (report: ProbeReport, model: LogisticRegressionModel)
        switch (consume trainX, consume testX) {
        case (.float32(let a), .float32(let b)):
            result = try runLinearProbe(train: a, trainLabels: trainY, test: b, testLabels: testY, configuration: configuration, progress: progress)
        case (.float32(let a), .float64(let b)):
            result = try runLinearProbe(train: a.converted(to: Double.self), trainLabels: trainY, test: b, testLabels: testY, configuration: configuration, progress: progress)
        case (.float64(let a), .float32(let b)):
            result = try runLinearProbe(train: a, trainLabels: trainY, test: b.converted(to: Double.self), testLabels: testY, configuration: configuration, progress: progress)
        case (.float64(let a), .float64(let b)):
            result = try runLinearProbe(train: a, trainLabels: trainY, test: b, testLabels: testY, configuration: configuration, progress: progress)
        }
        let r = result.report
        let unseen = Set(testY).subtracting(trainY)
        if !unseen.isEmpty {
            warn("test labels never seen in training: \(unseen.sorted().map(String.init).joined(separator: ", ")); those rows count as wrong")
        }
        if !r.converged {
            warn("the fit did not converge (\(r.stopReason.rawValue) after \(r.nIter) iterations, max|grad| \(String(format: "%.2e", r.maxGradient)) > tol \(r.tol)); increase --max-iter or check feature scaling")
        }
        try OutputFile.write(summary(r) + "\n", to: "-")
        if let path = report {
            let json: Data
            do { json = try ReportJSON.data(r) } catch { throw ToolError("cannot encode the report: \(error)") }
            try OutputFile.write([UInt8](json), to: path)
        }
        if let path = saveModel {
            let archive: Data
            do { archive = try NPZWriter.archive(result.model.savedArrays) } catch { throw ToolError("cannot save the model: \(error.description)") }
            try OutputFile.write([UInt8](archive), to: path)
        }
        if let logdir { try logToTensorBoard(r, logdir: logdir) }
    }

    private func summary(_ r: ProbeReport) -> String {
        var lines = [
            "linear probe: \(r.trainRows) train / \(r.testRows) test rows, \(r.featureCount) features, \(r.classCount) classes, preprocessing: \(r.preprocessing)",
            String(format: "fit: C = %g, %d iterations, %d evaluations, %@ (%@), objective %.10f, %.3f s", r.c, r.nIter, r.nFev, r.converged ? "converged" : "NOT converged", r.stopReason.rawValue, r.objective, r.fitSeconds),
            String(format: "train accuracy   %.5f", r.trainAccuracy),
            String(format: "test accuracy    %.5f", r.testAccuracy),
        ]
        if let top5 = r.top5Accuracy { lines.append(String(format: "test top-5       %.5f", top5)) }
        lines.append(String(format: "balanced acc.    %.5f", r.balancedAccuracy))
        lines.append(String(format: "test log-loss    %.5f", r.logLoss))
        if let mae = r.mae, let qwk = r.qwk {
            lines.append(String(format: "MAE              %.5f", mae))
            lines.append(String(format: "QWK              %.5f", qwk))
        }
        if let sweep = r.sweep {
            lines.append("sweep (C: validation accuracy): " + sweep.map { String(format: "%g: %.4f", $0.c, $0.validationAccuracy) }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}

/// One line on stderr.
func warn(_ message: String, prefix: String = "warning: ") {
    FileHandle.standardError.write(Data(("linear-probe: " + prefix + message + "\n").utf8))
}
