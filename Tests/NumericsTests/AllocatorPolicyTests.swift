import Foundation
import Numerics
import Testing

@Suite struct AllocatorPolicyTests {
    /// After a BLAS call the thresholds are set on glibc, unless the user opted out or set
    /// glibc's malloc tunables; freed blocks of a few MB then stay in the process: the same
    /// allocation pattern repeated faults in (almost) no new pages on this thread.
    @Test func thresholdsAreSetAtTheFirstBLASCall() throws {
        _ = try Matrix<Float>.product(Matrix(rows: 2, columns: 2), Matrix(rows: 2, columns: 2))
        #if os(Linux)
            let environment = ProcessInfo.processInfo.environment
            let optedOut = environment["CONTRASTIVEBOARD_SYSTEM_MALLOC"] != nil || (environment["GLIBC_TUNABLES"] ?? "").contains("malloc")
            #expect(AllocatorPolicy.applied == !optedOut)
            guard AllocatorPolicy.applied else { return }
            func faults() -> Int {
                var usage = rusage()
                getrusage(__rusage_who_t(1), &usage)  // RUSAGE_THREAD
                return usage.ru_minflt
            }
            func touch(_ count: Int) -> [Float] {
                var block = [Float](repeating: 0, count: count)
                block.withUnsafeMutableBufferPointer { for i in stride(from: 0, to: $0.count, by: 1024) { $0[i] = 1 } }
                return block
            }
            // A loss's pattern: an N×N matrix and a few [N, d] arrays alive at once, then freed.
            func round() {
                let blocks = [touch(1 << 18), touch(1 << 16), touch(1 << 19), touch(1 << 16)]
                #expect(blocks.allSatisfy { $0[1024] == 1 })
            }
            round()
            let before = faults()
            for _ in 0..<10 { round() }
            // With glibc's defaults this faults in about 900 pages (measured); each round
            // allocates 3.5 MB, 896 pages.
            #expect(faults() - before < 100, "\(faults() - before) page faults in 10 rounds")
        #endif
    }
}
