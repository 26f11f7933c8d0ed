/// A small multilayer perceptron: one or two fully connected ReLU hidden layers and a sigmoid output,
/// P(y = 1 | x) = σ(W₃ ReLU(W₂ ReLU(W₁x + b₁) + b₂) + b₃).
///
/// Training minimises the weighted log loss plus an L2 penalty α on the weights (not the biases) with
/// Adam on shuffled mini-batches, as scikit-learn's `MLPClassifier(activation="relu", solver="adam")`:
/// per batch of B rows the loss is (1/B) Σ sᵢ logloss + α/(2B) Σ‖W‖², and initial weights and biases
/// are drawn uniformly from ±√(6/(fan_in + fan_out)) (±√(2/(fan_in + fan_out)) for the sigmoid
/// output layer: Glorot & Bengio 2010, as sklearn). Everything random comes from one seeded
/// ``Xoshiro256`` stream and the arithmetic runs in a fixed order, so a seed gives the same model bit
/// for bit. sklearn's random stream differs, so the fitted weights are not comparable with sklearn's.
///
/// Stopping: after at most `maxEpochs` passes; earlier when the training loss (or, with
/// `earlyStopping`, the loss on a held-out stratified `validationFraction` of the rows) has not
/// improved by `tolerance` for more than `patience` epochs in a row. With early stopping the weights
/// of the best validation epoch are kept.
///
/// > Glorot, X. & Bengio, Y. (2010). Understanding the difficulty of training deep feedforward neural
/// > networks. *AISTATS*.
public struct MultilayerPerceptron: BinaryClassifier, Hashable, Codable {
    /// The `format` field of saved models.
    public static let formatName = "clvkit.multilayer-perceptron"
    /// The `version` written by this code; reading accepts this version only.
    public static let formatVersion = 1

    /// Training options (defaults as scikit-learn's, except 32 hidden units and standardization on).
    public struct Options: Sendable, Hashable, Codable {
        /// Units of each hidden layer: one or two layers.
        public var hiddenLayers: [Int]
        /// L2 penalty on the weights (≥ 0).
        public var alpha: Double
        /// Adam's step size η.
        public var learningRate: Double
        /// Rows per mini-batch (the last batch of an epoch may be smaller).
        public var batchSize: Int
        /// Passes over the training rows at most.
        public var maxEpochs: Int
        /// Improvement in the monitored loss that resets the patience count.
        public var tolerance: Double
        /// Epochs without improvement tolerated before stopping (sklearn's `n_iter_no_change`).
        public var patience: Int
        /// Monitor a held-out validation loss instead of the training loss, and keep the best weights.
        public var earlyStopping: Bool
        /// Share of rows held out (per class) when `earlyStopping` is on.
        public var validationFraction: Double
        /// Seeds initialisation, the validation split and the batch order.
        public var seed: UInt64
        /// Fit a ``Standardizer`` and train on standardized features (strongly advised).
        public var standardize: Bool
        /// Class weights for imbalanced labels.
        public var classWeighting: ClassWeighting

        /// Options; the defaults are scikit-learn's (α 1e-4, η 1e-3, batches of 200, 200 epochs, tolerance
        /// 1e-4, patience 10, no early stopping, 10% validation), with one hidden layer of 32 units,
        /// standardization on and seed 0. They are checked when the network is fitted.
        public init(hiddenLayers: [Int] = [32], alpha: Double = 1e-4, learningRate: Double = 1e-3, batchSize: Int = 200,
                    maxEpochs: Int = 200, tolerance: Double = 1e-4, patience: Int = 10, earlyStopping: Bool = false,
                    validationFraction: Double = 0.1, seed: UInt64 = 0, standardize: Bool = true,
                    classWeighting: ClassWeighting = .unweighted) {
            self.hiddenLayers = hiddenLayers
            self.alpha = alpha
            self.learningRate = learningRate
            self.batchSize = batchSize
            self.maxEpochs = maxEpochs
            self.tolerance = tolerance
            self.patience = patience
            self.earlyStopping = earlyStopping
            self.validationFraction = validationFraction
            self.seed = seed
            self.standardize = standardize
            self.classWeighting = classWeighting
        }
    }

    /// One fully connected layer.
    public struct Layer: Sendable, Hashable, Codable {
        /// Inputs to the layer (features, or units of the layer before).
        public let inputCount: Int
        /// Units of the layer.
        public let outputCount: Int
        /// Row-major inputCount × outputCount: `weights[k * outputCount + j]` joins input k to unit j.
        public let weights: [Double]
        /// One bias per unit.
        public let biases: [Double]

        /// A layer from known weights and biases. Sizes are not checked here; the network's initializer
        /// checks them.
        public init(inputCount: Int, outputCount: Int, weights: [Double], biases: [Double]) {
            self.inputCount = inputCount
            self.outputCount = outputCount
            self.weights = weights
            self.biases = biases
        }
    }

    /// What happened during training.
    public struct TrainingHistory: Sendable, Hashable, Codable {
        /// Epochs run.
        public var epochs: Int
        /// Mean training loss (with the penalty) of each epoch.
        public var trainingLoss: [Double]
        /// Validation loss (without the penalty) after each epoch; empty without early stopping.
        public var validationLoss: [Double]
        /// The epoch (1-based) whose weights were kept.
        public var keptEpoch: Int
        /// Stopped because the monitored loss stopped improving (not at `maxEpochs`).
        public var converged: Bool

        /// A history from known figures (not checked).
        public init(epochs: Int, trainingLoss: [Double], validationLoss: [Double], keptEpoch: Int, converged: Bool) {
            self.epochs = epochs
            self.trainingLoss = trainingLoss
            self.validationLoss = validationLoss
            self.keptEpoch = keptEpoch
            self.converged = converged
        }
    }

    /// ``formatName`` (checked when a saved model is read).
    public let format: String
    /// ``formatVersion`` (checked when a saved model is read).
    public let version: Int
    /// The training columns, in order.
    public let featureNames: [String]
    /// The hidden layers, then the output layer (one unit, a logit).
    public let layers: [Layer]
    /// The column scaling applied to features before the first layer; nil when trained unstandardized.
    public let standardizer: Standardizer?
    /// The options the network was trained with.
    public let options: Options
    /// How training went (by default zero epochs and empty losses for a network built from known layers).
    public let history: TrainingHistory

    let layout: NetworkLayout
    /// All layers' weights and biases in ``NetworkLayout`` order.
    let parameters: [Double]

    /// `mlp`.
    public var name: String { "mlp" }

    /// A network from known layers.
    /// - Throws: ``PredictionError/shape(_:)`` or ``PredictionError/modelFile(_:)`` when the layers do
    ///   not chain from the features to one output, or hold non-finite numbers.
    public init(featureNames: [String], layers: [Layer], standardizer: Standardizer? = nil, options: Options = Options(),
                history: TrainingHistory = TrainingHistory(epochs: 0, trainingLoss: [], validationLoss: [], keptEpoch: 0,
                                                           converged: false)) throws {
        guard !featureNames.isEmpty, (2...3).contains(layers.count), layers.first?.inputCount == featureNames.count,
              layers.last?.outputCount == 1, zip(layers, layers.dropFirst()).allSatisfy({ $0.outputCount == $1.inputCount })
        else {
            throw PredictionError.shape("layers must chain \(featureNames.count) features through 1 or 2 hidden layers to 1 output")
        }
        for layer in layers {
            guard layer.inputCount > 0, layer.outputCount > 0, layer.weights.count == layer.inputCount * layer.outputCount,
                  layer.biases.count == layer.outputCount else {
                throw PredictionError.shape("a \(layer.inputCount)×\(layer.outputCount) layer has \(layer.weights.count) weights and \(layer.biases.count) biases")
            }
            guard layer.weights.allSatisfy(\.isFinite), layer.biases.allSatisfy(\.isFinite) else {
                throw PredictionError.modelFile("network weights must be finite numbers")
            }
        }
        if let standardizer, standardizer.means.count != featureNames.count {
            throw PredictionError.shape("standardizer has \(standardizer.means.count) columns, model \(featureNames.count)")
        }
        format = Self.formatName
        version = Self.formatVersion
        self.featureNames = featureNames
        self.layers = layers
        self.standardizer = standardizer
        self.options = options
        self.history = history
        layout = NetworkLayout(inputs: featureNames.count, hidden: layers.dropLast().map(\.outputCount))
        parameters = layers.flatMap { $0.weights + $0.biases }
    }

    /// The model for flat parameters in ``NetworkLayout`` order.
    init(featureNames: [String], layout: NetworkLayout, parameters: [Double], standardizer: Standardizer?,
         options: Options, history: TrainingHistory) throws {
        let layers = (0..<layout.layerCount).map { l in
            Layer(inputCount: layout.sizes[l], outputCount: layout.sizes[l + 1],
                  weights: Array(parameters[layout.weightOffsets[l] ..< layout.biasOffsets[l]]),
                  biases: Array(parameters[layout.biasOffsets[l] ..< layout.biasOffsets[l] + layout.sizes[l + 1]]))
        }
        try self.init(featureNames: featureNames, layers: layers, standardizer: standardizer, options: options,
                      history: history)
    }

    private enum CodingKeys: String, CodingKey {
        case format, version, featureNames, layers, standardizer, options, history
    }

    /// Reads a saved model, checking its `format` and `version`.
    /// - Throws: ``PredictionError/modelFile(_:)`` for another format or version, decoding errors.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try LinearScoring.checkFormat(try c.decode(String.self, forKey: .format), try c.decode(Int.self, forKey: .version),
                                      expected: Self.formatName, version: Self.formatVersion)
        try self.init(featureNames: try c.decode([String].self, forKey: .featureNames),
                      layers: try c.decode([Layer].self, forKey: .layers),
                      standardizer: try c.decodeIfPresent(Standardizer.self, forKey: .standardizer),
                      options: try c.decode(Options.self, forKey: .options),
                      history: try c.decode(TrainingHistory.self, forKey: .history))
    }

    /// The output logit (log-odds) for every row.
    /// - Precondition: `features` has the training columns, in order.
    public func decisionValues(_ features: FeatureTable) -> [Double] { score(features, transform: { $0 }) }

    /// P(y = 1) for every row.
    /// - Precondition: `features` has the training columns, in order.
    public func probabilities(_ features: FeatureTable) -> [Double] { score(features, transform: LogisticObjective.sigmoid) }

    private func score(_ features: FeatureTable, transform: @escaping @Sendable (Double) -> Double) -> [Double] {
        let p = layout.inputs
        precondition(features.columnCount == p, "model has \(p) features, table has \(features.columnCount)")
        let (layout, parameters) = (layout, parameters)
        let means = standardizer?.means ?? [Double](repeating: 0, count: p)
        let scales = standardizer?.scales ?? [Double](repeating: 1, count: p)
        let x = features.values
        return RowBlocks.fill(count: features.rowCount) { rows, output in
            let chunk = 256
            let workspace = NetworkWorkspace(layout: layout, capacity: chunk)
            x.withUnsafeBufferPointer { x in
                parameters.withUnsafeBufferPointer { theta in
                    var start = rows.lowerBound
                    while start < rows.upperBound {
                        let count = min(chunk, rows.upperBound - start)
                        for i in 0..<count {
                            for j in 0..<p { workspace.input[i * p + j] = (x[(start + i) * p + j] - means[j]) / scales[j] }
                        }
                        workspace.forward(theta.baseAddress!, rows: count)
                        for i in 0..<count { output[start + i] = transform(workspace.logits[i]) }
                        start += count
                    }
                }
            }
        }
    }
}
