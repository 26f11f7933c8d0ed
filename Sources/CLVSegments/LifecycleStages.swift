import CLVCore
/// Thresholds of the lifecycle rules (see ``LifecycleStages``).
public struct LifecycleOptions: Sendable, Hashable, Codable {
    /// First purchase at most this many days ago: new.
    public var newCustomerDays: Double = 90
    /// Churned when the days since the last purchase exceed this multiple of the customer's usual gap…
    public var churnGapMultiple: Double = 3
    /// …and at least this many days.
    public var minimumChurnDays: Double = 90
    /// At risk when the days since the last purchase exceed this multiple of the usual gap…
    public var atRiskGapMultiple: Double = 1.5
    /// …and at least this many days.
    public var minimumAtRiskDays: Double = 30
    /// With a model: churned below this P(alive), at risk below `atRiskProbability`.
    public var churnProbability: Double = 0.2
    /// With a model: at risk below this P(alive) (and not churned).
    public var atRiskProbability: Double = 0.5
    /// At risk when orders in the recent window fell by at least this share against the previous window.
    public var decliningTrend: Double = 0.5
    /// Mature once a customer has at least this many orders and this tenure; growing before.
    public var matureOrders: Double = 3
    /// Days since the first purchase a customer needs (with `matureOrders` orders) to be mature.
    public var matureTenureDays: Double = 180
    /// Shortest usual gap considered (several orders on one day would otherwise make any pause look long).
    public var minimumGapDays: Double = 7

    /// The default thresholds.
    public init() {}
}

/// Extra history for the trend and reactivation rules, aligned with the customers of the metrics.
public struct LifecycleHistory: Sendable {
    /// Orders in the recent window (e.g. the last 90 days) and in the window before it.
    public var recentOrders: [Double]?
    /// Orders in the window just before the recent one, of the same length.
    public var previousOrders: [Double]?
    /// Customers who were churned at the start of the recent window and have bought since.
    public var reactivated: [Bool]?

    /// History with the given columns, each with one value per customer of the metrics; nil leaves that rule off.
    public init(recentOrders: [Double]? = nil, previousOrders: [Double]? = nil, reactivated: [Bool]? = nil) {
        self.recentOrders = recentOrders
        self.previousOrders = previousOrders
        self.reactivated = reactivated
    }
}

/// Lifecycle stages from recency relative to the customer's own purchase rhythm, P(alive), tenure and trend.
///
/// A customer's *usual gap* is (last − first purchase) / (orders − 1), at least `minimumGapDays`; for
/// customers with one order it is the median usual gap of the repeat customers (90 days if there are
/// none). The rules are tried in this order and the first that holds decides, so every customer is in
/// exactly one stage:
/// 1. **reactivated** — churned at the start of the recent window and bought since (needs history);
/// 2. **new** — first purchase at most `newCustomerDays` ago;
/// 3. **churned** — days since last purchase > `churnGapMultiple` × usual gap and ≥ `minimumChurnDays`,
///    or P(alive) < `churnProbability`;
/// 4. **at risk** — days since last purchase > `atRiskGapMultiple` × usual gap and ≥ `minimumAtRiskDays`,
///    or P(alive) < `atRiskProbability`, or recent orders fell by ≥ `decliningTrend` against the previous window;
/// 5. **growing** — fewer than `matureOrders` orders or tenure below `matureTenureDays`;
/// 6. **mature** — everyone else.
///
/// Rules 1 and 4 (trend) take effect only with a ``LifecycleHistory``; without one a customer can never be
/// reactivated or at risk by trend. The `clv` commands that report stages (`segment --method lifecycle`
/// and `analyze`) always pass the history, built the same way, so their stages agree.
public enum LifecycleStages {
    /// The six stages in rule order: reactivated, new, churned, at risk, growing, mature.
    public static let segments: [SegmentDefinition] = [
        .init(key: "reactivated", name: .init("Reactivated", "回流客户"),
              action: .init("Re-onboard: thank them, keep the momentum with a follow-up offer", "重新激活：致谢并跟进优惠，巩固回流"),
              rule: .init("was churned, bought again recently", "曾流失，近期再次购买")),
        .init(key: "new", name: .init("New", "新客期"),
              action: .init("Welcome journey; incentive for the second purchase", "欢迎旅程；激励第二次购买"),
              rule: .init("first purchase recently", "首次购买时间较近")),
        .init(key: "churned", name: .init("Churned", "流失期"),
              action: .init("Win-back campaign for valuable ones; otherwise stop spending", "对有价值者发起召回；其余停止投入"),
              rule: .init("silent for far longer than their usual gap, or P(alive) very low", "沉默时间远超其惯常购买间隔，或存活概率很低")),
        .init(key: "at_risk", name: .init("At risk", "衰退期"),
              action: .init("Act now: retention offer, satisfaction check", "立即干预：挽留优惠、满意度回访"),
              rule: .init("overdue against their usual gap, low P(alive), or buying less", "超过惯常购买间隔、存活概率偏低或购买减少")),
        .init(key: "growing", name: .init("Growing", "培养期"),
              action: .init("Build the habit: cross-sell, onboarding content, points", "培养习惯：交叉销售、引导内容、积分"),
              rule: .init("active but not yet established", "活跃但尚未稳定")),
        .init(key: "mature", name: .init("Mature", "成熟期"),
              action: .init("Reward loyalty: VIP benefits, referrals, upsell", "回馈忠诚：VIP 权益、推荐有礼、向上销售"),
              rule: .init("established, buying on rhythm", "关系稳定，按惯常节奏购买")),
    ]

    /// The usual gap between orders of each customer, in days (see the type's documentation).
    public static func usualGaps(_ metrics: CustomerMetrics, options: LifecycleOptions = LifecycleOptions()) -> [Double] {
        var gaps = [Double](repeating: .nan, count: metrics.count)
        var repeatGaps: [Double] = []
        for i in 0..<metrics.count where metrics.orders[i] >= 2 {
            let span = metrics.tenureDays[i] - metrics.recencyDays[i]
            gaps[i] = max(span / (metrics.orders[i] - 1), options.minimumGapDays)
            repeatGaps.append(gaps[i])
        }
        let fallback = repeatGaps.isEmpty ? 90 : max(Quantiles.median(repeatGaps), options.minimumGapDays)
        for i in gaps.indices where gaps[i].isNaN { gaps[i] = fallback }
        return gaps
    }

    /// The stage of every customer.
    public static func assign(_ metrics: CustomerMetrics, history: LifecycleHistory = LifecycleHistory(),
                              options: LifecycleOptions = LifecycleOptions()) throws -> Segmentation {
        let n = metrics.count
        for (name, column) in [("recentOrders", history.recentOrders), ("previousOrders", history.previousOrders),
                               ("reactivated", history.reactivated.map { $0.map { $0 ? 1.0 : 0 } })] {
            if let c = column, c.count != n { throw SegmentationError.columnLength(name: name, count: c.count, expected: n) }
        }
        let gaps = usualGaps(metrics, options: options)
        let o = options
        let assignment = (0..<n).map { i -> Int32 in
            let silent = metrics.recencyDays[i]
            let alive = metrics.probabilityAlive?[i]
            if history.reactivated?[i] == true { return 0 }
            if metrics.tenureDays[i] <= o.newCustomerDays { return 1 }
            if (silent > o.churnGapMultiple * gaps[i] && silent >= o.minimumChurnDays) || (alive.map { $0 < o.churnProbability } ?? false) {
                return 2
            }
            var declining = false
            if let recent = history.recentOrders?[i], let previous = history.previousOrders?[i], previous > 0 {
                declining = (previous - recent) / previous >= o.decliningTrend
            }
            if (silent > o.atRiskGapMultiple * gaps[i] && silent >= o.minimumAtRiskDays)
                || (alive.map { $0 < o.atRiskProbability } ?? false) || declining {
                return 3
            }
            if metrics.orders[i] < o.matureOrders || metrics.tenureDays[i] < o.matureTenureDays { return 4 }
            return 5
        }
        return Segmentation(method: "lifecycle", segments: segments, assignment: assignment)
    }

    /// Reactivation flags for the customers of `current`: churned in `earlier` (a lifecycle segmentation
    /// of the same log at the start of the recent window, with `earlierIDs` and `earlierOrders`) and
    /// with more orders now (`currentOrders`).
    public static func reactivated(earlier: Segmentation, earlierIDs: [String], earlierOrders: [Double],
                                   currentIDs: [String], currentOrders: [Double]) -> [Bool] {
        let churned = Int32(segments.firstIndex { $0.key == "churned" }!)
        var flags = [Bool](repeating: false, count: currentIDs.count)
        for (j, i) in CustomerMetrics.positions(of: earlierIDs, in: currentIDs).enumerated()
        where i >= 0 && earlier.assignment[j] == churned && currentOrders[i] > earlierOrders[j] {
            flags[i] = true
        }
        return flags
    }
}
