import LinearAlgebra

/// Two views of a batch stacked as `Z = [ẑ₀; ẑ₁]` (`[2N, d]`, row r's partner is `(r + N) mod 2N`):
/// the common start and end of the losses that compare all 2N rows (NT-Xent, DCL/DCLW).
struct StackedViews<Scalar: BLASScalar> {
    /// N, the pairs.
    let n: Int
    /// The cosine matrix of the 2N rows, `[2N, 2N]` (the losses overwrite it with G + Gᵀ).
    var cosines: Matrix<Scalar>
    /// Z, the unit rows, `[2N, d]`.
    let unit: Matrix<Scalar>
    /// The rows' norms before normalisation.
    let norms: [Scalar]
    /// `C[r, partner(r)]` for the 2N rows, widened.
    let positives: [Double]

    /// Checks and stacks the views, in the input's precision.
    ///
    /// - Throws: `LossError.shapeMismatch` when the views' shapes differ,
    ///   `LossError.nonFiniteInput` (naming `view0` or `view1`) for NaN or ∞.
    init(view0: Matrix<Scalar>, view1: Matrix<Scalar>) throws {
        guard view0.rows == view1.rows, view0.columns == view1.columns else {
            throw LossError.shapeMismatch(what: "view1", expected: "[\(view0.rows), \(view0.columns)] like view0", actual: "[\(view1.rows), \(view1.columns)]")
        }
        for (name, view) in [("view0", view0), ("view1", view1)] {
            if let index = view.elements.firstIndex(where: { !$0.isFinite }) { throw LossError.nonFiniteInput(what: name, index: index) }
        }
        n = view0.rows
        let stacked = Matrix<Scalar>(rows: 2 * n, columns: view0.columns, elements: view0.elements + view1.elements)
        (cosines, unit, norms) = try stacked.cosineSimilarities()
        let (m, half) = (2 * n, n)
        positives = (0..<m).map { [cosines] r in cosines[r, (r + half) % m].doubleValue }
    }

    /// ∂L/∂X of the stacked rows from the symmetrised ∂L/∂C held in `cosines`, split back into
    /// the two views' gradients (`[N, d]` each).
    func viewGradients() throws -> (Matrix<Scalar>, Matrix<Scalar>) {
        let dx = try Matrix.cosineSimilaritiesBackward(symmetrizedGradient: cosines, unit: unit, norms: norms)
        let half = n * unit.columns
        return (
            Matrix(rows: n, columns: unit.columns, elements: Array(dx.elements[0..<half])),
            Matrix(rows: n, columns: unit.columns, elements: Array(dx.elements[half...]))
        )
    }
}
