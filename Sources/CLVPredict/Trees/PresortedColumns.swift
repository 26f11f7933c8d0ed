import Dispatch

/// Every feature column of a table sorted once: for feature f, `rows[f·N ..< (f+1)·N]` lists the rows
/// by increasing value (equal values by row number) and `values` the matching values.
///
/// Training sorts only here; each tree then keeps its rows in this order and partitions it at every
/// split, so no node ever sorts again.
final class PresortedColumns: @unchecked Sendable {
    let rowCount: Int
    let featureCount: Int
    let rows: UnsafeMutablePointer<Int32>
    let values: UnsafeMutablePointer<Double>

    init(_ table: FeatureTable) {
        rowCount = table.rowCount
        featureCount = table.columnCount
        let total = rowCount * featureCount
        rows = .allocate(capacity: max(1, total))
        values = .allocate(capacity: max(1, total))
        let (n, columns) = (rowCount, featureCount)
        let (rowsOut, valuesOut) = (TreeSharedBuffer(UnsafeMutableBufferPointer(start: rows, count: total)),
                                    TreeSharedBuffer(UnsafeMutableBufferPointer(start: values, count: total)))
        table.values.withUnsafeBufferPointer { source in
            let table = TreeConstBuffer(source)
            let sortColumn: @Sendable (Int) -> Void = { f in
                var keyed = (0..<n).map { (table.buffer[$0 * columns + f], Int32($0)) }
                keyed.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                for (p, entry) in keyed.enumerated() {
                    valuesOut.buffer[f * n + p] = entry.0
                    rowsOut.buffer[f * n + p] = entry.1
                }
            }
            if n * columns >= 50_000 {
                DispatchQueue.concurrentPerform(iterations: columns, execute: sortColumn)
            } else {
                for f in 0..<columns { sortColumn(f) }
            }
        }
    }

    deinit {
        rows.deallocate()
        values.deallocate()
    }
}
