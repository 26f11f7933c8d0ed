import CLVSegments
import Testing

@Suite("Indicator tables and standardization")
struct IndexScoringStandardizationTests {
    static let indicators = [Indicator("revenue"), Indicator("days outstanding", direction: .cost), Indicator("flat")]
    static func table(_ values: [[Double]]) throws -> IndicatorTable {
        try IndicatorTable(indicators: indicators, entities: values.indices.map { "e\($0 + 1)" }, values: values)
    }

    @Test("min–max: benefit (x − min)/(max − min), cost (max − x)/(max − min), constant 0")
    func minMaxByHand() throws {
        let x = try IndicatorStandardization.minMax.standardize(Self.table([[2, 10, 5], [4, 30, 5], [6, 20, 5]]))
        #expect(x == [[0, 1, 0], [0.5, 0, 0], [1, 0.5, 0]])
    }

    @Test("z-score: sample standard deviation, cost negated, constant 0")
    func zScoreByHand() throws {
        // mean 2, sample sd 1 for (1, 2, 3); mean 20, sample sd 10 for (10, 20, 30).
        let z = try IndicatorStandardization.zScore.standardize(Self.table([[1, 10, 5], [2, 20, 5], [3, 30, 5]]))
        #expect(z == [[-1, 1, 0], [0, 0, 0], [1, -1, 0]])
    }

    @Test("proportion: x / Σx, direction not applied")
    func proportionByHand() throws {
        let p = try IndicatorStandardization.proportion.standardize(Self.table([[1, 2, 5], [3, 6, 5]]))
        #expect(p == [[0.25, 0.25, 0.5], [0.75, 0.75, 0.5]])
    }

    @Test("all three variants agree with numpy to 1e-9 on the B2B table")
    func agreesWithNumpy() throws {
        let golden = try IndexScoringGolden()
        let expected = try #require(golden.json["standardization"] as? [String: Any])
        let table = try IndexScoringGolden.table(expected["table"])
        for variant in IndicatorStandardization.allCases {
            let actual = try variant.standardize(table)
            let reference = IndexScoringGolden.matrix(expected[variant.rawValue])
            #expect(reference.count == actual.count)
            for (row, referenceRow) in zip(actual, reference) {
                #expect(golden.agree(row, referenceRow), "\(variant)")
            }
        }
    }

    @Test("variant domains: z-score needs 2 entities, proportions need values ≥ 0 and a positive sum")
    func variantChecks() throws {
        #expect(throws: IndexScoringError.tooFewEntities(count: 1, required: 2, method: "z-score standardization")) {
            try IndicatorStandardization.zScore.standardize(Self.table([[1, 2, 3]]))
        }
        #expect(throws: IndexScoringError.negativeValue(indicator: "days outstanding", entity: "e2", value: -4,
                                                        method: "the proportion form")) {
            try IndicatorStandardization.proportion.standardize(Self.table([[1, 2, 3], [1, -4, 3]]))
        }
        #expect(throws: IndexScoringError.zeroColumnSum(indicator: "flat")) {
            try IndicatorStandardization.proportion.standardize(Self.table([[1, 2, 0], [1, 4, 0]]))
        }
    }

    @Test("the table names the indicator and entity of a bad value or shape")
    func tableChecks() throws {
        #expect(throws: IndexScoringError.nonFiniteValue(indicator: "days outstanding", entity: "e2", value: .infinity)) {
            try Self.table([[1, 2, 3], [1, .infinity, 3]])
        }
        #expect(throws: IndexScoringError.rowLengthMismatch(entity: "e1", count: 2, expected: 3)) {
            try Self.table([[1, 2]])
        }
        #expect(throws: IndexScoringError.rowCountMismatch(rows: 1, entities: 2)) {
            try IndicatorTable(indicators: Self.indicators, entities: ["a", "b"], values: [[1, 2, 3]])
        }
        #expect(throws: IndexScoringError.duplicateEntity(id: "a")) {
            try IndicatorTable(indicators: Self.indicators, entities: ["a", "a"], values: [[1, 2, 3], [1, 2, 3]])
        }
        #expect(throws: IndexScoringError.duplicateIndicator(name: "x")) {
            try IndicatorTable(indicators: [Indicator("x"), Indicator("x")], entities: ["a"], values: [[1, 2]])
        }
        #expect(throws: IndexScoringError.invalidGivenWeight(indicator: "x", value: -1)) {
            try IndicatorTable(indicators: [Indicator("x", givenWeight: -1)], entities: ["a"], values: [[1]])
        }
        #expect(throws: IndexScoringError.noIndicators) {
            try IndicatorTable(indicators: [], entities: [], values: [])
        }
        let nan = IndexScoringError.nonFiniteValue(indicator: "revenue", entity: "ACME", value: .nan).description
        #expect(nan.contains("'revenue'") && nan.contains("'ACME'"))
    }
}
