import CLVCore
import Foundation

/// Everything the report shows, as plain values.
public struct ReportData: Sendable, Codable {
    /// One headline figure. With an `amount` and a `kind`, the page formats the number in its language
    /// (money with the currency, thousands separators, 万/亿 in Chinese); else it shows `value` as it is.
    public struct Figure: Sendable, Codable {
        /// How `amount` is written.
        public enum Kind: String, Sendable, Codable { case money, count, share }
        /// What the figure is (the card's caption), and its text as given or as formatted on creation.
        public var label: ReportText; public var value: String
        /// The number behind `value`, when the figure was made by ``money(_:_:)``, ``count(_:_:)`` or ``share(_:_:)``.
        public var amount: Double?
        /// How `amount` is written; nil for a figure shown as its `value` text.
        public var kind: Kind?
        /// A figure shown as `value`, unchanged in either language (unless its label names a money or count
        /// figure and `value` reads as a number; see ``text(_:currency:)``).
        public init(_ label: ReportText, _ value: String) { self.label = label; self.value = value }
        /// A money figure (written with the currency of the report's assumptions).
        public static func money(_ label: ReportText, _ amount: Double) -> Figure { .init(label, amount, .money) }
        /// A count (2,000).
        public static func count(_ label: ReportText, _ amount: Double) -> Figure { .init(label, amount, .count) }
        /// A share (0.88 → 88%).
        public static func share(_ label: ReportText, _ amount: Double) -> Figure { .init(label, amount, .share) }
        init(_ label: ReportText, _ amount: Double, _ kind: Kind) {
            self.label = label; self.amount = amount; self.kind = kind
            switch kind {
            case .money: value = ReportFormat.grouped(amount)
            case .count: value = ReportFormat.count(amount)
            case .share: value = ReportFormat.percent(amount)
            }
        }
        /// The value as the page shows it in `language`. A figure saved without a kind (by an older
        /// clv) is read by its label: money and counts are numbers written with "%.2f" and "%.0f".
        public func text(_ language: Language, currency: String?) -> String {
            let inferred: Kind? = kind ?? {
                switch label {
                case .totalCLV, .meanCLV, .medianCLV, .historicalRevenue: return .money
                case .customers, .repeatCustomers, .expectedActive, .expectedPurchases365: return .count
                default: return nil
                }
            }()
            guard let kind = inferred, let amount = amount ?? Double(value) else { return value }
            switch kind {
            case .money: return ReportFormat.money(amount, currency: currency, language: language)
            case .count: return ReportFormat.count(amount)
            case .share: return ReportFormat.percent(amount)
            }
        }
    }

    /// What the lifetime values assume: the margin on spend, the annual discount rate, the horizon
    /// (as given, with its unit, and in days) and the currency of the amounts (nil: not known).
    public struct Assumptions: Sendable, Codable {
        /// The margin as a share of spend (0.3 is 30%).
        public var margin: Double
        /// The yearly discount rate as a share (0.1 is 10%).
        public var annualDiscountRate: Double
        /// The horizon as given, in `horizonUnit`s (1 for "1 year").
        public var horizonAmount: Double
        /// `day`, `week`, `month` or `year`.
        public var horizonUnit: String
        /// The horizon in days (365.2425 for one year).
        public var horizonDays: Double
        /// The currency code or symbol of the amounts; nil or blank when the data do not name one.
        public var currency: String?
        /// The assumptions, stored as given.
        public init(margin: Double, annualDiscountRate: Double, horizonAmount: Double, horizonUnit: String, horizonDays: Double,
                    currency: String?) {
            self.margin = margin; self.annualDiscountRate = annualDiscountRate; self.horizonAmount = horizonAmount
            self.horizonUnit = horizonUnit; self.horizonDays = horizonDays; self.currency = currency
        }

        /// The horizon with its unit: "1 year (365 days)", "1年（365天）".
        public func horizonText(_ language: Language) -> String {
            // Whole days from ten days on (a year is 365.2425 days: "365 days").
            let amount = ReportFormat.trimmed(horizonAmount)
            let days = horizonDays >= 10 ? String(Int(horizonDays.rounded())) : ReportFormat.trimmed(horizonDays)
            let zh = language == .zh
            let unit: String
            switch horizonUnit {
            case "day": return zh ? "\(amount)天" : "\(amount) \(horizonAmount == 1 ? "day" : "days")"
            case "week": unit = zh ? "周" : horizonAmount == 1 ? "week" : "weeks"
            case "month": unit = zh ? "个月" : horizonAmount == 1 ? "month" : "months"
            case "year": unit = zh ? "年" : horizonAmount == 1 ? "year" : "years"
            default: unit = zh ? horizonUnit : " " + horizonUnit
            }
            return zh ? "\(amount)\(unit)（\(days)天）" : "\(amount) \(unit) (\(days) days)"
        }

        /// The sentence under the headline that says what CLV means here.
        public func sentence(_ language: Language) -> String {
            let margin = ReportFormat.trimmed(100 * self.margin) + "%", rate = ReportFormat.trimmed(100 * annualDiscountRate) + "%"
            let horizon = horizonText(language)
            let c = currency?.trimmingCharacters(in: .whitespaces)
            if language == .zh {
                let money = c.map { !$0.isEmpty ? "金额单位：\(ReportFormat.isRenminbi($0) ? "人民币元" : $0)" : nil } ?? nil
                return "客户生命周期价值（CLV）为每位客户在未来\(horizon)内预计带来的毛利的现值：毛利率按消费额的\(margin)计，年折现率\(rate)；"
                    + (money ?? "金额单位与数据相同（数据未注明币种）") + "。"
            }
            let money = c.flatMap { $0.isEmpty ? nil : "amounts in \($0)" } ?? "amounts in the currency of the data (the data do not name one)"
            return "CLV is the present value of the margin each customer is expected to bring in the next \(horizon): "
                + "a margin of \(margin) of spend, discounted at \(rate) a year; \(money)."
        }
    }
    /// One model compared in the selection: its key (`bgnbd`, `pnbd` …), log-likelihood and AIC (NaN when it
    /// could not be fitted), and the mean absolute error of its per-customer holdout purchases (nil without a
    /// holdout).
    public struct Candidate: Sendable, Codable { public var name: String; public var logLikelihood: Double; public var aic: Double; public var holdoutMeanAbsoluteError: Double?
        /// A candidate row, stored as given.
        public init(name: String, logLikelihood: Double, aic: Double, holdoutMeanAbsoluteError: Double?) {
            self.name = name; self.logLikelihood = logLikelihood; self.aic = aic; self.holdoutMeanAbsoluteError = holdoutMeanAbsoluteError } }
    /// One fitted parameter of the chosen model: its name as in the paper (`r`, `alpha` …), the estimate and the
    /// bounds of its 95% interval.
    public struct Parameter: Sendable, Codable { public var name: String; public var value: Double; public var lower: Double; public var upper: Double
        /// A parameter row, stored as given.
        public init(name: String, value: Double, lower: Double, upper: Double) { self.name = name; self.value = value; self.lower = lower; self.upper = upper } }
    /// Customers grouped by calibration repeat purchases (`frequency`; the last bucket holds that many or more):
    /// how many there are, and their mean actual and predicted holdout purchases.
    public struct Bucket: Sendable, Codable { public var frequency: Int; public var customers: Int; public var actual: Double; public var predicted: Double
        /// A bucket, stored as given.
        public init(frequency: Int, customers: Int, actual: Double, predicted: Double) {
            self.frequency = frequency; self.customers = customers; self.actual = actual; self.predicted = predicted } }
    /// One of the customers with the highest CLV: id, CLV, P(alive) now, and expected purchases in the next
    /// 365 days.
    public struct TopCustomer: Sendable, Codable { public var id: String; public var clv: Double; public var pAlive: Double; public var expected: Double
        /// A top-customer row, stored as given.
        public init(id: String, clv: Double, pAlive: Double, expected: Double) { self.id = id; self.clv = clv; self.pAlive = pAlive; self.expected = expected } }

    /// The input's display name, shown under the title.
    public var source: String
    /// When the report was made (ISO 8601, `yyyy-mm-dd` with an optional `THH:MM:SSZ` time), written out in
    /// the page's language.
    public var created: String
    /// The headline figures, one card each, in order.
    public var headline: [Figure]
    /// What CLV assumes (margin, discount rate, horizon, currency); shown under the headline.
    public var assumptions: Assumptions?
    /// The data-quality lines in English (also shown by the Chinese page when ``qualityLinesChinese`` is nil).
    public var qualityLines: [String]
    /// The data-quality lines in Chinese (shown by the Chinese page instead of `qualityLines`).
    public var qualityLinesChinese: [String]?
    /// The chosen model, as its display name or its key (`bgnbd` is shown as BG/NBD).
    public var modelName: String
    /// Why that model was chosen, in English as the model selector writes it (the Chinese page translates it).
    public var selectionReason: String
    /// Every model compared, in the selector's order.
    public var candidates: [Candidate]
    /// The chosen model's fitted parameters.
    public var parameters: [Parameter]
    /// Daily cumulative repeat purchases since `trackingStart`, actual and predicted.
    public var trackingActual: [Double]
    /// The calibration model's expected cumulative repeat purchases, day by day alongside ``trackingActual``.
    public var trackingPredicted: [Double]
    /// Days from the tracking start to the calibration end (the chart's marker); nil without a calibration split.
    public var calibrationDay: Int?
    /// The chosen model's holdout buckets by calibration frequency; empty without a holdout.
    public var buckets: [Bucket]
    /// CLV histogram (bin centres and customer counts, up to the 99th percentile) and the Lorenz curve.
    public var clvBins: [Double] = []
    /// Customers per CLV bin of ``clvBins``.
    public var clvCounts: [Double] = []
    /// Lorenz curve x: the share of customers, most valuable first, from 0 to 1.
    public var lorenzX: [Double] = []
    /// Lorenz curve y: the share of total CLV those customers hold.
    public var lorenzY: [Double] = []
    /// The customers with the highest CLV (20 at most), highest first; empty without a spend model.
    public var topCustomers: [TopCustomer]
    /// Frequency (rows) × recency (columns) grids of expected purchases and P(alive), with the recency
    /// of each column and the longest history T.
    public var expectedGrid: [[Double]] = []
    /// P(alive) on the same grid as ``expectedGrid`` (row x = repeat purchases, NaN where no customer can be).
    public var aliveGrid: [[Double]] = []
    /// The BTYD recency (first to last purchase) at the centre of each grid column, in the model's time unit.
    public var gridRecency: [Double] = []
    /// Histogram of repeat buyers' mean spend (bin centres and shares) and the Gamma-Gamma density (same bins).
    public var spendBins: [Double] = []
    /// The share of repeat buyers whose mean spend falls in each bin of ``spendBins``.
    public var spendObserved: [Double] = []
    /// The Gamma-Gamma model's share for each bin (density at the bin centre × bin width), mixed over the
    /// repeat buyers' purchase counts.
    public var spendModel: [Double] = []
    /// Segment tables (RFM, value matrix, ABC, lifecycle …), in both languages.
    public var segmentTables: [SegmentTable] = []

    /// One method's segments as the report shows them.
    public struct SegmentTable: Sendable, Codable {
        /// The table's heading on the English page.
        public var titleEnglish: String
        /// The table's heading on the Chinese page.
        public var titleChinese: String
        /// The segments, in the order shown.
        public var rows: [SegmentRow]
        /// A table, stored as given.
        public init(titleEnglish: String, titleChinese: String, rows: [SegmentRow]) {
            self.titleEnglish = titleEnglish; self.titleChinese = titleChinese; self.rows = rows
        }
    }

    /// One segment: size, value share, profile and action.
    public struct SegmentRow: Sendable, Codable {
        /// The segment's name in English and in Chinese.
        public var nameEnglish: String, nameChinese: String
        /// Customers in the segment.
        public var customers: Int
        /// The segment's share of all customers and of the total positive value, each 0…1.
        public var customerShare: Double, valueShare: Double
        /// Mean days since the last purchase, mean number of orders and mean net spend to date (NaN for an
        /// empty segment, shown as "–").
        public var meanRecencyDays: Double, meanOrders: Double, meanSpend: Double
        /// The suggested action in English and in Chinese.
        public var actionEnglish: String, actionChinese: String
        /// A row, stored as given.
        public init(nameEnglish: String, nameChinese: String, customers: Int, customerShare: Double, valueShare: Double,
                    meanRecencyDays: Double, meanOrders: Double, meanSpend: Double, actionEnglish: String, actionChinese: String) {
            self.nameEnglish = nameEnglish; self.nameChinese = nameChinese; self.customers = customers
            self.customerShare = customerShare; self.valueShare = valueShare; self.meanRecencyDays = meanRecencyDays
            self.meanOrders = meanOrders; self.meanSpend = meanSpend; self.actionEnglish = actionEnglish; self.actionChinese = actionChinese
        }
    }

    /// Report data with the given fields. The CLV histogram and Lorenz curve are computed from
    /// `lifetimeValues` (see ``valueDistribution(_:)``); the grids, the spend fit, the assumptions, the Chinese
    /// quality lines and the segment tables start empty (or nil) and are set afterwards.
    public init(source: String, created: String, headline: [Figure], qualityLines: [String], modelName: String,
                selectionReason: String, candidates: [Candidate], parameters: [Parameter], trackingActual: [Double],
                trackingPredicted: [Double], calibrationDay: Int?, buckets: [Bucket], lifetimeValues: [Double],
                topCustomers: [TopCustomer]) {
        self.source = source; self.created = created; self.headline = headline; self.qualityLines = qualityLines
        self.modelName = modelName; self.selectionReason = selectionReason; self.candidates = candidates
        self.parameters = parameters; self.trackingActual = trackingActual; self.trackingPredicted = trackingPredicted
        self.calibrationDay = calibrationDay; self.buckets = buckets
        self.topCustomers = topCustomers
        (clvBins, clvCounts, lorenzX, lorenzY) = Self.valueDistribution(lifetimeValues)
    }

    /// The histogram (30 bins up to the 99th percentile: the tail would flatten the rest) and the Lorenz
    /// curve (share of value held by the most valuable share of customers, ~200 points) of `values`.
    public static func valueDistribution(_ raw: [Double]) -> ([Double], [Double], [Double], [Double]) {
        let values = raw.filter(\.isFinite).sorted()
        guard values.count > 1 else { return ([], [], [], []) }
        let cap = values[Int(Double(values.count - 1) * 0.99)]
        let bins = 30
        let width = max(cap, 1e-9) / Double(bins)
        var counts = [Double](repeating: 0, count: bins)
        for v in values where v >= 0 && v <= cap { counts[min(bins - 1, Int(v / width))] += 1 }
        let descending = Array(values.reversed())
        let total = descending.reduce(0, +)
        var cumulative = 0.0
        var lx: [Double] = [0], ly: [Double] = [0]
        let step = max(1, descending.count / 200)
        for (i, v) in descending.enumerated() {
            cumulative += v
            if (i + 1) % step == 0 || i == descending.count - 1 {
                lx.append(Double(i + 1) / Double(descending.count)); ly.append(total > 0 ? cumulative / total : 0)
            }
        }
        return ((0..<bins).map { (Double($0) + 0.5) * width }, counts, lx, ly)
    }
}

/// A self-contained HTML report: inline CSS and SVG charts, no scripts, no network; it opens from disk.
/// Large inputs are summarised (charts downsampled, top-N tables), so the page stays small. The layout
/// holds from phone width (wide tables become one block per row below 640 px) to desktop width.
public enum HTMLReport {
    /// The style sheet of the report and the churn page.
    public static let css = "body{font-family:\(SVGChart.fontStack);margin:2rem auto;max-width:1080px;color:#222;padding:0 1rem;line-height:1.45}"
        + "h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}h3{font-size:1.05rem}"
        + ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(170px,100%),1fr));gap:.8rem}"
        + ".card{background:#f6f8fa;border-radius:8px;padding:.8rem}.card .v{font-size:1.4rem;font-weight:600;overflow-wrap:anywhere}.card .v.long{font-size:1.1rem}"
        + ".card .l{color:#555;font-size:.85rem}.assumptions{background:#fff8e6;border-left:4px solid #E69F00;padding:.5rem .8rem}"
        + "table{border-collapse:collapse;margin:.5rem 0}td,th{border-bottom:1px solid #eee;padding:.3rem .7rem;text-align:right;vertical-align:top}"
        + "th:first-child,td:first-child{text-align:left}td.text{text-align:left}"
        + ".name,.num{white-space:nowrap;word-break:keep-all}"
        + ".charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(500px,100%),1fr));gap:1rem}figure{margin:0;min-width:0}"
        + "svg{max-width:100%;height:auto}svg.bars{display:block;min-width:124px}th.text{text-align:left}.muted{color:#666}"
        + "@media (max-width:640px){body{margin:1rem auto}.card .v{font-size:1.2rem}.card .v.long{font-size:1rem}td,th{padding:.25rem .35rem}table.stack,table.stack tbody,table.stack tr,table.stack td{display:block}"
        + "table.stack tr.head{display:none}table.stack tr{border-bottom:1px solid #ddd;padding:.4rem 0}"
        + "table.stack td{border:0;padding:.1rem .2rem;text-align:left}table.stack td[data-label]::before{content:attr(data-label) \": \";color:#666}"
        + ":lang(zh) table.stack td[data-label]::before{content:attr(data-label) \"：\"}"
        + "table.stack td.num{display:inline-block;width:50%;box-sizing:border-box;white-space:normal}table.stack td.name{font-weight:600}}"

    /// A table header text. A short Chinese header (up to six characters, a word or two) does not break;
    /// a longer one breaks before a bracket when it can.
    static func header(_ text: String, _ lang: Language) -> String {
        let escaped = SVGChart.escape(text)
        guard lang == .zh else { return escaped }
        if text.count <= 6 { return "<span class=\"name\">\(escaped)</span>" }
        return escaped.replacingOccurrences(of: "（", with: "<wbr>（")
    }

    /// The page.
    public static func render(_ d: ReportData, language lang: Language) -> String {
        func t(_ k: ReportText) -> String { SVGChart.escape(lang.text(k)) }
        func e(_ s: String) -> String { SVGChart.escape(s) }
        func n(_ v: Double, _ digits: Int = 2) -> String { v.isFinite ? String(format: "%.\(digits)f", v) : "–" }
        let currency = d.assumptions?.currency
        var h = "<!DOCTYPE html><html lang=\"\(lang == .zh ? "zh-Hans" : "en")\"><head><meta charset=\"utf-8\">"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>\(t(.title))</title><style>\(css)</style></head><body>"
        h += "<h1>\(t(.title))</h1><p class=\"muted\">\(e(d.source)) · \(e(ReportFormat.date(d.created, language: lang)))</p>"
        h += "<h2>\(t(.headline))</h2>"
        if let a = d.assumptions { h += "<p class=\"assumptions\">\(e(a.sentence(lang)))</p>" }
        h += "<div class=\"cards\">"
        for f in d.headline {
            let value = f.label == .horizon ? d.assumptions?.horizonText(lang) ?? f.value : f.text(lang, currency: currency)
            // Long values (¥350,000,000.00) get a smaller font, so that they fit a card without breaking.
            h += "<div class=\"card\"><div class=\"v\(value.count > 12 && !value.contains(" ") ? " long" : "")\">\(e(value))</div><div class=\"l\">\(t(f.label))</div></div>"
        }
        let quality = lang == .zh ? d.qualityLinesChinese ?? d.qualityLines : d.qualityLines
        h += "</div><h2>\(t(.dataQuality))</h2><ul>" + quality.map { "<li>\(e(ReportFormat.datesInText($0, language: lang)))</li>" }.joined() + "</ul>"
        h += "<h2>\(t(.model))</h2><p>\(t(.chosenModel))\(lang == .zh ? "：" : ": ")<strong class=\"name\">\(e(ReportFormat.modelName(d.modelName)))</strong> — "
        h += "\(e(ReportFormat.selectionReason(d.selectionReason, language: lang)))</p>"
        h += "<table><tr class=\"head\"><th>\(header(lang.text(.modelComparison), lang))</th><th>\(header(lang.text(.logLikelihood), lang))</th>"
        h += "<th>\(t(.aic))</th><th>\(header(lang.text(.holdoutMeanAbsoluteError), lang))</th></tr>"
        for c in d.candidates {
            h += "<tr><td class=\"name\">\(e(ReportFormat.modelName(c.name)))</td><td class=\"num\">\(n(c.logLikelihood, 1))</td>"
            h += "<td class=\"num\">\(n(c.aic, 1))</td><td class=\"num\">\(c.holdoutMeanAbsoluteError.map { n($0, 4) } ?? "–")</td></tr>"
        }
        h += "</table><table><tr class=\"head\"><th>\(header(lang.text(.parameters), lang))</th><th></th><th></th></tr>"
        for p in d.parameters {
            h += "<tr><td class=\"name\">\(e(p.name))</td><td class=\"num\">\(n(p.value, 4))</td><td class=\"num\">\(n(p.lower, 4)) – \(n(p.upper, 4))</td></tr>"
        }
        h += "</table><div class=\"charts\">"
        for chart in charts(d, lang) { h += "<figure>\(chart)</figure>" }
        h += "</div>" + segments(d, lang)
        if !d.topCustomers.isEmpty {
            h += "<h2>\(t(.topCustomers))</h2><table class=\"stack\"><tr class=\"head\"><th>\(header(lang.text(.customerID), lang))</th>"
            h += "<th>\(header(lang.text(.clv), lang))</th><th>\(header(lang.text(.pAlive), lang))</th><th>\(header(lang.text(.expected365), lang))</th></tr>"
            for c in d.topCustomers {
                h += "<tr><td class=\"name\">\(e(c.id))</td><td class=\"num\" data-label=\"\(t(.clv))\">\(e(ReportFormat.money(c.clv, currency: currency, language: lang)))</td>"
                h += "<td class=\"num\" data-label=\"\(t(.pAlive))\">\(n(c.pAlive, 3))</td><td class=\"num\" data-label=\"\(t(.expected365))\">\(n(c.expected, 2))</td></tr>"
            }
            h += "</table>"
        }
        h += "<p class=\"muted\">\(t(.generatedBy))</p></body></html>\n"
        return h
    }

    /// The share bars of a segment row: customers (blue) and value (orange) on grey tracks of the full
    /// 100%, as an SVG with a `viewBox` (so that it scales, never clips).
    static func shareBars(customerShare: Double, valueShare: Double, label: String) -> String {
        func bar(_ share: Double, y: Int, colour: String) -> String {
            let v = max(0, min(1, share.isFinite ? share : 0))
            // A non-zero share is at least half a unit wide, so that it shows.
            let w = v > 0 ? max(v * 120, 0.5) : 0
            return "<rect class=\"track\" x=\"2\" y=\"\(y)\" width=\"120\" height=\"6\" fill=\"#eeeeee\"/>"
                + "<rect class=\"bar\" data-value=\"\(v)\" x=\"2\" y=\"\(y)\" width=\"\(SVGChart.trim(w))\" height=\"6\" fill=\"\(colour)\"/>"
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bars\" viewBox=\"0 0 124 18\" width=\"124\" height=\"18\" role=\"img\" aria-label=\"\(SVGChart.escape(label))\">"
            + bar(customerShare, y: 2, colour: "#0072B2") + bar(valueShare, y: 10, colour: "#E69F00") + "</svg>"
    }

    /// The segments section: per method a table of segments with share bars (inline SVG), profile and action.
    public static func segments(_ d: ReportData, _ lang: Language) -> String {
        guard !d.segmentTables.isEmpty else { return "" }
        func t(_ k: ReportText) -> String { SVGChart.escape(lang.text(k)) }
        func e(_ s: String) -> String { SVGChart.escape(s) }
        func n(_ v: Double, _ digits: Int) -> String { v.isFinite ? String(format: "%.\(digits)f", v) : "–" }
        let zh = lang == .zh
        var h = "<h2>\(t(.segments))</h2><p class=\"muted\">\(t(.segmentsIntro))</p>"
        for table in d.segmentTables {
            h += "<h3>\(e(zh ? table.titleChinese : table.titleEnglish))</h3><table class=\"segments stack\"><tr class=\"head\"><th>\(t(.segment))</th>"
            h += "<th>\(header(lang.text(.customerShareColumn), lang))</th><th></th><th>\(header(lang.text(.valueShareColumn), lang))</th>"
            h += "<th>\(header(lang.text(.meanRecencyDays), lang))</th><th>\(header(lang.text(.meanOrders), lang))</th>"
            h += "<th>\(header(lang.text(.meanSpend), lang))</th><th class=\"text\">\(header(lang.text(.action), lang))</th></tr>"
            for r in table.rows {
                let bars = shareBars(customerShare: r.customerShare, valueShare: r.valueShare,
                                     label: "\(n(100 * r.customerShare, 1))% / \(n(100 * r.valueShare, 1))%")
                h += "<tr><td class=\"name\">\(e(zh ? r.nameChinese : r.nameEnglish))</td>"
                h += "<td class=\"num\" data-label=\"\(t(.customerShareColumn))\">\(ReportFormat.count(Double(r.customers))) (\(n(100 * r.customerShare, 1))%)</td><td>\(bars)</td>"
                h += "<td class=\"num\" data-label=\"\(t(.valueShareColumn))\">\(n(100 * r.valueShare, 1))%</td>"
                h += "<td class=\"num\" data-label=\"\(t(.meanRecencyDays))\">\(n(r.meanRecencyDays, 0))</td>"
                h += "<td class=\"num\" data-label=\"\(t(.meanOrders))\">\(n(r.meanOrders, 2))</td>"
                h += "<td class=\"num\" data-label=\"\(t(.meanSpend))\">\(e(ReportFormat.amount(r.meanSpend, language: lang)))</td>"
                h += "<td class=\"text\" data-label=\"\(t(.action))\">\(e(zh ? r.actionChinese : r.actionEnglish))</td></tr>"
            }
            h += "</table>"
        }
        return h
    }

    /// The charts as SVG text (exposed for tests).
    public static func charts(_ d: ReportData, _ lang: Language) -> [String] {
        var out: [String] = []
        if !d.trackingActual.isEmpty {
            let step = max(1, d.trackingActual.count / 200)
            let idx = Array(stride(from: 0, to: d.trackingActual.count, by: step))
            var chart = SVGChart(title: lang.text(.tracking), xLabel: lang.text(.trackingX), yLabel: lang.text(.trackingY), series: [
                .init(name: lang.text(.actual), x: idx.map(Double.init), y: idx.map { d.trackingActual[$0] }),
                .init(name: lang.text(.predicted), x: idx.map(Double.init), y: idx.map { d.trackingPredicted[$0] }, style: .dashedLine),
            ])
            if let c = d.calibrationDay { chart.marker = (Double(c), lang.text(.calibrationEnd)) }
            out.append(chart.render())
        }
        if !d.buckets.isEmpty {
            let x = d.buckets.map { Double($0.frequency) }
            out.append(SVGChart(title: lang.text(.holdoutByFrequency), xLabel: lang.text(.frequencyX), yLabel: lang.text(.holdoutY), series: [
                .init(name: lang.text(.actual), x: x, y: d.buckets.map(\.actual), style: .bars),
                .init(name: lang.text(.predicted), x: x, y: d.buckets.map(\.predicted), style: .bars),
            ]).render())
        }
        if !d.clvBins.isEmpty {
            // Bars on a logarithmic count axis: most customers hold little value, and a linear axis
            // would show one spike at 0 and nothing of the tail.
            var histogram = SVGChart(title: lang.text(.clvDistribution), xLabel: lang.text(.clvX), yLabel: lang.text(.customersLogY), series: [
                .init(name: lang.text(.customersY), x: d.clvBins, y: d.clvCounts, style: .bars),
            ])
            histogram.yScale = .log
            histogram.yTickFormat = { $0 >= 1 ? ReportFormat.count($0) : SVGChart.number($0) }
            if lang == .zh {
                histogram.xTickFormat = { (v: Double) -> String in abs(v) >= 1e4 ? ReportFormat.trimmed(v / 1e4) + "万" : SVGChart.number(v) }
            }
            out.append(histogram.render())
            var lorenz = SVGChart(title: lang.text(.lorenz), xLabel: lang.text(.customerShare), yLabel: lang.text(.valueShare), series: [
                .init(name: lang.text(.valueShare), x: d.lorenzX, y: d.lorenzY),
                .init(name: lang.text(.equality), x: [0, 1], y: [0, 1], style: .dashedLine),
            ])
            lorenz.marker = (0.2, "20%")
            out.append(lorenz.render())
        }
        if !d.expectedGrid.isEmpty {
            let columns = d.gridRecency.count
            let xTicks = stride(from: 0, to: columns, by: max(1, columns / 5)).map { ($0, SVGChart.number(d.gridRecency[$0])) }
            let yTicks = stride(from: 0, to: d.expectedGrid.count, by: max(1, d.expectedGrid.count / 6)).map { ($0, String($0)) }
            out.append(SVGHeatMap(title: lang.text(.heatExpected), xLabel: lang.text(.recencyX), yLabel: lang.text(.frequencyY),
                                  values: d.expectedGrid, xTicks: xTicks, yTicks: yTicks).render())
            out.append(SVGHeatMap(title: lang.text(.heatAlive), xLabel: lang.text(.recencyX), yLabel: lang.text(.frequencyY),
                                  values: d.aliveGrid, xTicks: xTicks, yTicks: yTicks).render())
        }
        if !d.spendBins.isEmpty {
            out.append(SVGChart(title: lang.text(.spendFit), xLabel: lang.text(.spendX), yLabel: lang.text(.density), series: [
                .init(name: lang.text(.observed), x: d.spendBins, y: d.spendObserved, style: .points),
                .init(name: lang.text(.gammaGammaFit), x: d.spendBins, y: d.spendModel),
            ]).render())
        }
        return out
    }
}
