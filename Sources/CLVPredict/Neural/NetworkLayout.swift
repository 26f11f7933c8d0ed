/// The shape of a fully connected network with ReLU hidden layers and one sigmoid output, and the
/// layout of its parameters in one flat array: for each layer in turn, the weights row-major
/// (inputs × outputs, so W[k][j] joins input k to unit j), then the biases.
struct NetworkLayout: Sendable, Hashable {
    /// Units per layer: inputs, the hidden layers, then 1 output.
    let sizes: [Int]
    let weightOffsets: [Int]
    let biasOffsets: [Int]
    let parameterCount: Int

    init(inputs: Int, hidden: [Int]) {
        sizes = [inputs] + hidden + [1]
        var weights: [Int] = [], biases: [Int] = []
        var offset = 0
        for l in 0..<(sizes.count - 1) {
            weights.append(offset)
            offset += sizes[l] * sizes[l + 1]
            biases.append(offset)
            offset += sizes[l + 1]
        }
        weightOffsets = weights
        biasOffsets = biases
        parameterCount = offset
    }

    /// Number of weight layers (hidden layers + the output layer).
    var layerCount: Int { sizes.count - 1 }
    var inputs: Int { sizes[0] }
    /// The widest layer after the input.
    var widestLayer: Int { sizes.dropFirst().max() ?? 1 }
}
