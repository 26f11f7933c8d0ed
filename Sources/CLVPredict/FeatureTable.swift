import CLVCore

/// Rows × named numeric columns, stored row-major in one contiguous array (row i is
/// `values[i * columnCount ..< (i + 1) * columnCount]`).
public struct FeatureTable: Sendable, Hashable {
    /// The column names, in column order.
    public var names: [String]
    /// All cells, row-major: `rowCount * columnCount` finite values.
    public var values: [Double]

    /// The number of columns (`names.count`).
    public var columnCount: Int { names.count }
    /// The number of rows; 0 when the table has no columns.
    public var rowCount: Int { names.isEmpty ? 0 : values.count / names.count }

    /// A table from row-major values; `values.count` must be a multiple of `names.count`.
    public init(names: [String], values: [Double]) throws {
        guard !names.isEmpty, values.count % names.count == 0 else {
            throw PredictionError.shape("\(values.count) values do not fill rows of \(names.count) columns")
        }
        if let k = values.firstIndex(where: { !$0.isFinite }) {
            throw PredictionError.nonFinite(column: names[k % names.count], row: k / names.count)
        }
        self.names = names
        self.values = values
    }

    /// A table from rows of equal length.
    public init(names: [String], rows: [[Double]]) throws {
        guard rows.allSatisfy({ $0.count == names.count }) else {
            throw PredictionError.shape("every row must have \(names.count) values")
        }
        try self.init(names: names, values: rows.flatMap { $0 })
    }

    /// The value in row `row` and column `column` (both zero-based).
    public subscript(row: Int, column: Int) -> Double { values[row * columnCount + column] }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Double] { Array(values[i * columnCount ..< (i + 1) * columnCount]) }

    /// Column `j` as an array.
    public func column(_ j: Int) -> [Double] { (0..<rowCount).map { values[$0 * columnCount + j] } }

    /// The rows at `indices`, in that order.
    public func rows(_ indices: [Int]) -> FeatureTable {
        var out: [Double] = []
        out.reserveCapacity(indices.count * columnCount)
        for i in indices { out.append(contentsOf: values[i * columnCount ..< (i + 1) * columnCount]) }
        return FeatureTable(unchecked: names, out)
    }

    init(unchecked names: [String], _ values: [Double]) {
        self.names = names
        self.values = values
    }
}

/// Features with a 0/1 label per row (1 = the event: churned, or purchased).
public struct LabeledData: Sendable, Hashable {
    /// The feature rows.
    public var features: FeatureTable
    /// One label per feature row, 0 or 1.
    public var labels: [UInt8]

    /// Pairs features with labels. Throws ``PredictionError/shape(_:)`` when the label count differs from the
    /// row count or a label is not 0 or 1.
    public init(features: FeatureTable, labels: [UInt8]) throws {
        guard labels.count == features.rowCount else {
            throw PredictionError.shape("\(labels.count) labels for \(features.rowCount) rows")
        }
        guard labels.allSatisfy({ $0 <= 1 }) else { throw PredictionError.shape("labels must be 0 or 1") }
        self.features = features
        self.labels = labels
    }

    /// The number of labelled rows.
    public var count: Int { labels.count }

    /// The rows at `indices`.
    public func subset(_ indices: [Int]) -> LabeledData {
        LabeledData(unchecked: features.rows(indices), indices.map { labels[$0] })
    }

    init(unchecked features: FeatureTable, _ labels: [UInt8]) {
        self.features = features
        self.labels = labels
    }
}

/// Why a prediction step could not run.
public enum PredictionError: CLVError, Equatable {
    case shape(String)
    case nonFinite(column: String, row: Int)
    case invalidOption(String)
    case singleClass
    case modelFile(String)

    public var description: String {
        switch self {
        case let .shape(message): return message
        case let .nonFinite(column, row): return "feature \(column) is not a finite number in row \(row + 1)"
        case let .invalidOption(message): return message
        case .singleClass: return "the labels hold only one class; a classifier needs both"
        case let .modelFile(message): return message
        }
    }

    /// ``invalidOption(_:)`` is ``ErrorCategory/usage``; the rest is ``ErrorCategory/invalidData``.
    public var category: ErrorCategory {
        if case .invalidOption = self { return .usage }
        return .invalidData
    }
}
