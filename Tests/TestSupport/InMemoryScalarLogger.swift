import ScalarLogging
import Synchronization

/// A `ScalarLogger` that records every call in memory, for tests (the swift-log
/// `InMemoryLogHandler` pattern). Safe to call from several threads: state sits behind a `Mutex`.
public final class InMemoryScalarLogger: ScalarLogger {
    /// One recorded scalar.
    public struct Entry: Sendable, Equatable {
        /// Series name.
        public var tag: String
        /// Logged value.
        public var value: Double
        /// Training step.
        public var step: Int

        /// Creates an entry.
        public init(tag: String, value: Double, step: Int) {
            self.tag = tag
            self.value = value
            self.step = step
        }
    }

    private let state = Mutex<(scalars: [Entry], layouts: [CustomScalarLayout])>(([], []))

    /// Creates an empty recorder.
    public init() {}

    /// Records a scalar.
    public func logScalar(tag: String, value: Double, step: Int) throws {
        state.withLock { $0.scalars.append(Entry(tag: tag, value: value, step: step)) }
    }

    /// Records a custom-scalars layout.
    public func logCustomScalarLayout(_ layout: CustomScalarLayout) throws {
        state.withLock { $0.layouts.append(layout) }
    }

    /// Every scalar logged so far, in call order.
    public var scalars: [Entry] { state.withLock { $0.scalars } }

    /// Every layout logged so far, in call order.
    public var layouts: [CustomScalarLayout] { state.withLock { $0.layouts } }

    /// The scalars of one tag, in call order.
    public func scalars(tag: String) -> [Entry] { scalars.filter { $0.tag == tag } }
}
