import Foundation
import LinearAlgebra
import ProcessRuntime
import TestSupport
import Testing

/// Runs `runtime-check` (a child process) and returns its `key=value` lines.
private func runtimeCheck(_ mode: String, environment: [String: String] = [:]) throws -> [String: String] {
    let output = try runTool("runtime-check", [mode], environment: environment)
    #expect(output.status == 0, "runtime-check \(mode): \(output.standardError)")
    var values: [String: String] = [:]
    for line in output.standardOutput.split(separator: "\n") {
        guard let equals = line.firstIndex(of: "=") else { continue }
        values[String(line[..<equals])] = String(line[line.index(after: equals)...])
    }
    return values
}

/// A library call changes nothing process-wide; the tuned configuration changes what it says,
/// and only when applied. Each case runs in its own child process.
@Suite struct RuntimeConfigurationTests {
    @Test func libraryCallsLeaveTheProcessAlone() throws {
        let values = try runtimeCheck("library", environment: ["OPENBLAS_CORETYPE": ""])
        #expect(values["allocator-tuned"] == "false")
        #expect(values["correction"] == "none")
        #expect(values["kernels"] == values["kernels-at-start"])
        #expect(values["openblas-coretype"] == "unset" || values["openblas-coretype"] == "")
    }

    /// A pool's thread takes part in the pool's very first job, even when the job is published
    /// before the thread has started (as in a tool that makes one parallel call).
    @Test func aNewPoolsThreadJoinsItsFirstJob() throws {
        let values = try runtimeCheck("first-job")
        // One thread only where the pool has no worker (a single available processor).
        let workers = Int(values["worker-threads"] ?? "") ?? -1
        #expect(workers >= 0)
        #expect(values["first-job-threads"] == String(min(2, workers + 1)))
    }

    @Test func tunedConfigurationAppliesWhatItSays() throws {
        let values = try runtimeCheck("tuned")
        // glibc accepts both thresholds unless GLIBC_TUNABLES sets malloc tunables.
        let tunables = ProcessInfo.processInfo.environment["GLIBC_TUNABLES"] ?? ""
        #expect(values["allocator-tuned"] == (tunables.contains("malloc") ? "false" : "true"))
        if values["allocator-tuned"] == "true" {
            // With glibc's defaults the same rounds fault in about 900 pages (3.5 MB each).
            let faults = Int(values["faults-in-ten-rounds"] ?? "") ?? -1
            #expect(faults >= 0 && faults < 100, "\(faults) page faults in 10 rounds")
        }
        // OpenBLAS never stays on its generic kernels where the processor has better ones, and
        // the environment is left as it was.
        if values["kernels-at-start"]?.lowercased() == "prescott", values["preferred"] != "none" {
            #expect(values["kernels"] == values["preferred"])
            #expect(values["correction"] == values["preferred"])
        } else {
            #expect(values["correction"] == "none")
        }
        #expect(values["openblas-coretype"] == "unset")
    }

    @Test func environmentOverridesTheTunedConfiguration() throws {
        let values = try runtimeCheck(
            "tuned",
            environment: [
                "CONTRASTIVEBOARD_ALLOCATOR": "system", "CONTRASTIVEBOARD_BLAS_KERNELS": "keep",
                "CONTRASTIVEBOARD_WORKER_THREADS": "3",
            ])
        #expect(values["allocator-tuned"] == "false")
        #expect(values["correction"] == "none")
        #expect(values["kernels"] == values["kernels-at-start"])
        #expect(values["worker-threads"] == "3")
        let off = try runtimeCheck("tuned", environment: ["CONTRASTIVEBOARD_WORKER_THREADS": "0"])
        #expect(off["worker-threads"] == "0")
        // A count beyond WorkerPool.maximumWorkerThreads (or negative) is ignored: the default pool.
        let plain = try runtimeCheck("tuned")
        for huge in ["100000000", "-2"] {
            let ignored = try runtimeCheck("tuned", environment: ["CONTRASTIVEBOARD_WORKER_THREADS": huge])
            #expect(ignored["worker-threads"] == plain["worker-threads"], "CONTRASTIVEBOARD_WORKER_THREADS=\(huge)")
        }
        #expect(RuntimeConfiguration.tuned.overridden(byEnvironment: false) == .tuned)
    }

    @Test func preferredCoreFollowsTheProcessorFlags() {
        let skylake: Set<String> = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
        #expect(BLASKernels.preferredCore(flags: skylake) == "SkylakeX")
        // AVX-512 without BW/VL (Knights Landing) is not SkylakeX; AVX2 + FMA is Haswell.
        #expect(BLASKernels.preferredCore(flags: ["avx", "avx2", "fma", "avx512f", "avx512cd"]) == "Haswell")
        #expect(BLASKernels.preferredCore(flags: ["sse2", "sse4_2", "avx"]) == nil)
        #expect(BLASKernels.preferredCore(flags: []) == nil)
    }

    @Test func vectorLevelFollowsTheFlags() {
        #if arch(x86_64)
            #expect(CPUFeatures(flags: ["avx512f", "avx2", "fma"]).supportedVectorLevel == .avx512)
            #expect(CPUFeatures(flags: ["avx2", "fma"]).supportedVectorLevel == .avx2)
            #expect(CPUFeatures(flags: ["avx2"]).supportedVectorLevel == .baseline)
        #endif
        #expect(CPUFeatures(flags: []).supportedVectorLevel == .baseline)
    }

    @Test func cgroupQuotasRoundUp() {
        #expect(AvailableProcessors.count >= 1)
        #expect(AvailableProcessors.count <= ProcessInfo.processInfo.activeProcessorCount)
    }
}

/// Several threads that hold OpenBLAS at one thread at once (row-blocked products from two
/// callers, nested regions) leave the count as it was. Other suites run BLAS regions in this
/// process at the same time, so the counts compared are `configuredCount` (the count outside
/// single-threaded regions), which a lost restore would leave at 1.
@Suite struct BLASThreadCountTests {
    @Test func concurrentProductsRestoreTheThreadCount() async throws {
        if BLASThreads.configuredCount < 2 { BLASThreads.set(2) }
        let initial = BLASThreads.configuredCount
        // 512 × 512 × 256 multiply-adds: above the row-blocking threshold.
        let a = Matrix<Float>(rows: 512, columns: 256, repeating: 0.5)
        let b = Matrix<Float>(rows: 512, columns: 256, repeating: 0.25)
        for _ in 0..<20 {
            try await withThrowingTaskGroup(of: Float.self) { group in
                for _ in 0..<4 {
                    group.addTask { try Matrix<Float>.product(a, b, transposingRight: true)[3, 7] }
                }
                for try await value in group { #expect(value == 32) }
            }
        }
        #expect(BLASThreads.configuredCount == initial)
    }

    @Test func nestedRegionsRestoreTheOutermostCount() {
        if BLASThreads.configuredCount < 2 { BLASThreads.set(2) }
        let initial = BLASThreads.configuredCount
        BLASThreads.withSingleThreadedBLAS {
            #expect(BLASThreads.count == 1)
            BLASThreads.withSingleThreadedBLAS { #expect(BLASThreads.count == 1) }
            #expect(BLASThreads.count == 1)
            #expect(BLASThreads.configuredCount == initial)
        }
        #expect(BLASThreads.configuredCount == initial)
    }
}
