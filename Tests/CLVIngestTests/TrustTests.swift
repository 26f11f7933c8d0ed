import CLVCore
import CLVIngest
import Foundation
import Testing
import _CLVTestSupport

/// The message of an ingest error, or nil when `body` succeeds.
private func failure(_ body: () throws -> Void) -> IngestError? {
    do { try body(); return nil } catch let e as IngestError { return e } catch { return nil }
}

@Suite("Thousands separators count only before groups of three digits; nothing else is dropped")
struct GroupingRuleTests {
    @Test("groups of exactly three digits after one to three leading digits are read", arguments: [
        ("1,234", 1234.0), ("12,345,678.90", 12_345_678.9), ("-1,234.5", -1234.5), ("¥1,234.50", 1234.5),
        ("1'234.50", 1234.5), ("999,999", 999_999.0), ("(1,000.00)", -1000.0),
    ])
    func accepted(_ text: String, _ value: Double) throws {
        let r = try AmountParser().parseReading(text).get()
        #expect(r.value == value)
        #expect(r.grouped)
    }

    @Test("any other comma is a grouping error, never a dropped character", arguments: [
        "12,50", "7,25", "10,5", "1,2345", "1234,567", "1,23,456", "12,", ",5", "1,,234", "1.234,50", "1,234,5", "1,234'567",
    ])
    func refused(_ text: String) {
        #expect(AmountParser().parse(text) == .failure(.badGrouping), "'\(text)'")
    }

    @Test("--decimal-comma: 12,50 is 12.5, 1.234,50 is 1234.5, a dot elsewhere is refused")
    func decimalComma() throws {
        let p = AmountParser(decimalComma: true)
        #expect(try p.parse("12,50").get() == 12.5)
        #expect(try p.parse("7,25").get() == 7.25)
        #expect(try p.parse("1.234,50").get() == 1234.5)
        #expect(try p.parse("1.234.567").get() == 1_234_567)
        #expect(try p.parseReading("€ 1.234,50").get().grouped)
        for bad in ["12.5", "1.23", "1,234.50", "1.2345,6"] {
            #expect(p.parse(bad) == .failure(.badGrouping), "'\(bad)'")
        }
    }

    @Test("a semicolon file with decimal commas exits with a located problem that suggests --decimal-comma")
    func semicolonFile() throws {
        let text = "customer_id;date;amount\nA;2024-01-01;12,50\nA;2024-02-01;7,25\n"
        let error = failure { _ = try summarize(text) }
        guard case .dataProblems(_, let problems, let total)? = error else { Issue.record("no data problem: \(String(describing: error))"); return }
        #expect(total == 2)
        #expect(problems.first?.line == 2)
        #expect(problems.first?.value == "12,50")
        #expect(error!.description.contains("--decimal-comma"))
        var options = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
        options.decimalComma = true
        let (table, report) = try summarize(text, options)
        #expect(table.totalSpend == [19.75])
        #expect(report.amountFormat == AmountFormat(decimalMark: ",", groupingSeparator: ".", valuesWithGrouping: 0))
        #expect(report.lines(.en).contains { $0.contains("decimal comma") })
    }

    @Test("a quoted \"10,5\" in a comma file is refused; \"1,234.50\" is read and counted in the report")
    func quotedCommaFile() throws {
        #expect(failure { _ = try summarize("customer_id,date,amount\nA,2024-01-01,\"10,5\"\n") } != nil)
        let (table, report) = try summarize("customer_id,date,amount\nA,2024-01-01,\"1,234.50\"\nA,2024-01-02,3\n")
        #expect(table.totalSpend == [1237.5])
        #expect(report.amountFormat.valuesWithGrouping == 1)
        #expect(report.lines(.en).contains("amounts read with a decimal point; 1 value had a thousands separator ','"))
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        #expect(json.contains("\"amountFormat\""))
    }
}

@Suite("Several currencies in one amount column are never summed")
struct CurrencyTests {
    static let mixed = "customer_id,date,amount\nA,2024-01-01,¥12.00\nA,2024-02-01,US$5.00\nB,2024-01-03,RMB 7\nB,2024-01-04,8\n"

    @Test("mixed currencies are an error naming each with its first line")
    func refused() {
        let error = failure { _ = try summarize(Self.mixed) }
        guard case .mixedCurrencies(_, let seen)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(seen.map(\.code) == ["CNY", "USD"])
        #expect(seen.map(\.line) == [2, 3])
        #expect(seen.map(\.count) == [2, 1])
        #expect(error!.description.contains("--currency CNY or --currency USD"))
    }

    @Test("--currency keeps one, drops and counts the rest; unmarked amounts are kept")
    func kept() throws {
        var options = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
        options.currency = .cny
        let (table, report) = try summarize(Self.mixed, options)
        #expect(table.totalSpend == [12, 15])
        #expect(report.rowsInOtherCurrencies == 1)
        #expect(report.currency == "CNY")
        #expect(report.lines(.en).contains { $0.hasPrefix("currency CNY") && $0.contains("dropped 1 row in USD") })
    }

    @Test("one currency is recorded; the parallel reader sees the same as the sequential one")
    func single() throws {
        var text = "customer_id,date,amount\n"
        for i in 0..<4000 { text += "C\(i % 97),2024-01-\(String(format: "%02d", 1 + i % 28)),\(i % 2 == 0 ? "¥" : "")\(i % 50 + 1).00\n" }
        text += "Z,2024-03-01,US$1.00\n" // in the second half
        var options = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
        options.parallelThreshold = 1
        let error = failure { _ = try summarize(text, options) }
        guard case .mixedCurrencies(_, let seen)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(seen.map(\.code) == ["CNY", "USD"])
        #expect(seen.last?.line == 4002)
        let (_, report) = try summarize("customer_id,date,amount\nA,2024-01-01,¥12.00\nA,2024-02-01,5\n")
        #expect(report.currency == "CNY")
    }
}

@Suite("ERP report layouts: title rows above the header and a totals row at the end")
struct ReportLayoutTests {
    static let erp = """
    订单明细报表,,
    导出时间：2024-07-01 10:00,,
    customer_id,date,amount
    A,2024-01-01,12
    A,2024-02-01,5
    B,2024-01-05,7
    合计,,24
    制表人：张三,,

    """

    @Test("title rows and the totals row are skipped and stated; the totals row is never a customer")
    func detected() throws {
        let (table, report) = try summarize(Self.erp)
        #expect(table.customerIDs == ["A", "B"])
        #expect(report.rowsRead == 3)
        #expect(report.headerLine == 3)
        #expect(report.titleRows == ["订单明细报表", "导出时间：2024-07-01 10:00"])
        #expect(report.totalsRow == TotalsRow(line: 7, text: "合计", linesBelow: 1))
        #expect(report.lines(.en).contains { $0.hasPrefix("skipped 2 title rows above the header on line 3") })
        #expect(report.lines(.en).contains("skipped the totals row on line 7 (\"合计\") and 1 line below it"))
        #expect(report.lines(.zh).contains { $0.contains("合计行") })
    }

    @Test("title rows without separators do not confuse separator detection", arguments: ["\t", ";", "|"])
    func separators(_ sep: String) throws {
        let text = "Sales report\nExported 2024-07-01\n" + ["customer_id", "date", "amount"].joined(separator: sep) + "\n"
            + ["A", "2024-01-01", "3"].joined(separator: sep) + "\n" + ["B", "2024-01-02", "4"].joined(separator: sep) + "\n"
            + ["Total", "", "7"].joined(separator: sep) + "\n"
        let (table, report) = try summarize(text)
        #expect(table.customerIDs == ["A", "B"])
        #expect(report.totalsRow?.text == "Total")
    }

    @Test("--header-row forces the header line")
    func forced() throws {
        var options = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
        options.headerRow = 3
        let text = "report,x\nexported,y\ncustomer_id,date,amount\nA,2024-01-01,1\n"
        let (table, report) = try summarize(text, options)
        #expect(table.customerIDs == ["A"])
        #expect(report.titleRows == ["report x", "exported y"])
        options.headerRow = 9
        #expect(failure { _ = try summarize(text, options) } != nil)
    }

    @Test("a short last row that is not a totals row stays a data problem")
    func shortLastRow() {
        let error = failure { _ = try summarize("customer_id,date,amount\nA,2024-01-01,1\nB\n") }
        guard case .dataProblems(_, let problems, _)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(problems.first?.line == 3)
    }
}

@Suite("Inputs that are not text, and invalid text, give a message, never a crash")
struct NonTextInputTests {
    @Test("files are named by their magic bytes", arguments: [
        ([0x50, 0x4B, 0x03, 0x04] + Array("....xl/workbook.xml".utf8), "Excel workbook (.xlsx)"),
        ([0x50, 0x4B, 0x03, 0x04] + Array("....data.csv".utf8), "ZIP archive"),
        ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0], ".xls"),
        (Array("%PDF-1.7\n".utf8), "PDF"),
        ([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0], "ELF"),
        ([0x1F, 0x8B, 8, 0, 0, 0], "gzip"),
        (Array("SQLite format 3".utf8) + [0, 1], "SQLite"),
        (Array("id,date\u{0}\u{0}".utf8), "NUL bytes"),
    ] as [([UInt8], String)])
    func magic(_ bytes: [UInt8], _ kind: String) {
        let error = failure { _ = try MappedInput.fromBytes(bytes, name: "orders.csv") }
        guard case .notText(let file, let k, _)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(file == "orders.csv")
        #expect(k.contains(kind))
    }

    @Test("--encoding utf-8 with one invalid byte names the line (the mapping is read before it is unmapped)")
    func invalidUTF8() {
        var bytes = Array("customer_id,date\nA,2024-01-01\n".utf8)
        bytes += Array(repeating: UInt8(ascii: "B"), count: 1 << 16) + [0xFF] + Array(",2024-01-02\n".utf8)
        let error = failure { _ = try MappedInput.fromBytes(bytes, name: "x.csv", encoding: "utf-8") }
        guard case .invalidEncoding(_, let line, _)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(line == 3)
        #expect(!error!.description.contains("(utf-8,"))
    }

    @Test("automatic detection of a non-text file does not suggest an encoding that fails the same way")
    func undetected() {
        var rng = Xoshiro256Test(seed: 7)
        let bytes = (0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next() | 0x80) }
        let error = failure { _ = try MappedInput.fromBytes(bytes, name: "x.csv") }
        guard case .undetectedEncoding? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(error!.description.contains("neither valid UTF-8"))
    }

    @Test("no message echoes more than a few hundred bytes of a value")
    func capped() {
        let huge = String(repeating: "x", count: 5_000_000)
        let error = failure { _ = try summarize(huge) }
        #expect(error != nil)
        let text = error?.description ?? ""
        #expect(text.utf8.count < 600, "\(text.utf8.count) bytes")
        #expect(text.contains("… (5000000 bytes)"))
        let bad = failure { _ = try summarize("customer_id,date,amount\nA,2024-01-01,\(String(repeating: "9x", count: 100_000))\n") }
        #expect((bad?.description.utf8.count ?? 0) < 600)
        #expect(DataProblem.capped("短", limit: 80) == "短")
    }
}

/// A small generator for byte noise (the tests' own, so they do not depend on CLVNumerics' API).
struct Xoshiro256Test {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
