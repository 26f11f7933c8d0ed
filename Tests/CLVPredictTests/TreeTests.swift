import CLVPredict
import Foundation
import Testing

@Suite("Decision tree")
struct TreeTests {
    /// A hand-made tree over (recency_days, orders):
    ///
    ///     0: recency_days ≤ 120.5
    ///     ├─ 1: orders ≤ 1.5 ── 2: leaf 0.25 (800) │ 3: leaf 0.1 (300)
    ///     └─ 4: orders ≤ 1.5 ── 5: leaf 0.834 (1204)
    ///                        └─ 6: recency_days ≤ 300 ── 7: leaf 0.6 (50) │ 8: leaf 0.9 (12345)
    static func handMadeTree() throws -> FittedTree {
        try FittedTree(feature: [0, 1, -1, -1, 1, -1, 0, -1, -1],
                       threshold: [120.5, 1.5, 0, 0, 1.5, 0, 300, 0, 0],
                       left: [1, 2, -1, -1, 5, -1, 7, -1, -1],
                       right: [4, 3, -1, -1, 6, -1, 8, -1, -1],
                       value: [0.5, 0.2, 0.25, 0.1, 0.85, 0.834, 0.89, 0.6, 0.9],
                       sampleCount: [14699, 1100, 800, 300, 13599, 1204, 12395, 50, 12345],
                       weightedSampleCount: [14699, 1100, 800, 300, 13599, 1204, 12395, 50, 12345],
                       impurity: [Double](repeating: 0.3, count: 9))
    }

    @Test("rules read as one sentence per leaf, bounds on one feature merged")
    func rules() throws {
        let tree = try Self.handMadeTree()
        #expect(tree.rules(featureNames: ["recency_days", "orders"]) == [
            "if recency_days ≤ 120.5 and orders ≤ 1.5 then churn 0.25 (n = 800)",
            "if recency_days ≤ 120.5 and orders > 1.5 then churn 0.10 (n = 300)",
            "if recency_days > 120.5 and orders ≤ 1.5 then churn 0.83 (n = 1,204)",
            "if recency_days > 120.5 and recency_days ≤ 300 and orders > 1.5 then churn 0.60 (n = 50)",
            "if recency_days > 300 and orders > 1.5 then churn 0.90 (n = 12,345)",
        ])
        let stump = try FittedTree(feature: [-1], threshold: [0], left: [-1], right: [-1], value: [0.4125],
                                   sampleCount: [400], weightedSampleCount: [400], impurity: [0.48])
        #expect(stump.rules(featureNames: [], outcome: "purchase") == ["always purchase 0.41 (n = 400)"])
        #expect(tree.depth == 3 && tree.leafCount == 5 && stump.depth == 0)
    }

    @Test("a fitted tree's rules use its column names")
    func fittedRules() throws {
        let data = try LabeledData(features: FeatureTable(names: ["orders"], rows: [[1], [2], [3], [10], [11], [12]]),
                                   labels: [0, 0, 0, 1, 1, 1])
        let tree = try DecisionTree.fit(data)
        #expect(tree.rules() == ["if orders ≤ 6.5 then churn 0.00 (n = 3)", "if orders > 6.5 then churn 1.00 (n = 3)"])
        #expect(tree.rules(featureNames: ["n_orders"], outcome: "buys").last == "if n_orders > 6.5 then buys 1.00 (n = 3)")
    }

    /// Worked example: the only Gini-optimal split of {1,2,3 | 10,11,12} is halfway between 3 and 10.
    @Test("a separable column splits at the midpoint and predicts 0 and 1")
    func separable() throws {
        let data = try LabeledData(features: FeatureTable(names: ["x"], rows: [[3], [1], [12], [2], [10], [11]]),
                                   labels: [0, 0, 1, 0, 1, 1])
        let tree = try DecisionTree.fit(data).tree
        #expect(tree.feature == [0, -1, -1] && tree.threshold[0] == 6.5 && tree.value == [0.5, 0, 1])
        #expect(tree.impurity == [0.5, 0, 0])
        let model = try DecisionTree(parameters: .init(featureNames: ["x"], options: .init(), tree: tree))
        #expect(model.probabilities(try FeatureTable(names: ["x"], rows: [[6.5], [6.5000001], [-100]])) == [0, 1, 0])
    }

    /// Worked example: sorted, the values are −7.5, −2 | −1, −0, 0, 3 with labels 1, 1 | 0, 0, 0, 0, so
    /// the only pure split is halfway between −2 and −1; −0 and 0 are one value.
    @Test("negative values and signed zeros sort as numbers")
    func negativeValues() throws {
        let data = try LabeledData(features: FeatureTable(names: ["x"], rows: [[0.0], [-1], [-7.5], [3], [-0.0], [-2]]),
                                   labels: [0, 0, 1, 0, 0, 1])
        let tree = try DecisionTree.fit(data).tree
        #expect(tree.feature == [0, -1, -1] && tree.threshold[0] == -1.5 && tree.value == [2.0 / 6, 1, 0])
        #expect(tree.sampleCount == [6, 2, 4])
    }

    @Test("equally good features: the first column wins")
    func tieBreak() throws {
        let rows: [[Double]] = [[1, 1], [2, 2], [3, 3], [4, 4]]
        let data = try LabeledData(features: FeatureTable(names: ["a", "b"], rows: rows), labels: [0, 0, 1, 1])
        #expect(try DecisionTree.fit(data).tree.feature[0] == 0)
        let swapped = try LabeledData(features: FeatureTable(names: ["b", "a"], rows: rows.map { [$0[1], $0[0] * 10] }),
                                      labels: [0, 0, 1, 1])
        let tree = try DecisionTree.fit(swapped).tree
        #expect(tree.feature[0] == 0 && tree.threshold[0] == 2.5)
    }

    @Test("rows of weight 0 are left out, as if absent")
    func zeroWeights() throws {
        let golden = try TreesGolden()
        let data = try golden.churnData()
        let weights = (0..<data.count).map { $0 % 5 == 0 ? 0.0 : 1.0 }
        let kept = (0..<data.count).filter { $0 % 5 != 0 }
        let options = DecisionTree.Options(limits: TreeLimits(maxDepth: 6))
        let weighted = try DecisionTree.fit(data, options: options, sampleWeights: weights)
        let subset = try DecisionTree.fit(data.subset(kept), options: options)
        #expect(weighted.tree == subset.tree)
    }

    @Test("integer weights act as repeated rows")
    func integerWeights() throws {
        let golden = try TreesGolden()
        let data = try golden.churnData()
        let weights = (0..<data.count).map { Double($0 % 3 + 1) }
        let repeated = (0..<data.count).flatMap { [Int](repeating: $0, count: $0 % 3 + 1) }
        let options = DecisionTree.Options(limits: TreeLimits(maxDepth: 5))
        let weighted = try DecisionTree.fit(data, options: options, sampleWeights: weights)
        let copies = try DecisionTree.fit(data.subset(repeated), options: options)
        #expect(weighted.tree.feature == copies.tree.feature && weighted.tree.threshold == copies.tree.threshold)
        #expect(treeMaxAbsDifference(weighted.tree.value, copies.tree.value) <= 1e-12)
        #expect(weighted.tree.weightedSampleCount[0] == Double(repeated.count))
    }

    @Test("balanced class weights are the weights n / (2·n_class)")
    func balanced() throws {
        let golden = try TreesGolden()
        let data = try golden.churnData()
        let positives = Double(data.labels.filter { $0 == 1 }.count), n = Double(data.count)
        let weights = data.labels.map { $0 == 1 ? n / (2 * positives) : n / (2 * (n - positives)) }
        let limits = TreeLimits(maxDepth: 5)
        let balanced = try DecisionTree.fit(data, options: .init(limits: limits, classWeights: .balanced))
        let explicit = try DecisionTree.fit(data, options: .init(limits: limits), sampleWeights: weights)
        #expect(balanced.tree == explicit.tree)
        // Balanced: the root's weighted class-1 share is one half.
        #expect(abs(balanced.tree.value[0] - 0.5) < 1e-12)
    }

    @Test("rejects limits out of range, bad weights and a single class")
    func inputChecks() throws {
        let data = try LabeledData(features: FeatureTable(names: ["x"], rows: [[1], [2], [3], [4]]), labels: [0, 1, 0, 1])
        for limits in [TreeLimits(maxDepth: 0), TreeLimits(minSamplesSplit: 1), TreeLimits(minSamplesLeaf: 0),
                       TreeLimits(minImpurityDecrease: -1), TreeLimits(minImpurityDecrease: .nan)] {
            #expect(throws: PredictionError.self) { try DecisionTree.fit(data, options: .init(limits: limits)) }
        }
        #expect(throws: PredictionError.self) { try DecisionTree.fit(data, sampleWeights: [1, 1, -1, 1]) }
        #expect(throws: PredictionError.self) { try DecisionTree.fit(data, sampleWeights: [1, 1, .infinity, 1]) }
        #expect(throws: PredictionError.self) { try DecisionTree.fit(data, sampleWeights: [1, 1]) }
        #expect(throws: PredictionError.singleClass) { try DecisionTree.fit(data, sampleWeights: [1, 0, 1, 0]) }
        let single = try LabeledData(features: data.features, labels: [1, 1, 1, 1])
        #expect(throws: PredictionError.singleClass) { try DecisionTree.fit(single) }
        #expect(throws: PredictionError.singleClass) {
            try DecisionTree.fit(single, options: .init(classWeights: .balanced))
        }
    }

    @Test("saved as versioned JSON and read back; broken files are refused")
    func savedForm() throws {
        let golden = try TreesGolden()
        let data = try golden.churnData()
        let model = try DecisionTree.fit(data, options: .init(limits: TreeLimits(maxDepth: 4), classWeights: .balanced))
        let json = try JSONEncoder().encode(model.parameters)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["format"] as? String == "clvkit.decision-tree" && object["version"] as? Int == 1)
        let loaded = try DecisionTree(parameters: JSONDecoder().decode(DecisionTree.Parameters.self, from: json))
        #expect(loaded == model && loaded.probabilities(data.features) == model.probabilities(data.features))

        var wrong = model.parameters
        wrong.format = "clvkit.logistic"
        #expect(throws: PredictionError.self) { try DecisionTree(parameters: wrong) }
        wrong = model.parameters
        wrong.version = 2
        #expect(throws: PredictionError.self) { try DecisionTree(parameters: wrong) }
        wrong = model.parameters
        wrong.tree.feature[0] = data.features.columnCount
        #expect(throws: PredictionError.self) { try DecisionTree(parameters: wrong) }
        wrong = model.parameters
        wrong.tree.left[0] = 0
        #expect(throws: PredictionError.self) { try DecisionTree(parameters: wrong) }
        wrong = model.parameters
        wrong.tree.value.removeLast()
        #expect(throws: PredictionError.self) { try DecisionTree(parameters: wrong) }
    }
}
