import CLVSegments
import Testing

@Suite("Entropy weights")
struct IndexScoringEntropyTests {
    static func table(_ values: [[Double]], directions: [IndicatorDirection]? = nil) throws -> IndicatorTable {
        let directions = directions ?? values[0].map { _ in .benefit }
        return try IndicatorTable(indicators: directions.enumerated().map { Indicator("c\($0.offset + 1)", direction: $0.element) },
                                  entities: values.indices.map { "e\($0 + 1)" }, values: values)
    }

    /// Xu, X. (2004). A note on the subjective and objective integrated approach to determine attribute weights.
    /// *European Journal of Operational Research* 156(2), 530–532: the numerical example's 4 × 4 decision matrix
    /// and its entropy weights, printed to 4 decimals (the proportions are taken of the raw values).
    @Test("Xu (2004) numerical example: weights as printed to 4 decimals")
    func xuExampleMatchesXu2004() throws {
        let data = try Self.table([[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]])
        let entropy = try EntropyWeights(data, basis: .raw)
        #expect(matchesPrinted(entropy.weights, [0.4630, 0.3992, 0.1378, 0.0000], tolerance: 0.00005), "\(entropy.weights)")
    }

    /// Zavadskas, E. K. & Podvezko, V. (2016). Integrated determination of objective criteria weights in MCDM.
    /// *International Journal of Information Technology & Decision Making* 15(2), 267–283: the 4 × 4 example
    /// (criteria 1 and 3 minimised) and its entropy weights, printed to 4 decimals. The entropy is taken of the
    /// raw values, as there.
    @Test("Zavadskas & Podvezko (2016) example: weights as printed to 4 decimals")
    func zavadskasExampleMatchesZavadskasPodvezko2016() throws {
        let data = try Self.table([[3.0, 100, 10, 7], [2.5, 80, 8, 5], [1.8, 50, 20, 11], [2.2, 70, 12, 9]],
                                  directions: [.cost, .benefit, .cost, .benefit])
        let entropy = try EntropyWeights(data, basis: .raw)
        #expect(matchesPrinted(entropy.weights, [0.1146, 0.1981, 0.4185, 0.2689], tolerance: 0.00005), "\(entropy.weights)")
    }

    @Test("entropies, divergences and weights agree with numpy to 1e-9 for every basis")
    func agreesWithNumpy() throws {
        let golden = try IndexScoringGolden()
        let cases = golden.cases("entropy")
        #expect(cases.count == 6)
        for entropyCase in cases {
            let name = entropyCase["name"] as? String ?? "?"
            let basis: EntropyWeights.Basis
            switch entropyCase["basis"] as? String {
            case "raw": basis = .raw
            case "shiftedMinMax": basis = .shiftedMinMax(epsilon: IndexScoringGolden.number(entropyCase["epsilon"]))
            default: basis = .minMax
            }
            let entropy = try EntropyWeights(IndexScoringGolden.table(entropyCase["table"]), basis: basis)
            #expect(golden.agree(entropy.entropies, IndexScoringGolden.numbers(entropyCase["entropies"])), "\(name) e")
            #expect(golden.agree(entropy.divergences, IndexScoringGolden.numbers(entropyCase["divergences"])), "\(name) d")
            #expect(golden.agree(entropy.weights, IndexScoringGolden.numbers(entropyCase["weights"])), "\(name) w")
        }
    }

    @Test("a constant indicator gets weight 0 exactly, whatever the basis; the weights sum to 1")
    func constantIndicatorGetsNoWeight() throws {
        // Three entities and 0.1: the shares 0.1 / 0.30000000000000004 do not round to an entropy of exactly 1.
        let data = try Self.table([[3, 0.1, 10, 0], [5, 0.1, 12, 4], [9, 0.1, 11, 2]],
                                  directions: [.benefit, .benefit, .cost, .benefit])
        for basis in [EntropyWeights.Basis.minMax, .shiftedMinMax(epsilon: 0.01), .raw] {
            let entropy = try EntropyWeights(data, basis: basis)
            #expect(entropy.weights[1] == 0 && entropy.entropies[1] == 1, "\(basis)")
            #expect(abs(entropy.weights.reduce(0, +) - 1) <= 1e-12, "\(basis)")
            #expect(entropy.weights.allSatisfy { $0.isFinite && $0 >= 0 }, "\(basis)")
            #expect(entropy.entropies.allSatisfy { $0 >= 0 && $0 <= 1 }, "\(basis)")
        }
    }

    @Test("p = 0 contributes 0: a column with one non-zero value has entropy 0 and takes all the weight")
    func zeroProportionsContributeNothing() throws {
        let data = try Self.table([[0, 1], [0, 2], [5, 3]])
        let entropy = try EntropyWeights(data, basis: .raw)
        #expect(entropy.entropies[0] == 0)
        #expect(entropy.weights[0] > entropy.weights[1])
        #expect(entropy.weights.allSatisfy { $0.isFinite })
    }

    @Test("the entropy method needs two entities, non-negative raw values, a positive epsilon and some variation")
    func inputChecks() throws {
        #expect(throws: IndexScoringError.tooFewEntities(count: 1, required: 2, method: "The entropy weight method")) {
            try EntropyWeights(Self.table([[1, 2]]))
        }
        #expect(throws: IndexScoringError.negativeValue(indicator: "c2", entity: "e2", value: -1,
                                                        method: "the entropy weight method on raw values")) {
            try EntropyWeights(Self.table([[1, 2], [3, -1]]), basis: .raw)
        }
        // Min–max values are never negative, so the same table is fine on that basis.
        #expect(throws: Never.self) { try EntropyWeights(Self.table([[1, 2], [3, -1]])) }
        #expect(throws: IndexScoringError.invalidOption(name: "epsilon", value: 0, requirement: "finite and > 0")) {
            try EntropyWeights(Self.table([[1, 2], [3, 1]]), basis: .shiftedMinMax(epsilon: 0))
        }
        #expect(throws: IndexScoringError.noInformation) {
            try EntropyWeights(Self.table([[1, 2], [1, 2], [1, 2]]))
        }
    }
}
