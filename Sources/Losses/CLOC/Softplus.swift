import LinearAlgebra

/// Softplus and its inverse with PyTorch's conventions (`torch.nn.functional.softplus`,
/// beta 1, threshold 20): the one implementation the margin parameterisations use.
public enum Softplus {
    /// Above this input softplus is the identity and its derivative exactly 1: PyTorch's
    /// default `threshold = 20` (docs/reference/cloc.md, "Margins").
    public static let threshold = 20.0

    /// `softplus(θ) = θ` if θ > 20, else `log(1 + e^θ)`.
    ///
    /// - Parameter x: θ (any real; −∞ gives 0).
    /// - Returns: softplus(θ) ≥ 0.
    @inlinable
    public static func value(_ x: Double) -> Double {
        x > threshold ? x : Double.logarithm(onePlus: Double.exponential(x))
    }

    /// softplus computed in float32 (the original single-margin CLOC keeps its margin in float32).
    ///
    /// - Parameter x: θ.
    /// - Returns: softplus(θ) rounded through float32 arithmetic.
    public static func valueInFloat32(_ x: Double) -> Double {
        let f = Float(x)
        return Double(f > Float(threshold) ? f : Float.logarithm(onePlus: Float.exponential(f)))
    }

    /// The derivative: exactly 1 if θ > 20, else `sigmoid(θ)`.
    ///
    /// - Parameter x: θ.
    /// - Returns: d softplus/dθ in [0, 1].
    @inlinable
    public static func derivative(_ x: Double) -> Double {
        x > threshold ? 1 : 1 / (1 + Double.exponential(-x))
    }

    /// The inverse: `v` if v > 20, else `log(e^v − 1)`; 0 gives −∞.
    ///
    /// - Parameters:
    ///   - v: A softplus value ≥ 0.
    ///   - inFloat32: Compute `log(exp(v) − 1)` in float32, as the original CLOC constructor does
    ///     (a margin of 0.5 then round-trips to about 0.49999996, docs/reference/cloc.md, "Margins"); `false`
    ///     computes in Double. PyTorch's vectorised float32 `exp`/`log` are not correctly
    ///     rounded, so the float32 result can differ from torch's by a few ulps (≤ 1e-6 relative).
    /// - Returns: θ with softplus(θ) ≈ v.
    public static func inverse(_ v: Double, inFloat32: Bool) -> Double {
        if inFloat32 {
            let f = Float(v)
            return f > Float(threshold) ? Double(f) : Double(Float.logarithm(Float.exponential(f) - 1))
        }
        return v > threshold ? v : Double.logarithm(Double.exponentialMinusOne(v))
    }
}
