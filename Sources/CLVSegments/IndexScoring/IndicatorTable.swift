/// Indicator values for a set of entities (customers, accounts): one row per entity, one column per indicator.
///
/// The initializer checks the shape and that every value is finite, so the methods that take a table
/// only have their own domain to check.
public struct IndicatorTable: Sendable, Hashable {
    /// The indicators, in column order; names are unique.
    public let indicators: [Indicator]
    /// Entity ids, in row order.
    public let entities: [String]
    /// `values[i][j]` is entity i's value of indicator j.
    public let values: [[Double]]

    /// - Throws: ``IndexScoringError`` naming the indicator or entity at fault when the table is empty or ragged,
    ///   a name or id repeats, a value is not finite, or a given weight is negative or not finite.
    public init(indicators: [Indicator], entities: [String], values: [[Double]]) throws {
        guard !indicators.isEmpty else { throw IndexScoringError.noIndicators }
        var names = Set<String>()
        for indicator in indicators {
            guard names.insert(indicator.name).inserted else {
                throw IndexScoringError.duplicateIndicator(name: indicator.name)
            }
            if let weight = indicator.givenWeight, !(weight.isFinite && weight >= 0) {
                throw IndexScoringError.invalidGivenWeight(indicator: indicator.name, value: weight)
            }
        }
        var ids = Set<String>()
        for id in entities where !ids.insert(id).inserted {
            throw IndexScoringError.duplicateEntity(id: id)
        }
        guard values.count == entities.count else {
            throw IndexScoringError.rowCountMismatch(rows: values.count, entities: entities.count)
        }
        for (entity, row) in zip(entities, values) {
            guard row.count == indicators.count else {
                throw IndexScoringError.rowLengthMismatch(entity: entity, count: row.count, expected: indicators.count)
            }
            for (indicator, value) in zip(indicators, row) where !value.isFinite {
                throw IndexScoringError.nonFiniteValue(indicator: indicator.name, entity: entity, value: value)
            }
        }
        self.indicators = indicators
        self.entities = entities
        self.values = values
    }

    /// The values of indicator `j` for every entity, in row order.
    public func column(_ j: Int) -> [Double] { values.map { $0[j] } }

    /// The position of the indicator with this name.
    public func indicatorIndex(named name: String) -> Int? { indicators.firstIndex { $0.name == name } }
}
