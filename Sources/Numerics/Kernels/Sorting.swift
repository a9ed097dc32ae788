/// In-place ascending sort of a `Double` buffer: an unstable introspective quicksort
/// (median-of-three pivots, insertion sort below 24 elements, heap-sort fallback on deep
/// recursion). About twice as fast as the standard library's stable sort on the per-anchor
/// lists of the CLOC evaluation; NaN must not occur (callers validate their input).
///
/// - Parameter buffer: The values, sorted in place.
@inlinable
public func sortAscending(_ buffer: UnsafeMutableBufferPointer<Double>) {
    guard buffer.count > 1, let base = buffer.baseAddress else { return }
    introsort(base, 0, buffer.count - 1, 2 * (Int.bitWidth - buffer.count.leadingZeroBitCount))
}

@inlinable
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

@inlinable
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
