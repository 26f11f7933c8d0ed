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
                Self.radixSort(count: n, into: order) { Self.orderKey(table.buffer[$0 * columns + f]) }
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

    /// An unsigned integer with the order of the doubles (−0 and +0 map to the same key).
    @inline(__always)
    static func orderKey(_ x: Double) -> UInt64 {
        let bits = (x + 0).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// Writes `0..<count` into `order`, stably sorted by `key`.
    static func radixSort(count n: Int, into order: UnsafeMutablePointer<Int32>, key: (Int) -> UInt64) {
        let keys = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, n))
        let spareKeys = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, n))
        let spareOrder = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, n))
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 2048)
        defer { keys.deallocate(); spareKeys.deallocate(); spareOrder.deallocate(); counts.deallocate() }
        for i in 0..<n {
            keys[i] = key(i)
            order[i] = Int32(i)
        }
        var (fromKeys, toKeys, fromOrder, toOrder) = (keys, spareKeys, order, spareOrder)
        for shift in stride(from: 0, to: 64, by: 11) {
            counts.initialize(repeating: 0, count: 2048)
            for i in 0..<n { counts[Int((fromKeys[i] >> UInt64(shift)) & 2047)] += 1 }
            if n == 0 || counts[Int((fromKeys[0] >> UInt64(shift)) & 2047)] == n { continue }
            var start = 0
            for digit in 0..<2048 {
                let c = counts[digit]
                counts[digit] = start
                start += c
            }
            for i in 0..<n {
                let digit = Int((fromKeys[i] >> UInt64(shift)) & 2047)
                let slot = counts[digit]
                counts[digit] = slot + 1
                toKeys[slot] = fromKeys[i]
                toOrder[slot] = fromOrder[i]
            }
            swap(&fromKeys, &toKeys)
            swap(&fromOrder, &toOrder)
        }
        if fromOrder != order { order.update(from: fromOrder, count: n) }
    }
}
