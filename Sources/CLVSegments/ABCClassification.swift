import CLVCore
import CLVNumerics
/// What the ABC cut points are shares of.
public enum ABCBasis: String, Sendable, Hashable, CaseIterable, Codable {
    /// Shares of customers, ranked by value: with cuts 0.15 and 0.35 the top 15% are A and the next 20% B.
    case customers
    /// Shares of total value: A are the top customers who together make the first 80% (say) of value.
    case value
}

/// ABC (Pareto) classification by value.
///
/// Customers are ranked by value, highest first (ties by id). With the `customers` basis, class A is
/// the first ⌈cutA·n⌉ customers and B the next ones up to ⌈cutB·n⌉. With the `value` basis, a customer
/// is A while the cumulative value *before* them is below cutA of the total (so the customer who
/// crosses the cut is still A), likewise B; customers with value ≤ 0 never count toward the total.
public enum ABCClassification {
    /// The three classes A, B and C, in that order (an assignment's index 0 is A).
    public static let segments: [SegmentDefinition] = [
        .init(key: "A", name: .init("A: top value", "A类：核心价值客户"),
              action: .init("Protect: key-account care, retention budget first", "重点保护：大客户专属维护，优先投入保留预算"),
              rule: .init("the highest-value customers", "价值最高的客户")),
        .init(key: "B", name: .init("B: middle value", "B类：中等价值客户"),
              action: .init("Develop: grow them toward A with targeted offers", "重点培养：定向营销，推动升级为A类"),
              rule: .init("the next band of value", "价值居中的客户")),
        .init(key: "C", name: .init("C: low value", "C类：一般价值客户"),
              action: .init("Serve efficiently: automated, low-cost channels", "高效服务：自动化、低成本渠道"),
              rule: .init("the rest", "其余客户")),
    ]

    /// Classes for `value` (one per customer) with cut points `cuts` (A, B; increasing, in (0, 1]).
    public static func classify(value: [Double], ids: [String], cuts: (a: Double, b: Double) = (0.15, 0.35),
                                basis: ABCBasis = .customers) throws -> Segmentation {
        let n = value.count
        guard n > 0 else { throw SegmentationError.empty }
        guard ids.count == n else { throw SegmentationError.columnLength(name: "ids", count: ids.count, expected: n) }
        guard cuts.a > 0, cuts.a < cuts.b, cuts.b <= 1 else {
            throw SegmentationError.invalidOption("ABC cut points must satisfy 0 < A < B ≤ 1, got \(cuts.a), \(cuts.b)")
        }
        // Highest value first; equal values that straddle a class boundary are ordered by id.
        let sorted = StableOrder.ascending(value, descending: true)
        var classes = [Int32](repeating: 2, count: n)
        switch basis {
        case .customers:
            let countA = Int((Double(n) * cuts.a).rounded(.up)), countB = Int((Double(n) * cuts.b).rounded(.up))
            for p in 0..<n { classes[p] = p < countA ? 0 : p < countB ? 1 : 2 }
        case .value:
            let total = value.reduce(0) { $0 + max($1, 0) }
            var before = 0.0
            for p in 0..<n {
                let share = total > 0 ? before / total : 1
                classes[p] = share < cuts.a ? 0 : share < cuts.b ? 1 : 2
                before += max(value[Int(sorted[p])], 0)
            }
        }
        let breaks = (1..<max(n, 1)).filter { classes[$0] != classes[$0 - 1] }
        let order = Ntile.orderingTies(sorted, values: value, ids: ids, breaks: breaks)
        var assignment = [Int32](repeating: 2, count: n)
        for (p, i) in order.enumerated() { assignment[Int(i)] = classes[p] }
        return Segmentation(method: "abc", segments: segments, assignment: assignment)
    }
}
