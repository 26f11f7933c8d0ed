import CLVCore
import CLVIngest
import Foundation
import Testing
import _CLVTestSupport

@Suite("Reading rows")
struct TransactionRowsTests {
    /// The rows, summed per customer, give the summary's orders, spend and purchase dates.
    @Test func rowsAddUpToTheSummary() throws {
        let path = TestData.repository("Examples/transactions.csv").path
        let options = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
        let (rows, report) = try TransactionLogReader.rows(path: path, options: options)
        let (table, _) = try TransactionLogReader.summarize(path: path, options: options)
        #expect(rows.count == 5671 && report.rowsRead == 5671)
        #expect(rows.channelNames.sorted() == ["app", "marketplace", "store", "web"])
        var spend = [String: Double](), orders = [String: Int](), first = [String: Int32](), last = [String: Int32]()
        for k in 0..<rows.count {
            let id = rows.customerIDs[Int(rows.customer[k])]
            spend[id, default: 0] += rows.amount[k]
            orders[id, default: 0] += 1
            first[id] = min(first[id] ?? .max, rows.day[k])
            last[id] = max(last[id] ?? .min, rows.day[k])
        }
        #expect(spend.count == table.count)
        for i in 0..<table.count {
            let id = table.customerIDs[i]
            #expect(abs(spend[id]! - table.totalSpend[i]) < 1e-9 * max(1, abs(table.totalSpend[i])), "\(id)")
            #expect(orders[id]! == Int(table.orders[i]))
            #expect(first[id]! == table.firstPurchase[i].daysSinceEpoch && last[id]! == table.lastPurchase[i].daysSinceEpoch)
        }
    }

    @Test func badRowsAreReportedWithTheirLine() throws {
        let dir = try TestData.temporaryDirectory()
        let file = dir.appendingPathComponent("bad.csv")
        try "customer_id,date,amount\na,2024-01-01,10\nb,2024-13-01,5\nc,2024-01-03,-4\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: IngestError.self) { try TransactionLogReader.rows(path: file.path) }
        var options = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
        options.onError = .skip
        let (rows, report) = try TransactionLogReader.rows(path: file.path, options: options)
        #expect(rows.count == 2 && rows.amount == [10, -4] && report.problemCount == 1 && report.problems.first?.line == 3)
    }
}
