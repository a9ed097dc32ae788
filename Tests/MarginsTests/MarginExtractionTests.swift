import Foundation
import Losses
import Margins
import LinearAlgebra
import TensorBoard
import TestSupport
import Testing

@Suite struct MarginExtractionTests {
    /// Logs a phase-one run with the CLOC hook: margins move a little each step.
    private func phaseOne(_ directory: String, classCount: Int = 4, steps: Int = 5, prefix: String = "", variant: OrdinalContrastiveLoss.Variant = .multiMargin) throws -> OrdinalContrastiveLoss {
        let writer = try SummaryWriter(logDirectory: directory)
        var loss = try OrdinalContrastiveLoss(classCount: classCount, variant: variant, logger: writer, tagPrefix: prefix, seed: 2)
        let x = Matrix<Double>(rowArrays: [[1, 0.1], [0.9, 0.3], [0.1, 1], [-1, 0.2], [-0.5, -0.5], [0.3, -1]])
        for step in 0..<steps {
            let r = try loss.evaluate(MultiViewBatch(x, labels: [0, 0, 1, 1, 2, classCount - 1]), step: step)
            loss.learnableParameters = zip(loss.learnableParameters, r.parameterGradients["margins"] ?? []).map { $0 - 5 * $1 }
            try writer.addScalar("loss", r.loss, step: step)
        }
        try writer.close()
        // The values logged at the last step are the margins *before* the last update.
        return loss
    }

    @Test func multiMarginRunGivesTheLastLoggedValuesAsAFixedMap() throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory + "/run")
            let margins: [[Float]] = [[0.5, 0.9, 0.7], [0.12, 0.8, 0.4]]
            for (step, values) in margins.enumerated() {
                for (i, v) in values.enumerated() { try writer.addScalar("C\(i)-C\(i + 1)", Double(v), step: step) }
                try writer.addScalar("loss", 1, step: step)
            }
            try writer.close()
            let result = try extractMargins(path: directory)
            #expect(result.variant == .multi && result.run == "run")
            #expect(result.tags == ["C0-C1", "C1-C2", "C2-C3"])
            #expect(result.steps == [1, 1, 1])
            #expect(result.map().jsonText == "[[\"fixed\", 0.12], [\"fixed\", 0.8], [\"fixed\", 0.4]]")
            #expect(result.map(learnable: true).pythonText == "[['learnable', 0.12], ['learnable', 0.8], ['learnable', 0.4]]")
            var options = MarginExtractionOptions()
            options.step = 0
            #expect(try extractMargins(path: directory, options: options).map().jsonText == "[[\"fixed\", 0.5], [\"fixed\", 0.9], [\"fixed\", 0.7]]")
            options.step = nil
            options.averageLast = 2
            // Mean of float32 0.5 and 0.12, rounded to float32: 0.31.
            #expect(try extractMargins(path: directory, options: options).values[0] == Double(Float((Double(Float(0.5)) + Double(Float(0.12))) / 2)))
        }
    }

    @Test func mapOfTheHookConstructsThePhaseTwoLossWithTheSameMargins() throws {
        try withTemporaryDirectory { directory in
            _ = try phaseOne(directory + "/p1", prefix: "cloc/")
            var options = MarginExtractionOptions()
            options.tagPrefix = "cloc/"
            let result = try extractMargins(path: directory, options: options)
            let reader = try LogdirReader(path: directory)
            let logged = try reader.scalars(in: reader.runs[0])
            #expect(result.values == result.tags.map { logged[$0]?.last?.value ?? -1 })
            let phaseTwo = try OrdinalContrastiveLoss(classCount: 4, map: LearnableMap(parsing: result.map().jsonText))
            #expect(phaseTwo.learnableParameters.isEmpty)
            // Float32 inverse softplus of the float32 values: margins agree to float32 precision.
            #expect(firstMismatch(phaseTwo.margins, result.values, absoluteTolerance: 0, relativeTolerance: 1e-6) == nil)
        }
    }

    @Test func singleMarginAndRestartsAreReadAsTensorBoardShowsThem() throws {
        try withTemporaryDirectory { directory in
            let first = try SummaryWriter(logDirectory: directory, startWallTime: 1_000)
            for step in 0..<10 { try first.addScalar("Margin", 0.5 + Double(step) / 100, step: step) }
            try first.close()
            // Restart from step 5 with purge_step: later points pre-empt steps ≥ 5.
            let second = try SummaryWriter(logDirectory: directory, purgeStep: 5, startWallTime: 1_001)
            for step in 5..<7 { try second.addScalar("Margin", 0.25, step: step) }
            try second.close()
            let result = try extractMargins(path: directory)
            #expect(result.variant == .single && result.steps == [6] && result.values == [0.25])
            #expect(result.map().jsonText == "[[\"fixed\", 0.25]]")
        }
    }

    @Test func badInputsGetClearErrors() throws {
        try withTemporaryDirectory { directory in
            #expect(throws: MarginExtractionError.reading(.pathNotFound(directory + "/none"))) { try extractMargins(path: directory + "/none") }
            #expect(throws: MarginExtractionError.reading(.noEventFiles(directory))) { try extractMargins(path: directory) }
            let plain = try SummaryWriter(logDirectory: directory + "/plain")
            try plain.addScalar("loss", 1, step: 0)
            try plain.addScalar("acc", 1, step: 0)
            try plain.close()
            #expect(throws: MarginExtractionError.noMarginTags(path: directory, availableTags: ["acc", "loss"])) { try extractMargins(path: directory) }
            let gap = try SummaryWriter(logDirectory: directory + "/gap")
            try gap.addScalar("C0-C1", 0.1, step: 0)
            try gap.addScalar("C2-C3", 0.1, step: 0)
            try gap.close()
            var options = MarginExtractionOptions()
            options.run = "gap"
            #expect(throws: MarginExtractionError.chainGap(present: ["C0-C1", "C2-C3"], missing: "C1-C2")) { try extractMargins(path: directory, options: options) }
            let nan = try SummaryWriter(logDirectory: directory + "/nan")
            try nan.addScalar("Margin", .nan, step: 3)
            try nan.close()
            #expect(throws: MarginExtractionError.severalRuns(["gap", "nan"])) { try extractMargins(path: directory) }
            options.run = "nan"
            do {
                _ = try extractMargins(path: directory, options: options)
                Issue.record("a NaN margin was accepted")
            } catch {
                guard case MarginExtractionError.nonFiniteValue(let tag, let step, let value) = error else {
                    Issue.record("wrong error \(error)")
                    return
                }
                #expect(tag == "Margin" && step == 3 && value.isNaN)
            }
            options.run = "missing"
            #expect(throws: MarginExtractionError.runNotFound("missing", available: ["gap", "nan"])) { try extractMargins(path: directory, options: options) }
            options.run = "nan"
            options.step = 2
            #expect(throws: MarginExtractionError.stepBeforeFirst(step: 2, tag: "Margin", firstStep: 3)) { try extractMargins(path: directory, options: options) }
            #expect(MarginExtractionError.severalRuns(["a", "b"]).description == "several runs have margin tags: a, b; choose one with --run")
        }
    }

    @Test func damagedFilesFailUnlessAllowedAndThenUseTheDataBeforeTheDamage() throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory)
            for step in 0..<4 { try writer.addScalar("Margin", Double(step) / 10, step: step) }
            try writer.close()
            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: writer.filePath)))
            bytes[bytes.count - 2] ^= 0xFF  // last record's payload CRC
            try Data(bytes).write(to: URL(fileURLWithPath: writer.filePath))
            #expect(throws: MarginExtractionError.self) { try extractMargins(path: directory) }
            var options = MarginExtractionOptions()
            options.allowsDamagedFiles = true
            let result = try extractMargins(path: directory, options: options)
            #expect(result.steps == [2] && result.damage.count == 1)
        }
    }
}
