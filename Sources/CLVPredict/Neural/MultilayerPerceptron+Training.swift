import CLVNumerics

extension MultilayerPerceptron {
    /// Trains a network on labelled rows (see the type's discussion for the loss and stopping rules).
    /// - Parameters:
    ///   - sampleWeights: one weight ≥ 0 per row (all 1 when nil); multiplied by the class weights.
    /// - Throws: ``PredictionError/singleClass`` when a class has no weight,
    ///   ``PredictionError/invalidOption(_:)`` for bad options or weights.
    /// - Complexity: O(epochs × rows × parameters).
    public static func fit(_ data: LabeledData, options: Options = Options(), sampleWeights: [Double]? = nil) throws -> MultilayerPerceptron {
        try validate(options)
        let weights = try options.classWeighting.rowWeights(labels: data.labels, sampleWeights: sampleWeights)
        let standardizer = options.standardize ? Standardizer(fitting: data.features) : nil
        let features = standardizer?.transform(data.features) ?? data.features
        let layout = NetworkLayout(inputs: features.columnCount, hidden: options.hiddenLayers)
        var rng = Xoshiro256(seed: options.seed)
        var parameters = initialParameters(layout, using: &rng)
        let (training, validation) = try split(data.labels, options: options, using: &rng)

        let batchSize = min(options.batchSize, training.count)
        let workspace = NetworkWorkspace(layout: layout, capacity: batchSize)
        var gradient = [Double](repeating: 0, count: layout.parameterCount)
        var adam = AdamOptimizer(parameterCount: layout.parameterCount, learningRate: options.learningRate)
        var order = training
        var trainingLoss: [Double] = [], validationLoss: [Double] = []
        var bestLoss = Double.infinity, bestParameters = parameters, keptEpoch = 0
        var epochsWithoutImprovement = 0
        var converged = false
        let p = layout.inputs

        for epoch in 1...options.maxEpochs {
            shuffle(&order, using: &rng)
            var total = 0.0
            features.values.withUnsafeBufferPointer { x in
                parameters.withUnsafeMutableBufferPointer { theta in
                    gradient.withUnsafeMutableBufferPointer { g in
                        var start = 0
                        while start < order.count {
                            let count = min(batchSize, order.count - start)
                            for r in 0..<count {
                                let row = order[start + r]
                                (workspace.input + r * p).update(from: x.baseAddress! + row * p, count: p)
                                workspace.labels[r] = Double(data.labels[row])
                                workspace.weights[r] = weights[row]
                            }
                            workspace.forward(theta.baseAddress!, rows: count)
                            let loss = workspace.backward(theta.baseAddress!, rows: count, alpha: options.alpha,
                                                          gradient: g.baseAddress!)
                            adam.step(theta.baseAddress!, gradient: g.baseAddress!)
                            total += loss * Double(count)
                            start += count
                        }
                    }
                }
            }
            trainingLoss.append(total / Double(order.count))
            // The monitored loss: validation loss with early stopping, else the epoch's training loss.
            let monitored: Double
            if options.earlyStopping {
                monitored = meanLoss(of: validation, features: features, labels: data.labels, weights: weights,
                                     parameters: parameters, workspace: workspace)
                validationLoss.append(monitored)
            } else {
                monitored = trainingLoss[epoch - 1]
            }
            epochsWithoutImprovement = monitored > bestLoss - options.tolerance ? epochsWithoutImprovement + 1 : 0
            if monitored < bestLoss {
                bestLoss = monitored
                if options.earlyStopping {
                    bestParameters = parameters
                    keptEpoch = epoch
                }
            }
            if !options.earlyStopping { keptEpoch = epoch }
            if epochsWithoutImprovement > options.patience {
                converged = true
                break
            }
        }
        let history = TrainingHistory(epochs: trainingLoss.count, trainingLoss: trainingLoss, validationLoss: validationLoss,
                                      keptEpoch: keptEpoch, converged: converged)
        return try MultilayerPerceptron(featureNames: data.features.names, layout: layout,
                                        parameters: options.earlyStopping ? bestParameters : parameters,
                                        standardizer: standardizer, options: options, history: history)
    }

    static func validate(_ options: Options) throws {
        guard (1...2).contains(options.hiddenLayers.count), options.hiddenLayers.allSatisfy({ $0 > 0 }) else {
            throw PredictionError.invalidOption("hiddenLayers must list 1 or 2 layer sizes > 0 (got \(options.hiddenLayers))")
        }
        guard options.alpha.isFinite, options.alpha >= 0 else {
            throw PredictionError.invalidOption("alpha must be finite and ≥ 0 (got \(options.alpha))")
        }
        guard options.learningRate.isFinite, options.learningRate > 0 else {
            throw PredictionError.invalidOption("learningRate must be finite and > 0 (got \(options.learningRate))")
        }
        guard options.batchSize > 0, options.maxEpochs > 0, options.patience >= 0, options.tolerance >= 0 else {
            throw PredictionError.invalidOption("batchSize and maxEpochs must be > 0, patience and tolerance ≥ 0")
        }
        guard !options.earlyStopping || (options.validationFraction > 0 && options.validationFraction < 1) else {
            throw PredictionError.invalidOption("validationFraction must be in (0, 1) (got \(options.validationFraction))")
        }
    }

    /// Glorot-uniform weights and biases, layer by layer (weights, then biases).
    static func initialParameters(_ layout: NetworkLayout, using rng: inout Xoshiro256) -> [Double] {
        var parameters = [Double](repeating: 0, count: layout.parameterCount)
        for l in 0..<layout.layerCount {
            let fanIn = layout.sizes[l], fanOut = layout.sizes[l + 1]
            let factor = l == layout.layerCount - 1 ? 2.0 : 6.0
            let bound = (factor / Double(fanIn + fanOut)).squareRoot()
            for k in layout.weightOffsets[l] ..< layout.biasOffsets[l] + fanOut {
                parameters[k] = (2 * rng.nextOpenUnit() - 1) * bound
            }
        }
        return parameters
    }

    /// Training and validation row indices: all rows for training without early stopping; else a
    /// stratified random `validationFraction` of each class (at least one row, never the whole class).
    static func split(_ labels: [UInt8], options: Options, using rng: inout Xoshiro256) throws -> (training: [Int], validation: [Int]) {
        guard options.earlyStopping else { return (Array(labels.indices), []) }
        var validation: [Int] = []
        for label in [UInt8(0), 1] {
            var rows = labels.indices.filter { labels[$0] == label }
            shuffle(&rows, using: &rng)
            let held = min(rows.count - 1, max(1, Int((options.validationFraction * Double(rows.count)).rounded())))
            validation += rows.prefix(held)
        }
        guard !validation.isEmpty else {
            throw PredictionError.invalidOption("too few rows per class to hold out a validation set")
        }
        let held = Set(validation)
        return (labels.indices.filter { !held.contains($0) }, validation.sorted())
    }

    /// Fisher–Yates with an unbiased-enough bounded draw (Lemire's multiply-high; bias < n / 2⁶⁴).
    static func shuffle(_ values: inout [Int], using rng: inout Xoshiro256) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            let j = Int(rng.next().multipliedFullWidth(by: UInt64(i + 1)).high)
            values.swapAt(i, j)
        }
    }

    /// Weighted mean log loss (no penalty) of `rows`.
    static func meanLoss(of rows: [Int], features: FeatureTable, labels: [UInt8], weights: [Double],
                         parameters: [Double], workspace: NetworkWorkspace) -> Double {
        let p = features.columnCount
        var loss = 0.0, total = 0.0
        features.values.withUnsafeBufferPointer { x in
            parameters.withUnsafeBufferPointer { theta in
                var start = 0
                while start < rows.count {
                    let count = min(workspace.capacity, rows.count - start)
                    for r in 0..<count {
                        (workspace.input + r * p).update(from: x.baseAddress! + rows[start + r] * p, count: p)
                    }
                    workspace.forward(theta.baseAddress!, rows: count)
                    for r in 0..<count {
                        let row = rows[start + r], z = workspace.logits[r]
                        loss += weights[row] * (LogisticObjective.softplus(z) - Double(labels[row]) * z)
                        total += weights[row]
                    }
                    start += count
                }
            }
        }
        return total > 0 ? loss / total : 0
    }
}
