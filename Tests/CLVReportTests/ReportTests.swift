import CLVCore
import CLVReport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// Parses XML and reports whether it is well-formed, counting elements by name.
final class XMLCheck: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        counts[name, default: 0] += 1
    }
    static func parse(_ text: String) -> (ok: Bool, counts: [String: Int]) {
        let check = XMLCheck()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = check
        return (parser.parse(), check.counts)
    }
}

@Suite("SVG charts and the HTML report")
struct ReportTests {
    @Test("nice ticks are 1-2-5 steps covering the range", arguments: [
        (0.0, 97.0, [0.0, 20, 40, 60, 80]), (0.0, 1.0, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]), (0.0, 4339.0, [0.0, 1000, 2000, 3000, 4000]),
    ])
    func ticks(_ lo: Double, _ hi: Double, _ expected: [Double]) {
        let t = SVGChart.ticks(lo, hi)
        #expect(t.count == expected.count)
        for (a, b) in zip(t, expected) { #expect(abs(a - b) < 1e-9) }
    }

    @Test("a chart is well-formed SVG with axes, ticks, series and a legend; text is escaped")
    func chart() {
        var chart = SVGChart(title: "A & B <test>", xLabel: "x", yLabel: "y", series: [
            .init(name: "actual", x: [0, 1, 2, 3], y: [0, 2, 3, 5]),
            .init(name: "predicted", x: [0, 1, 2, 3], y: [0, 1.5, 3.2, 4.8], style: .dashedLine),
        ])
        chart.marker = (1.5, "end of calibration")
        let svg = chart.render()
        let (ok, counts) = XMLCheck.parse(svg)
        #expect(ok)
        #expect(counts["svg"] == 1)
        #expect(counts["path"] == 2)
        #expect((counts["text"] ?? 0) >= 10)
        #expect(svg.contains("A &amp; B &lt;test&gt;"))
        #expect(svg.contains("#0072B2") && svg.contains("#E69F00"), "Okabe–Ito colours")
    }

    static let data = ReportData(
        source: "orders.csv", created: "2026-11-23", headline: [.init(.customers, "3"), .init(.totalCLV, "12.50")],
        qualityLines: ["read 10 rows"], modelName: "BG/NBD", selectionReason: "lowest AIC",
        candidates: [.init(name: "bgnbd", logLikelihood: -10, aic: 28, holdoutMeanAbsoluteError: nil)],
        parameters: [.init(name: "r", value: 0.24, lower: 0.2, upper: 0.3)],
        trackingActual: [0, 1, 3, 6], trackingPredicted: [0, 1.2, 2.9, 6.1], calibrationDay: 2,
        buckets: [.init(frequency: 0, customers: 2, actual: 0.5, predicted: 0.4)], lifetimeValues: [1, 2, 9.5],
        topCustomers: [.init(id: "会员<1>", clv: 9.5, pAlive: 0.9, expected: 1.2)])

    @Test("the page holds every section and chart, escapes ids, and the charts are well-formed", arguments: Language.allCases)
    func page(_ lang: Language) {
        let html = HTMLReport.render(Self.data, language: lang)
        for key in [ReportText.title, .headline, .dataQuality, .model, .topCustomers] { #expect(html.contains(lang.text(key))) }
        #expect(html.contains("会员&lt;1&gt;"))
        let charts = HTMLReport.charts(Self.data, lang)
        #expect(charts.count == 4)
        for svg in charts { #expect(XMLCheck.parse(svg).ok) }
    }

    @Test("every label has both languages")
    func labels() {
        for key in ReportText.allCases {
            #expect(!key.english.isEmpty && !key.chinese.isEmpty)
            #expect(key == .aic || key.english != key.chinese)
        }
    }
}
