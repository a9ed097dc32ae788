// Event-file writer and reader throughput. Run:
//   swift run -c release --package-path Benchmarks records [eventCount]
// Prints events/s for `SummaryWriter.addScalar` end to end (including close) and for reading the
// file back with both CRCs verified (`EventFileReader.forEachScalar`), plus the CRC-32C speed.
import EventRecords
import Foundation
import TensorBoard

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 5_000_000 : 5_000_000
let directory = NSTemporaryDirectory() + "records-bench-\(ProcessInfo.processInfo.processIdentifier)"
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

print("records benchmark: \(count) scalar events, tag \"loss\", steps 0..<\(count), one thread")
print("CRC-32C hardware (SSE4.2): \(CRC32C.hasHardwareSupport)")

var path = ""
var best = Double.infinity
for round in 0..<3 {
    let writer = try SummaryWriter(logDirectory: directory + "/w\(round)")
    let t = try seconds {
        for step in 0..<count { try writer.addScalar("loss", Double(step) * 0.001, step: step) }
        try writer.close()
    }
    best = min(best, t)
    path = writer.filePath
}
let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
print(String(format: "writer: best of 3 %.3f s  %.2f M events/s  (%.1f bytes/event, target >= 5 M/s)", best, Double(count) / best / 1e6, Double(size) / Double(count)))

var readBest = Double.infinity
var readCount = 0
for _ in 0..<3 {
    readCount = 0
    var checksum = 0.0
    let t = try seconds {
        let reader = try EventFileReader(path: path)
        try reader.forEachScalar { _, point in
            readCount += 1
            checksum += point.value
        }
    }
    readBest = min(readBest, t)
    precondition(readCount == count, "read \(readCount) of \(count) events")
    precondition(checksum > 0)
}
print(String(format: "reader: best of 3 %.3f s  %.2f M events/s  (both CRCs verified, target >= 4 M/s)", readBest, Double(readCount) / readBest / 1e6))

let block = [UInt8](repeating: 0xA5, count: 1 << 24)
let crcTime = seconds {
    for _ in 0..<8 { _ = block.withUnsafeBytes { CRC32C.checksum(of: $0) } }
}
print(String(format: "CRC-32C: %.2f GB/s", 8.0 * Double(block.count) / crcTime / 1e9))
