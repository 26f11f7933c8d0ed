/// Ways to put indicators with different units and directions on a common scale.
///
/// Which variant each method uses:
/// - ``CompositeIndex`` scores on ``minMax`` values, so every score lies in 0…100.
/// - ``EntropyWeights`` takes the ``proportion`` form of the ``minMax`` values by default
///   (see ``EntropyWeights/Basis`` for the shifted and raw variants).
/// - ``zScore`` is offered for analyses that want unbounded, variance-scaled values; the composite index does not use it.
public enum IndicatorStandardization: String, Sendable, Hashable, Codable, CaseIterable {
    /// Benefit: (x − min) / (max − min); cost: (max − x) / (max − min). The best entity gets 1, the worst 0.
    /// A constant indicator (max = min) cannot tell entities apart and gets 0 for every entity.
    case minMax
    /// (x − mean) / s with s the sample standard deviation (divisor n − 1), negated for cost indicators so that
    /// larger is always better. A constant indicator gets 0 for every entity. Needs at least 2 entities.
    case zScore
    /// p = x / Σ x over the entities: the share of each entity, as in the entropy weight method.
    /// Needs values ≥ 0 and a positive sum; the direction is not applied, so orient cost indicators first
    /// (the proportions of ``minMax`` values are oriented).
    case proportion

    /// The standardized table, `result[i][j]` for entity i and indicator j.
    /// - Throws: ``IndexScoringError`` naming the indicator (and entity) whose values the variant cannot take.
    public func standardize(_ table: IndicatorTable) throws -> [[Double]] {
        var columns: [[Double]] = []
        columns.reserveCapacity(table.indicators.count)
        for j in table.indicators.indices {
            columns.append(try standardizeColumn(j, of: table))
        }
        return table.entities.indices.map { i in columns.map { $0[i] } }
    }

    /// The standardized values of indicator `j`, in entity order.
    /// - Throws: ``IndexScoringError`` naming the indicator (and entity) whose values the variant cannot take.
    public func standardizeColumn(_ j: Int, of table: IndicatorTable) throws -> [Double] {
        let indicator = table.indicators[j]
        let x = table.column(j)
        switch self {
        case .minMax:
            return Self.minMax(x, direction: indicator.direction)
        case .zScore:
            guard x.count >= 2 else {
                throw IndexScoringError.tooFewEntities(count: x.count, required: 2, method: "z-score standardization")
            }
            return Self.zScore(x, direction: indicator.direction)
        case .proportion:
            for (entity, value) in zip(table.entities, x) where value < 0 {
                throw IndexScoringError.negativeValue(indicator: indicator.name, entity: entity, value: value,
                                                      method: "the proportion form")
            }
            guard let p = Self.proportions(x) else { throw IndexScoringError.zeroColumnSum(indicator: indicator.name) }
            return p
        }
    }

    static func minMax(_ x: [Double], direction: IndicatorDirection) -> [Double] {
        guard let low = x.min(), let high = x.max(), high > low else { return x.map { _ in 0 } }
        let range = high - low
        switch direction {
        case .benefit: return x.map { ($0 - low) / range }
        case .cost: return x.map { (high - $0) / range }
        }
    }

    static func zScore(_ x: [Double], direction: IndicatorDirection) -> [Double] {
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        let squares = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let sd = (squares / (n - 1)).squareRoot()
        guard sd > 0 else { return x.map { _ in 0 } }
        let sign: Double = direction == .benefit ? 1 : -1
        return x.map { sign * ($0 - mean) / sd }
    }

    /// x / Σ x, or nil when the sum is 0. The caller has checked x ≥ 0.
    static func proportions(_ x: [Double]) -> [Double]? {
        let total = x.reduce(0, +)
        guard total > 0 else { return nil }
        return x.map { $0 / total }
    }
}
