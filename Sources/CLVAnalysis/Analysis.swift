import CLVCore
import CLVIngest
import CLVIO
import CLVModels
import CLVNumerics
import CLVReport
import CLVSegments
import Foundation
import _CLVUtilities

/// What ``Analysis/run(_:options:progress:)`` does: `clv analyze`'s flags.
public struct AnalysisOptions: Sendable {
    /// Period in which purchases are counted.
    public var frequency: PeriodFrequency
    /// The models' time unit.
    public var timeUnit: TimeUnit
    /// End of the calibration period; nil chooses it (the last third of at least 180 days of history is the holdout).
    public var calibrationEnd: CalendarDay?
    /// End of observation; nil is the last transaction date.
    public var observationEnd: CalendarDay?
    /// The CLV horizon (finite).
    public var horizon: ScoringHorizon
    /// Profit share of spend, in (0, 1].
    public var margin: Double
    /// Annual discount rate of CLV (0.1 = 10% a year).
    public var annualDiscountRate: Double
    /// L2 penalty on the transaction model's parameters.
    public var penalizer: Double
    /// Stops the reads and fits when cancelled (``CLVError`` category cancelled).
    public var cancellation: CancellationToken?
    /// Report each phase's time as ``PipelineEvent/timing(_:)``.
    public var recordTimings = false

    /// `clv analyze`'s defaults: daily periods, weeks, a one-year horizon, margin 1, 10% a year.
    public init(frequency: PeriodFrequency = .day, timeUnit: TimeUnit = .week, calibrationEnd: CalendarDay? = nil,
                observationEnd: CalendarDay? = nil, horizon: ScoringHorizon = ScoringHorizon(1, .year)!, margin: Double = 1,
                annualDiscountRate: Double = 0.1, penalizer: Double = 0, cancellation: CancellationToken? = nil,
                recordTimings: Bool = false) {
        self.frequency = frequency; self.timeUnit = timeUnit; self.calibrationEnd = calibrationEnd
        self.observationEnd = observationEnd; self.horizon = horizon; self.margin = margin
        self.annualDiscountRate = annualDiscountRate; self.penalizer = penalizer; self.cancellation = cancellation
        self.recordTimings = recordTimings
    }

    /// The horizon in days (the model unit decides a bare number's length).
    public var horizonDays: Double { horizon.days(modelUnit: timeUnit) }

    /// The CLV options of the scores.
    public var lifetimeValue: LifetimeValueOptions {
        LifetimeValueOptions(horizonDays: horizonDays, annualDiscountRate: annualDiscountRate, margin: margin)
    }

    /// Checks what the options alone decide, before anything is read.
    /// - Throws: ``ModelError/invalidOption(_:)`` (a usage error).
    public func validate() throws {
        guard penalizer.isFinite, penalizer >= 0 else { throw ModelError.invalidOption("the penalizer must be ≥ 0.") }
        guard !horizon.isInfinite else { throw ModelError.invalidOption("the CLV horizon must be finite.") }
        guard margin.isFinite, margin > 0, margin <= 1 else { throw ModelError.invalidOption("the margin must be in (0, 1].") }
        guard annualDiscountRate.isFinite, annualDiscountRate > -1 else {
            throw ModelError.invalidOption("the annual discount rate must be finite and > -1.")
        }
        if let c = calibrationEnd, let o = observationEnd, c >= o {
            throw ModelError.invalidOption("the calibration end (\(c)) must be before the observation end (\(o)).")
        }
    }
}

/// The standard segmentations of an analysis, per customer in the order of ``AnalysisResult/summary``.
public struct AnalysisSegments: Sendable {
    /// RFM scores and the eight segments, on net spend.
    public var rfm: RFMResult
    /// RFM segments, value matrix, ABC (by CLV, or spend without a spend model) and lifecycle stages, in
    /// the column order of customers.csv.
    public var all: [Segmentation]
    /// The segment tables of the report, in the same order.
    public var reportTables: [ReportData.SegmentTable]
    /// The cut points of the RFM scores and segments, value matrix and ABC classes, frozen in model.json.
    public var cutPoints: SegmentCutPoints
}

/// Everything `clv analyze` computes: the summary, the chosen and refitted model, the scores, segments,
/// headline figures and what the report shows. ``writeCustomers(to:byteOrderMark:)`` writes customers.csv.
public struct AnalysisResult: Sendable {
    /// All data, in the model time unit (customers in order of first appearance).
    public var summary: SummaryTable
    /// The data-quality report of the read.
    public var quality: IngestReport
    /// The first transaction date and the end of observation.
    public var firstDate: CalendarDay, lastDate: CalendarDay
    /// The end of the calibration period, when there is a holdout.
    public var calibrationEnd: CalendarDay?
    /// Why the split is where it is (or why there is none).
    public var splitReason: String
    /// The calibration/holdout summary the models were chosen on.
    public var calibration: SummaryTable?
    /// The candidates' fits, holdout validations and the choice.
    public var outcome: ModelSelector.Outcome
    /// The chosen model refitted on all data, and its report.
    public var model: any TransactionModel, fit: FitReport
    /// The Gamma-Gamma spend model on all data (nil without amounts or when it could not be fitted).
    public var spend: GammaGammaModel?
    /// model.json: the refit, the spend model, the selection evidence and the frozen value-decile cut points.
    public var modelFile: ModelFile
    /// Scores over 30, 90 and 365 days (expected spend and CLV with the year's).
    public var month: CustomerScores, quarter: CustomerScores, year: CustomerScores
    /// CLV over the horizon, nil without a spend model.
    public var lifetimeValues: [Double]?
    /// 1 = the most valuable tenth … 10 (empty without CLV).
    public var valueDeciles: [Int]
    /// RFM, value matrix, ABC and lifecycle stages.
    public var segments: AnalysisSegments
    /// The headline figures of summary.json.
    public var headline: AnalysisSummary.Headline
    /// What report.html shows.
    public var reportData: ReportData
    /// The options of the run.
    public var options: AnalysisOptions
    /// The log's name.
    public var source: String

    /// The header of customers.csv.
    public static let customerColumns = ["customer_id", "frequency", "recency", "T", "monetary_value", "first_purchase", "last_purchase",
                                         "orders", "total_spend", "p_alive", "expected_purchases_30d", "expected_purchases_90d",
                                         "expected_purchases_365d", "expected_spend", "clv", "value_decile", "r_score", "f_score",
                                         "m_score", "rfm_segment", "value_matrix_segment", "abc_class", "lifecycle_stage"]

    /// Writes customers.csv (header and one row per customer) into `file`, which the caller seals or commits.
    /// Expected spend, CLV and value decile are empty without a spend model. Blocks of rows are formatted on
    /// all cores and written in order, so the bytes do not depend on the machine.
    public func writeCustomers(to file: OutputFile, byteOrderMark: Bool = false) throws {
        var head = ByteWriter(capacity: 1024)
        if byteOrderMark { head.append("\u{FEFF}" as String) }
        head.append(Self.customerColumns.joined(separator: ",") + "\n")
        try file.write(head)
        let count = summary.count
        let dates = DateTexts(from: summary.firstPurchase.map(\.daysSinceEpoch).min() ?? 0,
                              through: summary.lastPurchase.map(\.daysSinceEpoch).max() ?? 0)
        // The segment columns' keys as bytes, once, so that a line copies bytes instead of segment definitions.
        let segmentKeys: [[[UInt8]]] = segments.all.map { $0.segments.map { Array($0.key.utf8) } }
        let assignments = segments.all.map(\.assignment)
        // Group g is formatted on all cores while group g − 1 is written (and hashed, for the run manifest).
        let block = 16_384, group = 8
        let groups = (count + block * group - 1) / (block * group)
        var previous: [ByteWriter] = []
        for g in 0...groups {
            let start = g * block * group
            let blocks = g < groups ? min(group, (count - start + block - 1) / block) : 0
            let results = ConcurrentResults<ByteWriter>(count: blocks)
            let failure = Locked<(any Error)?>(nil)
            let pending = UncheckedSendable(previous)
            concurrently(blocks + 1) { j in
                // Iteration 0, which starts first, writes; the others format.
                if j == 0 {
                    do { for w in pending.value { try file.write(w) } } catch { failure.withLock { $0 = error } }
                    return
                }
                let k = j - 1
                let lo = start + k * block, hi = min(count, lo + block)
                var w = ByteWriter(capacity: (hi - lo) * 256)
                for i in lo..<hi { appendCustomer(i, to: &w, dates: dates, segmentKeys: segmentKeys, assignments: assignments) }
                results.set(k, w)
            }
            if let error = failure.withLock({ $0 }) { throw error }
            previous = (0..<blocks).map { results.take($0) }
        }
    }

    /// One line of customers.csv; the segment columns are `segmentKeys[k][assignments[k][i]]`.
    private func appendCustomer(_ i: Int, to w: inout ByteWriter, dates: DateTexts, segmentKeys: [[[UInt8]]], assignments: [[Int32]]) {
        let all = summary
        let money = all.hasMonetary
        w.appendCSVField(all.customerIDs[i])
        w.append(byte: 0x2C); w.append(Double(all.repeatPurchases[i]))
        w.append(byte: 0x2C); w.append(all.recency[i])
        w.append(byte: 0x2C); w.append(all.age[i])
        w.append(byte: 0x2C); w.append(money ? all.monetaryValue[i] : 0)
        w.append(byte: 0x2C); dates.append(all.firstPurchase[i], to: &w)
        w.append(byte: 0x2C); dates.append(all.lastPurchase[i], to: &w)
        w.append(byte: 0x2C); w.append(Int(all.orders[i]))
        w.append(byte: 0x2C); w.append(money ? all.totalSpend[i] : 0)
        w.append(byte: 0x2C); w.append(year.probabilityAlive[i])
        w.append(byte: 0x2C); w.append(month.expectedTransactions[i])
        w.append(byte: 0x2C); w.append(quarter.expectedTransactions[i])
        w.append(byte: 0x2C); w.append(year.expectedTransactions[i])
        w.append(byte: 0x2C); if let s = year.expectedSpend?[i] { w.append(s) }
        w.append(byte: 0x2C); if let clv = lifetimeValues { w.append(clv[i]) }
        w.append(byte: 0x2C); if lifetimeValues != nil { w.append(valueDeciles[i]) }
        w.append(byte: 0x2C); w.append(Int(segments.rfm.recencyScore[i]))
        w.append(byte: 0x2C); w.append(Int(segments.rfm.frequencyScore[i]))
        w.append(byte: 0x2C); w.append(Int(segments.rfm.monetaryScore[i]))
        for k in assignments.indices {
            w.append(byte: 0x2C)
            segmentKeys[k][Int(assignments[k][i])].withUnsafeBufferPointer { w.append(bytes: $0) }
        }
        w.append(byte: 0x0A)
    }

    /// summary.json: data quality, split, model, settings, headline figures and the report data.
    public func summaryFile(clvkitVersion: String, created: String, seconds: Double) -> AnalysisSummary {
        var file = AnalysisSummary(
            clvkitVersion: clvkitVersion, created: created, input: source, dataQuality: quality,
            firstDate: firstDate.description, lastDate: lastDate.description,
            split: .init(calibrationEnd: calibrationEnd?.description, holdoutEnd: calibrationEnd == nil ? nil : lastDate.description,
                         reason: splitReason, holdoutCustomers: calibration?.count),
            model: .init(chosen: outcome.kind.rawValue, displayName: fit.model, reason: modelFile.selection?.reason ?? "",
                         parameters: modelFile.parameters, timeUnit: options.timeUnit.rawValue, holdout: outcome.validations[outcome.kind]),
            spendModel: modelFile.spendModel.map { .init(parameters: $0.parameters, frequencySpendCorrelation: $0.frequencySpendCorrelation) },
            settings: .init(horizonDays: options.horizonDays, margin: options.margin, annualDiscountRate: options.annualDiscountRate),
            headline: headline, seconds: seconds)
        file.report = reportData
        return file
    }
}

/// `clv analyze` as a library call: from a transaction log to a chosen model, scored customers, segments
/// and headline figures.
///
/// The log is read once, keeping its rows (``ResolvedLog``): the calibration split with day-by-day tracking
/// and the lifecycle stages' earlier dates are folded from them, not read again. BG/NBD, MBG/NBD and Pareto/NBD are fitted on the calibration data and the one with the lowest
/// mean absolute error of per-customer holdout purchases is chosen (by AIC without a holdout,
/// ``ModelSelector``); it is refitted on all data with Gamma-Gamma (``SpendModelFit``), every customer is
/// scored over 30, 90 and 365 days and the CLV horizon, ranked into value deciles (cut points frozen in
/// the model file), and segmented: RFM, value matrix, ABC and the lifecycle stages of
/// ``SegmentInputs/lifecycleStages(trendWindow:options:)``.
public enum Analysis {
    /// The history, in days, from which the last third is held out automatically.
    public static let minimumSplitDays = 180
    /// The trend window of the lifecycle stages, in days (`clv segment --method lifecycle`'s default).
    public static let lifecycleTrendWindow = 90

    /// Runs the analysis of `source`.
    /// - Parameter created: the run's time stamp in the report (ISO 8601).
    /// - Throws: ``ModelError/invalidOption(_:)`` for bad options (before reading), ``IngestError`` for the
    ///   log, ``ModelError`` when no model can be fitted or its predictions are not finite.
    public static func run(_ source: TransactionLogSource, options: AnalysisOptions, created: String,
                           progress: PipelineProgress? = nil) throws -> AnalysisResult {
        try options.validate()
        var clock = PhaseClock("analyze:", enabled: options.recordTimings, progress: progress)
        var source = source
        source.options.cancellation = options.cancellation ?? source.options.cancellation
        var fitOptions = FitOptions(penalizer: options.penalizer)
        fitOptions.cancellation = options.cancellation
        let (freq, unit) = (options.frequency, options.timeUnit)
        // 1. All data.
        // The rows are kept: the calibration split and the lifecycle stages' earlier dates are folded from them.
        let (all, quality, rows) = try source.summarizeKeepingRows(
            SummaryOptions(frequency: freq, timeUnit: unit, observationEnd: options.observationEnd), progress: progress)
        for line in quality.lines(.en) { progress?(.note(line)) }
        guard let first = quality.firstDate, let last = options.observationEnd ?? quality.lastDate else {
            throw IngestError.noTransactions(file: source.name, reason: "no dated rows")
        }
        // 2. Calibration/holdout split and model choice.
        let span = first.days(to: last)
        let split: CalendarDay? = options.calibrationEnd ?? (span >= minimumSplitDays ? first.adding(days: span * 2 / 3) : nil)
        let splitReason = options.calibrationEnd != nil ? "given with --calibration-end"
            : split != nil ? "automatic: the last third of \(span) days of history"
            : "none: \(span) days of history is too short to hold out (needs \(minimumSplitDays))"
        clock.lap("full read")
        // The inputs of the lifecycle stages (below): daily figures, which are those of `all` when it counts days.
        var lifecycleInputs = freq == .day
            ? try SegmentInputs(source: source, table: all.inDays, report: quality, rows: rows, progress: progress)
            : try SegmentInputs(source: source, table: rows.summarize(SummaryOptions(observationEnd: options.observationEnd)),
                                report: quality, rows: rows, progress: progress)
        clock.lap("daily figures")
        // The calibration split and the lifecycle stages' earlier dates are folded from the rows, side by side.
        var calibrationOptions: SummaryOptions?
        if let split {
            calibrationOptions = SummaryOptions(frequency: freq, timeUnit: unit, observationEnd: last, calibrationEnd: split)
            calibrationOptions?.trackRepeatPurchases = true
        }
        let folded = ConcurrentResults<Result<SummaryTable?, any Error>>(count: 2)
        let snapshotDays = lifecycleInputs.lifecycleSnapshotDays(trendWindow: lifecycleTrendWindow)
        concurrently(2) { [lifecycleInputs] task in
            if task == 0 {
                folded.set(0, Result { try calibrationOptions.map { try rows.summarize($0) } })
            } else {
                folded.set(1, Result { try lifecycleInputs.prepareSnapshots(at: snapshotDays); return nil })
            }
        }
        _ = try folded.take(1).get()
        clock.lap("calibration split | earlier dates, folded from the rows")
        let calibration = try folded.take(0).get()
        // The cells of all data and of the calibration split, and the spend model's cells, side by side.
        var cellsResult: Result<RFMCells, any Error>?
        var calibrationResult: Result<(RFMCells, ModelSelector.Holdout)?, any Error>?
        var spendCellsResult: Result<GammaGammaModel.SpendCells?, any Error>?
        concurrently(3) { [calibration] task in
            if task == 2 {
                cellsResult = Result { try RFMCells(frequency: all.repeatPurchases.map(Double.init), recency: all.recency, age: all.age) }
            } else if task == 0 {
                calibrationResult = Result {
                    try calibration.map { cal in
                        (try RFMCells(frequency: cal.repeatPurchases.map(Double.init), recency: cal.recency, age: cal.age),
                         ModelSelector.Holdout(frequency: cal.repeatPurchases, recency: cal.recency, age: cal.age,
                                               holdoutFrequency: cal.holdoutFrequency!, length: cal.holdoutDuration!))
                    }
                }
            } else {
                spendCellsResult = Result {
                    all.hasMonetary ? try GammaGammaModel.SpendCells(frequency: all.repeatPurchases.map(Double.init), meanValue: all.monetaryValue) : nil
                }
            }
        }
        let cells = try cellsResult!.get()
        var holdout: ModelSelector.Holdout?
        var calibrationCells = cells
        if let (c, h) = try calibrationResult!.get() { (calibrationCells, holdout) = (c, h) }
        let spendCells = try spendCellsResult!.get()
        clock.lap("cells | calibration cells | spend cells")
        let outcome = try ModelSelector.choose(cells: calibrationCells, holdout: holdout, options: fitOptions)
        progress?(.note("model: \(outcome.kind.rawValue), \(outcome.selection.reason)"))
        clock.lap("candidate fits")
        // 3. Refit on all data; spend model.
        let (model, report) = try outcome.kind.modelType.fit(cells: cells, options: outcome.options)
        clock.lap("refit")
        progress?(.fitted(report))
        var spend: GammaGammaModel?, spendEntry: ModelFile.Entry?, spendFitted: SpendModelFit?
        if let spendCells {
            let spendFit = SpendModelFit(spendCells, options: outcome.options)
            spendFitted = spendFit
            spend = spendFit.model
            if let r = spendFit.report {
                spendEntry = ModelFile.Entry(kind: .gg, report: r, frequencySpendCorrelation: spendCells.frequencySpendCorrelation)
            }
            if let why = spendFit.note { progress?(.note(why)) }
        }
        var selection = outcome.selection
        clock.lap("spend model")
        if split != nil { selection.reason += "; refitted on all data" }
        var modelFile = ModelFile(fit: .init(kind: outcome.kind.modelKind, report: report), spendModel: spendEntry,
                                  selection: selection, timeUnit: unit,
                                  data: ModelFile.DataSummary(customers: all.count, repeatCustomers: all.repeatPurchases.filter { $0 > 0 }.count,
                                                              distinctHistories: cells.count, frequency: all.frequency.rawValue,
                                                              observationEnd: all.observationEnd.description,
                                                              calibrationEnd: all.calibrationEnd?.description, source: source.name))
        // 4. Scores.
        let clvOptions = options.lifetimeValue
        func score(days: Double, withValue: Bool, alive: [Double]? = nil) -> CustomerScores {
            model.score(frequency: all.repeatPurchases, recency: all.recency, age: all.age,
                        monetaryValue: withValue && all.hasMonetary ? all.monetaryValue : nil, horizon: days / unit.days,
                        spend: withValue ? spend : nil, timeUnit: unit, lifetimeValue: clvOptions, probabilityAlive: alive)
        }
        // Two streams side by side, each mostly on one core: (a) the scores, value deciles and headline
        // figures; (b) the lifecycle stages exactly as `clv segment --method lifecycle` gives them (daily
        // figures, MBG/NBD P(alive), trend and reactivation rules). (b)'s events are passed on afterwards, on
        // this thread, in their order.
        // The daily table has the same repeat purchases and mean spend, so the spend model fitted above is the one
        // `clv segment` fits, when it was fitted with the default options (no penalizer added).
        let sameSpendFit = freq == .day && outcome.options.penalizer == 0 && outcome.options.initialParameters == nil
        let lifecycleValue = LifetimeValueOptions(horizonDays: options.horizon.days(modelUnit: .day),
                                                  annualDiscountRate: options.annualDiscountRate, margin: options.margin)
        // The MBG/NBD fit of the lifecycle stages works in weeks from the daily figures: when those are this
        // run's figures to the bit, it reuses their cells.
        let daily = lifecycleInputs.table, weeks = TimeUnit.week.days
        let weeklyCells = unit == .week && daily.repeatPurchases == all.repeatPurchases
            && daily.recency.map({ $0 / weeks }) == all.recency && daily.age.map({ $0 / weeks }) == all.age ? cells : nil
        let lifecycleEvents = Locked<[PipelineEvent]>([])
        lifecycleInputs.progress = progress == nil ? nil : { event in lifecycleEvents.withLock { $0.append(event) } }
        let sideBySide = ConcurrentResults<Result<Void, any Error>>(count: 2)
        var year: CustomerScores?, month: CustomerScores?, quarter: CustomerScores?
        var clv: [Double] = [], deciles: [Int] = [], valueCutPoints: [Double]?, headline: AnalysisSummary.Headline?
        var lifecycle: Segmentation?
        concurrently(2) { task in
            if task == 0 {
                sideBySide.set(0, Result {
                    // P(alive) does not depend on the horizon: computed once, for the year.
                    let y = score(days: 365, withValue: true)
                    let m = score(days: 30, withValue: false, alive: y.probabilityAlive)
                    let q = score(days: 90, withValue: false, alive: y.probabilityAlive)
                    let values = y.lifetimeValue ?? [Double](repeating: 0, count: all.count)
                    guard values.allSatisfy(\.isFinite), y.probabilityAlive.allSatisfy(\.isFinite) else {
                        throw ModelError.unusableModel(model: report.model, reason: "some predictions are not finite numbers; nothing was written.")
                    }
                    (year, month, quarter, clv) = (y, m, q, values)
                    // The cut points are frozen in model.json, so that `FittedModel.score` gives one customer the decile
                    // of this ranking; both come from one sort (the values were checked finite above).
                    let ranked = FittedModel.valueDecilesWithCutPoints(values)
                    deciles = ranked.deciles
                    if y.lifetimeValue != nil { valueCutPoints = ranked.cutPoints }
                    headline = AnalysisSummary.Headline(all, year: y, month: m, quarter: q, clv: values, hasValue: y.lifetimeValue != nil)
                })
            } else {
                sideBySide.set(1, Result {
                    try lifecycleInputs.addModelScores(.mbgnbd, lifetimeValue: lifecycleValue, spendModel: sameSpendFit ? spendFitted : nil,
                                                       weeklyCells: weeklyCells)
                    lifecycle = try lifecycleInputs.lifecycleStages(trendWindow: lifecycleTrendWindow, options: LifecycleOptions()).segmentation
                })
            }
        }
        for event in lifecycleEvents.withLock({ $0 }) { progress?(event) }
        try sideBySide.take(0).get()
        try sideBySide.take(1).get()
        clock.lap("scores, deciles and headline | lifecycle model scores and stages")
        guard lifecycleInputs.metrics.ids == all.customerIDs else {
            throw ModelError.invalidData("\(source.name): the customers of the daily re-read differ from the first read; was the file changed during the run?")
        }
        let (yearScores, monthScores, quarterScores) = (year!, month!, quarter!)
        let hasValue = yearScores.lifetimeValue != nil
        modelFile.valueCutPoints = valueCutPoints
        // The segments and the report data, side by side again.
        var segmentsResult: Result<AnalysisSegments, any Error>?
        var reportResult: Result<ReportData, any Error>?
        concurrently(2) { task in
            if task == 0 {
                segmentsResult = Result {
                    try standardSegments(all, clv: yearScores.lifetimeValue, probabilityAlive: yearScores.probabilityAlive, lifecycle: lifecycle!)
                }
            } else {
                reportResult = Result {
                    var data = try Self.reportData(all: all, calibration: calibration, outcome: outcome, report: report, selection: selection,
                                                   quality: quality, headline: headline!, year: yearScores, clv: clv,
                                                   horizonDays: options.horizonDays, source: source.name, created: created, hasValue: hasValue)
                    addModelViews(&data, model: model, spend: spend, table: all, timeUnit: unit)
                    return data
                }
            }
        }
        let segments = try segmentsResult!.get()
        var reportData = try reportResult!.get()
        // Frozen in model.json, so that `FittedModel.segments` places one customer as this population was placed.
        modelFile.segmentCutPoints = segments.cutPoints
        reportData.segmentTables = segments.reportTables
        reportData.assumptions = .init(margin: options.margin, annualDiscountRate: options.annualDiscountRate, horizonAmount: options.horizon.amount,
                                       horizonUnit: (options.horizon.unit ?? unit).rawValue, horizonDays: options.horizonDays,
                                       currency: quality.currency)
        reportData.qualityLinesChinese = quality.lines(.zh)
        clock.lap("segments | report data")
        return AnalysisResult(summary: all, quality: quality, firstDate: first, lastDate: last, calibrationEnd: split, splitReason: splitReason,
                              calibration: calibration, outcome: outcome, model: model, fit: report, spend: spend, modelFile: modelFile,
                              month: monthScores, quarter: quarterScores, year: yearScores, lifetimeValues: yearScores.lifetimeValue,
                              valueDeciles: hasValue ? deciles : [], segments: segments, headline: headline!, reportData: reportData,
                              options: options, source: source.name)
    }

    /// The standard segmentations of the customers of `all` (model time unit): RFM on net spend, value
    /// matrix, ABC by CLV (spend without a spend model), and the given lifecycle stages.
    public static func standardSegments(_ all: SummaryTable, clv: [Double]?, probabilityAlive: [Double], lifecycle: Segmentation) throws
        -> AnalysisSegments {
        let metrics = try CustomerMetrics(summary: all, lifetimeValue: clv, probabilityAlive: probabilityAlive)
        let rfm = try RFMSegmentation.segment(metrics)
        let (matrix, ordersReference, orderValueReference) = try ValueMatrix.segment(metrics)
        let abc = try ABCClassification.classify(value: metrics.value, ids: metrics.ids)
        let cutPoints = try SegmentCutPoints(metrics: metrics, rfm: rfm, valueMatrix: (ordersReference, orderValueReference), abc: abc,
                                             abcValue: metrics.value, abcValueName: clv != nil ? "clv" : "spend")
        let titled: [(String, String, Segmentation)] = [
            ("RFM segments", "RFM 客户分群", rfm.segmentation), ("Customer value matrix", "客户价值矩阵", matrix),
            ("ABC classification by \(clv != nil ? "CLV" : "spend")", "ABC 分类（按\(clv != nil ? "CLV" : "消费金额")）", abc),
            ("Lifecycle stages", "生命周期阶段", lifecycle),
        ]
        let tables = titled.map { (en, zh, seg) in
            ReportData.SegmentTable(titleEnglish: en, titleChinese: zh, rows: SegmentSummary.rows(seg, metrics: metrics).map {
                ReportData.SegmentRow(nameEnglish: $0.segment.name.english, nameChinese: $0.segment.name.chinese, customers: $0.customers,
                                      customerShare: $0.customerShare, valueShare: $0.valueShare, meanRecencyDays: $0.meanRecencyDays,
                                      meanOrders: $0.meanOrders, meanSpend: $0.meanSpend, actionEnglish: $0.segment.action.english,
                                      actionChinese: $0.segment.action.chinese)
            })
        }
        return AnalysisSegments(rfm: rfm, all: [rfm.segmentation, matrix, abc, lifecycle], reportTables: tables, cutPoints: cutPoints)
    }

    /// What the report shows: headline figures, the model evidence, the tracking curve of the calibration
    /// model, holdout buckets and the top customers by CLV.
    static func reportData(all: SummaryTable, calibration: SummaryTable?, outcome: ModelSelector.Outcome, report: FitReport,
                           selection: ModelFile.Selection, quality: IngestReport, headline h: AnalysisSummary.Headline,
                           year: CustomerScores, clv: [Double], horizonDays: Double, source: String, created: String,
                           hasValue: Bool) throws -> ReportData {
        func money(_ v: Double) -> String { String(format: "%.2f", v) }
        var figures: [ReportData.Figure] = [
            .init(.customers, "\(h.customers)"), .init(.repeatCustomers, "\(h.repeatCustomers)"),
            .init(.expectedActive, String(format: "%.0f", h.expectedActiveCustomers)),
            .init(.expectedPurchases365, String(format: "%.0f", h.expectedPurchases365d)),
        ]
        if hasValue {
            figures += [.init(.totalCLV, money(h.totalCLV)), .init(.meanCLV, money(h.meanCLV)), .init(.medianCLV, money(h.medianCLV)),
                        .init(.top20CLVShare, String(format: "%.0f%%", 100 * h.top20CLVShare)),
                        .init(.historicalRevenue, money(h.historicalRevenue)),
                        .init(.top20RevenueShare, String(format: "%.0f%%", 100 * h.top20RevenueShare)),
                        .init(.horizon, String(format: "%.0f", horizonDays))]
        }
        var actual: [Double] = [], predicted: [Double] = [], calibrationDay: Int?
        if let cal = calibration, let daily = cal.repeatPurchasesByDay, let start = cal.trackingStart {
            var running = 0.0
            for c in daily { running += Double(c); actual.append(running) }
            let calibrationModel = try outcome.kind.modelType.init(vector: outcome.report.vector)
            predicted = calibrationModel.expectedCumulativeRepeatPurchases(firstPurchases: cal.firstPurchase, start: start,
                                                                           days: daily.count, timeUnit: cal.timeUnit)
            calibrationDay = start.days(to: cal.calibrationEnd!)
        }
        let buckets = (outcome.validations[outcome.kind]?.buckets ?? []).map {
            ReportData.Bucket(frequency: $0.frequency, customers: $0.customers, actual: $0.actual, predicted: $0.predicted)
        }
        let top = topIndices(clv, count: 20).map {
            ReportData.TopCustomer(id: all.customerIDs[$0], clv: clv[$0], pAlive: year.probabilityAlive[$0], expected: year.expectedTransactions[$0])
        }
        return ReportData(
            source: source, created: created, headline: figures, qualityLines: quality.lines(.en), modelName: report.model,
            selectionReason: selection.reason,
            candidates: selection.candidates.map { .init(name: $0.model, logLikelihood: $0.logLikelihood, aic: $0.aic, holdoutMeanAbsoluteError: $0.holdoutMeanAbsoluteError) },
            parameters: report.parameters.map { .init(name: $0.name, value: $0.value, lower: $0.lower95, upper: $0.upper95) },
            trackingActual: actual, trackingPredicted: predicted, calibrationDay: calibrationDay, buckets: buckets,
            lifetimeValues: hasValue ? clv : [], topCustomers: hasValue ? Array(top) : [])
    }

    /// The positions of the `count` largest values, largest first, ties in position order (what a stable
    /// descending sort's first `count` give), in one pass.
    static func topIndices(_ values: [Double], count: Int) -> [Int] {
        var top: [Int] = []
        top.reserveCapacity(count + 1)
        for i in values.indices {
            let v = values[i]
            if top.count == count, let last = top.last, !(v > values[last]) { continue }
            // After every kept value that is at least v (earlier positions win ties).
            var at = top.count
            while at > 0, values[top[at - 1]] < v { at -= 1 }
            top.insert(i, at: at)
            if top.count > count { top.removeLast() }
        }
        return top
    }

    /// The frequency–recency heat maps and the spend fit.
    static func addModelViews(_ d: inout ReportData, model: any TransactionModel, spend: GammaGammaModel?, table t: SummaryTable,
                              timeUnit: TimeUnit) {
        let longest = t.age.max() ?? 1
        let maxX = min(Int(t.repeatPurchases.max() ?? 0), 30)
        let columns = 30
        let recency = (0..<columns).map { longest * (Double($0) + 0.5) / Double(columns) }
        let year = 365 / timeUnit.days
        d.gridRecency = recency
        d.expectedGrid = (0...maxX).map { x in recency.map { r in
            x == 0 ? (r <= longest / Double(columns) ? model.expectedTransactions(in: year, x: 0, tx: 0, age: longest) : .nan)
                   : model.expectedTransactions(in: year, x: Double(x), tx: r, age: longest) } }
        d.aliveGrid = (0...maxX).map { x in recency.map { r in
            x == 0 ? (r <= longest / Double(columns) ? model.probabilityAlive(x: 0, tx: 0, age: longest) : .nan)
                   : model.probabilityAlive(x: Double(x), tx: r, age: longest) } }
        guard let spend, t.hasMonetary else { return }
        var pairs: [(x: Double, m: Double)] = []
        for i in 0..<t.count where t.repeatPurchases[i] > 0 && t.monetaryValue[i] > 0 { pairs.append((Double(t.repeatPurchases[i]), t.monetaryValue[i])) }
        guard pairs.count > 10 else { return }
        let sorted = StableOrder.sorted(pairs.map(\.m))
        let cap = sorted[Int(Double(sorted.count - 1) * 0.99)]
        let bins = 40
        let width = cap / Double(bins)
        var counts = [Double](repeating: 0, count: bins)
        for p in pairs where p.m <= cap { counts[min(bins - 1, Int(p.m / width))] += 1 }
        var xWeights: [Double: Double] = [:]
        for p in pairs { xWeights[p.x, default: 0] += 1 }
        let n = Double(pairs.count)
        let centres = (0..<bins).map { (Double($0) + 0.5) * width }
        let v = spend.parameters
        d.spendBins = centres
        d.spendObserved = counts.map { $0 / n }
        // Summed in the order of x, not of the dictionary (whose order changes from run to run), so the curve is
        // the same in every run to the last bit.
        let weights = xWeights.sorted { $0.key < $1.key }
        d.spendModel = centres.map { m in
            width * weights.reduce(0.0) { sum, entry in
                sum + entry.value / n * Foundation.exp(GammaGammaModel.logLikelihood(p: v.p, q: v.q, gamma: v.gamma, x: entry.key, m: m))
            }
        }
    }
}

/// `summary.json` of `clv analyze`: machine-readable headline figures.
public struct AnalysisSummary: Encodable, Sendable {
    /// Where the holdout starts and why.
    public struct Split: Encodable, Sendable {
        /// The last day of the calibration period (nil: no holdout).
        public let calibrationEnd: String?
        /// The last day of the holdout.
        public let holdoutEnd: String?
        /// Why the split is where it is.
        public let reason: String
        /// Customers of the calibration period.
        public let holdoutCustomers: Int?
    }
    /// The chosen model.
    public struct Model: Encodable, Sendable {
        /// Its kind (`pnbd`, …).
        public let chosen: String
        /// Its name (`Pareto/NBD`, …).
        public let displayName: String
        /// Why it was chosen.
        public let reason: String
        /// Its parameters after the refit.
        public let parameters: [String: Double]
        /// The unit of recency and T.
        public let timeUnit: String
        /// Its calibration fit's comparison with the holdout.
        public let holdout: HoldoutValidation?
    }
    /// The spend model.
    public struct Spend: Encodable, Sendable {
        /// p, q, γ.
        public let parameters: [String: Double]
        /// Correlation of frequency and mean spend among repeat customers (Gamma-Gamma assumes none).
        public let frequencySpendCorrelation: Double?
    }
    /// The value settings.
    public struct Settings: Encodable, Sendable {
        /// The CLV horizon in days.
        public let horizonDays: Double
        /// Profit share of spend.
        public let margin: Double
        /// Annual discount rate.
        public let annualDiscountRate: Double
    }
    /// The headline figures.
    public struct Headline: Encodable, Sendable {
        /// Customers, and those with a repeat purchase.
        public let customers: Int, repeatCustomers: Int
        /// The sum of P(alive).
        public let expectedActiveCustomers: Double
        /// Expected purchases of all customers in the next 30, 90 and 365 days.
        public let expectedPurchases30d: Double, expectedPurchases90d: Double, expectedPurchases365d: Double
        /// Net spend to date.
        public let historicalRevenue: Double
        /// Total, mean and median CLV (0 without a spend model).
        public let totalCLV: Double, meanCLV: Double, medianCLV: Double
        /// The shares of CLV and of spend held by the top fifth of customers.
        public let top20CLVShare: Double, top20RevenueShare: Double
        enum CodingKeys: String, CodingKey {
            case customers, repeatCustomers, expectedActiveCustomers, historicalRevenue, totalCLV = "totalClv", meanCLV = "meanClv"
            case medianCLV = "medianClv", top20CLVShare = "top20PercentClvShare", top20RevenueShare = "top20PercentRevenueShare"
            case expectedPurchases30d = "expectedPurchasesNext_30Days", expectedPurchases90d = "expectedPurchasesNext_90Days"
            case expectedPurchases365d = "expectedPurchasesNext_365Days"
        }

        /// The figures of `t` and its scores. The top-20% shares are those of the highest fifth (at least one customer).
        init(_ t: SummaryTable, year: CustomerScores, month: CustomerScores, quarter: CustomerScores, clv: [Double], hasValue: Bool) {
            func topShare(_ v: [Double]) -> Double {
                let sorted = StableOrder.sorted(v, descending: true)
                let total = sorted.reduce(0, +)
                guard total > 0 else { return 0 }
                return sorted.prefix(max(1, sorted.count / 5)).reduce(0, +) / total
            }
            let totalCLV = hasValue ? clv.reduce(0, +) : 0
            let sortedCLV = StableOrder.sorted(clv)
            // The top fifth's share from the ascending sort, summed from the top down as `topShare` does.
            func topShareOfSorted(_ ascending: [Double]) -> Double {
                var total = 0.0
                for v in ascending.reversed() { total += v }
                guard total > 0 else { return 0 }
                var top = 0.0
                for v in ascending.reversed().prefix(max(1, ascending.count / 5)) { top += v }
                return top / total
            }
            customers = t.count
            repeatCustomers = t.repeatPurchases.filter { $0 > 0 }.count
            expectedActiveCustomers = year.probabilityAlive.reduce(0, +)
            expectedPurchases30d = month.expectedTransactions.reduce(0, +)
            expectedPurchases90d = quarter.expectedTransactions.reduce(0, +)
            expectedPurchases365d = year.expectedTransactions.reduce(0, +)
            historicalRevenue = t.hasMonetary ? t.totalSpend.reduce(0, +) : 0
            self.totalCLV = totalCLV
            meanCLV = t.count > 0 ? totalCLV / Double(t.count) : 0
            medianCLV = sortedCLV.isEmpty ? 0 : sortedCLV[sortedCLV.count / 2]
            top20CLVShare = hasValue ? topShareOfSorted(sortedCLV) : 0
            top20RevenueShare = t.hasMonetary ? topShare(t.totalSpend) : 0
        }
    }
    /// The command that wrote the file.
    public let generatedBy = "clv analyze"
    /// The CLVKit version.
    public let clvkitVersion: String
    /// When the run started (ISO 8601).
    public let created: String
    /// The log's name.
    public let input: String
    /// The read's data-quality report.
    public let dataQuality: IngestReport
    /// The first transaction date and the end of observation.
    public let firstDate: String, lastDate: String
    /// The calibration/holdout split.
    public let split: Split
    /// The chosen model.
    public let model: Model
    /// The spend model, if fitted.
    public let spendModel: Spend?
    /// The value settings.
    public let settings: Settings
    /// The headline figures.
    public let headline: Headline
    /// Seconds the run took.
    public let seconds: Double
    /// Everything `report.html` shows, for `clv report` to render again.
    public var report: ReportData?
}
