import CLVCore

/// Errors of the clustering layer; each names the offending input and what would fix it.
public enum ClusteringError: CLVError, Hashable {
    /// The matrix has no rows (or no columns).
    case emptyData
    /// A value is NaN or infinite.
    case nonFiniteValue(row: Int, column: String)
    /// The shapes of two inputs disagree (e.g. labels and rows, centres and columns).
    case shapeMismatch(String)
    /// A parameter is outside its domain.
    case invalidParameter(name: String, value: Double, requirement: String)
    /// A log transform was asked for a column with values below zero.
    case negativeValuesForLog(column: String, minimum: Double)
    /// A quality index needs between 2 and n − 1 distinct labels.
    case invalidLabelCount(labels: Int, rows: Int)

    public var description: String {
        switch self {
        case .emptyData:
            return "clustering: the feature matrix is empty; pass at least one row and one column."
        case .nonFiniteValue(let row, let column):
            return "clustering: row \(row), column '\(column)' is not a finite number; drop or impute missing values first."
        case .shapeMismatch(let message):
            return "clustering: \(message)"
        case .invalidParameter(let name, let value, let requirement):
            return "clustering: \(name) = \(value) is invalid (\(requirement))."
        case .negativeValuesForLog(let column, let minimum):
            return "clustering: column '\(column)' has values down to \(minimum), so log1p cannot be forced; shift the column or leave it untransformed."
        case .invalidLabelCount(let labels, let rows):
            return "clustering: \(labels) distinct labels for \(rows) rows; quality indices need 2 ≤ labels ≤ rows − 1."
        }
    }

    /// Throws ``invalidParameter(name:value:requirement:)`` unless `condition` holds.
    static func require(_ condition: Bool, _ name: String, _ value: Double, _ requirement: String) throws {
        if !condition { throw ClusteringError.invalidParameter(name: name, value: value, requirement: requirement) }
    }
}

extension ClusteringError {
    /// Every case is about the data given (a `k` above the number of rows included): ``ErrorCategory/invalidData``.
    public var category: ErrorCategory { .invalidData }
}
