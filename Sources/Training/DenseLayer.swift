public import LinearAlgebra

/// A fully connected layer `y = x · W + b`.
///
/// `weights` is `[inputCount, outputCount]` row-major (row `i` holds the weights leaving input
/// `i`), `bias` has `outputCount` entries. Initialised like `torch.nn.Linear`
/// (Kaiming-uniform: U(−1/√fan_in, 1/√fan_in) for weights and bias).
public struct DenseLayer<Scalar: BLASScalar>: Sendable, Equatable {
    /// `[inputCount, outputCount]` weights.
    public var weights: Matrix<Scalar>
    /// `outputCount` biases.
    public var bias: [Scalar]

    /// Number of inputs.
    public var inputCount: Int { weights.rows }
    /// Number of outputs.
    public var outputCount: Int { weights.columns }

    /// Creates a layer with `torch.nn.Linear`'s default initialisation.
    ///
    /// - Parameters:
    ///   - inputCount: Inputs per sample, ≥ 1.
    ///   - outputCount: Outputs per sample, ≥ 1.
    ///   - generator: Source of randomness (seeded by the caller for repeatable runs).
    public init(inputCount: Int, outputCount: Int, using generator: inout some RandomNumberGenerator) {
        let bound = 1 / Scalar(inputCount).squareRoot()
        weights = Matrix(
            rows: inputCount, columns: outputCount,
            elements: (0..<(inputCount * outputCount)).map { _ in Scalar.random(in: -bound...bound, using: &generator) })
        bias = (0..<outputCount).map { _ in Scalar.random(in: -bound...bound, using: &generator) }
    }

    /// Creates a layer from explicit parameters.
    ///
    /// - Parameters:
    ///   - weights: `[inputCount, outputCount]` weights.
    ///   - bias: `outputCount` biases.
    public init(weights: Matrix<Scalar>, bias: [Scalar]) {
        precondition(bias.count == weights.columns, "DenseLayer: bias has \(bias.count) entries for \(weights.columns) outputs")
        self.weights = weights
        self.bias = bias
    }

    /// `x · W + b` for a batch.
    ///
    /// - Parameter input: `[n, inputCount]` batch.
    /// - Returns: `[n, outputCount]` outputs.
    /// - Throws: `LinearAlgebraError` from BLAS for oversized problems.
    public func apply(_ input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var output = Matrix<Scalar>(rows: input.rows, columns: outputCount)
        for i in 0..<input.rows {
            for j in 0..<outputCount { output.elements[i * outputCount + j] = bias[j] }
        }
        try output.addProduct(input, weights)
        return output
    }
}

/// Gradients of a loss with respect to one `DenseLayer`'s parameters (same shapes).
public struct DenseLayerGradient<Scalar: BLASScalar>: Sendable, Equatable {
    /// ∂loss/∂W, `[inputCount, outputCount]`.
    public var weights: Matrix<Scalar>
    /// ∂loss/∂b, `outputCount` entries.
    public var bias: [Scalar]
}
