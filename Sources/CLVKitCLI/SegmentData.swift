import CLVKit
import Foundation

/// The per-customer figures `clv segment` works from: a daily summary of the log at the as-of date,
/// and, on demand, the same customers' cumulative orders and spend at earlier dates (for windows,
/// trends and tier moves) and model scores.
struct SegmentData {
    let input: InputOptions
    let quiet: Bool
    /// The summary at ``asOf`` (days).
    let table: SummaryTable
    let report: IngestReport
    /// The end of observation: the as-of date of every figure.
    let asOf: CalendarDay
    var metrics: CustomerMetrics
    /// Why model scores have no CLV (see ``SpendModelFit``), after ``addModelScores(_:value:horizonDays:)``.
    var spendModelNote: String?

    init(input: InputOptions, observationEnd: CalendarDay?, quiet: Bool) throws {
        self.input = input
        self.quiet = quiet
        let (table, report) = try SegmentData.read(input, end: observationEnd, quiet: quiet)
        self.table = table
        self.report = report
        asOf = table.observationEnd
        metrics = try CustomerMetrics(summary: table)
    }

    /// The figures of a daily summary already read (`table` counted in days, time unit day).
    init(input: InputOptions, table: SummaryTable, report: IngestReport, quiet: Bool) throws {
        precondition(table.frequency == .day && table.timeUnit == .day)
        self.input = input
        self.quiet = quiet
        self.table = table
        self.report = report
        asOf = table.observationEnd
        metrics = try CustomerMetrics(summary: table)
    }

    /// Summaries of the log up to earlier dates, read once each (windows, trends and tier moves ask for
    /// the same dates more than once).
    private final class Snapshots {
        var tables: [CalendarDay: SummaryTable] = [:]
    }
    private let snapshots = Snapshots()

    /// The daily summary of the log up to and including `day`, read on first use.
    func snapshot(at day: CalendarDay) throws -> SummaryTable {
        if let t = snapshots.tables[day] { return t }
        let (t, _) = try SegmentData.read(input, end: day, quiet: true)
        snapshots.tables[day] = t
        return t
    }

    static func read(_ input: InputOptions, end: CalendarDay?, quiet: Bool) throws -> (SummaryTable, IngestReport) {
        let progress = ProgressLine("reading \(input.input)\(end.map { " up to \($0)" } ?? "")", quiet: quiet)
        defer { progress.finish() }
        let result = try TransactionLogReader.summarize(
            path: try input.readablePath(), options: input.ingestOptions,
            summary: SummaryOptions(frequency: .day, timeUnit: .day, observationEnd: end),
            progress: { progress.update(done: $0, total: $1) })
        printTimings(result.1)
        return result
    }

    /// Cumulative orders and spend of this table's customers up to and including `day` (0 for customers
    /// who had not bought yet), read from the log again.
    func cumulative(at day: CalendarDay) throws -> (orders: [Double], spend: [Double], table: SummaryTable?) {
        let zero = [Double](repeating: 0, count: table.count)
        guard day < asOf else { return (metrics.orders, metrics.spend, table) }
        guard let first = report.firstDate, day >= first else { return (zero, zero, nil) }
        let earlier = try snapshot(at: day)
        var orders = zero, spend = zero
        for (j, i) in CustomerMetrics.positions(of: earlier.customerIDs, in: table.customerIDs).enumerated() where i >= 0 {
            orders[i] = Double(earlier.orders[j])
            spend[i] = earlier.hasMonetary ? earlier.totalSpend[j] : 0
        }
        return (orders, spend, earlier)
    }

    /// Orders and spend in the `days` days up to `end` (difference of cumulative figures).
    func window(days: Int, endingAt end: CalendarDay) throws -> (orders: [Double], spend: [Double]) {
        let upper = try cumulative(at: end)
        let lower = try cumulative(at: end.adding(days: -days))
        return (zip(upper.orders, lower.orders).map { $0 - $1 }, zip(upper.spend, lower.spend).map { $0 - $1 })
    }

    /// Fits `kind` (weeks) and, with amounts, Gamma-Gamma; adds P(alive) and CLV to the metrics.
    mutating func addModelScores(_ kind: TransactionModelKind, value: ValueOptions, horizonDays: Double) throws {
        let weeks = TimeUnit.week
        let recency = table.recency.map { $0 / weeks.days }, age = table.age.map { $0 / weeks.days }
        let cells = try RFMCells(frequency: table.repeatPurchases.map(Double.init), recency: recency, age: age)
        let (model, _) = try ModelRunner.fit(kind, cells, options: FitOptions())
        var spend: GammaGammaModel?
        if table.hasMonetary {
            let spendCells = try GammaGammaModel.SpendCells(frequency: table.repeatPurchases.map(Double.init), meanValue: table.monetaryValue)
            let fit = SpendModelFit(spendCells)
            spend = fit.model
            spendModelNote = fit.note
        }
        let scores = model.score(frequency: table.repeatPurchases, recency: recency, age: age,
                                 monetaryValue: table.hasMonetary ? table.monetaryValue : nil,
                                 horizon: horizonDays / weeks.days, spend: spend, timeUnit: weeks,
                                 lifetimeValue: value.lifetimeValue(horizonDays: horizonDays))
        guard scores.probabilityAlive.allSatisfy(\.isFinite), (scores.lifetimeValue ?? []).allSatisfy(\.isFinite) else {
            throw ModelError.unusableModel(model: kind.rawValue, reason: "some predictions are not finite numbers; nothing was written.")
        }
        metrics.probabilityAlive = scores.probabilityAlive
        metrics.lifetimeValue = scores.lifetimeValue
    }
}

extension SegmentData {
    /// The lifecycle stage of every customer: ``LifecycleStages`` with the trend rule (orders in the last
    /// `trendWindow` days against the window before) and the reactivation rule (churned at the start of
    /// the trend window, judged on the data up to then without a model or trend, and bought since).
    /// `clv segment --method lifecycle` and `clv analyze` both call this: it is the one definition.
    func lifecycleStages(trendWindow: Int, options: LifecycleOptions) throws
        -> (segmentation: Segmentation, recentOrders: [Double], previousOrders: [Double]) {
        let recent = try window(days: trendWindow, endingAt: asOf)
        let previous = try window(days: trendWindow, endingAt: asOf.adding(days: -trendWindow))
        var reactivated: [Bool]?
        let start = asOf.adding(days: -trendWindow)
        if let first = report.firstDate, start >= first {
            let earlier = try CustomerMetrics(summary: snapshot(at: start))
            let stages = try LifecycleStages.assign(earlier, options: options)
            reactivated = LifecycleStages.reactivated(earlier: stages, earlierIDs: earlier.ids, earlierOrders: earlier.orders,
                                                      currentIDs: metrics.ids, currentOrders: metrics.orders)
        }
        let history = LifecycleHistory(recentOrders: recent.orders, previousOrders: previous.orders, reactivated: reactivated)
        return (try LifecycleStages.assign(metrics, history: history, options: options), recent.orders, previous.orders)
    }
}

extension CustomerMetrics {
    /// The figures of a summary table: recency and tenure converted to days from the table's time unit,
    /// orders, and net spend (0 without amounts).
    init(summary t: SummaryTable, lifetimeValue: [Double]? = nil, probabilityAlive: [Double]? = nil) throws {
        let days = t.timeUnit.days
        try self.init(ids: t.customerIDs, recencyDays: zip(t.age, t.recency).map { ($0 - $1) * days },
                      orders: t.orders.map(Double.init), spend: t.hasMonetary ? t.totalSpend : t.orders.map { _ in 0 },
                      tenureDays: t.age.map { $0 * days }, lifetimeValue: lifetimeValue, probabilityAlive: probabilityAlive)
    }
}
