import CLVNumerics
import Dispatch
import _CLVUtilities

/// Every feature column of a table sorted once: for feature f, `rows[f·N ..< (f+1)·N]` lists the rows
/// by increasing value (equal values by row number) and `values` the matching values.
///
/// Training sorts only here; each tree then keeps its rows in this order and partitions it at every
/// split, so no node ever sorts again. The sort is a least-significant-digit radix sort on an
/// order-preserving integer image of the values (11-bit digits, digits shared by all rows skipped);
/// being stable, it leaves equal values in row order.
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
        let (rowsOut, valuesOut) = (SharedBuffer(UnsafeMutableBufferPointer(start: rows, count: total)),
                                    SharedBuffer(UnsafeMutableBufferPointer(start: values, count: total)))
        table.values.withUnsafeBufferPointer { source in
            let table = ReadOnlyBuffer(source)
            let sortColumn: @Sendable (Int) -> Void = { f in
                let order = rowsOut.buffer.baseAddress! + f * n
                StableOrder.radixSort(count: n, into: order) { StableOrder.orderKey(table.buffer[$0 * columns + f]) }
                for p in 0..<n { valuesOut.buffer[f * n + p] = table.buffer[Int(order[p]) * columns + f] }
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
