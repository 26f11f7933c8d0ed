import ArgumentParser
import CLVKit
import Foundation

extension CLV {
    struct Analyze: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "analyze",
            abstract: "The main job: from a transaction log to scored customers, a chosen model and headline figures.",
            discussion: """
            Reads the log (all ingest flags), splits it into calibration and holdout when the history is \
            long enough (at least 180 days: the last third is the holdout; or --calibration-end), fits \
            BG/NBD, MBG/NBD and Pareto/NBD and picks the one that predicted the holdout best (else by AIC), \
            refits it and the Gamma-Gamma spend model on all data, and scores every customer.

            Writes into --output: customers.csv (one row per customer: the summary, P(alive), expected \
            purchases in the next 30, 90 and 365 days, expected spend, CLV over --horizon, value decile), \
            model.json (the chosen model, its evidence and the spend model) and summary.json (data quality \
            and headline figures), report.html, and clv-run.json, the manifest that ties them into one \
            run: every file is written completely first, then all are renamed into place, the manifest \
            last. Each file carries the run id (clv-run.json lists it with each file's size and SHA-256); \
            clv report refuses a directory whose files mix runs. Other files in --output are left alone.

            Example: clv analyze Examples/transactions.csv --output out/
            """)

        @OptionGroup var input: InputOptions
        @Option(help: "Period in which purchases are counted: day, week, month.")
        var freq: PeriodFrequency = .day
        @Option(help: "Model time unit: day, week, month, year.")
        var timeUnit: TimeUnit = .week
        @Option(help: "End of the calibration period (default: chosen automatically).")
        var calibrationEnd: CalendarDay?
        @Option(help: "End of observation (default: the last transaction date).")
        var observationEnd: CalendarDay?
        @Option(help: "CLV horizon: 90d, 12m, 1y, 5y, …")
        var horizon: Horizon = Horizon(argument: "1y")!
        @OptionGroup var value: ValueOptions
        @Option(help: "L2 penalty on the parameters.")
        var penalizer: Double = 0
        @Option(name: .shortAndLong, help: "Output directory (created if needed).")
        var output: String = "clv-output"
        @Option(help: "Report language: en or zh.")
        var lang: ReportLanguage = .en
        @Flag(name: .shortAndLong, help: "No progress or notes on stderr.")
        var quiet = false
        @Option(help: "Format of the per-customer file: csv (customers.csv) or xlsx (customers.xlsx, an Excel workbook).")
        var format: CustomersFormat = .csv
        @Flag(help: "Start customers.csv with a UTF-8 byte order mark (for Excel, e.g. with Chinese ids or names).")
        var bom = false

        func validate() throws {
            guard penalizer >= 0, !horizon.isInfinite else {
                throw ValidationError("--penalizer must be ≥ 0 and --horizon finite.")
            }
            if let c = calibrationEnd, let o = observationEnd, c >= o {
                throw ValidationError("--calibration-end (\(c)) must be before --observation-end (\(o)).")
            }
        }

        func note(_ text: String) { if !quiet { printError("clv: \(text)") } }

        /// A daily summary (frequency day) in the time unit day: recency and T are whole days, so rounding
        /// their product with the unit's length gives them back exactly.
        static func inDays(_ t: SummaryTable) -> SummaryTable {
            guard t.timeUnit != .day else { return t }
            var d = t
            let days = t.timeUnit.days
            d.timeUnit = .day
            d.recency = t.recency.map { ($0 * days).rounded() }
            d.age = t.age.map { ($0 * days).rounded() }
            d.holdoutDuration = t.holdoutDuration.map { ($0 * days).rounded() }
            return d
        }

        func read(_ summary: SummaryOptions) throws -> (SummaryTable, IngestReport) {
            let progress = ProgressLine("reading \(input.input)", quiet: quiet)
            defer { progress.finish() }
            let (table, report) = try TransactionLogReader.summarize(path: try input.readablePath(), options: input.ingestOptions,
                                                                     summary: summary, progress: { progress.update(done: $0, total: $1) })
            printTimings(report)
            return (table, ExcelInputs.shared.relabel(report))
        }

        func run() throws {
            try withExitCodes {
                let started = Date()
                // Before any work: the output directory must be creatable and writable.
                let outputs = try OutputSet(directory: output)
                let options = FitOptions(penalizer: penalizer)
                // 1. All data.
                let (all, quality) = try read(SummaryOptions(frequency: freq, timeUnit: timeUnit, observationEnd: observationEnd))
                for line in quality.lines { note(line) }
                guard let first = quality.firstDate, let last = observationEnd ?? quality.lastDate else {
                    throw IngestError.noTransactions(file: input.input, reason: "no dated rows")
                }
                // 2. Calibration/holdout split and model choice.
                let span = first.days(to: last)
                let split: CalendarDay? = calibrationEnd ?? (span >= 180 ? first.adding(days: span * 2 / 3) : nil)
                let splitReason = calibrationEnd != nil ? "given with --calibration-end"
                    : split != nil ? "automatic: the last third of \(span) days of history"
                    : "none: \(span) days of history is too short to hold out (needs 180)"
                var holdout: ModelSelector.Holdout?
                var calibrationCells = try ModelRunner.cells(all)
                var calibration: SummaryTable?
                if let split {
                    var calibrationOptions = SummaryOptions(frequency: freq, timeUnit: timeUnit, observationEnd: last, calibrationEnd: split)
                    calibrationOptions.trackRepeatPurchases = true
                    let (cal, _) = try read(calibrationOptions)
                    calibration = cal
                    calibrationCells = try ModelRunner.cells(cal)
                    holdout = ModelSelector.Holdout(frequency: cal.repeatPurchases, recency: cal.recency, age: cal.age,
                                                    holdoutFrequency: cal.holdoutFrequency!, length: cal.holdoutDuration!)
                }
                let outcome = try ModelSelector.choose(cells: calibrationCells, holdout: holdout, options: options)
                note("model: \(outcome.kind.rawValue), \(outcome.selection.reason)")
                // 3. Refit on all data; spend model.
                let cells = try ModelRunner.cells(all)
                let (model, report) = try ModelRunner.fit(outcome.kind, cells, options: outcome.options)
                var spend: GammaGammaModel?, spendEntry: ModelFile.Entry?
                if all.hasMonetary {
                    let spendCells = try GammaGammaModel.SpendCells(frequency: all.repeatPurchases.map(Double.init), meanValue: all.monetaryValue)
                    let spendFit = SpendModelFit(spendCells, options: outcome.options)
                    spend = spendFit.model
                    if let r = spendFit.report {
                        spendEntry = ModelFile.Entry(kind: .gg, report: r, frequencySpendCorrelation: spendCells.frequencySpendCorrelation)
                    }
                    if let why = spendFit.note { note(why) }
                }
                var selection = outcome.selection
                if split != nil { selection.reason += "; refitted on all data" }
                var modelFile = ModelFile(fit: .init(kind: outcome.kind.modelKind, report: report), spendModel: spendEntry,
                                          selection: selection, timeUnit: timeUnit,
                                          data: ModelRunner.dataSummary(all, distinct: cells.count, source: input.input))
                // 4. Scores.
                let clvOptions = value.lifetimeValue(horizonDays: horizon.days(modelUnit: timeUnit))
                let score = { (days: Double) in
                    model.score(frequency: all.repeatPurchases, recency: all.recency, age: all.age,
                                monetaryValue: all.hasMonetary ? all.monetaryValue : nil, horizon: days / timeUnit.days,
                                spend: spend, timeUnit: timeUnit, lifetimeValue: clvOptions)
                }
                let year = score(365)
                let month = model.score(frequency: all.repeatPurchases, recency: all.recency, age: all.age, monetaryValue: nil,
                                        horizon: 30 / timeUnit.days, spend: nil, timeUnit: timeUnit, lifetimeValue: clvOptions)
                let quarter = model.score(frequency: all.repeatPurchases, recency: all.recency, age: all.age, monetaryValue: nil,
                                          horizon: 90 / timeUnit.days, spend: nil, timeUnit: timeUnit, lifetimeValue: clvOptions)
                let clv = year.lifetimeValue ?? [Double](repeating: 0, count: all.count)
                guard clv.allSatisfy(\.isFinite), year.probabilityAlive.allSatisfy(\.isFinite) else {
                    throw ModelError.unusableModel(model: report.model, reason: "some predictions are not finite numbers; nothing was written.")
                }
                let deciles = FittedModel.valueDeciles(clv)
                // Frozen in model.json, so that `FittedModel.score` gives one customer the decile of this ranking.
                if year.lifetimeValue != nil { modelFile.valueCutPoints = FittedModel.valueCutPoints(of: clv) }
                // Lifecycle stages exactly as `clv segment --method lifecycle` gives them (daily figures, MBG/NBD
                // P(alive), trend and reactivation rules).
                // The daily figures are those of `all` when it counts days (recency and T back in whole days).
                var lifecycleData = freq == .day
                    ? try SegmentData(input: input, table: Self.inDays(all), report: quality, quiet: true)
                    : try SegmentData(input: input, observationEnd: observationEnd, quiet: true)
                try lifecycleData.addModelScores(.mbgnbd, value: value, horizonDays: horizon.days(modelUnit: .day))
                let lifecycle = try lifecycleData.lifecycleStages(trendWindow: 90, options: LifecycleOptions()).segmentation
                guard lifecycleData.metrics.ids == all.customerIDs else {
                    throw ModelError.invalidData("\(input.input): the customers of the daily re-read differ from the first read; was the file changed during the run?")
                }
                let segments = try Self.segments(all, clv: year.lifetimeValue, probabilityAlive: year.probabilityAlive, lifecycle: lifecycle)
                // 5. Outputs: all files of the set are completed as temporary files, then renamed together. A
                // workbook is written from a scratch CSV of the same lines.
                let customersName = "customers.\(format.rawValue)"
                let customersPath = (output as NSString).appendingPathComponent(customersName)
                let scratch = format == .xlsx ? try ExcelOutputs.scratchPath() : nil
                defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
                let customers = try scratch.map { try OutputFile(path: $0) } ?? outputs.file(customersName)
                var w = ByteWriter(capacity: 1 << 20)
                if bom, scratch == nil { w.append("\u{FEFF}" as String) }
                w.append("customer_id,frequency,recency,T,monetary_value,first_purchase,last_purchase,orders,total_spend,p_alive,expected_purchases_30d,expected_purchases_90d,expected_purchases_365d,expected_spend,clv,value_decile,r_score,f_score,m_score,rfm_segment,value_matrix_segment,abc_class,lifecycle_stage\n")
                for i in 0..<all.count {
                    w.appendCSVField(all.customerIDs[i])
                    for v in [Double(all.repeatPurchases[i]), all.recency[i], all.age[i], all.hasMonetary ? all.monetaryValue[i] : 0] {
                        w.append(byte: 0x2C); w.append(v)
                    }
                    w.append(byte: 0x2C); w.append(all.firstPurchase[i].description)
                    w.append(byte: 0x2C); w.append(all.lastPurchase[i].description)
                    w.append(byte: 0x2C); w.append(Int(all.orders[i]))
                    for v in [all.hasMonetary ? all.totalSpend[i] : 0, year.probabilityAlive[i], month.expectedTransactions[i],
                              quarter.expectedTransactions[i], year.expectedTransactions[i]] {
                        w.append(byte: 0x2C); w.append(v)
                    }
                    w.append(byte: 0x2C); if let s = year.expectedSpend?[i] { w.append(s) }
                    w.append(byte: 0x2C); if year.lifetimeValue != nil { w.append(clv[i]) }
                    w.append(byte: 0x2C); if year.lifetimeValue != nil { w.append(deciles[i]) } // no CLV, no value decile
                    for score in [segments.rfm.recencyScore[i], segments.rfm.frequencyScore[i], segments.rfm.monetaryScore[i]] {
                        w.append(byte: 0x2C); w.append(Int(score))
                    }
                    for seg in segments.all { w.append(byte: 0x2C); w.append(seg.segment(of: i).key) }
                    w.append(byte: 0x0A)
                    if w.count > 1 << 20 { try customers.write(w); w.removeAll() }
                }
                try customers.write(w)
                if let scratch {
                    try customers.commit()
                    try ExcelOutputs.writeWorkbook(fromCSV: scratch, sheetName: "customers", into: try outputs.file(customersName))
                } else {
                    try customers.seal()
                }
                let modelOut = try outputs.file("model.json")
                try modelOut.write(Array(OutputSet.stamp(json: try modelFile.encoded(), runID: outputs.runID)) + [0x0A])
                let headline = Self.headline(all, year: year, month: month, quarter: quarter, clv: clv, hasValue: year.lifetimeValue != nil)
                var summaryFile = AnalysisSummary(
                    clvkitVersion: CLV.configuration.version, created: ISO8601DateFormatter().string(from: Date()),
                    input: input.input, dataQuality: quality, firstDate: first.description, lastDate: last.description,
                    split: .init(calibrationEnd: split?.description, holdoutEnd: split == nil ? nil : last.description, reason: splitReason,
                                 holdoutCustomers: calibration?.count),
                    model: .init(chosen: outcome.kind.rawValue, displayName: report.model, reason: selection.reason,
                                 parameters: modelFile.parameters, timeUnit: timeUnit.rawValue,
                                 holdout: outcome.validations[outcome.kind]),
                    spendModel: spendEntry.map { .init(parameters: $0.parameters, frequencySpendCorrelation: $0.frequencySpendCorrelation) },
                    settings: .init(horizonDays: horizon.days(modelUnit: timeUnit), margin: value.margin, annualDiscountRate: value.discountRate),
                    headline: headline, seconds: Date().timeIntervalSince(started))
                let encoder = reportJSONEncoder()
                var reportData = try Self.reportData(all: all, calibration: calibration, outcome: outcome, report: report, selection: selection,
                                                     quality: quality, headline: headline, year: year, clv: clv,
                                                     horizonDays: horizon.days(modelUnit: timeUnit), source: input.input,
                                                     created: summaryFile.created, hasValue: year.lifetimeValue != nil)
                Self.addModelViews(&reportData, model: model, spend: spend, table: all, timeUnit: timeUnit)
                reportData.segmentTables = segments.reportTables
                reportData.assumptions = .init(margin: value.margin, annualDiscountRate: value.discountRate, horizonAmount: horizon.amount,
                                               horizonUnit: (horizon.unit ?? timeUnit).rawValue, horizonDays: horizon.days(modelUnit: timeUnit),
                                               currency: quality.currency)
                reportData.qualityLinesChinese = quality.chineseLines
                summaryFile.report = reportData
                let summaryOut = try outputs.file("summary.json")
                try summaryOut.write(Array(OutputSet.stamp(json: try encoder.encode(summaryFile), runID: outputs.runID)) + [0x0A])
                let page = try outputs.file("report.html")
                try page.write(OutputSet.stamp(html: HTMLReport.render(reportData, language: lang), runID: outputs.runID))
                try outputs.commit(generatedBy: "clv analyze")
                note(String(format: "%d customers, %.0f expected to be active; total CLV %.2f (mean %.2f), top 20%% hold %.0f%% of it",
                            headline.customers, headline.expectedActiveCustomers, headline.totalCLV, headline.meanCLV, 100 * headline.top20CLVShare))
                note("wrote \(customersPath), model.json, summary.json, report.html in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
            }
        }

        /// The standard segmentations of the customers of `all` (model time unit): RFM on net spend, value
        /// matrix, ABC by CLV (spend without a spend model), and the given lifecycle stages (those of
        /// `clv segment --method lifecycle`, ``SegmentData/lifecycleStages(trendWindow:options:)``).
        static func segments(_ all: SummaryTable, clv: [Double]?, probabilityAlive: [Double], lifecycle: Segmentation)
            throws -> (rfm: RFMResult, all: [Segmentation], reportTables: [ReportData.SegmentTable]) {
            let metrics = try CustomerMetrics(summary: all, lifetimeValue: clv, probabilityAlive: probabilityAlive)
            let rfm = try RFMSegmentation.segment(metrics)
            let matrix = try ValueMatrix.segment(metrics).segmentation
            let abc = try ABCClassification.classify(value: metrics.value, ids: metrics.ids)
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
            return (rfm, [rfm.segmentation, matrix, abc, lifecycle], tables)
        }

        /// What the report shows.
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
            let top = clv.indices.sorted { clv[$0] > clv[$1] }.prefix(20).map {
                ReportData.TopCustomer(id: all.customerIDs[$0], clv: clv[$0], pAlive: year.probabilityAlive[$0], expected: year.expectedTransactions[$0])
            }
            return ReportData(
                source: source, created: created, headline: figures, qualityLines: quality.lines, modelName: report.model,
                selectionReason: selection.reason,
                candidates: selection.candidates.map { .init(name: $0.model, logLikelihood: $0.logLikelihood, aic: $0.aic, holdoutMeanAbsoluteError: $0.holdoutMeanAbsoluteError) },
                parameters: report.parameters.map { .init(name: $0.name, value: $0.value, lower: $0.lower95, upper: $0.upper95) },
                trackingActual: actual, trackingPredicted: predicted, calibrationDay: calibrationDay, buckets: buckets,
                lifetimeValues: hasValue ? clv : [], topCustomers: hasValue ? Array(top) : [])
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
            let sorted = pairs.map(\.m).sorted()
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
            d.spendModel = centres.map { m in
                width * xWeights.reduce(0.0) { sum, entry in
                    sum + entry.value / n * Foundation.exp(GammaGammaModel.logLikelihood(p: v.p, q: v.q, gamma: v.gamma, x: entry.key, m: m))
                }
            }
        }

        /// 1 = the most valuable 10% of customers … 10 = the least (ties keep file order).
        static func headline(_ t: SummaryTable, year: CustomerScores, month: CustomerScores, quarter: CustomerScores,
                             clv: [Double], hasValue: Bool) -> AnalysisSummary.Headline {
            func topShare(_ v: [Double]) -> Double {
                let sorted = v.sorted(by: >)
                let total = sorted.reduce(0, +)
                guard total > 0 else { return 0 }
                return sorted.prefix(max(1, sorted.count / 5)).reduce(0, +) / total
            }
            let totalCLV = hasValue ? clv.reduce(0, +) : 0
            let sortedCLV = clv.sorted()
            return .init(customers: t.count, repeatCustomers: t.repeatPurchases.filter { $0 > 0 }.count,
                         expectedActiveCustomers: year.probabilityAlive.reduce(0, +),
                         expectedPurchases30d: month.expectedTransactions.reduce(0, +),
                         expectedPurchases90d: quarter.expectedTransactions.reduce(0, +),
                         expectedPurchases365d: year.expectedTransactions.reduce(0, +),
                         historicalRevenue: t.hasMonetary ? t.totalSpend.reduce(0, +) : 0,
                         totalCLV: totalCLV, meanCLV: t.count > 0 ? totalCLV / Double(t.count) : 0,
                         medianCLV: sortedCLV.isEmpty ? 0 : sortedCLV[sortedCLV.count / 2],
                         top20CLVShare: hasValue ? topShare(clv) : 0,
                         top20RevenueShare: t.hasMonetary ? topShare(t.totalSpend) : 0)
        }
    }
}

/// `summary.json` of `clv analyze`: machine-readable headline figures.
struct AnalysisSummary: Encodable {
    struct Split: Encodable { let calibrationEnd: String?; let holdoutEnd: String?; let reason: String; let holdoutCustomers: Int? }
    struct Model: Encodable {
        let chosen: String; let displayName: String; let reason: String; let parameters: [String: Double]; let timeUnit: String
        let holdout: HoldoutValidation?
    }
    struct Spend: Encodable { let parameters: [String: Double]; let frequencySpendCorrelation: Double? }
    struct Settings: Encodable { let horizonDays: Double; let margin: Double; let annualDiscountRate: Double }
    struct Headline: Encodable {
        let customers: Int; let repeatCustomers: Int; let expectedActiveCustomers: Double
        let expectedPurchases30d: Double; let expectedPurchases90d: Double; let expectedPurchases365d: Double
        let historicalRevenue: Double; let totalCLV: Double; let meanCLV: Double; let medianCLV: Double
        let top20CLVShare: Double; let top20RevenueShare: Double
        enum CodingKeys: String, CodingKey {
            case customers, repeatCustomers, expectedActiveCustomers, historicalRevenue, totalCLV = "totalClv", meanCLV = "meanClv"
            case medianCLV = "medianClv", top20CLVShare = "top20PercentClvShare", top20RevenueShare = "top20PercentRevenueShare"
            case expectedPurchases30d = "expectedPurchasesNext_30Days", expectedPurchases90d = "expectedPurchasesNext_90Days"
            case expectedPurchases365d = "expectedPurchasesNext_365Days"
        }
    }
    let generatedBy = "clv analyze"
    let clvkitVersion: String
    let created: String
    let input: String
    let dataQuality: IngestReport
    let firstDate: String
    let lastDate: String
    let split: Split
    let model: Model
    let spendModel: Spend?
    let settings: Settings
    let headline: Headline
    let seconds: Double
    /// Everything `report.html` shows, for `clv report` to render again.
    var report: ReportData?
}
