public import LinearAlgebra

/// A batch for a contrastive loss: one or more views of the same samples, and optional labels.
///
/// **Row layout (every loss):** `views[v]` is a row-major `[n, d]` matrix whose row `i` is view
/// `v` of sample `i`; every view has the same shape. `labels[i]` (if any) is sample `i`'s class.
/// Losses that learn from a teacher (the sigmoid loss's EMA target encoder) take the teacher's
/// embeddings as `targetViews`, in the same layout.
public struct MultiViewBatch<Scalar: BLASScalar>: Sendable {
    /// The views, `[n, d]` each.
    public let views: [Matrix<Scalar>]
    /// Target (teacher) views, `[n, d]` each, or empty.
    public let targetViews: [Matrix<Scalar>]
    /// One class label per sample, or `nil`.
    public let labels: [Int]?

    /// Creates a batch, checking that every view (and target view) is `[n, d]` and that there
    /// are `n` labels.
    ///
    /// - Parameters:
    ///   - views: ≥ 1 views, `[n, d]` each.
    ///   - targetViews: Teacher views, `[n, d]` each (default none).
    ///   - labels: `n` labels, or `nil`.
    /// - Throws: `LossError.shapeMismatch` naming the first view or label count that differs;
    ///   `LossError.emptyBatch` without views.
    public init(views: [Matrix<Scalar>], targetViews: [Matrix<Scalar>] = [], labels: [Int]? = nil) throws(LossError) {
        guard let first = views.first else { throw .emptyBatch }
        for (index, view) in (views + targetViews).enumerated() where view.rows != first.rows || view.columns != first.columns {
            let name = index < views.count ? "views[\(index)]" : "targetViews[\(index - views.count)]"
            throw .shapeMismatch(what: name, expected: "[\(first.rows), \(first.columns)] like views[0]", actual: "[\(view.rows), \(view.columns)]")
        }
        if let labels, labels.count != first.rows {
            throw .shapeMismatch(what: "labels", expected: "\(first.rows) labels (one per sample)", actual: "\(labels.count)")
        }
        self.views = views
        self.targetViews = targetViews
        self.labels = labels
    }

    /// A batch of one view (`[n, d]`), as CLOC takes it.
    public init(_ embeddings: Matrix<Scalar>, labels: [Int]? = nil) throws(LossError) {
        try self.init(views: [embeddings], labels: labels)
    }

    /// A batch from the sample-major stacking PyTorch code often uses: `[n·V, d]` with row
    /// `i·V + v` = view v of sample i (`features.view(bsz * n_views, dim)` of SupCon's
    /// `[bsz, n_views, dim]`, and the QARe codebase's interleaved `[2N, d]` for V = 2).
    ///
    /// - Throws: `LossError.shapeMismatch` when the rows are not a multiple of `viewCount`.
    public init(sampleMajorRows rows: Matrix<Scalar>, viewCount: Int, labels: [Int]? = nil) throws(LossError) {
        guard viewCount >= 1, rows.rows % viewCount == 0, rows.rows > 0 else {
            throw .shapeMismatch(
                what: "sample-major rows", expected: "a positive multiple of \(viewCount) rows ([n, views, dim])",
                actual: "\(rows.rows) rows")
        }
        try self.init(views: rows.splitSampleMajor(viewCount: viewCount), labels: labels)
    }

    /// Samples per view (n).
    public var sampleCount: Int { views[0].rows }

    /// Stacks `[n, d]` matrices sample-major: row `i·V + v` = row i of `matrices[v]` (the inverse
    /// of `init(sampleMajorRows:viewCount:)`, for gradients in a PyTorch layout).
    public static func sampleMajorRows(of matrices: [Matrix<Scalar>]) -> Matrix<Scalar> {
        guard let first = matrices.first else { return Matrix(rows: 0, columns: 0) }
        let n = first.rows, d = first.columns, count = matrices.count
        var elements = [Scalar]()
        elements.reserveCapacity(n * d * count)
        for i in 0..<n {
            for view in matrices { elements.append(contentsOf: view.elements[(i * d)..<((i + 1) * d)]) }
        }
        return Matrix(rows: n * count, columns: d, elements: elements)
    }
}

/// What a contrastive loss returns: its value and named gradients.
public struct LossEvaluation<Scalar: BLASScalar>: Sendable {
    /// The loss, in nats.
    public var loss: Double
    /// ∂loss/∂`views[v]`, `[n, d]` each, in the batch's layout.
    public var viewGradients: [Matrix<Scalar>]
    /// ∂loss/∂`targetViews[v]` (empty when the batch has none).
    public var targetViewGradients: [Matrix<Scalar>]
    /// Gradients of the loss's own learnable parameters, by name (CLOC: `"margins"`, one entry
    /// per learnable margin parameter θ; the sigmoid loss: `"logScale"` and `"bias"`).
    public var parameterGradients: [String: [Double]]
    /// Other values the loss computes along the way, by name (the sigmoid loss:
    /// `"invariance"`, the KL term in nats; CLOC: none).
    public var diagnostics: [String: Double]

    /// Creates an evaluation.
    public init(
        loss: Double, viewGradients: [Matrix<Scalar>], targetViewGradients: [Matrix<Scalar>] = [],
        parameterGradients: [String: [Double]] = [:], diagnostics: [String: Double] = [:]
    ) {
        self.loss = loss
        self.viewGradients = viewGradients
        self.targetViewGradients = targetViewGradients
        self.parameterGradients = parameterGradients
        self.diagnostics = diagnostics
    }
}

/// The one way every loss of the package is called:
///
/// ```swift
/// let batch = try MultiViewBatch(views: [z1, z2], labels: labels)
/// let result = try loss.evaluate(batch, step: step)   // result.loss, result.viewGradients[0] …
/// ```
///
/// Each loss documents how many views it takes, whether labels are required, and its formula;
/// all take Float or Double input and compute in the input's precision (sums in Double).
/// When `step` is set and the loss has a logger, it logs its scalars at that step.
public protocol ContrastiveLoss: Sendable {
    /// Evaluates the loss and its gradients on a batch.
    ///
    /// - Parameters:
    ///   - batch: Views (and labels) in the layout of `MultiViewBatch`.
    ///   - step: Global step for logging, or `nil` for none.
    /// - Returns: The loss and its gradients with respect to every view and learnable parameter.
    /// - Throws: `LossError` for a batch the loss cannot take (view count, labels, sizes,
    ///   non-finite values); what the logger throws.
    func evaluate<Scalar: BLASScalar>(_ batch: MultiViewBatch<Scalar>, step: Int?) throws -> LossEvaluation<Scalar>
}

extension ContrastiveLoss {
    /// Evaluates without logging.
    public func evaluate<Scalar: BLASScalar>(_ batch: MultiViewBatch<Scalar>) throws -> LossEvaluation<Scalar> {
        try evaluate(batch, step: nil)
    }
}

extension MultiViewBatch {
    /// Throws unless the batch has exactly `count` views.
    func requireViews(_ count: Int, loss: String) throws(LossError) {
        guard views.count == count else {
            throw .shapeMismatch(what: "\(loss) views", expected: "\(count) view\(count == 1 ? "" : "s")", actual: "\(views.count)")
        }
    }

    /// The labels, or a typed error when the loss needs them.
    func requireLabels(loss: String) throws(LossError) -> [Int] {
        guard let labels else {
            throw .invalidParameter(name: "labels", value: "nil", reason: "\(loss) needs one class label per sample")
        }
        return labels
    }

    /// Rows `i·V + v` = view v of sample i (the sample-major stacking of SupCon's `[bsz, V, d]`).
    func sampleMajorRows() -> Matrix<Scalar> { Self.sampleMajorRows(of: views) }
}

extension Matrix {
    /// Splits sample-major rows (`i·V + v`) back into V matrices of `rows / V` rows.
    func splitSampleMajor(viewCount: Int) -> [Matrix] {
        let n = rows / viewCount, d = columns
        return (0..<viewCount).map { v in
            var viewElements = [Scalar]()
            viewElements.reserveCapacity(n * d)
            for i in 0..<n {
                let row = i * viewCount + v
                viewElements.append(contentsOf: elements[(row * d)..<((row + 1) * d)])
            }
            return Matrix(rows: n, columns: d, elements: viewElements)
        }
    }
}

extension SupConLoss: ContrastiveLoss {
    /// SupCon on V ≥ 1 views with labels (supervised) or without (SimCLR's positives: the other
    /// views of the same sample). See the type's description for the formula.
    public func evaluate<Scalar: BLASScalar>(_ batch: MultiViewBatch<Scalar>, step: Int?) throws -> LossEvaluation<Scalar> {
        let result = try forward(features: batch.sampleMajorRows(), viewCount: batch.views.count, labels: batch.labels, step: step)
        return LossEvaluation(loss: result.loss, viewGradients: result.inputGradient.splitSampleMajor(viewCount: batch.views.count))
    }
}

extension NTXentLoss: ContrastiveLoss {
    /// NT-Xent on exactly two views; labels are not used.
    public func evaluate<Scalar: BLASScalar>(_ batch: MultiViewBatch<Scalar>, step: Int?) throws -> LossEvaluation<Scalar> {
        try batch.requireViews(2, loss: "NT-Xent")
        let result = try forward(view0: batch.views[0], view1: batch.views[1], step: step)
        return LossEvaluation(loss: result.loss, viewGradients: [result.gradient0, result.gradient1])
    }
}

extension DCLLoss: ContrastiveLoss {
    /// DCL/DCLW on exactly two views; labels are not used.
    public func evaluate<Scalar: BLASScalar>(_ batch: MultiViewBatch<Scalar>, step: Int?) throws -> LossEvaluation<Scalar> {
        try batch.requireViews(2, loss: "DCL")
        let result = try forward(view0: batch.views[0], view1: batch.views[1], step: step)
        return LossEvaluation(loss: result.loss, viewGradients: [result.gradient0, result.gradient1])
    }
}

extension QAReLoss: ContrastiveLoss {
    /// SimCLR, SparseCLR and their QARe variants on exactly two views; labels are not used.
    public func evaluate<Scalar: BLASScalar>(_ batch: MultiViewBatch<Scalar>, step: Int?) throws -> LossEvaluation<Scalar> {
        try batch.requireViews(2, loss: "QARe")
        let result = try forward(input: batch.sampleMajorRows(), step: step)
        return LossEvaluation(loss: result.loss, viewGradients: result.inputGradient.splitSampleMajor(viewCount: 2))
    }
}

extension SigmoidContrastiveLoss: ContrastiveLoss {
    /// The sigmoid loss with the penalty exponent `gamma`. Without target views, `views[0]` is
    /// the online and `views[1]` the target projection (exactly two views); with target views
    /// (the G global views of the EMA encoder), `views` are the online views, G global first,
    /// and every pair (target t, online o ≠ t) is averaged.
    public func evaluate<Scalar: BLASScalar>(_ batch: MultiViewBatch<Scalar>, step: Int?) throws -> LossEvaluation<Scalar> {
        let result: SigmoidContrastiveResult<Scalar>
        let hasTargets = !batch.targetViews.isEmpty
        if hasTargets {
            result = try forward(online: batch.views, target: batch.targetViews, gamma: gamma, step: step)
        } else {
            try batch.requireViews(2, loss: "sigmoid contrastive (online, target)")
            result = try forward(online: batch.views[0], target: batch.views[1], gamma: gamma, step: step)
        }
        return LossEvaluation(
            loss: result.loss,
            viewGradients: hasTargets ? result.onlineGradients : result.onlineGradients + result.targetGradients,
            targetViewGradients: hasTargets ? result.targetGradients : [],
            parameterGradients: ["logScale": [result.logScaleGradient], "bias": [result.biasGradient]],
            diagnostics: ["invariance": result.invariance])
    }
}

extension OrdinalContrastiveLoss: ContrastiveLoss {
    /// CLOC on one view (the embeddings, for CLOC usually the logits) with labels in
    /// `0..<classCount`; `parameterGradients["margins"]` is ∂loss/∂θ of the learnable margins.
    public func evaluate<Scalar: BLASScalar>(_ batch: MultiViewBatch<Scalar>, step: Int?) throws -> LossEvaluation<Scalar> {
        try batch.requireViews(1, loss: "CLOC")
        let labels = try batch.requireLabels(loss: "CLOC")
        let result = try forward(embeddings: batch.views[0], labels: labels, step: step)
        return LossEvaluation(
            loss: result.loss, viewGradients: [result.embeddingGradient],
            parameterGradients: ["margins": result.learnableMarginGradient])
    }
}
