import CLVCore
import CLVModels
import CLVPredict

/// What ``SimilarValuePrediction/run(_:dataEnd:options:)`` does: `clv churn similar-value`'s flags.
public struct SimilarValueOptions: Sendable {
    /// The prediction date; nil is the data end − horizon, so the prediction can be checked.
    public var cutoff: CalendarDay?
    /// The value horizon in days.
    public var horizonDays: Int
    /// Neighbours.
    public var neighbours: Int
    /// Reference customers sampled at most (the search is exact among them).
    public var maxReferences: Int
    /// Seed of the reference sample.
    public var seed: UInt64

    /// `clv churn similar-value`'s defaults: 26 weeks, 20 neighbours among at most 20,000 references.
    public init(cutoff: CalendarDay? = nil, horizonDays: Int = 182, neighbours: Int = 20, maxReferences: Int = 20_000, seed: UInt64 = 1) {
        self.cutoff = cutoff; self.horizonDays = horizonDays; self.neighbours = neighbours
        self.maxReferences = maxReferences; self.seed = seed
    }
}

/// The result of ``SimilarValuePrediction/run(_:dataEnd:options:)``, per customer at the cutoff.
public struct SimilarValueResult: Sendable {
    /// The customers with a purchase on or before the cutoff.
    public var customerIDs: [String]
    /// The mean realized spend of each customer's nearest reference customers.
    public var similarCustomerValue: [Double]
    /// MBG/NBD expected purchases × Gamma-Gamma expected spend; nil when the spend model cannot be fitted.
    public var modelValue: [Double]?
    /// Net spend in the horizon after the cutoff; nil when the data do not reach its end.
    public var realizedValue: [Double]?
    /// The prediction date.
    public var cutoff: CalendarDay
    /// Why there is no model value (see ``SpendModelFit``).
    public var spendModelNote: String?
    /// The accuracy of each prediction against the realized value (similar customers first, then the model), when known.
    public var accuracy: [(name: String, accuracy: ValueAccuracy)]
}

/// Similar-customer value prediction (k nearest neighbours on standardized features), evaluated against
/// the model-based value on a holdout: `clv churn similar-value` as a library call.
///
/// References are the customers at cutoff − horizon, with their features then and their realized net spend
/// in the following horizon. Each customer at the cutoff gets the mean realized spend of its nearest
/// references. The model-based value is MBG/NBD expected purchases × Gamma-Gamma expected spend per
/// purchase day, fitted on the data before the cutoff.
public enum SimilarValuePrediction {
    /// Predicts and, when the data reach cutoff + horizon, evaluates.
    /// - Throws: ``PredictionError`` or ``ModelError`` for too few customers or a failed fit.
    public static func run(_ rows: TransactionRows, dataEnd: CalendarDay, options: SimilarValueOptions) throws -> SimilarValueResult {
        let h = options.horizonDays
        guard h > 0, options.neighbours > 0, options.maxReferences > 0 else {
            throw ModelError.invalidOption("the horizon, neighbours and references must be positive.")
        }
        let at = options.cutoff ?? dataEnd.adding(days: -h)
        let features = FeatureOptions(horizonDays: h)
        let index = Dictionary(uniqueKeysWithValues: rows.customerIDs.enumerated().map { ($1, $0) })
        // Realized net spend of each customer in (from, from + h].
        func spend(after from: CalendarDay, ids: [String]) -> [Double] {
            var total = [Double](repeating: 0, count: rows.customerIDs.count)
            let (lo, hi) = (from.daysSinceEpoch, from.daysSinceEpoch + Int32(h))
            for k in 0..<rows.count where rows.day[k] > lo && rows.day[k] <= hi { total[Int(rows.customer[k])] += rows.amount[k] }
            return ids.map { total[index[$0]!] }
        }
        let referenceSet = try CustomerFeatures.build(rows, cutoff: at.adding(days: -h), dataEnd: dataEnd, options: features)
        let querySet = try CustomerFeatures.build(rows, cutoff: at, dataEnd: dataEnd, options: features)
        let knn = try SimilarCustomerValue(reference: referenceSet.features, values: spend(after: at.adding(days: -h), ids: referenceSet.customerIDs),
                                           k: options.neighbours, maxReferences: options.maxReferences, seed: options.seed)
        let predicted = try knn.predict(FeatureBuilder.align(querySet.features, to: referenceSet.features.names))
        // Model-based value: expected purchases × expected spend per purchase.
        var scored = querySet
        try scored.addModelScores(.mbgnbd, horizonDays: h)
        let names = scored.features.names
        let expected = scored.features.column(names.firstIndex(of: "expected_purchases")!)
        let perDay = scored.features.column(names.firstIndex(of: "spend_per_purchase_day")!)
        let cells = try GammaGammaModel.SpendCells(frequency: querySet.repeatPurchases, meanValue: perDay.map { max($0, 0) })
        let spendFit = SpendModelFit(cells)
        let modelValue: [Double]? = spendFit.model.map { gg in
            querySet.customerIDs.indices.map { i in expected[i] * gg.expectedSpend(x: querySet.repeatPurchases[i], meanValue: max(perDay[i], 0)) }
        }
        let realized = at.adding(days: h) <= dataEnd ? spend(after: at, ids: querySet.customerIDs) : nil
        var accuracy: [(name: String, accuracy: ValueAccuracy)] = []
        if let realized {
            for (name, p) in [("similar customers", predicted)] + (modelValue.map { [("model", $0)] } ?? []) {
                accuracy.append((name, ValueAccuracy(predicted: p, realized: realized)))
            }
        }
        return SimilarValueResult(customerIDs: querySet.customerIDs, similarCustomerValue: predicted, modelValue: modelValue,
                                  realizedValue: realized, cutoff: at, spendModelNote: spendFit.note, accuracy: accuracy)
    }
}

/// Customers whose purchases in a recent window deviate from their own history or from the model:
/// `clv churn deviations` as a library call.
public enum DeviationScan {
    /// The deviations of ``run(_:windowDays:end:threshold:minimumExpected:)``, largest first per basis.
    public struct Result: Sendable {
        /// Own-history deviations, then model deviations.
        public var deviations: [Deviation]
        /// The window: after `start`, up to and including `end`.
        public var start: CalendarDay, end: CalendarDay
        /// Customers with a purchase before the window.
        public var customers: Int
    }

    /// Expected purchase days in the `windowDays` up to `end`: from each customer's own rate before the
    /// window, and from MBG/NBD fitted on the data before it. Reports |z| ≥ `threshold` with
    /// z = (actual − expected)/√expected, skipping expectations below `minimumExpected`.
    public static func run(_ rows: TransactionRows, windowDays w: Int, end: CalendarDay, threshold: Double, minimumExpected: Double) throws -> Result {
        guard w > 0 else { throw ModelError.invalidOption("the window must be at least one day.") }
        let start = end.adding(days: -w)
        var before = try CustomerFeatures.build(rows, cutoff: start, dataEnd: end, options: FeatureOptions(horizonDays: w))
        try before.addModelScores(.mbgnbd, horizonDays: w)
        let now = try CustomerFeatures.build(rows, cutoff: end, dataEnd: end, options: FeatureOptions(horizonDays: 1))
        let names = before.features.names
        let days = before.features.column(names.firstIndex(of: "purchase_days")!)
        let tenure = before.features.column(names.firstIndex(of: "tenure_days")!)
        let expectedModel = before.features.column(names.firstIndex(of: "expected_purchases")!)
        let nowIndex = Dictionary(uniqueKeysWithValues: now.customerIDs.enumerated().map { ($1, $0) })
        let nowDays = now.features.column(now.features.names.firstIndex(of: "purchase_days")!)
        let actual = before.customerIDs.indices.map { i in nowIndex[before.customerIDs[i]].map { nowDays[$0] - days[i] } ?? 0 }
        let own = DeviationDetection.ownHistoryExpectation(purchaseDaysBefore: days, historyDaysBefore: tenure, windowDays: Double(w))
        let found = try DeviationDetection.deviations(customers: before.customerIDs, actual: actual, expected: own, basis: .ownHistory,
                                                      threshold: threshold, minimumExpected: minimumExpected)
            + DeviationDetection.deviations(customers: before.customerIDs, actual: actual, expected: expectedModel, basis: .model,
                                            threshold: threshold, minimumExpected: minimumExpected)
        return Result(deviations: found, start: start, end: end, customers: before.customerIDs.count)
    }
}

/// Key-indicator alerts at a date (overdue against the customer's own rhythm, spend drop, frequency drop):
/// `clv churn alerts` as a library call.
public enum AlertScan {
    /// The alerts of the customers with a purchase on or before `at`, and how many customers there are.
    public static func run(_ rows: TransactionRows, at: CalendarDay, trendDays: Int, rules: AlertRules) throws
        -> (alerts: [Alert], customers: Int) {
        let set = try CustomerFeatures.build(rows, cutoff: at, dataEnd: at, options: FeatureOptions(horizonDays: 1, trendDays: trendDays))
        return (try KeyIndicatorAlerts.alerts(set, rules: rules), set.customerIDs.count)
    }
}
