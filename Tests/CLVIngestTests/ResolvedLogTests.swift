import CLVCore
import CLVIngest
import CLVIO
import Foundation
import Testing
import _CLVTestSupport

/// Summaries folded from the rows of one read (``ResolvedLog``) against reading the file again.
@Suite("Summaries from the rows of one read equal a fresh read of the file")
struct ResolvedLogTests {
    /// The table as CSV bytes (every column), with the per-day tracking counts appended.
    static func bytes(_ table: SummaryTable) throws -> [UInt8] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("clvkit-\(UUID().uuidString)-resolved").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let out = try OutputFile(path: path)
        try SummaryWriter.write(table, format: .csv, to: out)
        try out.commit()
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let tracking = "tracking \(table.trackingStart.map(String.init(describing:)) ?? "-") \(table.repeatPurchasesByDay ?? [])"
        bytes += Array(tracking.utf8)
        return bytes
    }

    static func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool { a == b }

    /// The summaries a pipeline asks of one read: earlier ends (segment windows), a split with day-by-day
    /// tracking (analyze's calibration), other frequencies and units, and an end after the data.
    static func summaries(lastDay: CalendarDay) -> [SummaryOptions] {
        let back = { (days: Int32) in CalendarDay(daysSinceEpoch: lastDay.daysSinceEpoch - days) }
        var tracked = SummaryOptions(frequency: .day, timeUnit: .week, observationEnd: lastDay, calibrationEnd: back(120))
        tracked.trackRepeatPurchases = true
        return [
            SummaryOptions(),
            SummaryOptions(observationEnd: back(30)),
            SummaryOptions(observationEnd: back(200)),
            tracked,
            SummaryOptions(frequency: .week, timeUnit: .week, calibrationEnd: back(90)),
            SummaryOptions(frequency: .month, timeUnit: .year, observationEnd: back(45)),
            SummaryOptions(observationEnd: back(-400)),
        ]
    }

    struct Case: Sendable, CustomStringConvertible {
        var seed: UInt64
        var orders: Bool
        var returns: ReturnPolicy
        var duplicates: DuplicatePolicy
        var description: String { "seed \(seed)\(orders ? " with order ids" : "") returns \(returns) duplicates \(duplicates)" }
    }

    static let cases: [Case] = [
        Case(seed: 1, orders: true, returns: .net, duplicates: .keep),
        Case(seed: 2, orders: false, returns: .net, duplicates: .keep),
        Case(seed: 3, orders: true, returns: .keep, duplicates: .drop),
        Case(seed: 4, orders: false, returns: .drop, duplicates: .keep),
        Case(seed: 5, orders: false, returns: .net, duplicates: .drop),
    ]

    @Test("every summary, on one core and split in two, with out-of-order customers", arguments: cases)
    func sameAsRereading(_ c: Case) throws {
        let log = MessyLog(seed: c.seed)
        let input = try MappedInput.fromBytes(Array(log.csv.utf8), name: "log.csv")
        for threshold in [1, Int.max] {
            var options = IngestOptions(columns: ColumnMapping(
                customer: .name("customer_id"), date: .name("date"), amount: .name("amount"),
                order: c.orders ? .name("order_id") : nil, quantity: .name("quantity"), channel: .name("channel")))
            options.returns = c.returns
            options.duplicates = c.duplicates
            options.onError = .skip
            options.parallelThreshold = threshold
            // The read that keeps its rows gives the same table and report as one that does not.
            let (plain, plainReport) = try TransactionLogReader.summarize(input, options: options)
            let (kept, keptReport, rows) = try TransactionLogReader.summarizeKeepingRows(input, options: options)
            #expect(Self.sameBytes(try Self.bytes(kept), try Self.bytes(plain)), "\(c) threshold \(threshold)")
            var a = keptReport, b = plainReport
            (a.seconds, b.seconds) = (0, 0)
            #expect(a == b, "\(c) threshold \(threshold)")
            #expect(plainReport.customersReordered > 5, "the log has customers out of date order")
            #expect(rows.rowCount == plainReport.rowsRead - plainReport.problemCount)
            for summary in Self.summaries(lastDay: log.lastDay) {
                let (fresh, _) = try TransactionLogReader.summarize(input, options: options, summary: summary)
                let folded = try rows.summarize(summary)
                #expect(Self.sameBytes(try Self.bytes(folded), try Self.bytes(fresh)), "\(c) threshold \(threshold) \(summary)")
            }
        }
    }

    @Test("a log in date or customer order, read in two parts whose customers are listed part by part",
          arguments: ["date", "customer"])
    func orderedLogInTwoParts(order: String) throws {
        let text = RichLog(seed: 21, order: order).text
        let input = try MappedInput.fromBytes(Array(text.utf8), name: "log.csv")
        for threshold in [1, Int.max] {
            var options = IngestOptions(columns: ColumnMapping(quantity: .name("qty"), channel: .name("channel")),
                                        asOf: CalendarDay(iso: "2030-01-01")!)
            options.parallelThreshold = threshold
            options.returns = .drop // no return waits across the parts' boundary, so none is recomputed
            let (kept, report, rows) = try TransactionLogReader.summarizeKeepingRows(input, options: options)
            #expect(report.customersReordered == 0)
            let (plain, _) = try TransactionLogReader.summarize(input, options: options)
            #expect(Self.sameBytes(try Self.bytes(kept), try Self.bytes(plain)))
            let last = try #require(report.lastDate)
            for summary in Self.summaries(lastDay: last) {
                let (fresh, _) = try TransactionLogReader.summarize(input, options: options, summary: summary)
                #expect(Self.sameBytes(try Self.bytes(rows.summarize(summary)), try Self.bytes(fresh)), "\(order) threshold \(threshold) \(summary)")
            }
        }
    }

    @Test("day-by-day repeat purchase counts do not depend on the order of the rows in the file")
    func trackingIgnoresRowOrder() throws {
        var counts: [[Int32]] = []
        for order in ["customer", "date", "shuffled"] {
            let input = try MappedInput.fromBytes(Array(RichLog(seed: 31, order: order).text.utf8), name: "log.csv")
            var summary = SummaryOptions(calibrationEnd: CalendarDay(daysSinceEpoch: 19_850))
            summary.trackRepeatPurchases = true
            let options = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
            let (table, _) = try TransactionLogReader.summarize(input, options: options, summary: summary)
            let (_, _, rows) = try TransactionLogReader.summarizeKeepingRows(input, options: options)
            #expect(try rows.summarize(summary).repeatPurchasesByDay == table.repeatPurchasesByDay)
            counts.append(try #require(table.repeatPurchasesByDay))
        }
        #expect(counts[0].reduce(0, +) > 100)
        #expect(counts[1] == counts[0])
        #expect(counts[2] == counts[0])
    }

    @Test("summaries taken on several threads at once are those taken one by one")
    func concurrentSummaries() throws {
        let log = MessyLog(seed: 9)
        let input = try MappedInput.fromBytes(Array(log.csv.utf8), name: "log.csv")
        let (_, _, rows) = try TransactionLogReader.summarizeKeepingRows(input)
        let summaries = Self.summaries(lastDay: log.lastDay)
        let expected = try summaries.map { try Self.bytes(rows.summarize($0)) }
        let lock = NSLock()
        nonisolated(unsafe) var results: [Int: [UInt8]] = [:]
        DispatchQueue.concurrentPerform(iterations: summaries.count) { k in
            let b = try? Self.bytes(rows.summarize(summaries[k]))
            lock.withLock { results[k] = b }
        }
        for k in summaries.indices { #expect(results[k] == expected[k], "\(summaries[k])") }
    }

    @Test("a window without purchases fails as a fresh read does")
    func emptyWindow() throws {
        let text = "customer_id,date,amount\nA,2025-03-01,10\nB,2025-03-02,20\n"
        let input = try MappedInput.fromBytes(Array(text.utf8), name: "log.csv")
        let (_, _, rows) = try TransactionLogReader.summarizeKeepingRows(input)
        let early = SummaryOptions(observationEnd: CalendarDay(iso: "2025-02-01")!)
        #expect(throws: IngestError.self) { try TransactionLogReader.summarize(input, summary: early) }
        #expect(throws: IngestError.self) { try rows.summarize(early) }
        let split = SummaryOptions(calibrationEnd: CalendarDay(iso: "2025-03-02")!)
        #expect(throws: IngestError.self) { try rows.summarize(split) }
    }
}
