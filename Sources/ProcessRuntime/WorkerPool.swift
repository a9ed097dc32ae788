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
/// Dispatch's workers, asleep between regions, start 5–13 µs after the call on the 2-core machines
/// this package is measured on (later when the gap is longer): a tenth of the whole loss.
/// A worker here that has just finished a job checks for the next one for `spinDuration`
/// (200 µs) before it blocks, so the regions of one call, and of calls in a training loop,
/// start at once. The cost is that core being busy for up to 200 µs after the last region
/// (OpenBLAS's own threads spin for about 100 ms).
///
/// One job at a time: a call made while the pool is busy (from another thread, or from inside
/// a job) runs on `DispatchQueue.concurrentPerform` instead, with the same result.
///
/// Size: one thread per processor the process may use (`AvailableProcessors`, which honours
/// the affinity mask and a control group's CPU quota) but the caller's, started at the first
/// parallel region. `RuntimeConfiguration.workerThreads` sets another count; 0 turns the pool
/// off, and every region then runs on the calling thread alone. The threads are named
/// `cb-worker-N` (as `top -H` and debuggers show them).
public enum WorkerPool {
    /// The running pool, created at first use; replaced when the configuration asks for
    /// another size (the old pool's threads end once they are idle).
    private static let state = Mutex<SpinningPool?>(nil)
    /// The configured worker count, or −1 for the default (`AvailableProcessors.count − 1`).
    private static let configuredThreads = Atomic<Int>(-1)

    /// The most worker threads a configuration may ask for (larger requests are clamped to it).
    public static let maximumWorkerThreads = 1024

    /// The number of threads a parallel region runs on: the workers plus the caller's, 1 when
    /// the pool is off.
    public static var parallelism: Int { pool().threadCount + 1 }

    /// The worker threads of the pool (the caller's thread not counted).
    public static var workerThreadCount: Int { pool().threadCount }

    /// Sets the number of worker threads (0 turns the pool off); `nil` restores the default.
    /// A running pool of another size is replaced: its threads end once idle.
    ///
    /// Called by `RuntimeConfiguration.apply()`; thread-safe.
    static func configure(workerThreads: Int?) {
        let requested = workerThreads.map { Swift.min(Swift.max(0, $0), maximumWorkerThreads) } ?? -1
        configuredThreads.store(requested, ordering: .sequentiallyConsistent)
        let retired: SpinningPool? = state.withLock { pool in
            guard let current = pool, current.threadCount != resolvedThreads(requested) else { return nil }
            pool = nil
            return current
        }
        retired?.retire()
    }

    private static func resolvedThreads(_ requested: Int) -> Int {
        requested >= 0 ? requested : AvailableProcessors.count - 1
    }

    private static func pool() -> SpinningPool {
        state.withLock { pool in
            if let pool { return pool }
            let created = SpinningPool(threads: resolvedThreads(configuredThreads.load(ordering: .sequentiallyConsistent)))
            pool = created
            return created
        }
    }

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
        pool().run(iterations: iterations, body)
    }
}

/// The threads behind `WorkerPool`.
///
/// `@unchecked Sendable`: `job` is written only by the caller that owns the pool (`busy` set,
/// an acquiring compare-exchange) before it publishes the job through `claim`, and read by the
/// workers only after they observe that generation; `workers` is written in `init` only.
final class SpinningPool: @unchecked Sendable {
    /// How long a worker keeps checking for a job after its last one, in nanoseconds.
    static let spinDuration: UInt64 = 200_000

    /// Generation (bits 40...), iteration count (bits 20..<40) and next unclaimed iteration
    /// (bits 0..<20) of the current job, in one word so that a claim is one compare-exchange
    /// that fails for a finished generation: a worker can only call a job's body while the
    /// caller is still waiting for it.
    let claim = Atomic<Int>(0)
    /// Iterations of the current job that have returned.
    let finished = Atomic<Int>(0)
    /// Set while the caller of the current job sleeps on `jobDone` for the last iterations.
    let callerWaits = Atomic<Bool>(false)
    /// Signalled when the current job's last iteration finishes while the caller sleeps.
    let jobDone = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Workers blocked on `condition`.
    let sleepers = Atomic<Int>(0)
    /// Set while a caller owns the pool.
    let busy = Atomic<Bool>(false)
    /// The current job's body; written by the owning caller before it publishes the job.
    var job: UnsafePointer<(Int) -> Void>?
    let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    var workers: [pthread_t] = []
    /// Set when the pool is replaced: idle workers end.
    let retired = Atomic<Bool>(false)
    /// Number of worker threads started.
    var threadCount: Int { workers.count }

    static let countBits = 20, countMask = (1 << 20) - 1, generationMask = (1 << 23) - 1

    init(threads: Int) {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        pthread_cond_init(jobDone, nil)
        for index in 0..<threads {
            let context = Unmanaged.passRetained(WorkerContext(pool: self, index: index)).toOpaque()
            var thread = pthread_t()
            #if canImport(Glibc)
            let created = pthread_create(&thread, nil, { context in
                SpinningPool.threadMain(context!)
            }, context)
            #else
            let created = pthread_create(&thread, nil, { context in
                SpinningPool.threadMain(context)
            }, context)
            #endif
            if created == 0 {
                pthread_detach(thread)
                workers.append(thread)
            } else {
                Unmanaged<WorkerContext>.fromOpaque(context).release()
            }
        }
    }

    static func generation(of word: Int) -> Int { (word >> (2 * countBits)) & generationMask }

    /// What a worker thread starts with (retained until the thread ends).
    final class WorkerContext {
        let pool: SpinningPool
        let index: Int
        init(pool: SpinningPool, index: Int) {
            self.pool = pool
            self.index = index
        }
    }

    /// A worker thread's entry point: names the thread, runs the loop until the pool is
    /// retired, releases its context.
    static func threadMain(_ context: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
        let worker = Unmanaged<WorkerContext>.fromOpaque(context).takeRetainedValue()
        #if canImport(Glibc)
            // pthread_setname_np is a GNU extension the Swift Glibc module does not show.
            typealias SetName = @convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32
            if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_setname_np") {
                _ = unsafeBitCast(symbol, to: SetName.self)(pthread_self(), "cb-worker-\(worker.index)")
            }
        #endif
        worker.pool.workerLoop()
        return nil
    }

    /// Lets the idle workers end (the pool must no longer be handed out).
    func retire() {
        retired.store(true, ordering: .sequentiallyConsistent)
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    func run(iterations: Int, _ body: @Sendable (Int) -> Void) {
        if workers.isEmpty {
            for index in 0..<iterations { body(index) }
            return
        }
        guard iterations <= Self.countMask,
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
                waitForTheOtherIterations(iterations)
                job = nil
            }
        }
        busy.store(false, ordering: .releasing)
    }

    /// Returns once all `iterations` of the current job have finished: checks for `spinDuration`
    /// (the other iterations of a short region end within microseconds), then sleeps until the
    /// worker finishing the last one signals `jobDone`, so a long job's caller does not keep a
    /// processor busy. `callerWaits` is set before `finished` is read again, and a worker reads
    /// `callerWaits` after counting its iteration (both sequentially consistent): one of the
    /// two sees the other's write, so the caller never sleeps through the last iteration.
    private func waitForTheOtherIterations(_ iterations: Int) {
        var start: UInt64 = 0, polls = 0
        while finished.load(ordering: .acquiring) < iterations {
            polls += 1
            if polls & 255 != 0 { continue }
            let now = DispatchTime.now().uptimeNanoseconds
            if start == 0 { start = now }
            if now - start < Self.spinDuration { continue }
            pthread_mutex_lock(mutex)
            callerWaits.store(true, ordering: .sequentiallyConsistent)
            while finished.load(ordering: .sequentiallyConsistent) < iterations { pthread_cond_wait(jobDone, mutex) }
            callerWaits.store(false, ordering: .sequentiallyConsistent)
            pthread_mutex_unlock(mutex)
        }
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
            let done = finished.add(1, ordering: .sequentiallyConsistent).newValue
            if done == count, callerWaits.load(ordering: .sequentiallyConsistent) {
                pthread_mutex_lock(mutex)
                pthread_cond_broadcast(jobDone)
                pthread_mutex_unlock(mutex)
            }
            word = claim.load(ordering: .acquiring)
        }
    }

    /// Calls the job outside `work`, so that every retain and release of its closure is over
    /// before the iteration is counted as finished.
    @inline(never)
    private static func invoke(_ job: UnsafePointer<(Int) -> Void>, _ index: Int) { job.pointee(index) }

    /// Waits for jobs and works on them until the pool is retired.
    func workerLoop() {
        // Generation 0 is the pool's state before its first job. Starting from it (rather than
        // from the generation current when the thread gets here) lets a thread that starts
        // after the first job was published still take part in it; a job that has already
        // finished leaves no iteration to claim.
        var seen = 0
        while true {
            var start: UInt64 = 0, polls = 0
            while Self.generation(of: claim.load(ordering: .acquiring)) == seen {
                polls += 1
                if polls & 255 != 0 { continue }
                if retired.load(ordering: .relaxed) { return }
                let now = DispatchTime.now().uptimeNanoseconds
                if start == 0 { start = now }
                if now - start < Self.spinDuration { continue }
                pthread_mutex_lock(mutex)
                sleepers.add(1, ordering: .sequentiallyConsistent)
                while Self.generation(of: claim.load(ordering: .sequentiallyConsistent)) == seen
                    && !retired.load(ordering: .sequentiallyConsistent)
                {
                    pthread_cond_wait(condition, mutex)
                }
                sleepers.subtract(1, ordering: .sequentiallyConsistent)
                pthread_mutex_unlock(mutex)
                if retired.load(ordering: .sequentiallyConsistent) { return }
            }
            seen = Self.generation(of: claim.load(ordering: .acquiring))
            work(generation: seen)
        }
    }
}
