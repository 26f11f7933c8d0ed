import Foundation

/// Everything the report shows, as plain values.
public struct ReportData: Sendable, Codable {
    public struct Figure: Sendable, Codable { public var label: ReportText; public var value: String
        public init(_ label: ReportText, _ value: String) { self.label = label; self.value = value } }
    public struct Candidate: Sendable, Codable { public var name: String; public var logLikelihood: Double; public var aic: Double; public var holdoutMeanAbsoluteError: Double?
        public init(name: String, logLikelihood: Double, aic: Double, holdoutMeanAbsoluteError: Double?) {
            self.name = name; self.logLikelihood = logLikelihood; self.aic = aic; self.holdoutMeanAbsoluteError = holdoutMeanAbsoluteError } }
    public struct Parameter: Sendable, Codable { public var name: String; public var value: Double; public var lower: Double; public var upper: Double
        public init(name: String, value: Double, lower: Double, upper: Double) { self.name = name; self.value = value; self.lower = lower; self.upper = upper } }
    public struct Bucket: Sendable, Codable { public var frequency: Int; public var customers: Int; public var actual: Double; public var predicted: Double
        public init(frequency: Int, customers: Int, actual: Double, predicted: Double) {
            self.frequency = frequency; self.customers = customers; self.actual = actual; self.predicted = predicted } }
    public struct TopCustomer: Sendable, Codable { public var id: String; public var clv: Double; public var pAlive: Double; public var expected: Double
        public init(id: String, clv: Double, pAlive: Double, expected: Double) { self.id = id; self.clv = clv; self.pAlive = pAlive; self.expected = expected } }

    public var source: String
    public var created: String
    public var headline: [Figure]
    public var qualityLines: [String]
    public var modelName: String
    public var selectionReason: String
    public var candidates: [Candidate]
    public var parameters: [Parameter]
    /// Daily cumulative repeat purchases since `trackingStart`, actual and predicted.
    public var trackingActual: [Double]
    public var trackingPredicted: [Double]
    public var calibrationDay: Int?
    public var buckets: [Bucket]
    /// CLV histogram (bin centres and customer counts, up to the 99th percentile) and the Lorenz curve.
    public var clvBins: [Double] = []
    public var clvCounts: [Double] = []
    public var lorenzX: [Double] = []
    public var lorenzY: [Double] = []
    public var topCustomers: [TopCustomer]
    /// Frequency (rows) × recency (columns) grids of expected purchases and P(alive), with the recency
    /// of each column and the longest history T.
    public var expectedGrid: [[Double]] = []
    public var aliveGrid: [[Double]] = []
    public var gridRecency: [Double] = []
    /// Histogram of repeat buyers' mean spend (bin centres and shares) and the Gamma-Gamma density (same bins).
    public var spendBins: [Double] = []
    public var spendObserved: [Double] = []
    public var spendModel: [Double] = []
    /// Segment tables (RFM, value matrix, ABC, lifecycle …), in both languages.
    public var segmentTables: [SegmentTable] = []

    /// One method's segments as the report shows them.
    public struct SegmentTable: Sendable, Codable {
        public var titleEnglish: String
        public var titleChinese: String
        public var rows: [SegmentRow]
        public init(titleEnglish: String, titleChinese: String, rows: [SegmentRow]) {
            self.titleEnglish = titleEnglish; self.titleChinese = titleChinese; self.rows = rows
        }
    }

    /// One segment: size, value share, profile and action.
    public struct SegmentRow: Sendable, Codable {
        public var nameEnglish: String, nameChinese: String
        public var customers: Int
        public var customerShare: Double, valueShare: Double
        public var meanRecencyDays: Double, meanOrders: Double, meanSpend: Double
        public var actionEnglish: String, actionChinese: String
        public init(nameEnglish: String, nameChinese: String, customers: Int, customerShare: Double, valueShare: Double,
                    meanRecencyDays: Double, meanOrders: Double, meanSpend: Double, actionEnglish: String, actionChinese: String) {
            self.nameEnglish = nameEnglish; self.nameChinese = nameChinese; self.customers = customers
            self.customerShare = customerShare; self.valueShare = valueShare; self.meanRecencyDays = meanRecencyDays
            self.meanOrders = meanOrders; self.meanSpend = meanSpend; self.actionEnglish = actionEnglish; self.actionChinese = actionChinese
        }
    }

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
/// Large inputs are summarised (charts downsampled, top-N tables), so the page stays small.
public enum HTMLReport {
    /// The page.
    public static func render(_ d: ReportData, language lang: ReportLanguage) -> String {
        func t(_ k: ReportText) -> String { SVGChart.escape(lang.text(k)) }
        func e(_ s: String) -> String { SVGChart.escape(s) }
        func n(_ v: Double, _ digits: Int = 2) -> String { v.isFinite ? String(format: "%.\(digits)f", v) : "–" }
        var h = "<!DOCTYPE html><html lang=\"\(lang == .zh ? "zh-Hans" : "en")\"><head><meta charset=\"utf-8\">"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>\(t(.title))</title><style>"
        h += "body{font-family:system-ui,-apple-system,'Noto Sans CJK SC','PingFang SC',sans-serif;margin:2rem auto;max-width:1080px;color:#222;padding:0 1rem}"
        h += "h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}"
        h += ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:.8rem}.card{background:#f6f8fa;border-radius:8px;padding:.8rem}"
        h += ".card .v{font-size:1.4rem;font-weight:600}.card .l{color:#555;font-size:.85rem}table{border-collapse:collapse;margin:.5rem 0}"
        h += "td,th{border-bottom:1px solid #eee;padding:.3rem .7rem;text-align:right}th:first-child,td:first-child{text-align:left}"
        h += ".charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(500px,1fr));gap:1rem}svg{max-width:100%;height:auto}.muted{color:#666}"
        h += "</style></head><body>"
        h += "<h1>\(t(.title))</h1><p class=\"muted\">\(e(d.source)) · \(e(d.created))</p>"
        h += "<h2>\(t(.headline))</h2><div class=\"cards\">"
        for f in d.headline { h += "<div class=\"card\"><div class=\"v\">\(e(f.value))</div><div class=\"l\">\(t(f.label))</div></div>" }
        h += "</div><h2>\(t(.dataQuality))</h2><ul>" + d.qualityLines.map { "<li>\(e($0))</li>" }.joined() + "</ul>"
        h += "<h2>\(t(.model))</h2><p>\(t(.chosenModel)): <strong>\(e(d.modelName))</strong> — \(e(d.selectionReason))</p>"
        h += "<table><tr><th>\(t(.modelComparison))</th><th>\(t(.logLikelihood))</th><th>\(t(.aic))</th><th>\(t(.holdoutMeanAbsoluteError))</th></tr>"
        for c in d.candidates {
            h += "<tr><td>\(e(c.name))</td><td>\(n(c.logLikelihood, 1))</td><td>\(n(c.aic, 1))</td><td>\(c.holdoutMeanAbsoluteError.map { n($0, 4) } ?? "–")</td></tr>"
        }
        h += "</table><table><tr><th>\(t(.parameters))</th><th></th><th></th></tr>"
        for p in d.parameters { h += "<tr><td>\(e(p.name))</td><td>\(n(p.value, 4))</td><td>\(n(p.lower, 4)) – \(n(p.upper, 4))</td></tr>" }
        h += "</table><div class=\"charts\">"
        for chart in charts(d, lang) { h += "<figure>\(chart)</figure>" }
        h += "</div>" + segments(d, lang)
        h += "<h2>\(t(.topCustomers))</h2><table><tr><th>\(t(.customerID))</th><th>\(t(.clv))</th><th>\(t(.pAlive))</th><th>\(t(.expected365))</th></tr>"
        for c in d.topCustomers { h += "<tr><td>\(e(c.id))</td><td>\(n(c.clv))</td><td>\(n(c.pAlive, 3))</td><td>\(n(c.expected, 2))</td></tr>" }
        h += "</table><p class=\"muted\">\(t(.generatedBy))</p></body></html>\n"
        return h
    }

    /// The segments section: per method a table of segments with share bars (inline SVG), profile and action.
    public static func segments(_ d: ReportData, _ lang: ReportLanguage) -> String {
        guard !d.segmentTables.isEmpty else { return "" }
        func t(_ k: ReportText) -> String { SVGChart.escape(lang.text(k)) }
        func e(_ s: String) -> String { SVGChart.escape(s) }
        func n(_ v: Double, _ digits: Int) -> String { v.isFinite ? String(format: "%.\(digits)f", v) : "–" }
        let zh = lang == .zh
        var h = "<h2>\(t(.segments))</h2><p class=\"muted\">\(t(.segmentsIntro))</p>"
        for table in d.segmentTables {
            h += "<h3>\(e(zh ? table.titleChinese : table.titleEnglish))</h3><table class=\"segments\"><tr><th>\(t(.segment))</th>"
            h += "<th>\(t(.customerShareColumn))</th><th></th><th>\(t(.valueShareColumn))</th><th>\(t(.meanRecencyDays))</th>"
            h += "<th>\(t(.meanOrders))</th><th>\(t(.meanSpend))</th><th>\(t(.action))</th></tr>"
            for r in table.rows {
                let cw = max(0, min(1, r.customerShare)) * 120, vw = max(0, min(1, r.valueShare)) * 120
                let bars = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"124\" height=\"18\" role=\"img\" aria-label=\"\(n(100 * r.customerShare, 1))% / \(n(100 * r.valueShare, 1))%\">"
                    + "<rect x=\"2\" y=\"2\" width=\"\(n(cw, 1))\" height=\"6\" fill=\"#4e79a7\"/><rect x=\"2\" y=\"10\" width=\"\(n(vw, 1))\" height=\"6\" fill=\"#f28e2b\"/></svg>"
                h += "<tr><td>\(e(zh ? r.nameChinese : r.nameEnglish))</td><td>\(r.customers) (\(n(100 * r.customerShare, 1))%)</td><td>\(bars)</td>"
                h += "<td>\(n(100 * r.valueShare, 1))%</td><td>\(n(r.meanRecencyDays, 0))</td><td>\(n(r.meanOrders, 2))</td><td>\(n(r.meanSpend, 2))</td>"
                h += "<td style=\"text-align:left\">\(e(zh ? r.actionChinese : r.actionEnglish))</td></tr>"
            }
            h += "</table>"
        }
        return h
    }

    /// The charts as SVG text (exposed for tests).
    public static func charts(_ d: ReportData, _ lang: ReportLanguage) -> [String] {
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
            out.append(SVGChart(title: lang.text(.clvDistribution), xLabel: lang.text(.clvX), yLabel: lang.text(.customersY), series: [
                .init(name: lang.text(.customersY), x: d.clvBins, y: d.clvCounts, style: .line),
            ]).render())
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
