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
    /// `∂L/∂X̂ = (G + Gᵀ) X̂` (every C_ab depends on both rows), then the normalisation backward.
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
        similarityGradient g: Matrix, unit: Matrix, norms: [Scalar], epsilon: Scalar = Matrix.defaultNormalizationEpsilon
    ) throws(LinearAlgebraError) -> Matrix {
        precondition(g.rows == unit.rows && g.columns == unit.rows, "cosine backward: gradient [\(g.rows), \(g.columns)] for \(unit.rows) rows")
        let n = g.rows
        // G + Gᵀ in 64 × 64 tiles, row blocks split over the processors for large matrices;
        // every element is written once (no copy of G first).
        let symmetric = Matrix(rows: n, columns: n) { out in
            g.elements.withUnsafeBufferPointer { source in
                nonisolated(unsafe) let (o, s) = (out, source)
                let block = 64
                RowParallelism.forEachChunk(rows: (n + block - 1) / block, work: n * n) { _, blocks in
                    for b in blocks {
                        let i0 = b * block
                        for j0 in Swift.stride(from: 0, to: n, by: block) {
                            for i in i0..<Swift.min(i0 + block, n) {
                                for j in j0..<Swift.min(j0 + block, n) { o[i * n + j] = s[i * n + j] + s[j * n + i] }
                            }
                        }
                    }
                }
            }
        }
        let unitGradient = try Matrix.product(symmetric, unit)
        return normalizedRowsBackward(outputGradient: unitGradient, normalized: unit, norms: norms, epsilon: epsilon)
    }
}
