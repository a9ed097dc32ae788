import LinearAlgebra
import Probe
import Testing

@Suite struct ProbeInputBoundsTests {
    @Test func anEmptyTestSetIsATypedError() throws {
        let train = Matrix<Double>(rows: 4, columns: 1, elements: [0, 0.1, 1, 1.1])
        let test = Matrix<Double>(rows: 0, columns: 1, elements: [])
        #expect(throws: ProbeError.emptyTestSet) {
            try runLinearProbe(train: train, trainLabels: [0, 0, 1, 1], test: test, testLabels: [], configuration: LinearProbeConfiguration())
        }
    }
}
