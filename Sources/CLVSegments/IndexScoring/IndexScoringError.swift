import CLVCore

/// Errors of composite index scoring. Each message names the indicator, entity or matrix cell at fault.
public enum IndexScoringError: CLVError, Hashable {
    /// The table has no indicators.
    case noIndicators
    /// Two indicators share a name.
    case duplicateIndicator(name: String)
    /// Two entities share an id.
    case duplicateEntity(id: String)
    /// The number of value rows differs from the number of entities.
    case rowCountMismatch(rows: Int, entities: Int)
    /// An entity's row has the wrong number of values.
    case rowLengthMismatch(entity: String, count: Int, expected: Int)
    /// A value is NaN or infinite.
    case nonFiniteValue(indicator: String, entity: String, value: Double)
    /// A value is negative where the method needs values ≥ 0.
    case negativeValue(indicator: String, entity: String, value: Double, method: String)
    /// All values of an indicator are 0, so its proportions are undefined.
    case zeroColumnSum(indicator: String)
    /// A method needs more entities than the table has.
    case tooFewEntities(count: Int, required: Int, method: String)
    /// A given weight is negative or not finite.
    case invalidGivenWeight(indicator: String, value: Double)
    /// Weighting by given weights, but an indicator has none.
    case missingGivenWeight(indicator: String)
    /// The weights add up to 0, so they cannot be normalised.
    case zeroWeightSum(method: String)
    /// Every indicator is constant across the entities: the entropy method has no information to weight by.
    case noInformation
    /// An option is out of its domain.
    case invalidOption(name: String, value: Double, requirement: String)
    /// The comparison matrix has no criteria, or more than ``PairwiseComparisonMatrix/maximumOrder``.
    case matrixOrder(order: Int, maximum: Int)
    /// The comparison matrix's names are not unique.
    case duplicateCriterion(name: String)
    /// A row of the comparison matrix has the wrong length.
    case matrixNotSquare(row: String, count: Int, expected: Int)
    /// The comparison matrix has a different number of rows than criteria names.
    case matrixRowCount(rows: Int, names: Int)
    /// A judgment is ≤ 0 or not finite.
    case nonPositiveJudgment(row: String, column: String, rowIndex: Int, columnIndex: Int, value: Double)
    /// a_ij · a_ji differs from 1 by more than the tolerance (a diagonal entry must be 1).
    case nonReciprocal(row: String, column: String, rowIndex: Int, columnIndex: Int, value: Double, transposed: Double)
    /// The consistency ratio is at or above the threshold; names the judgment furthest from the derived priorities.
    case inconsistentMatrix(consistencyRatio: Double, threshold: Double, row: String, column: String,
                            rowIndex: Int, columnIndex: Int, judgment: Double, priorityRatio: Double)
    /// Power iteration did not settle within the iteration limit.
    case noConvergence(iterations: Int, change: Double)
    /// The comparison matrix's criteria are not the table's indicators.
    case criteriaMismatch(missing: [String], unknown: [String])

    public var description: String {
        switch self {
        case .noIndicators:
            return "The indicator table has no indicators."
        case .duplicateIndicator(let name):
            return "Indicator '\(name)' appears more than once; give each indicator a unique name."
        case .duplicateEntity(let id):
            return "Entity '\(id)' appears more than once; give each entity a unique id."
        case .rowCountMismatch(let rows, let entities):
            return "The table has \(rows) value rows for \(entities) entities; give one row per entity."
        case .rowLengthMismatch(let entity, let count, let expected):
            return "Entity '\(entity)' has \(count) values; expected one per indicator (\(expected))."
        case .nonFiniteValue(let indicator, let entity, let value):
            return "Indicator '\(indicator)', entity '\(entity)': \(value) is not a finite number."
        case .negativeValue(let indicator, let entity, let value, let method):
            return "Indicator '\(indicator)', entity '\(entity)': \(value) is negative; \(method) needs values ≥ 0."
        case .zeroColumnSum(let indicator):
            return "Indicator '\(indicator)': all values are 0, so its proportions are undefined."
        case .tooFewEntities(let count, let required, let method):
            return "\(method) needs at least \(required) entities; the table has \(count)."
        case .invalidGivenWeight(let indicator, let value):
            return "Indicator '\(indicator)': given weight \(value) must be finite and ≥ 0."
        case .missingGivenWeight(let indicator):
            return "Indicator '\(indicator)' has no given weight; give every indicator a weight or choose another weighting."
        case .zeroWeightSum(let method):
            return "The \(method) weights add up to 0; at least one indicator needs a positive weight."
        case .noInformation:
            return "Every indicator has the same value for all entities, so the entropy method has nothing to weight by."
        case .invalidOption(let name, let value, let requirement):
            return "Option \(name) = \(value) is invalid (\(requirement))."
        case .matrixOrder(let order, let maximum):
            return "A pairwise comparison matrix needs 1 to \(maximum) criteria; this one has \(order)."
        case .duplicateCriterion(let name):
            return "Criterion '\(name)' appears more than once in the pairwise comparison matrix."
        case .matrixNotSquare(let row, let count, let expected):
            return "Pairwise comparison matrix row '\(row)' has \(count) entries; the matrix must be square (\(expected))."
        case .matrixRowCount(let rows, let names):
            return "The pairwise comparison matrix has \(rows) rows for \(names) criteria; it must be square."
        case .nonPositiveJudgment(let row, let column, let i, let j, let value):
            return "Pairwise comparison \(Self.cell(i, j, row, column)) = \(value); judgments must be finite and > 0."
        case .nonReciprocal(let row, let column, let i, let j, let value, let transposed):
            if i == j {
                return "Pairwise comparison \(Self.cell(i, j, row, column)) = \(value); a diagonal entry must be 1."
            }
            return "Pairwise comparison \(Self.cell(i, j, row, column)) = \(value) but \(Self.cell(j, i, column, row)) = "
                + "\(transposed); the matrix must be reciprocal (a_ji = 1/a_ij = \(1 / value))."
        case .inconsistentMatrix(let cr, let threshold, let row, let column, let i, let j, let judgment, let ratio):
            return "The pairwise comparison matrix is inconsistent: consistency ratio \(cr) ≥ \(threshold). The judgment "
                + "furthest from the derived priorities is \(Self.cell(i, j, row, column)) = \(judgment), against a "
                + "priority ratio of \(ratio); revise it (or raise the threshold)."
        case .noConvergence(let iterations, let change):
            return "The principal eigenvector did not converge in \(iterations) power iterations (last change \(change))."
        case .criteriaMismatch(let missing, let unknown):
            var parts: [String] = []
            if !missing.isEmpty { parts.append("indicators missing from the matrix: \(missing.joined(separator: ", "))") }
            if !unknown.isEmpty { parts.append("matrix criteria that are not indicators: \(unknown.joined(separator: ", "))") }
            return "The pairwise comparison matrix must compare exactly the table's indicators; "
                + parts.joined(separator: "; ") + "."
        }
    }

    /// "a[2,3] (cost vs quality)", 1-based as printed in the literature.
    static func cell(_ i: Int, _ j: Int, _ row: String, _ column: String) -> String {
        "a[\(i + 1),\(j + 1)] (\(row) vs \(column))"
    }
}

extension IndexScoringError {
    /// Every case is about the data given (a `k` above the number of rows included): ``ErrorCategory/invalidData``.
    public var category: ErrorCategory { .invalidData }
}
