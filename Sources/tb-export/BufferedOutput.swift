import ProcessRuntime
import ToolSupport

/// Collects output in a 64 KiB buffer and writes it to a file descriptor in large pieces.
///
/// `write(_:)` with a `String` flushes a full buffer itself; the field writers
/// (`write(bytes:)`, `write(literal:)`, `write(integer:)`, `write(number:json:)`) only append,
/// and their caller calls `flushIfFull()` after each row.
///
/// Rows are written field by field straight into the buffer: integers digit by digit, floating
/// point values through the standard library's shortest round-trip printer (`write(to:)`, which
/// hands its ASCII digits to `_writeASCII` without making a `String`), and repeated fields (run
/// and tag names) as bytes escaped once.
struct BufferedOutput: TextOutputStream {
    private var buffer: [UInt8] = []
    private let descriptor: Int32

    /// Writes to `descriptor` (default: standard output).
    init(descriptor: Int32 = 1) {
        self.descriptor = descriptor
        buffer.reserveCapacity(1 << 16 + 4096)
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
        text.withUTF8 { buffer.append(contentsOf: $0) }
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Part of `TextOutputStream`: the digits `Float.write(to:)` and `Double.write(to:)` print.
    mutating func _writeASCII(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// Writes bytes prepared once (an escaped run or tag field).
    mutating func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
    }

    /// Writes an ASCII literal.
    mutating func write(literal: StaticString) {
        literal.withUTF8Buffer { buffer.append(contentsOf: $0) }
    }

    /// Writes `value` in decimal, as `String(value)` spells it.
    mutating func write(integer value: Int64) {
        NumberText.withDecimalDigits(of: value.magnitude, negative: value < 0, pointZero: false) { buffer.append(contentsOf: $0) }
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
        guard !holding, !buffer.isEmpty else { return }
        if failure == nil { failure = buffer.withUnsafeBytes { SystemCallText.writeAll($0, to: descriptor) } }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// The one spelling of numbers in exported rows.
enum NumberText {
    /// Writes the shortest decimal that round-trips the stored value, as Swift's `description`
    /// spells it; non-finite values as Python's json.dumps (JSON: `NaN`, `Infinity`,
    /// `-Infinity`) or pandas' CSV writer (`NaN`, `inf`, `-inf`) spell them.
    ///
    /// With `float32WhenExact` (fields stored as float32: scalars, PR curves, audio sample
    /// rates), a value that is exactly a float32 is printed in the float32's shortest form
    /// (`0.1` for the float32 nearest 0.1, as it was logged); without it (fields stored as
    /// float64: histograms, hparam values), in the double's (`0.10000000149011612` for the same
    /// value), so that no digit of a stored double is lost.
    ///
    /// Integral values up to 2^24 in magnitude (counts, steps stored as floats) are printed
    /// digit by digit, `3.0`, exactly as `description` prints them, without the general printer.
    ///
    /// - Complexity: O(1); no allocation.
    static func write<Target: TextOutputStream>(_ value: Double, json: Bool, float32WhenExact: Bool = true, to target: inout Target) {
        if value.isNaN {
            target.write("NaN")
            return
        }
        if value.isInfinite {
            target.write(value > 0 ? (json ? "Infinity" : "inf") : (json ? "-Infinity" : "-inf"))
            return
        }
        if value.magnitude <= 16_777_216, value.rounded(.towardZero) == value, !(value == 0 && value.sign == .minus) {
            withDecimalDigits(of: UInt64(value.magnitude), negative: value < 0, pointZero: true) { target._writeASCII($0) }
            return
        }
        let single = Float(value)
        if float32WhenExact, Double(single) == value {
            single.write(to: &target)
        } else {
            value.write(to: &target)
        }
    }

    /// Calls `body` with the decimal digits of `magnitude`, after a `-` when `negative` and
    /// followed by `.0` when `pointZero`, from a buffer on the stack.
    static func withDecimalDigits(of magnitude: UInt64, negative: Bool, pointZero: Bool, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        // 24 bytes: a sign, the 20 digits of UInt64.max and ".0".
        var storage: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &storage) { raw in
            var end = raw.count
            if pointZero {
                end -= 2
                raw[end] = UInt8(ascii: ".")
                raw[end + 1] = UInt8(ascii: "0")
            }
            var rest = magnitude
            repeat {
                end -= 1
                raw[end] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            if negative {
                end -= 1
                raw[end] = UInt8(ascii: "-")
            }
            body(UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[end...]))
        }
    }
}
