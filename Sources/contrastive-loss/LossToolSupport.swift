import ArrayFiles
import ArgumentParser
import Foundation
import LinearAlgebra
import ToolSupport

/// The element type the loss is evaluated in.
enum DType: String, ExpressibleByArgument, CaseIterable {
    case float64, float32
}

/// Options every subcommand shares.
struct CommonLossOptions: ParsableArguments {
    @Option(name: .long, help: "Features .npy file, [N, D] (float32 or float64).")
    var input: String

    @Option(name: .long, help: "Labels .npy file, [N] integer class indices (int32 or int64).")
    var labels: String?

    @Option(name: .long, help: "Element type of the evaluation.")
    var dtype: DType = .float64

    @Flag(name: .long, help: "Print the result as one JSON object.")
    var json = false

    /// The features as a matrix of the requested precision.
    func features<Scalar: BLASScalar>(_: Scalar.Type) throws -> Matrix<Scalar> {
        let array = try NPYArray(contentsOfFile: input)
        guard array.shape.count == 2 else { throw NPYError.wrongRank(path: input, expected: 2, actual: array.shape) }
        return try array.matrix(of: Scalar.self, path: input)
    }

    /// The labels as integers.
    func labelValues() throws -> [Int] {
        guard let labels else { throw ValidationError("--labels is required for this loss") }
        let array = try NPYArray(contentsOfFile: labels)
        guard array.shape.count == 1 else { throw NPYError.wrongRank(path: labels, expected: 1, actual: array.shape) }
        switch array.storage {
        case .int32, .int64: return try array.integers(path: labels)
        default: throw ToolError("\(labels): labels have dtype \(array.dtypeDescriptor); save them as int32 or int64 (e.g. np.save(p, y.astype(np.int64)))")
        }
    }
}

/// Parses a comma-separated list of numbers (negative values and exponents allowed).
func parseNumberList(_ text: String, option: String) throws -> [Double] {
    try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
        let trimmed = part.trimmingCharacters(in: .whitespaces)
        guard let value = Double(trimmed), value.isFinite else {
            throw ValidationError("\(option): '\(trimmed)' is not a finite number (expected a comma-separated list like -0.43,0.54)")
        }
        return value
    }
}

/// Writes one line to standard output; a failed write (disk full, closed pipe) throws
/// `OutputFileError`, so the exit status is never 0 when the output was lost.
func printLine(_ line: String) throws {
    try OutputFile.write(line + "\n", to: "-")
}

/// Formats a number as JSON (shortest round-trip decimal).
func jsonNumber(_ value: Double) -> String {
    value.isFinite ? "\(value)" : (value.isNaN ? "NaN" : (value > 0 ? "Infinity" : "-Infinity"))
}

/// Formats a matrix as a JSON array of rows.
func jsonMatrix<Scalar: BLASScalar>(_ matrix: Matrix<Scalar>) -> String {
    "[" + (0..<matrix.rows).map { i in "[" + matrix.row(i).map { jsonNumber(Double($0)) }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"
}

/// Formats a vector as a JSON array.
func jsonVector(_ values: [Double]) -> String {
    "[" + values.map(jsonNumber).joined(separator: ", ") + "]"
}
