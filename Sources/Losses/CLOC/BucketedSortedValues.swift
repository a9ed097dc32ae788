/// In-place ascending sort of a `Double` buffer: an unstable introspective quicksort
/// (median-of-three pivots, insertion sort below 24 elements, heap-sort fallback on deep
/// recursion). About twice as fast as the standard library's stable sort on the per-anchor
/// lists of the CLOC evaluation; NaN must not occur (callers validate their input).
///
/// - Parameter buffer: The values, sorted in place.
func sortAscending(_ buffer: UnsafeMutableBufferPointer<Double>) {
    guard buffer.count > 1, let base = buffer.baseAddress else { return }
    introsort(base, 0, buffer.count - 1, 2 * (Int.bitWidth - buffer.count.leadingZeroBitCount))
}


func introsort(_ a: UnsafeMutablePointer<Double>, _ low: Int, _ high: Int, _ depthLimit: Int) {
    var low = low
    var high = high
    var depth = depthLimit
    while high - low > 24 {
        if depth == 0 {
            heapsort(a + low, high - low + 1)
            return
        }
        depth -= 1
        let mid = low + (high - low) >> 1
        if a[mid] < a[low] { swap(&a[mid], &a[low]) }
        if a[high] < a[low] { swap(&a[high], &a[low]) }
        if a[high] < a[mid] { swap(&a[high], &a[mid]) }
        let pivot = a[mid]
        var i = low, j = high
        while i <= j {
            while a[i] < pivot { i += 1 }
            while a[j] > pivot { j -= 1 }
            if i <= j {
                let t = a[i]
                a[i] = a[j]
                a[j] = t
                i += 1
                j -= 1
            }
        }
        // Recurse into the smaller side, loop on the larger one (bounded stack depth).
        if j - low < high - i {
            if low < j { introsort(a, low, j, depth) }
            low = i
        } else {
            if i < high { introsort(a, i, high, depth) }
            high = j
        }
    }
    // Insertion sort for the short remainder.
    if high > low {
        for k in (low + 1)...high {
            let value = a[k]
            var m = k - 1
            while m >= low && a[m] > value {
                a[m + 1] = a[m]
                m -= 1
            }
            a[m + 1] = value
        }
    }
}


func heapsort(_ a: UnsafeMutablePointer<Double>, _ count: Int) {
    func siftDown(_ start: Int, _ end: Int) {
        var root = start
        while 2 * root + 1 < end {
            var child = 2 * root + 1
            if child + 1 < end && a[child] < a[child + 1] { child += 1 }
            if a[root] >= a[child] { return }
            let t = a[root]
            a[root] = a[child]
            a[child] = t
            root = child
        }
    }
    for start in stride(from: count / 2 - 1, through: 0, by: -1) { siftDown(start, count) }
    for end in stride(from: count - 1, to: 0, by: -1) {
        let t = a[0]
        a[0] = a[end]
        a[end] = t
        siftDown(0, end)
    }
}

/// Sorted values with a bucket table for O(1) expected rank queries: the per-anchor index of
/// the CLOC evaluation (the positives' similarities, queried once per negative).
///
/// `build(from:)` places the values into `q` equal-width buckets over [min, max] by a counting
/// sort and sorts each bucket with `sortAscending`. A query maps its value to a bucket with the
/// same monotone function, so every value of an earlier bucket is smaller and every value of a
/// later bucket larger: only the query's own bucket is searched (linearly when small, by
/// binary search when crowded). Ranks are exact for any
/// input, including ties and all-equal values. Buffers are kept between builds (reuse one
/// instance per worker). Values must be finite.
struct BucketedSortedValues: Sendable {
    /// The values in ascending order (the first `count` entries).
    private(set) var sorted: [Double] = []
    /// Number of values of the last build.
    private(set) var count = 0
    private var start: [Int] = []  // start[b] = #values in buckets < b; start[bucketCount] = count
    private var bucketOf: [Int] = []
    private var low = 0.0, scale = 0.0
    private var bucketCount = 1

    /// An empty index.
    init() {}

    /// Bucket of x: monotone non-decreasing in x, in 0..<bucketCount.
    @inline(__always)
    private func bucket(_ x: Double) -> Int {
        let f = (x - low) * scale
        if !(f > 0) { return 0 }
        return f >= Double(bucketCount) ? bucketCount - 1 : Int(f)
    }

    /// Rebuilds the index from `values` (finite, any order).
    ///
    /// - Parameter values: The values to index; O(count) expected time.
    mutating func build(from values: UnsafeBufferPointer<Double>) {
        let q = values.count
        count = q
        bucketCount = Swift.max(1, q)
        if sorted.count < q { sorted = [Double](repeating: 0, count: q); bucketOf = [Int](repeating: 0, count: q) }
        if start.count < bucketCount + 1 { start = [Int](repeating: 0, count: bucketCount + 1) }
        guard q > 0 else { start[0] = 0; start[1] = 0; return }
        var lo = values[0], hi = values[0]
        for v in values { lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
        low = lo
        scale = hi > lo ? Double(bucketCount) / (hi - lo) : 0
        for b in 0...bucketCount { start[b] = 0 }
        for i in 0..<q {
            let b = bucket(values[i])
            bucketOf[i] = b
            start[b + 1] += 1
        }
        for b in 0..<bucketCount { start[b + 1] += start[b] }
        // Scatter (start[b] advances while placing; restored below from the previous bucket's end).
        for i in 0..<q {
            let b = bucketOf[i]
            sorted[start[b]] = values[i]
            start[b] += 1
        }
        for b in stride(from: bucketCount, to: 0, by: -1) { start[b] = start[b - 1] }
        start[0] = 0
        sorted.withUnsafeMutableBufferPointer { s in
            for b in 0..<bucketCount {
                let (from, to) = (start[b], start[b + 1])
                // The shared sort (insertion sort for the usual one to three values).
                if to - from > 1 { sortAscending(UnsafeMutableBufferPointer(rebasing: s[from..<to])) }
            }
        }
    }

    /// Number of indexed values < x.
    @inline(__always)
    func countLess(than x: Double) -> Int { rank(of: x, inclusive: false) }

    /// Number of indexed values ≤ x.
    @inline(__always)
    func countLessOrEqual(to x: Double) -> Int { rank(of: x, inclusive: true) }

    /// Number of indexed values below x (or at most x when `inclusive`): the values of earlier
    /// buckets plus those of x's own bucket, scanned when it is small, bisected when crowded.
    @inline(__always)
    private func rank(of x: Double, inclusive: Bool) -> Int {
        @inline(__always) func below(_ value: Double) -> Bool { inclusive ? value <= x : value < x }
        let b = bucket(x)
        var i = start[b]
        let end = start[b + 1]
        if end - i > 16 {
            var length = end - i
            while length > 0 {
                let half = length >> 1
                if below(sorted[i + half]) { i += half + 1; length -= half + 1 } else { length = half }
            }
            return i
        }
        while i < end && below(sorted[i]) { i += 1 }
        return i
    }
}
