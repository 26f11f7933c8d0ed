import CLVCore

/// What the label of a feature row says.
public enum PredictionTarget: String, Sendable, Hashable, CaseIterable, Codable {
    /// 1 when the customer makes no purchase in the horizon after the cutoff.
    case churn
    /// 1 when the customer makes at least one purchase in the horizon after the cutoff.
    case purchase
}

extension PredictionTarget {
    /// The positive and the negative class in plain words.
    public var classNames: (positive: String, negative: String) {
        self == .churn ? ("churned", "stayed") : ("bought", "did not buy")
    }
}

/// Options of ``CustomerFeatures``.
public struct FeatureOptions: Sendable, Hashable, Codable {
    /// Label horizon after the cutoff, in days.
    public var horizonDays: Int = 273
    /// What the label says: churn (no purchase in the horizon) or purchase.
    public var target: PredictionTarget = .churn
    /// Trend window: purchases in the last `trendDays` against the `trendDays` before.
    public var trendDays: Int = 90
    /// Channel-mix columns for at most this many channels (the most used ones before the cutoff).
    public var maxChannels: Int = 5

    /// Options; by default a 273-day churn horizon, 90-day trend windows and up to 5 channel columns.
    /// ``CustomerFeatures/build(_:cutoff:dataEnd:options:)`` checks them.
    public init(horizonDays: Int = 273, target: PredictionTarget = .churn, trendDays: Int = 90, maxChannels: Int = 5) {
        self.horizonDays = horizonDays
        self.target = target
        self.trendDays = trendDays
        self.maxChannels = maxChannels
    }
}

/// Per-customer features at a cutoff date, computed only from rows on or before the cutoff, and the
/// label from the rows in the horizon after it.
public struct CustomerFeatureSet: Sendable {
    /// The last day whose rows feed the features; labels come from the days after it.
    public var cutoff: CalendarDay
    /// The customers with a purchase on or before the cutoff, in order of first appearance in the log.
    public var customerIDs: [String]
    /// One row per customer of ``customerIDs``, with the columns listed on ``CustomerFeatures``.
    public var features: FeatureTable
    /// nil when the log ends before cutoff + horizon (the outcome is not known yet).
    public var labels: [UInt8]?
    /// The buy-till-you-die summary at the cutoff, in days: repeat purchase days x, first → last purchase tₓ,
    /// first purchase → cutoff T (for model-score features).
    public var repeatPurchases: [Double]
    /// BTYD recency tₓ in days: first purchase day to last purchase day (0 for one purchase day), not the
    /// days since the last purchase (that is the `recency_days` column).
    public var recencySpan: [Double]
    /// BTYD age T in days: first purchase day to the cutoff (the `tenure_days` column).
    public var age: [Double]
}

/// Builds churn / next-purchase features from a transaction log.
///
/// A *purchase day* is a day with at least one row whose amount is ≥ 0; rows with negative amounts are
/// returns. Columns (all from rows on or before the cutoff):
/// `recency_days` (cutoff − last purchase), `tenure_days` (cutoff − first purchase), `purchase_days`,
/// `purchases_per_year` (purchase days per 365 days of tenure, tenure at least 1 day), `net_spend`,
/// `spend_per_purchase_day`, `returns_share` (returned amount ÷ purchased amount), `gap_mean_days`
/// (mean days between purchase days; customers with one purchase day get the median of those with
/// more), `gap_cv` (coefficient of variation of the gaps, 0 with fewer than two gaps), `overdue_ratio`
/// (recency ÷ mean gap), `purchases_last_N`/`purchases_previous_N` and `spend_last_N`/`spend_previous_N`
/// (the trend windows), `trend` ((last − previous) ÷ (last + previous), 0 when both are 0), with a
/// quantity column `quantity_per_purchase_day`, and with a channel column `channel_count` and
/// `channel_share_<name>` (share of purchase rows) for the most used channels.
public enum CustomerFeatures {
    /// Features at `cutoff`; labels when the data reach cutoff + horizon (`dataEnd`: the end of the log's
    /// observation, default its last row's date).
    public static func build(_ rows: TransactionRows, cutoff: CalendarDay, dataEnd: CalendarDay? = nil,
                             options: FeatureOptions = FeatureOptions()) throws -> CustomerFeatureSet {
        guard options.horizonDays > 0, options.trendDays > 0, options.maxChannels >= 0 else {
            throw PredictionError.invalidOption("horizon and trend window must be positive")
        }
        let c = cutoff.daysSinceEpoch
        let horizonEnd = c + Int32(options.horizonDays)
        let customers = rows.customerIDs.count
        // Group row indices by customer (counting sort), keeping rows up to the horizon end.
        var start = [Int](repeating: 0, count: customers + 1)
        for k in 0..<rows.count where rows.day[k] <= horizonEnd { start[Int(rows.customer[k]) + 1] += 1 }
        for i in 0..<customers { start[i + 1] += start[i] }
        var fill = start
        var grouped = [Int32](repeating: 0, count: start[customers])
        for k in 0..<rows.count where rows.day[k] <= horizonEnd {
            let i = Int(rows.customer[k])
            grouped[fill[i]] = Int32(k)
            fill[i] += 1
        }
        // Channels ranked by use before the cutoff.
        var channelColumns: [Int] = []
        if let channel = rows.channel {
            var uses = [Int](repeating: 0, count: rows.channelNames.count)
            for k in 0..<rows.count where rows.day[k] <= c && rows.amount[k] >= 0 && channel[k] >= 0 { uses[Int(channel[k])] += 1 }
            channelColumns = Array(uses.indices.filter { uses[$0] > 0 }.sorted { uses[$0] > uses[$1] || (uses[$0] == uses[$1] && $0 < $1) }
                .prefix(options.maxChannels))
        }
        let w = Int32(options.trendDays)
        var names = ["recency_days", "tenure_days", "purchase_days", "purchases_per_year", "net_spend", "spend_per_purchase_day",
                     "returns_share", "gap_mean_days", "gap_cv", "overdue_ratio",
                     "purchases_last_\(w)d", "purchases_previous_\(w)d", "spend_last_\(w)d", "spend_previous_\(w)d", "trend"]
        if rows.quantity != nil { names.append("quantity_per_purchase_day") }
        if rows.channel != nil { names.append("channel_count"); names += channelColumns.map { "channel_share_\(rows.channelNames[$0])" } }

        struct Row { var values: [Double]; var gapMean: Double?; var label: UInt8 }
        var out: [Row] = [], ids: [String] = [], xs: [Double] = [], spans: [Double] = [], ages: [Double] = []
        var repeatGaps: [Double] = []
        var days: [Int32] = []
        for i in 0..<customers {
            days.removeAll(keepingCapacity: true)
            var net = 0.0, bought = 0.0, returned = 0.0, quantity = 0.0
            var purchaseRows = 0, futurePurchases = 0
            var recentDays = Set<Int32>(), previousDays = Set<Int32>()
            var recentSpend = 0.0, previousSpend = 0.0
            var channelUses = [Int](repeating: 0, count: rows.channelNames.count)
            for g in start[i]..<start[i + 1] {
                let k = Int(grouped[g])
                let d = rows.day[k], a = rows.amount[k]
                if d > c {
                    if a >= 0 { futurePurchases += 1 }
                    continue
                }
                net += a
                if a < 0 { returned -= a; continue }
                bought += a
                purchaseRows += 1
                days.append(d)
                quantity += rows.quantity?[k] ?? 0
                if let ch = rows.channel?[k], ch >= 0 { channelUses[Int(ch)] += 1 }
                if d > c - w { recentDays.insert(d); recentSpend += a } else if d > c - 2 * w { previousDays.insert(d); previousSpend += a }
            }
            guard !days.isEmpty else { continue }
            days.sort()
            var distinct: [Int32] = [days[0]]
            for d in days.dropFirst() where d != distinct.last! { distinct.append(d) }
            let first = distinct.first!, last = distinct.last!
            let n = Double(distinct.count)
            var gapMean: Double?, gapCV = 0.0
            if distinct.count >= 2 {
                let gaps = zip(distinct.dropFirst(), distinct).map { Double($0 - $1) }
                let mean = gaps.reduce(0, +) / Double(gaps.count)
                gapMean = mean
                repeatGaps.append(mean)
                if gaps.count >= 2 {
                    let variance = gaps.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(gaps.count)
                    gapCV = mean > 0 ? variance.squareRoot() / mean : 0
                }
            }
            let recency = Double(c - last), tenure = Double(c - first)
            let (r, p) = (Double(recentDays.count), Double(previousDays.count))
            var values = [recency, tenure, n, n * 365 / max(tenure, 1), net, net / n,
                          bought > 0 ? returned / bought : 0, gapMean ?? .nan, gapCV, .nan,
                          r, p, recentSpend, previousSpend, r + p > 0 ? (r - p) / (r + p) : 0]
            if rows.quantity != nil { values.append(quantity / n) }
            if rows.channel != nil {
                values.append(Double(channelUses.filter { $0 > 0 }.count))
                values += channelColumns.map { Double(channelUses[$0]) / Double(purchaseRows) }
            }
            let purchased: UInt8 = futurePurchases > 0 ? 1 : 0
            out.append(Row(values: values, gapMean: gapMean, label: options.target == .purchase ? purchased : 1 - purchased))
            ids.append(rows.customerIDs[i])
            xs.append(n - 1)
            spans.append(Double(last - first))
            ages.append(tenure)
        }
        guard !out.isEmpty else { throw PredictionError.shape("no customer has a purchase on or before \(cutoff)") }
        // One-time buyers get the median gap of repeat buyers (90 days when there are none).
        repeatGaps.sort()
        let typicalGap = repeatGaps.isEmpty ? 90 : repeatGaps[repeatGaps.count / 2] / 2 + repeatGaps[(repeatGaps.count - 1) / 2] / 2
        var flat: [Double] = []
        flat.reserveCapacity(out.count * names.count)
        for row in out {
            var v = row.values
            let gap = max(row.gapMean ?? typicalGap, 1)
            v[7] = gap
            v[9] = v[0] / gap
            flat += v
        }
        let lastDay = dataEnd?.daysSinceEpoch ?? rows.day.max() ?? c
        return CustomerFeatureSet(cutoff: cutoff, customerIDs: ids, features: try FeatureTable(names: names, values: flat),
                                  labels: lastDay >= horizonEnd ? out.map(\.label) : nil,
                                  repeatPurchases: xs, recencySpan: spans, age: ages)
    }
}
