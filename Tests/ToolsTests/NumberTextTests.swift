import Testing
import ToolSupport

/// `NumberText` prints exactly what Swift's `description` prints (the shortest decimal that
/// reads back as the value), through its short path or the general printer, for short
/// decimals, their neighbours, random bit patterns and the edges of the short path.
@Suite struct NumberTextTests {
    /// SplitMix64: a fixed sequence, so a failure names a reproducible value.
    private struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    private func text(_ value: Double, float32WhenExact: Bool) -> String {
        var text = ""
        NumberText.write(value, json: true, float32WhenExact: float32WhenExact, to: &text)
        return text
    }

    /// What `NumberText` must print: `description` of the value, as a Float when it is one and
    /// float32 printing is asked for.
    private func expected(_ value: Double, float32WhenExact: Bool) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        return float32WhenExact && Double(Float(value)) == value ? Float(value).description : value.description
    }

    /// Checks `values` both ways; returns the first mismatch.
    private func firstMismatch(_ values: [Double]) -> String? {
        for value in values {
            for float32WhenExact in [true, false] {
                let got = text(value, float32WhenExact: float32WhenExact), want = expected(value, float32WhenExact: float32WhenExact)
                if got != want { return "\(value.bitPattern) (float32WhenExact \(float32WhenExact)): \(got) vs \(want)" }
            }
        }
        return nil
    }

    @Test func shortDecimalsAndTheirNeighboursPrintAsDescription() {
        var generator = Generator(state: 1)
        var values = [Double]()
        for _ in 0..<40_000 {
            let digits = Double(UInt64.random(in: 0..<100_000_000, using: &generator))
            let decimals = Int.random(in: 0...10, using: &generator)
            let value = digits / [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10][decimals] * (Bool.random(using: &generator) ? 1 : -1)
            values += [value, value.nextUp, value.nextDown, Double(Float(value)), Double(Float(value).nextUp)]
        }
        #expect(firstMismatch(values) == nil)
    }

    @Test func randomBitPatternsPrintAsDescription() {
        var generator = Generator(state: 2)
        var values = [Double]()
        for _ in 0..<40_000 {
            values.append(Double(bitPattern: generator.next()))
            values.append(Double(Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))))
            // Magnitudes around the short path's range, where its bounds matter.
            values.append(Double(sign: .plus, exponent: Int.random(in: -12...56, using: &generator), significand: Double.random(in: 1..<2, using: &generator)))
        }
        #expect(firstMismatch(values) == nil)
    }

    @Test func edgesOfTheShortPathPrintAsDescription() {
        let edges: [Double] = [
            0, -0.0, 1, -1, 0.001, 0.000_999_999_999, 0.0001, 1e-5, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 0.1 + 0.2,
            16_777_215, 16_777_216, 16_777_217, 16_777_218, 9_007_199_254_740_991, 9_007_199_254_740_992, 1e15, 1e16, 123_456_789,
            1_700_000_000.5, 1_796_302_749.841_615_2, 0.123_456_78, 0.123_456_789, 99_999_999.999_999_99, .leastNonzeroMagnitude,
            .greatestFiniteMagnitude, Double(Float.leastNonzeroMagnitude), Double(Float.greatestFiniteMagnitude), .nan, .infinity, -.infinity,
        ]
        #expect(firstMismatch(edges + edges.map { $0.nextUp } + edges.map { $0.nextDown }) == nil)
    }

    @Test func nonFiniteValuesAreSpelledForTheFormat() {
        var csv = ""
        for value in [Double.nan, .infinity, -.infinity] {
            NumberText.write(value, json: false, to: &csv)
            csv += ","
        }
        #expect(csv == "NaN,inf,-inf,")
    }
}
