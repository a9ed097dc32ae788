import EventRecords
import Foundation
import TestSupport
import Testing

@testable import TensorBoard

/// The wire-format look that lets the reader skip events of kinds it was not asked for, and
/// the HParams collector's merging of runs read on separate threads.
@Suite struct EventKindScanTests {
    /// The payloads of the records of the one event file under `directory`, file version first.
    private func payloads(_ directory: String) throws -> [[UInt8]] {
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.contains("tfevents") })
        let reader = try RecordReader(path: directory + "/" + file)
        var result = [[UInt8]]()
        while let payload = try reader.next() { result.append(payload) }
        return result
    }

    private func mayHold(_ payload: [UInt8], _ kinds: Set<DashboardKind>, _ plugin: EventKindScan.TagPlugin) -> Bool {
        payload.withUnsafeBytes { EventKindScan.mayHold($0, kinds: kinds) { _ in plugin } }
    }

    @Test func metadataOfATagSeenBeforeIsSkippedByItsPlugin() throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory)
            // Text values carry their plugin's metadata in every event.
            try writer.addText("note", "hello", step: 1)
            try writer.close()
            let text = try #require(try payloads(directory).last)
            // A tag not seen yet: decoded, whatever is asked for (its metadata names the plugin).
            #expect(mayHold(text, [.scalars], .unseen))
            // Seen as text: decoded only when text is asked for.
            #expect(!mayHold(text, [.scalars, .histograms], .seen(.text)))
            #expect(mayHold(text, [.text], .seen(.text)))
            // Seen under a plugin without a dashboard kind: never decoded.
            #expect(!mayHold(text, Set(DashboardKind.allCases), .seen(nil)))
        }
    }

    @Test func legacyFieldsAreTypedByThemselvesEvenWithMetadata() throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory)
            try writer.addHistogramRaw(
                "w", HistogramValue(minimum: 0, maximum: 1, count: 1, sum: 0.5, sumOfSquares: 0.25, bucketLimits: [1], bucketCounts: [1]), step: 1)
            try writer.close()
            let histogram = try #require(try payloads(directory).last)
            #expect(!mayHold(histogram, [.scalars, .text], .seen(nil)))
            #expect(mayHold(histogram, [.histograms], .seen(nil)))
        }
    }

    @Test func skippingSeenMetadataKeepsEveryValue() throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory)
            for step in 0..<20 {
                try writer.addScalar("loss", Double(step), step: step)
                try writer.addText("note", "step \(step)", step: step)
            }
            try writer.close()
            let reader = try LogdirReader(path: directory)
            var scalars = 0, texts = [String]()
            try reader.forEachValue(in: reader.runs[0], of: [.scalars]) { _, _ in scalars += 1 }
            try reader.forEachValue(in: reader.runs[0], of: [.text]) { _, point in
                if case .text(let text) = point.value { texts.append(text.strings.joined()) }
            }
            #expect(scalars == 20)
            #expect(texts == (0..<20).map { "step \($0)" })
        }
    }

    @Test func collectorsOfSeparateRunsMergeIntoTheOneCollectorsTable() throws {
        try withTemporaryDirectory { directory in
            for (name, lr) in [("a", 0.1), ("b", 0.01)] {
                let writer = try SummaryWriter(logDirectory: directory + "/" + name)
                try writer.addScalar("acc", lr * 2, step: 1)
                try writer.addScalar("acc", lr * 3, step: 2)
                try writer.addHparams([("lr", .number(lr))], metrics: [("acc", lr * 4)], runName: "session")
                try writer.close()
            }
            let reader = try LogdirReader(path: directory)
            var whole = HParamsCollector()
            var merged = HParamsCollector()
            for run in reader.runs {
                var own = HParamsCollector()
                try reader.forEachValue(in: run, of: [.hparams, .scalars]) { _, point in
                    whole.observe(point, run: run.name)
                    own.observe(point, run: run.name)
                }
                merged.merge(own)
            }
            #expect(merged.table() == whole.table())
            #expect(merged.table().sessions.map(\.run) == ["a/session", "b/session"])
            // Scalars are float32: the metric is the float32 last logged.
            #expect(merged.table().sessions.map { $0.metrics.map(\.value) } == [[Double(Float(0.4))], [Double(Float(0.04))]])
        }
    }
}
