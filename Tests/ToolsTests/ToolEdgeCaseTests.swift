import Foundation
import ArrayFiles
import TensorBoard
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A one-entry ZIP whose size fields and local-header offset can lie, for damage tests.
private func craftedZip(
    name: String, payload: [UInt8], method: Int, size: Int, localOffset: Int? = nil, zip64Size: Int? = nil
) -> [UInt8] {
    func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16 & 0xFFFF) }
    func le64(_ v: Int) -> [UInt8] { le32(v & 0xFFFF_FFFF) + le32(v >> 32) }
    let nameBytes = Array(name.utf8)
    let storedSize = zip64Size == nil ? size : 0xFFFF_FFFF
    var out = le32(0x0403_4b50) + le16(20) + le16(0) + le16(method) + le16(0) + le16(0) + le32(0) + le32(payload.count) + le32(storedSize)
    out += le16(nameBytes.count) + le16(0) + nameBytes + payload
    let extra = zip64Size.map { le16(0x0001) + le16(8) + le64($0) } ?? []
    let start = out.count
    out += le32(0x0201_4b50) + le16(45) + le16(45) + le16(0) + le16(method) + le16(0) + le16(0) + le32(0) + le32(payload.count) + le32(storedSize)
    out += le16(nameBytes.count) + le16(extra.count) + le16(0) + le16(0) + le16(0) + le32(0) + le32(localOffset ?? 0) + nameBytes + extra
    let length = out.count - start
    out += le32(0x0605_4b50) + le16(0) + le16(0) + le16(1) + le16(1) + le32(length) + le32(start) + le16(0)
    return out
}

/// An `.npy` header declaring `shape` followed by 64 zero bytes (far fewer than it claims).
private func lyingNPY(shape: String, descriptor: String = "<f4") -> Data {
    var header = "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': \(shape), }"
    header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
    var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
    data.append(contentsOf: Array(header.utf8))
    data.append(Data(count: 64))
    return data
}

@Suite struct ToolEdgeCaseTests {
    /// A separable two-class problem: train/test features and labels as .npy.
    private func probeFiles(_ d: String, labels: [Int64] = [0, 1]) throws -> [String] {
        let rows = 20
        let y = (0..<rows).map { labels[$0 % 2 == 0 ? 0 : 1] }
        // Row i has features (x[2i], x[2i+1]); rows alternate class 0 / class 1.
        var features: [Float] = []
        for i in 0..<rows { features += [Float(i % 2) + Float(i) / 1000, -Float(i % 2)] }
        try NPYArray(shape: [rows, 2], storage: .float32(features)).write(toFile: d + "/x.npy")
        try NPYArray(shape: [rows], storage: .int64(y)).write(toFile: d + "/y.npy")
        return ["--train-features", d + "/x.npy", "--train-labels", d + "/y.npy", "--test-features", d + "/x.npy", "--test-labels", d + "/y.npy"]
    }

    // MARK: Output files

    @Test func aFullDiskWhileWritingTheReportIsAnIOErrorNotAUsageError() throws {
        try withTemporaryDirectory { d in
            let r = try runTool("linear-probe", try probeFiles(d) + ["--report", "/dev/full"])
            #expect(r.status == 1)
            #expect(r.standardError == "Error: I/O error writing /dev/full: No space left on device\n")
        }
    }

    @Test func dashAndDevStdoutWriteTheReportToStandardOutputInPlace() throws {
        try withTemporaryDirectory { d in
            let args = try probeFiles(d)
            for target in ["-", "/dev/stdout"] {
                let r = try runTool("linear-probe", args + ["--report", target])
                #expect(r.status == 0, "\(r.standardError)")
                #expect(r.standardOutput.contains("\"test_accuracy\""), "\(target)")
                #expect(r.standardOutput.hasPrefix("linear probe: "), "the summary printed first is kept")
            }
            var status = stat()
            #expect(lstat("/dev/stdout", &status) == 0 && status.st_mode & S_IFMT == S_IFLNK)
        }
    }

    @Test func aFailedRunNeverClobbersAnEarlierReport() throws {
        try withTemporaryDirectory { d in
            var args = try probeFiles(d)
            try "earlier".write(toFile: d + "/r.json", atomically: false, encoding: .utf8)
            args[1] = d + "/missing.npy"
            let r = try runTool("linear-probe", args + ["--report", d + "/r.json"])
            #expect(r.status == 1)
            #expect(try String(contentsOfFile: d + "/r.json", encoding: .utf8) == "earlier")
        }
    }

    @Test func extractMarginsWritesThroughASymlinkAndReportsAFullDisk() throws {
        try withTemporaryDirectory { d in
            let writer = try SummaryWriter(logDirectory: d + "/run")
            try writer.addScalar("Margin", 0.5, step: 0)
            try writer.close()
            try "old".write(toFile: d + "/map.json", atomically: false, encoding: .utf8)
            symlink(d + "/map.json", d + "/link.json")
            var r = try runTool("extract-margins", [d + "/run", "-o", d + "/link.json"])
            #expect(r.status == 0, "\(r.standardError)")
            #expect(try String(contentsOfFile: d + "/map.json", encoding: .utf8) == "[[\"fixed\", 0.5]]\n")
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: d + "/link.json")) == d + "/map.json")
            r = try runTool("extract-margins", [d + "/run", "-o", "/dev/full"])
            #expect(r.status == 1 && r.standardError == "Error: I/O error writing /dev/full: No space left on device\n")
        }
    }

    // MARK: Numeric options and exit status

    @Test(arguments: [
        (["--C", "-1"], "Error: --C must be a positive finite number (the inverse regularisation strength), got -1.0"),
        (["--tol", "-1"], "Error: --tol must be a positive finite number, got -1.0"),
        (["--max-iter", "-1"], "Error: --max-iter must be ≥ 0, got -1"),
    ])
    func linearProbeRejectsNegativeNumbersSayingWhy(option: [String], message: String) throws {
        try withTemporaryDirectory { d in
            let r = try runTool("linear-probe", try probeFiles(d) + option)
            #expect(r.status == 64)
            #expect(r.standardError.split(separator: "\n").first.map(String.init) == message)
        }
    }

    @Test func extractMarginsAndContrastiveLossRejectNegativeNumbersSayingWhy() throws {
        var r = try runTool("extract-margins", ["/nonexistent", "--step", "-1"])
        #expect(r.status == 64 && r.standardError.hasPrefix("Error: --step must be ≥ 0 (steps start at 0), got -1\n"))
        r = try runTool("extract-margins", ["/nonexistent", "--average-last", "-2"])
        #expect(r.status == 64 && r.standardError.hasPrefix("Error: --average-last must be at least 1, got -2\n"))
        r = try runTool("contrastive-loss", ["cloc-single", "--input", "x.npy", "--theta", "0.5", "--classes", "-1"])
        #expect(r.status == 64 && r.standardError.hasPrefix("Error: --classes must be between 1 and 4096 (memory grows with its square), got -1\n"))
    }

    @Test func contrastiveLossWithoutASubcommandFails() throws {
        let r = try runTool("contrastive-loss", [])
        #expect(r.status == 64)
        #expect(r.standardError.hasPrefix("Error: missing subcommand; choose one of cloc-multi, cloc-single, supcon,"))
        #expect(r.standardError.split(separator: "\n").count == 1)
    }

    @Test func anEmptyTestSetIsAnError() throws {
        try withTemporaryDirectory { d in
            var args = try probeFiles(d)
            try NPYArray(shape: [0, 2], storage: .float32([])).write(toFile: d + "/xe.npy")
            try NPYArray(shape: [0], storage: .int64([])).write(toFile: d + "/ye.npy")
            args[5] = d + "/xe.npy"
            args[7] = d + "/ye.npy"
            let r = try runTool("linear-probe", args)
            #expect(r.status == 1)
            #expect(r.standardError == "Error: the test set is empty; give at least one test row to evaluate on\n")
        }
    }

    @Test func fileErrorsAreNamedPlainlyWithoutFoundationText() throws {
        try withTemporaryDirectory { d in
            var args = try probeFiles(d)
            try FileManager.default.createDirectory(atPath: d + "/dir.npy", withIntermediateDirectories: true)
            args[1] = d + "/dir.npy"
            var r = try runTool("linear-probe", args)
            #expect(r.status == 1 && r.standardError == "Error: \(d)/dir.npy: Is a directory\n")
            r = try runTool("contrastive-loss", ["cloc-single", "--input", d + "/dir.npy", "--labels", d + "/y.npy", "--theta", "0.5"])
            #expect(r.status == 1 && r.standardError == "Error: \(d)/dir.npy: cannot access file: Is a directory\n")
            r = try runTool("tb-log", ["--logdir", "/dev/null/run"], standardInput: "")
            #expect(r.status == 1 && r.standardError == "Error: cannot create log directory /dev/null/run: Not a directory\n")
            for output in [r, try runTool("linear-probe", args + ["--report", d])] {
                #expect(!output.standardError.contains("NSCocoaErrorDomain") && !output.standardError.contains("Usage"))
            }
        }
    }

    // MARK: Sizes and counts from files and arguments

    @Test(arguments: [
        ("(1099511627776, 1099511627776)", "the header declares shape [1099511627776, 1099511627776], more bytes than a file can hold; the header is damaged"),
        ("(1000000000000, 4)", "data section has 64 bytes, shape [1000000000000, 4] needs 16000000000000; the file is truncated"),
    ])
    func npyShapesLargerThanTheFileAreRejectedBeforeAllocating(shape: String, reason: String) throws {
        try withTemporaryDirectory { d in
            var args = try probeFiles(d)
            try lyingNPY(shape: shape).write(to: URL(fileURLWithPath: d + "/huge.npy"))
            args[1] = d + "/huge.npy"
            var r = try runTool("linear-probe", args)
            #expect(r.status == 1 && !r.terminatedBySignal)
            #expect(r.standardError == "Error: \(d)/huge.npy: \(reason)\n")
            r = try runTool("contrastive-loss", ["cloc-single", "--input", d + "/huge.npy", "--labels", d + "/y.npy", "--theta", "0.5"])
            #expect(r.status == 1 && !r.terminatedBySignal)
            #expect(r.standardError.hasPrefix("Error: \(d)/huge.npy: "))
        }
    }

    @Test func npzEntriesThatPointPastTheEndOrClaimTerabytesAreRejected() throws {
        try withTemporaryDirectory { d in
            var args = try probeFiles(d)
            let npy = Array(NPYArray(shape: [20, 2], storage: .float32(Array(repeating: 0, count: 40))).npyData)
            let farOffset = craftedZip(name: "x.npy", payload: npy, method: 0, size: npy.count, localOffset: 1 << 30)
            let cases: [([UInt8], String)] = [
                (farOffset, "damaged ZIP archive: the local header of x.npy offset 1073741824 points past the end (\(farOffset.count) bytes)"),
                (craftedZip(name: "x.npy", payload: [0x03, 0x00], method: 8, size: 0xFFFF_FFF0),
                 "entry x.npy announces 4294967280 bytes from 2 compressed bytes, more than deflate can produce (1032:1); the archive is damaged"),
                (craftedZip(name: "x.npy", payload: [0x03, 0x00], method: 8, size: 0, zip64Size: 1 << 40),
                 "entry x.npy announces 1099511627776 bytes from 2 compressed bytes, more than deflate can produce (1032:1); the archive is damaged"),
            ]
            for (index, (archive, reason)) in cases.enumerated() {
                let path = d + "/bad\(index).npz"
                try Data(archive).write(to: URL(fileURLWithPath: path))
                args[1] = path
                let r = try runTool("linear-probe", args)
                #expect(r.status == 1 && !r.terminatedBySignal)
                #expect(r.standardError == "Error: \(path): \(reason)\n")
            }
        }
    }

    @Test func labelsEqualToInt64MaxAreOrdinaryClassesForTheProbe() throws {
        try withTemporaryDirectory { d in
            let r = try runTool("linear-probe", try probeFiles(d, labels: [0, Int64.max]) + ["--report", d + "/r.json", "--ordinal"])
            #expect(r.status == 0, "\(r.standardError)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: d + "/r.json"))) as? [String: Any])
            #expect(report["labels"] as? [Int] == [0, Int.max])
        }
    }

    @Test func clocClassCountsAndLabelsAreBounded() throws {
        try withTemporaryDirectory { d in
            _ = try probeFiles(d, labels: [0, Int64.max])
            var r = try runTool("contrastive-loss", ["cloc-single", "--input", d + "/x.npy", "--labels", d + "/y.npy", "--theta", "0.5"])
            #expect(r.status == 1 && r.standardError == "Error: \(d)/y.npy: label 9223372036854775807 is above the largest class index CLOC accepts (4095)\n")
            for classes in ["100000", "4611686018427387904"] {
                r = try runTool("contrastive-loss", ["cloc-single", "--input", d + "/x.npy", "--labels", d + "/y.npy", "--theta", "0.5", "--classes", classes])
                #expect(r.status == 64 && r.standardError.hasPrefix("Error: --classes must be between 1 and 4096 (memory grows with its square), got \(classes)\n"))
            }
        }
    }

    @Test func aMarginTagWithAHugeIndexDoesNotTrapExtractMargins() throws {
        try withTemporaryDirectory { d in
            let writer = try SummaryWriter(logDirectory: d)
            try writer.addScalar("C9223372036854775807-C0", 0.5, step: 0)
            try writer.close()
            let r = try runTool("extract-margins", [d])
            #expect(r.status == 1 && !r.terminatedBySignal)
            #expect(r.standardError.hasPrefix("Error: \(d): no margin tags (C0-C1, C1-C2, … or Margin) found; tags present: C9223372036854775807-C0"))
        }
    }
}

@Suite struct StandardOutputFailureTests {
    /// Runs `command` under `/bin/sh` with standard output on `/dev/full`.
    private func runIntoFullDisk(_ command: String) throws -> ToolOutput {
        try runProcess("/bin/sh", ["-c", command + " > /dev/full"])
    }

    @Test func aFullDiskOnStandardOutputIsAnIOErrorAndExitsNonZero() throws {
        try withTemporaryDirectory { d in
            let writer = try SummaryWriter(logDirectory: d + "/run")
            try writer.addScalar("Margin", 0.5, step: 0)
            try writer.close()
            let tools = builtProductsDirectory.path
            for command in ["'\(tools)/tb-export' '\(d)'", "'\(tools)/extract-margins' '\(d)/run'"] {
                let r = try runIntoFullDisk(command)
                #expect(r.status == 1, "\(command)")
                #expect(r.standardError == "Error: I/O error writing standard output: No space left on device\n", "\(command)")
            }
        }
    }
}
