import ArrayFiles
import Foundation
import LinearAlgebra
import TensorBoard
import TestSupport
import Testing

@Suite struct LinearProbeToolTests {
    /// A small separable 3-class problem written as .npy files; returns the paths.
    private func files(_ d: String, trainRows: Int = 60, columns: Int = 4) throws -> (String, String, String, String) {
        var rng = RepeatableRandomNumberGenerator(seed: 5)
        func make(_ n: Int) -> ([Float], [Int64]) {
            var x = [Float](), y = [Int64]()
            for i in 0..<n {
                let label = i % 3
                y.append(Int64(label * 10))  // arbitrary integer labels 0, 10, 20
                for j in 0..<columns { x.append(Float(rng.nextGaussian()) * 0.3 + (j == label ? 2 : 0)) }
            }
            return (x, y)
        }
        let (x, y) = make(trainRows), (tx, ty) = make(30)
        try NPYArray(shape: [trainRows, columns], storage: .float32(x)).write(toFile: d + "/xtr.npy")
        try NPYArray(shape: [trainRows], storage: .int64(y)).write(toFile: d + "/ytr.npy")
        try NPYArray(shape: [30, columns], storage: .float32(tx)).write(toFile: d + "/xte.npy")
        try NPYArray(shape: [30], storage: .int64(ty)).write(toFile: d + "/yte.npy")
        return (d + "/xtr.npy", d + "/ytr.npy", d + "/xte.npy", d + "/yte.npy")
    }

    @Test func fitsReportsAndWritesTheJSONReport() throws {
        try withTemporaryDirectory { d in
            let (a, b, c, e) = try files(d)
            let r = try runTool("linear-probe", ["--train-features", a, "--train-labels", b, "--test-features", c, "--test-labels", e, "--report", d + "/r.json", "--ordinal", "--logdir", d + "/tb"])
            #expect(r.status == 0, "\(r.standardError)")
            #expect(r.standardOutput.contains("test accuracy    1.00000"))
            let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: d + "/r.json"))) as? [String: Any])
            for key in ["objective", "n_iter", "converged", "C", "train_accuracy", "test_accuracy", "balanced_accuracy", "log_loss", "per_class_accuracy", "confusion_matrix", "mae", "qwk", "fit_seconds", "preprocessing"] {
                #expect(report[key] != nil, "missing \(key)")
            }
            #expect(report["labels"] as? [Int] == [0, 10, 20])
            let reader = try TensorBoard.LogdirReader(path: d + "/tb")
            #expect(reader.runs.map(\.name) == ["xtr_C=1_tol=0.0001_standardize"])
            let scalars = try reader.scalars(in: reader.runs[0])
            #expect(scalars["probe/test_accuracy"]?.first?.value == 1)
            var kinds = Set<String>()
            try TensorBoard.EventFileReader(path: reader.runs[0].eventFiles[0]).forEachEvent { event in
                guard case .summary(let values) = event.content else { return }
                for value in values {
                    if case .images(let w, let h, _) = value.decoded(pluginName: nil), w == 48, h == 48 { kinds.insert(value.tag) }
                    if case .text = value.decoded(pluginName: value.metadata?.pluginName) { kinds.insert(value.tag) }
                }
            }
            #expect(kinds == ["probe/confusion_matrix", "probe/report/text_summary"])
        }
    }

    @Test func readsNPZAndCSVInputs() throws {
        try withTemporaryDirectory { d in
            var csv = "f1,label,f2\n"
            for i in 0..<40 { csv += "\(Double(i % 2) + Double(i) * 0.001),\(i % 2),\(Double(i % 2) * -1)\n" }
            try csv.write(toFile: d + "/data.csv", atomically: true, encoding: .utf8)
            let r = try runTool("linear-probe", ["--train-features", d + "/data.csv", "--test-features", d + "/data.csv"])
            #expect(r.status == 0 && r.standardOutput.contains("2 features, 2 classes"), "\(r.standardError)")
            // A stored .npz written by hand: a ZIP with two stored .npy entries.
            let x = NPYArray(shape: [4, 1], storage: .float64([0, 0.1, 1, 1.1])).npyData
            let y = NPYArray(shape: [4], storage: .int64([0, 0, 1, 1])).npyData
            try Data(storedZip([("x.npy", x), ("y.npy", y)])).write(to: URL(fileURLWithPath: d + "/s.npz"))
            let z = try runTool("linear-probe", ["--train-features", d + "/s.npz", "--train-labels", d + "/s.npz", "--test-features", d + "/s.npz:x", "--test-labels", d + "/s.npz:y"])
            #expect(z.status == 0 && z.standardOutput.contains("test accuracy    1.00000"), "\(z.standardError)")
        }
    }

    @Test func everyBadInputIsOneClearLine() throws {
        try withTemporaryDirectory { d in
            let (a, b, c, e) = try files(d)
            func run(_ args: [String]) throws -> ToolOutput { try runTool("linear-probe", args) }
            var r = try run(["--train-features", d + "/none.npy", "--train-labels", b, "--test-features", c, "--test-labels", e])
            #expect(r.status == 1 && r.standardError == "Error: \(d)/none.npy: No such file or directory\n")
            try NPYArray(shape: [59], storage: .int64(Array(repeating: 0, count: 59))).write(toFile: d + "/short.npy")
            r = try run(["--train-features", a, "--train-labels", d + "/short.npy", "--test-features", c, "--test-labels", e])
            #expect(r.standardError == "Error: training set: features have 60 rows but labels have 59; they must match row for row\n")
            try NPYArray(shape: [30, 3], storage: .float32(Array(repeating: 0, count: 90))).write(toFile: d + "/narrow.npy")
            r = try run(["--train-features", a, "--train-labels", b, "--test-features", d + "/narrow.npy", "--test-labels", e])
            #expect(r.standardError == "Error: train features have 4 columns but test features have 3; extract both with the same encoder\n")
            var bad = try NPYArray(contentsOfFile: a)
            if case .float32(var v) = bad.storage { v[2 * 4 + 3] = .nan; bad.storage = .float32(v) }
            try bad.write(toFile: d + "/nan.npy")
            r = try run(["--train-features", d + "/nan.npy", "--train-labels", b, "--test-features", c, "--test-labels", e])
            #expect(r.standardError == "Error: training features contain NaN or infinity at row 2, column 3; clean or impute them first\n")
            try NPYArray(shape: [60], storage: .int64(Array(repeating: 7, count: 60))).write(toFile: d + "/one.npy")
            r = try run(["--train-features", a, "--train-labels", d + "/one.npy", "--test-features", c, "--test-labels", e])
            #expect(r.standardError == "Error: the training labels hold only one class (7); a classifier needs at least two\n")
            var unseen = try NPYArray(contentsOfFile: e)
            if case .int64(var v) = unseen.storage { v[0] = 99; unseen.storage = .int64(v) }
            try unseen.write(toFile: d + "/unseen.npy")
            r = try run(["--train-features", a, "--train-labels", b, "--test-features", c, "--test-labels", d + "/unseen.npy"])
            #expect(r.status == 0 && r.standardError.hasPrefix("linear-probe: warning: test labels never seen in training: 99; those rows count as wrong\n"))
            #expect(r.standardOutput.contains(String(format: "test accuracy    %.5f", 29.0 / 30.0)))
            try "a,label\n1,0\nx,1\n".write(toFile: d + "/bad.csv", atomically: true, encoding: .utf8)
            r = try run(["--train-features", d + "/bad.csv", "--test-features", d + "/bad.csv"])
            #expect(r.standardError == "Error: \(d)/bad.csv:3: column 'a' holds 'x', which is not a number\n")
            r = try run(["--train-features", a, "--test-features", c, "--test-labels", e])
            #expect(r.status == 64 && r.standardError.hasPrefix("Error: --train-labels is required unless the features are a CSV file with a 'label' column\n"))
            r = try run(["--train-features", a, "--train-labels", b, "--test-features", c, "--test-labels", e, "--C", "0"])
            #expect(r.status == 64 && r.standardError.hasPrefix("Error: --C must be a positive finite number (the inverse regularisation strength), got 0.0\n"))
            r = try run(["--train-features", a, "--train-labels", b, "--test-features", c, "--test-labels", e, "--max-iter", "1"])
            #expect(r.status == 0 && r.standardError.contains("warning: the fit did not converge (max_iter after 1 iterations"))
        }
    }
}

/// A ZIP archive of stored (uncompressed) entries, as `np.savez` writes, built by hand.
func storedZip(_ entries: [(String, Data)]) -> [UInt8] {
    func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16 & 0xFFFF) }
    var out = [UInt8](), central = [UInt8]()
    for (name, data) in entries {
        let bytes = Array(data)
        let crc = Int(zipCRC(bytes))
        let offset = out.count
        out += le32(0x0403_4b50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(crc) + le32(bytes.count) + le32(bytes.count) + le16(name.utf8.count) + le16(0) + Array(name.utf8) + bytes
        central += le32(0x0201_4b50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(crc) + le32(bytes.count) + le32(bytes.count)
        central += le16(name.utf8.count) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + Array(name.utf8)
    }
    let start = out.count
    out += central
    out += le32(0x0605_4b50) + le16(0) + le16(0) + le16(entries.count) + le16(entries.count) + le32(central.count) + le32(start) + le16(0)
    return out
}

/// Bitwise CRC-32 (ISO-HDLC), only for building the test archive.
func zipCRC(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}
