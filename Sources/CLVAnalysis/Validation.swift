import CLVCore
import CLVIngest
import CLVModels

/// The result of ``ModelValidation/run(_:models:options:)``: per model the fit, the holdout comparison and
/// the cohort's cumulative repeat purchases day by day, actual against predicted.
public struct ValidationResult: Sendable {
    /// One validated model.
    public struct Model: Sendable {
        /// The model.
        public var kind: TransactionModelKind
        /// Its fit on the calibration period.
        public var fit: FitReport
        /// Its predictions against the holdout.
        public var holdout: HoldoutValidation
        /// Predicted cumulative repeat purchases at the end of each day from ``ValidationResult/trackingStart``.
        public var predictedCumulative: [Double]
    }

    /// The unit of recency, T and the holdout length.
    public var timeUnit: TimeUnit
    /// The last day of the calibration period.
    public var calibrationEnd: CalendarDay
    /// The last day of the holdout.
    public var holdoutEnd: CalendarDay
    /// Length of the holdout in ``timeUnit``.
    public var holdoutDuration: Double
    /// Calibration customers.
    public var customers: Int
    /// The first day of the tracking curve.
    public var trackingStart: CalendarDay
    /// Actual cumulative repeat purchases of the calibration customers at the end of each day.
    public var actualCumulative: [Double]
    /// In the order asked for.
    public var models: [Model]
}

/// Fits transaction models on a calibration period and compares their predictions with the holdout:
/// `clv validate` as a library call (Fader, Hardie & Lee 2005, §5; the tracking curve of their Fig. 3).
public enum ModelValidation {
    /// Validates `models` on a calibration/holdout summary read with ``SummaryOptions/trackRepeatPurchases``.
    /// - Throws: ``ModelError/invalidData(_:)`` when the table has no holdout or no tracking counts, and what a fit throws.
    public static func run(_ t: SummaryTable, models kinds: [TransactionModelKind], options: FitOptions = FitOptions()) throws
        -> ValidationResult {
        guard let calibrationEnd = t.calibrationEnd, let holdoutEnd = t.holdoutEnd, let holdoutFrequency = t.holdoutFrequency,
              let duration = t.holdoutDuration else {
            throw ModelError.invalidData("validation needs a calibration/holdout summary (a calibration end).")
        }
        guard let daily = t.repeatPurchasesByDay else {
            throw ModelError.invalidData("validation needs the daily repeat-purchase counts (SummaryOptions.trackRepeatPurchases).")
        }
        let cells = try RFMCells(frequency: t.repeatPurchases.map(Double.init), recency: t.recency, age: t.age)
        var actual: [Double] = []
        var running = 0.0
        for c in daily { running += Double(c); actual.append(running) }
        let start = t.trackingStart ?? t.observationEnd
        var results: [ValidationResult.Model] = []
        for kind in kinds {
            let (m, report) = try kind.modelType.fit(cells: cells, options: options)
            let holdout = try HoldoutValidation(model: m, frequency: t.repeatPurchases, recency: t.recency, age: t.age,
                                                holdoutFrequency: holdoutFrequency, holdoutLength: duration)
            let predicted = m.expectedCumulativeRepeatPurchases(firstPurchases: t.firstPurchase, start: start, days: daily.count,
                                                                timeUnit: t.timeUnit)
            results.append(.init(kind: kind, fit: report, holdout: holdout, predictedCumulative: predicted))
        }
        return ValidationResult(timeUnit: t.timeUnit, calibrationEnd: calibrationEnd, holdoutEnd: holdoutEnd, holdoutDuration: duration,
                                customers: t.count, trackingStart: start, actualCumulative: actual, models: results)
    }
}
