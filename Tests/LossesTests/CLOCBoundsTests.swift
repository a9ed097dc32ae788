import Losses
import Testing

@Suite struct CLOCBoundsTests {
    @Test(arguments: [100_000, 1 << 62, Int.max])
    func classCountsAboveTheLimitAreATypedError(classCount: Int) {
        let reason = "at most \(OrdinalContrastiveLoss.maximumClassCount) classes (memory grows with the square of the class count)"
        #expect(throws: LossError.invalidParameter(name: "classCount", value: "\(classCount)", reason: reason)) {
            try OrdinalContrastiveLoss(classCount: classCount, variant: .singleMargin, map: LearnableMap([.fixed(0.5)]))
        }
    }

    @Test func theLimitItselfIsAccepted() throws {
        let loss = try OrdinalContrastiveLoss(
            classCount: OrdinalContrastiveLoss.maximumClassCount, variant: .singleMargin, map: LearnableMap([.fixed(0.5)]))
        #expect(loss.classCount == 4096)
    }
}
