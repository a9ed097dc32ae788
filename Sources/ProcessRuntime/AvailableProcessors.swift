#if canImport(Glibc)
    import Glibc
#endif

/// How many processors this process may use: the processors it is allowed to run on
/// (`sched_getaffinity`), capped by a CPU quota of its control group (cgroup v2 `cpu.max`,
/// cgroup v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`, rounded up), at least 1.
///
/// A container limited to two CPUs on a 64-core host counts 2, where
/// `sysconf(_SC_NPROCESSORS_ONLN)` would count 64.
public enum AvailableProcessors {
    /// The count, read once per process.
    public static let count: Int = {
        var count = affinityCount() ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        if let quota = quotaCount() { count = Swift.min(count, quota) }
        return Swift.max(1, count)
    }()

    /// Processors in this thread's affinity mask (`sched_getaffinity`), or `nil` when unknown.
    static func affinityCount() -> Int? {
        #if os(Linux)
            // A GNU extension the Swift Glibc module does not show: looked up at run time.
            typealias GetAffinity = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_getaffinity") else { return nil }
            let getAffinity = unsafeBitCast(symbol, to: GetAffinity.self)
            var mask = [UInt64](repeating: 0, count: 16)  // glibc's cpu_set_t: 1024 bits
            let result = mask.withUnsafeMutableBytes { getAffinity(0, $0.count, $0.baseAddress!) }
            guard result == 0 else { return nil }
            let bits = mask.reduce(0) { $0 + $1.nonzeroBitCount }
            return bits > 0 ? bits : nil
        #else
            return nil
        #endif
    }

    /// The CPU quota of the process's control group in whole processors (rounded up), or `nil`
    /// when there is none.
    static func quotaCount() -> Int? {
        if let text = readSmallFile("/sys/fs/cgroup/cpu.max") {
            return quota(cgroupV2: text)
        }
        if let quota = readSmallFile("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"),
            let period = readSmallFile("/sys/fs/cgroup/cpu/cpu.cfs_period_us")
        {
            return Self.quota(quota: quota, period: period)
        }
        return nil
    }

    /// Parses cgroup v2's `cpu.max` ("max 100000" or "<quota> <period>", in microseconds).
    static func quota(cgroupV2 text: String) -> Int? {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count == 2 else { return nil }
        return quota(quota: String(fields[0]), period: String(fields[1]))
    }

    /// `ceil(quota / period)` for positive whole numbers, `nil` otherwise ("max", -1).
    static func quota(quota: String, period: String) -> Int? {
        guard let q = Int(quota.trimmingWhitespace), let p = Int(period.trimmingWhitespace), q > 0, p > 0 else {
            return nil
        }
        return (q + p - 1) / p
    }

    /// The first 4 KiB of a file as text, or `nil` when it cannot be read.
    static func readSmallFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }
}

extension String {
    fileprivate var trimmingWhitespace: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
