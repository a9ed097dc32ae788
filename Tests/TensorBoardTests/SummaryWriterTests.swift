import EventRecords
import Foundation
import ScalarLogging
import TensorBoard
import TestSupport
import Testing

@Suite struct SummaryWriterTests {
    private func events(_ path: String) throws -> [Event] {
        var result = [Event]()
        try EventFileReader(path: path).forEachEvent { result.append($0) }
        return result
    }

    @Test func firstEventIsTheFileVersionAndNamesFollowTheConvention() throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory + "/run", filenameSuffix: ".v2")
            try writer.close()
            let name = (writer.filePath as NSString).lastPathComponent
            let parts = name.split(separator: ".")
            #expect(name.hasPrefix("events.out.tfevents."))
            #expect(parts[3].count == 10 && Int(parts[3]) != nil)
            #expect(parts[5] == "\(ProcessInfo.processInfo.processIdentifier)")
            #expect(name.hasSuffix(".v2"))
            let all = try events(writer.filePath)
            #expect(all.count == 1)
            #expect(all[0].content == .fileVersion("brain.Event:2"))
        }
    }

    @Test func twoWritersInOneDirectoryInTheSameSecondNeverShareAFile() throws {
        try withTemporaryDirectory { directory in
            let writers = try (0..<5).map { _ in try SummaryWriter(logDirectory: directory, startWallTime: 1_700_000_000) }
            for (i, w) in writers.enumerated() { try w.addScalar("x", Double(i), step: i) }
            for w in writers { try w.close() }
            #expect(Set(writers.map(\.filePath)).count == 5)
            let reader = try LogdirReader(path: directory)
            #expect(reader.runs.count == 1)
            // A run's files are read in name order. The names end in the process-wide counter in
            // decimal (as torch and TF name them), and tests running concurrently create writers
            // too, so these five counters can straddle 99/100 and sort differently from their
            // creation order: the expected values follow the file names.
            let byName = writers.indices.sorted { (writers[$0].filePath as NSString).lastPathComponent < (writers[$1].filePath as NSString).lastPathComponent }
            #expect(try reader.scalars(in: reader.runs[0], semantics: .raw)["x"]?.map(\.value) == byName.map(Double.init))
        }
    }

    @Test func scalarEdgeValuesTagsAndStepsRoundTrip() throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory)
            let values: [Float] = [0, -0.0, .leastNonzeroMagnitude, 3.4e38, .nan, .infinity, -.infinity]
            let tags = ["loss", "train/acc", "ünïcødé/λ", "a b"]
            let steps = [0, 1 << 40]
            for tag in tags { for step in steps { for v in values { try writer.addScalar(tag, Double(v), step: step, wallTime: 12.5) } } }
            try writer.close()
            var got = [(String, ScalarPoint)]()
            try EventFileReader(path: writer.filePath).forEachScalar { got.append(($0, $1)) }
            #expect(got.count == tags.count * steps.count * values.count)
            var index = 0
            for tag in tags {
                for step in steps {
                    for v in values {
                        let (t, p) = got[index]
                        #expect(t == tag && p.step == Int64(step) && p.wallTime == 12.5)
                        #expect(Float(p.value).bitPattern == v.bitPattern || (v.isNaN && p.value.isNaN))
                        index += 1
                    }
                }
            }
        }
    }

    @Test func rejectsNonFiniteWallTimesAndNegativeSteps() throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory)
            #expect(throws: SummaryWriterError.invalidWallTime(.infinity)) { try writer.addScalar("x", 1, step: 0, wallTime: .infinity) }
            #expect(throws: SummaryWriterError.negativeStep(-1)) { try writer.addScalar("x", 1, step: -1) }
            #expect(throws: SummaryWriterError.self) { try writer.addScalar("x", 1, step: 0, wallTime: .nan) }
            #expect(SummaryWriterError.invalidWallTime(.nan).description == "wall time nan is not finite; pass seconds since the Unix epoch or omit it")
            try writer.close()
            #expect(try events(writer.filePath).count == 1)
            #expect(throws: SummaryWriterError.record(.closed(path: writer.filePath))) { try writer.addScalar("x", 1, step: 0) }
        }
    }

    @Test func tensorScalarsCarryMetadataOnlyOnTheFirstValuePerTag() throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory, scalarEncoding: .tensor)
            for step in 0..<3 { try writer.addScalar("loss", Double(step) / 2, step: step) }
            try writer.addScalar("acc", 0.25, step: 0)
            try writer.close()
            let summaries = try events(writer.filePath).compactMap { event -> SummaryValue? in
                if case .summary(let values) = event.content { return values.first }
                return nil
            }
            #expect(summaries.map { $0.metadata != nil } == [true, false, false, true])
            #expect(summaries[0].metadata?.pluginName == "scalars")
            #expect(summaries[1].value == .tensor(TensorValue(dataType: TensorValue.float, shape: [], storage: .floats([0.5]))))
            var points = [String: [Double]]()
            try EventFileReader(path: writer.filePath).forEachScalar { points[$0, default: []].append($1.value) }
            #expect(points == ["loss": [0, 0.5, 1], "acc": [0.25]])
        }
    }

    @Test func purgeStepWritesTheFileVersionAndSessionStartAtTheStep() throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory, purgeStep: 5)
            try writer.close()
            let all = try events(writer.filePath)
            #expect(all.count == 3)
            #expect(all[1].step == 5 && all[1].content == .fileVersion("brain.Event:2"))
            #expect(all[2].step == 5 && all[2].content == .sessionLog(SessionLog(status: .start)))
        }
    }

    @Test func customScalarLayoutRoundTrips() throws {
        try withTemporaryDirectory { directory in
            let layout = CustomScalarLayout(categories: [
                .init(title: "Class Distances", charts: [.init(title: "margin", content: .multiline(tags: ["C0-C1", "C1-C2"]))]),
                .init(title: "Bands", charts: [.init(title: "m", content: .margin(series: [.init(value: "v", lower: "lo", upper: "hi")]))], closed: true),
            ])
            let writer = try SummaryWriter(logDirectory: directory)
            try writer.logCustomScalarLayout(layout)
            try writer.close()
            let values = try events(writer.filePath).compactMap { event -> SummaryValue? in
                if case .summary(let values) = event.content { return values.first }
                return nil
            }
            #expect(values.count == 1)
            #expect(values[0].tag == "custom_scalars__config__")
            #expect(values[0].metadata?.pluginName == "custom_scalars")
            guard case .tensor(let tensor) = values[0].value, let bytes = tensor.stringValues?.first else {
                Issue.record("layout is not a string tensor")
                return
            }
            #expect(tensor.shape == [] && tensor.dataType == TensorValue.string)
            #expect(CustomScalarLayoutEncoding.decode(bytes) == layout)
        }
    }

    @Test func textIsWrittenAsTorchDoes() throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory)
            try writer.addText("note", "hello", step: 0)
            try writer.close()
            guard case .summary(let values) = try events(writer.filePath)[1].content else {
                Issue.record("no summary")
                return
            }
            #expect(values[0].tag == "note/text_summary")
            #expect(values[0].decoded(pluginName: nil) == .text(["hello"], shape: [1]))
        }
    }

    @Test func eightThreadsTimesOneHundredThousandScalarsAllArriveIntact() async throws {
        try await withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory)
            await withTaskGroup(of: Void.self) { group in
                for thread in 0..<8 {
                    group.addTask {
                        for i in 0..<100_000 { try? writer.addScalar("thread\(thread)", Double(i), step: i) }
                    }
                }
            }
            try writer.close()
            var counts = [String: Int]()
            var inOrder = true
            var last = [String: Int64]()
            try EventFileReader(path: writer.filePath).forEachScalar { tag, point in
                counts[tag, default: 0] += 1
                if let previous = last[tag], previous + 1 != point.step { inOrder = false }
                if Double(point.step) != point.value { inOrder = false }
                last[tag] = point.step
            }
            #expect(counts.count == 8)
            #expect(counts.values.allSatisfy { $0 == 100_000 })
            #expect(inOrder)
        }
    }
}
