/// A sink for scalar training diagnostics, such as a loss value or a learnable margin.
///
/// The losses log through this protocol and know nothing of files: `SummaryWriter` (module
/// `TensorBoard`) conforms to it and writes TensorBoard events; `InMemoryScalarLogger` in the
/// test support target records calls for inspection. Conforming types must be safe to call
/// from several threads at once.
public protocol ScalarLogger: Sendable {
    /// Logs one scalar value of a series at a training step.
    ///
    /// - Parameters:
    ///   - tag: Series name, e.g. `"loss"` or `"C0-C1"`. `/` groups series in TensorBoard.
    ///   - value: The value; NaN and ±infinity are logged as such.
    ///   - step: Global training step, ≥ 0.
    /// - Throws: Whatever the sink reports (for `SummaryWriter`, a stored write error).
    func logScalar(tag: String, value: Double, step: Int) throws

    /// Logs the layout of TensorBoard's Custom Scalars dashboard.
    ///
    /// TensorBoard keeps one layout per run; logging a new one replaces the previous one.
    ///
    /// - Parameter layout: The categories and charts to show.
    /// - Throws: Whatever the sink reports.
    func logCustomScalarLayout(_ layout: CustomScalarLayout) throws
}

/// The layout of TensorBoard's Custom Scalars dashboard (the `tensorboard.Layout` proto).
///
/// Mirrors `tensorboard/plugins/custom_scalar/layout.proto`: a list of categories, each a list
/// of charts; a chart is either a multiline chart (several tags, regular expressions allowed)
/// or a margin chart (value with lower and upper bounds).
public struct CustomScalarLayout: Sendable, Equatable {
    /// One collapsible section of the dashboard.
    public struct Category: Sendable, Equatable {
        /// Section title shown in the dashboard.
        public var title: String
        /// Charts in display order.
        public var charts: [Chart]
        /// Whether the section starts collapsed.
        public var closed: Bool

        /// Creates a category.
        ///
        /// - Parameters:
        ///   - title: Section title.
        ///   - charts: Charts in display order.
        ///   - closed: Whether the section starts collapsed (default `false`).
        public init(title: String, charts: [Chart], closed: Bool = false) {
            self.title = title
            self.charts = charts
            self.closed = closed
        }
    }

    /// One chart of a category.
    public struct Chart: Sendable, Equatable {
        /// Chart title.
        public var title: String
        /// What the chart draws.
        public var content: Content

        /// Creates a chart.
        ///
        /// - Parameters:
        ///   - title: Chart title.
        ///   - content: A multiline or a margin chart.
        public init(title: String, content: Content) {
            self.title = title
            self.content = content
        }
    }

    /// The content of a chart (the `oneof content` of `Chart`).
    public enum Content: Sendable, Equatable {
        /// Several series in one chart; each entry is a tag or a regular expression over tags.
        case multiline(tags: [String])
        /// Series drawn as a value with a shaded band between a lower and an upper series.
        case margin(series: [MarginSeries])
    }

    /// The three tags of one margin-chart series.
    public struct MarginSeries: Sendable, Equatable {
        /// Tag of the central value.
        public var value: String
        /// Tag of the lower bound.
        public var lower: String
        /// Tag of the upper bound.
        public var upper: String

        /// Creates a margin series from its three tags.
        ///
        /// - Parameters:
        ///   - value: Tag of the central value.
        ///   - lower: Tag of the lower bound.
        ///   - upper: Tag of the upper bound.
        public init(value: String, lower: String, upper: String) {
            self.value = value
            self.lower = lower
            self.upper = upper
        }
    }

    /// Categories in display order.
    public var categories: [Category]

    /// Creates a layout.
    ///
    /// - Parameter categories: Categories in display order.
    public init(categories: [Category]) {
        self.categories = categories
    }
}
