import EventRecords
import Foundation
import TensorBoard
import TestSupport
import Testing

@Suite struct GoldenFileTests {
    /// The 82-byte file tensorboardX 2.6.5 writes for `add_scalar('loss', 0.5, global_step=1,
    /// walltime=1700000000.0)` (docs/reference/tensorboard-format.md, "Known answers"). The first event's
    /// wall time there is the machine clock, double 0x41DAC0CD7AC49824.
    static let golden: [UInt8] = [
        0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa3, 0x7f, 0x4b, 0x22, 0x09, 0x24, 0x98, 0xc4,
        0x7a, 0xcd, 0xc0, 0xda, 0x41, 0x1a, 0x0d, 0x62, 0x72, 0x61, 0x69, 0x6e, 0x2e, 0x45, 0x76, 0x65,
        0x6e, 0x74, 0x3a, 0x32, 0xea, 0x54, 0x4f, 0x27, 0x1a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x12, 0x9b, 0xd8, 0x2d, 0x09, 0x00, 0x00, 0x00, 0x40, 0xfc, 0x54, 0xd9, 0x41, 0x10, 0x01, 0x2a,
        0x0d, 0x0a, 0x0b, 0x0a, 0x04, 0x6c, 0x6f, 0x73, 0x73, 0x15, 0x00, 0x00, 0x00, 0x3f, 0x8d, 0xb0,
        0x2e, 0x39,
    ]

    @Test func scalarFileIsByteForByteTensorboardX() throws {
        try withTemporaryDirectory { directory in
            let startTime = Double(bitPattern: 0x41DA_C0CD_7AC4_9824)
            let writer = try SummaryWriter(logDirectory: directory, startWallTime: startTime)
            try writer.addScalar("loss", 0.5, step: 1, wallTime: 1_700_000_000.0)
            try writer.close()
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: writer.filePath)))
            #expect(bytes == Self.golden)
        }
    }

    @Test func generalEncoderAgreesWithTheGoldenBytesToo() throws {
        // The same scalar event through protobuf-c instead of the fast path.
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory, startWallTime: Double(bitPattern: 0x41DA_C0CD_7AC4_9824))
            try writer.write(values: [SummaryValue(tag: "loss", value: .simpleValue(0.5))], step: 1, wallTime: 1_700_000_000.0)
            try writer.close()
            #expect(Array(try Data(contentsOf: URL(fileURLWithPath: writer.filePath))) == Self.golden)
        }
    }

    @Test(arguments: [
        ("", 0.0, Int64(0)), ("loss", 1_700_000_000.5, Int64(1)), ("a/b/ünïcødé", -0.0, Int64(1) << 40),
        (String(repeating: "t", count: 300), 1.0e-300, Int64(127)), ("x", 5.0, Int64(128)),
    ])
    func fastScalarPathMatchesProtobufC(tag: String, wallTime: Double, step: Int64) throws {
        try withTemporaryDirectory { directory in
            let a = try SummaryWriter(logDirectory: directory + "/a", startWallTime: 1)
            let b = try SummaryWriter(logDirectory: directory + "/b", startWallTime: 1)
            for value: Float in [0, -0.0, .nan, .infinity, 3.4e38, .leastNonzeroMagnitude] {
                try a.addScalar(tag, Double(value), step: Int(step), wallTime: wallTime == 0 ? 1e-9 : wallTime)
                try b.write(values: [SummaryValue(tag: tag, value: .simpleValue(value))], step: Int(step), wallTime: wallTime == 0 ? 1e-9 : wallTime)
            }
            try a.close()
            try b.close()
            #expect(try Data(contentsOf: URL(fileURLWithPath: a.filePath)) == Data(contentsOf: URL(fileURLWithPath: b.filePath)))
        }
    }
}
