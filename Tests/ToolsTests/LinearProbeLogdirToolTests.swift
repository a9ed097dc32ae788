import Foundation
import TensorBoard
import TestSupport
import Testing

@Suite struct LinearProbeLogdirToolTests {
    @Test func eachFitIsItsOwnRunNamedBySettingsWithHparamsInside() throws {
        try withTemporaryDirectory { d in
            var csv = "f1,label,f2\n"
            for i in 0..<40 { csv += "\(Double(i % 2) + Double(i) * 0.001),\(i % 2),\(Double(i % 2) * -1)\n" }
            try csv.write(toFile: d + "/data.csv", atomically: true, encoding: .utf8)
            let logdir = d + "/tb"
            for c in ["1", "0.5", "1"] {
                let r = try runTool("linear-probe", ["--train-features", d + "/data.csv", "--test-features", d + "/data.csv", "--C", c, "--logdir", logdir])
                #expect(r.status == 0, "\(r.standardError)")
            }
            let reader = try LogdirReader(path: logdir)
            #expect(reader.runs.map(\.name) == ["data_C=0.5_tol=0.0001_standardize", "data_C=1_tol=0.0001_standardize", "data_C=1_tol=0.0001_standardize-2"])
            for run in reader.runs {
                var tags = [String]()
                var sessionStart = [UInt8]()
                try EventFileReader(path: run.eventFiles[0]).forEachEvent { event in
                    guard case .summary(let values) = event.content else { return }
                    for value in values {
                        tags.append(value.tag)
                        if value.tag == "_hparams_/session_start_info" { sessionStart = value.metadata?.pluginContent ?? [] }
                    }
                }
                // The session lives in the run itself; its metrics are the run's own scalars (once each).
                #expect(tags.filter { $0 == "_hparams_/session_start_info" }.count == 1, "\(run.name)")
                #expect(tags.filter { $0 == "probe/test_accuracy" }.count == 1, "\(run.name): \(tags)")
                // Its C is the run's C (a google.protobuf.Value number: tag 0x11, little-endian double).
                let c = run.name.contains("C=0.5") ? 0.5 : 1.0
                let encoded: [UInt8] = [0x11] + withUnsafeBytes(of: c.bitPattern.littleEndian) { Array($0) }
                #expect(sessionStart.count > encoded.count && (0...(sessionStart.count - encoded.count)).contains { Array(sessionStart[$0..<($0 + encoded.count)]) == encoded }, "\(run.name)")
            }
        }
    }
}
