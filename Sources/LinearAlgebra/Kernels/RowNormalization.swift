import ProcessRuntime

/// L2 row normalisation and its backward pass: the one implementation every loss uses (Float
/// data runs the same arithmetic in the `VectorMath` kernels, squares summed in 16 lanes).
///
/// Follows `torch.nn.functional.normalize(x, p=2, dim=1, eps)`: `y_i = x_i / max(‖x_i‖, ε)`.
extension Matrix {
    /// The default ε of row normalisation, `1e-12`: `torch.nn.functional.normalize`'s default
    /// (PyTorch 2.x), so zero rows stay zero exactly as in the reference implementations.
    @inlinable
    public static var defaultNormalizationEpsilon: Scalar { Scalar(1e-12) }

    /// Rows scaled to unit L2 norm, with the norms that were divided out.
    ///
    /// `y_i = x_i / max(‖x_i‖₂, ε)` for each row `i` of the `[n, d]` input; a zero row stays zero.
    ///
    /// - Parameter epsilon: ε > 0, the floor on the divisor (default `1e-12`).
    /// - Returns: `normalized` (`[n, d]`) and `norms` (`n` values `‖x_i‖₂`, before the floor).
    @inlinable
    public func normalizedRows(epsilon: Scalar = Matrix.defaultNormalizationEpsilon) -> (
        normalized: Matrix, norms: [Scalar]
    ) {
        var norms = [Scalar](repeating: 0, count: rows)
        let d = columns
        if Scalar.self == Float.self, !elements.isEmpty {
            // Written straight into the result (every element), no copy of self first.
            let result = Matrix(rows: rows, columns: d) { y in
                elements.withUnsafeBufferPointer { x in
                    norms.withUnsafeMutableBufferPointer { n in
                        VectorMath.normalizeRows(
                            UnsafeRawPointer(x.baseAddress!).assumingMemoryBound(to: Float.self),
                            into: UnsafeMutableRawPointer(y.baseAddress!).assumingMemoryBound(to: Float.self), rows: rows, columns: d,
                            epsilon: epsilon as! Float, norms: UnsafeMutableRawPointer(n.baseAddress!).assumingMemoryBound(to: Float.self))
                    }
                }
            }
            return (result, norms)
        }
        var result = self
        result.elements.withUnsafeMutableBufferPointer { y in
            for i in 0..<rows {
                var sum: Scalar = 0
                for k in 0..<d { sum += y[i * d + k] * y[i * d + k] }
                let norm = sum.squareRoot()
                norms[i] = norm
                let divisor = Swift.max(norm, epsilon)
                for k in 0..<d { y[i * d + k] /= divisor }
            }
        }
        return (result, norms)
    }

    /// Backward pass of `normalizedRows`: ∂L/∂x from ∂L/∂y (a copy of the gradient, then
    /// `normalizeRowsBackward`).
    ///
    /// - Parameters:
    ///   - outputGradient: `g = ∂L/∂y`, `[n, d]`.
    ///   - normalized: `y` as returned by `normalizedRows`, `[n, d]`.
    ///   - norms: The `n` norms returned by `normalizedRows`.
    ///   - epsilon: The ε used in the forward pass.
    /// - Returns: `∂L/∂x`, `[n, d]`.
    @inlinable
    public static func normalizedRowsBackward(
        outputGradient: consuming Matrix, normalized: Matrix, norms: [Scalar],
        epsilon: Scalar = Matrix.defaultNormalizationEpsilon
    ) -> Matrix {
        var result = outputGradient
        result.normalizeRowsBackward(normalized: normalized, norms: norms, epsilon: epsilon)
        return result
    }

    /// Backward pass of `normalizedRows` in place: `self` holds ∂L/∂y (`[n, d]`) and receives
    /// ∂L/∂x.
    ///
    /// For a row with `‖x‖ > ε`: `∂L/∂x = (g − (g·y) y) / ‖x‖`; for a row at or under the floor
    /// the divisor is the constant ε, so `∂L/∂x = g / ε` (torch's autograd through `clamp_min`).
    ///
    /// - Parameters:
    ///   - normalized: `y` as returned by `normalizedRows`, `[n, d]`.
    ///   - norms: The `n` norms returned by `normalizedRows`.
    ///   - epsilon: The ε used in the forward pass.
    @inlinable
    public mutating func normalizeRowsBackward(normalized: Matrix, norms: [Scalar], epsilon: Scalar = Matrix.defaultNormalizationEpsilon) {
        precondition(
            rows == normalized.rows && columns == normalized.columns && norms.count == normalized.rows,
            "normalizeRowsBackward shapes: gradient [\(rows), \(columns)], normalized [\(normalized.rows), \(normalized.columns)], norms \(norms.count)")
        let d = normalized.columns
        if Scalar.self == Float.self, !elements.isEmpty {
            elements.withUnsafeMutableBufferPointer { g in
                normalized.elements.withUnsafeBufferPointer { y in
                    norms.withUnsafeBufferPointer { n in
                        VectorMath.normalizeRowsBackward(
                            UnsafeMutableRawPointer(g.baseAddress!).assumingMemoryBound(to: Float.self),
                            normalized: UnsafeRawPointer(y.baseAddress!).assumingMemoryBound(to: Float.self), rows: normalized.rows, columns: d,
                            norms: UnsafeRawPointer(n.baseAddress!).assumingMemoryBound(to: Float.self), epsilon: epsilon as! Float)
                    }
                }
            }
            return
        }
        elements.withUnsafeMutableBufferPointer { g in
            normalized.elements.withUnsafeBufferPointer { y in
                for i in 0..<normalized.rows {
                    let norm = norms[i]
                    if norm > epsilon {
                        var dot: Scalar = 0
                        for k in 0..<d { dot += g[i * d + k] * y[i * d + k] }
                        let inverse = 1 / norm
                        for k in 0..<d { g[i * d + k] = (g[i * d + k] - dot * y[i * d + k]) * inverse }
                    } else {
                        let inverse = 1 / epsilon
                        for k in 0..<d { g[i * d + k] *= inverse }
                    }
                }
            }
        }
    }

    /// `normalizedRows` of several matrices, at once on the processors when they are large
    /// enough (`RowParallelism`'s threshold; a loss's views: one short pass each).
    ///
    /// - Parameters:
    ///   - matrices: Any shapes.
    ///   - epsilon: ε > 0 (default `1e-12`).
    /// - Returns: For each matrix, its unit rows and norms, as `normalizedRows` returns them.
    public static func normalizedRows(of matrices: [Matrix], epsilon: Scalar = Matrix.defaultNormalizationEpsilon) -> [(normalized: Matrix, norms: [Scalar])] {
        var results = [(normalized: Matrix, norms: [Scalar])](repeating: (Matrix(rows: 0, columns: 0), []), count: matrices.count)
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            forEachMatrix(matrices) { index in out[index] = matrices[index].normalizedRows(epsilon: epsilon) }
        }
        return results
    }

    /// `normalizeRowsBackward` of several gradients in place, at once on the processors when
    /// they are large enough (`RowParallelism`'s threshold).
    ///
    /// - Parameters:
    ///   - gradients: ∂L/∂y of each matrix; receive ∂L/∂x.
    ///   - units: The matching results of `normalizedRows(of:)`.
    ///   - epsilon: The forward ε.
    public static func normalizeRowsBackward(
        _ gradients: inout [Matrix], units: [(normalized: Matrix, norms: [Scalar])], epsilon: Scalar = Matrix.defaultNormalizationEpsilon
    ) {
        precondition(gradients.count == units.count, "normalizeRowsBackward: \(gradients.count) gradients for \(units.count) matrices")
        gradients.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let g = buffer
            forEachMatrix(units.map(\.normalized)) { index in
                g[index].normalizeRowsBackward(normalized: units[index].normalized, norms: units[index].norms, epsilon: epsilon)
            }
        }
    }

    /// Calls `body` for each index of `matrices`, split over the processors as any row loop
    /// (`RowParallelism`, counting the matrices' elements as its work).
    private static func forEachMatrix(_ matrices: [Matrix], _ body: @Sendable (Int) -> Void) {
        RowParallelism.forEachChunk(rows: matrices.count, work: matrices.reduce(0) { $0 + $1.elements.count }) { _, indices in
            for index in indices { body(index) }
        }
    }
}
