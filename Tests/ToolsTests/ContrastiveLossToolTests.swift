import ArrayFiles
import Foundation
import LinearAlgebra
import TestSupport
import Testing

@Suite struct ContrastiveLossToolTests {
    private func save(_ array: NPYArray, _ path: String) throws { try array.write(toFile: path) }

    @Test func clocMultiPrintsLossAndEveryGradientAsJSON() throws {
        try withTemporaryDirectory { d in
            try save(NPYArray(shape: [4, 2], storage: .float64([1, 0, 0.8, 0.6, 0, 1, -1, 0])), d + "/x.npy")
            try save(NPYArray(shape: [4], storage: .int64([0, 0, 1, 2])), d + "/y.npy")
            // Golden example A of docs/reference/cloc.md, "Golden examples" (θ = float64 inverse softplus of [0.5, 1.0]).
            let r = try runTool("contrastive-loss", ["cloc-multi", "--input", d + "/x.npy", "--labels", d + "/y.npy", "--theta", "-0.4327521295671885,0.541324854612918", "--json"])
            #expect(r.status == 0 && r.standardError.isEmpty)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(r.standardOutput.utf8)) as? [String: Any])
            let loss = try #require((object["loss"] as? NSNumber)?.doubleValue)
            #expect(isApproximatelyEqual(loss, 0.01875, absoluteTolerance: 1e-15, relativeTolerance: 1e-12))
            let grad = try #require(object["grad"] as? [String: Any])
            let input = try #require(grad["input"] as? [[NSNumber]]).flatMap { $0.map(\.doubleValue) }
            #expect(firstMismatch(input, [0, -0.0375, -0.0525, 0.07, 0.05, 0, 0, 0], absoluteTolerance: 1e-14, relativeTolerance: 1e-12) == nil)
            let theta = try #require(grad["theta"] as? [NSNumber]).map(\.doubleValue)
            #expect(firstMismatch(theta, [0.02459183376796041, 0], absoluteTolerance: 1e-15, relativeTolerance: 1e-12) == nil)
        }
    }

    @Test func clocSingleAcceptsFloat32InputAndDtype() throws {
        try withTemporaryDirectory { d in
            try save(NPYArray(shape: [6, 3], storage: .float32([0.9, -0.3, 0.4, 0.7, 0.1, 0.6, -0.2, 1.0, 0.3, 0.1, 0.8, -0.5, -0.9, 0.2, 0.1, 0.3, -0.7, -0.8])), d + "/x.npy")
            try save(NPYArray(shape: [6], storage: .int32([0, 0, 1, 1, 3, 0])), d + "/y.npy")
            let r = try runTool("contrastive-loss", ["cloc-single", "--input", d + "/x.npy", "--labels", d + "/y.npy", "--theta", "-0.5108352899551392", "--classes", "4", "--dtype", "float32", "--json"])
            #expect(r.status == 0)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(r.standardOutput.utf8)) as? [String: Any])
            // Golden example C (docs/reference/cloc.md, "Golden examples"): 0.0668388963248; float32 input, ~1e-6 relative.
            #expect(isApproximatelyEqual((object["loss"] as? NSNumber)?.doubleValue ?? 0, 0.0668388963248, absoluteTolerance: 0, relativeTolerance: 1e-6))
        }
    }

    @Test func errorsAreOneClearLine() throws {
        try withTemporaryDirectory { d in
            try save(NPYArray(shape: [2, 2], storage: .float64([1, 0, 0, 1])), d + "/x.npy")
            try save(NPYArray(shape: [2], storage: .int64([0, 1])), d + "/y.npy")
            try save(NPYArray(shape: [2], storage: .float32([0, 1])), d + "/yf.npy")
            try save(NPYArray(shape: [2], storage: .int64([0, 5])), d + "/ybig.npy")
            let base = ["cloc-multi", "--input", d + "/x.npy", "--labels", d + "/y.npy"]
            var r = try runTool("contrastive-loss", base + ["--theta", "0.1,zz"])
            #expect(r.status == 64 && r.standardError.hasPrefix("Error: --theta: 'zz' is not a finite number (expected a comma-separated list like -0.43,0.54)\n"))
            r = try runTool("contrastive-loss", base + ["--theta", "0.1,0.2", "--classes", "2"])
            #expect(r.status == 64 && r.standardError.hasPrefix("Error: --theta has 2 values; cloc-multi with 2 classes needs 1\n"))
            r = try runTool("contrastive-loss", ["cloc-multi", "--input", d + "/missing.npy", "--labels", d + "/y.npy", "--theta", "1"])
            #expect(r.status == 1 && r.standardError == "Error: \(d)/missing.npy: cannot access file: No such file or directory\n")
            r = try runTool("contrastive-loss", ["cloc-multi", "--input", d + "/x.npy", "--labels", d + "/yf.npy", "--theta", "1"])
            #expect(r.standardError == "Error: \(d)/yf.npy: labels have dtype <f4; save them as int32 or int64 (e.g. np.save(p, y.astype(np.int64)))\n")
            r = try runTool("contrastive-loss", ["cloc-multi", "--input", d + "/x.npy", "--labels", d + "/ybig.npy", "--theta", "1"])
            #expect(r.standardError == "Error: label 5 at index 1 is outside 0..<2; labels must be class indices 0...1\n")
            r = try runTool("contrastive-loss", ["cloc-multi", "--input", d + "/y.npy", "--labels", d + "/y.npy", "--theta", "1"])
            #expect(r.standardError == "Error: \(d)/y.npy: expected a 2-D array, got shape [2]\n")
        }
    }
}
