import ArgumentParser
import Losses
import LinearAlgebra
import ToolSupport

/// Options of both CLOC variants.
struct CLOCOptions: ParsableArguments {
    @OptionGroup var common: CommonLossOptions

    @Option(
        name: .long, parsing: .unconditional,
        help: "Raw margin parameters θ (before softplus), comma-separated, e.g. --theta -0.43,0.54: C−1 values for cloc-multi, 1 for cloc-single. Every entry gets a gradient.")
    var theta: String

    @Option(name: .long, parsing: .unconditional, help: "Number of classes C (default: max label + 1, or θ count + 1 for cloc-multi).")
    var classes: Int?

    @Option(name: .long, help: "Reduction: original (divide by q·c², the reference code) or pair-mean (divide by q·c).")
    var reduction: ReductionChoice = .original

    enum ReductionChoice: String, ExpressibleByArgument, CaseIterable {
        case original
        case pairMean = "pair-mean"
    }

    func validate() throws {
        if let classes, classes < 1 || classes > OrdinalContrastiveLoss.maximumClassCount {
            throw ValidationError("--classes must be between 1 and \(OrdinalContrastiveLoss.maximumClassCount) (memory grows with its square), got \(classes)")
        }
    }

    func run(variant: OrdinalContrastiveLoss.Variant) throws {
        let rawTheta = try parseNumberList(theta, option: "--theta")
        let labels = try common.labelValues()
        let largest = labels.max() ?? 0
        guard largest < OrdinalContrastiveLoss.maximumClassCount else {
            throw ToolError("\(common.labels ?? "--labels"): label \(largest) is above the largest class index CLOC accepts (\(OrdinalContrastiveLoss.maximumClassCount - 1))")
        }
        let classCount = classes ?? (variant == .multiMargin ? rawTheta.count + 1 : largest + 1)
        let margins = variant == .multiMargin ? classCount - 1 : 1
        guard rawTheta.count == margins else {
            throw ValidationError("--theta has \(rawTheta.count) values; \(variant == .multiMargin ? "cloc-multi with \(classCount) classes" : "cloc-single") needs \(margins)")
        }
        var loss = try OrdinalContrastiveLoss(
            classCount: classCount, variant: variant, map: LearnableMap(Array(repeating: .learnable(0.5), count: margins)),
            reduction: reduction == .original ? .original : .pairMean)
        loss.rawMargins = rawTheta
        switch common.dtype {
        // Every margin is learnable here, so the learnable margins' gradient is all of θ's.
        case .float64: try report(loss.evaluate(MultiViewBatch(common.features(Double.self), labels: labels)))
        case .float32: try report(loss.evaluate(MultiViewBatch(common.features(Float.self), labels: labels)))
        }
    }

    private func report<Scalar: BLASScalar>(_ result: LossEvaluation<Scalar>) throws {
        let theta = result.parameterGradients["margins"] ?? []
        if common.json {
            try printLine("{\"loss\": \(jsonNumber(result.loss)), \"grad\": {\"input\": \(jsonMatrix(result.viewGradients[0])), \"theta\": \(jsonVector(theta))}}")
        } else {
            try printLine("loss: \(result.loss)")
            try printLine("dL/dtheta: \(jsonVector(theta))")
            try printLine("dL/dinput: [\(result.viewGradients[0].rows), \(result.viewGradients[0].columns)] (use --json for values)")
        }
    }
}

/// `contrastive-loss cloc-multi`.
struct CLOCMultiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloc-multi",
        abstract: "CLOC with C−1 adjacent margins (OrdinalContrastiveLoss_mm).",
        usage: "contrastive-loss cloc-multi --input <input> --labels <labels>\n--theta <theta> [--classes <classes>] [--reduction <reduction>]\n[--dtype <dtype>] [--json]")

    @OptionGroup var options: CLOCOptions

    func run() throws { try options.run(variant: .multiMargin) }
}

/// `contrastive-loss cloc-single`.
struct CLOCSingleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloc-single",
        abstract: "CLOC with one shared margin (OrdinalContrastiveLoss_sm).",
        usage: "contrastive-loss cloc-single --input <input> --labels <labels>\n--theta <theta> [--classes <classes>] [--reduction <reduction>]\n[--dtype <dtype>] [--json]")

    @OptionGroup var options: CLOCOptions

    func run() throws { try options.run(variant: .singleMargin) }
}
