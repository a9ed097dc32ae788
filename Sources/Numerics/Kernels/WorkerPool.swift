import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fork–join over a few persistent threads that wait for the next job by spinning for a short
/// while before they sleep: the parallel regions of the package's losses and products.
///
/// Why not only `DispatchQueue.concurrentPerform`: a loss at N = 256 is a chain of four or five
/// parallel regions of 50–150 µs each (a product, two elementwise passes, two products), and
/// Dispatch's workers, asleep between regions, start 5–13 µs after the call on the 2-core VMs
/// this package is measured on (and later when the gap was longer): a tenth of the whole loss.
/// A worker here that has just finished a job checks for the next one for `spinDuration`
/// (200 µs) before it blocks, so the regions of one call, and of calls in a training loop,
/// start at once. The cost is that core being busy for up to 200 µs after the last region
/// (OpenBLAS's own threads spin for about 100 ms).
///
/// One job at a time: a call made while the pool is busy (from another thread, or from inside
/// a job) runs on `DispatchQueue.concurrentPerform` instead, with the same result.
public enum WorkerPool {
    /// Calls `body(0..<iterations)` once each, in parallel on the calling thread and the pool's
    /// threads, and returns when all have returned. `body` must only write state owned by its
    /// iteration.
    ///
    /// - Parameters:
    ///   - iterations: Number of calls (≥ 0).
    ///   - body: Receives the iteration index.
    public static func run(iterations: Int, _ body: @Sendable (Int) -> Void) {
        if iterations <= 1 {
            if iterations == 1 { body(0) }
            return
        }
        SpinningPool.shared.run(iterations: iterations, body)
    }
}

/// The threads behind `WorkerPool`.
final class SpinningPool: @unchecked Sendable {
    /// One thread per online processor but the caller's.
    static let shared = SpinningPool(threads: Swift.max(0, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) - 1))

    /// How long a worker keeps checking for a job after its last one, in nanoseconds.
    static let spinDuration: UInt64 = 200_000

    /// Generation (bits 40...), iteration count (bits 20..<40) and next unclaimed iteration
    /// (bits 0..<20) of the current job, in one word so that a claim is one compare-exchange
    /// that fails for a finished generation: a worker can only call a job's body while the
    /// caller is still waiting for it.
    let claim = Atomic<Int>(0)
    /// Iterations of the current job that have returned.
    let finished = Atomic<Int>(0)
    /// Workers blocked on `condition`.
    let sleepers = Atomic<Int>(0)
    /// Set while a caller owns the pool.
    let busy = Atomic<Bool>(false)
    /// The current job's body; written by the owning caller before it publishes the job.
    var job: UnsafePointer<(Int) -> Void>?
    let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    var workers: [pthread_t] = []

    static let countBits = 20, countMask = (1 << 20) - 1, generationMask = (1 << 23) - 1

    init(threads: Int) {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        for _ in 0..<threads {
            let context = Unmanaged.passRetained(self).toOpaque()
            var thread = pthread_t()
            #if canImport(Glibc)
            let created = pthread_create(&thread, nil, { context in
                Unmanaged<SpinningPool>.fromOpaque(context!).takeUnretainedValue().workerLoop()
            }, context)
            #else
            let created = pthread_create(&thread, nil, { context in
                Unmanaged<SpinningPool>.fromOpaque(context).takeUnretainedValue().workerLoop()
            }, context)
            #endif
            if created == 0 {
                pthread_detach(thread)
                workers.append(thread)
            } else {
                Unmanaged<SpinningPool>.fromOpaque(context).release()
            }
        }
    }

    static func generation(of word: Int) -> Int { (word >> (2 * countBits)) & generationMask }

    func run(iterations: Int, _ body: @Sendable (Int) -> Void) {
        guard !workers.isEmpty, iterations <= Self.countMask,
            busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else {
            withoutActuallyEscaping(body) { body in DispatchQueue.concurrentPerform(iterations: iterations, execute: body) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let function: (Int) -> Void = escapable
            withUnsafePointer(to: function) { pointer in
                job = pointer
                finished.store(0, ordering: .relaxed)
                let next = ((Self.generation(of: claim.load(ordering: .relaxed)) + 1) & Self.generationMask) << (2 * Self.countBits) | iterations << Self.countBits
                claim.store(next, ordering: .sequentiallyConsistent)
                if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                    pthread_mutex_lock(mutex)
                    pthread_cond_broadcast(condition)
                    pthread_mutex_unlock(mutex)
                }
                work(generation: Self.generation(of: next))
                while finished.load(ordering: .acquiring) < iterations {}
                job = nil
            }
        }
        busy.store(false, ordering: .releasing)
    }

    /// Claims and runs iterations of `generation` until none is left.
    private func work(generation: Int) {
        var word = claim.load(ordering: .acquiring)
        while Self.generation(of: word) == generation {
            let count = (word >> Self.countBits) & Self.countMask, index = word & Self.countMask
            if index >= count { return }
            let (exchanged, original) = claim.compareExchange(expected: word, desired: word + 1, ordering: .acquiringAndReleasing)
            if !exchanged {
                word = original
                continue
            }
            Self.invoke(job!, index)
            finished.add(1, ordering: .releasing)
            word = claim.load(ordering: .acquiring)
        }
    }

    /// Calls the job outside `work`, so that every retain and release of its closure is over
    /// before the iteration is counted as finished.
    @inline(never)
    private static func invoke(_ job: UnsafePointer<(Int) -> Void>, _ index: Int) { job.pointee(index) }

    private func workerLoop() -> Never {
        var seen = Self.generation(of: claim.load(ordering: .acquiring))
        while true {
            var start: UInt64 = 0, polls = 0
            while Self.generation(of: claim.load(ordering: .acquiring)) == seen {
                polls += 1
                if polls & 255 != 0 { continue }
                let now = DispatchTime.now().uptimeNanoseconds
                if start == 0 { start = now }
                if now - start < Self.spinDuration { continue }
                pthread_mutex_lock(mutex)
                sleepers.add(1, ordering: .sequentiallyConsistent)
                while Self.generation(of: claim.load(ordering: .sequentiallyConsistent)) == seen {
                    pthread_cond_wait(condition, mutex)
                }
                sleepers.subtract(1, ordering: .sequentiallyConsistent)
                pthread_mutex_unlock(mutex)
            }
            seen = Self.generation(of: claim.load(ordering: .acquiring))
            work(generation: seen)
        }
    }
}
