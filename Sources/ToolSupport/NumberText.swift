/// How `tb-export` spells numbers in its CSV and JSON rows.
///
/// Finite values print as the shortest decimal that reads back as the same value, spelled as
/// Swift's `description` spells it (`0.1`, `3.0`, `1e-05`, `1e+16`); Python's `repr` and
/// `json.dumps` print the same digits, so a value survives a round trip through pandas or json.
public enum NumberText {
    /// Writes `value`; non-finite values as Python's json.dumps (JSON: `NaN`, `Infinity`,
    /// `-Infinity`) or pandas' CSV writer (`NaN`, `inf`, `-inf`) spell them.
    ///
    /// With `float32WhenExact` (fields stored as float32: scalars, PR curves, audio sample
    /// rates), a value that is exactly a float32 is printed in the float32's shortest form
    /// (`0.1` for the float32 nearest 0.1, as it was logged); without it (fields stored as
    /// float64: histograms, hparam values), in the double's (`0.10000000149011612` for the same
    /// value), so that no digit of a stored double is lost.
    ///
    /// Values with at most eight decimals that read back exactly (counts, bucket limits,
    /// learning rates) take a short path (`writeShortDecimal`) instead of the general shortest
    /// printer; its text is byte for byte `description`'s.
    ///
    /// - Complexity: O(1); no allocation.
    @inlinable
    public static func write<Target: TextOutputStream>(_ value: Double, json: Bool, float32WhenExact: Bool = true, to target: inout Target) {
        if value.isNaN {
            target.write("NaN")
            return
        }
        if value.isInfinite {
            target.write(value > 0 ? (json ? "Infinity" : "inf") : (json ? "-Infinity" : "-inf"))
            return
        }
        let single = Float(value)
        let asFloat32 = float32WhenExact && Double(single) == value
        if writeShortDecimal(value, asFloat32: asFloat32, to: &target) { return }
        if asFloat32 {
            single.write(to: &target)
        } else {
            value.write(to: &target)
        }
    }

    /// Writes `description`'s text of the finite `value` (of `Float(value)` when `asFloat32`)
    /// and returns `true` when that text is a plain decimal with at most eight decimals;
    /// otherwise writes nothing and returns `false`.
    ///
    /// For `k = 0, 1, …, 8` decimals it takes the integer `m` nearest `|value| · 10^k` (exactly,
    /// with a fused multiply-add for the product's rounding error). `m / 10^k` computed in double
    /// precision is the correctly rounded value of the decimal `m · 10^-k` (both operands are
    /// exact below 2^53 and 10^22, and IEEE division rounds correctly), which is what reading
    /// the decimal back gives; so when it equals `value` the decimal round-trips, and the first
    /// such `k` gives the fewest digits, nearest `value` among them: the shortest round trip.
    /// For a float32 the quotient is rounded once more, to float; a quotient exactly halfway
    /// between two floats (where that second rounding could differ from reading the decimal
    /// as a float directly) is left to the general printer. Only magnitudes `description`
    /// prints without an exponent are taken: zero and [10⁻³, 2^53) for doubles, [10⁻³, 2^24]
    /// for float32 values.
    ///
    /// - Complexity: at most nine multiply–divide rounds.
    @inlinable
    static func writeShortDecimal<Target: TextOutputStream>(_ value: Double, asFloat32: Bool, to target: inout Target) -> Bool {
        let magnitude = value.magnitude
        let negative = value.sign == .minus
        if magnitude == 0 {
            withFixedDigits(of: 0, decimals: 0, negative: negative) { target._writeASCII($0) }
            return true
        }
        guard magnitude >= 1e-3, magnitude <= (asFloat32 ? 16_777_216 : 9_007_199_254_740_991) else { return false }
        var scale = 1.0
        for decimals in 0...8 {
            let product = magnitude * scale
            guard product < 9_007_199_254_740_992 else { return false }
            // magnitude · scale − product, exactly (the fused operation rounds once, and the
            // rounding error of a product is representable).
            let productError = (-product).addingProduct(magnitude, scale)
            var digits = product.rounded(.toNearestOrEven)
            let offset = (product - digits) + productError
            if offset > 0.5 {
                digits += 1
            } else if offset < -0.5 {
                digits -= 1
            }
            let quotient = digits / scale
            let readsBack: Bool
            if asFloat32 {
                let rounded = Float(quotient)
                readsBack = rounded == Float(magnitude) && !isHalfway(quotient, from: rounded)
            } else {
                readsBack = quotient == magnitude
            }
            if readsBack {
                withFixedDigits(of: UInt64(digits), decimals: decimals, negative: negative) { target._writeASCII($0) }
                return true
            }
            scale *= 10
        }
        return false
    }

    /// Whether the positive `quotient` lies exactly halfway between `rounded` (its nearest
    /// float) and a neighbouring float.
    @usableFromInline
    static func isHalfway(_ quotient: Double, from rounded: Float) -> Bool {
        let near = Double(rounded)
        guard quotient != near else { return false }
        let neighbour = Double(quotient > near ? rounded.nextUp : rounded.nextDown)
        return quotient == (near + neighbour) / 2
    }

    /// Calls `body` with `magnitude · 10^-decimals` as a plain decimal: a `-` when `negative`,
    /// at least one digit before the point, `.0` when `decimals` is 0; from a buffer on the stack.
    @inlinable
    public static func withFixedDigits(of magnitude: UInt64, decimals: Int, negative: Bool, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        precondition((0...8).contains(decimals))
        // 32 bytes: a sign, 20 digits of UInt64.max, a point, a leading zero and 8 decimals fit.
        var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &storage) { raw in
            var end = raw.count
            var rest = magnitude
            if decimals == 0 {
                end -= 2
                raw[end] = UInt8(ascii: ".")
                raw[end + 1] = UInt8(ascii: "0")
            } else {
                for _ in 0..<decimals {
                    end -= 1
                    raw[end] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
                end -= 1
                raw[end] = UInt8(ascii: ".")
            }
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
