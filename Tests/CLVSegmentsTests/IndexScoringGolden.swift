import CLVSegments
import Foundation
import Testing
import _CLVTestSupport

/// Tests/CLVSegmentsTests/Golden/index_scoring.json, written by Scripts/golden/index_scoring_reference.py
/// (numpy.linalg.eig eigenvectors, scipy.special.xlogy entropies, scipy.stats.rankdata ranks).
struct IndexScoringGolden {
    let json: [String: Any]
    let relative: Double
    let absolute: Double

    init() throws {
        let url = try #require(Bundle.module.url(forResource: "index_scoring", withExtension: "json", subdirectory: "Golden"))
        json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let tolerance = json["tolerance"] as? [String: Any] ?? [:]
        relative = try #require((tolerance["relative"] as? NSNumber)?.doubleValue)
        absolute = try #require((tolerance["absolute"] as? NSNumber)?.doubleValue)
    }

    /// The cases of a section ("ahp", "entropy", "composite").
    func cases(_ section: String) -> [[String: Any]] { json[section] as? [[String: Any]] ?? [] }

    func namedCase(_ section: String, _ name: String) throws -> [String: Any] {
        try #require(cases(section).first { $0["name"] as? String == name })
    }

    /// Whether every pair agrees within the golden tolerance (and the lengths match).
    func agree(_ actual: [Double], _ expected: [Double]) -> Bool {
        actual.count == expected.count && zip(actual, expected).allSatisfy {
            isClose($0, $1, relative: relative, absolute: absolute)
        }
    }

    func agree(_ actual: Double, _ expected: Double) -> Bool {
        isClose(actual, expected, relative: relative, absolute: absolute)
    }
}

extension IndexScoringGolden {
    static func numbers(_ value: Any?) -> [Double] { (value as? [NSNumber] ?? []).map(\.doubleValue) }
    static func matrix(_ value: Any?) -> [[Double]] { (value as? [[NSNumber]] ?? []).map { $0.map(\.doubleValue) } }
    static func number(_ value: Any?) -> Double { (value as? NSNumber)?.doubleValue ?? .nan }

    /// The IndicatorTable of a golden case's "table" object.
    static func table(_ object: Any?) throws -> IndicatorTable {
        let table = try #require(object as? [String: Any])
        let indicators = try #require(table["indicators"] as? [[String: Any]]).map { spec in
            Indicator(spec["name"] as? String ?? "",
                      direction: IndicatorDirection(rawValue: spec["direction"] as? String ?? "") ?? .benefit,
                      givenWeight: (spec["given_weight"] as? NSNumber)?.doubleValue)
        }
        return try IndicatorTable(indicators: indicators, entities: table["entities"] as? [String] ?? [],
                                  values: matrix(table["values"]))
    }

    /// The PairwiseComparisonMatrix of a golden AHP case.
    static func comparisonMatrix(_ ahpCase: [String: Any]) throws -> PairwiseComparisonMatrix {
        try PairwiseComparisonMatrix(names: ahpCase["criteria"] as? [String] ?? [],
                                     upperTriangle: matrix(ahpCase["upper_triangle"]))
    }
}

extension IndexScoringGolden: CustomTestStringConvertible {
    /// Keeps failure messages to the compared values rather than the whole file.
    var testDescription: String { "index_scoring.json (relative \(relative), absolute \(absolute))" }
}

/// Whether `actual` is within `tolerance` of `printed` for every element (for values printed in the literature).
func matchesPrinted(_ actual: [Double], _ printed: [Double], tolerance: Double) -> Bool {
    actual.count == printed.count && zip(actual, printed).allSatisfy { abs($0 - $1) <= tolerance }
}
