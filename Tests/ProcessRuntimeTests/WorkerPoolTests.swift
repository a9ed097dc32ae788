import Dispatch
import ProcessRuntime
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `WorkerPool.run` calls every iteration exactly once and returns only after all of them, on
/// the pool (repeatedly, so that a race between jobs would show), after its threads have gone
/// to sleep, from inside a job, and from several threads at once (the fallback path).
@Suite struct WorkerPoolTests {
    /// A counter that closures running on several threads can share.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
        func increment() { value.add(1, ordering: .relaxed) }
        var count: Int { value.load(ordering: .relaxed) }
    }

    /// Runs one job and returns how often each index was called (after `run` returned).
    static func counts(iterations: Int) -> [Int] {
        let calls = (0..<iterations).map { _ in Counter() }
        WorkerPool.run(iterations: iterations) { index in calls[index].increment() }
        return calls.map(\.count)
    }

    @Test func everyIterationRunsOnceForManyJobs() {
        for round in 0..<3000 {
            let iterations = [0, 1, 2, 3, 8, 100][round % 6]
            let counts = Self.counts(iterations: iterations)
            #expect(counts == [Int](repeating: 1, count: iterations), "round \(round)")
            if counts != [Int](repeating: 1, count: iterations) { return }
        }
    }

    @Test func runsAfterTheThreadsWentToSleep() {
        for _ in 0..<3 {
            usleep(5000)  // far beyond the 200 µs the threads spin
            #expect(Self.counts(iterations: 16) == [Int](repeating: 1, count: 16))
        }
    }

    @Test func jobsMayRunJobs() {
        let total = Counter()
        WorkerPool.run(iterations: 4) { _ in
            WorkerPool.run(iterations: 5) { _ in total.increment() }
        }
        #expect(total.count == 20)
    }

    @Test func concurrentCallersEachGetTheirOwnJob() {
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: 4) { caller in
            for round in 0..<500 {
                let iterations = 1 + (caller + round) % 9
                if Self.counts(iterations: iterations) != [Int](repeating: 1, count: iterations) { failures.increment() }
            }
        }
        #expect(failures.count == 0)
    }

    /// The body's writes are visible to the caller when `run` returns.
    @Test func writesOfTheJobAreVisibleAfterwards() {
        for _ in 0..<500 {
            var values = [Int](repeating: 0, count: 64)
            values.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let base = buffer.baseAddress!
                WorkerPool.run(iterations: 64) { index in base[index] = index * index }
            }
            #expect(values == (0..<64).map { $0 * $0 })
        }
    }
}
