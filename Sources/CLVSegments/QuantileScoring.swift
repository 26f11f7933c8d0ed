import CLVNumerics
/// Bucket numbers by rank, as SQL's `NTILE(n) OVER (ORDER BY value, id)`.
///
/// Rows are ordered by value (ascending, or descending with `descending`), ties by id in ascending
/// order (Swift's `String` order, which is byte order for ASCII ids and SQLite's `BINARY` collation
/// for NFC text). With `q = count / tiles` and `r = count % tiles`, the first `r` buckets get `q + 1`
/// rows and the rest `q`; with fewer rows than buckets, row k of the order gets bucket k. Equal values
/// can therefore land in neighbouring buckets — that is SQL's rule; ``equalValuesShareScore`` is the
/// alternative that keeps them together.
public enum Ntile {
    /// The 1-based bucket of each row (in the input's order).
    public static func buckets(_ values: [Double], ids: [String], tiles: Int, descending: Bool = false) -> [Int32] {
        precondition(values.count == ids.count && tiles >= 1)
        let order = sortedOrder(values, ids: ids, descending: descending, breaks: boundaries(count: values.count, tiles: tiles))
        var result = [Int32](repeating: 0, count: values.count)
        for (position, i) in order.enumerated() {
            result[Int(i)] = Int32(bucket(position: position, count: values.count, tiles: tiles))
        }
        return result
    }

    /// The bucket (1-based) of 0-based sorted position `position` among `count` rows.
    public static func bucket(position: Int, count: Int, tiles: Int) -> Int {
        let q = count / tiles, r = count % tiles
        let big = r * (q + 1)
        return position < big ? position / (q + 1) + 1 : r + (position - big) / q + 1
    }

    /// The sorted positions at which a new bucket starts.
    static func boundaries(count: Int, tiles: Int) -> [Int] {
        var starts: [Int] = []
        var last = 0
        for p in 0..<count {
            let b = bucket(position: p, count: count, tiles: tiles)
            if b != last { starts.append(p); last = b }
        }
        return starts
    }

    /// Row indices in NTILE order. Sorting by value alone is enough except for runs of equal values
    /// that cross a bucket boundary; only those are ordered by id (the rest of a run may stay in any order).
    static func sortedOrder(_ values: [Double], ids: [String], descending: Bool, breaks: [Int]) -> [Int32] {
        orderingTies(StableOrder.ascending(values, descending: descending), values: values, ids: ids, breaks: breaks)
    }

    /// (key, row) pairs in ascending key order, ties by row; the key is the value, negated when descending.
    static func sortedByValue(_ values: [Double], descending: Bool) -> [(key: Double, index: Int32)] {
        let order = StableOrder.ascending(values, descending: descending)
        return order.map { i in (key: descending ? -values[Int(i)] : values[Int(i)], index: i) }
    }


    /// `order` (rows sorted by value) with each run of equal values that crosses one of `breaks` (sorted
    /// positions where a new class starts) ordered by id.
    static func orderingTies(_ sorted: [Int32], values: [Double], ids: [String], breaks: [Int]) -> [Int32] {
        var order = sorted
        let n = order.count
        var isBreak = [Bool](repeating: false, count: n + 1)
        for b in breaks where b <= n { isBreak[b] = true }
        var start = 0
        while start < n {
            var end = start + 1
            var crosses = false
            let value = values[Int(order[start])]
            while end < n && values[Int(order[end])] == value {
                if isBreak[end] { crosses = true }
                end += 1
            }
            if crosses { order[start..<end].sort { ids[Int($0)] < ids[Int($1)] } }
            start = end
        }
        return order
    }

    /// Scores 1…`tiles` by quantile where equal values always share a score: each value gets the
    /// bucket of its first position in the sorted order (like ranking ties with their minimum rank).
    public static func equalValuesShareScore(_ values: [Double], tiles: Int, descending: Bool = false) -> [Int32] {
        precondition(tiles >= 1)
        let keyed = sortedByValue(values, descending: descending)
        var result = [Int32](repeating: 0, count: values.count)
        var start = 0
        while start < keyed.count {
            let b = Int32(bucket(position: start, count: values.count, tiles: tiles))
            var end = start
            while end < keyed.count && keyed[end].key == keyed[start].key {
                result[Int(keyed[end].index)] = b
                end += 1
            }
            start = end
        }
        return result
    }
}

/// Percentiles and capping.
public enum Quantiles {
    /// The `p` quantile (0…1) by linear interpolation between order statistics (NumPy's default,
    /// Hyndman–Fan type 7). `sorted` must be in ascending order and not empty.
    public static func quantile(sorted: [Double], _ p: Double) -> Double {
        precondition(!sorted.isEmpty)
        let h = Double(sorted.count - 1) * min(max(p, 0), 1)
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    /// The `p` quantile of unsorted values (by selection, O(n) on average: no full sort).
    public static func quantile(_ values: [Double], _ p: Double) -> Double {
        precondition(!values.isEmpty)
        var a = values
        let h = Double(a.count - 1) * min(max(p, 0), 1)
        let lo = Int(h.rounded(.down))
        let below = select(&a, lo)
        guard lo + 1 < a.count, h > Double(lo) else { return below }
        // The next order statistic is the smallest value right of position lo after the partition.
        var above = a[lo + 1]
        for v in a[(lo + 1)...] where v < above { above = v }
        return below + (h - Double(lo)) * (above - below)
    }

    /// Puts the k-th smallest value (0-based) at index k, smaller or equal ones before it and larger or
    /// equal ones after it (Hoare's selection with a median-of-three pivot), and returns it.
    static func select(_ a: inout [Double], _ k: Int) -> Double {
        var lo = 0, hi = a.count - 1
        a.withUnsafeMutableBufferPointer { a in
            while hi > lo {
                let mid = lo + (hi - lo) / 2
                if a[mid] < a[lo] { a.swapAt(mid, lo) }
                if a[hi] < a[lo] { a.swapAt(hi, lo) }
                if a[hi] < a[mid] { a.swapAt(hi, mid) }
                let pivot = a[mid]
                var i = lo, j = hi
                while i <= j {
                    while a[i] < pivot { i += 1 }
                    while a[j] > pivot { j -= 1 }
                    if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
                }
                if k <= j { hi = j } else if k >= i { lo = i } else { break }
            }
        }
        return a[k]
    }

    /// The median.
    public static func median(_ values: [Double]) -> Double { quantile(values, 0.5) }

    /// Values above the `p` quantile replaced by it (winsorizing the top tail).
    public static func capped(_ values: [Double], atQuantile p: Double) -> [Double] {
        guard !values.isEmpty else { return values }
        let cap = quantile(values, p)
        return values.map { min($0, cap) }
    }
}

/// Scores from explicit cut points.
public enum ThresholdScoring {
    /// Score `1 + (number of cuts ≤ value)`: cuts are the (inclusive) lower bounds of scores 2, 3, …
    /// Use for frequency and monetary value, where more is better.
    public static func ascending(_ values: [Double], cuts: [Double]) -> [Int32] {
        values.map { v in Int32(1 + cuts.reduce(0) { $0 + ($1 <= v ? 1 : 0) }) }
    }

    /// Score `cuts.count + 1 − (number of cuts < value)`: cuts are the (inclusive) upper bounds of the
    /// best scores. Use for recency in days, where less is better: with cuts 30, 90, 180, 365 a customer
    /// who bought 30 days ago scores 5 and one who bought 400 days ago scores 1.
    public static func descending(_ values: [Double], cuts: [Double]) -> [Int32] {
        values.map { v in Int32(cuts.count + 1 - cuts.reduce(0) { $0 + ($1 < v ? 1 : 0) }) }
    }
}
