import Foundation
import Testing
import _CLVTestSupport
@testable import CLVExcel

@Suite("clv with Excel workbooks, end to end", .serialized)
struct ExcelCommandTests {
    static let sales = Fixture.path("sales.xlsx")
    static let orders = Fixture.path("orders.xlsx")

    @Test("the summary of a workbook equals, byte for byte, the summary of the same sheet saved as CSV")
    func summaryEqualsCSV() throws {
        let fromBook = try CLVCommand.run(["summary", Self.sales, "--sheet", "Sales", "--as-of", "2030-01-01"])
        let fromCSV = try CLVCommand.run(["summary", Fixture.path("sales.csv"), "--as-of", "2030-01-01"])
        #expect(fromBook.status == 0, "\(fromBook.stderr)")
        #expect(fromCSV.status == 0, "\(fromCSV.stderr)")
        #expect(fromBook.stdout.split(separator: "\n").count == 14)
        #expect(fromBook.stdout == fromCSV.stdout)
        // The data-quality lines name the sheet, not the scratch CSV.
        #expect(fromBook.stderr.contains("read 60 rows from \(Self.sales):Sales (xlsx sheet)"), "\(fromBook.stderr)")
        #expect(!fromBook.stderr.contains("clv-sheet-"))
        // The sheet by number gives the same.
        let byIndex = try CLVCommand.run(["summary", Self.sales, "--sheet", "2", "--as-of", "2030-01-01", "--quiet"])
        #expect(byIndex.stdout == fromCSV.stdout)
    }

    @Test("a data problem is located at file:sheet!cell")
    func errorLocation() throws {
        let r = try CLVCommand.run(["summary", Self.orders, "--as-of", "2030-01-01"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("\(Self.orders):订单!C7: column '金额': \"n/a\""), "\(r.stderr)")
        #expect(!r.stderr.contains("clv-sheet-"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        let report = try TestData.temporaryDirectory().appendingPathComponent("report.json")
        let skipped = try CLVCommand.run(["summary", Self.orders, "--as-of", "2030-01-01", "--on-error", "skip", "--report-json", report.path])
        #expect(skipped.status == 0)
        #expect(skipped.stderr.contains("skipped 1 row"))
        let json = try String(contentsOf: report, encoding: .utf8)
        #expect(json.contains("orders.xlsx:订单"), "\(json)")
        #expect(!json.contains("clv-sheet-"))
        // The problem's line is the sheet's row (7), not the scratch CSV's line.
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let problems = object?["problems"] as? [[String: Any]]
        #expect(problems?.first?["line"] as? Int == 7, "\(json)")
    }

    @Test("the first sheet is read by default; a missing sheet is a usage error naming the sheets")
    func sheets() throws {
        let first = try CLVCommand.run(["summary", Self.sales, "--as-of", "2030-01-01"])
        #expect(first.status == 65, "the notes sheet has no transaction columns")
        #expect(first.stderr.contains("\(Self.sales):说明"), "\(first.stderr)")
        let missing = try CLVCommand.run(["summary", Self.sales, "--sheet", "9"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("no sheet 9 (sheets: 1 '说明', 2 'Sales')"))
        let notBook = try CLVCommand.run(["summary", Fixture.path("sales.csv"), "--sheet", "1"])
        #expect(notBook.status == 64)
        #expect(notBook.stderr.contains("not an .xlsx workbook"))
    }

    @Test("scratch files of killed runs are removed by the next run")
    func staleScratch() throws {
        // Process ids above /proc/sys/kernel/pid_max are never running.
        let stale = (NSTemporaryDirectory() as NSString).appendingPathComponent("clv-sheet-2147483000-abcdef")
        try FileManager.default.createDirectory(atPath: stale, withIntermediateDirectories: true)
        let mine = (NSTemporaryDirectory() as NSString).appendingPathComponent("clv-sheet-\(getpid())-abcdef")
        try FileManager.default.createDirectory(atPath: mine, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: mine) }
        let r = try CLVCommand.run(["summary", Fixture.path("dates1904.xlsx"), "--as-of", "2030-01-01", "--quiet"])
        #expect(r.status == 0)
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: mine), "a running process's scratch stays")
        let left = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("clv-sheet-") && $0 != "clv-sheet-\(getpid())-abcdef" }
        #expect(left.isEmpty, "\(left)")
    }

    @Test(".xls is refused with advice to save as .xlsx or CSV")
    func legacy() throws {
        let r = try CLVCommand.run(["summary", Fixture.path("legacy.xls")])
        #expect(r.status == 65)
        #expect(r.stderr.contains("legacy Excel 97–2003 workbook (.xls, BIFF)"))
        #expect(r.stderr.contains("save it as .xlsx (Excel Workbook) or as CSV UTF-8"))
    }

    @Test("1904 dates and the CJK date formats give the same days as their CSV")
    func dates() throws {
        let r = try CLVCommand.run(["summary", Fixture.path("dates1904.xlsx"), "--as-of", "2030-01-01", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("A0,2.0,4.0,5.0,8.0,2024-05-01,2024-05-05,3,21.0,7.0"), "\(r.stdout)")
    }

    @Test("summary --format xlsx writes a workbook whose cells read back as the CSV summary")
    func summaryWorkbook() throws {
        let dir = try TestData.temporaryDirectory()
        let out = dir.appendingPathComponent("summary.xlsx").path
        let r = try CLVCommand.run(["summary", Self.sales, "--sheet", "Sales", "--as-of", "2030-01-01", "--format", "xlsx", "-o", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        let csv = try CLVCommand.run(["summary", Fixture.path("sales.csv"), "--as-of", "2030-01-01", "--quiet"])
        let expected = csv.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let (_, rows) = try Fixture.convert(out)
        #expect(rows.count == expected.count)
        #expect(rows.first == expected.first)
        for (got, want) in zip(rows.dropFirst(), expected.dropFirst()) {
            #expect(got.count == want.count)
            for (g, w) in zip(got, want) {
                if let a = Double(g), let b = Double(w) { #expect(abs(a - b) <= 1e-12 * max(1, abs(b)), "\(g) vs \(w)") }
                else { #expect(g == w) }
            }
        }
        let sheet = String(decoding: try XLSXWorkbook(path: out).partData("xl/worksheets/sheet1.xml"), as: UTF8.self)
        #expect(sheet.contains("<c r=\"F2\" s=\"1\"><v>"), "first_purchase is a date cell")
        #expect(sheet.contains("<c r=\"B2\"><v>"), "frequency is a number cell")
        #expect(sheet.contains("<c r=\"A2\" t=\"inlineStr\">"), "customer_id is text")
        let noPath = try CLVCommand.run(["summary", Self.sales, "--sheet", "Sales", "--format", "xlsx"])
        #expect(noPath.status == 64)
        #expect(noPath.stderr.contains("-o FILE.xlsx"))
    }

    @Test("segment, predict and analyze write workbooks with --format xlsx")
    func otherCommands() throws {
        let dir = try TestData.temporaryDirectory()
        let log = TestData.repository("Examples/transactions.csv").path
        let segment = dir.appendingPathComponent("segments.xlsx").path
        let s = try CLVCommand.run(["segment", log, "--as-of", "2030-01-01", "--format", "xlsx", "-o", segment, "--quiet"])
        #expect(s.status == 0, "\(s.stderr)")
        let (_, segRows) = try Fixture.convert(segment)
        #expect(segRows.first?.first == "customer_id")
        #expect(segRows.count > 1000)
        let analysis = dir.appendingPathComponent("out").path
        let a = try CLVCommand.run(["analyze", log, "--as-of", "2030-01-01", "--format", "xlsx", "-o", analysis, "--quiet"])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(FileManager.default.fileExists(atPath: analysis + "/customers.xlsx"))
        #expect(!FileManager.default.fileExists(atPath: analysis + "/customers.csv"))
        let (_, customers) = try Fixture.convert(analysis + "/customers.xlsx")
        #expect(customers.first?.prefix(3) == ["customer_id", "frequency", "recency"])
        let predictions = dir.appendingPathComponent("predictions.xlsx").path
        let p = try CLVCommand.run(["predict", log, "--as-of", "2030-01-01", "--model-file", analysis + "/model.json",
                                    "--format", "xlsx", "-o", predictions, "--quiet"])
        #expect(p.status == 0, "\(p.stderr)")
        let (_, predicted) = try Fixture.convert(predictions)
        #expect(predicted.first == ["customer_id", "expected_purchases", "p_alive", "expected_spend", "clv"])
        #expect(predicted.count == customers.count)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("clv-table-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }
}
