import CLVPredict
import Foundation
import Testing

@Suite("Gradient-boosted trees match scikit-learn GradientBoostingClassifier (goldens from Scripts/golden/predict_trees_reference.py)")
struct BoostingGoldenTests {
    static let caseNames = ["depth3_lr0.1_leaf5", "weighted_depth4_leaf8", "weighted_min_decrease"]

    static func fit(_ c: [String: Any], _ golden: TreesGolden) throws -> GradientBoostedTrees {
        let params = c["params"] as! [String: Any]
        let limits = TreeLimits(maxDepth: treeOptionalInt(params["max_depth"]),
                                minSamplesSplit: (params["min_samples_split"] as! NSNumber).intValue,
                                minSamplesLeaf: (params["min_samples_leaf"] as! NSNumber).intValue,
                                minImpurityDecrease: (params["min_impurity_decrease"] as! NSNumber).doubleValue)
        let options = GradientBoostedTrees.Options(stageCount: (params["n_estimators"] as! NSNumber).intValue,
                                                   learningRate: (params["learning_rate"] as! NSNumber).doubleValue,
                                                   limits: limits)
        let weights = (c["sample_weight"] as! Bool) ? golden.churnSampleWeights : nil
        return try GradientBoostedTrees.fit(golden.churnData(), options: options, sampleWeights: weights)
    }

    @Test("the golden file has every case")
    func goldenHasTheCases() throws {
        let golden = try TreesGolden()
        #expect(golden.cases("gradient_boosting").compactMap { $0["name"] as? String }.sorted() == Self.caseNames.sorted())
    }

    /// The prior log-odds to 1e-14, the first two stages' trees (structure exactly, node values and
    /// Newton leaf steps to 1e-12) and predict_proba on eval and training rows to 1e-12.
    @Test("same stages and probabilities as sklearn", arguments: caseNames)
    func sameModelAsScikitLearn(_ name: String) throws {
        let golden = try TreesGolden()
        let c = try golden.namedCase("gradient_boosting", name)
        let model = try Self.fit(c, golden)
        #expect(abs(model.parameters.initialScore - (c["init_raw"] as! NSNumber).doubleValue) <= 1e-14)
        let firstTrees = c["first_trees"] as! [[String: Any]]
        for (stage, expected) in firstTrees.enumerated() {
            let tree = model.trees[stage]
            let left = treeInts(expected["children_left"])
            #expect(tree.feature == zip(treeInts(expected["feature"]), left).map { $1 < 0 ? -1 : $0 }, "stage \(stage)")
            #expect(tree.left == left && tree.right == treeInts(expected["children_right"]), "stage \(stage)")
            #expect(tree.sampleCount == treeInts(expected["n_node_samples"]), "stage \(stage)")
            let thresholds = treeDoubles(expected["threshold"])
            let inner = tree.nodeCount == left.count ? (0..<left.count).filter { left[$0] >= 0 } : []
            #expect(inner.map { tree.threshold[$0] } == inner.map { thresholds[$0] }, "stage \(stage)")
            #expect(treeMaxAbsDifference(tree.value, treeDoubles(expected["value"])) <= 1e-12, "stage \(stage)")
            #expect(treeMaxAbsDifference(tree.impurity, treeDoubles(expected["impurity"])) <= 1e-12, "stage \(stage)")
        }
        let evalRows = try FeatureTable(names: golden.churnNames, rows: treeMatrix(c["eval_rows"]))
        let evalDiff = treeMaxAbsDifference(model.probabilities(evalRows), treeDoubles(c["predict_proba"]))
        let trainDiff = treeMaxAbsDifference(model.probabilities(try golden.churnData().features),
                                             treeDoubles(c["train_predict_proba"]))
        #expect(evalDiff <= 1e-12)
        #expect(trainDiff <= 1e-12)
    }
}
