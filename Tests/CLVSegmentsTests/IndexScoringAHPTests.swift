import CLVNumerics
import CLVSegments
import Testing

@Suite("AHP priorities and consistency")
struct IndexScoringAHPTests {
    /// Saaty, T. L. (1990). How to make a decision: The Analytic Hierarchy Process. *European Journal of Operational
    /// Research* 48(1), 9–26: the house-buying example, the family's comparisons of the eight criteria (the same
    /// example as in Saaty (1980), *The Analytic Hierarchy Process*). Printed: priorities to 3 decimals,
    /// λmax = 9.669, C.I. = 0.238, C.R. = 0.169.
    static let houseCriteria = ["size", "transportation", "neighborhood", "age", "yard", "modern facilities",
                                "condition", "financing"]
    static let houseJudgments: [[Double]] = [
        [5, 3, 7, 6, 6, 1.0 / 3, 1.0 / 4],
        [1.0 / 3, 5, 3, 3, 1.0 / 5, 1.0 / 7],
        [6, 3, 4, 6, 1.0 / 5],
        [1.0 / 3, 1.0 / 4, 1.0 / 7, 1.0 / 8],
        [1.0 / 2, 1.0 / 5, 1.0 / 6],
        [1.0 / 5, 1.0 / 6],
        [1.0 / 2],
    ]

    /// Saaty, T. L. (2008). Decision making with the analytic hierarchy process. *Int. J. Services Sciences* 1(1),
    /// 83–98: "Which drink is consumed more in the U.S.?", the estimation-by-judgment example. Printed: the derived
    /// priorities to 3 decimals.
    static let drinks = ["coffee", "wine", "tea", "beer", "sodas", "milk", "water"]
    static let drinkJudgments: [[Double]] = [
        [9, 5, 2, 1, 1, 1.0 / 2],
        [1.0 / 3, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9],
        [1.0 / 3, 1.0 / 4, 1.0 / 3, 1.0 / 9],
        [1.0 / 2, 1, 1.0 / 3],
        [2, 1.0 / 2],
        [1.0 / 3],
    ]
    /// Half a unit in the third decimal: the precision the papers print.
    static let printedTolerance = 0.0005

    @Test("Saaty (1990) house example: priorities, λmax, CI and CR as printed")
    func houseExampleMatchesSaaty1990() throws {
        let matrix = try PairwiseComparisonMatrix(names: Self.houseCriteria, upperTriangle: Self.houseJudgments)
        let ahp = try AHPPriorities(matrix)
        #expect(matchesPrinted(ahp.weights, [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333],
                               tolerance: Self.printedTolerance), "\(ahp.weights)")
        #expect(abs(ahp.lambdaMax - 9.669) <= Self.printedTolerance, "λmax \(ahp.lambdaMax)")
        #expect(abs(ahp.consistencyIndex - 0.238) <= Self.printedTolerance, "CI \(ahp.consistencyIndex)")
        #expect(abs(ahp.consistencyRatio - 0.169) <= Self.printedTolerance, "CR \(ahp.consistencyRatio)")
        #expect(ahp.randomIndex == 1.41)
        #expect(!ahp.isAcceptablyConsistent)
    }

    @Test("Saaty (2008) drink example: priorities as printed, and acceptably consistent")
    func drinkExampleMatchesSaaty2008() throws {
        let matrix = try PairwiseComparisonMatrix(names: Self.drinks, upperTriangle: Self.drinkJudgments)
        let ahp = try AHPPriorities(matrix)
        #expect(matchesPrinted(ahp.weights, [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327],
                               tolerance: Self.printedTolerance), "\(ahp.weights)")
        #expect(ahp.isAcceptablyConsistent)
        #expect(ahp.weight(of: "water") == ahp.weights[6])
    }

    @Test("eigenvector and geometric-mean weights, λmax, CI and CR agree with numpy to 1e-9")
    func agreesWithNumpy() throws {
        let golden = try IndexScoringGolden()
        let cases = golden.cases("ahp")
        #expect(cases.count == 4)
        for ahpCase in cases {
            let name = ahpCase["name"] as? String ?? "?"
            let matrix = try IndexScoringGolden.comparisonMatrix(ahpCase)
            for (method, key) in [(AHPPriorities.Method.principalEigenvector, "eigenvector"), (.geometricMean, "geometric_mean")] {
                let expected = try #require(ahpCase[key] as? [String: Any])
                let ahp = try AHPPriorities(matrix, method: method)
                #expect(golden.agree(ahp.weights, IndexScoringGolden.numbers(expected["weights"])), "\(name) \(key) weights")
                #expect(golden.agree(ahp.lambdaMax, IndexScoringGolden.number(expected["lambda_max"])), "\(name) \(key) λmax")
                #expect(golden.agree(ahp.consistencyIndex, IndexScoringGolden.number(expected["consistency_index"])),
                        "\(name) \(key) CI")
                #expect(golden.agree(ahp.consistencyRatio, IndexScoringGolden.number(expected["consistency_ratio"])),
                        "\(name) \(key) CR")
            }
        }
        #expect(IndexScoringGolden.numbers(golden.json["random_index"]) == AHPPriorities.saatyRandomIndex)
    }

    @Test("an inconsistent matrix is rejected, naming the judgment numpy finds furthest from the priorities")
    func inconsistentMatrixNamesTheWorstCell() throws {
        let golden = try IndexScoringGolden()
        let house = try golden.namedCase("ahp", "saaty1990_house")
        let worst = IndexScoringGolden.numbers((house["eigenvector"] as? [String: Any])?["worst_cell"]).map { Int($0) }
        let ahp = try AHPPriorities(IndexScoringGolden.comparisonMatrix(house))
        do {
            try ahp.requireAcceptableConsistency()
            Issue.record("CR \(ahp.consistencyRatio) was accepted")
        } catch let IndexScoringError.inconsistentMatrix(cr, threshold, row, column, i, j, judgment, _) {
            #expect([i, j] == worst)
            #expect(cr == ahp.consistencyRatio && threshold == 0.10)
            #expect((row, column, judgment) == ("neighborhood", "condition", 6))
            let message = "\(IndexScoringError.inconsistentMatrix(consistencyRatio: cr, threshold: threshold, row: row, column: column, rowIndex: i, columnIndex: j, judgment: judgment, priorityRatio: 1))"
            #expect(message.contains("a[3,7] (neighborhood vs condition) = 6.0"))
        }
        // The threshold is configurable: at 0.2 Saaty's matrix passes.
        try AHPPriorities(IndexScoringGolden.comparisonMatrix(house), consistencyThreshold: 0.2).requireAcceptableConsistency()
    }

    @Test("a consistent matrix aᵢⱼ = wᵢ/wⱼ gives back w, λmax = n and CR = 0", arguments: Array(1...15))
    func consistentMatrixGivesBackItsWeights(order n: Int) throws {
        var rng = Xoshiro256(seed: 20_250_105, stream: UInt64(n))
        let raw = (0..<n).map { _ in 0.05 + rng.nextOpenUnit() }
        let w = raw.map { $0 / raw.reduce(0, +) }
        let entries = w.map { wi in w.map { wj in wi / wj } }
        let matrix = try PairwiseComparisonMatrix(names: (0..<n).map { "c\($0)" }, entries: entries)
        for method in AHPPriorities.Method.allCases {
            let ahp = try AHPPriorities(matrix, method: method)
            #expect(matchesPrinted(ahp.weights, w, tolerance: 1e-12), "\(method)")
            #expect(abs(ahp.lambdaMax - Double(n)) <= 1e-10 * Double(n), "\(method) λmax \(ahp.lambdaMax)")
            #expect(abs(ahp.consistencyRatio) <= 1e-10, "\(method) CR \(ahp.consistencyRatio)")
            #expect(ahp.isAcceptablyConsistent)
        }
    }

    /// For n = 3 the row geometric mean is the principal eigenvector: Crawford, G. & Williams, C. (1985). A note on
    /// the analysis of subjective judgment matrices. *Journal of Mathematical Psychology* 29, 387–405.
    @Test("weights sum to 1 and are positive; for n = 3 the geometric mean equals the eigenvector")
    func weightsSumToOne() throws {
        var rng = Xoshiro256(seed: 77)
        let scale: [Double] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        for n in [3, 5, 9, 15] {
            for _ in 0..<5 {
                let upper = (0..<(n - 1)).map { i in
                    (0..<(n - 1 - i)).map { _ -> Double in
                        let v = scale[Int(rng.nextOpenUnit() * 9)]
                        return rng.nextOpenUnit() < 0.5 ? v : 1 / v
                    }
                }
                let matrix = try PairwiseComparisonMatrix(names: (0..<n).map { "c\($0)" }, upperTriangle: upper)
                let eigen = try AHPPriorities(matrix)
                let geometric = try AHPPriorities(matrix, method: .geometricMean)
                for ahp in [eigen, geometric] {
                    #expect(abs(ahp.weights.reduce(0, +) - 1) <= 1e-12)
                    #expect(ahp.weights.allSatisfy { $0 > 0 })
                    #expect(ahp.lambdaMax >= Double(n) - 1e-9)
                }
                if n == 3 { #expect(matchesPrinted(eigen.weights, geometric.weights, tolerance: 1e-12)) }
            }
        }
    }

    @Test("matrices of order 1 and 2 have CR 0 whatever the judgment")
    func smallMatricesAreConsistent() throws {
        let one = try AHPPriorities(PairwiseComparisonMatrix(names: ["only"], entries: [[1]]))
        #expect(one.weights == [1] && one.consistencyRatio == 0)
        let two = try AHPPriorities(PairwiseComparisonMatrix(names: ["a", "b"], upperTriangle: [[9]]))
        #expect(matchesPrinted(two.weights, [0.9, 0.1], tolerance: 1e-12))
        #expect(two.consistencyRatio == 0 && two.consistencyIndex == 0)
    }

    @Test("matrix checks name the row or cell at fault")
    func matrixChecks() {
        #expect(throws: IndexScoringError.nonReciprocal(row: "a", column: "b", rowIndex: 0, columnIndex: 1, value: 3,
                                                        transposed: 0.5)) {
            try PairwiseComparisonMatrix(names: ["a", "b"], entries: [[1, 3], [0.5, 1]])
        }
        #expect(throws: IndexScoringError.nonReciprocal(row: "b", column: "b", rowIndex: 1, columnIndex: 1, value: 2,
                                                        transposed: 2)) {
            try PairwiseComparisonMatrix(names: ["a", "b"], entries: [[1, 3], [1.0 / 3, 2]])
        }
        #expect(throws: IndexScoringError.nonPositiveJudgment(row: "b", column: "a", rowIndex: 1, columnIndex: 0,
                                                              value: -3)) {
            try PairwiseComparisonMatrix(names: ["a", "b"], entries: [[1, 3], [-3, 1]])
        }
        #expect(throws: IndexScoringError.nonPositiveJudgment(row: "a", column: "c", rowIndex: 0, columnIndex: 2,
                                                              value: .infinity)) {
            try PairwiseComparisonMatrix(names: ["a", "b", "c"], upperTriangle: [[2, .infinity], [1]])
        }
        #expect(throws: IndexScoringError.matrixNotSquare(row: "b", count: 3, expected: 2)) {
            try PairwiseComparisonMatrix(names: ["a", "b"], entries: [[1, 3], [1.0 / 3, 1, 1]])
        }
        #expect(throws: IndexScoringError.matrixNotSquare(row: "a", count: 2, expected: 3)) {
            try PairwiseComparisonMatrix(names: ["a", "b", "c"], upperTriangle: [[2], [3]])
        }
        #expect(throws: Never.self) {
            try PairwiseComparisonMatrix(names: ["a", "b", "c"], upperTriangle: [[2, 3], [4], []])
        }
        #expect(throws: IndexScoringError.matrixRowCount(rows: 1, names: 2)) {
            try PairwiseComparisonMatrix(names: ["a", "b"], entries: [[1, 3]])
        }
        #expect(throws: IndexScoringError.matrixOrder(order: 16, maximum: 15)) {
            try PairwiseComparisonMatrix(names: (0..<16).map { "c\($0)" },
                                         entries: Array(repeating: Array(repeating: 1, count: 16), count: 16))
        }
        #expect(throws: IndexScoringError.duplicateCriterion(name: "a")) {
            try PairwiseComparisonMatrix(names: ["a", "a"], entries: [[1, 1], [1, 1]])
        }
        // Reciprocals typed to three decimals pass the default tolerance; to one decimal they do not.
        #expect(throws: Never.self) {
            try PairwiseComparisonMatrix(names: ["a", "b", "c"], entries: [[1, 6, 0.111], [0.167, 1, 7], [9, 0.143, 1]])
        }
        #expect(throws: IndexScoringError.self) {
            try PairwiseComparisonMatrix(names: ["a", "b"], entries: [[1, 3], [0.3, 1]])
        }
        #expect(throws: IndexScoringError.invalidOption(name: "consistencyThreshold", value: 0, requirement: "finite and > 0")) {
            try AHPPriorities(PairwiseComparisonMatrix(names: ["a"], entries: [[1]]), consistencyThreshold: 0)
        }
    }

    @Test("error messages show the cell with 1-based indices and the expected reciprocal")
    func messagesNameTheCell() {
        let message = IndexScoringError.nonReciprocal(row: "price", column: "quality", rowIndex: 0, columnIndex: 2,
                                                      value: 4, transposed: 0.5).description
        #expect(message.contains("a[1,3] (price vs quality) = 4.0"))
        #expect(message.contains("a[3,1] (quality vs price) = 0.5"))
        #expect(message.contains("0.25"))
    }
}
