import CLVCore
import CLVIngest
import CLVNumerics
import Foundation
import Testing
import _CLVTestSupport

/// A random transaction log with returns, zero amounts and same-day purchases.
struct RandomLog {
    struct Row { var customer: String; var day: Int; var cents: Int }
    var rows: [Row] = []

    init(seed: UInt64, customers: Int = 60) {
        var rng = Xoshiro256(seed: seed)
        for c in 0..<customers {
            let n = Int(rng.next() % 12) + 1
            var day = 19_700 + Int(rng.next() % 300)
            for _ in 0..<n {
                let u = rng.nextOpenUnit()
                let cents = u < 0.1 ? -Int(rng.next() % 5000) - 1 : (u < 0.15 ? 0 : Int(rng.next() % 20000) + 1)
                rows.append(Row(customer: "C\(c)", day: day, cents: cents))
                if rng.nextOpenUnit() < 0.7 { day += Int(rng.next() % 40) }
            }
        }
    }

    func csv(_ rows: [Row]) -> String {
        "customer_id,date,amount\n" + rows.map { r in
            let sign = r.cents < 0 ? "-" : ""
            let m = abs(r.cents)
            return "\(r.customer),\(CalendarDay(daysSinceEpoch: Int32(r.day))),\(sign)\(m / 100).\(String(format: "%02d", m % 100))"
        }.joined(separator: "\n") + "\n"
    }

    /// An independent, naive statement of the summary rules (day periods, returns netted into the
    /// same day or the latest earlier purchase day, T to the last date of the log).
    func expected() -> [String: (x: Int, recency: Double, t: Double, monetary: Double)] {
        let lastDay = rows.map(\.day).max()!
        var out: [String: (Int, Double, Double, Double)] = [:]
        for (id, all) in Dictionary(grouping: rows, by: \.customer) {
            var byDay: [Int: Double] = [:]          // purchase days → net value
            for r in all.sorted(by: { $0.day < $1.day }) where r.cents >= 0 { byDay[r.day, default: 0] += Double(r.cents) / 100 }
            for r in all where r.cents < 0 {
                guard let target = byDay.keys.filter({ $0 <= r.day }).max() else { continue }
                byDay[target]! += Double(r.cents) / 100
            }
            guard let first = byDay.keys.min(), let last = byDay.keys.max() else { continue }
            let repeats = byDay.count - 1
            let mean = repeats > 0 ? byDay.filter { $0.key != first }.values.reduce(0, +) / Double(repeats) : 0
            out[id] = (repeats, Double(last - first), Double(lastDay - first), mean)
        }
        return out
    }
}

@Suite("Consistency")
struct ConsistencyTests {
    @Test("row order does not matter, and the streaming and re-sorting paths agree with a naive oracle",
          arguments: [1, 2, 3, 4, 5] as [UInt64])
    func orderInvariance(seed: UInt64) throws {
        let log = RandomLog(seed: seed)
        let sorted = log.rows.sorted { ($0.customer, $0.day) < ($1.customer, $1.day) }
        var rng = Xoshiro256(seed: seed &+ 99)
        var shuffled = log.rows
        shuffled.shuffle(using: &rng)
        let (a, reportA) = try summarize(log.csv(sorted))
        let (b, reportB) = try summarize(log.csv(shuffled))
        #expect(reportA.customersReordered == 0)
        #expect(reportB.customersReordered > 0)
        let expected = log.expected()
        #expect(a.count == expected.count)
        #expect(b.count == expected.count)
        for table in [a, b] {
            for i in 0..<table.count {
                let e = try #require(expected[table.customerIDs[i]])
                #expect(Int(table.repeatPurchases[i]) == e.x)
                #expect(table.recency[i] == e.recency)
                #expect(table.age[i] == e.t)
                #expect(isClose(table.monetaryValue[i], e.monetary, relative: 1e-12, absolute: 1e-9),
                        "\(table.customerIDs[i]): \(table.monetaryValue[i]) vs \(e.monetary)")
            }
        }
    }

    @Test("reading in two halves and merging gives exactly the sequential result",
          arguments: [(1, "date"), (2, "customer"), (3, "shuffled"), (4, "date"), (5, "customer"), (6, "shuffled")] as [(UInt64, String)])
    func parallelHalves(seed: UInt64, order: String) throws {
        let log = RandomLog(seed: seed, customers: 200)
        var rows = log.rows
        var rng = Xoshiro256(seed: seed)
        switch order {
        case "date": rows.sort { ($0.day, $0.customer) < ($1.day, $1.customer) }
        case "customer": rows.sort { ($0.customer, $0.day) < ($1.customer, $1.day) }
        default: rows.shuffle(using: &rng)
        }
        let text = log.csv(rows)
        for summary in [SummaryOptions(), SummaryOptions(frequency: .week, timeUnit: .week,
                                                          calibrationEnd: CalendarDay(daysSinceEpoch: 19_850))] {
            var sequential = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
            sequential.parallelThreshold = .max
            var split = sequential
            split.parallelThreshold = 1
            let (a, ra) = try summarize(text, sequential, summary)
            let (b, rb) = try summarize(text, split, summary)
            #expect(a.customerIDs == b.customerIDs)
            #expect(a.repeatPurchases == b.repeatPurchases)
            #expect(a.recency == b.recency && a.age == b.age)
            #expect(a.firstPurchase == b.firstPurchase && a.lastPurchase == b.lastPurchase && a.orders == b.orders)
            #expect(a.holdoutFrequency == b.holdoutFrequency)
            for i in 0..<a.count {
                #expect(isClose(a.monetaryValue[i], b.monetaryValue[i], relative: 1e-12, absolute: 1e-9))
                #expect(isClose(a.totalSpend[i], b.totalSpend[i], relative: 1e-12, absolute: 1e-9))
                if let ha = a.holdoutMonetaryValue, let hb = b.holdoutMonetaryValue {
                    #expect(isClose(ha[i], hb[i], relative: 1e-12, absolute: 1e-9))
                }
            }
            #expect(ra.rowsRead == rb.rowsRead && ra.rowsUsed == rb.rowsUsed)
            #expect(ra.returnsNetted == rb.returnsNetted && ra.unmatchedReturns == rb.unmatchedReturns)
            #expect(ra.firstDate == rb.firstDate && ra.lastDate == rb.lastDate)
        }
    }

    @Test("a customer whose rows in the later half all fall after the end of observation is folded, not read again")
    func laterHalfAfterObservationEnd() throws {
        // Sorted by customer and date: A's 200 rows span the middle of the file, so the second half starts
        // inside them; the end of observation leaves every row of A in that half out.
        var text = "customer_id,date,amount\n"
        for k in 0..<200 { text += "A,\(CalendarDay(daysSinceEpoch: 19_700 + Int32(k))),\(10 + k % 7)\n" }
        text += "B,2024-01-05,3\nB,2024-02-01,4\n"
        let summary = SummaryOptions(observationEnd: CalendarDay(daysSinceEpoch: 19_730))
        var sequential = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
        sequential.parallelThreshold = .max
        var split = sequential
        split.parallelThreshold = 1
        let (a, _) = try summarize(text, sequential, summary)
        let (b, report) = try summarize(text, split, summary)
        #expect(report.customersReordered == 0, "a second pass was needed for \(report.customersReordered) customers")
        #expect(a.customerIDs == b.customerIDs && a.repeatPurchases == b.repeatPurchases && a.recency == b.recency)
        #expect(a.totalSpend == b.totalSpend && a.orders == b.orders)
        #expect(b.repeatPurchases[0] == 30)
    }

    @Test("ids that must be unescaped, bad rows and runs of one customer across many row batches",
          arguments: [1, 2] as [UInt64])
    func batchesWithEscapedIdsAndProblems(seed: UInt64) throws {
        // The same log twice: ids written `"K""n"` (unescaped to K"n) and written plainly as K'n.
        var rng = Xoshiro256(seed: seed)
        var quoted = "customer_id,date,amount\n", plain = quoted
        var badLines: [Int] = []
        var line = 1
        for c in 0..<300 {
            for k in 0..<(Int(rng.next() % 4) + 1) {
                line += 1
                let day = String(format: "2024-%02d-%02d", k + 1, Int(rng.next() % 28) + 1)
                let amount = line % 17 == 0 ? "ten" : "\(Int(rng.next() % 900) + 1).5"
                if amount == "ten" { badLines.append(line) }
                quoted += "\"K\"\"\(c)\",\(day),\(amount)\n"
                plain += "K'\(c),\(day),\(amount)\n"
            }
        }
        var options = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
        options.onError = .skip
        options.problemsListed = 1000
        let (a, ra) = try summarize(quoted, options)
        let (b, rb) = try summarize(plain, options)
        #expect(a.count == b.count && a.count > 250)
        #expect(a.customerIDs == b.customerIDs.map { $0.replacingOccurrences(of: "'", with: "\"") })
        #expect(a.repeatPurchases == b.repeatPurchases && a.monetaryValue == b.monetaryValue && a.totalSpend == b.totalSpend)
        // Every bad row is reported, in line order, with the line it is on.
        #expect(ra.problems.map(\.line) == badLines)
        #expect(rb.problems.map(\.line) == badLines)
        #expect(ra.problems.first?.value == "ten")
    }

    @Test("the fast reading of plain rows agrees with the general reader on every kind of row",
          arguments: [1, 2, 3] as [UInt64])
    func plainRowsAgreeWithGeneralReader(seed: UInt64) throws {
        // Plain rows mixed with rows the fast path must hand to the general reader: quoted ids (with and
        // without doubled quotes), blanks around fields, CR LF, a missing or extra column, a quote inside
        // an unquoted id, bad dates and amounts, blank lines, amounts too long for one word, and a last
        // line without a line feed.
        var rng = Xoshiro256(seed: seed)
        var text = "customer_id,date,amount\n"
        for i in 0..<3000 {
            let c = Int(rng.next() % 400)
            let date = "2024-\(String(format: "%02d", Int(rng.next() % 12) + 1))-\(String(format: "%02d", Int(rng.next() % 28) + 1))"
            let amount = "\(Int(rng.next() % 500)).\(String(format: "%02d", Int(rng.next() % 100)))"
            switch rng.next() % 16 {
            case 0: text += "\"C\(c)\",\(date),\(amount)\n"
            case 1: text += "\"C\"\"\(c)\",\(date),\(amount)\n"
            case 2: text += " C\(c) , \(date) ,\(amount) \n"
            case 3: text += "C\(c),\(date),\(amount)\r\n"
            case 4: text += "C\(c),\(date)\n"
            case 5: text += "C\(c),\(date),\(amount),extra\n"
            case 6: text += "C\"\(c),\(date),\(amount)\n"
            case 7: text += "C\(c),2024-02-30,\(amount)\n"
            case 8: text += "C\(c),\(date),1.2.3\n"
            case 9: text += "\n"
            case 10: text += "C\(c),\(date),123456789.25\n"
            case 11: text += "C\(c),\(date),-\(amount)\n"
            default: text += "C\(c),\(date),\(amount)\n"
            }
            if i == 2999 { text += "C1,2024-05-05,9.99" }
        }
        var fast = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
        fast.onError = .skip
        fast.problemsListed = 10_000
        var general = fast
        general.dateFormat = "%Y-%m-%d" // no fast reading at all
        for threshold in [1, Int.max] {
            fast.parallelThreshold = threshold
            general.parallelThreshold = threshold
            let (a, ra) = try summarize(text, fast)
            let (b, rb) = try summarize(text, general)
            #expect(a.customerIDs == b.customerIDs)
            #expect(a.repeatPurchases == b.repeatPurchases && a.recency == b.recency && a.age == b.age)
            #expect(a.monetaryValue == b.monetaryValue && a.totalSpend == b.totalSpend && a.orders == b.orders)
            #expect(ra.rowsRead == rb.rowsRead && ra.rowsUsed == rb.rowsUsed && ra.problemCount == rb.problemCount)
            #expect(ra.problems.map(\.line) == rb.problems.map(\.line))
            #expect(ra.problemCount > 100 && a.count > 300)
        }
    }

    @Test("a quoted field with a line break makes the reader fall back to one pass, with the same result")
    func quotedLineBreaks() throws {
        var text = "customer_id,note,date,amount\n"
        for i in 0..<400 { text += "C\(i % 37),\"line one\nline two\",2024-01-\(String(format: "%02d", i % 28 + 1)),\(i % 50 + 1)\n" }
        var options = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
        options.parallelThreshold = 1
        let (b, _) = try summarize(text, options)
        options.parallelThreshold = .max
        let (a, _) = try summarize(text, options)
        #expect(a.customerIDs == b.customerIDs && a.repeatPurchases == b.repeatPurchases && a.monetaryValue == b.monetaryValue)
        #expect(a.count == 37)
    }

    @Test("time units only rescale recency and T")
    func timeUnits() throws {
        let text = RandomLog(seed: 7).csv(RandomLog(seed: 7).rows)
        let days = try summarize(text, IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!), SummaryOptions(timeUnit: .day)).0
        for unit in [TimeUnit.week, .month, .year] {
            let other = try summarize(text, IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!), SummaryOptions(timeUnit: unit)).0
            #expect(other.repeatPurchases == days.repeatPurchases)
            for i in 0..<days.count {
                #expect(isClose(other.age[i] * unit.days, days.age[i], relative: 1e-12))
                #expect(isClose(other.recency[i] * unit.days, days.recency[i], relative: 1e-12))
            }
        }
    }

    @Test("the same log through CSV, TSV, semicolons, whitespace and JSON-quoted fields gives the same summary")
    func separators() throws {
        let log = RandomLog(seed: 11)
        let csv = log.csv(log.rows)
        let base = try summarize(csv).0
        for (sep, quote) in [("\t", false), (";", false), ("   ", false), (",", true)] {
            let lines = csv.split(separator: "\n").map { line in
                line.split(separator: ",").map { quote ? "\"\($0)\"" : String($0) }.joined(separator: sep)
            }
            let other = try summarize(lines.joined(separator: "\r\n") + "\r\n").0
            #expect(other.customerIDs == base.customerIDs)
            #expect(other.monetaryValue == base.monetaryValue)
        }
    }
}

@Suite("Fuzzing the reader")
struct FuzzTests {
    static let seeds = [
        "customer_id,date,amount\nA,2024-01-01,10\nA,2024-01-03,\"1,234.50\"\nB,2024/02/01,-5\n",
        "id;date;amount;order_id\n1;20240101;3,5;O1\n1;20240102;(2);O1\n",
        "  0001 19970101 1  11.77\r\n  0001 19970102 2  9.00\r\n",
        "客户ID,下单日期,实付金额\n会员1,2024年3月5日,￥88\n会员1,2024-03-05T10:00:00+08:00,12\n",
    ]

    @Test("random mutations never crash and never yield non-finite numbers (bounded: 3 s)")
    func mutations() throws {
        var rng = Xoshiro256(seed: 2026)
        let deadline = Date().addingTimeInterval(3)
        var runs = 0, accepted = 0
        let specials: [UInt8] = [0x22, 0x2C, 0x0A, 0x0D, 0x3B, 0x09, 0x20, 0x2D, 0x2E, 0x00, 0xFF, 0xE5, 0xA3, 0x30, 0x39]
        while Date() < deadline {
            var bytes = Array(Self.seeds[Int(rng.next() % UInt64(Self.seeds.count))].utf8)
            for _ in 0..<(1 + Int(rng.next() % 6)) {
                let position = bytes.isEmpty ? 0 : Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 5 {
                case 0 where !bytes.isEmpty: bytes[position] = specials[Int(rng.next() % UInt64(specials.count))]
                case 1: bytes.insert(specials[Int(rng.next() % UInt64(specials.count))], at: position)
                case 2 where !bytes.isEmpty: bytes.remove(at: position)
                case 3: bytes = Array(bytes.prefix(position))
                default: if !bytes.isEmpty { bytes[position] = UInt8(truncatingIfNeeded: rng.next()) }
                }
            }
            runs += 1
            for policy in [ErrorPolicy.stop, .skip] {
                var options = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
                options.onError = policy
                options.columns.order = rng.next() % 2 == 0 ? nil : .position(4)
                do {
                    let input = try MappedInput.fromBytes(bytes, name: "fuzz.csv")
                    let (table, report) = try TransactionLogReader.summarize(input, options: options)
                    accepted += 1
                    #expect(report.rowsUsed <= report.rowsRead)
                    for i in 0..<table.count {
                        #expect(table.repeatPurchases[i] >= 0)
                        #expect(table.recency[i] >= 0 && table.recency[i] <= table.age[i])
                        #expect(table.monetaryValue[i].isFinite && table.totalSpend[i].isFinite)
                    }
                } catch is IngestError {
                    // A clear error is a fine answer to garbage.
                }
            }
        }
        #expect(runs > 100)
        #expect(accepted > 0)
    }
}
