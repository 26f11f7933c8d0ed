import CLVPredict
import Foundation
import Testing

/// Tests/CLVPredictTests/Golden/trees.json, written by Scripts/golden/predict_trees_reference.py.
struct TreesGolden {
    let json: [String: Any]

    init() throws {
        let url = try #require(Bundle.module.url(forResource: "trees", withExtension: "json", subdirectory: "Golden"))
        json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// The shared churn-like data set.
    var churn: [String: Any] { (json["datasets"] as! [String: Any])["churn"] as! [String: Any] }

    func cases(_ section: String) -> [[String: Any]] { json[section] as? [[String: Any]] ?? [] }

    func namedCase(_ section: String, _ name: String) throws -> [String: Any] {
        try #require(cases(section).first { $0["name"] as? String == name }, "no case \(name) in \(section)")
    }

    var churnNames: [String] { churn["features"] as! [String] }

    /// The churn training rows with their labels.
    func churnData() throws -> LabeledData {
        try LabeledData(features: FeatureTable(names: churnNames, rows: treeMatrix(churn["X"])),
                        labels: treeInts(churn["y"]).map(UInt8.init))
    }

    var churnSampleWeights: [Double] { treeDoubles(churn["sample_weight"]) }
}

func treeDoubles(_ any: Any?) -> [Double] { (any as? [NSNumber] ?? []).map(\.doubleValue) }
func treeInts(_ any: Any?) -> [Int] { (any as? [NSNumber] ?? []).map(\.intValue) }
func treeMatrix(_ any: Any?) -> [[Double]] { (any as? [[NSNumber]] ?? []).map { $0.map(\.doubleValue) } }

/// The largest |a − b|, or infinity when the lengths differ.
func treeMaxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// A `max_depth` that may be JSON null.
func treeOptionalInt(_ any: Any?) -> Int? { (any as? NSNumber)?.intValue }
