import CProtobufC
import CTensorBoardProto

extension SummaryWriter {
    /// Logs a precision-recall curve (torch `add_pr_curve`).
    ///
    /// Encoded as torch (docs/reference/tensorboard-format.md, "Dashboard encodings"): a `DT_FLOAT` tensor `[6, T]` (TP, FP, TN, FN, precision,
    /// recall for thresholds i/(T−1)), plugin `pr_curves` with `PrCurvePluginData{num_thresholds}`.
    /// torch clamps T to 127 claiming larger values "break protobuf" (unverified, docs/reference/tensorboard-format.md, "Unverified claims"); this
    /// writer does not clamp and defaults to 127 like torch.
    ///
    /// - Parameters:
    ///   - tag: Series name.
    ///   - labels: 0/1 ground truth.
    ///   - predictions: Probabilities in [0, 1], any `BinaryFloatingPoint` type.
    ///   - step: Global step (default 0, as torch's `global_step=None`).
    ///   - numThresholds: T ≥ 2 (default 127).
    ///   - wallTime: Seconds since the Unix epoch (default now).
    /// - Throws: `SummaryWriterError.invalidArgument` for labels other than 0/1, predictions outside
    ///   [0, 1], mismatched counts; a write error.
    public func addPRCurve<Prediction: BinaryFloatingPoint>(
        _ tag: String, labels: [Int], predictions: [Prediction], step: Int = 0, numThresholds: Int = 127, wallTime: Double? = nil
    ) throws(SummaryWriterError) {
        let rows = try PRCurve.rows(labels: labels, predictions: predictions.map { Double($0) }, thresholdCount: numThresholds)
        try addPRCurveRaw(tag, rows: rows, step: step, wallTime: wallTime)
    }

    /// Logs a precomputed PR curve (torch `add_pr_curve_raw`).
    ///
    /// - Parameters:
    ///   - tag: Series name.
    ///   - rows: Six rows of equal length T ≥ 2: TP, FP, TN, FN, precision, recall.
    ///   - step: Global step (default 0).
    ///   - wallTime: Seconds since the Unix epoch (default now).
    /// - Throws: `SummaryWriterError.invalidArgument` for a wrong shape; a write error.
    public func addPRCurveRaw(_ tag: String, rows: [[Double]], step: Int = 0, wallTime: Double? = nil) throws(SummaryWriterError) {
        guard rows.count == 6, let t = rows.first?.count, t >= 2, rows.allSatisfy({ $0.count == t }) else {
            throw .invalidArgument("PR curve: expected 6 rows (TP, FP, TN, FN, precision, recall) of equal length ≥ 2")
        }
        let tensor = TensorValue(dataType: TensorValue.float, shape: [6, Int64(t)], storage: .floats(rows.flatMap { $0.map(Float.init) }))
        let content = ProtobufArena.withArena { arena -> [UInt8] in
            let data = arena.allocate(Tensorboard__PrCurvePluginData.self)
            tensorboard__pr_curve_plugin_data__init(data)
            data.pointee.num_thresholds = UInt32(t)
            let size = tensorboard__pr_curve_plugin_data__get_packed_size(data)
            return EventEncoding.encodeMessage(size: size) { tensorboard__pr_curve_plugin_data__pack(data, $0) }
        }
        let metadata = SummaryMetadata(pluginName: "pr_curves", pluginContent: content)
        try write(values: [SummaryValue(tag: tag, metadata: metadata, value: .tensor(tensor))], step: step, wallTime: wallTime)
    }
}
