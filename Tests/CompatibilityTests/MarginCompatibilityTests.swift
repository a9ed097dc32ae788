import Foundation
import Losses
import Margins
import TestSupport
import Testing

@Suite(.enabled(if: CompatEnvironment.shouldRun, "compatibility venv not found; run scripts/setup-compat-venv.sh"))
struct MarginCompatibilityTests {
    @Test func extractsMarginsFromTorchAndTensorboardXRunsIncludingARestart() throws {
        try withTemporaryDirectory { directory in
            let output = try CompatEnvironment.run("write_margin_runs.py", [directory])
            guard let expected = try CompatEnvironment.json(output) as? [String: [Double]] else {
                Issue.record("no JSON from write_margin_runs.py: \(output)")
                return
            }
            // Two runs with margins: the run must be chosen.
            #expect(throws: MarginExtractionError.severalRuns(["tbx_single", "torch_multi"])) { try extractMargins(path: directory) }
            var options = MarginExtractionOptions()
            options.run = "torch_multi"
            let multi = try extractMargins(path: directory, options: options)
            #expect(multi.variant == .multi && multi.files.count == 2)
            #expect(multi.steps == [7, 7, 7])  // the restart pre-empted steps 6…9 of the first file
            #expect(multi.values == expected["torch_multi"])
            options.step = 5
            #expect(try extractMargins(path: directory, options: options).values == expected["torch_multi_step5"])
            options.step = nil
            options.run = "tbx_single"
            let single = try extractMargins(path: directory, options: options)
            #expect(single.variant == .single && single.values == expected["tbx_single"])
            // The printed JSON constructs the phase-two loss with the same margins.
            let phaseTwo = try OrdinalContrastiveLoss(classCount: 4, map: LearnableMap(parsing: multi.map().jsonText))
            #expect(phaseTwo.learnableParameters.isEmpty)
            #expect(firstMismatch(phaseTwo.margins, multi.values, absoluteTolerance: 0, relativeTolerance: 1e-6) == nil)
            // The command prints the same map.
            let tool = try runTool("extract-margins", [directory, "--run", "torch_multi", "--format", "python"])
            #expect(tool.standardOutput == multi.map().pythonText + "\n")
        }
    }
}
