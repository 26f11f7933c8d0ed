/// A validated AHP pairwise comparison matrix: `entries[i][j]` says how many times more important criterion i is
/// than criterion j, usually on Saaty's 1–9 scale.
///
/// The matrix must be square with 1 to ``maximumOrder`` criteria, every judgment finite and > 0, and reciprocal:
/// |aᵢⱼ · aⱼᵢ − 1| ≤ `reciprocalTolerance` for every cell, which makes every diagonal entry 1. The default tolerance
/// of 0.005 accepts reciprocals typed to three decimals (0.333, 0.167, 0.143, 0.111).
public struct PairwiseComparisonMatrix: Sendable, Hashable {
    /// The largest order accepted: Saaty's random index table ends at 15 (see ``AHPPriorities/saatyRandomIndex``).
    public static let maximumOrder = 15
    /// Accepts reciprocals rounded to three decimals.
    public static let defaultReciprocalTolerance = 0.005

    /// Criterion names, in row (and column) order.
    public let names: [String]
    /// `entries[i][j]` = aᵢⱼ.
    public let entries: [[Double]]
    /// The number of criteria n.
    public var order: Int { names.count }

    /// - Throws: ``IndexScoringError`` naming the row or cell at fault: a wrong order, a repeated name, a ragged
    ///   row, a judgment that is not finite and > 0, or a pair that is not reciprocal.
    public init(names: [String], entries: [[Double]],
                reciprocalTolerance: Double = PairwiseComparisonMatrix.defaultReciprocalTolerance) throws {
        let n = names.count
        guard (1...Self.maximumOrder).contains(n) else {
            throw IndexScoringError.matrixOrder(order: n, maximum: Self.maximumOrder)
        }
        guard reciprocalTolerance.isFinite, reciprocalTolerance >= 0 else {
            throw IndexScoringError.invalidOption(name: "reciprocalTolerance", value: reciprocalTolerance,
                                                  requirement: "finite and ≥ 0")
        }
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw IndexScoringError.duplicateCriterion(name: name)
        }
        guard entries.count == n else { throw IndexScoringError.matrixRowCount(rows: entries.count, names: n) }
        for (i, row) in entries.enumerated() {
            guard row.count == n else { throw IndexScoringError.matrixNotSquare(row: names[i], count: row.count, expected: n) }
            for (j, value) in row.enumerated() where !(value.isFinite && value > 0) {
                throw IndexScoringError.nonPositiveJudgment(row: names[i], column: names[j], rowIndex: i, columnIndex: j,
                                                            value: value)
            }
        }
        for i in 0..<n {
            for j in i..<n where abs(entries[i][j] * entries[j][i] - 1) > reciprocalTolerance {
                throw IndexScoringError.nonReciprocal(row: names[i], column: names[j], rowIndex: i, columnIndex: j,
                                                      value: entries[i][j], transposed: entries[j][i])
            }
        }
        self.names = names
        self.entries = entries
    }

    /// A matrix from the judgments above the diagonal, row by row: `upperTriangle[i]` holds aᵢ,ᵢ₊₁ … aᵢ,ₙ
    /// (n − 1 − i values; the empty last row may be left out). The diagonal is 1 and each aⱼᵢ is set to 1 / aᵢⱼ.
    /// - Throws: ``IndexScoringError`` naming the row or cell at fault.
    public init(names: [String], upperTriangle: [[Double]]) throws {
        let n = names.count
        guard (1...Self.maximumOrder).contains(n) else {
            throw IndexScoringError.matrixOrder(order: n, maximum: Self.maximumOrder)
        }
        var rows = upperTriangle
        if rows.count == n - 1 { rows.append([]) }  // the last row has no judgments above the diagonal
        guard rows.count == n else { throw IndexScoringError.matrixRowCount(rows: upperTriangle.count, names: n) }
        var entries = Array(repeating: Array(repeating: 1.0, count: n), count: n)
        for i in 0..<n {
            guard rows[i].count == n - 1 - i else {
                throw IndexScoringError.matrixNotSquare(row: names[i], count: i + 1 + rows[i].count, expected: n)
            }
            for (k, value) in rows[i].enumerated() {
                let j = i + 1 + k
                guard value.isFinite, value > 0 else {
                    throw IndexScoringError.nonPositiveJudgment(row: names[i], column: names[j], rowIndex: i,
                                                                columnIndex: j, value: value)
                }
                entries[i][j] = value
                entries[j][i] = 1 / value
            }
        }
        try self.init(names: names, entries: entries)
    }
}
