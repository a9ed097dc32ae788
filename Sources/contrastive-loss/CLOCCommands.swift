import ArgumentParser
import Losses
import LinearAlgebra

/// Options of both CLOC variants.
struct CLOCOptions: ParsableArguments {
    @OptionGroup var common: CommonLossOptions

    @Option(
        name: .long, parsing: .unconditional,
        help: "Raw margin parameters θ (before softplus), comma-separated, e.g. --theta -0.43,0.54: C−1 values for cloc-multi, 1 for cloc-single. Every entry gets a gradient.")
    var theta: String

    @Option(name: .long, help: "Number of classes C (default: max label + 1, or θ count + 1 for cloc-multi).")
    var classes: Int?

    @Option(name: .long, help: "Reduction: original (divide by q·c², the reference code) or pair-mean (divide by q·c). Default: original.")
    var reduction: ReductionChoice = .original

    enum ReductionChoice: String, ExpressibleByArgument, CaseIterable {
        case original
        case pairMean = "pair-mean"
    }

    func run(variant: OrdinalContrastiveLoss.Variant) throws {
        let rawTheta = try parseNumberList(theta, option: "--theta")
        let labels = try common.labelValues()
        let classCount = classes ?? (variant == .multiMargin ? rawTheta.count + 1 : (labels.max() ?? 0) + 1)
        let margins = variant == .multiMargin ? classCount - 1 : 1
        guard rawTheta.count == margins else {
            throw ValidationError("--theta has \(rawTheta.count) values; \(variant == .multiMargin ? "cloc-multi with \(classCount) classes" : "cloc-single") needs \(margins)")
        }
        var loss = try OrdinalContrastiveLoss(
            classCount: classCount, variant: variant, map: LearnableMap(Array(repeating: .learnable(0.5), count: margins)),
            reduction: reduction == .original ? .original : .pairMean)
        loss.rawMargins = rawTheta
        switch common.dtype {
        case .float64: try report(loss.forward(embeddings: common.features(Double.self), labels: labels))
        case .float32: try report(loss.forward(embeddings: common.features(Float.self), labels: labels))
        }
    }

    private func report<Scalar: BLASScalar>(_ result: OrdinalContrastiveResult<Scalar>) {
        if common.json {
            print("{\"loss\": \(jsonNumber(result.loss)), \"grad\": {\"input\": \(jsonMatrix(result.embeddingGradient)), \"theta\": \(jsonVector(result.allMarginGradient))}}")
        } else {
            print("loss: \(result.loss)")
            print("dL/dtheta: \(jsonVector(result.allMarginGradient))")
            print("dL/dinput: [\(result.embeddingGradient.rows), \(result.embeddingGradient.columns)] (use --json for values)")
        }
    }
}

/// `contrastive-loss cloc-multi`.
struct CLOCMultiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloc-multi", abstract: "CLOC with C−1 adjacent margins (OrdinalContrastiveLoss_mm).")

    @OptionGroup var options: CLOCOptions

    func run() throws { try options.run(variant: .multiMargin) }
}

/// `contrastive-loss cloc-single`.
struct CLOCSingleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloc-single", abstract: "CLOC with one shared margin (OrdinalContrastiveLoss_sm).")

    @OptionGroup var options: CLOCOptions

    func run() throws { try options.run(variant: .singleMargin) }
}
