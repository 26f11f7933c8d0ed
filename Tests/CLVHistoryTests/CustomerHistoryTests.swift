import CLVCore
import CLVHistory
import Foundation
import Testing
import _CLVTestSupport

private func day(_ iso: String) -> CalendarDay { CalendarDay(iso: iso)! }
private func money(_ text: String) -> Money { Money(exactly: Double(text)!)! }

private func purchase(_ c: String, _ d: String, _ amount: String, order: String? = nil, channel: String? = nil,
                      quantity: Double? = nil, sequence: Int64 = 0) -> Transaction {
    Transaction(customerID: c, day: day(d), amount: money(amount), orderID: order, quantity: quantity.flatMap(Quantity.init(rounding:)),
                channel: channel, sequence: sequence)
}

@Suite("Money")
struct MoneyTests {
    @Test("decimal text of up to six places is exact; a seventh is refused by init(exactly:) and rounded by init(rounding:)")
    func exactness() {
        #expect(Money(exactly: 12.34)?.micros == 12_340_000)
        #expect(Money(exactly: 0.000001)?.micros == 1)
        #expect(Money(exactly: -19.99)?.micros == -19_990_000)
        #expect(Money(exactly: 0.1234567) == nil)
        #expect(Money(rounding: 0.1234567)?.micros == 123_457)
        #expect(Money(rounding: .nan) == nil)
        #expect(Money(rounding: 1e20) == nil)
        #expect(Money(micros: 12_500_000).description == "12.5")
        #expect(Money(micros: -1).description == "-0.000001")
    }

    @Test("sums of micro-units are the same in any order (doubles are not)")
    func orderIndependent() {
        let values = [0.1, 0.2, 0.3, 1e6, 0.7, 3.33]
        let forward = values.map { Money(exactly: $0)! }.reduce(Money.zero, +)
        let backward = values.reversed().map { Money(exactly: $0)! }.reduce(Money.zero, +)
        #expect(forward == backward)
        #expect(values.reduce(0, +) != values.reversed().reduce(0, +)) // why integer units are needed
    }
}

@Suite("Customer history")
struct CustomerHistoryTests {
    @Test("summary figures follow lifetimes: periods, recency, T, monetary value without the first period")
    func basicSummary() throws {
        var h = CustomerHistory(customerID: "A")
        for t in [purchase("A", "2024-01-01", "10"), purchase("A", "2024-01-01", "5"), purchase("A", "2024-01-08", "20"),
                  purchase("A", "2024-01-20", "30")] {
            try h.apply(t)
        }
        let s = try #require(try h.summary(asOf: day("2024-01-31")))
        #expect(s.frequency == 2)
        #expect(s.recency == 19)
        #expect(s.T == 30)
        #expect(s.monetaryValue == 25)
        #expect(s.orders == 4)
        #expect(s.totalSpend == money("65"))
        #expect(s.daysSinceLastPurchase == 11)
        #expect(s.timeUnit == .day)
        let weekly = try #require(try h.summary(asOf: day("2024-01-31"), frequency: .week, timeUnit: .week))
        #expect(weekly.frequency == 2) // weeks of 2024-01-01, 01-08, 01-15
        #expect(weekly.recency == 2)
        #expect(weekly.T == 4)
    }

    @Test("returns net into the named order, else the same period, else the latest earlier purchase; never across the split")
    func returnNetting() throws {
        var h = CustomerHistory(customerID: "A")
        for t in [purchase("A", "2024-01-01", "100", order: "O1"), purchase("A", "2024-01-05", "50", order: "O2"),
                  purchase("A", "2024-01-05", "-10", order: "O1"), // names O1: nets into Jan 1, the first period
                  purchase("A", "2024-01-07", "-5"), // no order: latest earlier purchase, Jan 5
                  purchase("A", "2023-12-01", "-7"), // before any purchase: unmatched
                  purchase("A", "2024-02-10", "40"), purchase("A", "2024-02-11", "-20", order: "O2")] { // holdout return of a calibration order
            try h.apply(t)
        }
        let s = try #require(try h.summary(asOf: day("2024-02-29"), calibrationEnd: day("2024-01-31")))
        #expect(s.totalSpend == money("135"))
        #expect(s.monetaryValue == 45) // Jan 5: 50 − 5; Jan 1 (first) is 100 − 10
        #expect(s.returnsNetted == 2)
        #expect(s.returnsUnmatched == 2)
        let holdout = try #require(s.holdout)
        #expect(holdout.frequency == 1)
        #expect(holdout.monetaryValue == 40)
        let kept = try #require(try h.summary(asOf: day("2024-02-29"), calibrationEnd: day("2024-01-31"), returns: .keep))
        #expect(kept.frequency == 3) // Dec 1 becomes the first purchase period
        #expect(kept.holdout?.monetaryValue == 10) // (40 − 20) / 2 rows
        let dropped = try #require(try h.summary(asOf: day("2024-02-29"), calibrationEnd: day("2024-01-31"), returns: .drop))
        #expect(dropped.totalSpend == money("150"))
    }

    @Test("the acquisition channel is the first purchase's, within a day the lowest sequence, whatever the order applied")
    func acquisitionChannel() throws {
        let ts = [purchase("A", "2024-01-02", "1", channel: "web", sequence: 5),
                  purchase("A", "2024-01-01", "1", channel: "store", sequence: 9),
                  purchase("A", "2024-01-01", "1", channel: "app", sequence: 7),
                  purchase("A", "2024-01-01", "1", sequence: 1)]
        var forward = CustomerHistory(customerID: "A"), backward = CustomerHistory(customerID: "A")
        for t in ts { try forward.apply(t) }
        for t in ts.reversed() { try backward.apply(t) }
        #expect(forward == backward)
        let s = try #require(forward.summary(try SummaryWindow(asOf: day("2024-01-31"))))
        #expect(s.acquisitionChannel == "app")
        #expect(s.channelCount == 3)
    }

    @Test("refusals leave the history unchanged: another customer, an order on two days, a calibration end after the as-of date")
    func refusals() throws {
        var h = CustomerHistory(customerID: "A")
        try h.apply(purchase("A", "2024-01-01", "10", order: "O1"))
        let before = h
        #expect(throws: HistoryError.otherCustomer(expected: "A", found: "B")) { try h.apply(purchase("B", "2024-01-01", "1")) }
        #expect(throws: HistoryError.self) { try h.apply(purchase("A", "2024-01-02", "1", order: "O1")) }
        #expect(h == before)
        #expect(throws: HistoryError.self) { try h.summary(asOf: day("2024-01-01"), calibrationEnd: day("2024-01-01")) }
        #expect(HistoryError.conflictingOrder(customerID: "A", orderID: "O1", firstDay: day("2024-01-01"), otherDay: day("2024-01-02"))
            .category.exitCode == 65)
    }

    static func sample() throws -> CustomerHistory {
        var h = CustomerHistory(customerID: "会员0012")
        for t in [purchase("会员0012", "2024-03-05", "12.5", order: "A-1", channel: "微信", quantity: 2, sequence: 3),
                  purchase("会员0012", "2024-03-05", "0.25", order: "A-1", channel: "web", sequence: 4),
                  purchase("会员0012", "2024-04-01", "99.999999", channel: "web", quantity: 1.5, sequence: 8),
                  purchase("会员0012", "2024-04-02", "-3", order: "A-1", channel: "微信", sequence: 9),
                  purchase("会员0012", "2023-01-01", "-1", sequence: 1)] {
            try h.apply(t)
        }
        return h
    }

    @Test("a window's JSON form round-trips, and one whose calibration end is not before its as-of date is refused")
    func windowCoding() throws {
        let w = try SummaryWindow(asOf: day("2024-06-30"), calibrationEnd: day("2024-03-31"), frequency: .week, timeUnit: .week)
        let json = try JSONEncoder().encode(w)
        #expect(try JSONDecoder().decode(SummaryWindow.self, from: json) == w)
        let bad = Data(String(decoding: json, as: UTF8.self).replacingOccurrences(of: "2024-03-31", with: "2024-07-31").utf8)
        #expect(throws: HistoryError.self) { try JSONDecoder().decode(SummaryWindow.self, from: bad) }
    }

    @Test("binary and JSON forms round-trip exactly")
    func roundTrip() throws {
        let h = try Self.sample()
        let bytes = h.encoded()
        #expect(Array(bytes.prefix(5)) == Array("CLVH".utf8) + [1])
        #expect(try CustomerHistory(encoded: bytes) == h)
        let json = try JSONEncoder().encode(h)
        #expect(try JSONDecoder().decode(CustomerHistory.self, from: json) == h)
        #expect(String(decoding: json, as: UTF8.self).contains("\"purchase_days\""))
    }

    @Test("damaged binary forms are refused: unknown version, wrong magic, truncated, trailing bytes, broken invariants")
    func damagedBinary() throws {
        let bytes = try Self.sample().encoded()
        var newer = bytes
        newer[4] = 2
        #expect(throws: HistoryError.unsupportedVersion(found: 2, supported: 1)) { try CustomerHistory(encoded: newer) }
        var magic = bytes
        magic[0] = UInt8(ascii: "X")
        #expect(throws: HistoryError.self) { try CustomerHistory(encoded: magic) }
        for cut in [5, 10, bytes.count / 2, bytes.count - 1] {
            #expect(throws: HistoryError.self) { try CustomerHistory(encoded: bytes.prefix(cut)) }
        }
        #expect(throws: HistoryError.self) { try CustomerHistory(encoded: bytes + [0]) }
        // Two purchase days swapped in the JSON form break the day order.
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(Self.sample())) as! [String: Any]
        json["purchase_days"] = Array((json["purchase_days"] as! [Any]).reversed())
        let edited = try JSONSerialization.data(withJSONObject: json)
        #expect(throws: HistoryError.self) { try JSONDecoder().decode(CustomerHistory.self, from: edited) }
    }

    @Test("the estimated cost is the documented bytes per customer plus per purchase day")
    func cost() throws {
        var h = CustomerHistory(customerID: "C000001")
        try h.apply(purchase("C000001", "2024-01-01", "10"))
        let one = h.estimatedByteCount
        for k in 2...64 { try h.apply(purchase("C000001", CalendarDay(daysSinceEpoch: day("2024-01-01").daysSinceEpoch + Int32(k)).description, "10")) }
        let perDay = Double(h.estimatedByteCount - one) / 63
        #expect(MemoryLayout<CustomerHistory>.stride == 64)
        #expect(MemoryLayout<CustomerHistory.PurchaseDay>.stride == 32)
        #expect(perDay >= 32 && perDay < 48, "\(perDay) bytes per purchase day")
    }
}

@Suite("Documentation")
struct DocumentationTests {
    @Test("every public declaration of every library module has a doc comment (Scripts/check-doc-comments.py)",
          .enabled(if: ScriptRunner.hasPython, "needs python3"))
    func docComments() throws {
        let (status, output) = try ScriptRunner.python("Scripts/check-doc-comments.py", ["--modules", LibraryHygieneTests.libraryModules.joined(separator: ","), "--max", "0"])
        #expect(status == 0, "\(output)")
    }
}

@Suite("Library hygiene")
struct LibraryHygieneTests {
    static let libraryModules = ["CLVCore", "CLVHistory", "CLVAnalysis", "CLVIngest", "CLVIO", "CLVNumerics", "CLVModels", "CLVSegments", "CLVPredict",
                                 "CLVReport", "CLVExcel", "CLVSimulation", "_CLVUtilities"]

    @Test("no library module reads environment variables or writes to stdout/stderr (the CLI does, and passes options)")
    func noEnvironmentNoPrinting() throws {
        var offenders: [String] = []
        for module in Self.libraryModules {
            let dir = TestData.repository("Sources/\(module)")
            let files = try #require(FileManager.default.enumerator(atPath: dir.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
            #expect(!files.isEmpty, "\(module) has no sources")
            for file in files {
                let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
                for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let code = line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                    if code.contains("processInfo.environment") || code.contains("FileHandle.standardError")
                        || code.contains("FileHandle.standardOutput") || code.range(of: #"(^|[^A-Za-z_.])print\("#, options: .regularExpression) != nil {
                        offenders.append("\(module)/\(file):\(n + 1)")
                    }
                }
            }
        }
        #expect(offenders.isEmpty, "\(offenders)")
    }
}
