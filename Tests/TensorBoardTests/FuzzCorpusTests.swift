import EventRecords
import Foundation
import TensorBoard
import TestSupport
import Testing

/// Every crafted file of the fuzz corpus, through every reader: the exact error (or a clean
/// read), the data before the crafted record kept, nothing trapping.
@Suite struct FuzzCorpusTests {
    @Test func checkedInFilesAreWhatTheGeneratorBuilds() throws {
        let write = ProcessInfo.processInfo.environment["CONTRASTIVEBOARD_WRITE_FUZZ_CORPUS"] == "1"
        if write { try FileManager.default.createDirectory(atPath: FuzzCorpus.directory, withIntermediateDirectories: true) }
        for entry in FuzzCorpus.cases {
            if write { try Data(entry.bytes).write(to: URL(fileURLWithPath: entry.path)) }
            let stored = try Data(contentsOf: URL(fileURLWithPath: entry.path))
            #expect(Array(stored) == entry.bytes, "\(entry.name): regenerate with CONTRASTIVEBOARD_WRITE_FUZZ_CORPUS=1")
        }
        #expect(FuzzCorpus.cases.allSatisfy { $0.bytes.count < 64 << 10 })
    }

    @Test(arguments: FuzzCorpus.cases) func recordReader(_ entry: FuzzCorpus.Case) throws {
        let reader = try RecordReader(path: entry.path)
        var payloads = [[UInt8]]()
        var message: String?
        do {
            while let payload = try reader.next() { payloads.append(payload) }
        } catch {
            message = error.description
        }
        switch entry.name {
        case "record-length-implausible":
            #expect(payloads.count == 2)
            #expect(message == entry.expectedMessage?(entry.path))
        case "record-length-beyond-file":
            // A short tail: "not yet written", the reader waits at the record.
            #expect(payloads.count == 2)
            #expect(message == nil)
            #expect(reader.offset == FuzzCorpus.craftedRecordOffset)
        default:
            // The framing is valid; the payload is what is crafted.
            #expect(payloads.count == 3)
            #expect(message == nil)
        }
    }

    @Test(arguments: FuzzCorpus.cases) func eventFileReaderEvents(_ entry: FuzzCorpus.Case) throws {
        let reader = try EventFileReader(path: entry.path)
        var steps = [Int64]()
        var message: String?
        do {
            try reader.forEachEvent { event in
                steps.append(event.step)
                if case .summary(let values) = event.content {
                    for value in values { _ = value.decoded(pluginName: reader.pluginNames[value.tag]) }
                }
            }
        } catch {
            message = "\(error)"
        }
        #expect(message == entry.expectedMessage?(entry.path))
        #expect(Array(steps.prefix(2)) == [0, 0])
    }

    @Test(arguments: FuzzCorpus.cases) func eventFileReaderScalars(_ entry: FuzzCorpus.Case) throws {
        let reader = try EventFileReader(path: entry.path)
        var points = [String: [Double]]()
        var message: String?
        do {
            try reader.forEachScalar { tag, point in points[tag, default: []].append(point.value) }
        } catch {
            message = "\(error)"
        }
        #expect(message == entry.expectedMessage?(entry.path))
        #expect(points["Margin"] == [0.5])
        if entry.name == "crafted-tag" { #expect(points[FuzzCorpus.craftedTag] == [1]) }
    }

    @Test(arguments: FuzzCorpus.cases) func logdirReader(_ entry: FuzzCorpus.Case) throws {
        try withTemporaryDirectory { directory in
            try FileManager.default.copyItem(atPath: entry.path, toPath: directory + "/events.out.tfevents.1." + entry.name)
            let reader = try LogdirReader(path: directory)
            let file = try #require(reader.runs.first?.eventFiles.first)
            var damage = [String]()
            let series = try reader.scalars(in: reader.runs[0], onDamage: { damage.append("\($0)") })
            #expect(damage == (entry.expectedMessage.map { [$0(file)] } ?? []))
            #expect(series["Margin"]?.map(\.value) == [0.5])
            // Without a damage handler the same message is thrown.
            var thrown: String?
            do { _ = try reader.scalars(in: reader.runs[0]) } catch { thrown = "\(error)" }
            #expect(thrown == entry.expectedMessage?(file))
        }
    }
}
