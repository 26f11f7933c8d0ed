import CLVCore
/// How R, F and M are turned into scores.
public enum RFMBinning: Sendable, Hashable {
    /// Quantile buckets 1…bins with SQL `NTILE` semantics (equal values may be split, ties ordered by id).
    case ntile(bins: Int)
    /// Quantile buckets 1…bins where equal values always share a score.
    case quantilesKeepingTies(bins: Int)
    /// Explicit cut points: recency in days (upper bounds of the best scores, ascending), frequency
    /// and monetary (lower bounds of scores 2, 3, …, ascending). See ``ThresholdScoring``.
    case thresholds(recencyDays: [Double], frequency: [Double], monetary: [Double])
}

/// What the eight classic RFM segments compare each customer with.
public enum RFMSplitBasis: String, Sendable, Hashable, CaseIterable, Codable {
    /// Raw recency days, orders and monetary value against their mean or median (the default).
    case values
    /// The 1…5 scores against the mean or median score.
    case scores
}

/// The reference point of the high/low split.
public enum SplitReference: String, Sendable, Hashable, CaseIterable, Codable {
    case mean, median
}

/// Options of ``RFMSegmentation``.
public struct RFMOptions: Sendable, Hashable {
    /// How the R, F and M scores are formed (default: NTILE with 5 bins).
    public var binning: RFMBinning = .ntile(bins: 5)
    /// Monetary values above this quantile are capped before scoring and before computing the
    /// mean (one very large customer would otherwise move the mean above almost everyone). nil: no cap.
    public var monetaryCapQuantile: Double? = 0.99
    /// Whether the eight segments split raw values or scores.
    public var basis: RFMSplitBasis = .values
    /// Whether the high/low split is at the mean or the median.
    public var reference: SplitReference = .mean

    /// Options; the defaults are NTILE with 5 bins, a cap at the 99th percentile, and values split at the mean.
    public init(binning: RFMBinning = .ntile(bins: 5), monetaryCapQuantile: Double? = 0.99,
                basis: RFMSplitBasis = .values, reference: SplitReference = .mean) {
        self.binning = binning
        self.monetaryCapQuantile = monetaryCapQuantile
        self.basis = basis
        self.reference = reference
    }
}

/// RFM scores and the eight classic RFM segments of every customer.
public struct RFMResult: Sendable {
    /// R score of each customer, from 1 (longest since the last purchase) to the top score (most recent):
    /// the number of bins, or the number of cut points + 1.
    public var recencyScore: [Int32]
    /// F score of each customer, from 1 (fewest orders) to the top score.
    public var frequencyScore: [Int32]
    /// M score of each customer, from 1 (least monetary value, after the cap) to the top score.
    public var monetaryScore: [Int32]
    /// The segment of each customer (one of ``RFMSegmentation/segments``).
    public var segmentation: Segmentation
    /// The reference values of the high/low split (recency days or R score, orders or F score, monetary or M score).
    public var references: (recency: Double, frequency: Double, monetary: Double)
    /// The cap applied to monetary values, if any.
    public var monetaryCap: Double?
}

/// RFM scoring and the eight classic segments.
///
/// Each customer is *high* or *low* on recency, frequency and monetary value against the mean (or
/// median) of all customers: high recency means a purchase *more recently* than the reference (fewer
/// days), high frequency/monetary means strictly more than the reference. The 2 × 2 × 2 combinations
/// are the eight segments of the classic model (重要价值客户 … 一般挽留客户); each customer is in exactly one.
public enum RFMSegmentation {
    /// The eight segments: index = 4·(M low) + 2·(R low) + (F low), so the first four are the
    /// "important" (high-spend) ones, index 0 is R↑F↑M↑ (important value) and 7 is R↓F↓M↓.
    public static let segments: [SegmentDefinition] = [
        .init(key: "important_value", name: .init("Important value", "重要价值客户"),
              action: .init("Retain: VIP service, raise satisfaction, exclusive offers", "重点保持：VIP 服务，提升满意度，专属权益"),
              rule: .init("recent, frequent, high spend", "近期、高频、高消费")),
        .init(key: "important_development", name: .init("Important development", "重要发展客户"),
              action: .init("Raise purchase frequency: loyalty points, subscriptions, reminders", "提升购买频次：积分、订阅、复购提醒"),
              rule: .init("recent, infrequent, high spend", "近期、低频、高消费")),
        .init(key: "important_retention", name: .init("Important retention", "重要保持客户"),
              action: .init("Reach out before they lapse: personal contact, service call", "在流失前主动联系：专人回访、关怀"),
              rule: .init("not recent, frequent, high spend", "久未购买、高频、高消费")),
        .init(key: "important_win_back", name: .init("Important win-back", "重要挽留客户"),
              action: .init("Win back: find out why they left, targeted recovery offer", "重点挽留：了解流失原因，定向召回优惠"),
              rule: .init("not recent, infrequent, high spend", "久未购买、低频、高消费")),
        .init(key: "general_value", name: .init("General value", "一般价值客户"),
              action: .init("Upsell: premium products, bundles", "向上销售：推荐高价值商品、组合"),
              rule: .init("recent, frequent, low spend", "近期、高频、低消费")),
        .init(key: "general_development", name: .init("General development", "一般发展客户"),
              action: .init("Targeted promotion to build the habit", "定向促销，培养购买习惯"),
              rule: .init("recent, infrequent, low spend", "近期、低频、低消费")),
        .init(key: "general_retention", name: .init("General retention", "一般保持客户"),
              action: .init("Cross-sell related categories", "交叉销售相关品类"),
              rule: .init("not recent, frequent, low spend", "久未购买、高频、低消费")),
        .init(key: "general_win_back", name: .init("General win-back", "一般挽留客户"),
              action: .init("Low-cost contact only, or none", "低成本触达或不投入"),
              rule: .init("not recent, infrequent, low spend", "久未购买、低频、低消费")),
    ]

    /// The segment of a customer (or a cluster's typical customer) that is high or low on each dimension.
    public static func definition(recent: Bool, frequent: Bool, highSpend: Bool) -> SegmentDefinition {
        segments[index(recent: recent, frequent: frequent, highSpend: highSpend)]
    }

    static func index(recent: Bool, frequent: Bool, highSpend: Bool) -> Int {
        (highSpend ? 0 : 4) + (recent ? 0 : 2) + (frequent ? 0 : 1)
    }

    /// Scores and segments `metrics` with `monetary` as M (default: net spend to date).
    public static func segment(_ metrics: CustomerMetrics, monetary: [Double]? = nil,
                               options: RFMOptions = RFMOptions()) throws -> RFMResult {
        let n = metrics.count
        guard n > 0 else { throw SegmentationError.empty }
        var m = monetary ?? metrics.spend
        guard m.count == n else { throw SegmentationError.columnLength(name: "monetary", count: m.count, expected: n) }
        var cap: Double?
        if let q = options.monetaryCapQuantile {
            guard q > 0, q <= 1 else { throw SegmentationError.invalidOption("the monetary cap quantile must be in (0, 1], got \(q)") }
            let c = Quantiles.quantile(m, q)
            cap = c
            for i in m.indices where m[i] > c { m[i] = c }
        }
        let r: [Int32], f: [Int32], ms: [Int32]
        switch options.binning {
        case let .ntile(bins):
            guard bins >= 2 else { throw SegmentationError.invalidOption("RFM needs at least 2 bins, got \(bins)") }
            r = Ntile.buckets(metrics.recencyDays, ids: metrics.ids, tiles: bins, descending: true)
            f = Ntile.buckets(metrics.orders, ids: metrics.ids, tiles: bins)
            ms = Ntile.buckets(m, ids: metrics.ids, tiles: bins)
        case let .quantilesKeepingTies(bins):
            guard bins >= 2 else { throw SegmentationError.invalidOption("RFM needs at least 2 bins, got \(bins)") }
            r = Ntile.equalValuesShareScore(metrics.recencyDays, tiles: bins, descending: true)
            f = Ntile.equalValuesShareScore(metrics.orders, tiles: bins)
            ms = Ntile.equalValuesShareScore(m, tiles: bins)
        case let .thresholds(rc, fc, mc):
            for (name, cuts) in [("recency", rc), ("frequency", fc), ("monetary", mc)] {
                guard !cuts.isEmpty, zip(cuts, cuts.dropFirst()).allSatisfy({ $0 < $1 }), cuts.allSatisfy(\.isFinite) else {
                    throw SegmentationError.invalidOption("the \(name) cut points must be finite and strictly increasing, got \(cuts)")
                }
            }
            r = ThresholdScoring.descending(metrics.recencyDays, cuts: rc)
            f = ThresholdScoring.ascending(metrics.orders, cuts: fc)
            ms = ThresholdScoring.ascending(m, cuts: mc)
        }

        let columns: (r: [Double], f: [Double], m: [Double])
        switch options.basis {
        case .values: columns = (metrics.recencyDays, metrics.orders, m)
        case .scores: columns = (r.map(Double.init), f.map(Double.init), ms.map(Double.init))
        }
        func reference(_ v: [Double]) -> Double {
            options.reference == .mean ? v.reduce(0, +) / Double(v.count) : Quantiles.median(v)
        }
        let refs = (recency: reference(columns.r), frequency: reference(columns.f), monetary: reference(columns.m))
        var assignment = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            // With scores, a higher R score is more recent; with values, fewer days are.
            let recent = options.basis == .scores ? columns.r[i] > refs.recency : columns.r[i] < refs.recency
            let frequent = columns.f[i] > refs.frequency
            let big = columns.m[i] > refs.monetary
            assignment[i] = Int32(index(recent: recent, frequent: frequent, highSpend: big))
        }
        return RFMResult(recencyScore: r, frequencyScore: f, monetaryScore: ms,
                         segmentation: Segmentation(method: "rfm", segments: segments, assignment: assignment),
                         references: refs, monetaryCap: cap)
    }
}
