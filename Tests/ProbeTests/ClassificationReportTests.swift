import Probe
import Testing

/// Against scikit-learn 1.9.1's `classification_report(t, p, output_dict=True)` for the same
/// lists (values printed by scikit-learn, with a label never predicted, 9, and one predicted
/// but absent from the truth, 7: both 0/0 cases of `zero_division`).
@Suite struct ClassificationReportTests {
    @Test func matchesScikitLearnIncludingZeroDivision() {
        let truth = [1, 1, 1, 2, 2, 5, 5, 5, 5, 9]
        let predicted = [1, 2, 1, 2, 2, 5, 1, 5, 7, 1]
        let report = ClassificationReport(truth: truth, predicted: predicted)
        let expected: [(label: Int, precision: Double, recall: Double, f1: Double, support: Int)] = [
            (1, 0.5, 0.6666666666666666, 0.5714285714285714, 3), (2, 0.6666666666666666, 1.0, 0.8, 2),
            (5, 1.0, 0.5, 0.6666666666666666, 4), (7, 0, 0, 0, 0), (9, 0, 0, 0, 1),
        ]
        #expect(report.perClass.map(\.label) == expected.map(\.label))
        for (ours, theirs) in zip(report.perClass, expected) {
            #expect(abs(ours.precision - theirs.precision) < 1e-15 && abs(ours.recall - theirs.recall) < 1e-15, "label \(theirs.label)")
            #expect(abs(ours.f1Score - theirs.f1) < 1e-15 && ours.support == theirs.support, "label \(theirs.label)")
        }
        #expect(abs(report.accuracy - 0.6) < 1e-15)
        #expect(abs(report.macroAvg.precision - 0.4333333333333333) < 1e-15)
        #expect(abs(report.macroAvg.f1Score - 0.4076190476190476) < 1e-15)
        #expect(abs(report.weightedAvg.precision - 0.6833333333333333) < 1e-15)
        #expect(abs(report.weightedAvg.recall - 0.6) < 1e-15)
        #expect(abs(report.weightedAvg.f1Score - 0.5980952380952381) < 1e-15)
        #expect(report.macroAvg.support == 10)
        #expect(report.zeroDivisionLabels == [7, 9])
    }
}
