/// Splits a byte stream into lines in time linear in its length, bounding a line's length.
///
/// Each byte is examined once: a chunk is searched for newlines from where the previous search
/// stopped, and only the unterminated tail of a chunk is kept (at most `maximumLineLength`
/// bytes). A line longer than the limit is not kept: its bytes are dropped as they arrive and
/// it is reported once, as `.tooLong`, when its newline (or the end of input) comes.
struct LineSplitter {
    /// One line of input.
    enum Line {
        /// A line's bytes, without the newline.
        case complete([UInt8])
        /// A line longer than `maximumLineLength` bytes, dropped.
        case tooLong
    }

    /// Longest line kept, in bytes (without the newline).
    let maximumLineLength: Int
    private var partial: [UInt8] = []
    private var overlong = false

    init(maximumLineLength: Int) { self.maximumLineLength = maximumLineLength }

    /// Passes every line completed by `chunk` to `body`, in order.
    mutating func feed(_ chunk: UnsafeRawBufferPointer, _ body: (Line) throws -> Void) rethrows {
        var start = 0
        while start < chunk.count {
            let rest = UnsafeRawBufferPointer(rebasing: chunk[start...])
            guard let newline = rest.firstIndex(of: 0x0A) else {
                append(rest)
                return
            }
            // `rest` is indexed from 0 (rebased), so `newline` is relative to `start`.
            append(UnsafeRawBufferPointer(rebasing: rest[0..<newline]))
            try emit(body)
            start += newline + 1
        }
    }

    /// Passes the last, unterminated line (if any) to `body`.
    mutating func finish(_ body: (Line) throws -> Void) rethrows {
        if overlong || !partial.isEmpty { try emit(body) }
    }

    private mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !overlong else { return }
        if bytes.count > maximumLineLength - partial.count {
            overlong = true
            partial = []
            return
        }
        partial.append(contentsOf: bytes)
    }

    private mutating func emit(_ body: (Line) throws -> Void) rethrows {
        let line: Line = overlong ? .tooLong : .complete(partial)
        overlong = false
        partial.removeAll(keepingCapacity: partial.count <= 1 << 20)
        try body(line)
    }
}
