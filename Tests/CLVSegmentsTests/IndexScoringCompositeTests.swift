import CLVNumerics
import CLVSegments
import Testing

@Suite("Composite index scores and ranks")
struct IndexScoringCompositeTests {
    static func weighting(_ compositeCase: [String: Any], golden: IndexScoringGolden) throws -> IndicatorWeighting {
        let method = AHPPriorities.Method(rawValue: compositeCase["method"] as? String ?? "") ?? .principalEigenvector
        let matrix = { () throws -> PairwiseComparisonMatrix in
            try IndexScoringGolden.comparisonMatrix(golden.namedCase("ahp", compositeCase["matrix"] as? String ?? ""))
        }
        switch compositeCase["weighting"] as? String {
        case "given": return .given
        case "entropy": return .entropy()
        case "ahp": return .ahp(try matrix(), method: method)
        case "entropyAHP": return .entropyAHP(try matrix(), method: method)
        default: throw IndexScoringError.noIndicators
        }
    }

    static func b2bTable() throws -> IndicatorTable {
        let golden = try IndexScoringGolden()
        let standardization = try #require(golden.json["standardization"] as? [String: Any])
        return try IndexScoringGolden.table(standardization["table"])
    }

    @Test("weights, standardized values, scores and ranks agree with numpy for every weighting")
    func agreesWithNumpy() throws {
        let golden = try IndexScoringGolden()
        let table = try Self.b2bTable()
        let cases = golden.cases("composite")
        #expect(cases.count == 5)
        for compositeCase in cases {
            let name = compositeCase["name"] as? String ?? "?"
            let index = try CompositeIndex(table, weighting: Self.weighting(compositeCase, golden: golden))
            #expect(golden.agree(index.weights, IndexScoringGolden.numbers(compositeCase["weights"])), "\(name) weights")
            #expect(golden.agree(index.scores, IndexScoringGolden.numbers(compositeCase["scores"])), "\(name) scores")
            #expect(index.ranks == IndexScoringGolden.numbers(compositeCase["ranks"]).map { Int($0) }, "\(name) ranks")
            for (row, reference) in zip(index.standardized, IndexScoringGolden.matrix(compositeCase["standardized"])) {
                #expect(golden.agree(row, reference), "\(name) standardized")
            }
        }
    }

    @Test("contributions add up to the score, scores lie in 0…100, the ranking is ordered", arguments: ["given", "entropy", "ahp"])
    func contributionsAddUp(weighting name: String) throws {
        let golden = try IndexScoringGolden()
        let compositeCase = try #require(golden.cases("composite").first { $0["weighting"] as? String == name })
        let index = try CompositeIndex(Self.b2bTable(), weighting: Self.weighting(compositeCase, golden: golden))
        #expect(abs(index.weights.reduce(0, +) - 1) <= 1e-12)
        for entry in index.ranking {
            let i = try #require(index.entities.firstIndex(of: entry.entity))
            #expect(abs(entry.contributions.reduce(0, +) - entry.score) <= 1e-9)
            #expect(entry.score == index.scores[i] && entry.rank == index.ranks[i])
            #expect((0...100).contains(entry.score))
        }
        #expect(index.ranking.map(\.rank) == index.ranking.map(\.rank).sorted())
        #expect(zip(index.ranking, index.ranking.dropFirst()).allSatisfy { $0.score >= $1.score })
    }

    @Test("given weights may be on any scale: they are normalised to sum 1")
    func givenWeightsAreNormalised() throws {
        let table = try Self.b2bTable()
        let scaled = try IndicatorTable(
            indicators: table.indicators.map { Indicator($0.name, direction: $0.direction, givenWeight: $0.givenWeight.map { $0 * 40 }) },
            entities: table.entities, values: table.values)
        let index = try CompositeIndex(table, weighting: .given)
        let rescaled = try CompositeIndex(scaled, weighting: .given)
        #expect(matchesPrinted(rescaled.weights, index.weights, tolerance: 1e-15))
        #expect(matchesPrinted(rescaled.scores, index.scores, tolerance: 1e-12))
    }

    @Test("tied entities share the smallest rank and the next rank skips (1, 2, 2, 4)")
    func tiesShareTheMinimumRank() throws {
        let table = try IndicatorTable(indicators: [Indicator("x", givenWeight: 1)], entities: ["a", "b", "c", "d", "e"],
                                       values: [[5], [3], [9], [3], [1]])
        let index = try CompositeIndex(table, weighting: .given)
        #expect(index.ranks == [2, 3, 1, 3, 5])
        #expect(index.scores == [50, 25, 100, 25, 0])
        #expect(index.ranking.map(\.entity) == ["c", "a", "b", "d", "e"])
        // In the B2B table C05 repeats C01: they tie under every weighting.
        let b2b = try CompositeIndex(Self.b2bTable(), weighting: .entropy())
        #expect(b2b.ranks[0] == b2b.ranks[4])
    }

    @Test("turning benefit indicators into cost indicators reverses the ranking")
    func costIndicatorsReverseTheRanking() throws {
        let table = try Self.b2bTable()
        let flipped = try IndicatorTable(
            indicators: table.indicators.map {
                Indicator($0.name, direction: $0.direction == .benefit ? .cost : .benefit, givenWeight: $0.givenWeight)
            },
            entities: table.entities, values: table.values)
        let index = try CompositeIndex(table, weighting: .given)
        let reversed = try CompositeIndex(flipped, weighting: .given)
        for i in table.entities.indices {
            #expect(abs(index.scores[i] + reversed.scores[i] - 100) <= 1e-9)
            for j in table.entities.indices where index.scores[i] > index.scores[j] + 1e-9 {
                #expect(reversed.ranks[i] > reversed.ranks[j])
            }
        }
        // One indicator: the best benefit entity is the worst cost entity.
        var rng = Xoshiro256(seed: 5)
        let values = (0..<20).map { _ in [rng.nextOpenUnit() * 1000] }
        let ids = values.indices.map { "e\($0)" }
        let benefit = try CompositeIndex(IndicatorTable(indicators: [Indicator("v", givenWeight: 1)], entities: ids,
                                                        values: values), weighting: .given)
        let cost = try CompositeIndex(IndicatorTable(indicators: [Indicator("v", direction: .cost, givenWeight: 1)],
                                                     entities: ids, values: values), weighting: .given)
        #expect(benefit.ranking.map(\.entity) == cost.ranking.map(\.entity).reversed())
    }

    @Test("a constant indicator gets no entropy weight and contributes nothing")
    func constantIndicatorContributesNothing() throws {
        let table = try IndicatorTable(indicators: [Indicator("revenue"), Indicator("contract tier"), Indicator("dso", direction: .cost)],
                                       entities: ["a", "b", "c"], values: [[100, 2, 30], [250, 2, 45], [180, 2, 20]])
        let index = try CompositeIndex(table, weighting: .entropy())
        #expect(index.weights[1] == 0)
        #expect(index.ranking.allSatisfy { $0.contributions[1] == 0 })
        #expect(index.entropy?.weights == index.weights)
        #expect(index.ahp == nil)
    }

    @Test("combined entropy × AHP weights are the normalised products of the two")
    func combinedWeightsAreNormalisedProducts() throws {
        let golden = try IndexScoringGolden()
        let matrix = try IndexScoringGolden.comparisonMatrix(golden.namedCase("ahp", "b2b_criteria"))
        let index = try CompositeIndex(Self.b2bTable(), weighting: .entropyAHP(matrix))
        let entropy = try #require(index.entropy)
        let ahp = try #require(index.ahp)
        let products = index.indicators.enumerated().map { entropy.weights[$0.offset] * ahp.weight(of: $0.element.name)! }
        let total = products.reduce(0, +)
        #expect(matchesPrinted(index.weights, products.map { $0 / total }, tolerance: 1e-15))
    }

    @Test("the comparison matrix may list the indicators in any order: weights follow the names")
    func matrixOrderDoesNotMatter() throws {
        let golden = try IndexScoringGolden()
        let matrix = try IndexScoringGolden.comparisonMatrix(golden.namedCase("ahp", "b2b_criteria"))
        let order = [3, 0, 4, 2, 1]
        let permuted = try PairwiseComparisonMatrix(names: order.map { matrix.names[$0] },
                                                    entries: order.map { i in order.map { j in matrix.entries[i][j] } })
        let table = try Self.b2bTable()
        let reference = try CompositeIndex(table, weighting: .ahp(matrix))
        let index = try CompositeIndex(table, weighting: .ahp(permuted))
        #expect(matchesPrinted(index.weights, reference.weights, tolerance: 1e-12))
        #expect(index.ranks == reference.ranks)
        #expect(index.ahp?.names == permuted.names)
    }

    @Test("weighting errors name the indicator, the mismatched criteria or the judgment to revise")
    func weightingChecks() throws {
        let partial = try IndicatorTable(indicators: [Indicator("a", givenWeight: 1), Indicator("b")], entities: ["x", "y"],
                                         values: [[1, 2], [3, 4]])
        #expect(throws: IndexScoringError.missingGivenWeight(indicator: "b")) {
            try CompositeIndex(partial, weighting: .given)
        }
        let zero = try IndicatorTable(indicators: [Indicator("a", givenWeight: 0), Indicator("b", givenWeight: 0)],
                                      entities: ["x"], values: [[1, 2]])
        #expect(throws: IndexScoringError.zeroWeightSum(method: "given")) {
            try CompositeIndex(zero, weighting: .given)
        }
        let matrix = try PairwiseComparisonMatrix(names: ["a", "c"], upperTriangle: [[2]])
        #expect(throws: IndexScoringError.criteriaMismatch(missing: ["b"], unknown: ["c"])) {
            try CompositeIndex(partial, weighting: .ahp(matrix))
        }
        // Saaty's house matrix (CR 0.169) over an 8-indicator table: rejected at 0.10, accepted at 0.20.
        let house = try PairwiseComparisonMatrix(names: IndexScoringAHPTests.houseCriteria,
                                                 upperTriangle: IndexScoringAHPTests.houseJudgments)
        var rng = Xoshiro256(seed: 11)
        let houses = try IndicatorTable(indicators: IndexScoringAHPTests.houseCriteria.map { Indicator($0) },
                                        entities: ["A", "B", "C"],
                                        values: (0..<3).map { _ in (0..<8).map { _ in rng.nextOpenUnit() } })
        #expect {
            try CompositeIndex(houses, weighting: .ahp(house))
        } throws: { error in
            guard case IndexScoringError.inconsistentMatrix(_, 0.10, "neighborhood", "condition", 2, 6, 6, _) = error else {
                return false
            }
            return true
        }
        let lenient = try CompositeIndex(houses, weighting: .ahp(house), consistencyThreshold: 0.2)
        #expect(lenient.ahp?.isAcceptablyConsistent == true)
        #expect(lenient.weights == IndexScoringAHPTests.houseCriteria.map { lenient.ahp!.weight(of: $0)! })
    }
}
