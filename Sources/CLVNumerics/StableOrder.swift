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
    /// 11 bits, skipping a pass in which every key has the same digit. The six digit histograms are counted
    /// in one read of the keys, as they are computed.
    @inlinable
    public static func radixSort(count n: Int, into order: UnsafeMutablePointer<Int32>, key: (Int) -> UInt64) {
        let keys = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, n))
        let spareKeys = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, n))
        let spareOrder = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, n))
        let passes = 6, digits = 2048
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: passes * digits)
        defer { keys.deallocate(); spareKeys.deallocate(); spareOrder.deallocate(); counts.deallocate() }
        counts.initialize(repeating: 0, count: passes * digits)
        for i in 0..<n {
            let k = key(i)
            keys[i] = k
            order[i] = Int32(truncatingIfNeeded: i)
            for pass in 0..<passes { counts[pass &* digits &+ Int(truncatingIfNeeded: (k &>> UInt64(pass &* 11)) & 2047)] &+= 1 }
        }
        var (fromKeys, toKeys, fromOrder, toOrder) = (keys, spareKeys, order, spareOrder)
        for pass in 0..<passes {
            let shift = UInt64(pass * 11)
            let histogram = counts + pass * digits
            if n == 0 || histogram[Int((fromKeys[0] >> shift) & 2047)] == n { continue }
            var start = 0
            for digit in 0..<digits {
                let c = histogram[digit]
                histogram[digit] = start
                start += c
            }
            for i in 0..<n {
                let digit = Int((fromKeys[i] >> shift) & 2047)
                let slot = histogram[digit]
                histogram[digit] = slot + 1
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

    /// The values sorted ascending (descending with `descending`): the same array as the standard library's
    /// stable `sorted()` (or `sorted(by: >)`) gives, ties in input order, by the radix sort (about five times
    /// faster on a million values). Values with a NaN, whose order under `<` is not defined, are sorted by
    /// the standard library instead.
    public static func sorted(_ values: [Double], descending: Bool = false) -> [Double] {
        if values.contains(where: \.isNaN) { return descending ? values.sorted(by: >) : values.sorted() }
        let order = ascending(values, descending: descending)
        return values.withUnsafeBufferPointer { v in order.map { v[Int($0)] } }
    }
}
