import CLVPredict
import Foundation
import Testing

@Suite("Gradient-boosted trees")
struct BoostingTests {
    /// Worked example of Friedman (2001), Algorithm 5, one stage, depth 1, ν = 1, on x = 1…4,
    /// y = 0, 0, 1, 1: p₀ = ½ so F₀ = 0; residuals y − ½ = ∓½; the split is at 2.5; each leaf's
    /// Newton step is Σr / Σp(1−p) = (∓1) / (2·¼) = ∓2; so P = σ(∓2) = 1 / (1 + e^(±2)).
    @Test("one stage by hand: F₀ = 0, leaf steps ∓2")
    func oneStageByHand() throws {
        let data = try LabeledData(features: FeatureTable(names: ["x"], rows: [[1], [2], [3], [4]]), labels: [0, 0, 1, 1])
        let model = try GradientBoostedTrees.fit(data, options: .init(stageCount: 1, learningRate: 1,
                                                                      limits: TreeLimits(maxDepth: 1)))
        #expect(model.parameters.initialScore == 0)
        let tree = model.trees[0]
        #expect(tree.feature == [0, -1, -1] && tree.threshold[0] == 2.5 && tree.value == [0, -2, 2])
        let p = model.probabilities(data.features)
        let expected = [1 / (1 + exp(2.0)), 1 / (1 + exp(2.0)), 1 / (1 + exp(-2.0)), 1 / (1 + exp(-2.0))]
        #expect(treeMaxAbsDifference(p, expected) <= 1e-15)
        #expect(treeMaxAbsDifference(model.scores(data.features), [-2, -2, 2, 2]) == 0)
    }

    @Test("more stages lower the training log-loss")
    func lossFalls() throws {
        let golden = try TreesGolden()
        let data = try golden.churnData()
        func logLoss(_ stages: Int) throws -> Double {
            let model = try GradientBoostedTrees.fit(data, options: .init(stageCount: stages))
            let p = model.probabilities(data.features)
            return -zip(p, data.labels).reduce(0) { $0 + ($1.1 == 1 ? log($1.0) : log(1 - $1.0)) } / Double(data.count)
        }
        let losses = try [1, 5, 20, 60].map(logLoss)
        #expect(zip(losses, losses.dropFirst()).allSatisfy { $0 > $1 })
        // The prior alone: the log-loss of a constant p₀.
        let p0 = Double(data.labels.filter { $0 == 1 }.count) / Double(data.count)
        let prior = -(p0 * log(p0) + (1 - p0) * log(1 - p0))
        #expect(losses[0] < prior)
    }

    @Test("balanced class weights are the weights n / (2·n_class)")
    func balanced() throws {
        let golden = try TreesGolden()
        let data = try golden.churnData()
        let positives = Double(data.labels.filter { $0 == 1 }.count), n = Double(data.count)
        let weights = data.labels.map { $0 == 1 ? n / (2 * positives) : n / (2 * (n - positives)) }
        let a = try GradientBoostedTrees.fit(data, options: .init(stageCount: 10, classWeights: .balanced))
        let b = try GradientBoostedTrees.fit(data, options: .init(stageCount: 10), sampleWeights: weights)
        #expect(a.trees == b.trees && a.parameters.initialScore == b.parameters.initialScore)
        // Balanced classes have prior ½: F₀ = 0 up to rounding.
        #expect(abs(a.parameters.initialScore) < 1e-12)
    }

    @Test("rejects options out of range")
    func inputChecks() throws {
        let data = try LabeledData(features: FeatureTable(names: ["x"], rows: [[1], [2], [3], [4]]), labels: [0, 1, 0, 1])
        for options in [GradientBoostedTrees.Options(stageCount: 0), .init(learningRate: 0), .init(learningRate: -0.1),
                        .init(learningRate: .infinity), .init(limits: TreeLimits(maxDepth: 0))] {
            #expect(throws: PredictionError.self) { try GradientBoostedTrees.fit(data, options: options) }
        }
        #expect(throws: PredictionError.singleClass) {
            try GradientBoostedTrees.fit(LabeledData(features: data.features, labels: [0, 0, 0, 0]))
        }
    }

    @Test("saved as versioned JSON and read back")
    func savedForm() throws {
        let golden = try TreesGolden()
        let data = try golden.churnData()
        let model = try GradientBoostedTrees.fit(data, options: .init(stageCount: 8, learningRate: 0.2))
        let json = try JSONEncoder().encode(model.parameters)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["format"] as? String == "clvkit.gradient-boosted-trees" && object["version"] as? Int == 1)
        let loaded = try GradientBoostedTrees(parameters: JSONDecoder().decode(GradientBoostedTrees.Parameters.self, from: json))
        #expect(loaded == model && loaded.probabilities(data.features) == model.probabilities(data.features))
        var wrong = model.parameters
        wrong.format = RandomForest.format
        #expect(throws: PredictionError.self) { try GradientBoostedTrees(parameters: wrong) }
        wrong = model.parameters
        wrong.trees = []
        #expect(throws: PredictionError.self) { try GradientBoostedTrees(parameters: wrong) }
        wrong = model.parameters
        wrong.initialScore = .nan
        #expect(throws: PredictionError.self) { try GradientBoostedTrees(parameters: wrong) }
    }
}
