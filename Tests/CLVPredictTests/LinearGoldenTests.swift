import CLVPredict
import Foundation
import Testing

/// Golden/linear.json, written by Scripts/golden/predict_linear_reference.py (scikit-learn 1.9.1).
struct LinearGolden {
    struct DataSet {
        let data: LabeledData
        let sampleWeights: [Double]
        let probeRows: [Int]
        let json: [String: Any]
    }

    let json: [String: Any]
    let dataSets: [String: DataSet]

    init() throws {
        let url = try #require(Bundle.module.url(forResource: "linear", withExtension: "json", subdirectory: "Golden"))
        json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var sets: [String: DataSet] = [:]
        for entry in json["data"] as! [[String: Any]] {
            let rows = (entry["x"] as! [[NSNumber]]).map { $0.map(\.doubleValue) }
            let names = (0..<rows[0].count).map { "x\($0)" }
            let labels = (entry["y"] as! [NSNumber]).map { UInt8($0.intValue) }
            let data = try LabeledData(features: FeatureTable(names: names, rows: rows), labels: labels)
            sets[entry["name"] as! String] = DataSet(
                data: data, sampleWeights: Self.doubles(entry["sample_weights"]),
                probeRows: (entry["probe_rows"] as! [NSNumber]).map(\.intValue), json: entry)
        }
        dataSets = sets
    }

    var logisticCases: [[String: Any]] { json["logistic"] as! [[String: Any]] }
    var svmCases: [[String: Any]] { json["svm"] as! [[String: Any]] }
    var tolerance: [String: Any] { json["tolerance"] as! [String: Any] }

    static func doubles(_ any: Any?) -> [Double] { (any as? [NSNumber] ?? []).map(\.doubleValue) }
    static func number(_ any: Any?) -> Double { (any as! NSNumber).doubleValue }

    static func weighting(_ name: Any?) -> ClassWeighting { (name as! String) == "balanced" ? .balanced : .unweighted }

    /// max |a − b| / max |b|.
    static func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) } / b.reduce(0) { max($0, abs($1)) }
    }

    static func maxAbsoluteDifference(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count)
        return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }
}

@Suite("Linear models agree with scikit-learn (goldens from Scripts/golden/predict_linear_reference.py)")
struct LinearGoldenTests {
    @Test("Standardizer matches StandardScaler's mean_ and scale_")
    func standardizerMatchesStandardScaler() throws {
        let golden = try LinearGolden()
        let tolerance = LinearGolden.number(golden.tolerance["standardizer"])
        #expect(golden.dataSets.count == 3)
        for (name, set) in golden.dataSets {
            let s = Standardizer(fitting: set.data.features)
            #expect(LinearGolden.relativeDifference(s.means, LinearGolden.doubles(set.json["scaler_mean"])) < tolerance, "\(name)")
            #expect(LinearGolden.relativeDifference(s.scales, LinearGolden.doubles(set.json["scaler_scale"])) < tolerance, "\(name)")
        }
    }

    @Test("LogisticRegression coefficients, probabilities and decision values match sklearn's lbfgs")
    func logisticMatchesSklearn() throws {
        let golden = try LinearGolden()
        let exactTolerance = LinearGolden.number(golden.tolerance["vs_newton"])
        #expect(golden.logisticCases.count == 42)
        for c in golden.logisticCases {
            let set = try #require(golden.dataSets[c["data"] as! String])
            let options = LogisticRegression.Options(C: LinearGolden.number(c["C"]),
                                                     classWeighting: LinearGolden.weighting(c["class_weight"]),
                                                     standardize: c["standardized"] as! Bool)
            let weights = (c["sample_weights"] as! Bool) ? set.sampleWeights : nil
            let model = try LogisticRegression.fit(set.data, options: options, sampleWeights: weights)
            let label = "\(c["data"]!) C=\(options.C) \(c["class_weight"]!) weights=\(weights != nil) standardized=\(options.standardize)"
            let ours = model.coefficients + [model.intercept]
            let exact = LinearGolden.doubles(c["newton_coef"]) + [LinearGolden.number(c["newton_intercept"])]
            let sklearn = LinearGolden.doubles(c["coef"]) + [LinearGolden.number(c["intercept"])]
            #expect(LinearGolden.relativeDifference(ours, exact) < exactTolerance, "\(label)")
            #expect(LinearGolden.relativeDifference(ours, sklearn) < LinearGolden.number(c["tolerance_vs_sklearn"]), "\(label)")

            let probes = set.data.features.rows(set.probeRows)
            let probeTolerance = LinearGolden.number(c["probe_tolerance"])
            #expect(LinearGolden.maxAbsoluteDifference(model.decisionValues(probes), LinearGolden.doubles(c["probe_decision"]))
                    < probeTolerance, "\(label)")
            #expect(LinearGolden.maxAbsoluteDifference(model.probabilities(probes), LinearGolden.doubles(c["probe_proba"]))
                    < probeTolerance, "\(label)")
        }
    }

    @Test("LinearSVM coefficients and decision values match LinearSVC (primal, squared hinge, penalised intercept)")
    func svmMatchesLinearSVC() throws {
        let golden = try LinearGolden()
        let exactTolerance = LinearGolden.number(golden.tolerance["vs_newton"])
        #expect(golden.svmCases.count == 24)
        for c in golden.svmCases {
            let set = try #require(golden.dataSets[c["data"] as! String])
            let options = LinearSVM.Options(C: LinearGolden.number(c["C"]),
                                            classWeighting: LinearGolden.weighting(c["class_weight"]),
                                            standardize: c["standardized"] as! Bool)
            let model = try LinearSVM.fit(set.data, options: options)
            let label = "\(c["data"]!) C=\(options.C) \(c["class_weight"]!) standardized=\(options.standardize)"
            let ours = model.coefficients + [model.intercept]
            let exact = LinearGolden.doubles(c["newton_coef"]) + [LinearGolden.number(c["newton_intercept"])]
            let sklearn = LinearGolden.doubles(c["coef"]) + [LinearGolden.number(c["intercept"])]
            #expect(LinearGolden.relativeDifference(ours, exact) < exactTolerance, "\(label)")
            #expect(LinearGolden.relativeDifference(ours, sklearn) < LinearGolden.number(c["tolerance_vs_sklearn"]), "\(label)")
            let probes = set.data.features.rows(set.probeRows)
            #expect(LinearGolden.maxAbsoluteDifference(model.decisionValues(probes), LinearGolden.doubles(c["probe_decision"]))
                    < LinearGolden.number(c["probe_tolerance"]), "\(label)")
        }
    }
}
