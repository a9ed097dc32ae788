import ProcessRuntime
import ToolSupport

/// Collects output in a 64 KiB buffer and writes it to a file descriptor in large pieces.
///
/// `write(_:)` with a `String` flushes a full buffer itself; the field writers
/// (`write(bytes:)`, `write(literal:)`, `write(integer:)`, `write(number:json:)`) only append,
/// and their caller calls `flushIfFull()` after each row.
///
/// Rows are written field by field straight into the buffer: integers digit by digit, floating
/// point values through `NumberText` (whose general path, the standard library's `write(to:)`,
/// hands its ASCII digits to `_writeASCII` without making a `String`), and repeated fields (run
/// and tag names) as bytes escaped once.
///
/// Copies of a `BufferedOutput` share its buffer; only one of them is written to.
struct BufferedOutput: TextOutputStream {
    private let buffer = ByteBuffer(capacity: 1 << 16 + 4096)
    private let descriptor: Int32

    /// Writes to `descriptor` (default: standard output).
    init(descriptor: Int32 = 1) {
        self.descriptor = descriptor
    }

    /// The errno of the first failed write (disk full, closed pipe), if any; later writes are
    /// dropped and `run()` reports it.
    private(set) var failure: Int32?

    /// While `true`, `flush()` keeps the bytes: the rows belong to a run that waits for the
    /// rows of earlier runs to be written (`RunTurns`).
    var holding = false

    /// Bytes collected and not yet written.
    var pendingCount: Int { buffer.count }

    /// Writes `text` (and the buffer, once it holds 64 KiB).
    mutating func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer.append(UnsafeRawBufferPointer($0)) }
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Part of `TextOutputStream`: the digits `Float.write(to:)` and `Double.write(to:)` print.
    mutating func _writeASCII(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(UnsafeRawBufferPointer(bytes))
    }

    /// Writes bytes prepared once (an escaped run or tag field).
    mutating func write(bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer.append($0) }
    }

    /// Writes an ASCII literal.
    mutating func write(literal: StaticString) {
        literal.withUTF8Buffer { buffer.append(UnsafeRawBufferPointer($0)) }
    }

    /// Writes `value` in decimal, as `String(value)` spells it.
    mutating func write(integer value: Int64) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: a sign and the 20 digits of UInt64.max
        withUnsafeMutableBytes(of: &digits) { raw in
            var end = raw.count
            var rest = value.magnitude
            repeat {
                end -= 1
                raw[end] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            if value < 0 {
                end -= 1
                raw[end] = UInt8(ascii: "-")
            }
            buffer.append(UnsafeRawBufferPointer(rebasing: raw[end...]))
        }
    }

    /// Writes `value` as `ExportText.number` spells it.
    mutating func write(number value: Double, json: Bool, float32WhenExact: Bool = true) {
        NumberText.write(value, json: json, float32WhenExact: float32WhenExact, to: &self)
    }

    /// Writes the buffer out once it holds 64 KiB; called after each row.
    mutating func flushIfFull() {
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !holding, buffer.count > 0 else { return }
        if failure == nil { failure = SystemCallText.writeAll(buffer.bytes, to: descriptor) }
        buffer.removeAll()
    }
}

/// A growable byte buffer appended to with `memcpy`: the small appends of row fields cost a
/// capacity check and a copy.
///
/// One thread at a time uses a buffer (a run's tables belong to the thread exporting the run),
/// so its properties skip the run-time exclusivity checks of class properties, which cost as
/// much as the copy for a field of a few bytes.
final class ByteBuffer {
    @exclusivity(unchecked) private var base: UnsafeMutableRawPointer
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private(set) var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    /// The bytes collected.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    @inline(__always)
    func append(_ source: UnsafeRawBufferPointer) {
        if count + source.count > capacity { grow(toHold: count + source.count) }
        if let address = source.baseAddress { (base + count).copyMemory(from: address, byteCount: source.count) }
        count += source.count
    }

    func removeAll() { count = 0 }

    private func grow(toHold needed: Int) {
        var newCapacity = capacity
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        grown.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }
}
