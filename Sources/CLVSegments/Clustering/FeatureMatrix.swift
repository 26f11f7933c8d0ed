/// A dense matrix of customer features: one row per customer, one named column per feature, stored
/// row-major in one contiguous array (`values[row * columnCount + column]`).
public struct FeatureMatrix: Sendable, Hashable {
    /// Number of rows (customers).
    public let rowCount: Int
    /// Number of columns (features).
    public let columnCount: Int
    /// One name per column.
    public let columnNames: [String]
    /// The values, row after row.
    public private(set) var values: [Double]

    /// A matrix from row-major values.
    ///
    /// - Throws: ``ClusteringError/shapeMismatch(_:)`` when `values.count != rows × columnNames.count`.
    public init(rowCount: Int, columnNames: [String], values: [Double]) throws {
        guard rowCount >= 0, values.count == rowCount * columnNames.count else {
            throw ClusteringError.shapeMismatch("\(values.count) values do not fill \(rowCount) rows × \(columnNames.count) columns.")
        }
        self.rowCount = rowCount
        self.columnCount = columnNames.count
        self.columnNames = columnNames
        self.values = values
    }

    /// A matrix from rows; columns are named `x0`, `x1`, … unless `columnNames` is given.
    ///
    /// - Throws: ``ClusteringError/shapeMismatch(_:)`` when the rows differ in length or from the names.
    public init(rows: [[Double]], columnNames: [String]? = nil) throws {
        let width = columnNames?.count ?? rows.first?.count ?? 0
        var values: [Double] = []
        values.reserveCapacity(rows.count * width)
        for (i, row) in rows.enumerated() {
            guard row.count == width else {
                throw ClusteringError.shapeMismatch("row \(i) has \(row.count) values, expected \(width).")
            }
            values.append(contentsOf: row)
        }
        try self.init(rowCount: rows.count, columnNames: columnNames ?? (0..<width).map { "x\($0)" }, values: values)
    }

    /// A matrix from equally long named columns (e.g. `recency_days`, `frequency`, `monetary`, `clv`).
    ///
    /// - Throws: ``ClusteringError/shapeMismatch(_:)`` when the columns differ in length or from the names.
    public init(columns: [[Double]], names: [String]) throws {
        guard columns.count == names.count else {
            throw ClusteringError.shapeMismatch("\(columns.count) columns but \(names.count) names.")
        }
        let rows = columns.first?.count ?? 0
        for (name, column) in zip(names, columns) where column.count != rows {
            throw ClusteringError.shapeMismatch("column '\(name)' has \(column.count) values, expected \(rows).")
        }
        var values = [Double](repeating: 0, count: rows * columns.count)
        for (j, column) in columns.enumerated() {
            for i in 0..<rows { values[i * columns.count + j] = column[i] }
        }
        try self.init(rowCount: rows, columnNames: names, values: values)
    }

    /// The value in `row`, `column`.
    public subscript(row: Int, column: Int) -> Double {
        get { values[row * columnCount + column] }
        set { values[row * columnCount + column] = newValue }
    }

    /// One row as an array.
    public func row(_ i: Int) -> [Double] { Array(values[i * columnCount..<(i + 1) * columnCount]) }

    /// All rows as arrays.
    public var rows: [[Double]] { (0..<rowCount).map(row) }

    /// One column as an array.
    public func column(_ j: Int) -> [Double] { (0..<rowCount).map { values[$0 * columnCount + j] } }

    /// The matrix made of the given rows, in the given order.
    public func selecting(rows indices: [Int]) -> FeatureMatrix {
        var selected: [Double] = []
        selected.reserveCapacity(indices.count * columnCount)
        for i in indices { selected.append(contentsOf: values[i * columnCount..<(i + 1) * columnCount]) }
        // The shape is right by construction.
        return try! FeatureMatrix(rowCount: indices.count, columnNames: columnNames, values: selected)
    }

    /// Throws unless the matrix has at least one row and column and every value is finite.
    ///
    /// - Throws: ``ClusteringError/emptyData`` or ``ClusteringError/nonFiniteValue(row:column:)``.
    public func validate() throws {
        guard rowCount > 0, columnCount > 0 else { throw ClusteringError.emptyData }
        if let k = values.firstIndex(where: { !$0.isFinite }) {
            throw ClusteringError.nonFiniteValue(row: k / columnCount, column: columnNames[k % columnCount])
        }
    }
}
