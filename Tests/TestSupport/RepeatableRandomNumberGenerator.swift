public import LinearAlgebra

/// The tests' seeded generator: the package's one SplitMix64 implementation, `SeededGenerator`.
public typealias RepeatableRandomNumberGenerator = SeededGenerator

extension SeededGenerator {
    /// Returns a standard normal sample (Box–Muller on two uniforms).
    public mutating func nextGaussian() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * Double.logarithm(u1)).squareRoot() * Double.cosine(2 * Double.pi * u2)
    }
}
