import CLVCore
import CLVIngest
import Foundation
import Testing
import _CLVTestSupport

/// Summarises in-memory CSV text.
func summarize(_ text: String, _ options: IngestOptions = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!),
               _ summary: SummaryOptions = SummaryOptions(), name: String = "orders.csv") throws -> (SummaryTable, IngestReport) {
    let input = try MappedInput.fromBytes(Array(text.utf8), name: name, encoding: options.encoding)
    return try TransactionLogReader.summarize(input, options: options, summary: summary)
}

extension SummaryTable {
    func row(_ id: String) -> Int? { customerIDs.firstIndex(of: id) }
}

@Suite("Data problems are reported with file, line, column and value")
struct DataProblemTests {
    static let bad = """
    customer_id,date,amount
    A,2024-01-01,10
    B,2024-13-01,5
    C,2024-01-02,N/A
    ,2024-01-03,4
    D,2024-01-04
    E,2099-01-01,3
    F,2024-01-05,
    """

    @Test("stop (the default) lists the first problems and the total, and writes nothing")
    func stop() throws {
        do {
            _ = try summarize(Self.bad)
            Issue.record("expected an error")
        } catch let error as IngestError {
            guard case .dataProblems(let file, let problems, let total) = error else {
                Issue.record("wrong error \(error)"); return
            }
            #expect(file == "orders.csv")
            #expect(total == 6)
            #expect(problems.map(\.kind) == [.badDate, .badAmount, .missingCustomer, .tooFewFields, .futureDate, .missingAmount])
            #expect(problems.map(\.line) == [3, 4, 5, 6, 7, 8])
            let text = error.description
            #expect(text.contains("orders.csv:3: column 'date': \"2024-13-01\" is not a date"))
            #expect(text.contains("orders.csv:4: column 'amount': \"N/A\" is not a number"))
            #expect(text.contains("--on-error skip"))
        }
    }

    @Test("skip drops the bad rows and counts them by reason")
    func skip() throws {
        var options = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
        options.onError = .skip
        let (table, report) = try summarize(Self.bad, options)
        #expect(table.customerIDs == ["A"])
        #expect(report.rowsRead == 7)
        #expect(report.rowsUsed == 1)
        #expect(report.rowsSkipped == 6)
        #expect(report.skipped["unparsable date"] == 1)
        #expect(report.skipped["date in the future"] == 1)
    }

    @Test("an empty amount can be read as zero")
    func emptyAmountZero() throws {
        var options = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
        options.emptyAmountIsZero = true
        let (table, _) = try summarize("customer_id,date,amount\nA,2024-01-01,\nA,2024-01-02,5\n", options)
        #expect(table.repeatPurchases == [1])
        #expect(table.monetaryValue == [5])
    }

    @Test("unknown columns name the header", arguments: [
        (ColumnMapping(customer: .name("client")), "no customer column 'client'"),
        (ColumnMapping(amount: .position(9)), "amount column 9 does not exist"),
    ])
    func columns(_ mapping: ColumnMapping, _ message: String) throws {
        let options = IngestOptions(columns: mapping, asOf: CalendarDay(iso: "2030-01-01")!)
        #expect { try summarize("customer_id,date,amount\nA,2024-01-01,1\n", options) } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test("empty input and header-only input are errors, not empty output")
    func empty() throws {
        #expect(throws: IngestError.self) { try summarize("") }
        #expect(throws: IngestError.self) { try summarize("customer_id,date,amount\n") }
    }

    @Test("a conflicting order id is a data problem")
    func conflictingOrder() throws {
        let options = IngestOptions(columns: ColumnMapping(order: .name("order_id")), asOf: CalendarDay(iso: "2030-01-01")!)
        let text = "customer_id,date,amount,order_id\nA,2024-01-01,10,O1\nB,2024-01-01,5,O1\nA,2024-01-03,5,O1\n"
        #expect { try summarize(text, options) } throws: { error in
            let d = "\(error)"
            return d.contains("orders.csv:3: column 'order_id': \"O1\" belongs to customer 'A'")
                && d.contains("orders.csv:4: column 'order_id': \"O1\" is dated 2024-01-01 on line 2")
        }
    }
}

@Suite("Returns, zero amounts and duplicates")
struct CleaningTests {
    static let options = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)

    @Test("returns net into the same day, else the latest earlier purchase, and never count as purchases")
    func netting() throws {
        let text = """
        customer_id,date,amount
        A,2024-01-01,100
        A,2024-01-01,-30
        A,2024-01-05,50
        A,2024-01-09,-10
        B,2024-01-02,-5
        B,2024-01-03,20
        """
        let (table, report) = try summarize(text, Self.options)
        let a = try #require(table.row("A"))
        #expect(table.repeatPurchases[a] == 1)
        #expect(table.recency[a] == 4)         // the return on 01-09 is not a purchase
        #expect(table.monetaryValue[a] == 40)  // 50 − 10 (the first period's 100 − 30 is excluded)
        #expect(table.totalSpend[a] == 110)
        let b = try #require(table.row("B"))
        #expect(table.repeatPurchases[b] == 0)
        #expect(table.totalSpend[b] == 20)
        #expect(report.returnRows == 3)
        #expect(report.returnsNetted == 2)
        #expect(report.unmatchedReturns == 1)
    }

    @Test("with an order column, a return nets into the order it names")
    func orderNetting() throws {
        var options = Self.options
        options.columns.order = .name("order_id")
        let text = """
        customer_id,date,amount,order_id
        A,2024-01-01,100,O1
        A,2024-01-01,20,O1
        A,2024-01-05,50,O2
        A,2024-01-09,-30,O1
        """
        let (table, report) = try summarize(text, options)
        #expect(table.orders == [2])
        #expect(table.monetaryValue == [50])  // the return belongs to the first order, outside the repeat mean
        #expect(table.totalSpend == [140])
        #expect(report.orders == 2)
    }

    @Test("a return read before its order's purchase of the same day nets into it, also when the customer's rows are out of date order")
    func returnBeforeItsOrderLine() throws {
        var options = Self.options
        options.columns.order = .name("order_id")
        // Line 2 names O1, whose purchase is on line 4 of the same day; line 3 puts A out of date order,
        // so A is recomputed from its rows sorted by date and line.
        let text = """
        customer_id,date,amount,order_id
        A,2024-01-01,-30,O1
        A,2024-01-05,50,O2
        A,2024-01-01,100,O1
        """
        let (table, report) = try summarize(text, options)
        #expect(report.customersReordered == 1)
        #expect(report.returnsNetted == 1)
        #expect(report.unmatchedReturns == 0)
        #expect(table.totalSpend == [120])
        #expect(table.monetaryValue == [50])
    }

    @Test("drop and keep policies for returns")
    func returnPolicies() throws {
        let text = "customer_id,date,amount\nA,2024-01-01,100\nA,2024-01-03,-30\n"
        var options = Self.options
        options.returns = .drop
        #expect(try summarize(text, options).0.totalSpend == [100])
        options.returns = .keep // lifetimes: a negative row is a transaction
        let kept = try summarize(text, options).0
        #expect(kept.repeatPurchases == [1])
        #expect(kept.monetaryValue == [-30])
    }

    @Test("zero amounts count as purchases unless dropped")
    func zeros() throws {
        let text = "customer_id,date,amount\nA,2024-01-01,10\nA,2024-01-03,0\n"
        #expect(try summarize(text, Self.options).0.repeatPurchases == [1])
        var options = Self.options
        options.dropZeroAmounts = true
        let (table, report) = try summarize(text, options)
        #expect(table.repeatPurchases == [0])
        #expect(report.zeroAmountRowsDropped == 1)
    }

    @Test("identical rows: kept by default, dropped or refused on request")
    func duplicates() throws {
        let text = "customer_id,date,amount\nA,2024-01-01,10\nA,2024-01-03,5\nA,2024-01-03,5\n"
        #expect(try summarize(text, Self.options).0.totalSpend == [20])
        var options = Self.options
        options.duplicates = .drop
        let (table, report) = try summarize(text, options)
        #expect(table.totalSpend == [15])
        #expect(report.duplicateRowsDropped == 1)
        // --duplicates error: a data problem on the repeat's line (the whole read fails with --on-error stop).
        options.duplicates = .error
        do {
            _ = try summarize(text, options)
            Issue.record("a repeated row was accepted with duplicates = error")
        } catch let IngestError.dataProblems(_, problems, total) {
            #expect(total == 1)
            #expect(problems.first?.kind == .duplicateRow && problems.first?.line == 4)
        }
        options.onError = .skip
        let (skipped, skipReport) = try summarize(text, options)
        #expect(skipped.totalSpend == [15])
        #expect(skipReport.problemCount == 1 && skipReport.skipped["duplicate row"] == 1)
    }

    @Test("rows after the observation end are excluded; customers without purchases are not listed")
    func observationEnd() throws {
        let text = "customer_id,date,amount\nA,2024-01-01,10\nA,2024-02-01,5\nB,2024-03-01,7\n"
        let (table, report) = try summarize(text, Self.options, SummaryOptions(observationEnd: CalendarDay(iso: "2024-01-31")))
        #expect(table.customerIDs == ["A"])
        #expect(table.age == [30])
        #expect(report.rowsAfterObservationEnd == 2)
    }
}

@Suite("Encodings")
struct EncodingTests {
    static func fixture(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Fixtures"))
    }

    @Test("GBK with Chinese headers, ids and ￥ amounts reads like its UTF-8 (BOM) twin")
    func gbkEqualsUTF8() throws {
        let options = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
        let (gbk, gbkReport) = try TransactionLogReader.summarize(path: try Self.fixture("gbk_small").path, options: options)
        let (utf8, utf8Report) = try TransactionLogReader.summarize(path: try Self.fixture("utf8bom_small").path, options: options)
        #expect(gbkReport.encoding == "gb18030")
        #expect(utf8Report.encoding == "utf-8 with BOM")
        #expect(gbkReport.columns["customer"] == "客户ID")
        #expect(gbkReport.columns["amount"] == "实付金额")
        #expect(gbkReport.columns["channel"] == "渠道")
        #expect(gbk.customerIDs == utf8.customerIDs)
        #expect(gbk.monetaryValue == utf8.monetaryValue)
        #expect(gbk.customerIDs.allSatisfy { $0.hasPrefix("会员") })
        #expect(gbk.acquisitionChannel?.allSatisfy { ["天猫", "京东", "门店"].contains($0) } == true)
    }

    @Test("explicit encodings; invalid UTF-8 names the line")
    func explicit() throws {
        let gbk = try Self.fixture("gbk_small")
        let options = IngestOptions(encoding: "gbk", asOf: CalendarDay(iso: "2030-01-01")!)
        #expect(try TransactionLogReader.summarize(path: gbk.path, options: options).0.count == 41)
        var utf8 = options
        utf8.encoding = "utf-8"
        #expect { try TransactionLogReader.summarize(path: gbk.path, options: utf8) } throws: { error in
            "\(error)".contains("gbk_small.csv:1: the bytes are not valid UTF-8")
        }
        var unknown = options
        unknown.encoding = "klingon"
        #expect(throws: IngestError.self) { try TransactionLogReader.summarize(path: gbk.path, options: unknown) }
    }

    @Test("UTF-16 with a byte-order mark (Excel's Unicode text)")
    func utf16() throws {
        let text = "customer_id\tdate\tamount\r\n客户1\t2024-01-01\t10\r\n客户1\t2024-01-02\t4\r\n"
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in text.utf16 { bytes.append(UInt8(unit & 0xFF)); bytes.append(UInt8(unit >> 8)) }
        let input = try MappedInput.fromBytes(bytes, name: "excel.txt")
        let (table, report) = try TransactionLogReader.summarize(input, options: IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!))
        #expect(report.encoding.hasPrefix("utf-16"))
        #expect(table.customerIDs == ["客户1"])
        #expect(table.monetaryValue == [4])
    }
}
