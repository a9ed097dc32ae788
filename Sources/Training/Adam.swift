public import LinearAlgebra

/// The Adam optimiser (Kingma & Ba, 2015), as `torch.optim.Adam` computes it.
///
/// Update for a parameter `p` with gradient `g` at step `t` (1-based):
/// `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
/// `p ← p − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)`.
/// Defaults are torch's (`lr` 1e-3, β = (0.9, 0.999), ε = 1e-8, no weight decay).
///
/// State is kept per parameter slot (an integer the caller assigns to each tensor). A torch
/// parameter group, which only differs in hyperparameters, is a second `Adam` value: Adam's state
/// is per parameter, so two instances are exactly equivalent to two groups. The examples use one
/// for the network and one for the CLOC margin parameters.
public struct Adam<Scalar: BLASScalar>: Sendable {
    /// Step size (`lr`).
    public var learningRate: Scalar
    /// β₁, decay of the first moment (torch default 0.9).
    public var beta1: Scalar
    /// β₂, decay of the second moment (torch default 0.999).
    public var beta2: Scalar
    /// ε added to the denominator (torch default 1e-8).
    public var epsilon: Scalar

    private var firstMoments: [Int: [Scalar]] = [:]
    private var secondMoments: [Int: [Scalar]] = [:]
    private var stepCounts: [Int: Int] = [:]

    /// Creates an optimiser with torch's defaults unless given.
    ///
    /// - Parameters:
    ///   - learningRate: Step size, > 0 (default 1e-3).
    ///   - beta1: First-moment decay (default 0.9).
    ///   - beta2: Second-moment decay (default 0.999).
    ///   - epsilon: Denominator floor (default 1e-8).
    public init(learningRate: Scalar = Scalar(1e-3), beta1: Scalar = Scalar(0.9), beta2: Scalar = Scalar(0.999), epsilon: Scalar = Scalar(1e-8)) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// Applies one Adam step to a parameter tensor.
    ///
    /// - Parameters:
    ///   - parameter: The parameter values, updated in place (any shape, flattened).
    ///   - gradient: ∂loss/∂parameter, same count.
    ///   - slot: The caller's identifier of this tensor; keeps its moments apart from others.
    public mutating func update(_ parameter: inout [Scalar], gradient: [Scalar], slot: Int) {
        precondition(parameter.count == gradient.count, "Adam: parameter has \(parameter.count) entries, gradient \(gradient.count)")
        var m = firstMoments[slot] ?? [Scalar](repeating: 0, count: parameter.count)
        var v = secondMoments[slot] ?? [Scalar](repeating: 0, count: parameter.count)
        let t = (stepCounts[slot] ?? 0) + 1
        let correction1 = 1 - Scalar.power(beta1, Scalar(t))
        let correction2 = 1 - Scalar.power(beta2, Scalar(t))
        for i in parameter.indices {
            let g = gradient[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            let denominator = (v[i] / correction2).squareRoot() + epsilon
            parameter[i] -= learningRate * (m[i] / correction1) / denominator
        }
        firstMoments[slot] = m
        secondMoments[slot] = v
        stepCounts[slot] = t
    }

    /// Applies one Adam step to every layer of a network (slots `2k` for weights and `2k + 1`
    /// for biases of layer `k`).
    ///
    /// - Parameters:
    ///   - network: The network, updated in place.
    ///   - gradients: One gradient per layer, as returned by `MultilayerPerceptron.backward`.
    public mutating func update(_ network: inout MultilayerPerceptron<Scalar>, gradients: [DenseLayerGradient<Scalar>]) {
        precondition(gradients.count == network.layers.count, "Adam: \(gradients.count) gradients for \(network.layers.count) layers")
        for k in network.layers.indices {
            update(&network.layers[k].weights.elements, gradient: gradients[k].weights.elements, slot: 2 * k)
            update(&network.layers[k].bias, gradient: gradients[k].bias, slot: 2 * k + 1)
        }
    }
}
