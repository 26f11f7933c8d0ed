import CLVNumerics
@testable import CLVPredict
import Foundation
import Testing

/// Seeded two-feature data sets for the MLP.
enum MLPData {
    /// XOR-like: uniform on [−1, 1]², label 1 when x₁·x₂ > 0; rows with |x₁|, |x₂| < 0.05 are
    /// redrawn so the classes have a small margin.
    static func xor(count: Int, seed: UInt64) throws -> LabeledData {
        var rng = Xoshiro256(seed: seed)
        var rows: [[Double]] = [], labels: [UInt8] = []
        while rows.count < count {
            let a = 2 * rng.nextOpenUnit() - 1, b = 2 * rng.nextOpenUnit() - 1
            if abs(a) < 0.05 || abs(b) < 0.05 { continue }
            rows.append([a, b])
            labels.append(a * b > 0 ? 1 : 0)
        }
        return try LabeledData(features: FeatureTable(names: ["a", "b"], rows: rows), labels: labels)
    }

    /// Two concentric noisy circles (as sklearn's make_circles): radius 1 (label 0) and 0.5
    /// (label 1), Gaussian noise 0.08, at random angles.
    static func circles(count: Int, seed: UInt64) throws -> LabeledData {
        var rng = Xoshiro256(seed: seed)
        var rows: [[Double]] = [], labels: [UInt8] = []
        for i in 0..<count {
            let inner = i % 2 == 1
            let angle = 2 * Double.pi * rng.nextOpenUnit()
            let radius = inner ? 0.5 : 1.0
            rows.append([radius * cos(angle) + 0.08 * Sampling.standardNormal(using: &rng),
                         radius * sin(angle) + 0.08 * Sampling.standardNormal(using: &rng)])
            labels.append(inner ? 1 : 0)
        }
        return try LabeledData(features: FeatureTable(names: ["x", "y"], rows: rows), labels: labels)
    }

    static func accuracy(_ model: some BinaryClassifier, on data: LabeledData) -> Double {
        let p = model.probabilities(data.features)
        let correct = zip(p, data.labels).filter { ($0 >= 0.5) == ($1 == 1) }.count
        return Double(correct) / Double(data.count)
    }
}

@Suite("Multilayer perceptron")
struct MLPTests {
    /// Widths below and above 8 run both the SIMD blocks and the scalar tail of the dense kernels.
    @Test("The backward pass matches central finite differences of the batch loss",
          arguments: [[5], [11], [10, 9]])
    func gradientMatchesFiniteDifferences(hidden: [Int]) throws {
        let layout = NetworkLayout(inputs: 3, hidden: hidden)
        var rng = Xoshiro256(seed: 11)
        let rows = 7
        let workspace = NetworkWorkspace(layout: layout, capacity: rows)
        for k in 0..<(rows * 3) { workspace.input[k] = Sampling.standardNormal(using: &rng) }
        for r in 0..<rows {
            workspace.labels[r] = r % 3 == 0 ? 1 : 0
            workspace.weights[r] = 0.5 + rng.nextOpenUnit()
        }
        // Biases drawn away from 0 keep most hidden units on one side of the ReLU kink.
        let parameters = (0..<layout.parameterCount).map { _ in Sampling.standardNormal(using: &rng) }
        let alpha = 0.3
        func loss(_ theta: [Double]) -> Double {
            var scratch = [Double](repeating: 0, count: theta.count)
            return theta.withUnsafeBufferPointer { t in
                workspace.forward(t.baseAddress!, rows: rows)
                return scratch.withUnsafeMutableBufferPointer { g in
                    workspace.backward(t.baseAddress!, rows: rows, alpha: alpha, gradient: g.baseAddress!)
                }
            }
        }
        var analytic = [Double](repeating: .nan, count: layout.parameterCount)
        _ = parameters.withUnsafeBufferPointer { t in
            workspace.forward(t.baseAddress!, rows: rows)
            return analytic.withUnsafeMutableBufferPointer { g in
                workspace.backward(t.baseAddress!, rows: rows, alpha: alpha, gradient: g.baseAddress!)
            }
        }
        let h = 1e-6
        var worst = 0.0
        for k in 0..<layout.parameterCount {
            var up = parameters, down = parameters
            up[k] += h
            down[k] -= h
            let numeric = (loss(up) - loss(down)) / (2 * h)
            worst = max(worst, abs(numeric - analytic[k]) / max(1e-3, abs(numeric)))
        }
        #expect(worst < 1e-6, "largest relative gradient error \(worst)")
    }

    @Test("Learns XOR-like data to > 95% accuracy on fresh rows (one hidden layer)")
    func learnsXOR() throws {
        let train = try MLPData.xor(count: 800, seed: 1)
        let test = try MLPData.xor(count: 2000, seed: 2)
        let model = try MultilayerPerceptron.fit(train, options: .init(hiddenLayers: [32], learningRate: 0.01,
                                                                        maxEpochs: 300, seed: 3))
        #expect(MLPData.accuracy(model, on: test) > 0.95)
    }

    @Test("Learns two concentric circles to > 95% accuracy on fresh rows (two hidden layers)")
    func learnsCircles() throws {
        let train = try MLPData.circles(count: 800, seed: 4)
        let test = try MLPData.circles(count: 2000, seed: 5)
        let model = try MultilayerPerceptron.fit(train, options: .init(hiddenLayers: [16, 8], learningRate: 0.01,
                                                                        maxEpochs: 300, seed: 6))
        #expect(MLPData.accuracy(model, on: test) > 0.95)
    }

    @Test("Two runs with one seed give bit-identical models; another seed does not")
    func sameSeedSameBits() throws {
        let data = try MLPData.circles(count: 300, seed: 7)
        let options = MultilayerPerceptron.Options(hiddenLayers: [8, 4], batchSize: 32, maxEpochs: 15, seed: 42)
        let first = try MultilayerPerceptron.fit(data, options: options)
        let second = try MultilayerPerceptron.fit(data, options: options)
        #expect(first.parameters.map(\.bitPattern) == second.parameters.map(\.bitPattern))
        #expect(first.probabilities(data.features).map(\.bitPattern) == second.probabilities(data.features).map(\.bitPattern))
        var other = options
        other.seed = 43
        #expect(try MultilayerPerceptron.fit(data, options: other).parameters != first.parameters)
    }

    @Test("Early stopping keeps the epoch with the lowest validation loss")
    func earlyStoppingKeepsBestEpoch() throws {
        let data = try MLPData.xor(count: 400, seed: 8)
        let model = try MultilayerPerceptron.fit(data, options: .init(hiddenLayers: [16], learningRate: 0.05, maxEpochs: 60,
                                                                       patience: 5, earlyStopping: true, seed: 9))
        let losses = model.history.validationLoss
        #expect(losses.count == model.history.epochs && !losses.isEmpty)
        let best = losses.indices.min { losses[$0] < losses[$1] }!
        #expect(model.history.keptEpoch == best + 1)
        // The kept weights reproduce the recorded validation loss on the same held-out rows.
        var rng = Xoshiro256(seed: 9)
        _ = MultilayerPerceptron.initialParameters(NetworkLayout(inputs: 2, hidden: [16]), using: &rng)
        let (_, validation) = try MultilayerPerceptron.split(data.labels, options: model.options, using: &rng)
        let z = model.decisionValues(data.features)
        let loss = validation.reduce(0.0) { total, i in
            total + max(z[i], 0) + log1p(exp(-abs(z[i]))) - Double(data.labels[i]) * z[i]
        } / Double(validation.count)
        #expect(abs(loss - losses[best]) < 1e-9 * max(1, losses[best]))
    }

    @Test("Scoring raw rows applies the stored standardization")
    func scoringAppliesStandardization() throws {
        let base = try MLPData.xor(count: 300, seed: 13)
        let raw = try LabeledData(features: FeatureTable(names: ["a", "b"], values: base.features.values.enumerated().map {
            $0.offset % 2 == 0 ? 50 + 100 * $0.element : -3 + 0.01 * $0.element
        }), labels: base.labels)
        let model = try MultilayerPerceptron.fit(raw, options: .init(hiddenLayers: [9], maxEpochs: 5, seed: 14))
        let standardizer = try #require(model.standardizer)
        let bare = try MultilayerPerceptron(featureNames: model.featureNames, layers: model.layers)
        let expected = bare.probabilities(standardizer.transform(raw.features))
        #expect(LinearData.maxDifference(model.probabilities(raw.features), expected) < 1e-14)
    }

    @Test("A saved model reads back equal, scores the same, and other formats are refused")
    func savedModelRoundTrips() throws {
        let data = try MLPData.xor(count: 200, seed: 10)
        let model = try MultilayerPerceptron.fit(data, options: .init(hiddenLayers: [4, 3], maxEpochs: 3, seed: 1))
        let json = try JSONEncoder().encode(model)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["format"] as? String == "clvkit.multilayer-perceptron" && object["version"] as? Int == 1)
        let read = try JSONDecoder().decode(MultilayerPerceptron.self, from: json)
        #expect(read == model)
        #expect(read.probabilities(data.features) == model.probabilities(data.features))
        var wrong = object
        wrong["version"] = 2
        #expect(throws: PredictionError.self) {
            try JSONDecoder().decode(MultilayerPerceptron.self, from: JSONSerialization.data(withJSONObject: wrong))
        }
    }

    @Test("Bad options and single-class labels are refused")
    func refusesBadInput() throws {
        let data = try MLPData.xor(count: 50, seed: 12)
        #expect(throws: PredictionError.self) { try MultilayerPerceptron.fit(data, options: .init(hiddenLayers: [])) }
        #expect(throws: PredictionError.self) { try MultilayerPerceptron.fit(data, options: .init(hiddenLayers: [4, 4, 4])) }
        #expect(throws: PredictionError.self) { try MultilayerPerceptron.fit(data, options: .init(learningRate: 0)) }
        let one = try LabeledData(features: data.features, labels: [UInt8](repeating: 1, count: data.count))
        #expect(throws: PredictionError.singleClass) { try MultilayerPerceptron.fit(one) }
    }
}
