/// Stable orders of numbers by a least-significant-digit radix sort: the one sort behind quantile scores, NTILE,
/// ABC classes, value deciles and the presorted feature columns of the tree learners.
public enum StableOrder {
    /// An unsigned integer with the order of the doubles (−0.0 and +0.0 map to the same key). NaN must not occur.
    @inlinable @inline(__always)
    public static func orderKey(_ x: Double) -> UInt64 {
        let bits = (x + 0).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// Writes `0..<count` into `order`, stably sorted by `key` (ties keep their index order): six passes of
    /// 11 bits, skipping a pass in which every key has the same digit.
    @inlinable
    public static func radixSort(count n: Int, into order: UnsafeMutablePointer<Int32>, key: (Int) -> UInt64) {
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

    /// Row indices by ascending value (descending with `descending`), ties by row, as a stable comparison sort
    /// under `<` gives them. The values must not be NaN.
    public static func ascending(_ values: [Double], descending: Bool = false) -> [Int32] {
        var order = [Int32](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { v in
            order.withUnsafeMutableBufferPointer { o in
                if descending {
                    radixSort(count: v.count, into: o.baseAddress!) { orderKey(-v[$0]) }
                } else {
                    radixSort(count: v.count, into: o.baseAddress!) { orderKey(v[$0]) }
                }
            }
        }
        return order
    }
}
