import Foundation
import Testing
import _CLVTestSupport

/// The pages `clv analyze`, `clv report --lang zh` and `clv churn evaluate --report` write for the example
/// log, laid out in headless Chromium at 1280 and 420 px by Scripts/check-report-layout.py.
@Suite("The written reports laid out in headless Chromium")
struct ReportRenderTests {
    static let chromium = ScriptRunner.hasChromium

    @Test("report.html, report-zh.html and the churn pages: nothing outside its container, no text over text, no bar too short",
          .enabled(if: chromium, "needs chromium and python3 (apt-get install chromium fonts-noto-cjk)"), .timeLimit(.minutes(5)))
    func writtenReportsLayOutCleanly() throws {
        let dir = try TestData.temporaryDirectory()
        let out = dir.appendingPathComponent("out").path
        let a = try CLVCommand.run(["analyze", "Examples/transactions.csv", "--output", out, "--margin", "0.3", "-q"])
        #expect(a.status == 0, "\(a.stderr)")
        let z = try CLVCommand.run(["report", out, "--lang", "zh"])
        #expect(z.status == 0, "\(z.stderr)")
        var pages = ["\(out)/report.html", "\(out)/report-zh.html"]
        for lang in ["en", "zh"] {
            let page = dir.appendingPathComponent("churn-\(lang).html").path
            let c = try CLVCommand.run(["churn", "evaluate", "Examples/transactions.csv", "--cutoff", "2024-09-30", "--horizon", "13w",
                                        "--as-of", "2030-01-01", "--classifiers", "logistic,tree,gbt", "--report", page, "--lang", lang, "-q"])
            #expect(c.status == 0, "\(c.stderr)")
            pages.append(page)
        }
        let html = try String(contentsOfFile: pages[0], encoding: .utf8)
        #expect(html.contains("a margin of 30% of spend, discounted at 10% a year") && html.contains("1 year (365 days)"))
        #expect(html.contains(">47,790.14<") == false && html.contains(">14,337.04<"), "total CLV at a 30% margin, with separators")
        let zh = try String(contentsOfFile: pages[1], encoding: .utf8)
        #expect(zh.contains("毛利率按消费额的30%计，年折现率10%") && zh.contains(">1年（365天）<") && zh.contains(">21.07万<"))
        let (status, output) = try ScriptRunner.python("Scripts/check-report-layout.py", pages)
        #expect(status == 0, "\(output)")
        #expect(output.components(separatedBy: ": ok").count - 1 == 8, "\(output)")
    }

    @Test("churn alerts never claim a usual gap for a customer with one purchase")
    func onePurchaseAlerts() throws {
        let a = try CLVCommand.run(["churn", "alerts", "Examples/transactions.csv", "--as-of", "2030-01-01", "-q"])
        #expect(a.status == 0, "\(a.stderr)")
        let onePurchase = Set(try String(contentsOf: TestData.repository("Examples/transactions.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }
            .reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }.filter { $0.value == 1 }.keys)
        var checked = 0
        for line in a.stdout.split(separator: "\n").dropFirst() where line.contains(",overdue,") {
            let id = String(line.split(separator: ",")[0])
            if onePurchase.contains(id) {
                checked += 1
                #expect(!line.contains("usual gap") && line.contains("one purchase only"), "\(line)")
            }
        }
        #expect(checked > 100)
    }
}
