import CLVPredict
import Testing

@Test func featureTableChecksShapeAndValues() throws {
    let t = try FeatureTable(names: ["a", "b"], rows: [[1, 2], [3, 4], [5, 6]])
    #expect(t.rowCount == 3 && t[1, 1] == 4 && t.column(0) == [1, 3, 5] && t.rows([2, 0]).values == [5, 6, 1, 2])
    #expect(throws: PredictionError.nonFinite(column: "b", row: 1)) { try FeatureTable(names: ["a", "b"], values: [1, 2, 3, .nan]) }
    #expect(throws: PredictionError.self) { try LabeledData(features: t, labels: [0, 1]) }
}
