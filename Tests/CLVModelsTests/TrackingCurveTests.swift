import CLVCore
import CLVIngest
import CLVModels
import Foundation
import Testing
import _CLVTestSupport

/// The tracking curve of `clv validate` against lifetimes 0.11.3's `expected_cumulative_transactions`
/// (golden from Scripts/golden/tracking_lifetimes.py). Convention: a customer whose first purchase is on day b has
/// k + 1 − b days of exposure at the end of day k, the birth day counted in full, as in lifetimes and BTYD.
@Suite("Tracking curve agrees with lifetimes' expected_cumulative_transactions")
struct TrackingCurveTests {
    static func table() throws -> SummaryTable {
        let url = TestData.shared("CDNOW_sample.txt")
        try #require(TestData.exists(url), "the CDNOW sample is missing at \(url.path)")
        let options = IngestOptions(columns: ColumnMapping(customer: .position(2), date: .position(3), amount: .position(5)),
                                    hasHeader: false)
        var summary = SummaryOptions(timeUnit: .week, observationEnd: CalendarDay(iso: "1998-06-30"),
                                     calibrationEnd: CalendarDay(iso: "1997-09-30"))
        summary.trackRepeatPurchases = true
        return try TransactionLogReader.summarize(path: url.path, options: options, summary: summary).0
    }

    static func numbers(_ any: Any?) throws -> [Double] {
        try #require(any as? [NSNumber], "missing number list").map(\.doubleValue)
    }

    @Test("same first-purchase days, same actual curve, same predictions at the same parameters (1e-9)",
          arguments: ["bgnbd_weekly", "pnbd_weekly", "bgnbd_daily"])
    func agrees(_ section: String) throws {
        let g = try ModelGolden("tracking_cdnow")
        let t = try Self.table()
        let start = try #require(t.trackingStart)
        #expect(start.description == g.json["start"] as? String)
        let days = try #require(g.json["days"] as? Int)
        let daily = try #require(t.repeatPurchasesByDay)
        #expect(daily.count == days)

        let births = try g.object("first_purchases")
        var ours: [String: Int] = [:]
        for day in t.firstPurchase { ours[day.description, default: 0] += 1 }
        let theirs = Dictionary(uniqueKeysWithValues: zip(try #require(births["day"] as? [String]),
                                                          try #require(births["customers"] as? [Int])))
        #expect(ours == theirs)

        let s = try g.object(section)
        let p = try #require(s["parameters"] as? [String: Double])
        let unitName = try #require(s["time_unit"] as? String)
        let unit = try #require(TimeUnit(rawValue: unitName))
        let step = try #require(s["freq_multiplier"] as? Int)
        let model: any TransactionModel = section.hasPrefix("pnbd")
            ? try ParetoNBDModel(parameters: .init(r: p["r"]!, alpha: p["alpha"]!, s: p["s"]!, beta: p["beta"]!))
            : try BGNBDModel(parameters: .init(r: p["r"]!, alpha: p["alpha"]!, a: p["a"]!, b: p["b"]!))
        let curve = model.expectedCumulativeRepeatPurchases(firstPurchases: t.firstPurchase, start: start, days: days, timeUnit: unit)
        var running = 0.0, actual: [Double] = []
        for c in daily { running += Double(c); actual.append(running) }
        let predicted = try Self.numbers(s["predicted"]), expectedActual = try Self.numbers(s["actual"])
        #expect(predicted.count == days / step && expectedActual.count == days / step)
        for (j, (value, actualValue)) in zip(predicted, expectedActual).enumerated() {
            let k = step * (j + 1) - 1 // end of day k since the first day of the data
            #expect(isClose(curve[k], value, relative: 1e-9), "\(section) row \(j): \(curve[k]) vs \(value)")
            #expect(actual[k] == actualValue, "\(section) actual row \(j)")
        }
    }
}
