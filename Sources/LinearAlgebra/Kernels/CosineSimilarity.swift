/// Cosine-similarity matrices and their backward pass: the one implementation the contrastive
/// losses share.
extension Matrix {
    /// All pairwise cosine similarities of the rows, `C = X̂ X̂ᵀ` with `X̂ = normalizedRows(ε)`.
    ///
    /// For rows with norm above ε this equals `x_i·x_j / (‖x_i‖‖x_j‖)`.
    ///
    /// - Parameter epsilon: ε of the normalisation (default 1e-12, `F.normalize`).
    /// - Returns: `similarities` (`[n, n]`), `unit` rows X̂ (`[n, d]`) and their `norms` (n).
    /// - Throws: `LinearAlgebraError` from BLAS for oversized problems.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func cosineSimilarities(epsilon: Scalar = Matrix.defaultNormalizationEpsilon) throws(LinearAlgebraError) -> (
        similarities: Matrix, unit: Matrix, norms: [Scalar]
    ) {
        let (unit, norms) = normalizedRows(epsilon: epsilon)
        return (try unit.gram(), unit, norms)
    }

    /// Backward pass of `cosineSimilarities`: ∂L/∂X from ∂L/∂C.
    ///
    /// `∂L/∂X̂ = G X̂ + Gᵀ X̂ = (G + Gᵀ) X̂` (every C_ab depends on both rows): G + Gᵀ formed in
    /// place (`addTranspose`, one pass over G) and one product instead of two, then the
    /// normalisation backward.
    ///
    /// - Parameters:
    ///   - similarityGradient: G = ∂L/∂C, `[n, n]`, not necessarily symmetric.
    ///   - unit: X̂ from the forward pass.
    ///   - norms: The norms from the forward pass.
    ///   - epsilon: The forward ε.
    /// - Returns: ∂L/∂X, `[n, d]`.
    /// - Throws: `LinearAlgebraError` from BLAS for oversized problems.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func cosineSimilaritiesBackward(
        similarityGradient g: consuming Matrix, unit: Matrix, norms: [Scalar], epsilon: Scalar = Matrix.defaultNormalizationEpsilon
    ) throws(LinearAlgebraError) -> Matrix {
        precondition(g.rows == unit.rows && g.columns == unit.rows, "cosine backward: gradient [\(g.rows), \(g.columns)] for \(unit.rows) rows")
        var symmetrized = g
        symmetrized.addTranspose()
        return try cosineSimilaritiesBackward(symmetrizedGradient: symmetrized, unit: unit, norms: norms, epsilon: epsilon)
    }

    /// Backward pass of `cosineSimilarities` from the symmetrised gradient `H = G + Gᵀ`
    /// (G = ∂L/∂C), which losses with symmetric structure form directly
    /// (`symmetrizeSoftmaxRows`): `∂L/∂X̂ = H X̂` (one product), then the normalisation backward.
    ///
    /// - Parameters:
    ///   - symmetrizedGradient: `H = G + Gᵀ`, `[n, n]`.
    ///   - unit: X̂ from the forward pass.
    ///   - norms: The norms from the forward pass.
    ///   - epsilon: The forward ε.
    /// - Returns: ∂L/∂X, `[n, d]`.
    /// - Throws: `LinearAlgebraError` from BLAS for oversized problems.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func cosineSimilaritiesBackward(
        symmetrizedGradient h: Matrix, unit: Matrix, norms: [Scalar], epsilon: Scalar = Matrix.defaultNormalizationEpsilon
    ) throws(LinearAlgebraError) -> Matrix {
        precondition(h.rows == unit.rows && h.columns == unit.rows, "cosine backward: gradient [\(h.rows), \(h.columns)] for \(unit.rows) rows")
        let unitGradient = try Matrix.product(h, unit)
        return normalizedRowsBackward(outputGradient: unitGradient, normalized: unit, norms: norms, epsilon: epsilon)
    }
}
