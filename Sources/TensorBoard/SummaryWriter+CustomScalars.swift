public import ScalarLogging
import CProtobufC
import CTensorBoardProto

extension SummaryWriter {
    /// The tag under which TensorBoard's Custom Scalars plugin looks for its layout.
    public static let customScalarsTag = "custom_scalars__config__"

    /// Writes the layout of the Custom Scalars dashboard (torch `add_custom_scalars`).
    ///
    /// Encoded as TensorBoard expects (docs/reference/tensorboard-format.md, "Dashboard encodings"): tag `custom_scalars__config__`, a rank-0
    /// `DT_STRING` tensor holding the serialized `tensorboard.Layout`, plugin `custom_scalars`,
    /// at step 0. A later layout replaces an earlier one.
    ///
    /// - Parameter layout: Categories and charts.
    /// - Throws: `SummaryWriterError.record`.
    public func addCustomScalars(_ layout: CustomScalarLayout) throws(SummaryWriterError) {
        let bytes = CustomScalarLayoutEncoding.encode(layout)
        let tensor = TensorValue(dataType: TensorValue.string, shape: [], storage: .strings([bytes]))
        let value = SummaryValue(
            tag: Self.customScalarsTag, metadata: SummaryMetadata(pluginName: "custom_scalars", dataClass: .tensor),
            value: .tensor(tensor))
        try write(values: [value], step: 0)
    }
}

/// Serializes and parses `tensorboard.Layout` (custom_scalar/layout.proto) through protobuf-c.
public enum CustomScalarLayoutEncoding {
    /// The serialized `Layout` proto of a layout.
    ///
    /// - Parameter layout: The layout.
    /// - Returns: Its protobuf bytes (`tensorboard__layout__pack`).
    public static func encode(_ layout: CustomScalarLayout) -> [UInt8] {
        ProtobufArena.withArena { arena in
            let message = arena.allocate(Tensorboard__Layout.self)
            tensorboard__layout__init(message)
            let categories = arena.allocate(UnsafeMutablePointer<Tensorboard__Category>?.self, count: layout.categories.count)
            for (i, category) in layout.categories.enumerated() {
                let c = arena.allocate(Tensorboard__Category.self)
                tensorboard__category__init(c)
                c.pointee.title = arena.cString(category.title)
                c.pointee.closed = category.closed ? 1 : 0
                let charts = arena.allocate(UnsafeMutablePointer<Tensorboard__Chart>?.self, count: category.charts.count)
                for (j, chart) in category.charts.enumerated() {
                    let h = arena.allocate(Tensorboard__Chart.self)
                    tensorboard__chart__init(h)
                    h.pointee.title = arena.cString(chart.title)
                    switch chart.content {
                    case .multiline(let tags):
                        let m = arena.allocate(Tensorboard__MultilineChartContent.self)
                        tensorboard__multiline_chart_content__init(m)
                        let list = arena.allocate(UnsafeMutablePointer<CChar>?.self, count: tags.count)
                        for (k, tag) in tags.enumerated() { list[k] = arena.cString(tag) }
                        m.pointee.n_tag = tags.count
                        m.pointee.tag = list
                        h.pointee.content_case = TENSORBOARD__CHART__CONTENT_MULTILINE
                        h.pointee.multiline = m
                    case .margin(let series):
                        let m = arena.allocate(Tensorboard__MarginChartContent.self)
                        tensorboard__margin_chart_content__init(m)
                        let list = arena.allocate(UnsafeMutablePointer<Tensorboard__MarginChartContent__Series>?.self, count: series.count)
                        for (k, s) in series.enumerated() {
                            let entry = arena.allocate(Tensorboard__MarginChartContent__Series.self)
                            tensorboard__margin_chart_content__series__init(entry)
                            entry.pointee.value = arena.cString(s.value)
                            entry.pointee.lower = arena.cString(s.lower)
                            entry.pointee.upper = arena.cString(s.upper)
                            list[k] = entry
                        }
                        m.pointee.n_series = series.count
                        m.pointee.series = list
                        h.pointee.content_case = TENSORBOARD__CHART__CONTENT_MARGIN
                        h.pointee.margin = m
                    }
                    charts[j] = h
                }
                c.pointee.n_chart = category.charts.count
                c.pointee.chart = charts
                categories[i] = c
            }
            message.pointee.n_category = layout.categories.count
            message.pointee.category = categories
            let size = tensorboard__layout__get_packed_size(message)
            return EventEncoding.encodeMessage(size: size) { tensorboard__layout__pack(message, $0) }
        }
    }

    /// Parses a serialized `Layout` proto.
    ///
    /// - Parameter bytes: Serialized `tensorboard.Layout`.
    /// - Returns: The layout, or `nil` when the bytes do not parse (`tensorboard__layout__unpack`).
    public static func decode(_ bytes: [UInt8]) -> CustomScalarLayout? {
        bytes.withUnsafeBufferPointer { buffer -> CustomScalarLayout? in
            guard let message = tensorboard__layout__unpack(nil, buffer.count, buffer.baseAddress) else { return nil }
            defer { tensorboard__layout__free_unpacked(message, nil) }
            var categories = [CustomScalarLayout.Category]()
            for i in 0..<message.pointee.n_category {
                guard let c = message.pointee.category[i]?.pointee else { continue }
                var charts = [CustomScalarLayout.Chart]()
                for j in 0..<c.n_chart {
                    guard let h = c.chart[j]?.pointee else { continue }
                    let content: CustomScalarLayout.Content
                    if h.content_case == TENSORBOARD__CHART__CONTENT_MARGIN, let m = h.margin?.pointee {
                        content = .margin(
                            series: (0..<m.n_series).compactMap { k in
                                m.series[k].map {
                                    CustomScalarLayout.MarginSeries(
                                        value: swiftString($0.pointee.value), lower: swiftString($0.pointee.lower), upper: swiftString($0.pointee.upper))
                                }
                            })
                    } else if let m = h.multiline?.pointee {
                        content = .multiline(tags: (0..<m.n_tag).map { swiftString(m.tag[$0]) })
                    } else {
                        content = .multiline(tags: [])
                    }
                    charts.append(CustomScalarLayout.Chart(title: swiftString(h.title), content: content))
                }
                categories.append(CustomScalarLayout.Category(title: swiftString(c.title), charts: charts, closed: c.closed != 0))
            }
            return CustomScalarLayout(categories: categories)
        }
    }
}
