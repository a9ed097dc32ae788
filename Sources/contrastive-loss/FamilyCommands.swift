import ArrayFiles
import ArgumentParser
import Foundation
import Losses
import LinearAlgebra
import ToolSupport

/// Options shared by the contrastive-loss family's subcommands.
struct FamilyOptions: ParsableArguments {
    @Option(name: .long, help: "Input .npy: [batch, views, dim] for supcon; [2N, dim] interleaved for qare/simclr/sparseclr variants; [N, dim] first view otherwise.")
    var input: String

    @Option(name: .long, help: "Second view / target projections .npy, [N, dim] (nt-xent, dcl, dclw, sigmoid).")
    var input2: String?

    @Option(name: .long, help: "Labels .npy, [batch] integers (supcon).")
    var labels: String?

    @Option(name: .long, parsing: .unconditionalSingleValue, help: "A setting as key=value (repeatable): temperature, base_temperature, contrast_mode, sigma, detach_weights, alpha, beta, gamma, max_tau, tau, b.")
    var param: [String] = []

    @Option(name: .long, help: "Element type of the evaluation.")
    var dtype: DType = .float64

    @Flag(name: .long, help: "Print the result as one JSON object.")
    var json = false

    /// The settings, checked against the keys a loss accepts.
    func parameters(allowed: [String]) throws -> [String: String] {
        var result = [String: String]()
        for item in param {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--param '\(item)': expected key=value") }
            guard allowed.contains(parts[0]) else {
                throw ValidationError("--param \(parts[0]): not a setting of this loss (" + (allowed.isEmpty ? "it takes none)" : "settings: \(allowed.joined(separator: ", ")))"))
            }
            result[parts[0]] = parts[1]
        }
        return result
    }

    func number(_ parameters: [String: String], _ key: String, default value: Double) throws -> Double {
        guard let text = parameters[key] else { return value }
        guard let number = Double(text), number.isFinite else { throw ValidationError("--param \(key)=\(text): not a finite number") }
        return number
    }

    func bool(_ parameters: [String: String], _ key: String, default value: Bool) throws -> Bool {
        guard let text = parameters[key] else { return value }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw ValidationError("--param \(key)=\(text): expected true or false")
        }
    }

    func array(_ path: String) throws -> NPYArray { try NPYArray(contentsOfFile: path) }

    func second() throws -> NPYArray {
        guard let input2 else { throw ValidationError("--input2 is required for this loss") }
        return try array(input2)
    }

    func labelValues(count: Int) throws -> [Int]? {
        guard let labels else { return nil }
        let values = try NPYArray(contentsOfFile: labels)
        guard case .int32 = values.storage else {
            guard case .int64 = values.storage else { throw ToolError("\(labels): labels have dtype \(values.dtypeDescriptor); save them as int32 or int64") }
            return try checked(values.integers(path: labels), count: count)
        }
        return try checked(values.integers(path: labels), count: count)
    }

    private func checked(_ values: [Int], count: Int) throws -> [Int] {
        guard values.count == count else { throw ToolError("--labels has \(values.count) labels for a batch of \(count)") }
        return values
    }

    /// Prints `{"loss": …, "grad": {…}}` (or a short summary without --json).
    func report(loss: Double, gradients: [(String, String)]) throws {
        if json {
            try printLine("{\"loss\": \(jsonNumber(loss)), \"grad\": {" + gradients.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}}")
        } else {
            try printLine("loss: \(loss)\ngradients: \(gradients.map(\.0).joined(separator: ", ")) (use --json for values)")
        }
    }
}

/// The usage line of a family subcommand, wrapped to fit 80 columns.
func familyUsage(_ name: String, _ inputs: String) -> String {
    "contrastive-loss \(name) \(inputs)\n[--param <key=value> ...] [--dtype <dtype>] [--json]"
}

/// A [rows, d] matrix from a 2-D array, or an error naming the expected shape.
func matrix2D<Scalar: BLASScalar>(_ array: NPYArray, _ name: String, _: Scalar.Type) throws -> Matrix<Scalar> {
    guard array.shape.count == 2 else { throw ToolError("\(name): expected a 2-D array [rows, dim], got shape \(array.shape)") }
    return try array.matrix(of: Scalar.self, path: name)
}

/// `contrastive-loss supcon`.
struct SupConCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supcon",
        abstract: "SupConLoss (HobbitLong/SupContrast): --input [batch, views, dim] (normalised), optional --labels.",
        usage: familyUsage("supcon", "--input <input> [--labels <labels>]"))
    @OptionGroup var options: FamilyOptions

    func run() throws {
        let p = try options.parameters(allowed: ["temperature", "base_temperature", "contrast_mode"])
        let mode = p["contrast_mode"] ?? "all"
        guard let contrastMode = SupConLoss.ContrastMode(rawValue: mode) else { throw ValidationError("--param contrast_mode=\(mode): expected all or one") }
        let loss = try SupConLoss(temperature: options.number(p, "temperature", default: 0.07), baseTemperature: options.number(p, "base_temperature", default: 0.07), contrastMode: contrastMode)
        let array = try options.array(options.input)
        guard array.shape.count == 3 else { throw ToolError("\(options.input): supcon expects a 3-D array [batch, views, dim], got shape \(array.shape)") }
        let (b, v, d) = (array.shape[0], array.shape[1], array.shape[2])
        let labels = try options.labelValues(count: b)
        func run<S: BLASScalar>(_: S.Type) throws {
            let x = Matrix<S>(rows: b * v, columns: d, elements: array.doubles.map { S($0) })
            let r = try loss.evaluate(MultiViewBatch(sampleMajorRows: x, viewCount: v, labels: labels))
            let g = r.viewGradients
            let nested = "[" + (0..<b).map { i in "[" + (0..<v).map { j in "[" + g[j].row(i).map { jsonNumber(Double($0)) }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"
            try options.report(loss: r.loss, gradients: [("input", nested)])
        }
        if array.shape.count == 3, options.dtype == .float32 { try run(Float.self) } else { try run(Double.self) }
    }
}

/// `contrastive-loss nt-xent`, `dcl` and `dclw` share two-view inputs.
struct TwoViewCommand {
    static func run(_ options: FamilyOptions, _ makeLoss: ([String: String]) throws -> any ContrastiveLoss, allowed: [String]) throws {
        let p = try options.parameters(allowed: allowed)
        let a = try matrix2D(options.array(options.input), options.input, Double.self)
        let b = try matrix2D(options.second(), options.input2 ?? "", Double.self)
        let loss = try makeLoss(p)
        let views = options.dtype == .float32 ? [a, b].map { $0.converted(to: Float.self).converted(to: Double.self) } : [a, b]
        let r = try loss.evaluate(MultiViewBatch(views: views))
        try options.report(loss: r.loss, gradients: [("input", jsonMatrix(r.viewGradients[0])), ("input2", jsonMatrix(r.viewGradients[1]))])
    }
}

/// `contrastive-loss nt-xent`.
struct NTXentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nt-xent",
        abstract: "NT-Xent (lightly NTXentLoss): --input and --input2, [N, dim] each.",
        usage: familyUsage("nt-xent", "--input <input> --input2 <input2>"))
    @OptionGroup var options: FamilyOptions
    func run() throws {
        try TwoViewCommand.run(options, { p in
            try NTXentLoss(temperature: options.number(p, "temperature", default: 0.5))
        }, allowed: ["temperature"])
    }
}

/// `contrastive-loss dcl`.
struct DCLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dcl",
        abstract: "Decoupled contrastive loss: --input and --input2, [N, dim] each.",
        usage: familyUsage("dcl", "--input <input> --input2 <input2>"))
    @OptionGroup var options: FamilyOptions
    func run() throws {
        try TwoViewCommand.run(options, { p in
            try DCLLoss(temperature: options.number(p, "temperature", default: 0.1))
        }, allowed: ["temperature"])
    }
}

/// `contrastive-loss dclw`.
struct DCLWCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dclw",
        abstract: "DCL with von Mises-Fisher weights: --input and --input2; detach_weights=true is lightly's (default), false nidl's.",
        usage: familyUsage("dclw", "--input <input> --input2 <input2>"))
    @OptionGroup var options: FamilyOptions
    func run() throws {
        try TwoViewCommand.run(options, { p in
            try DCLLoss(temperature: options.number(p, "temperature", default: 0.1), sigma: options.number(p, "sigma", default: 0.5), detachesWeights: options.bool(p, "detach_weights", default: true))
        }, allowed: ["temperature", "sigma", "detach_weights"])
    }
}

/// `contrastive-loss sigmoid`.
struct SigmoidCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sigmoid",
        abstract: "Sigmoid contrastive loss (scl_loss): --input online and --input2 target projections, [N, dim] each.",
        usage: familyUsage("sigmoid", "--input <input> --input2 <input2>"))
    @OptionGroup var options: FamilyOptions
    func run() throws {
        let p = try options.parameters(allowed: ["tau", "b", "alpha", "gamma", "max_tau"])
        let loss = try SigmoidContrastiveLoss(
            logScale: options.number(p, "tau", default: Double.logarithm(5)), bias: options.number(p, "b", default: -5),
            maxScale: options.number(p, "max_tau", default: 5), alpha: options.number(p, "alpha", default: 0),
            gamma: options.number(p, "gamma", default: 0))
        let a = try matrix2D(options.array(options.input), options.input, Double.self)
        let b = try matrix2D(options.second(), options.input2 ?? "", Double.self)
        func report<S: BLASScalar>(_ r: LossEvaluation<S>) throws {
            try options.report(loss: r.loss, gradients: [("input", jsonMatrix(r.viewGradients[0])), ("input2", jsonMatrix(r.viewGradients[1])), ("tau", jsonNumber(r.parameterGradients["logScale"]?.first ?? .nan)), ("b", jsonNumber(r.parameterGradients["bias"]?.first ?? .nan))])
        }
        if options.dtype == .float32 {
            try report(loss.evaluate(MultiViewBatch(views: [a.converted(to: Float.self), b.converted(to: Float.self)])))
        } else {
            try report(loss.evaluate(MultiViewBatch(views: [a, b])))
        }
    }
}

/// The interleaved-row losses of the QARe codebase.
struct InterleavedCommand {
    static func run(_ options: FamilyOptions, method: QAReLoss.Method) throws {
        let allowed = method == .simclr || method == .sparseclr || method == .qare ? [String]() : ["alpha", "beta"]
        let p = try options.parameters(allowed: allowed)
        let x = try matrix2D(options.array(options.input), options.input, Double.self)
        guard x.rows % 2 == 0 else { throw ToolError("\(options.input): \(method.rawValue) takes interleaved views, an even number of rows; got \(x.rows)") }
        let loss = try QAReLoss(method: method, alpha: options.number(p, "alpha", default: 1), beta: options.number(p, "beta", default: 1))
        let gradient: Matrix<Double>
        let value: Double
        if options.dtype == .float32 {
            let r = try loss.evaluate(MultiViewBatch(sampleMajorRows: x.converted(to: Float.self), viewCount: 2))
            (value, gradient) = (r.loss, MultiViewBatch.sampleMajorRows(of: r.viewGradients).converted(to: Double.self))
        } else {
            let r = try loss.evaluate(MultiViewBatch(sampleMajorRows: x, viewCount: 2))
            (value, gradient) = (r.loss, MultiViewBatch.sampleMajorRows(of: r.viewGradients))
        }
        try options.report(loss: value, gradients: [("input", jsonMatrix(gradient))])
    }
}

/// `contrastive-loss qare`.
struct QARECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qare",
        abstract: "The QARe spectral term: --input [2N, dim], interleaved views.",
        usage: familyUsage("qare", "--input <input>"))
    @OptionGroup var options: FamilyOptions
    func run() throws { try InterleavedCommand.run(options, method: .qare) }
}

/// `contrastive-loss simclr`.
struct SimCLRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simclr",
        abstract: "SimCLR of the QARe codebase (log of mean): --input [2N, dim], interleaved.",
        usage: familyUsage("simclr", "--input <input>"))
    @OptionGroup var options: FamilyOptions
    func run() throws { try InterleavedCommand.run(options, method: .simclr) }
}

/// `contrastive-loss simclr-qare`.
struct SimCLRQARECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simclr-qare",
        abstract: "α·SimCLR + β·QARe: --input [2N, dim], interleaved.",
        usage: familyUsage("simclr-qare", "--input <input>"))
    @OptionGroup var options: FamilyOptions
    func run() throws { try InterleavedCommand.run(options, method: .simclrQARe) }
}

/// `contrastive-loss sparseclr`.
struct SparseCLRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sparseclr",
        abstract: "SparseCLR (sparsemax loss): --input [2N, dim], interleaved.",
        usage: familyUsage("sparseclr", "--input <input>"))
    @OptionGroup var options: FamilyOptions
    func run() throws { try InterleavedCommand.run(options, method: .sparseclr) }
}

/// `contrastive-loss sparseclr-qare`.
struct SparseCLRQARECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sparseclr-qare",
        abstract: "α·SparseCLR + β·QARe: --input [2N, dim], interleaved.",
        usage: familyUsage("sparseclr-qare", "--input <input>"))
    @OptionGroup var options: FamilyOptions
    func run() throws { try InterleavedCommand.run(options, method: .sparseclrQARe) }
}
