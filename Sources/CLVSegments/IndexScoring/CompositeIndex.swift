/// A composite index: indicators standardized, weighted, summed into a 0–100 score per entity, and ranked.
///
/// Each indicator is min–max standardized with its direction (``IndicatorStandardization/minMax``: the best entity
/// 1, the worst 0, a constant indicator 0), so the score
///
///     scoreᵢ = 100 · Σⱼ wⱼ x′ᵢⱼ
///
/// lies in 0…100: 100 means best among these entities on every weighted indicator, 0 worst on every one. Scores
/// are relative to the entities scored together. The contribution of indicator j to entity i is 100 · wⱼ x′ᵢⱼ;
/// an entity's contributions add up to its score.
///
/// Ranks are competition ranks: 1 is the highest score, and entities whose scores differ by at most
/// ``tieTolerance`` share the smallest rank of their group, the next rank skipping (1, 2, 2, 4).
public struct CompositeIndex: Sendable, Hashable {
    /// Scores closer than this (on the 0–100 scale) tie; it absorbs rounding from summation order.
    public static let tieTolerance = 1e-9

    /// One entity's result.
    public struct Entry: Sendable, Hashable {
        /// The entity's id.
        public let entity: String
        /// The entity's score, 0…100.
        public let score: Double
        /// The entity's competition rank (1 = best).
        public let rank: Int
        /// 100 · wⱼ x′ᵢⱼ per indicator, in table order.
        public let contributions: [Double]
    }

    /// The table's indicators, in table order.
    public let indicators: [Indicator]
    /// Entity ids, in table order.
    public let entities: [String]
    /// The weights used, summing to 1, in table order.
    public let weights: [Double]
    /// The min–max values x′ᵢⱼ.
    public let standardized: [[Double]]
    /// Scores in 0…100, in table order.
    public let scores: [Double]
    /// Competition ranks (1 = best), in table order.
    public let ranks: [Int]
    /// The entropy step, for ``IndicatorWeighting/entropy(basis:)`` and ``IndicatorWeighting/entropyAHP(_:basis:method:)``.
    public let entropy: EntropyWeights?
    /// The AHP step (weights in matrix order, λmax, CI, CR), for the AHP weightings.
    public let ahp: AHPPriorities?

    /// Scores and ranks the table's entities.
    /// - Parameters:
    ///   - consistencyThreshold: for the AHP weightings, the consistency ratio at or above which the matrix is
    ///     rejected.
    /// - Throws: ``IndexScoringError``: a missing given weight or weights summing to 0, an entropy failure
    ///   (see ``EntropyWeights``), a comparison matrix whose criteria are not the indicators, or an inconsistent
    ///   matrix (naming the judgment to revise).
    public init(_ table: IndicatorTable, weighting: IndicatorWeighting,
                consistencyThreshold: Double = AHPPriorities.defaultConsistencyThreshold) throws {
        var entropy: EntropyWeights?
        var ahp: AHPPriorities?
        let weights: [Double]
        switch weighting {
        case .given:
            var given: [Double] = []
            for indicator in table.indicators {
                guard let weight = indicator.givenWeight else {
                    throw IndexScoringError.missingGivenWeight(indicator: indicator.name)
                }
                given.append(weight)
            }
            weights = try Self.normalized(given, method: "given")
        case .entropy(let basis):
            let objective = try EntropyWeights(table, basis: basis)
            entropy = objective
            weights = objective.weights
        case .ahp(let matrix, let method):
            let subjective = try Self.priorities(matrix, method: method, threshold: consistencyThreshold)
            ahp = subjective
            weights = try Self.alignedWeights(subjective, to: table)
        case .entropyAHP(let matrix, let basis, let method):
            let objective = try EntropyWeights(table, basis: basis)
            let subjective = try Self.priorities(matrix, method: method, threshold: consistencyThreshold)
            entropy = objective
            ahp = subjective
            let product = zip(objective.weights, try Self.alignedWeights(subjective, to: table)).map { $0 * $1 }
            weights = try Self.normalized(product, method: "entropy × AHP")
        }
        let standardized = try IndicatorStandardization.minMax.standardize(table)
        let scores = standardized.map { row in 100 * zip(row, weights).reduce(0) { $0 + $1.0 * $1.1 } }
        self.indicators = table.indicators
        self.entities = table.entities
        self.weights = weights
        self.standardized = standardized
        self.scores = scores
        self.ranks = Self.competitionRanks(scores, tolerance: Self.tieTolerance)
        self.entropy = entropy
        self.ahp = ahp
    }

    /// 100 · wⱼ x′ᵢⱼ: entity i's contribution from indicator j.
    public func contribution(entity i: Int, indicator j: Int) -> Double { 100 * weights[j] * standardized[i][j] }

    /// The entities by rank (ties in table order), with their contributions.
    public var ranking: [Entry] {
        entities.indices
            .sorted { (ranks[$0], $0) < (ranks[$1], $1) }
            .map { i in
                Entry(entity: entities[i], score: scores[i], rank: ranks[i],
                      contributions: indicators.indices.map { contribution(entity: i, indicator: $0) })
            }
    }

    static func normalized(_ weights: [Double], method: String) throws -> [Double] {
        let total = weights.reduce(0, +)
        guard total > 0 else { throw IndexScoringError.zeroWeightSum(method: method) }
        return weights.map { $0 / total }
    }

    static func priorities(_ matrix: PairwiseComparisonMatrix, method: AHPPriorities.Method,
                           threshold: Double) throws -> AHPPriorities {
        let priorities = try AHPPriorities(matrix, method: method, consistencyThreshold: threshold)
        try priorities.requireAcceptableConsistency()
        return priorities
    }

    /// The AHP weights in table order; the matrix must name exactly the table's indicators.
    static func alignedWeights(_ priorities: AHPPriorities, to table: IndicatorTable) throws -> [Double] {
        let names = table.indicators.map(\.name)
        let missing = names.filter { !priorities.names.contains($0) }
        let unknown = priorities.names.filter { !names.contains($0) }
        guard missing.isEmpty, unknown.isEmpty else {
            throw IndexScoringError.criteriaMismatch(missing: missing, unknown: unknown)
        }
        return names.map { priorities.weight(of: $0)! }
    }

    /// Competition ("1224") ranks of descending scores; a score within `tolerance` of its group's first score ties.
    static func competitionRanks(_ scores: [Double], tolerance: Double) -> [Int] {
        let order = scores.indices.sorted { (-scores[$0], $0) < (-scores[$1], $1) }
        var ranks = Array(repeating: 0, count: scores.count)
        var groupScore = Double.nan
        var groupRank = 0
        for (position, i) in order.enumerated() {
            if !(abs(groupScore - scores[i]) <= tolerance) {
                groupScore = scores[i]
                groupRank = position + 1
            }
            ranks[i] = groupRank
        }
        return ranks
    }
}
