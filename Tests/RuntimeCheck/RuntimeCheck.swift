// A test helper program: runs BLAS work with or without the tuned runtime configuration and
// prints what the process-wide state is afterwards, one `key=value` per line. The runtime
// tests run it as a child process, so that applying the configuration never touches the test
// process itself.
//
// Usage: runtime-check library|tuned|first-job
//
// `first-job` starts the default pool with its first job (nothing else has made the pool), whose
// iteration 0 waits (10 s at most) for iteration 1 to start on another thread, and prints how
// many threads ran the job and how many workers the pool has.

import Foundation
import LinearAlgebra
import ProcessRuntime
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

let mode = CommandLine.arguments.dropFirst().first ?? "library"

if mode == "first-job" {
    /// The threads each iteration ran on, and whether iteration 1 has started.
    final class Record: Sendable {
        let threads = Mutex<[Int: UInt]>([:])
        let secondStarted = Atomic<Bool>(false)
    }
    let record = Record()
    WorkerPool.run(iterations: 2) { index in
        record.threads.withLock { $0[index] = UInt(pthread_self()) }
        if index == 1 {
            record.secondStarted.store(true, ordering: .releasing)
        } else {
            let deadline = DispatchTime.now().uptimeNanoseconds + 10_000_000_000
            while !record.secondStarted.load(ordering: .acquiring), DispatchTime.now().uptimeNanoseconds < deadline { usleep(100) }
        }
    }
    print("first-job-threads=\(Set(record.threads.withLock { $0.values }).count)")
    print("worker-threads=\(WorkerPool.workerThreadCount)")
    exit(0)
}
let kernelsAtStart = BLASKernels.name ?? "none"
// What the tools do first: the tuned configuration, adjusted by CONTRASTIVEBOARD_* variables.
if mode == "tuned" {
    RuntimeConfiguration.tuned.overridden(byEnvironment: true).apply()
}

// BLAS work the way the losses do it: products large enough to be split into row blocks.
let a = Matrix<Float>(rows: 512, columns: 256, repeating: 0.5)
let b = Matrix<Float>(rows: 512, columns: 256, repeating: 0.25)
let product = try Matrix<Float>.product(a, b, transposingRight: true)
guard product[0, 0] == 32 else {
    FileHandle.standardError.write(Data("runtime-check: wrong product \(product[0, 0])\n".utf8))
    exit(1)
}

/// Minor page faults of this thread so far.
func faults() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(1), &usage)  // RUSAGE_THREAD
    return usage.ru_minflt
}

/// A loss's allocation pattern: an N×N matrix and a few [N, d] arrays alive at once, then freed.
func round() -> Float {
    func touch(_ count: Int) -> [Float] {
        var block = [Float](repeating: 0, count: count)
        block.withUnsafeMutableBufferPointer { for i in stride(from: 0, to: $0.count, by: 1024) { $0[i] = 1 } }
        return block
    }
    let blocks = [touch(1 << 18), touch(1 << 16), touch(1 << 19), touch(1 << 16)]
    return blocks.reduce(0) { $0 + $1[1024] }
}
_ = round()
let before = faults()
var total: Float = 0
for _ in 0..<10 { total += round() }

let environment = getenv("OPENBLAS_CORETYPE").map { String(cString: $0) } ?? "unset"
print("kernels-at-start=\(kernelsAtStart)")
print("kernels=\(BLASKernels.name ?? "none")")
print("correction=\(BLASKernels.correction ?? "none")")
print("openblas-coretype=\(environment)")
print("allocator-tuned=\(AllocatorPolicy.isApplied)")
print("faults-in-ten-rounds=\(before >= 0 && total == 40 ? faults() - before : -1)")
print("blas-threads=\(BLASThreads.count)")
print("worker-threads=\(WorkerPool.workerThreadCount)")
print("preferred=\(BLASKernels.preferredCore(flags: CPUFeatures.current.flags) ?? "none")")
