import Foundation
import TensorBoard
import TestSupport
import Testing

@Suite struct ExtractMarginsToolTests {
    private func run(_ directory: String, _ tags: [String: [Float]]) throws {
        let writer = try SummaryWriter(logDirectory: directory)
        for (tag, values) in tags.sorted(by: { $0.key < $1.key }) {
            for (step, v) in values.enumerated() { try writer.addScalar(tag, Double(v), step: step) }
        }
        try writer.close()
    }

    @Test func printsOnlyTheMapInBothFormatsAndModes() throws {
        try withTemporaryDirectory { d in
            try run(d + "/a", ["C0-C1": [0.3, 0.12], "C1-C2": [0.5, 0.8], "loss": [1, 2]])
            var r = try runTool("extract-margins", [d])
            #expect(r.status == 0 && r.standardOutput == "[[\"fixed\", 0.12], [\"fixed\", 0.8]]\n" && r.standardError.isEmpty)
            r = try runTool("extract-margins", [d, "--format", "python", "--mode", "learnable"])
            #expect(r.standardOutput == "[['learnable', 0.12], ['learnable', 0.8]]\n")
            r = try runTool("extract-margins", [d, "--step", "0", "--verbose"])
            #expect(r.standardOutput == "[[\"fixed\", 0.3], [\"fixed\", 0.5]]\n")
            #expect(r.standardError.hasPrefix("run: a (multi-margin)\nfiles: "))
            r = try runTool("extract-margins", [d, "-o", d + "/map.json"])
            let written = try String(contentsOfFile: d + "/map.json", encoding: .utf8)
            #expect(r.standardOutput.isEmpty && written == "[[\"fixed\", 0.12], [\"fixed\", 0.8]]\n")
        }
    }

    @Test func everyBadInputIsOneLineAndNonZero() throws {
        try withTemporaryDirectory { d in
            var r = try runTool("extract-margins", [d + "/missing"])
            #expect(r.status == 1 && r.standardError == "Error: \(d)/missing: no such file or directory\n")
            r = try runTool("extract-margins", [d])
            #expect(r.standardError == "Error: \(d): no event files (names containing 'tfevents') found\n")
            try run(d + "/plain", ["loss": [1]])
            r = try runTool("extract-margins", [d])
            #expect(r.standardError == "Error: \(d): no margin tags (C0-C1, C1-C2, … or Margin) found; tags present: loss (use --tag-prefix if the margins were logged under a prefix)\n")
            try run(d + "/gap", ["C0-C1": [0.1], "C2-C3": [0.2]])
            r = try runTool("extract-margins", [d + "/gap"])
            #expect(r.standardError == "Error: the margin tags have a gap: found C0-C1, C2-C3 but not C1-C2; every margin C0-C1 … must be logged\n")
            try run(d + "/inf", ["Margin": [.infinity]])
            r = try runTool("extract-margins", [d + "/inf"])
            #expect(r.standardError == "Error: margin Margin is inf at step 0; a margin must be finite (the phase-one run diverged?)\n")
            r = try runTool("extract-margins", [d])
            #expect(r.standardError == "Error: several runs have margin tags: gap, inf; choose one with --run\n")
            r = try runTool("extract-margins", [d, "--run", "inf", "--step", "0"])
            #expect(r.status == 1)
            try run(d + "/late", ["Margin": [0.4, 0.5]])
            r = try runTool("extract-margins", [d + "/late", "--step=-3"])
            #expect(r.status == 64 && r.standardError.hasPrefix("Error: --step must be ≥ 0 (steps start at 0), got -3\n"))
            r = try runTool("extract-margins", [d + "/late", "--average-last", "0"])
            #expect(r.status == 64 && r.standardError.hasPrefix("Error: --average-last must be at least 1, got 0\n"))
            // Damage: reported with file and offset; --allow-damaged uses the earlier data and says so.
            let file = try LogdirReader(path: d + "/late").runs[0].eventFiles[0]
            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            bytes[bytes.count - 1] ^= 0xFF
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            r = try runTool("extract-margins", [d + "/late"])
            #expect(r.status == 1 && r.standardError.hasPrefix("Error: \(file): damaged record at byte offset "))
            r = try runTool("extract-margins", [d + "/late", "--allow-damaged"])
            #expect(r.status == 0 && r.standardOutput == "[[\"fixed\", 0.4]]\n")
            #expect(r.standardError.contains("warning") && r.standardError.contains("--allow-damaged"))
        }
    }
}
