import ArrayFiles
import Foundation
import LinearAlgebra
import TestSupport
import Testing

@Suite struct ContrastiveLossFamilyToolTests {
    private func json(_ output: ToolOutput) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any], "\(output.standardError)")
    }

    /// Writes the golden inputs of docs/reference/contrastive-losses.md as .npy files.
    private func fixtures(_ d: String) throws {
        let raw: [Double] = [1.0, 0.2, -0.5, 0.9, 0.1, -0.3, 0.3, -1.2, 0.8, 0.5, -1.0, 0.6, -0.7, 0.4, 1.1, -0.2, 0.9, 0.7, 0.6, 0.6, 0.1, 0.2, 0.5, -0.4]
        let normalized = Matrix<Double>(rows: 8, columns: 3, elements: raw).normalizedRows().normalized.elements
        try NPYArray(shape: [4, 2, 3], storage: .float64(normalized)).write(toFile: d + "/supcon.npy")
        try NPYArray(shape: [4], storage: .int64([0, 1, 0, 2])).write(toFile: d + "/labels.npy")
        try NPYArray(shape: [3, 3], storage: .float64([1.0, 0.2, -0.5, 0.3, -1.2, 0.8, -0.7, 0.4, 1.1])).write(toFile: d + "/z1.npy")
        try NPYArray(shape: [3, 3], storage: .float64([0.9, 0.1, -0.3, 0.5, -1.0, 0.6, -0.2, 0.9, 0.7])).write(toFile: d + "/z2.npy")
        try NPYArray(shape: [3, 3], storage: .float64([0.5, -1.0, 2.0, 1.5, 0.3, -0.7, -0.2, 0.8, 0.4])).write(toFile: d + "/x.npy")
        try NPYArray(shape: [3, 3], storage: .float64([0.6, -0.9, 1.8, 1.2, 0.5, -0.3, 0.1, 1.0, 0.2])).write(toFile: d + "/xp.npy")
        try NPYArray(shape: [6, 3], storage: .float64([1.0, 0.2, 0.1, 0.9, 0.3, 0.0, 0.1, 1.0, 0.3, 0.2, 0.8, 0.5, 0.3, 0.1, 1.0, 0.0, 0.4, 0.9])).write(toFile: d + "/d1.npy")
        let views0: [Double] = [1.0, 0.2, -0.5, 0.3, -1.2, 0.8, -0.7, 0.4, 1.1, 0.6, 0.6, 0.1]
        let views1: [Double] = [0.9, 0.1, -0.3, 0.5, -1.0, 0.6, -0.2, 0.9, 0.7, 0.2, 0.5, -0.4]
        try NPYArray(shape: [4, 3], storage: .float64(views0)).write(toFile: d + "/v0.npy")
        try NPYArray(shape: [4, 3], storage: .float64(views1)).write(toFile: d + "/v1.npy")
    }

    @Test func everySubcommandReproducesItsGoldenLoss() throws {
        try withTemporaryDirectory { d in
            try fixtures(d)
            // (arguments, golden loss of the original code, gradient keys)
            let cases: [([String], Double, [String])] = [
                (["supcon", "--input", d + "/supcon.npy", "--labels", d + "/labels.npy"], 6.94643128, ["input"]),
                (["supcon", "--input", d + "/supcon.npy", "--labels", d + "/labels.npy", "--param", "contrast_mode=one"], 7.60951462, ["input"]),
                (["nt-xent", "--input", d + "/v0.npy", "--input2", d + "/v1.npy", "--param", "temperature=0.5"], 0.845553784, ["input", "input2"]),
                (["dcl", "--input", d + "/z1.npy", "--input2", d + "/z2.npy"], -8.55869676, ["input", "input2"]),
                (["dclw", "--input", d + "/z1.npy", "--input2", d + "/z2.npy", "--param", "sigma=0.5", "--param", "detach_weights=false"], -8.42555088, ["input", "input2"]),
                (["sigmoid", "--input", d + "/x.npy", "--input2", d + "/xp.npy", "--param", "tau=1", "--param", "b=-5", "--param", "alpha=1", "--param", "gamma=1"], 2.28229349, ["input", "input2", "tau", "b"]),
                (["qare", "--input", d + "/d1.npy"], 4.01789144, ["input"]),
                (["simclr", "--input", d + "/d1.npy"], 0.897348575, ["input"]),
                (["simclr-qare", "--input", d + "/d1.npy", "--param", "beta=0.5"], 2.90629429, ["input"]),
                (["sparseclr", "--input", d + "/d1.npy"], 0.898859465, ["input"]),
                (["sparseclr-qare", "--input", d + "/d1.npy", "--param", "alpha=1", "--param", "beta=1"], 4.9167509, ["input"]),
            ]
            for (arguments, golden, keys) in cases {
                let result = try runTool("contrastive-loss", arguments + ["--json"])
                #expect(result.status == 0, "\(arguments[0]): \(result.standardError)")
                let object = try json(result)
                let loss = (object["loss"] as? NSNumber)?.doubleValue ?? .nan
                #expect(isApproximatelyEqual(loss, golden, absoluteTolerance: 0, relativeTolerance: 1e-8), "\(arguments[0]): \(loss)")
                #expect(Set(((object["grad"] as? [String: Any]) ?? [:]).keys) == Set(keys), "\(arguments[0])")
            }
        }
    }

    @Test func badInputGetsOneClearLine() throws {
        try withTemporaryDirectory { d in
            try fixtures(d)
            var r = try runTool("contrastive-loss", ["dcl", "--input", d + "/z1.npy"])
            #expect(r.status == 64 && r.standardError.hasPrefix("Error: --input2 is required for this loss\n"))
            r = try runTool("contrastive-loss", ["dcl", "--input", d + "/z1.npy", "--input2", d + "/z2.npy", "--param", "sigma=2"])
            #expect(r.standardError.hasPrefix("Error: --param sigma: not a setting of this loss (settings: temperature)\n"))
            r = try runTool("contrastive-loss", ["dcl", "--input", d + "/z1.npy", "--input2", d + "/z2.npy", "--param", "temperature=abc"])
            #expect(r.standardError.hasPrefix("Error: --param temperature=abc: not a finite number\n"))
            r = try runTool("contrastive-loss", ["dcl", "--input", d + "/z1.npy", "--input2", d + "/z2.npy", "--param", "temperature=-1"])
            #expect(r.status == 1 && r.standardError == "Error: invalid temperature = -1.0: must be a positive finite number\n")
            r = try runTool("contrastive-loss", ["sparseclr", "--input", d + "/z1.npy"])
            #expect(r.standardError == "Error: \(d)/z1.npy: sparseclr takes interleaved views, an even number of rows; got 3\n")
            r = try runTool("contrastive-loss", ["supcon", "--input", d + "/z1.npy"])
            #expect(r.standardError == "Error: \(d)/z1.npy: supcon expects a 3-D array [batch, views, dim], got shape [3, 3]\n")
            r = try runTool("contrastive-loss", ["supcon", "--input", d + "/supcon.npy", "--labels", d + "/z1.npy"])
            #expect(r.standardError == "Error: \(d)/z1.npy: labels have dtype <f8; save them as int32 or int64\n")
            r = try runTool("contrastive-loss", ["dcl", "--input", d + "/z1.npy", "--input2", d + "/v0.npy"])
            #expect(r.standardError == "Error: views[1]: expected [3, 3] like views[0], got [4, 3]\n")
            r = try runTool("contrastive-loss", ["supcon", "--input", d + "/supcon.npy", "--param", "contrast_mode=some"])
            #expect(r.standardError.hasPrefix("Error: --param contrast_mode=some: expected all or one\n"))
        }
    }
}
