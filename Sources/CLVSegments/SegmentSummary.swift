/// One row of a segment table: size, shares and the profile of a segment in the data's own units.
public struct SegmentSummaryRow: Sendable, Hashable, Codable {
    /// The segment this row describes.
    public var segment: SegmentDefinition
    /// Number of customers in the segment.
    public var customers: Int
    /// The segment's share of all customers, 0…1.
    public var customerShare: Double
    /// Sum of the value column (CLV, or spend to date without a model).
    public var value: Double
    /// This segment's share of the total positive value.
    public var valueShare: Double
    /// Mean days since the last purchase (NaN for an empty segment, as all the profile figures).
    public var meanRecencyDays: Double
    /// Median days since the last purchase.
    public var medianRecencyDays: Double
    /// Mean number of orders.
    public var meanOrders: Double
    /// Median number of orders.
    public var medianOrders: Double
    /// Mean net spend to date.
    public var meanSpend: Double
    /// Median net spend to date.
    public var medianSpend: Double
    /// The segment's total spend divided by its total orders (NaN without orders), not a mean of per-customer values.
    public var meanOrderValue: Double
    /// Mean CLV, when the metrics carry one.
    public var meanLifetimeValue: Double?
    /// Mean P(alive), when the metrics carry one.
    public var meanProbabilityAlive: Double?
}

/// The segment table of a segmentation: one row per segment, in the segmentation's order (empty
/// segments included, with zero customers and NaN profile figures).
public enum SegmentSummary {
    /// One row per segment of `segmentation`, profiled with `metrics` (the same customers, in the same order).
    public static func rows(_ segmentation: Segmentation, metrics: CustomerMetrics) -> [SegmentSummaryRow] {
        let k = segmentation.segments.count
        var members = [[Int]](repeating: [], count: k)
        for (i, s) in segmentation.assignment.enumerated() { members[Int(s)].append(i) }
        let value = metrics.value
        let totalValue = value.reduce(0) { $0 + max($1, 0) }
        let n = Double(metrics.count)
        func mean(_ column: [Double], _ idx: [Int]) -> Double {
            idx.isEmpty ? .nan : idx.reduce(0) { $0 + column[$1] } / Double(idx.count)
        }
        func median(_ column: [Double], _ idx: [Int]) -> Double {
            idx.isEmpty ? .nan : Quantiles.median(idx.map { column[$0] })
        }
        return (0..<k).map { s in
            let idx = members[s]
            let segValue = idx.reduce(0) { $0 + value[$1] }
            let positive = idx.reduce(0) { $0 + max(value[$1], 0) }
            let orders = idx.reduce(0) { $0 + metrics.orders[$1] }
            let spend = idx.reduce(0) { $0 + metrics.spend[$1] }
            return SegmentSummaryRow(
                segment: segmentation.segments[s], customers: idx.count,
                customerShare: n > 0 ? Double(idx.count) / n : 0,
                value: segValue, valueShare: totalValue > 0 ? positive / totalValue : 0,
                meanRecencyDays: mean(metrics.recencyDays, idx), medianRecencyDays: median(metrics.recencyDays, idx),
                meanOrders: mean(metrics.orders, idx), medianOrders: median(metrics.orders, idx),
                meanSpend: mean(metrics.spend, idx), medianSpend: median(metrics.spend, idx),
                meanOrderValue: orders > 0 ? spend / orders : .nan,
                meanLifetimeValue: metrics.lifetimeValue.map { mean($0, idx) },
                meanProbabilityAlive: metrics.probabilityAlive.map { mean($0, idx) })
        }
    }
}
