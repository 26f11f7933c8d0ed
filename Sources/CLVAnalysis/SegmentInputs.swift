import CLVCore
import CLVIngest
import CLVModels
import CLVSegments

/// The per-customer figures the segmentations work from: a daily summary of the log at the as-of date,
/// and, on demand, the same customers' cumulative orders and spend at earlier dates (for windows, trends
/// and tier moves) and model scores. `clv segment` and `clv analyze` both build on it.
///
/// Summaries at earlier dates are folded from the rows of the one read (``rows``), without reading the
/// file again, once per date, and kept (windows, trends and tier moves ask for the same dates more than
/// once). Without rows they are read from the log. A copy shares them.
public struct SegmentInputs {
    /// The log the figures come from.
    public let source: TransactionLogSource
    /// The summary at ``asOf`` (frequency day, time unit day).
    public let table: SummaryTable
    /// The data-quality report of the read of ``table``.
    public let report: IngestReport
    /// The rows of that read, from which the summaries at earlier dates are folded (nil: they are read again).
    public let rows: ResolvedLog?
    /// The end of observation: the as-of date of every figure.
    public let asOf: CalendarDay
    /// Recency, orders, spend, tenure; P(alive) and CLV after ``addModelScores(_:lifetimeValue:)``.
    public var metrics: CustomerMetrics
    /// Why model scores have no CLV (see ``SpendModelFit``), after ``addModelScores(_:lifetimeValue:)``.
    public var spendModelNote: String?
    /// Receives the events of the fits and (without ``rows``) reads that later calls make.
    public var progress: PipelineProgress?

    /// Reads the daily summary of `source` up to `observationEnd` (default: the last transaction date),
    /// keeping the rows for the earlier dates.
    public init(source: TransactionLogSource, observationEnd: CalendarDay?, progress: PipelineProgress? = nil) throws {
        let (table, report, rows) = try source.summarizeKeepingRows(
            SummaryOptions(frequency: .day, timeUnit: .day, observationEnd: observationEnd),
            label: "reading \(source.name)\(observationEnd.map { " up to \($0)" } ?? "")", progress: progress)
        try self.init(source: source, table: table, report: report, rows: rows, progress: progress)
    }

    /// The figures of a daily summary of `source` already read (`table` counted in days, time unit day),
    /// with the rows of that read (`rows`, read with `source`'s options) or without (earlier dates are
    /// then read from the file).
    /// - Throws: ``ModelError/invalidData(_:)`` when `table` is not a daily summary in days.
    public init(source: TransactionLogSource, table: SummaryTable, report: IngestReport, rows: ResolvedLog? = nil,
                progress: PipelineProgress? = nil) throws {
        guard table.frequency == .day, table.timeUnit == .day else {
            throw ModelError.invalidData("segment inputs need a daily summary in days (got frequency \(table.frequency.rawValue), time unit \(table.timeUnit.rawValue)).")
        }
        self.source = source
        self.table = table
        self.report = report
        self.rows = rows
        self.progress = progress
        asOf = table.observationEnd
        metrics = try CustomerMetrics(summary: table)
    }

    private final class Snapshots {
        var tables: [CalendarDay: SummaryTable] = [:]
    }
    private let snapshots = Snapshots()

    static func read(_ source: TransactionLogSource, end: CalendarDay?, progress: PipelineProgress?) throws -> (SummaryTable, IngestReport) {
        try source.summarize(SummaryOptions(frequency: .day, timeUnit: .day, observationEnd: end),
                             label: "reading \(source.name)\(end.map { " up to \($0)" } ?? "")", progress: progress)
    }

    /// The daily summary of the log up to and including `day`, folded from ``rows`` (or read) on first use.
    public func snapshot(at day: CalendarDay) throws -> SummaryTable {
        if let t = snapshots.tables[day] { return t }
        let t = try rows.map { try $0.summarize(SummaryOptions(frequency: .day, timeUnit: .day, observationEnd: day)) }
            ?? SegmentInputs.read(source, end: day, progress: progress).0
        snapshots.tables[day] = t
        return t
    }

    /// The earlier dates whose summaries ``lifecycleStages(trendWindow:options:)`` uses: the starts of the
    /// trend window and of the window before it, where they are within the log.
    public func lifecycleSnapshotDays(trendWindow: Int) -> [CalendarDay] {
        guard let first = report.firstDate else { return [] }
        return [asOf.adding(days: -trendWindow), asOf.adding(days: -2 * trendWindow)].filter { $0 >= first && $0 < asOf }
    }

    /// Folds (or reads) and keeps the summaries at `days` that are not kept yet, so that later uses find them.
    public func prepareSnapshots(at days: [CalendarDay]) throws {
        for day in days { _ = try snapshot(at: day) }
    }

    /// Cumulative orders and spend of this table's customers up to and including `day` (0 for customers
    /// who had not bought yet), and the summary at `day` (nil before the first purchase of the log).
    public func cumulative(at day: CalendarDay) throws -> (orders: [Double], spend: [Double], table: SummaryTable?) {
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
    public func window(days: Int, endingAt end: CalendarDay) throws -> (orders: [Double], spend: [Double]) {
        let upper = try cumulative(at: end)
        let lower = try cumulative(at: end.adding(days: -days))
        return (zip(upper.orders, lower.orders).map { $0 - $1 }, zip(upper.spend, lower.spend).map { $0 - $1 })
    }

    /// Fits `kind` (in weeks) and, with amounts, Gamma-Gamma (the ``SpendModelFit`` policy); adds P(alive)
    /// and CLV over `lifetimeValue`'s horizon to the metrics.
    /// - Parameter spendModel: Gamma-Gamma already fitted with default options on these customers' repeat
    ///   purchases and mean spend (as `clv analyze` has it); nil fits it here.
    /// - Parameter weeklyCells: the cells of these customers' repeat purchases, recency and T in weeks, already
    ///   built (as `clv analyze` has them); nil builds them here.
    /// - Throws: what the fit throws, and ``ModelError/unusableModel(model:reason:)`` for predictions that are not finite.
    public mutating func addModelScores(_ kind: TransactionModelKind, lifetimeValue: LifetimeValueOptions,
                                        spendModel: SpendModelFit? = nil, weeklyCells: RFMCells? = nil) throws {
        let weeks = TimeUnit.week
        let recency = table.recency.map { $0 / weeks.days }, age = table.age.map { $0 / weeks.days }
        let cells = try weeklyCells ?? RFMCells(frequency: table.repeatPurchases.map(Double.init), recency: recency, age: age)
        let (model, report) = try kind.modelType.fit(cells: cells, options: FitOptions())
        progress?(.fitted(report))
        var spend: GammaGammaModel?
        if table.hasMonetary {
            let fit = try spendModel ?? SpendModelFit(GammaGammaModel.SpendCells(frequency: table.repeatPurchases.map(Double.init),
                                                                                 meanValue: table.monetaryValue))
            spend = fit.model
            spendModelNote = fit.note
        }
        let scores = model.score(frequency: table.repeatPurchases, recency: recency, age: age,
                                 monetaryValue: table.hasMonetary ? table.monetaryValue : nil,
                                 horizon: lifetimeValue.horizonDays / weeks.days, spend: spend, timeUnit: weeks,
                                 lifetimeValue: lifetimeValue)
        guard scores.probabilityAlive.allSatisfy(\.isFinite), (scores.lifetimeValue ?? []).allSatisfy(\.isFinite) else {
            throw ModelError.unusableModel(model: kind.rawValue, reason: "some predictions are not finite numbers; nothing was written.")
        }
        metrics.probabilityAlive = scores.probabilityAlive
        metrics.lifetimeValue = scores.lifetimeValue
    }

    /// The lifecycle stage of every customer: ``LifecycleStages`` with the trend rule (orders in the last
    /// `trendWindow` days against the window before) and the reactivation rule (churned at the start of
    /// the trend window, judged on the data up to then without a model or trend, and bought since).
    /// `clv segment --method lifecycle` and `clv analyze` both call this: it is the one definition.
    public func lifecycleStages(trendWindow: Int, options: LifecycleOptions) throws
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
    public init(summary t: SummaryTable, lifetimeValue: [Double]? = nil, probabilityAlive: [Double]? = nil) throws {
        let days = t.timeUnit.days
        try self.init(ids: t.customerIDs, recencyDays: zip(t.age, t.recency).map { ($0 - $1) * days },
                      orders: t.orders.map(Double.init), spend: t.hasMonetary ? t.totalSpend : t.orders.map { _ in 0 },
                      tenureDays: t.age.map { $0 * days }, lifetimeValue: lifetimeValue, probabilityAlive: probabilityAlive)
    }
}

extension SummaryTable {
    /// This summary with recency, T and the holdout length in days. For a daily summary (frequency day)
    /// they are whole days, so rounding their product with the unit's length gives them back exactly.
    public var inDays: SummaryTable {
        guard timeUnit != .day else { return self }
        var d = self
        let days = timeUnit.days
        d.timeUnit = .day
        d.recency = recency.map { ($0 * days).rounded() }
        d.age = age.map { ($0 * days).rounded() }
        d.holdoutDuration = holdoutDuration.map { ($0 * days).rounded() }
        return d
    }
}
