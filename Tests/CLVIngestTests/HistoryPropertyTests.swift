import CLVCore
import CLVHistory
import CLVIngest
import CLVNumerics
import Foundation
import Testing
import _CLVTestSupport

/// A random log with what real exports hold: multi-line orders, rows without order ids, returns that name
/// an order (of either window), an unknown order or none, zero amounts, exact duplicates, quantities,
/// several channels and rows out of date order.
struct MessyLog {
    struct Row: Hashable {
        var customer: String, day: Int32, cents: Int, order: String, quantity: Int, channel: String
    }
    var rows: [Row] = []

    init(seed: UInt64, customers: Int = 150) {
        var rng = Xoshiro256(seed: seed)
        func chance(_ p: Double) -> Bool { rng.nextOpenUnit() < p }
        let channels = ["web", "app", "store", "微信", ""]
        var orderNumber = 0
        for c in 0..<customers {
            let id = String(format: "C%04d", c)
            var day = Int32(19_700) + Int32(rng.next() % 400)
            var purchases: [(order: String, day: Int32)] = []
            for _ in 0..<(Int(rng.next() % 20) + 1) {
                let channel = channels[Int(rng.next() % UInt64(channels.count))]
                let quantity = Int(rng.next() % 5) + 1
                if chance(0.13) {
                    var order = ""
                    if chance(0.5), let named = purchases.randomElement(using: &rng), !named.order.isEmpty { order = named.order }
                    else if chance(0.15) { order = "X\(orderNumber)"; orderNumber += 1 }
                    let back = Int32(rng.next() % 3) // returns may be dated before the last purchase
                    rows.append(Row(customer: id, day: max(day - back, 19_690), cents: -Int(rng.next() % 8000) - 1, order: order,
                                    quantity: quantity, channel: channel))
                } else {
                    var order = ""
                    if chance(0.3), let last = purchases.last, last.day == day, !last.order.isEmpty { order = last.order }
                    else if chance(0.8) { order = "O\(orderNumber)"; orderNumber += 1 }
                    let cents = chance(0.05) ? 0 : Int(rng.next() % 30000) + 1
                    rows.append(Row(customer: id, day: day, cents: cents, order: order, quantity: quantity, channel: channel))
                    purchases.append((order, day))
                }
                if chance(0.05) { rows.append(rows.last!) } // an exact duplicate
                if chance(0.6) { day += Int32(rng.next() % 45) }
            }
        }
        // Interleave customers, and move a tenth of the rows elsewhere (out of date order).
        rows.sort { ($0.day, $0.customer) < ($1.day, $1.customer) }
        for _ in 0..<(rows.count / 10) {
            let from = Int(rng.next() % UInt64(rows.count)), to = Int(rng.next() % UInt64(rows.count))
            rows.insert(rows.remove(at: from), at: to)
        }
    }

    var csv: String {
        "customer_id,date,amount,order_id,quantity,channel\n" + rows.map { r in
            let m = abs(r.cents)
            return "\(r.customer),\(CalendarDay(daysSinceEpoch: r.day)),\(r.cents < 0 ? "-" : "")\(m / 100).\(String(format: "%02d", m % 100)),\(r.order),\(r.quantity),\(r.channel)"
        }.joined(separator: "\n") + "\n"
    }

    var lastDay: CalendarDay { CalendarDay(daysSinceEpoch: rows.map(\.day).max()!) }
}

@Suite("Customer histories agree with the summary reader and with themselves")
struct HistoryPropertyTests {
    struct Case: Sendable, CustomStringConvertible {
        var seed: UInt64, frequency: PeriodFrequency, unit: TimeUnit, returns: ReturnPolicy, split: Bool
        var description: String { "seed \(seed) \(frequency) \(unit) \(returns)\(split ? " split" : "")" }
    }

    static let cases: [Case] = [
        Case(seed: 1, frequency: .day, unit: .day, returns: .net, split: false),
        Case(seed: 2, frequency: .day, unit: .week, returns: .net, split: true),
        Case(seed: 3, frequency: .week, unit: .week, returns: .net, split: true),
        Case(seed: 4, frequency: .month, unit: .month, returns: .net, split: false),
        Case(seed: 5, frequency: .week, unit: .day, returns: .keep, split: true),
        Case(seed: 6, frequency: .day, unit: .day, returns: .keep, split: false),
        Case(seed: 7, frequency: .day, unit: .day, returns: .drop, split: true),
        Case(seed: 8, frequency: .month, unit: .year, returns: .net, split: true),
    ]

    static func options(_ c: Case) -> IngestOptions {
        var o = IngestOptions(columns: ColumnMapping(customer: .name("customer_id"), date: .name("date"), amount: .name("amount"),
                                                      order: .name("order_id"), quantity: .name("quantity"), channel: .name("channel")))
        o.returns = c.returns
        o.onError = .skip // with keep, a return dated apart from its order is a located problem on both paths
        return o
    }

    @Test("batch = in log order = shuffled = merge of random partitions, and every figure equals the summary reader's",
          arguments: cases)
    func agree(_ c: Case) throws {
        let log = MessyLog(seed: c.seed)
        let dir = try TestData.temporaryDirectory()
        let file = dir.appendingPathComponent("log.csv")
        try log.csv.write(to: file, atomically: true, encoding: .utf8)
        let options = Self.options(c)
        let calibrationEnd = c.split ? CalendarDay(daysSinceEpoch: log.lastDay.daysSinceEpoch - 120) : nil
        let (table, report) = try TransactionLogReader.summarize(
            path: file.path, options: options,
            summary: SummaryOptions(frequency: c.frequency, timeUnit: c.unit, calibrationEnd: calibrationEnd))
        let batch = try TransactionLogReader.transactions(path: file.path, options: options)
        #expect(batch.amountsRounded == 0)
        let end = try #require(batch.report.lastDate)
        #expect(end == report.lastDate)
        #expect(report.returnRows > 20 && report.customersReordered > 10, "the log exercises returns and unordered customers")

        // One batch, one at a time in log order, shuffled, and merged from random partitions.
        var book = CustomerBook()
        try book.apply(batch.transactions)
        var inOrder = CustomerBook()
        for t in batch.transactions { try inOrder.apply(t) }
        var rng = Xoshiro256(seed: c.seed &+ 99)
        var shuffledBook = CustomerBook()
        try shuffledBook.apply(batch.transactions.shuffled(using: &rng))
        var parts = [CustomerBook](repeating: CustomerBook(), count: 4)
        for t in batch.transactions.shuffled(using: &rng) { try parts[Int(rng.next() % 4)].apply(t) }
        var merged = CustomerBook()
        for p in parts.shuffled(using: &rng) { try merged.merge(p) }
        #expect(inOrder == book)
        #expect(shuffledBook == book)
        #expect(merged == book)
        // The reader's bulk fold (rows straight into histories, `clv summary --engine history`) = the Transaction batches.
        let (_, _, bulk) = try TransactionLogReader.summarizeWithHistories(
            path: file.path, options: options, summary: SummaryOptions(frequency: c.frequency, timeUnit: c.unit, calibrationEnd: calibrationEnd))
        #expect(bulk == book)
        // Per customer too: histories built from scattered pieces merge to the same value.
        var pieces: [String: [CustomerHistory]] = [:]
        for t in batch.transactions {
            var h = CustomerHistory(customerID: t.customerID)
            try h.apply(t)
            pieces[t.customerID, default: []].append(h)
        }
        for (id, list) in pieces {
            let folded = try list.shuffled(using: &rng).reduce(CustomerHistory(customerID: id)) { try $0.merging($1) }
            #expect(folded == book[id], "customer \(id)")
        }

        let window = try SummaryWindow(asOf: end, calibrationEnd: calibrationEnd, frequency: c.frequency, timeUnit: c.unit,
                                       returns: c.returns)
        let summaries = book.summaries(window)
        #expect(summaries == merged.summaries(window))
        // The reader lists customers in order of their first valid row; with `drop`, that row may be a dropped return.
        if c.returns != .drop {
            #expect(summaries.summaries.map(\.customerID) == table.customerIDs, "listed customers, in order of first appearance")
        }
        #expect(Set(summaries.summaries.map(\.customerID)) == Set(table.customerIDs))
        let row = Dictionary(uniqueKeysWithValues: table.customerIDs.enumerated().map { ($1, $0) })
        #expect(summaries.returnsNetted == report.returnsNetted)
        #expect(summaries.returnsUnmatched == report.unmatchedReturns)
        var mismatches: [String] = []
        func check(_ name: String, _ i: Int, _ a: Double, _ b: Double) {
            if !isClose(a, b, relative: 1e-12, absolute: 1e-9) { mismatches.append("\(table.customerIDs[i]) \(name): history \(a), reader \(b)") }
        }
        for s in summaries.summaries {
            let i = try #require(row[s.customerID])
            check("frequency", i, Double(s.frequency), Double(table.repeatPurchases[i]))
            check("recency", i, s.recency, table.recency[i])
            check("T", i, s.T, table.age[i])
            check("monetary_value", i, s.monetaryValue, table.monetaryValue[i])
            check("first_purchase", i, Double(s.firstPurchase.daysSinceEpoch), Double(table.firstPurchase[i].daysSinceEpoch))
            check("last_purchase", i, Double(s.lastPurchase.daysSinceEpoch), Double(table.lastPurchase[i].daysSinceEpoch))
            check("orders", i, Double(s.orders), Double(table.orders[i]))
            check("total_spend", i, s.totalSpend.doubleValue, table.totalSpend[i])
            check("total_quantity", i, s.totalQuantity.doubleValue, table.totalQuantity![i])
            check("channel_count", i, Double(s.channelCount), Double(table.channelCount![i]))
            if (s.acquisitionChannel ?? "") != table.acquisitionChannel![i] {
                mismatches.append("\(s.customerID) acquisition_channel: history \(s.acquisitionChannel ?? "-"), reader \(table.acquisitionChannel![i])")
            }
            if c.split {
                let h = try #require(s.holdout)
                check("frequency_holdout", i, Double(h.frequency), Double(table.holdoutFrequency![i]))
                check("monetary_value_holdout", i, h.monetaryValue, table.holdoutMonetaryValue![i])
                check("duration_holdout", i, h.duration, table.holdoutDuration!)
            } else {
                #expect(s.holdout == nil)
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(6))")
    }

    @Test("summaries at several as-of dates come from one read and equal a fresh read per date")
    func severalAsOfDates() throws {
        let log = MessyLog(seed: 11)
        let dir = try TestData.temporaryDirectory()
        let file = dir.appendingPathComponent("log.csv")
        try log.csv.write(to: file, atomically: true, encoding: .utf8)
        let c = Case(seed: 11, frequency: .day, unit: .day, returns: .net, split: false)
        var book = CustomerBook()
        try book.apply(TransactionLogReader.transactions(path: file.path, options: Self.options(c)).transactions)
        for back in [0, 30, 200] as [Int32] {
            let asOf = CalendarDay(daysSinceEpoch: log.lastDay.daysSinceEpoch - back)
            let (table, _) = try TransactionLogReader.summarize(path: file.path, options: Self.options(c),
                                                                summary: SummaryOptions(observationEnd: asOf))
            let ours = book.summaries(try SummaryWindow(asOf: asOf)).summaries
            #expect(ours.map(\.customerID) == table.customerIDs)
            #expect(zip(ours, table.monetaryValue).allSatisfy { isClose($0.monetaryValue, $1, relative: 1e-12) })
            #expect(zip(ours, table.age).allSatisfy { $0.T == $1 })
            #expect(zip(ours, table.totalSpend).allSatisfy { isClose($0.totalSpend.doubleValue, $1, relative: 1e-12) })
        }
    }
}
