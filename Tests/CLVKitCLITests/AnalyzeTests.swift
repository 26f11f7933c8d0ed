import CLVCore
import Foundation
import Testing
import _CLVTestSupport

@Suite("clv analyze, end to end")
struct AnalyzeTests {
    @Test("standard input is read once and every pass sees it: the same customers.csv as from the file")
    func standardInput() throws {
        let log = try String(contentsOf: TestData.repository("Examples/transactions.csv"), encoding: .utf8)
        let fromFile = try TestData.temporaryDirectory().appendingPathComponent("file")
        let fromStdin = try TestData.temporaryDirectory().appendingPathComponent("stdin")
        let a = try CLVCommand.run(["analyze", "Examples/transactions.csv", "-o", fromFile.path, "--as-of", "2030-01-01", "-q"])
        let b = try CLVCommand.run(["analyze", "-", "-o", fromStdin.path, "--as-of", "2030-01-01"], stdin: log)
        #expect(a.status == 0, "\(a.stderr)")
        #expect(b.status == 0, "\(b.stderr)")
        #expect(b.stderr.contains("read 5671 rows from <stdin>"), "\(b.stderr)")
        #expect(!b.stderr.contains("clv-stdin-"))
        let csv = { (d: URL) in try String(contentsOf: d.appendingPathComponent("customers.csv"), encoding: .utf8) }
        #expect(try csv(fromFile) == csv(fromStdin))
        // Two processes (each with its own hash seed) give the same report figures to the last bit: the spend
        // curve once summed in dictionary order.
        let spendCurve = { (d: URL) throws -> [Double] in
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: d.appendingPathComponent("summary.json"))) as? [String: Any]
            return (json?["report"] as? [String: Any])?["spend_model"] as? [Double] ?? []
        }
        #expect(try spendCurve(fromFile).count == 40)
        #expect(try spendCurve(fromFile) == spendCurve(fromStdin))
        let bad = try CLVCommand.run(["summary", "-", "--as-of", "2030-01-01"], stdin: "customer_id,date,amount\nA,2024-01-01,x\n")
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("<stdin>:2: column 'amount': \"x\""), "\(bad.stderr)")
    }

    /// The example log with every purchase after a customer's first day made free, except customer
    /// C0000002's: BG/NBD fits as before, Gamma-Gamma (two repeat buyers with positive spend at least) cannot.
    static func freeRepeats() throws -> String {
        let text = try String(contentsOf: TestData.repository("Examples/transactions.csv"), encoding: .utf8)
        var firstDay: [Substring: Substring] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            if let known = firstDay[f[0]], known <= f[1] { continue }
            firstDay[f[0]] = f[1]
        }
        var lines = text.split(separator: "\n").map(String.init)
        for k in 1..<lines.count {
            var f = lines[k].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if f[0] != "C0000002", firstDay[Substring(f[0])] != Substring(f[1]) { f[2] = "0" }
            lines[k] = f.joined(separator: ",")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("without a spend model (Gamma-Gamma cannot be fitted) CLV and value decile are empty everywhere, and the commands say why")
    func noSpendModel() throws {
        let dir = try TestData.temporaryDirectory()
        let log = dir.appendingPathComponent("free.csv")
        try Self.freeRepeats().write(to: log, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let r = try CLVCommand.run(["analyze", log.path, "-o", out.path, "--as-of", "2030-01-01"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("no spend model (Gamma-Gamma could not be fitted"), "\(r.stderr)")
        let rows = try String(contentsOf: out.appendingPathComponent("customers.csv"), encoding: .utf8).split(separator: "\n")
        let header = rows[0].split(separator: ",", omittingEmptySubsequences: false)
        let clv = try #require(header.firstIndex(of: "clv")), decile = try #require(header.firstIndex(of: "value_decile"))
        for row in rows.dropFirst() {
            let f = row.split(separator: ",", omittingEmptySubsequences: false)
            #expect(f[clv].isEmpty && f[decile].isEmpty && f[clv - 1].isEmpty, "\(row)")
        }
        let segment = try CLVCommand.run(["segment", log.path, "--as-of", "2030-01-01", "--method", "value-matrix", "--value", "clv", "-q"])
        #expect(segment.status == 65)
        #expect(segment.stderr.contains("no spend model"), "\(segment.stderr)")
    }

    @Test("from the example log to customers.csv, model.json and summary.json")
    func example() throws {
        let dir = try TestData.temporaryDirectory().appendingPathComponent("out")
        let r = try CLVCommand.run(["analyze", "Examples/transactions.csv", "-o", dir.path, "--as-of", "2030-01-01"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("model: "))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files == ["clv-run.json", "customers.csv", "model.json", "report.html", "summary.json"])
        let page = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.components(separatedBy: "<figure><svg").count - 1 == 7)
        // The segments section: RFM (8), value matrix (4), ABC (3), lifecycle (6) rows, each with a bar pair.
        #expect(page.contains("<h2>Segments</h2>"))
        #expect(page.components(separatedBy: "<td><svg").count - 1 == 21)
        #expect(page.contains("Probability alive by frequency and recency"))
        #expect(page.contains("Mean spend of repeat buyers: observed vs Gamma-Gamma"))
        #expect(page.contains("Cumulative repeat purchases: actual vs predicted"))
        // Self-contained: no script, and no URL except the SVG namespace (which names, never fetches).
        #expect(!page.contains("<script"))
        let withoutNamespace = page.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(!withoutNamespace.contains("http://") && !withoutNamespace.contains("https://"))
        #expect(page.utf8.count < 2_000_000)
        let lines = try String(contentsOf: dir.appendingPathComponent("customers.csv"), encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "customer_id,frequency,recency,T,monetary_value,first_purchase,last_purchase,orders,total_spend,p_alive,expected_purchases_30d,expected_purchases_90d,expected_purchases_365d,expected_spend,clv,value_decile,r_score,f_score,m_score,rfm_segment,value_matrix_segment,abc_class,lifecycle_stage")
        #expect(lines.count == 2001)
        var deciles = [Int: Int](), previous: [Double] = [], classes: [(clv: Double, abc: Substring)] = []
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            let e30 = Double(f[10])!, e90 = Double(f[11])!, e365 = Double(f[12])!
            #expect(e30 <= e90 && e90 <= e365, "expected purchases grow with the horizon")
            #expect(Double(f[9])! > 0 && Double(f[9])! <= 1)
            deciles[Int(f[15])!, default: 0] += 1
            previous.append(Double(f[14])!)
            classes.append((Double(f[14])!, f[21]))
            #expect((1...5).contains(Int(f[16])!) && (1...5).contains(Int(f[17])!) && (1...5).contains(Int(f[18])!))
        }
        // ABC by CLV: the top 15% (300) are A, the next 20% (400) B, and no B or C customer is worth more than an A one.
        #expect(classes.filter { $0.abc == "A" }.count == 300 && classes.filter { $0.abc == "B" }.count == 400)
        let lowestA = classes.filter { $0.abc == "A" }.map(\.clv).min()!
        #expect(classes.filter { $0.abc != "A" }.allSatisfy { $0.clv <= lowestA })
        #expect(deciles.keys.sorted() == Array(1...10))
        #expect(deciles.values.allSatisfy { $0 == 200 })
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("summary.json"))) as! [String: Any]
        let headline = try #require(summary["headline"] as? [String: Any])
        #expect(headline["customers"] as? Int == 2000)
        #expect(abs((headline["total_clv"] as! Double) - previous.reduce(0, +)) < 1e-6 * previous.reduce(0, +))
        #expect(headline["expected_purchases_next_30_days"] != nil)
        let split = try #require(summary["split"] as? [String: Any])
        #expect(split["calibration_end"] as? String == "2024-12-30")
        #expect((summary["model"] as? [String: Any])?["reason"] as? String != nil)
        let model = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("model.json"))) as! [String: Any]
        #expect(model["format"] as? String == "clvkit-model")
        #expect((model["selection"] as? [String: Any])?["criterion"] as? String == "holdout mean absolute error")
    }

    @Test("the report in Chinese")
    func chinese() throws {
        let dir = try TestData.temporaryDirectory().appendingPathComponent("zh")
        let r = try CLVCommand.run(["analyze", "Examples/transactions.csv", "-o", dir.path, "--lang", "zh", "--as-of", "2030-01-01", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let page = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        for label in ["客户生命周期价值报告", "存活概率", "累计重复购买：实际与预测", "价值集中度（洛伦兹曲线）", "客户分群", "重要价值客户", "优质型", "流失期"] {
            #expect(page.contains(label), "\(label)")
        }
        #expect(page.contains("lang=\"zh-Hans\""))
        // clv report renders the same page again from the saved outputs, in either language.
        let again = try CLVCommand.run(["report", dir.path, "--lang", "zh", "-o", dir.appendingPathComponent("again.html").path])
        #expect(again.status == 0, "\(again.stderr)")
        let rerendered = try String(contentsOf: dir.appendingPathComponent("again.html"), encoding: .utf8)
        #expect(rerendered == page)
        let english = try CLVCommand.run(["report", dir.path])
        #expect(english.status == 0)
        let englishPage = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(englishPage.contains("Customer lifetime value report"))
        #expect(try CLVCommand.run(["report", "/no/such/dir"]).status == 66)
    }

    @Test("a short history gets no holdout and the choice says so; bad data writes nothing")
    func shortHistoryAndErrors() throws {
        let dir = try TestData.temporaryDirectory()
        let log = dir.appendingPathComponent("short.csv")
        // 135 days of history: too short for a holdout.
        let g = try CLVCommand.run(["generate", "--customers", "800", "--seed", "5", "--start", "2024-01-01",
                                    "--acquisition-days", "30", "--end", "2024-05-15", "-q", "-o", log.path])
        #expect(g.status == 0)
        let out = dir.appendingPathComponent("out")
        let r = try CLVCommand.run(["analyze", log.path, "-o", out.path, "--as-of", "2030-01-01", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as! [String: Any]
        #expect(((summary["split"] as? [String: Any])?["reason"] as? String)?.hasPrefix("none:") == true)
        let bad = dir.appendingPathComponent("bad.csv")
        try "customer_id,date,amount\nA,2024-01-01,x\n".write(to: bad, atomically: true, encoding: .utf8)
        let badOut = dir.appendingPathComponent("bad-out")
        let b = try CLVCommand.run(["analyze", bad.path, "-o", badOut.path, "--as-of", "2030-01-01"])
        #expect(b.status == 65)
        #expect(!FileManager.default.fileExists(atPath: badOut.path))
    }
}
