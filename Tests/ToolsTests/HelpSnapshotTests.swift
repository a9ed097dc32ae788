import Foundation
import TestSupport
import Testing

/// `--help` of every tool at 80 columns, compared with the checked-in text in
/// `Fixtures/help/`. After an intended change, regenerate a file with
/// `COLUMNS=80 .build/debug/<tool> [<subcommand>] --help > Tests/ToolsTests/Fixtures/help/<name>.txt`.
@Suite struct HelpSnapshotTests {
    @Test(arguments: [
        ("tb-log", [String]()), ("tb-export", []), ("extract-margins", []), ("linear-probe", []), ("contrastive-loss", []),
        ("contrastive-loss", ["cloc-multi"]), ("contrastive-loss", ["supcon"]),
        ("linear-probe", ["fit"]), ("linear-probe", ["predict"]), ("knn-probe", []),
    ])
    func helpAtEightyColumnsMatchesTheCheckedInText(tool: String, subcommand: [String]) throws {
        let name = ([tool] + subcommand).joined(separator: "-")
        let expected = try String(contentsOfFile: packageRootPath + "/Tests/ToolsTests/Fixtures/help/\(name).txt", encoding: .utf8)
        let output = try runTool(tool, subcommand + ["--help"], environment: ["COLUMNS": "80"])
        #expect(output.status == 0)
        #expect(output.standardOutput == expected)
        for line in output.standardOutput.split(separator: "\n") {
            #expect(line.count <= 80, "\(name): \(line)")
        }
        #expect(!output.standardOutput.contains("Default:"), "a default is printed twice")
    }
}
