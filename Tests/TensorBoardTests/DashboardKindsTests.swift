import EventRecords
import Foundation
import LinearAlgebra
import ScalarLogging
import TensorBoard
import TestSupport
import Testing

@Suite struct DashboardKindsTests {
    /// Reads every value of every kind in a run, with the run's file for each.
    private func values(_ reader: LogdirReader, run: String, kinds: Set<DashboardKind> = Set(DashboardKind.allCases), semantics: LogdirReader.Semantics = .raw)
        throws -> [DashboardPoint]
    {
        guard let info = reader.runs.first(where: { $0.name == run }) else { return [] }
        var points = [DashboardPoint]()
        try reader.forEachValue(in: info, of: kinds, semantics: semantics) { _, point in points.append(point) }
        return points
    }

    @Test func everyKindWrittenByThisProjectReadsBackTyped() throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory + "/run")
            try writer.addScalar("loss", 0.5, step: 1, wallTime: 10)
            try writer.addHistogram("w", [1, 2, 2, 3], step: 2, bins: .edges([0, 1.5, 2.5, 4]), wallTime: 11)
            try writer.addImage("img", pixels: [UInt8](repeating: 7, count: 6), shape: [2, 3], layout: .hw, step: 3, wallTime: 12)
            try writer.addAudio("snd", [0, 0.5, -0.5, 0], sampleRate: 8000, step: 4, wallTime: 13)
            try writer.addText("note", "hi", step: 5, wallTime: 14)
            try writer.addPRCurveRaw("pr", rows: [[3, 1], [2, 0], [0, 2], [0, 2], [0.6, 1], [1, 0.333]], step: 6, wallTime: 15)
            let layout = CustomScalarLayout(categories: [.init(title: "cat", charts: [.init(title: "c", content: .multiline(tags: ["loss"]))])])
            try writer.addCustomScalars(layout)
            try writer.addHparams([("lr", .number(0.1)), ("opt", .string("adam"))], metrics: [("acc", 0.9)], runName: "session")
            try writer.close()

            let reader = try LogdirReader(path: directory)
            let points = try values(reader, run: "run")
            let byKind = Dictionary(grouping: points, by: \.value.kind)
            #expect(byKind[.scalars]?.map(\.value) == [.scalar(0.5)])
            #expect(byKind[.scalars]?.first?.step == 1 && byKind[.scalars]?.first?.wallTime == 10)
            guard case .histogram(let h) = byKind[.histograms]?.first?.value else {
                Issue.record("no histogram: \(points)")
                return
            }
            // Written as the legacy HistogramProto: min/max/num/sum/sum of squares of [1, 2, 2, 3].
            #expect(h.minimum == 1 && h.maximum == 3 && h.count == 4 && h.sum == 8 && h.sumOfSquares == 18)
            #expect(h.bucketCounts.reduce(0, +) == 4 && h.bucketLimits.count == h.bucketCounts.count)
            guard case .image(let image) = byKind[.images]?.first?.value, case .audio(let audio) = byKind[.audio]?.first?.value else {
                Issue.record("no image or audio: \(points.map(\.value.kind))")
                return
            }
            #expect(image.width == 3 && image.height == 2 && image.encoded.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            #expect(audio.sampleRate == 8000 && audio.encoded.starts(with: Array("RIFF".utf8)))
            #expect(byKind[.text]?.map(\.value) == [.text(TextData(strings: ["hi"], shape: [1]))] || byKind[.text]?.map(\.value) == [.text(TextData(strings: ["hi"], shape: []))])
            guard case .prCurve(let curve) = byKind[.prCurves]?.first?.value else {
                Issue.record("no PR curve")
                return
            }
            #expect(curve.thresholds == [0, 1] && curve.truePositives == [3, 1] && curve.falseNegatives == [0, 2] && curve.precision == [0.6, 1].map { Double(Float($0)) })
            #expect(byKind[.customScalars]?.map(\.value) == [.customScalarsLayout(layout)])
            #expect(try reader.customScalarsLayout() == layout)

            let table = try reader.hparams()
            #expect(table.experiment?.hparams.map(\.name) == ["lr", "opt"])
            #expect(table.experiment?.metrics.map(\.tag) == ["acc"])
            #expect(table.sessions.map(\.run) == ["run/session"])
            #expect(table.sessions.first?.hparams == [HParamEntry(name: "lr", value: .number(0.1)), HParamEntry(name: "opt", value: .string("adam"))])
            #expect(table.sessions.first?.metrics.map { [$0.name: $0.value] } == [["acc": Double(Float(0.9))]])
        }
    }

    @Test func kindsNotAskedForAreNotDelivered() throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory)
            try writer.addScalar("loss", 1, step: 0)
            try writer.addText("note", "x", step: 0)
            try writer.close()
            let reader = try LogdirReader(path: directory)
            #expect(try values(reader, run: ".", kinds: [.text]).map(\.value.kind) == [.text])
            #expect(try values(reader, run: ".", kinds: [.scalars]).map(\.value.kind) == [.scalars])
            #expect(try values(reader, run: ".", kinds: [.histograms]).isEmpty)
        }
    }

    /// TensorBoard's rule applied one point at a time: an arriving point drops the earlier
    /// points of its tag with step ≥ its own (the reference the two-pass plan must equal).
    private func preempted(_ points: [(tag: String, step: Int64)]) -> [(tag: String, step: Int64, index: Int)] {
        var kept: [(tag: String, step: Int64, index: Int)] = []
        for (index, point) in points.enumerated() {
            kept.removeAll { $0.tag == point.tag && $0.step >= point.step }
            kept.append((point.tag, point.step, index))
        }
        return kept
    }

    @Test(arguments: [1 as UInt64, 2, 3, 4, 5])
    func tensorBoardSemanticsEqualsPointByPointPreemption(seed: UInt64) throws {
        var generator = RepeatableRandomNumberGenerator(seed: seed)
        try withTemporaryDirectory { directory in
            var written: [(tag: String, step: Int64)] = []
            try FileManager.default.createDirectory(atPath: directory + "/run", withIntermediateDirectories: true)
            // Two files, steps that go back now and then (restarts), equal steps included.
            for file in 0..<2 {
                // Each file in its own directory, then moved under a name that fixes the order
                // (the writer's process-wide counter would interleave with parallel tests).
                let writer = try SummaryWriter(logDirectory: directory + "/w\(file)")
                var step: Int64 = Int64.random(in: 0..<5, using: &generator)
                for i in 0..<60 {
                    let tag = ["a", "b"][Int.random(in: 0..<2, using: &generator)]
                    step += Int64.random(in: 0..<3, using: &generator)
                    if Int.random(in: 0..<10, using: &generator) == 0 { step = max(0, step - Int64.random(in: 1..<12, using: &generator)) }
                    try writer.addScalar(tag, Double(i + 100 * file), step: Int(step), wallTime: Double(i))
                    written.append((tag, step))
                }
                try writer.close()
                let written = try LogdirReader(path: directory + "/w\(file)").runs[0].eventFiles[0]
                try FileManager.default.moveItem(atPath: written, toPath: directory + "/run/events.out.tfevents.100000000\(file).test")
            }
            let reader = try LogdirReader(path: directory + "/run")
            let got = try values(reader, run: ".", kinds: [.scalars], semantics: .tensorBoard).map { ($0.tag, $0.step) }
            let expected = preempted(written).map { ($0.tag, $0.step) }
            #expect(got.map(\.0) == expected.map(\.0) && got.map(\.1) == expected.map(\.1))
            // The existing whole-series API applies the same rule.
            let series = try reader.scalars(in: reader.runs[0], semantics: .tensorBoard)
            #expect(series["a"]?.map(\.step) == expected.filter { $0.0 == "a" }.map(\.1))
        }
    }

    @Test func aDamagedFileIsReportedAndTheNextFileIsRead() throws {
        try withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(atPath: directory + "/run", withIntermediateDirectories: true)
            for file in 0..<2 {
                let writer = try SummaryWriter(logDirectory: directory + "/w\(file)")
                for step in 0..<3 { try writer.addText("t", "v\(step)", step: step + 10 * file) }
                try writer.close()
                let written = try LogdirReader(path: directory + "/w\(file)").runs[0].eventFiles[0]
                try FileManager.default.moveItem(atPath: written, toPath: directory + "/run/events.out.tfevents.100000000\(file).test")
            }
            let reader = try LogdirReader(path: directory + "/run")
            let first = reader.runs[0].eventFiles[0]
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: first)))
            bytes[bytes.count - 6] ^= 0xFF  // inside the last record's payload
            try Data(bytes).write(to: URL(fileURLWithPath: first))
            var errors = [EventReadError]()
            var steps = [Int64]()
            try reader.forEachValue(in: reader.runs[0], of: [.text], onDamage: { errors.append($0) }) { _, point in steps.append(point.step) }
            #expect(steps == [0, 1, 10, 11, 12])
            #expect(errors.count == 1)
            if case .record(let error) = errors.first {
                #expect(error.description.contains(first) && error.description.contains("payload checksum mismatch"))
            } else {
                Issue.record("expected a record error, got \(errors)")
            }
        }
    }

    @Test func wavSampleRateIsReadFromTheFmtChunkWithBoundsChecked() throws {
        // A minimal RIFF/WAVE: an odd-sized "LIST" chunk (padded) before "fmt " at 22050 Hz.
        func u32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
        let fmt = Array("fmt ".utf8) + u32(16) + [1, 0, 1, 0] + u32(22050) + u32(44100) + [2, 0, 16, 0]
        let list = Array("LIST".utf8) + u32(3) + [1, 2, 3, 0]
        let body = Array("WAVE".utf8) + list + fmt
        let wav = Array("RIFF".utf8) + u32(UInt32(body.count)) + body
        let tensor = TensorValue(dataType: TensorValue.string, shape: [1, 2], storage: .strings([wav, Array("label".utf8)]))
        let value = SummaryValue(tag: "a", metadata: SummaryMetadata(pluginName: "audio"), value: .tensor(tensor))
        let cut = SummaryValue(
            tag: "b", metadata: SummaryMetadata(pluginName: "audio"),
            value: .tensor(TensorValue(dataType: TensorValue.string, shape: [1, 2], storage: .strings([Array(wav.prefix(30)), []]))))
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory)
            try writer.write(values: [value], step: 2)
            // The same clip cut inside the fmt chunk: no sample rate, no trap.
            try writer.write(values: [cut], step: 3)
            try writer.close()
            let path = try LogdirReader(path: directory).runs[0].eventFiles[0]
            var rates = [String: Double]()
            var labels = [String]()
            try EventFileReader(path: path).forEachValue(of: [.audio]) { point in
                if case .audio(let clip) = point.value {
                    rates[point.tag] = clip.sampleRate
                    labels.append(clip.label)
                }
            }
            #expect(rates["a"] == 22050)
            #expect(rates["b"]?.isNaN == true)
            #expect(labels == ["label", ""])
        }
    }
}
