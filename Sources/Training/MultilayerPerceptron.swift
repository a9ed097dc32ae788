public import LinearAlgebra

/// A small multilayer perceptron: Linear → ReLU → … → Linear, with an optional L2-normalised
/// output, forward and backward on BLAS.
///
/// This is the training substrate of the examples, deliberately small: fixed ReLU activations,
/// no dropout, no batch norm, no autograd. It is not a deep-learning framework. Batches are
/// row-major `[n, features]` matrices.
public struct MultilayerPerceptron<Scalar: BLASScalar>: Sendable, Equatable {
    /// The dense layers in order; ReLU follows every layer but the last.
    public var layers: [DenseLayer<Scalar>]
    /// Whether the output rows are L2-normalised (an embedding head).
    public var normalizesOutput: Bool

    /// Creates a network with `torch.nn.Linear` initialisation.
    ///
    /// - Parameters:
    ///   - layerSizes: `[input, hidden…, output]`, at least two sizes, all ≥ 1.
    ///   - normalizesOutput: L2-normalise each output row (default `false`).
    ///   - generator: Source of randomness (seeded by the caller for repeatable runs).
    public init(layerSizes: [Int], normalizesOutput: Bool = false, using generator: inout some RandomNumberGenerator) {
        precondition(layerSizes.count >= 2 && layerSizes.allSatisfy { $0 >= 1 }, "MultilayerPerceptron needs at least [input, output] sizes ≥ 1, got \(layerSizes)")
        layers = zip(layerSizes, layerSizes.dropFirst()).map { DenseLayer(inputCount: $0, outputCount: $1, using: &generator) }
        self.normalizesOutput = normalizesOutput
    }

    /// What the forward pass keeps for the backward pass.
    public struct ForwardPass: Sendable {
        /// Input of each layer: `layerInputs[0]` is the batch, `layerInputs[k]` the ReLU output
        /// of layer `k − 1`.
        public var layerInputs: [Matrix<Scalar>]
        /// The last layer's raw output (before any normalisation), `[n, outputCount]`.
        public var rawOutput: Matrix<Scalar>
        /// Row norms of `rawOutput` when the output is normalised.
        public var outputNorms: [Scalar]
        /// The network's output, `[n, outputCount]`.
        public var output: Matrix<Scalar>

        /// The penultimate-layer features: the input of the last layer (the frozen features a
        /// linear probe evaluates), `[n, lastHiddenCount]`.
        public var penultimateFeatures: Matrix<Scalar> { layerInputs[layerInputs.count - 1] }
    }

    /// Runs the network on a batch.
    ///
    /// - Parameter input: `[n, inputCount]` batch.
    /// - Returns: Activations for `backward` and the output.
    /// - Throws: `LinearAlgebraError` from BLAS for oversized problems.
    public func forward(_ input: Matrix<Scalar>) throws -> ForwardPass {
        precondition(input.columns == layers[0].inputCount, "MultilayerPerceptron: input has \(input.columns) features, network expects \(layers[0].inputCount)")
        var inputs = [input]
        var current = input
        for (index, layer) in layers.enumerated() {
            current = try layer.apply(current)
            if index < layers.count - 1 {
                for i in current.elements.indices where current.elements[i] < 0 { current.elements[i] = 0 }
                inputs.append(current)
            }
        }
        if normalizesOutput {
            let (normalized, norms) = current.normalizedRows()
            return ForwardPass(layerInputs: inputs, rawOutput: current, outputNorms: norms, output: normalized)
        }
        return ForwardPass(layerInputs: inputs, rawOutput: current, outputNorms: [], output: current)
    }

    /// Back-propagates ∂loss/∂output through the network.
    ///
    /// - Parameters:
    ///   - pass: The forward pass of the same batch.
    ///   - outputGradient: ∂loss/∂output, `[n, outputCount]`.
    /// - Returns: One gradient per layer (same order as `layers`).
    /// - Throws: `LinearAlgebraError` from BLAS for oversized problems.
    public func backward(_ pass: ForwardPass, outputGradient: Matrix<Scalar>) throws -> [DenseLayerGradient<Scalar>] {
        var gradient = outputGradient
        if normalizesOutput {
            gradient = Matrix.normalizedRowsBackward(outputGradient: gradient, normalized: pass.output, norms: pass.outputNorms)
        }
        var result = [DenseLayerGradient<Scalar>]()
        for index in stride(from: layers.count - 1, through: 0, by: -1) {
            let input = pass.layerInputs[index]
            let weightGradient = try Matrix.product(input, gradient, transposingLeft: true)
            var biasGradient = [Scalar](repeating: 0, count: gradient.columns)
            for i in 0..<gradient.rows {
                for j in 0..<gradient.columns { biasGradient[j] += gradient.elements[i * gradient.columns + j] }
            }
            result.append(DenseLayerGradient(weights: weightGradient, bias: biasGradient))
            if index > 0 {
                var inputGradient = try Matrix.product(gradient, layers[index].weights, transposingRight: true)
                // ReLU backward: the stored input is the ReLU output, zero exactly where inactive.
                for i in inputGradient.elements.indices where input.elements[i] <= 0 { inputGradient.elements[i] = 0 }
                gradient = inputGradient
            }
        }
        return result.reversed()
    }
}
