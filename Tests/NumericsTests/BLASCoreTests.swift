import Foundation
import Numerics
import Testing

@Suite struct BLASCoreTests {
    @Test func preferredCoreFollowsTheProcessorFlags() {
        let skylake: Set<Substring> = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
        #expect(BLASCore.preferredCore(flags: skylake) == "SkylakeX")
        // AVX-512 without BW/VL (Knights Landing) is not SkylakeX; AVX2 + FMA is Haswell.
        #expect(BLASCore.preferredCore(flags: ["avx", "avx2", "fma", "avx512f", "avx512cd"]) == "Haswell")
        #expect(BLASCore.preferredCore(flags: ["sse2", "sse4_2", "avx"]) == nil)
        #expect(BLASCore.preferredCore(flags: []) == nil)
    }

    /// On an x86-64 Linux processor with AVX2 + FMA, the package never runs OpenBLAS's generic
    /// SSE3 kernels unless the user asked for them with OPENBLAS_CORETYPE.
    @Test func genericKernelsAreNotUsedOnAProcessorWithAVX2() throws {
        #if arch(x86_64) && os(Linux)
            let environment = ProcessInfo.processInfo.environment
            let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
            let flagsLine = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
            let flags = Set(flagsLine.split(separator: " "))
            let name = BLASCore.name
            if environment["OPENBLAS_CORETYPE"] == nil || BLASCore.correction != nil, BLASCore.preferredCore(flags: flags) != nil {
                #expect(name.lowercased() != "prescott", "OpenBLAS runs its generic kernels on a processor with \(BLASCore.preferredCore(flags: flags)!)")
            }
            if let correction = BLASCore.correction {
                #expect(name == correction)
                #expect(environment["OPENBLAS_CORETYPE"] == nil || getenv("OPENBLAS_CORETYPE").map { String(cString: $0) } == correction)
            }
        #endif
    }
}
