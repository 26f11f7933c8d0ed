import CLVCore
import CLVNumerics
import Foundation

/// One membership tier and the rule that grants it.
///
/// A customer qualifies when their spend and orders in the tier window reach the minimums *and* their
/// last purchase is at most `maxInactiveDays` ago (nil: no activity requirement).
public struct TierRule: Sendable, Hashable, Codable {
    /// Stable machine key, e.g. `gold`; distinct within a ``MembershipTiers``.
    public var key: String
    /// The tier's display name.
    public var name: BilingualText
    /// Least spend in the tier window that qualifies (inclusive), in the log's currency.
    public var minimumSpend: Double
    /// Least number of orders in the tier window that qualifies (inclusive).
    public var minimumOrders: Double
    /// Most days since the last purchase that still qualifies (inclusive); nil: no activity requirement.
    public var maxInactiveDays: Double?
    /// What to do with the customers in this tier.
    public var action: BilingualText

    /// A rule; the defaults leave spend, orders and activity unrestricted.
    public init(key: String, name: BilingualText, minimumSpend: Double = 0, minimumOrders: Double = 0,
                maxInactiveDays: Double? = nil, action: BilingualText) {
        self.key = key
        self.name = name
        self.minimumSpend = minimumSpend
        self.minimumOrders = minimumOrders
        self.maxInactiveDays = maxInactiveDays
        self.action = action
    }

    func admits(spend: Double, orders: Double, inactiveDays: Double) -> Bool {
        spend >= minimumSpend && orders >= minimumOrders && inactiveDays <= (maxInactiveDays ?? .infinity)
    }
}

/// What the tier rules read for each customer: spend and orders within the tier window (for example
/// the last 365 days) and days since the last purchase.
public struct TierActivity: Sendable {
    /// Spend of each customer within the tier window.
    public var spend: [Double]
    /// Orders of each customer within the tier window.
    public var orders: [Double]
    /// Days from each customer's last purchase to the date the tiers are assigned at.
    public var inactiveDays: [Double]

    /// Activity from three arrays of equal length, one value per customer (``MembershipTiers/assign(_:)`` checks the lengths).
    public init(spend: [Double], orders: [Double], inactiveDays: [Double]) {
        self.spend = spend
        self.orders = orders
        self.inactiveDays = inactiveDays
    }
}

/// Membership tiers (e.g. 普通/银卡/金卡/钻石) from rules on value and activity, and the customers who
/// move between tiers from one date to another.
///
/// Rules are tried from the highest tier down and the first that admits a customer wins; the lowest
/// tier has no requirement, so every customer gets exactly one tier.
public struct MembershipTiers: Sendable {
    /// Highest tier first; the last rule is the base tier and must admit everyone.
    public let rules: [TierRule]

    /// Tiers from `rules`, highest first.
    ///
    /// - Throws: ``SegmentationError/invalidOption(_:)`` when `rules` is empty, when the last rule has a
    ///   requirement, or when two rules share a key.
    public init(rules: [TierRule]) throws {
        guard let base = rules.last else { throw SegmentationError.invalidOption("at least one tier is needed") }
        guard base.minimumSpend <= 0, base.minimumOrders <= 0, base.maxInactiveDays == nil else {
            throw SegmentationError.invalidOption("the last tier (\(base.key)) is the base tier and must have no requirement")
        }
        guard Set(rules.map(\.key)).count == rules.count else {
            throw SegmentationError.invalidOption("tier keys must be distinct: \(rules.map(\.key))")
        }
        self.rules = rules
    }

    /// The standard four tiers with spend thresholds `silver < gold < diamond` over the tier window and
    /// an activity requirement for the paid tiers.
    public static func standard(silver: Double, gold: Double, diamond: Double, maxInactiveDays: Double = 365) throws -> MembershipTiers {
        guard silver > 0, silver < gold, gold < diamond else {
            throw SegmentationError.invalidOption("tier thresholds must satisfy 0 < silver < gold < diamond, got \(silver), \(gold), \(diamond)")
        }
        return try MembershipTiers(rules: [
            TierRule(key: "diamond", name: .init("Diamond", "钻石会员"), minimumSpend: diamond, maxInactiveDays: maxInactiveDays,
                     action: .init("Dedicated manager, exclusive events, highest benefits", "专属顾问、专享活动、最高权益")),
            TierRule(key: "gold", name: .init("Gold", "金卡会员"), minimumSpend: gold, maxInactiveDays: maxInactiveDays,
                     action: .init("Priority service; show the path to diamond", "优先服务；展示升级钻石的路径")),
            TierRule(key: "silver", name: .init("Silver", "银卡会员"), minimumSpend: silver, maxInactiveDays: maxInactiveDays,
                     action: .init("Points multipliers; nudge toward gold", "积分加倍；引导升级金卡")),
            TierRule(key: "regular", name: .init("Regular", "普通会员"),
                     action: .init("Welcome and activation offers", "欢迎礼与激活优惠")),
        ])
    }

    /// Default thresholds from the data: the 50th, 80th and 95th percentiles of window spend among
    /// customers who spent anything in the window, rounded to two significant digits (so they read as
    /// rules a programme could publish, and stay fixed when comparing two dates).
    public static func suggestedThresholds(windowSpend: [Double]) -> (silver: Double, gold: Double, diamond: Double)? {
        let positive = StableOrder.sorted(windowSpend.filter { $0 > 0 })
        guard positive.count >= 3 else { return nil }
        let t = [0.5, 0.8, 0.95].map { roundToSignificant(Quantiles.quantile(sorted: positive, $0), digits: 2) }
        guard t[0] > 0, t[0] < t[1], t[1] < t[2] else { return nil }
        return (t[0], t[1], t[2])
    }

    /// `x` rounded to `digits` significant digits.
    public static func roundToSignificant(_ x: Double, digits: Int) -> Double {
        guard x != 0, x.isFinite else { return x }
        let scale = pow10(digits - 1 - Int(log10(abs(x)).rounded(.down)))
        return (x * scale).rounded() / scale
    }

    static func pow10(_ e: Int) -> Double {
        var r = 1.0
        for _ in 0..<abs(e) { r *= 10 }
        return e < 0 ? 1 / r : r
    }

    /// The tier of every customer.
    public func assign(_ activity: TierActivity) throws -> Segmentation {
        let n = activity.spend.count
        guard activity.orders.count == n else {
            throw SegmentationError.columnLength(name: "tier activity orders", count: activity.orders.count, expected: n)
        }
        guard activity.inactiveDays.count == n else {
            throw SegmentationError.columnLength(name: "tier activity inactive days", count: activity.inactiveDays.count, expected: n)
        }
        let assignment = (0..<n).map { i -> Int32 in
            let tier = rules.firstIndex { $0.admits(spend: activity.spend[i], orders: activity.orders[i],
                                                   inactiveDays: activity.inactiveDays[i]) } ?? rules.count - 1
            return Int32(tier)
        }
        let segments = rules.map { rule in
            SegmentDefinition(key: rule.key, name: rule.name, action: rule.action, rule: describe(rule))
        }
        return Segmentation(method: "tiers", segments: segments, assignment: assignment)
    }

    func describe(_ rule: TierRule) -> BilingualText {
        var en: [String] = [], zh: [String] = []
        if rule.minimumSpend > 0 { en.append("spend ≥ \(format(rule.minimumSpend))"); zh.append("消费 ≥ \(format(rule.minimumSpend))") }
        if rule.minimumOrders > 0 { en.append("orders ≥ \(format(rule.minimumOrders))"); zh.append("订单 ≥ \(format(rule.minimumOrders))") }
        if let d = rule.maxInactiveDays { en.append("bought in the last \(format(d)) days"); zh.append("近 \(format(d)) 天内有购买") }
        return en.isEmpty ? BilingualText("everyone else", "其余客户")
            : BilingualText(en.joined(separator: ", "), zh.joined(separator: "，"))
    }

    func format(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }

    /// A customer whose tier changed between two dates.
    public struct Move: Sendable, Hashable {
        /// The customer's id.
        public var customer: String
        /// Key of the tier before (the base tier for customers new since then).
        public var from: String
        /// Key of the tier after.
        public var to: String
        /// True when `to` is a higher tier than `from`.
        public var isUpgrade: Bool
    }

    /// Customers whose tier differs between `before` and `after` (both from ``assign(_:)`` of these tiers),
    /// matched by id; customers only in `after` start from the base tier. Upgrades first, then
    /// downgrades, each in the order of `afterIDs`.
    public func moves(before: Segmentation, beforeIDs: [String], after: Segmentation, afterIDs: [String]) -> [Move] {
        var earlier: [String: Int32] = [:]
        earlier.reserveCapacity(beforeIDs.count)
        for (i, id) in beforeIDs.enumerated() { earlier[id] = before.assignment[i] }
        let base = Int32(rules.count - 1)
        var up: [Move] = [], down: [Move] = []
        for (i, id) in afterIDs.enumerated() {
            let old = earlier[id] ?? base, new = after.assignment[i]
            guard old != new else { continue }
            let move = Move(customer: id, from: rules[Int(old)].key, to: rules[Int(new)].key, isUpgrade: new < old)
            if move.isUpgrade { up.append(move) } else { down.append(move) }
        }
        return up + down
    }
}
