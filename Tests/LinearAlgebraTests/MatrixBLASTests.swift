import LinearAlgebra
import TestSupport
import Testing

@Suite struct MatrixBLASTests {
    /// Naive triple loop, the reference for the BLAS products.
    private func naiveProduct(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
        var c = Matrix<Double>(rows: a.rows, columns: b.columns)
        for i in 0..<a.rows {
            for j in 0..<b.columns {
                var s = 0.0
                for k in 0..<a.columns { s += a[i, k] * b[k, j] }
                c[i, j] = s
            }
        }
        return c
    }

    private func random(_ rows: Int, _ columns: Int, _ rng: inout RepeatableRandomNumberGenerator) -> Matrix<Double> {
        Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in rng.nextGaussian() })
    }

    // (301, 129, 257) is above `Matrix.rowBlockThreshold`: the rows of C are split over the
    // cores (row blocks of A, or column blocks of a transposed A).
    @Test(arguments: [(0, 3, 2), (1, 1, 1), (3, 0, 4), (5, 7, 3), (17, 9, 13), (301, 129, 257)])
    func productMatchesNaiveLoopInEveryTransposition(shape: (Int, Int, Int)) throws {
        var rng = RepeatableRandomNumberGenerator(seed: 7)
        let (m, k, n) = shape
        let a = random(m, k, &rng)
        let b = random(k, n, &rng)
        let expected = naiveProduct(a, b)
        let variants = [
            try Matrix.product(a, b),
            try Matrix.product(a.transposed, b, transposingLeft: true),
            try Matrix.product(a, b.transposed, transposingRight: true),
            try Matrix.product(a.transposed, b.transposed, transposingLeft: true, transposingRight: true),
        ]
        for c in variants {
            #expect(c.rows == m && c.columns == n)
            // Round-off of a k-term dot product in Double: well under 1e-11 at these sizes.
            #expect(firstMismatch(c.elements, expected.elements, absoluteTolerance: 1e-11, relativeTolerance: 1e-12) == nil)
        }
        let floatProduct = try Matrix.product(a.converted(to: Float.self), b.converted(to: Float.self))
        // Float rounding: relative 1e-5 with an absolute floor for entries near zero.
        #expect(firstMismatch(floatProduct.elements.map(Double.init), expected.elements, absoluteTolerance: 1e-4, relativeTolerance: 1e-5) == nil)
    }

    @Test(arguments: [(4, 3, 2), (260, 130, 140)])
    func addProductAccumulatesWithKeepingFactor(shape: (Int, Int, Int)) throws {
        var rng = RepeatableRandomNumberGenerator(seed: 3)
        let a = random(shape.0, shape.1, &rng)
        let b = random(shape.1, shape.2, &rng)
        var c = random(shape.0, shape.2, &rng)
        let original = c
        try c.addProduct(a, b, scale: 2, keeping: 0.5)
        let ab = naiveProduct(a, b)
        let expected = zip(ab.elements, original.elements).map { 2 * $0 + 0.5 * $1 }
        #expect(firstMismatch(c.elements, expected, absoluteTolerance: 1e-12, relativeTolerance: 1e-12) == nil)
    }

    @Test func matrixVectorProductMatchesProduct() throws {
        var rng = RepeatableRandomNumberGenerator(seed: 5)
        let a = random(6, 4, &rng)
        let x = (0..<4).map { _ in rng.nextGaussian() }
        let y = try a.multiplying(x)
        let expected = naiveProduct(a, Matrix(rows: 4, columns: 1, elements: x)).elements
        #expect(firstMismatch(y, expected, absoluteTolerance: 1e-12, relativeTolerance: 1e-12) == nil)
        let z = (0..<6).map { _ in rng.nextGaussian() }
        let yt = try a.multiplying(z, transposing: true)
        let expectedT = naiveProduct(a.transposed, Matrix(rows: 6, columns: 1, elements: z)).elements
        #expect(firstMismatch(yt, expectedT, absoluteTolerance: 1e-12, relativeTolerance: 1e-12) == nil)
    }

    @Test func symmetricEigenDecompositionReconstructsTheMatrix() throws {
        var rng = RepeatableRandomNumberGenerator(seed: 11)
        let r = random(5, 5, &rng)
        let s = try r.gram()
        let (values, vectors) = try s.symmetricEigenDecomposition()
        #expect(values == values.sorted())
        // S v_k = λ_k v_k for every eigenpair, to Double round-off of a 5×5 problem.
        for k in 0..<5 {
            let v = Array(vectors.row(k))
            let sv = try s.multiplying(v)
            #expect(firstMismatch(sv, v.map { $0 * values[k] }, absoluteTolerance: 1e-10, relativeTolerance: 1e-10) == nil)
        }
        // Closed form: the eigenvalues of diag(3, 1, 2) are 1, 2, 3.
        let diagonal = Matrix<Float>(rowArrays: [[3, 0, 0], [0, 1, 0], [0, 0, 2]])
        #expect(try diagonal.symmetricEigenDecomposition().values == [1, 2, 3])
    }
}
