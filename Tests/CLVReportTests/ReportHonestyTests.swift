import CLVCore
@testable import CLVReport
import Foundation
import Testing
import _CLVTestSupport

/// A report with everything: assumptions, Chinese data-quality lines, every chart, segments with tiny
/// shares and long names, top customers with long ids.
enum SampleReport {
    static func data() -> ReportData {
        var values: [Double] = []
        for i in 0..<2000 { values.append(i < 1400 ? Double(i % 7) * 0.3 : Foundation.pow(Double(i - 1390), 1.6)) }
        var d = ReportData(
            source: "订单明细.csv", created: "2026-12-02T09:30:00Z",
            headline: [.count(.customers, 2000), .count(.repeatCustomers, 1014), .money(.totalCLV, 210_657.47), .money(.meanCLV, 105.33),
                       .money(.historicalRevenue, 350_000_000), .share(.top20CLVShare, 0.88), .init(.horizon, "365")],
            qualityLines: ["read 5671 rows from orders.csv (utf-8, comma-separated); used 5671", "dates 2024-01-01 to 2025-06-30"],
            modelName: "Pareto/NBD",
            selectionReason: "lowest mean absolute error of per-customer holdout purchases: 0.4411 (bgnbd 0.4763, mbgnbd 0.4643); refitted on all data",
            candidates: [.init(name: "bgnbd", logLikelihood: -10625.6, aic: 21259.3, holdoutMeanAbsoluteError: 0.4763),
                         .init(name: "mbgnbd", logLikelihood: -10627.2, aic: 21262.5, holdoutMeanAbsoluteError: 0.4643),
                         .init(name: "pnbd", logLikelihood: -10641.7, aic: 21291.4, holdoutMeanAbsoluteError: 0.4411)],
            parameters: [.init(name: "r", value: 0.57, lower: 0.49, upper: 0.65), .init(name: "alpha", value: 11.26, lower: 9.77, upper: 12.98)],
            trackingActual: (0..<540).map { Double($0) * 6.5 }, trackingPredicted: (0..<540).map { Double($0) * 6.6 }, calibrationDay: 360,
            buckets: (0...7).map { .init(frequency: $0, customers: 100, actual: Double($0) * 0.45, predicted: Double($0) * 0.41) },
            lifetimeValues: values,
            topCustomers: (0..<20).map { .init(id: "会员-上海-浦东新区-\(100_000 + $0)", clv: 123_456.78 / Double($0 + 1), pAlive: 0.99, expected: 12.3) })
        d.assumptions = .init(margin: 0.3, annualDiscountRate: 0.1, horizonAmount: 1, horizonUnit: "year", horizonDays: 365, currency: "¥")
        d.qualityLinesChinese = ["读取 orders.csv 共 5671 行（utf-8，逗号分隔）；使用 5671 行", "日期 2024-01-01 至 2025-06-30"]
        d.gridRecency = (0..<30).map { Double($0) * 2.6 + 1.3 }
        d.expectedGrid = (0...30).map { x in (0..<30).map { Double(x * $0) / 60 } }
        d.aliveGrid = (0...30).map { x in (0..<30).map { Double($0) / 30 - Double(x) / 100 } }
        d.spendBins = (0..<40).map { Double($0) * 3.5 + 1.75 }
        d.spendObserved = (0..<40).map { Foundation.exp(-Double($0) / 8) / 8 }
        d.spendModel = (0..<40).map { Foundation.exp(-Double($0) / 8.5) / 8.5 }
        let shares: [(String, String, Double, Double)] = [
            ("Important value", "重要价值客户", 0.171, 0.808), ("Important development", "重要发展客户", 0.02, 0.025),
            ("Important retention", "重要保持客户", 0.029, 0.003), ("General win-back", "一般挽留客户", 0.564, 0.0004),
            ("Reactivated after a long silence", "沉睡后回流客户", 0.0, 0.0),
        ]
        d.segmentTables = [.init(titleEnglish: "RFM segments", titleChinese: "RFM 客户分群", rows: shares.map {
            .init(nameEnglish: $0.0, nameChinese: $0.1, customers: Int($0.2 * 2000), customerShare: $0.2, valueShare: $0.3,
                  meanRecencyDays: 134, meanOrders: 8.34, meanSpend: 35_939.5, actionEnglish: "Retain: VIP service, raise satisfaction, exclusive offers",
                  actionChinese: "重点保持：VIP 服务，提升满意度，专属权益")
        })]
        return d
    }

    static func churnModels() -> [ChurnReportPage.Model] {
        ["logistic", "linear-svm", "mlp", "tree", "forest", "gbt", "p_alive_baseline"].enumerated().map { k, name in
            let lift = 1 + Double(k) / 4
            let x = (0...20).map { Double($0) / 20 }
            return .init(name: name, metrics: ["roc_auc": 0.7, "pr_auc": 0.6, "precision": 0.5, "recall": 0.4, "f1": 0.45, "accuracy": 0.8, "brier": 0.2],
                         rocX: x, rocY: x.map { Foundation.pow($0, 1 / lift) }, gainsX: (1...10).map { Double($0) / 10 },
                         gainsY: (1...10).map { Foundation.pow(Double($0) / 10, 1 / lift) },
                         calibrationPredicted: x, calibrationObserved: x.map { $0 * 0.9 })
        }
    }
}

@Suite("An honest, readable report")
struct ReportHonestyTests {
    @Test("money has thousands separators in English and 万/亿 in Chinese; dates are written out")
    func formats() {
        #expect(ReportFormat.grouped(47790.14) == "47,790.14")
        #expect(ReportFormat.grouped(-1_234_567.891) == "-1,234,567.89")
        #expect(ReportFormat.grouped(999.999) == "1,000.00")
        #expect(ReportFormat.amount(210_657.47, language: .zh) == "21.07万")
        #expect(ReportFormat.amount(350_000_000, language: .zh) == "3.5亿")
        #expect(ReportFormat.amount(9_999.5, language: .zh) == "9,999.50")
        #expect(ReportFormat.amount(99_999.999, language: .zh) == "10万")
        #expect(ReportFormat.amount(9_999.999, language: .zh) == "1万")
        #expect(ReportFormat.amount(99_999_999.999, language: .zh) == "1亿")
        #expect(ReportFormat.money(47790.14, currency: "¥", language: .en) == "¥47,790.14")
        #expect(ReportFormat.money(47790.14, currency: "USD", language: .en) == "47,790.14 USD")
        #expect(ReportFormat.money(210_657.47, currency: "RMB", language: .zh) == "21.07万元")
        #expect(ReportFormat.money(-5, currency: "US$", language: .en) == "-US$5.00")
        #expect(ReportFormat.money(12, currency: nil, language: .en) == "12.00")
        #expect(ReportFormat.date("2024-01-01", language: .zh) == "2024年1月1日")
        #expect(ReportFormat.date("2026-12-02T09:30:00Z", language: .zh) == "2026年12月2日 09:30（UTC）")
        #expect(ReportFormat.date("2026-12-02T09:30:00Z", language: .en) == "2 December 2026, 09:30 UTC")
        #expect(ReportFormat.datesInText("日期 2024-01-01 至 2025-06-30", language: .zh) == "日期 2024年1月1日 至 2025年6月30日")
    }

    @Test("the headline states margin, discount rate, horizon with its unit and currency", arguments: Language.allCases)
    func headlineAssumptions(_ lang: Language) {
        let html = HTMLReport.render(SampleReport.data(), language: lang)
        if lang == .en {
            #expect(html.contains("in the next 1 year (365 days): a margin of 30% of spend, discounted at 10% a year; amounts in ¥."))
            #expect(html.contains(">¥210,657.47<") && html.contains(">2,000<") && html.contains(">1 year (365 days)<"))
        } else {
            #expect(html.contains("未来1年（365天）内") && html.contains("毛利率按消费额的30%计，年折现率10%") && html.contains("金额单位：¥"))
            #expect(html.contains(">¥21.07万<") && html.contains(">¥3.5亿<") && html.contains(">1年（365天）<"))
        }
        var unknown = SampleReport.data()
        unknown.assumptions?.currency = nil
        #expect(HTMLReport.render(unknown, language: lang).contains(lang == .en ? "the data do not name one" : "数据未注明币种"))
    }

    @Test("every SVG has a viewBox, and the segment bars sit on 100% tracks", arguments: Language.allCases)
    func viewBoxes(_ lang: Language) {
        let pages = [HTMLReport.render(SampleReport.data(), language: lang),
                     ChurnReportPage.render(models: SampleReport.churnModels(), subtitle: "orders.csv · cutoff 2024-09-30", language: lang)]
        for html in pages {
            let svgs = html.components(separatedBy: "<svg").dropFirst()
            #expect(!svgs.isEmpty)
            for svg in svgs { #expect(svg.prefix(while: { $0 != ">" }).contains("viewBox=\""), "\(svg.prefix(120))") }
            #expect(!html.contains("<script"), "the report stays script-free")
        }
        let html = pages[0]
        #expect(html.contains("class=\"bars\" viewBox=\"0 0 124 18\""))
        #expect(html.contains("<rect class=\"bar\" data-value=\"0.808\" x=\"2\" y=\"10\" width=\"96.96\""))
    }

    @Test("the churn page's metric columns are spelled out, not code keys", arguments: Language.allCases)
    func churnMetricNames(_ lang: Language) {
        let html = ChurnReportPage.render(models: SampleReport.churnModels(), subtitle: "orders.csv · cutoff 2024-09-30", language: lang)
        for key in ["roc_auc", "pr_auc", "brier"] { #expect(!html.contains(">\(key)<") && !html.contains("data-label=\"\(key)\""), "\(key)") }
        #expect(html.contains("<th>ROC AUC</th>"))
        #expect(lang == .zh || html.contains("cutoff <span class=\"num\">2024-09-30</span>"), "a date never breaks at its hyphens")
        #expect(html.contains(lang == .zh ? "<th>召回率</th>" : "<th>Brier score</th>"))
    }

    @Test("the Chinese page has Chinese data-quality lines, model choice and dates; model names are spelled out")
    func chinesePage() {
        let html = HTMLReport.render(SampleReport.data(), language: .zh)
        #expect(html.contains("读取 orders.csv 共 5671 行") && html.contains("日期 2024年1月1日 至 2025年6月30日"))
        #expect(!html.contains("read 5671 rows"))
        #expect(html.contains("每位客户留存期购买次数的平均绝对误差最低：0.4411（BG/NBD 0.4763，MBG/NBD 0.4643）；随后用全部数据重新拟合"))
        #expect(html.contains("2026年12月2日 09:30（UTC）"))
        let english = HTMLReport.render(SampleReport.data(), language: .en)
        for page in [html, english] {
            #expect(page.contains(">BG/NBD<") && page.contains(">MBG/NBD<") && page.contains(">Pareto/NBD<"))
            #expect(!page.contains(">bgnbd<") && !page.contains("bgnbd "))
        }
        #expect(english.contains("(BG/NBD 0.4763, MBG/NBD 0.4643)") && english.contains("2 December 2026"))
    }

    @Test("names do not wrap; the font stack finds the CJK fonts of Linux, macOS and Windows", arguments: Language.allCases)
    func namesAndFonts(_ lang: Language) {
        let html = HTMLReport.render(SampleReport.data(), language: lang)
        #expect(html.contains(".name,.num{white-space:nowrap;word-break:keep-all}"))
        #expect(html.contains("<td class=\"name\">\(lang == .zh ? "重要价值客户" : "Important value")</td>"))
        for font in ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei"] {
            #expect(html.contains("'\(font)'"))
            for svg in HTMLReport.charts(SampleReport.data(), lang) { #expect(svg.contains("'\(font)'")) }
        }
    }

    @Test("the CLV distribution is a histogram of bars on a logarithmic count axis", arguments: Language.allCases)
    func clvHistogram(_ lang: Language) throws {
        let chart = try #require(HTMLReport.charts(SampleReport.data(), lang).first { $0.contains(lang.text(.clvDistribution)) })
        #expect(chart.contains("data-y-scale=\"log\""))
        #expect(chart.components(separatedBy: "class=\"series bar\"").count - 1 >= 20)
        #expect(!chart.contains("<path class=\"series\""))
        #expect(chart.contains(">10<") && chart.contains(">100<") && chart.contains(">1,000<"), "decades on the count axis")
        #expect(chart.contains(lang.text(.customersLogY)))
    }

    @Test("legend entries wrap into rows inside the chart instead of running off its edge")
    func legendRows() {
        let names = SampleReport.churnModels().map(\.name) + ["chance"]
        let layout = SVGChart.legendLayout(names, room: 560, fontSize: 12)
        #expect(Set(layout.map(\.row)).count >= 2)
        for (entry, name) in zip(layout, names) {
            #expect(entry.x + 16 + SVGChart.textWidth(name, fontSize: 12) <= 560)
        }
        // Chinese names are measured as full-width: 6 characters of 12 px are at least 72 px.
        #expect(SVGChart.textWidth("完美校准曲线", fontSize: 12) >= 72)
    }

    @Test("log axis ticks are powers of ten; tiny tick values are not printed as 0 or in full")
    func logTicks() {
        #expect(SVGChart.logTicks(0.5, 10_000) == [1, 10, 100, 1000, 10_000])
        #expect(SVGChart.logTicks(1, 100) == [1, 2, 5, 10, 20, 50, 100])
        #expect(SVGChart.number(0.004) == "0.004" && SVGChart.number(3.6e-24) == "0")
    }
}

/// The render test: the pages laid out by headless Chromium at desktop and phone width.
@Suite("The report laid out in headless Chromium")
struct ReportLayoutTests {
    static let chromium = ScriptRunner.hasChromium

    /// Runs Scripts/check-report-layout.py on `pages` at 1280 and 420 px.
    static func layout(_ pages: [URL]) throws -> (status: Int32, output: String) {
        try ScriptRunner.python("Scripts/check-report-layout.py", ["--width", "1280", "--width", "420"] + pages.map(\.path))
    }

    @Test("in English and Chinese, at 1280 and 420 px: nothing outside its container, no text over text, no bar too short",
          .enabled(if: chromium, "needs chromium and python3 (apt-get install chromium fonts-noto-cjk)"), .timeLimit(.minutes(5)))
    func layoutHolds() throws {
        let dir = try TestData.temporaryDirectory()
        var pages: [URL] = []
        for lang in Language.allCases {
            let report = dir.appendingPathComponent("report-\(lang.rawValue).html")
            try HTMLReport.render(SampleReport.data(), language: lang).write(to: report, atomically: true, encoding: .utf8)
            let churn = dir.appendingPathComponent("churn-\(lang.rawValue).html")
            try ChurnReportPage.render(models: SampleReport.churnModels(), subtitle: "orders.csv · cutoff 2024-09-30 · horizon 91 days",
                                       language: lang).write(to: churn, atomically: true, encoding: .utf8)
            pages += [report, churn]
        }
        let (status, output) = try Self.layout(pages)
        #expect(status == 0, "\(output)")
        #expect(output.components(separatedBy: ": ok").count - 1 == 8, "\(output)")
    }
}
