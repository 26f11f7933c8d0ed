import Foundation

/// Objective indicator weights by the entropy weight method: an indicator whose values differ more across
/// the entities carries more information and gets more weight.
///
/// For n entities and the non-negative values x′ᵢⱼ chosen by ``Basis``:
///
///     pᵢⱼ = x′ᵢⱼ / Σᵢ x′ᵢⱼ,   eⱼ = −(1 / ln n) Σᵢ pᵢⱼ ln pᵢⱼ,   dⱼ = 1 − eⱼ,   wⱼ = dⱼ / Σₖ dₖ
///
/// with pᵢⱼ ln pᵢⱼ = 0 when pᵢⱼ = 0 (its limit). An indicator whose x′ values are all equal (a constant
/// indicator; under ``Basis/minMax`` its values are all 0) has eⱼ = 1 exactly and so weight 0.
///
/// > Xu, X. (2004). A note on the subjective and objective integrated approach to determine attribute weights.
/// > *European Journal of Operational Research* 156(2), 530–532.
public struct EntropyWeights: Sendable, Hashable {
    /// Which non-negative values x′ the proportions are taken of.
    public enum Basis: Sendable, Hashable {
        /// The min–max values of ``IndicatorStandardization/minMax`` (direction applied; best 1, worst 0).
        /// The worst entity has p = 0, which contributes 0 to the entropy.
        case minMax
        /// The min–max values plus `epsilon` (> 0), a variant common in the literature that keeps every p > 0.
        case shiftedMinMax(epsilon: Double)
        /// The values as given, as in Xu (2004); they must be ≥ 0 and the direction is not applied.
        case raw
    }

    /// The values the proportions were taken of.
    public let basis: Basis
    /// Indicator names, in table order.
    public let indicatorNames: [String]
    /// eⱼ ∈ [0, 1] per indicator.
    public let entropies: [Double]
    /// dⱼ = 1 − eⱼ per indicator (clamped at 0 against rounding).
    public let divergences: [Double]
    /// wⱼ, summing to 1.
    public let weights: [Double]

    /// - Throws: ``IndexScoringError`` when the table has fewer than 2 entities, `.raw` meets a negative value,
    ///   `.shiftedMinMax` has an epsilon that is not finite and > 0, or every indicator is constant.
    public init(_ table: IndicatorTable, basis: Basis = .minMax) throws {
        let n = table.entities.count
        guard n >= 2 else { throw IndexScoringError.tooFewEntities(count: n, required: 2, method: "The entropy weight method") }
        if case .shiftedMinMax(let epsilon) = basis, !(epsilon.isFinite && epsilon > 0) {
            throw IndexScoringError.invalidOption(name: "epsilon", value: epsilon, requirement: "finite and > 0")
        }
        var entropies: [Double] = []
        for (j, indicator) in table.indicators.enumerated() {
            let x: [Double]
            switch basis {
            case .minMax:
                x = IndicatorStandardization.minMax(table.column(j), direction: indicator.direction)
            case .shiftedMinMax(let epsilon):
                x = IndicatorStandardization.minMax(table.column(j), direction: indicator.direction).map { $0 + epsilon }
            case .raw:
                x = table.column(j)
                for (entity, value) in zip(table.entities, x) where value < 0 {
                    throw IndexScoringError.negativeValue(indicator: indicator.name, entity: entity, value: value,
                                                          method: "the entropy weight method on raw values")
                }
            }
            entropies.append(Self.entropy(x))
        }
        let divergences = entropies.map { max(0, 1 - $0) }
        let total = divergences.reduce(0, +)
        guard total > 0 else { throw IndexScoringError.noInformation }
        self.basis = basis
        self.indicatorNames = table.indicators.map(\.name)
        self.entropies = entropies
        self.divergences = divergences
        self.weights = divergences.map { $0 / total }
    }

    /// Normalised Shannon entropy of the proportions of `x` (all ≥ 0, at least 2 values); 1 for a constant column.
    static func entropy(_ x: [Double]) -> Double {
        guard let first = x.first, x.contains(where: { $0 != first }),
              let p = IndicatorStandardization.proportions(x) else { return 1 }
        let sum = p.reduce(0) { $1 > 0 ? $0 + $1 * log($1) : $0 }
        return -sum / log(Double(x.count))
    }
}
