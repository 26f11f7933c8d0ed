import CLVPredict
import Foundation
import Testing

@Suite("Random forest")
struct ForestTests {
    /// The forest data set of trees.json: 1500 training rows, 1000 test rows, 8 features.
    struct ForestData {
        let train: LabeledData
        let test: LabeledData
        let section: [String: Any]

        init() throws {
            section = try TreesGolden().json["random_forest"] as! [String: Any]
            let data = section["dataset"] as! [String: Any]
            let names = data["features"] as! [String]
            train = try LabeledData(features: FeatureTable(names: names, rows: treeMatrix(data["X"])),
                                    labels: treeInts(data["y"]).map(UInt8.init))
            test = try LabeledData(features: FeatureTable(names: names, rows: treeMatrix(data["X_test"])),
                                   labels: treeInts(data["y_test"]).map(UInt8.init))
        }

        func runs(_ config: String) -> [[String: Any]] {
            let configs = section["configs"] as! [[String: Any]]
            return configs.first { $0["name"] as? String == config }?["runs"] as? [[String: Any]] ?? []
        }
    }

    static func accuracy(_ probabilities: [Double], _ labels: [UInt8]) -> Double {
        Double(zip(probabilities, labels).filter { ($0 > 0.5 ? 1 : 0) == $1 }.count) / Double(labels.count)
    }

    /// Another RNG cannot reproduce sklearn's forests, only their quality: the test accuracy and the
    /// OOB score must fall within 0.02 of the range sklearn gives over random_state 0…9.
    @Test("accuracy and OOB score within the range of sklearn's RandomForestClassifier",
          arguments: [("default_sqrt", RandomForest.Options()),
                      ("depth6_balanced", RandomForest.Options(limits: TreeLimits(maxDepth: 6), classWeights: .balanced))])
    func accuracyLikeScikitLearn(_ config: String, _ options: RandomForest.Options) throws {
        let data = try ForestData()
        let runs = data.runs(config)
        try #require(runs.count == 10)
        let accuracies = runs.map { ($0["accuracy"] as! NSNumber).doubleValue }
        let oobScores = runs.map { ($0["oob_score"] as! NSNumber).doubleValue }
        let forest = try RandomForest.fit(data.train, options: options)
        let accuracy = Self.accuracy(forest.probabilities(data.test.features), data.test.labels)
        #expect(accuracy >= accuracies.min()! - 0.02 && accuracy <= accuracies.max()! + 0.02,
                "accuracy \(accuracy), sklearn \(accuracies.min()!)…\(accuracies.max()!)")
        let oob = try #require(forest.parameters.outOfBagAccuracy)
        #expect(oob >= oobScores.min()! - 0.02 && oob <= oobScores.max()! + 0.02,
                "OOB \(oob), sklearn \(oobScores.min()!)…\(oobScores.max()!)")
    }

    @Test("beats a single tree on the same data")
    func beatsASingleTree() throws {
        let data = try ForestData()
        let forest = try RandomForest.fit(data.train, options: .init(treeCount: 50))
        let tree = try DecisionTree.fit(data.train)
        let forestAccuracy = Self.accuracy(forest.probabilities(data.test.features), data.test.labels)
        let treeAccuracy = Self.accuracy(tree.probabilities(data.test.features), data.test.labels)
        #expect(forestAccuracy > treeAccuracy + 0.05)
    }

    /// OOB predictions are honest: every row is out of bag somewhere, the OOB accuracy is far below the
    /// (memorised) training accuracy and near the test accuracy, and each tree leaves out about
    /// e⁻¹ ≈ 36.8% of the rows.
    @Test("out-of-bag estimates are honest")
    func outOfBagSanity() throws {
        let data = try ForestData()
        let forest = try RandomForest.fit(data.train, options: .init(treeCount: 60, seed: 7))
        let oob = try #require(forest.outOfBagProbabilities)
        #expect(oob.count == data.train.count && oob.allSatisfy { !$0.isNaN && $0 >= 0 && $0 <= 1 })
        let oobAccuracy = try #require(forest.parameters.outOfBagAccuracy)
        #expect(abs(oobAccuracy - Self.accuracy(oob, data.train.labels)) < 1e-15)
        let trainAccuracy = Self.accuracy(forest.probabilities(data.train.features), data.train.labels)
        let testAccuracy = Self.accuracy(forest.probabilities(data.test.features), data.test.labels)
        #expect(trainAccuracy > 0.99)
        #expect(abs(oobAccuracy - testAccuracy) < 0.05)
        // Distinct rows per tree: the root's sample count; expected n·(1 − (1 − 1/n)^n) ≈ 0.632·n.
        let share = Double(forest.trees.reduce(0) { $0 + $1.sampleCount[0] }) / Double(60 * data.train.count)
        #expect(abs(share - (1 - pow(1 - 1 / Double(data.train.count), Double(data.train.count)))) < 0.01)
        let loaded = try RandomForest(parameters: forest.parameters)
        #expect(loaded.outOfBagProbabilities == nil && loaded.parameters.outOfBagAccuracy == oobAccuracy)
    }

    @Test("the same seed gives the same forest, whatever the number of trees grown alongside")
    func reproducible() throws {
        let data = try ForestData()
        let options = RandomForest.Options(treeCount: 12, limits: TreeLimits(maxDepth: 8), seed: 42)
        let a = try RandomForest.fit(data.train, options: options)
        let b = try RandomForest.fit(data.train, options: options)
        #expect(a == b)
        // NaN marks rows that every tree drew; compare bit patterns so that NaN equals NaN.
        #expect(a.outOfBagProbabilities?.map(\.bitPattern) == b.outOfBagProbabilities?.map(\.bitPattern))
        var fewer = options
        fewer.treeCount = 5
        let c = try RandomForest.fit(data.train, options: fewer)
        #expect(Array(a.trees.prefix(5)) == c.trees)
        var other = options
        other.seed = 43
        let d = try RandomForest.fit(data.train, options: other)
        #expect(d.trees[0] != a.trees[0])
    }

    @Test("without bootstrap and with all features every tree is the decision tree")
    func baggingOffIsATree() throws {
        let data = try ForestData()
        let limits = TreeLimits(maxDepth: 5, minSamplesLeaf: 3)
        let forest = try RandomForest.fit(data.train, options: .init(treeCount: 3, limits: limits, maxFeatures: .all,
                                                                     bootstrap: false))
        let tree = try DecisionTree.fit(data.train, options: .init(limits: limits))
        #expect(forest.trees.allSatisfy { $0 == tree.tree })
        #expect(forest.parameters.outOfBagAccuracy == nil && forest.outOfBagProbabilities == nil)
        // (v + v + v) / 3 may differ from v in the last bit.
        #expect(treeMaxAbsDifference(forest.probabilities(data.test.features), tree.probabilities(data.test.features)) <= 1e-15)
    }

    /// The block scorer (adjacent children, all rows of a block stepping together, blocks on several
    /// threads) against walking each tree node by node, on 5000 rows, some of them exactly on thresholds.
    @Test("block scoring equals walking each tree")
    func blockScoringEqualsWalking() throws {
        let data = try ForestData()
        let forest = try RandomForest.fit(data.train, options: .init(treeCount: 25, seed: 3))
        var rows = (0..<5000).map { data.test.features.row($0 % data.test.count) }
        for i in stride(from: 0, to: rows.count, by: 7) {
            let tree = forest.trees[i % forest.trees.count]
            rows[i][tree.feature[0]] = tree.threshold[0]
        }
        let table = try FeatureTable(names: data.test.features.names, rows: rows)
        let walked = rows.map { row in forest.trees.reduce(0.0) { $0 + $1.value[$1.leaf(for: row)] } / 25 }
        #expect(forest.probabilities(table) == walked)
        let tree = forest.trees[0]
        #expect(tree.predictions(table) == rows.map { tree.value[tree.leaf(for: $0)] })
    }

    @Test("max features as scikit-learn resolves it", arguments: [
        (RandomForest.MaxFeatures.sqrt, 20, 4), (.sqrt, 8, 2), (.sqrt, 1, 1), (.log2, 20, 4), (.log2, 1, 1),
        (.all, 7, 7), (.count(3), 7, 3), (.fraction(0.5), 7, 3), (.fraction(0.01), 7, 1),
    ])
    func maxFeatures(_ rule: RandomForest.MaxFeatures, _ featureCount: Int, _ expected: Int) throws {
        #expect(try rule.resolved(featureCount: featureCount) == expected)
    }

    @Test("rejects bad options")
    func rejectsBadOptions() throws {
        let data = try ForestData()
        #expect(throws: PredictionError.self) { try RandomForest.fit(data.train, options: .init(treeCount: 0)) }
        #expect(throws: PredictionError.self) { try RandomForest.fit(data.train, options: .init(maxFeatures: .count(9))) }
        #expect(throws: PredictionError.self) { try RandomForest.fit(data.train, options: .init(maxFeatures: .fraction(0))) }
        #expect(throws: PredictionError.self) {
            try RandomForest.fit(data.train, options: .init(limits: TreeLimits(minSamplesLeaf: 0)))
        }
    }

    @Test("saved as versioned JSON and read back")
    func savedForm() throws {
        let data = try ForestData()
        let forest = try RandomForest.fit(data.train, options: .init(treeCount: 4, limits: TreeLimits(maxDepth: 4)))
        let json = try JSONEncoder().encode(forest.parameters)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["format"] as? String == "clvkit.random-forest" && object["version"] as? Int == 1)
        let loaded = try RandomForest(parameters: JSONDecoder().decode(RandomForest.Parameters.self, from: json))
        #expect(loaded == forest)
        #expect(loaded.probabilities(data.test.features) == forest.probabilities(data.test.features))
        var wrong = forest.parameters
        wrong.format = DecisionTree.format
        #expect(throws: PredictionError.self) { try RandomForest(parameters: wrong) }
        wrong = forest.parameters
        wrong.version = 2
        #expect(throws: PredictionError.self) { try RandomForest(parameters: wrong) }
    }
}
