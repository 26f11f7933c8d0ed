import CLVPredict
import Foundation
import Testing

@Suite("Decision tree matches scikit-learn DecisionTreeClassifier (goldens from Scripts/golden/predict_trees_reference.py)")
struct TreeGoldenTests {
    static let caseNames = ["depth4_leaf8", "balanced_depth6_split12", "sample_weights_depth8_split20",
                            "weights_balanced_min_decrease"]

    @Test("the golden file has every case")
    func goldenHasTheCases() throws {
        let golden = try TreesGolden()
        #expect(golden.cases("decision_tree").compactMap { $0["name"] as? String }.sorted() == Self.caseNames.sorted())
    }

    /// Same nodes (feature, threshold, children, row counts exactly; values, weights and impurities to
    /// 1e-12) and the same predict_proba to 1e-12, on the eval rows (including rows on thresholds).
    @Test("same tree and probabilities as sklearn", arguments: caseNames)
    func sameTreeAsScikitLearn(_ name: String) throws {
        let golden = try TreesGolden()
        let c = try golden.namedCase("decision_tree", name)
        let params = c["params"] as! [String: Any]
        let limits = TreeLimits(maxDepth: treeOptionalInt(params["max_depth"]),
                                minSamplesSplit: (params["min_samples_split"] as! NSNumber).intValue,
                                minSamplesLeaf: (params["min_samples_leaf"] as! NSNumber).intValue,
                                minImpurityDecrease: (params["min_impurity_decrease"] as! NSNumber).doubleValue)
        let classWeights: TreeClassWeights = c["class_weight"] as! String == "balanced" ? .balanced : .none
        let weights = (c["sample_weight"] as! Bool) ? golden.churnSampleWeights : nil
        let data = try golden.churnData()
        let model = try DecisionTree.fit(data, options: .init(limits: limits, classWeights: classWeights),
                                         sampleWeights: weights)
        let tree = model.tree
        let expected = c["tree"] as! [String: Any]
        let left = treeInts(expected["children_left"]), right = treeInts(expected["children_right"])
        let expectedFeature = zip(treeInts(expected["feature"]), left).map { $1 < 0 ? -1 : $0 }
        #expect(tree.nodeCount == (c["node_count"] as! NSNumber).intValue)
        #expect(tree.feature == expectedFeature)
        #expect(tree.left == left)
        #expect(tree.right == right)
        #expect(tree.sampleCount == treeInts(expected["n_node_samples"]))
        let thresholds = treeDoubles(expected["threshold"])
        let inner = tree.nodeCount == thresholds.count ? (0..<tree.nodeCount).filter { left[$0] >= 0 } : []
        #expect(inner.map { tree.threshold[$0] } == inner.map { thresholds[$0] })
        #expect(treeMaxAbsDifference(tree.value, treeDoubles(expected["value"])) <= 1e-12)
        #expect(treeMaxAbsDifference(tree.impurity, treeDoubles(expected["impurity"])) <= 1e-12)
        let weighted = treeDoubles(expected["weighted_n_node_samples"])
        #expect(treeMaxAbsDifference(zip(tree.weightedSampleCount, weighted).map { $0 / $1 },
                                     [Double](repeating: 1, count: tree.nodeCount)) <= 1e-12)
        #expect(tree.weightedSampleCount.count == weighted.count)
        #expect(tree.depth == (c["max_depth_reached"] as! NSNumber).intValue)

        let evalRows = try FeatureTable(names: golden.churnNames, rows: treeMatrix(c["eval_rows"]))
        #expect(treeMaxAbsDifference(model.probabilities(evalRows), treeDoubles(c["predict_proba"])) <= 1e-12)
        #expect(treeMaxAbsDifference(model.probabilities(data.features), treeDoubles(c["train_predict_proba"])) <= 1e-12)
    }
}
