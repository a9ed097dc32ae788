import Foundation
import Testing

/// Keeps the documentation's Swift snippets and their compiled copies in TourSnippets.swift equal.
///
/// The documents are read from the package root; `README_SNIPPET_DOCUMENTS` (comma-separated
/// paths) overrides the list. A block that imports a module other than TensorBoard starts a
/// section of other snippets: it and the import-less blocks after it are not checked here.
@Suite struct ReadmeSnippetSyncTests {
    /// The documents whose TensorBoard snippets must compile as written.
    static let documents: [String] = {
        if let list = ProcessInfo.processInfo.environment["README_SNIPPET_DOCUMENTS"], !list.isEmpty {
            return list.split(separator: ",").map { String($0) }
        }
        return ["README.md"]
    }()

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The ```swift blocks of a Markdown text: (import lines, body lines without leading or trailing blank lines).
    static func swiftBlocks(_ markdown: String) -> [(imports: [String], body: [String])] {
        var blocks = [(imports: [String], body: [String])]()
        var current: [String]?
        for line in markdown.components(separatedBy: "\n") {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```swift" {
                current = []
            } else if current != nil, line.trimmingCharacters(in: .whitespaces) == "```" {
                let lines = current ?? []
                blocks.append((lines.filter { $0.hasPrefix("import ") }, trimmed(lines.filter { !$0.hasPrefix("import ") })))
                current = nil
            } else if current != nil {
                current?.append(line)
            }
        }
        return blocks
    }

    /// Lines with leading and trailing whitespace removed, and no blank lines at either end.
    static func trimmed(_ lines: [String]) -> [String] {
        var result = lines.map { $0.trimmingCharacters(in: .whitespaces) }
        while result.first == "" { result.removeFirst() }
        while result.last == "" { result.removeLast() }
        return result
    }

    /// The bodies of the `func readmeSnippetN() throws { … }` functions of TourSnippets.swift.
    static func compiledBodies() throws -> [[String]] {
        let source = try String(contentsOfFile: packageRoot + "/Tests/ReadmeSnippetTests/TourSnippets.swift", encoding: .utf8)
        var bodies = [[String]]()
        var current: [String]?
        for line in source.components(separatedBy: "\n") {
            if line.hasPrefix("func readmeSnippet") {
                current = []
            } else if current != nil, line == "}" {
                bodies.append(trimmed(current ?? []))
                current = nil
            } else if current != nil {
                current?.append(line)
            }
        }
        return bodies
    }

    /// The TensorBoard-only blocks of a document.
    static func checkedBlocks(_ path: String) throws -> [[String]] {
        let text = try String(contentsOfFile: packageRoot + "/" + path, encoding: .utf8)
        var checked = [[String]]()
        var inOtherSection = false
        for block in swiftBlocks(text) {
            if !block.imports.isEmpty { inOtherSection = block.imports.contains { $0 != "import TensorBoard" } }
            if !inOtherSection { checked.append(block.body) }
        }
        return checked
    }

    @Test(arguments: documents)
    func everyTensorBoardSnippetIsCompiledAsWritten(document: String) throws {
        let blocks = try Self.checkedBlocks(document)
        let compiled = try Self.compiledBodies()
        #expect(!blocks.isEmpty, "\(document) has no TensorBoard Swift snippet")
        for block in blocks {
            let compiledHere = compiled.contains(block)
            #expect(compiledHere, "this snippet of \(document) is not compiled in Tests/ReadmeSnippetTests/TourSnippets.swift:\n\(block.joined(separator: "\n"))")
        }
    }

    @Test func everyCompiledSnippetIsInADocument() throws {
        let documented = try Self.documents.flatMap { try Self.checkedBlocks($0) }
        for body in try Self.compiledBodies() {
            let shown = documented.contains(body)
            #expect(shown, "TourSnippets.swift has a snippet no document shows:\n\(body.joined(separator: "\n"))")
        }
    }
}
