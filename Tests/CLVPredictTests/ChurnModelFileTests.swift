import CLVCore
import CLVNumerics
import CLVPredict
import Foundation
import Testing

@Suite("Churn model files: the library's format, read back exactly")
struct ChurnModelFileTests {
    static func data(seed: UInt64) throws -> LabeledData {
        var rng = Xoshiro256(seed: seed)
        var values: [Double] = [], labels: [UInt8] = []
        for _ in 0..<400 {
            let a = rng.nextOpenUnit() * 4 - 2, b = rng.nextOpenUnit() * 4 - 2
            values += [a, b]
            labels.append(a + 0.5 * b + (rng.nextOpenUnit() - 0.5) > 0 ? 1 : 0)
        }
        return try LabeledData(features: FeatureTable(names: ["recency_days", "orders"], values: values), labels: labels)
    }

    static func header(_ kind: ClassifierKind) -> ChurnModelHeader {
        ChurnModelHeader(classifier: kind, target: .churn, horizonDays: 273, trendDays: 90, maxChannels: 5, modelScores: nil,
                         features: ["recency_days", "orders"], trainingCutoffs: ["2024-06-30"], trainingRows: 400, trainingPositives: 200)
    }

    @Test("every classifier: encoded, decoded, the same probabilities", arguments: ClassifierKind.allCases)
    func roundTrip(_ kind: ClassifierKind) throws {
        let training = try Self.data(seed: 3)
        let classifier = try kind.train(training, seed: 1, balanced: false)
        let saved = ChurnModel(header: Self.header(kind), classifier: classifier)
        let data = try saved.encoded()
        let text = try #require(String(data: data, encoding: .utf8))
        #expect(text.contains("\"format\" : \"clvkit-churn-model\""))
        #expect(text.contains("\"training_rows\""), "snake_case keys")
        let read = try ChurnModel.decode(data, name: "churn.json")
        #expect(read.header.classifier == kind)
        #expect(read.header.features == ["recency_days", "orders"])
        let test = try Self.data(seed: 4).features
        #expect(read.classifier.probabilities(test) == classifier.probabilities(test))
    }

    @Test("files that are not churn models, or of another version, are refused with the file named")
    func refused() throws {
        let saved = ChurnModel(header: Self.header(.logistic), classifier: try ClassifierKind.logistic.train(Self.data(seed: 3), seed: 1, balanced: false))
        var json = try JSONSerialization.jsonObject(with: saved.encoded()) as! [String: Any]
        var header = json["header"] as! [String: Any]
        header["version"] = 99
        json["header"] = header
        let newer = try JSONSerialization.data(withJSONObject: json)
        #expect(throws: PredictionError.self) { try ChurnModel.decode(newer, name: "newer.json") }
        let e = #expect(throws: PredictionError.self) { try ChurnModel.decode(Data("{}".utf8), name: "empty.json") }
        #expect(e?.description.contains("empty.json is not a CLVKit churn model") == true)
        #expect(e?.category.exitCode == 65)
        json["header"] = (json["header"] as! [String: Any]).merging(["version": 1]) { $1 }
        json["model"] = ["weights": "oops"]
        #expect(throws: PredictionError.self) { try ChurnModel.decode(JSONSerialization.data(withJSONObject: json), name: "broken.json") }
    }
}
