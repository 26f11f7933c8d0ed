import CLVCore
extension ClusterProfile {
    /// What a profiled feature measures; it decides the word the automatic label uses.
    public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
        /// Days since the last purchase: lower is more recent ("recent" / "lapsed").
        case daysSinceLastPurchase
        /// Number of purchases ("frequent" / "infrequent").
        case frequency
        /// Spend per purchase or in total ("high-spend" / "low-spend").
        case spend
        /// Customer value, e.g. CLV ("high-value" / "low-value").
        case value
        /// Not used in labels.
        case other

        /// The role suggested by a column name: `recency…`/`days_since…` → days since last purchase,
        /// `frequency…`/`orders…` → frequency, `monetary…`/`spend…`/`amount…`/`revenue…` → spend,
        /// `clv…`/`ltv…`/`…value…` → value, anything else → other (case-insensitive).
        public init(columnName: String) {
            let name = columnName.lowercased()
            func has(_ words: String...) -> Bool { words.contains { name.contains($0) } }
            if has("recency", "days_since") { self = .daysSinceLastPurchase }
            else if has("frequency", "orders") { self = .frequency }
            else if has("monetary", "spend", "amount", "revenue") { self = .spend }
            else if has("clv", "ltv", "value") { self = .value }
            else { self = .other }
        }

        /// The words for a cluster above and below all customers.
        var words: (above: BilingualText, below: BilingualText)? {
            switch self {
            case .daysSinceLastPurchase: return (BilingualText("lapsed", "久未购买"), BilingualText("recent", "近期"))
            case .frequency: return (BilingualText("frequent", "高频"), BilingualText("infrequent", "低频"))
            case .spend: return (BilingualText("high-spend", "高消费"), BilingualText("low-spend", "低消费"))
            case .value: return (BilingualText("high-value", "高价值"), BilingualText("low-value", "低价值"))
            case .other: return nil
            }
        }
    }

    /// A short label such as "recent, frequent, high-spend" / "近期、高频、高消费".
    ///
    /// For the first feature of each role, in the order recency, frequency, spend, value, the cluster
    /// median is compared with the median of all customers (on a tie, the means decide; on a tie
    /// of both the feature is left out). "typical" / "典型" when no feature differs, and
    /// "cluster N" / "第 N 类" when no feature has a role.
    public static func automaticLabel(cluster: Int, medians: [Double], means: [Double], overallMedians: [Double],
                                      overallMeans: [Double], roles: [Role]) -> BilingualText {
        var english: [String] = [], chinese: [String] = []
        var anyRole = false
        for role in [Role.daysSinceLastPurchase, .frequency, .spend, .value] {
            guard let f = roles.firstIndex(of: role), let words = role.words else { continue }
            anyRole = true
            let above = medians[f] != overallMedians[f] ? medians[f] > overallMedians[f]
                : means[f] != overallMeans[f] ? means[f] > overallMeans[f] : nil
            guard let above else { continue }
            let word = above ? words.above : words.below
            english.append(word.english)
            chinese.append(word.chinese)
        }
        guard anyRole else { return BilingualText("cluster \(cluster)", "第 \(cluster) 类") }
        guard !english.isEmpty else { return BilingualText("typical", "典型") }
        return BilingualText(english.joined(separator: ", "), chinese.joined(separator: "、"))
    }
}
