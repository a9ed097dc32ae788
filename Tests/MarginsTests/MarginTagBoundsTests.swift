import Foundation
import Margins
import TensorBoard
import TestSupport
import Testing

@Suite struct MarginTagBoundsTests {
    @Test(arguments: ["C9223372036854775807-C0", "C9223372036854775806-C9223372036854775807", "C+1-C2", "C-1-C0", "C1000001-C1000002", "C0-C"])
    func tagsWithHugeOrSignedIndicesAreNotMarginTags(tag: String) throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory)
            try writer.addScalar(tag, 0.5, step: 0)
            try writer.close()
            #expect(throws: MarginExtractionError.noMarginTags(path: directory, availableTags: [tag])) {
                try extractMargins(path: directory)
            }
        }
    }

    @Test func aNegativeMarginIsCalledNegativeNotNonFinite() throws {
        try withTemporaryDirectory { directory in
            let writer = try SummaryWriter(logDirectory: directory)
            try writer.addScalar("Margin", -0.25, step: 4)
            try writer.close()
            let expected = MarginExtractionError.negativeValue(tag: "Margin", step: 4, value: -0.25)
            #expect(throws: expected) { try extractMargins(path: directory) }
            #expect(expected.description == "margin Margin is -0.25 at step 4; a margin must be ≥ 0 (were raw θ values logged instead of softplus(θ)?)")
        }
    }
}
