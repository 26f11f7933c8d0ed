/// Thresholds of the key-indicator alerts.
public struct AlertRules: Sendable, Hashable, Codable {
    /// Alert when the days since the last purchase exceed this multiple of the customer's usual gap.
    public var overdueMultiple: Double = 2
    /// Alert when spend in the recent window fell by at least this share against the window before.
    public var spendDrop: Double = 0.5
    /// Alert when purchase days in the recent window fell by at least this share against the window before.
    public var frequencyDrop: Double = 0.5
    /// Ignore drops from a previous window with less spend than this (noise).
    public var minimumPreviousSpend: Double = 0

    /// Rules with the given thresholds; the defaults are 2× the usual gap and 50% drops.
    public init(overdueMultiple: Double = 2, spendDrop: Double = 0.5, frequencyDrop: Double = 0.5, minimumPreviousSpend: Double = 0) {
        self.overdueMultiple = overdueMultiple
        self.spendDrop = spendDrop
        self.frequencyDrop = frequencyDrop
        self.minimumPreviousSpend = minimumPreviousSpend
    }
}

/// One alert: a customer, the indicator that fired, its value and the threshold.
public struct Alert: Sendable, Hashable, Codable {
    /// The indicator that fired: `overdue` (days since the last purchase ÷ the usual gap), `spendDrop`
    /// (`spend_drop`) and `frequencyDrop` (`frequency_drop`), the fall in spend or in purchase days from the
    /// previous trend window to the last one.
    public enum Indicator: String, Sendable, Hashable, Codable, CaseIterable {
        case overdue, spendDrop = "spend_drop", frequencyDrop = "frequency_drop"
    }
    /// The customer id.
    public var customer: String
    /// The indicator that fired.
    public var indicator: Indicator
    /// The indicator's value: the overdue ratio for `overdue`, the share lost (0–1) for the drops.
    public var value: Double
    /// The rule it was compared with (``AlertRules``).
    public var threshold: Double
    /// A one-line reason in plain words.
    public var reason: String
}

/// Key-indicator alerts from a feature set (see ``CustomerFeatures``): overdue against the customer's
/// own rhythm (for a customer with one purchase day, against the typical gap of the repeat customers,
/// and the reason says so), spend drop and frequency drop between the two trend windows.
public enum KeyIndicatorAlerts {
    /// The alerts of every customer in `set`, in the set's customer order; a customer can have up to three.
    /// `overdue` fires when the overdue ratio is above ``AlertRules/overdueMultiple``; a drop fires when the
    /// previous window's figure is positive (spend above ``AlertRules/minimumPreviousSpend``) and the share lost
    /// is at least the rule.
    /// - Throws: ``PredictionError/shape(_:)`` when `set` lacks one of the columns ``CustomerFeatures`` builds.
    public static func alerts(_ set: CustomerFeatureSet, rules: AlertRules = AlertRules()) throws -> [Alert] {
        let f = set.features
        func column(_ prefix: String) throws -> Int {
            guard let j = f.names.firstIndex(where: { $0.hasPrefix(prefix) }) else {
                throw PredictionError.shape("the feature set has no \(prefix) column")
            }
            return j
        }
        let (overdue, gap, recency) = (try column("overdue_ratio"), try column("gap_mean_days"), try column("recency_days"))
        let days = try column("purchase_days")
        let (lastP, prevP) = (try column("purchases_last_"), try column("purchases_previous_"))
        let (lastS, prevS) = (try column("spend_last_"), try column("spend_previous_"))
        var out: [Alert] = []
        for i in 0..<f.rowCount {
            let id = set.customerIDs[i]
            if f[i, overdue] > rules.overdueMultiple {
                // A customer with one purchase day has no rhythm of its own: the gap is that of the repeat customers.
                let reason = f[i, days] < 2
                    ? "one purchase only, \(Int(f[i, recency])) days ago: \(format(f[i, overdue]))× the typical gap of \(format(f[i, gap])) days between purchases of repeat customers"
                    : "no purchase for \(Int(f[i, recency])) days, \(format(f[i, overdue]))× the usual gap of \(format(f[i, gap])) days"
                out.append(Alert(customer: id, indicator: .overdue, value: f[i, overdue], threshold: rules.overdueMultiple, reason: reason))
            }
            let (ps, ls) = (f[i, prevS], f[i, lastS])
            if ps > max(rules.minimumPreviousSpend, 0), (ps - ls) / ps >= rules.spendDrop {
                out.append(Alert(customer: id, indicator: .spendDrop, value: (ps - ls) / ps, threshold: rules.spendDrop,
                                 reason: "spend fell \(Int(((ps - ls) / ps * 100).rounded()))% (\(format(ps)) → \(format(ls))) between the trend windows"))
            }
            let (pp, lp) = (f[i, prevP], f[i, lastP])
            if pp > 0, (pp - lp) / pp >= rules.frequencyDrop {
                out.append(Alert(customer: id, indicator: .frequencyDrop, value: (pp - lp) / pp, threshold: rules.frequencyDrop,
                                 reason: "purchase days fell from \(Int(pp)) to \(Int(lp)) between the trend windows"))
            }
        }
        return out
    }

    static func format(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
