import CLVCore
import CLVIO
import ArgumentParser
import CLVKit
import Foundation

/// Segmentation methods of `clv segment` (the library's).
typealias SegmentMethod = SegmentationMethod
extension SegmentationMethod: ExpressibleByArgument {}

/// A SOM grid such as 4x3.
struct GridSize: ExpressibleByArgument {
    let rows: Int, columns: Int
    init?(argument: String) {
        let parts = argument.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts.allSatisfy({ (1...50).contains($0) }), parts[0] * parts[1] >= 2 else { return nil }
        rows = parts[0]; columns = parts[1]
    }
    var defaultValueDescription: String { "\(rows)x\(columns)" }
}

/// A range of cluster counts such as 2-8.
struct CountRange: ExpressibleByArgument {
    let lower: Int, upper: Int
    init?(argument: String) {
        let parts = argument.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, parts[0] >= 2, parts[1] >= parts[0], parts[1] <= 50 else { return nil }
        lower = parts[0]; upper = parts[1]
    }
    var defaultValueDescription: String { "\(lower)-\(upper)" }
}

/// How the composite index weights its indicators.
enum IndexWeighting: String, ExpressibleByArgument, CaseIterable {
    case entropy, ahp, given, entropyAHP = "entropy-ahp"
}

/// What value-based methods rank by.
enum ValueBasis: String, ExpressibleByArgument, CaseIterable {
    /// Net spend to date.
    case spend
    /// Model-based CLV over --horizon (fits the model).
    case clv
}

/// One method or several, comma-separated.
struct MethodList: ExpressibleByArgument {
    let methods: [SegmentMethod]
    init?(argument: String) {
        let parts = argument.split(separator: ",").map { SegmentMethod(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
        methods = parts.map { $0! }
        guard Set(methods).count == methods.count else { return nil }
    }
    var defaultValueDescription: String { methods.map(\.rawValue).joined(separator: ",") }
}

/// A comma-separated list of numbers.
struct NumberList: ExpressibleByArgument {
    let values: [Double]
    init?(argument: String) {
        let parts = argument.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0?.isFinite == true }) else { return nil }
        values = parts.map { $0! }
    }
    var defaultValueDescription: String { values.map { ModelRunner.format($0) }.joined(separator: ",") }
}

extension CLV {
    struct Segment: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "segment",
            abstract: "Segments customers (RFM, value matrix, ABC, tiers, lifecycle) and says what to do with each segment.",
            discussion: """
            Writes one row per customer: customer_id, segment (in --lang), segment_key, the method's own \
            columns, and action. Several methods (--method rfm,abc) give one table whose columns all carry \
            the method as a prefix (rfm_segment, rfm_orders, abc_segment, abc_class, …), so no name repeats. With --summary the output is the segment \
            table instead (method, size, share of customers and of value, profile in days/orders/money, \
            rule, action); --summary-file writes it in addition to the customer rows.

            Methods:
              rfm           R, F, M scores 1–5 (SQL NTILE: ties ordered by customer id) and the eight classic \
            segments (重要价值客户 …): high/low on recency, frequency, monetary against the mean (--reference).
              value-matrix  orders × average order value, split at the mean: best, frequent, spender, uncertain.
              abc           A = top 15% of customers by value, B = next 20%, C = the rest (--abc-cuts, --abc-basis).
              tiers         membership tiers by spend in the last --tier-window days and activity; with \
            --compare DATE also the tier at DATE and the move (upgrade/downgrade).
              lifecycle     new, growing, mature, at risk, churned, reactivated from recency against the \
            customer's usual gap, P(alive) (MBG/NBD fitted unless --model none), tenure and the 90-day trend.
              kmeans        K-Means (k-means++, 10 seeded restarts; above 200k customers the restarts run on a \
            50k sample, then Lloyd on all) on standardized features (--cluster-features; log where skewed); \
            without --k, k in --k-range by the highest silhouette (sampled above 10k customers).
              two-step      CF-tree pre-clustering, then Ward on the sub-clusters, number of clusters by BIC \
            and the ratio of distance changes (or --k).
              som           Kohonen map (--som-grid, default 4x4) whose units are grouped by Ward into --k clusters (default 6).
              Clusters are labelled from their medians (e.g. "recent, frequent, high-spend") and get the \
            action of the RFM segment their median customer falls in.
              index         composite index (B2B): --indicators (built in: recency_days, orders, spend, \
            average_order_value, tenure_days, clv, p_alive, or columns of --attributes FILE; name:cost for \
            smaller-is-better) → min–max → weights by entropy, AHP (--ahp-matrix FILE, consistency ratio < 0.1), \
            entropy×AHP or given (--indicator-weights) → score 0–100, rank, and grades by the ABC cut points.

            Examples:
              clv segment Examples/transactions.csv --method rfm --lang zh
              clv segment orders.csv --method abc --value clv --summary
              clv segment orders.csv --method tiers --tier-thresholds 500,2000,8000 --compare 2025-12-31 -o tiers.csv
              clv segment b2b.csv --method index --attributes accounts.csv --indicators orders,spend,recency_days:cost,credit_days:cost --weights ahp --ahp-matrix judgments.csv
            """)

        @OptionGroup var input: InputOptions
        @Option(help: "Method, or several separated by commas: \(SegmentMethod.allCases.map(\.rawValue).joined(separator: ", ")).")
        var method: MethodList = MethodList(argument: "rfm")!
        @Option(help: "Language of segment names and actions: en or zh.")
        var lang: Language = .en
        @Option(help: "Segment as of this date (YYYY-MM-DD); later rows are ignored. Default: the last transaction date.")
        var observationEnd: CalendarDay?
        @Option(help: "Value that abc and the segment table use: spend (net spend to date) or clv (fits a model).")
        var value: ValueBasis = .spend
        @Option(help: "Model for P(alive) and CLV: bgnbd, mbgnbd, pnbd or none. Default: mbgnbd for lifecycle and --value clv, else none.")
        var model: String?
        @Option(help: "CLV horizon with --value clv: 90d, 12m, 1y, …")
        var horizon: Horizon = Horizon(argument: "1y")!
        @OptionGroup var valueOptions: ValueOptions

        @Option(help: "rfm: number of score bins.")
        var bins: Int = 5
        @Option(help: "rfm: ties in quantile scores: ntile (SQL NTILE, ordered by customer id) or keep (equal values share a score).")
        var ties: TieRule = .ntile
        @Option(help: "rfm: recency cut points in days instead of quantiles, e.g. 30,90,180,365 (≤ 30 days scores 5).")
        var recencyCuts: NumberList?
        @Option(help: "rfm: frequency cut points (orders), e.g. 2,3,5,10 (lower bounds of scores 2…5).")
        var frequencyCuts: NumberList?
        @Option(help: "rfm: monetary cut points, e.g. 100,300,1000,3000.")
        var monetaryCuts: NumberList?
        @Option(help: "rfm: monetary value: total (net spend) or average (per order).")
        var monetary: MonetaryKind = .total
        @Option(help: "rfm: cap monetary values at this quantile before scoring and averaging (1 = no cap).")
        var capMonetary: Double = 0.99
        @Option(help: "rfm, value-matrix: compare with the mean or the median.")
        var reference: SplitReference = .mean
        @Option(help: "rfm: the eight segments compare raw values or scores.")
        var splitBasis: RFMSplitBasis = .values

        @Option(help: "abc: cut points A,B as shares (default 0.15,0.35).")
        var abcCuts: NumberList?
        @Option(help: "abc: the cut points are shares of customers or of value.")
        var abcBasis: ABCBasis = .customers

        @Option(help: "tiers: spend window in days.")
        var tierWindow: Int = 365
        @Option(help: "tiers: silver,gold,diamond spend thresholds (default: 50th/80th/95th percentile of window spend, 2 significant digits).")
        var tierThresholds: NumberList?
        @Option(help: "tiers: paid tiers need a purchase within this many days.")
        var tierInactiveDays: Double = 365
        @Option(help: "tiers: also compute the tiers at this earlier date and report moves.")
        var compare: CalendarDay?

        @Option(help: "lifecycle: trend window in days (orders in the last N days against the N before).")
        var trendWindow: Int = 90
        @Option(help: "lifecycle: first purchase within this many days is new.")
        var newDays: Double = 90
        @Option(help: "lifecycle: churned beyond this multiple of the usual gap.")
        var churnGapMultiple: Double = 3
        @Option(help: "lifecycle: at risk beyond this multiple of the usual gap.")
        var atRiskGapMultiple: Double = 1.5

        @Option(help: "index: indicators, comma-separated; name:cost when smaller is better.")
        var indicators: String = "recency_days:cost,orders,spend,average_order_value,tenure_days"
        @Option(help: "index: weights by entropy, ahp, entropy-ahp or given.")
        var weights: IndexWeighting = .entropy
        @Option(help: "index: given weights, one per indicator.")
        var indicatorWeights: NumberList?
        @Option(help: "index: pairwise comparison matrix (CSV: header ,name1,name2,…; rows name,a11,a12,…; fractions like 1/3).")
        var ahpMatrix: String?
        @Option(help: "index: consistency ratio at or above which the AHP matrix is refused.")
        var maxConsistencyRatio: Double = 0.1
        @Option(help: "index: CSV of extra per-customer indicator columns (customer_id, then numbers).")
        var attributes: String?

        @Option(help: "kmeans, two-step, som: number of clusters (default: chosen from the data).")
        var k: Int?
        @Option(help: "kmeans, two-step: range of cluster counts to choose from.")
        var kRange: CountRange = CountRange(argument: "2-8")!
        @Option(help: "kmeans, two-step, som: features, from recency_days, orders, spend, average_order_value, tenure_days, clv, p_alive.")
        var clusterFeatures: String = "recency_days,orders,spend,average_order_value"
        @Option(help: "som: map size, rows x columns.")
        var somGrid: GridSize = GridSize(argument: "4x4")!
        @Option(help: "som: training steps (default: the number of customers, between 10,000 and 200,000).")
        var somIterations: Int?
        @Option(help: "Seed of the clustering methods.")
        var seed: UInt64 = 1

        @Flag(help: "Write the segment table instead of one row per customer.")
        var summary = false
        @Option(help: "Also write the segment table to this file (same format).")
        var summaryFile: String?
        @OptionGroup var output: OutputOptions

        enum TieRule: String, ExpressibleByArgument, CaseIterable { case ntile, keep }
        enum MonetaryKind: String, ExpressibleByArgument, CaseIterable { case total, average }

        func validate() throws {
            guard (2...100).contains(bins) else { throw ValidationError("--bins must be between 2 and 100.") }
            guard capMonetary > 0, capMonetary <= 1 else { throw ValidationError("--cap-monetary must be in (0, 1].") }
            let cuts = [recencyCuts, frequencyCuts, monetaryCuts]
            guard cuts.allSatisfy({ $0 == nil }) || cuts.allSatisfy({ $0 != nil }) else {
                throw ValidationError("give all three of --recency-cuts, --frequency-cuts and --monetary-cuts, or none.")
            }
            if let c = abcCuts, c.values.count != 2 { throw ValidationError("--abc-cuts takes two shares, e.g. 0.15,0.35.") }
            if let t = tierThresholds, t.values.count != 3 { throw ValidationError("--tier-thresholds takes three amounts: silver,gold,diamond.") }
            guard tierWindow > 0, trendWindow > 0 else { throw ValidationError("--tier-window and --trend-window must be positive.") }
            if (weights == .ahp || weights == .entropyAHP) && ahpMatrix == nil { throw ValidationError("--weights \(weights.rawValue) needs --ahp-matrix FILE.") }
            if weights == .given && indicatorWeights == nil { throw ValidationError("--weights given needs --indicator-weights.") }
            if let k, k < 2 { throw ValidationError("--k must be at least 2.") }
            if let somIterations, somIterations < 1 { throw ValidationError("--som-iterations must be positive.") }
            if let model, model != "none", TransactionModelKind(rawValue: model) == nil {
                throw ValidationError("--model must be bgnbd, mbgnbd, pnbd or none (got '\(model)').")
            }
            // Everything the options alone decide is checked here, before any input is read.
            if value == .clv && modelKind == nil { throw ValidationError("--value clv needs amounts and a model (not --model none).") }
            func checkMetric(_ name: String, what: String) throws {
                if name == "clv" && value != .clv { throw ValidationError("\(what) clv needs --value clv.") }
                if name == "p_alive" && modelKind == nil { throw ValidationError("\(what) p_alive needs a model (--model).") }
            }
            if method.methods.contains(where: { [.kmeans, .twoStep, .som].contains($0) }) {
                for name in clusterFeatures.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    guard SegmentRun.metricNames.contains(name) else {
                        throw ValidationError("unknown clustering feature \(name): use \(SegmentRun.metricNames.joined(separator: ", ")).")
                    }
                    try checkMetric(name, what: "--cluster-features")
                }
            }
            if method.methods.contains(.index) {
                let items = indicators.split(separator: ",")
                for item in items {
                    let parts = item.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
                    guard let name = parts.first, parts.count <= 2, parts.count == 1 || ["cost", "benefit"].contains(parts[1]) else {
                        throw ValidationError("--indicators: '\(item)' is not name or name:cost / name:benefit.")
                    }
                    if !SegmentRun.metricNames.contains(name), attributes == nil {
                        throw ValidationError("unknown indicator \(name); columns of another file need --attributes FILE.")
                    }
                    try checkMetric(name, what: "--indicators")
                }
                if let w = indicatorWeights, w.values.count != items.count {
                    throw ValidationError("--indicator-weights has \(w.values.count) weights for \(items.count) indicators.")
                }
            }
        }

        /// The model to fit, if any.
        var modelKind: TransactionModelKind? {
            if let model { return TransactionModelKind(rawValue: model) }
            return method.methods.contains(.lifecycle) || value == .clv ? .mbgnbd : nil
        }

        func note(_ text: String) { if !output.quiet { printError("clv: \(text)") } }

        func run() throws {
            try withExitCodes {
                try checkOutputs(output.output, summaryFile)
                // Windows and trends read the log more than once; standard input is read from one copy of it
                // (InputOptions.readablePath()).
                let console = PipelineConsole(quiet: output.quiet)
                var data = try SegmentInputs(source: try input.logSource(), observationEnd: observationEnd, progress: console.progress)
                for line in data.report.lines(.en) { note(line) }
                if let kind = modelKind {
                    try data.addModelScores(kind, lifetimeValue: valueOptions.lifetimeValue(horizonDays: horizon.days(modelUnit: .day)))
                    note("model: \(kind.rawValue) fitted for P(alive)\(data.metrics.lifetimeValue != nil ? " and CLV" : "")")
                    if let why = data.spendModelNote { note(why) }
                }
                if value == .clv && data.metrics.lifetimeValue == nil {
                    if let why = data.spendModelNote { throw ModelError.unusableModel(model: "--value clv", reason: why) }
                    throw ValidationError("--value clv needs amounts and a model (not --model none).")
                }
                if value == .spend { data.metrics.lifetimeValue = nil }
                let started = ProgressLine.now()
                let options = try segmentOptions()
                let results = try method.methods.map { try SegmentRun.run($0, data, options: options, progress: console.progress) }
                if ProcessInfo.processInfo.environment["CLVKIT_TIMING"] != nil {
                    printError("timing: segment \(ProgressLine.now() - started) s for \(data.metrics.count) customers (\(method.methods.map(\.rawValue).joined(separator: ",")))")
                }
                let single = results.count == 1
                if summary {
                    try writeSummary(results, data.metrics, to: output.output, language: lang)
                } else {
                    var columns = ["customer_id"]
                    for r in results {
                        let p = single ? "" : r.method.rawValue.replacingOccurrences(of: "-", with: "_") + "_"
                        // With several methods every column carries its method as a prefix (rfm_orders,
                        // value_matrix_orders), unless it already starts with it (abc_class, lifecycle_stage).
                        columns += [p + "segment", p + "segment_key"] + r.columns.map { $0.hasPrefix(p) ? $0 : p + $0 } + [p + "action"]
                    }
                    var table = TableOutput(columns: columns, format: output.format, file: try output.open(output.output))
                    for i in 0..<data.metrics.count {
                        var fields: [Field] = [.text(data.metrics.ids[i])]
                        for r in results {
                            let s = r.segmentation.segment(of: i)
                            fields += [.text(s.name.text(lang)), .text(s.key)] + r.fields(i) + [.text(s.action.text(lang))]
                        }
                        try table.row(fields)
                    }
                    try table.finish()
                    if let summaryFile { try writeSummary(results, data.metrics, to: summaryFile, language: lang) }
                }
                for line in results.flatMap(\.notes) { note(line) }
            }
        }

        /// The thresholds of the lifecycle flags.
        var lifecycleOptions: LifecycleOptions {
            var options = LifecycleOptions()
            options.newCustomerDays = newDays
            options.churnGapMultiple = churnGapMultiple
            options.atRiskGapMultiple = atRiskGapMultiple
            return options
        }

        func writeSummary(_ results: [SegmentRunResult], _ metrics: CustomerMetrics, to path: String?, language: Language) throws {
            var table = TableOutput(
                columns: ["method", "segment_key", "segment", "customers", "customer_share", "value", "value_share",
                          "mean_recency_days", "median_recency_days", "mean_orders", "median_orders", "mean_spend",
                          "median_spend", "mean_order_value", "mean_clv", "mean_p_alive", "rule", "action"],
                format: output.format, file: try output.open(path))
            for result in results {
                for r in SegmentSummary.rows(result.segmentation, metrics: metrics) {
                    try table.row([.text(result.method.rawValue), .text(r.segment.key), .text(r.segment.name.text(lang)), .integer(r.customers),
                                   .number(r.customerShare), .number(r.value), .number(r.valueShare),
                                   .number(r.meanRecencyDays), .number(r.medianRecencyDays), .number(r.meanOrders),
                                   .number(r.medianOrders), .number(r.meanSpend), .number(r.medianSpend), .number(r.meanOrderValue),
                                   r.meanLifetimeValue.map(Field.number) ?? .missing, r.meanProbabilityAlive.map(Field.number) ?? .missing,
                                   .text(r.segment.rule.text(lang)), .text(r.segment.action.text(lang))])
                }
            }
            try table.finish()
        }

        /// The library options these flags describe (reads --attributes and --ahp-matrix).
        func segmentOptions() throws -> SegmentRunOptions {
            var o = SegmentRunOptions()
            if let r = recencyCuts, let f = frequencyCuts, let mc = monetaryCuts {
                o.rfmBinning = .thresholds(recencyDays: r.values, frequency: f.values, monetary: mc.values)
            } else {
                o.rfmBinning = ties == .ntile ? .ntile(bins: bins) : .quantilesKeepingTies(bins: bins)
            }
            o.rfmMonetary = monetary == .total ? .total : .average
            o.rfmMonetaryCapQuantile = capMonetary < 1 ? capMonetary : nil
            o.reference = reference
            o.rfmSplitBasis = splitBasis
            if let c = abcCuts { o.abcCuts = (c.values[0], c.values[1]) }
            o.abcBasis = abcBasis
            o.tierWindowDays = tierWindow
            o.tierThresholds = tierThresholds.map { ($0.values[0], $0.values[1], $0.values[2]) }
            o.tierInactiveDays = tierInactiveDays
            o.tierCompare = compare
            o.trendWindowDays = trendWindow
            o.lifecycle = lifecycleOptions
            o.clusterCount = k
            o.clusterCountRange = kRange.lower...kRange.upper
            o.clusterFeatures = clusterFeatures.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            o.somRows = somGrid.rows
            o.somColumns = somGrid.columns
            o.somIterations = somIterations
            o.seed = seed
            o.recordTimings = ProcessInfo.processInfo.environment["CLVKIT_TIMING"] != nil
            guard method.methods.contains(.index) else { return o }
            o.indicators = indicators.split(separator: ",").map { item in
                let parts = item.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
                return Indicator(parts[0], direction: parts.count == 2 && parts[1] == "cost" ? .cost : .benefit)
            }
            if let w = indicatorWeights {
                for k in o.indicators.indices { o.indicators[k].givenWeight = w.values[k] }
            }
            switch weights {
            case .entropy: o.indexWeighting = .entropy()
            case .given: o.indexWeighting = .given
            case .ahp: o.indexWeighting = .ahp(try readComparisonMatrix(ahpMatrix!))
            case .entropyAHP: o.indexWeighting = .entropyAHP(try readComparisonMatrix(ahpMatrix!))
            }
            o.maxConsistencyRatio = maxConsistencyRatio
            o.attributes = try attributes.map { try AttributeFile(path: $0) }
            return o
        }
    }
}

extension SplitReference: ExpressibleByArgument {}
extension RFMSplitBasis: ExpressibleByArgument {}
extension ABCBasis: ExpressibleByArgument {}
