import CLVCore
import CLVHistory
import CLVIngest
import Foundation
import Testing
import _CLVTestSupport

/// Correctness: `clv summary` semantics against lifetimes 0.11.3 (goldens from Scripts/golden/summary_lifetimes.py).
@Suite("Summary matches lifetimes 0.11.3")
struct GoldenSummaryTests {
    static let goldenNames = [
        "cdnow_sample_D1", "cdnow_sample_D7", "cdnow_sample_W1", "cdnow_sample_obs_D7",
        "cdnow_sample_holdout_D7", "cdnow_sample_holdout_W1", "cdnow_master_D7",
        "synthetic_D1", "synthetic_D7", "synthetic_W1", "synthetic_holdout_D1", "gbk_small_D1",
        "transactions_D1", "transactions_D7", "transactions_holdout_D7",
    ]

    static func column(_ value: Any?) -> ColumnRef? {
        if let n = value as? Int { return .position(n) }
        if let s = value as? String { return .name(s) }
        return nil
    }

    static func golden(_ name: String) throws -> GoldenTable {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden"),
                               "missing golden \(name).json")
        return try GoldenTable(url: url)
    }

    /// The golden's options translated to ours.
    static func translate(_ golden: GoldenTable) -> (IngestOptions, SummaryOptions) {
        let o = golden.options
        let frequency: PeriodFrequency = (o["freq"] as? String) == "W" ? .week : .day
        let multiplier = (o["freq_multiplier"] as? Int) ?? 1
        let unit: TimeUnit = frequency == .week ? .week : (multiplier == 7 ? .week : .day)
        let day = { (v: Any?) in (v as? String).flatMap(CalendarDay.init(iso:)) }
        var options = IngestOptions(
            columns: ColumnMapping(customer: column(o["customer_column"]), date: column(o["date_column"]),
                                   amount: column(o["amount_column"])),
            hasHeader: (golden.input["header"] as? Bool) ?? true,
            asOf: CalendarDay(year: 2030, month: 1, day: 1)!)
        options.returns = .keep
        let summary = SummaryOptions(frequency: frequency, timeUnit: unit,
                                     observationEnd: day(o["observation_period_end"]),
                                     calibrationEnd: day(o["calibration_period_end"]))
        return (options, summary)
    }

    /// Reads the golden's input with the golden's options translated to ours.
    static func summarize(_ golden: GoldenTable) throws -> SummaryTable {
        let (options, summary) = translate(golden)
        return try TransactionLogReader.summarize(path: golden.inputURL.path, options: options, summary: summary).0
    }

    @Test("customer histories from one read give lifetimes' figures for every customer", arguments: goldenNames)
    func historiesMatchGolden(_ name: String) throws {
        let golden = try Self.golden(name)
        try #require(TestData.exists(golden.inputURL), "input \(golden.inputURL.path) is missing")
        let (options, summary) = Self.translate(golden)
        let batch = try TransactionLogReader.transactions(path: golden.inputURL.path, options: options)
        var book = CustomerBook()
        try book.apply(batch.transactions)
        let window = try SummaryWindow(asOf: try #require(summary.observationEnd ?? batch.report.lastDate),
                                       calibrationEnd: summary.calibrationEnd, frequency: summary.frequency,
                                       timeUnit: summary.timeUnit, returns: options.returns)
        let listed = book.summaries(window).summaries
        #expect(listed.count == golden.rowCount)
        let hasMonetary = golden.columns.contains(where: { $0.hasPrefix("monetary_value") })
        var mismatches: [String] = []
        for s in listed {
            guard let expected = golden.rows[s.customerID] else { mismatches.append("\(s.customerID): not in golden"); continue }
            var ours: [Double] = [Double(s.frequency), s.recency, s.T]
            if hasMonetary { ours.append(s.monetaryValue) }
            if let h = s.holdout {
                ours.append(Double(h.frequency))
                if hasMonetary { ours.append(h.monetaryValue) }
                ours.append(h.duration)
            }
            #expect(ours.count == expected.count)
            for (k, (a, b)) in zip(ours, expected).enumerated()
            where !isClose(a, b, relative: golden.relativeTolerance, absolute: golden.absoluteTolerance) {
                mismatches.append("\(s.customerID) \(golden.columns[k + 1]): ours \(a), lifetimes \(b)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(5))")
    }

    @Test("every customer and every column agrees", arguments: goldenNames)
    func matchesGolden(_ name: String) throws {
        let golden = try Self.golden(name)
        try #require(TestData.exists(golden.inputURL), "input \(golden.inputURL.path) is missing")
        let table = try Self.summarize(golden)
        #expect(table.count == golden.rowCount)
        let holdout = golden.columns.contains("frequency_holdout")
        var mismatches: [String] = []
        for i in 0..<table.count {
            let id = table.customerIDs[i]
            guard let expected = golden.rows[id] else { mismatches.append("\(id): not in golden"); continue }
            var ours: [Double] = [Double(table.repeatPurchases[i]), table.recency[i], table.age[i]]
            if golden.columns.contains(where: { $0.hasPrefix("monetary_value") }) { ours.append(table.monetaryValue[i]) }
            if holdout {
                ours.append(Double(table.holdoutFrequency![i]))
                ours.append(table.holdoutMonetaryValue![i])
                ours.append(table.holdoutDuration!)
            }
            for (k, (a, b)) in zip(ours, expected).enumerated()
            where !isClose(a, b, relative: golden.relativeTolerance, absolute: golden.absoluteTolerance) {
                mismatches.append("\(id) \(golden.columns[k + 1]): ours \(a), lifetimes \(b)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(5))")
    }

    @Test("the CDNOW 39-week calibration has the published 2357 customers")
    func cdnowCalibrationCustomers() throws {
        let url = TestData.shared("CDNOW_sample.txt")
        try #require(TestData.exists(url))
        let options = IngestOptions(columns: ColumnMapping(customer: .position(2), date: .position(3), amount: .position(5)),
                                    hasHeader: false)
        let (table, report) = try TransactionLogReader.summarize(
            path: url.path, options: options,
            summary: SummaryOptions(timeUnit: .week, observationEnd: CalendarDay(iso: "1998-06-30"),
                                    calibrationEnd: CalendarDay(iso: "1997-09-30")))
        #expect(table.count == 2357)
        #expect(report.rowsRead == 6919)
        #expect(report.separator == "whitespace")
        #expect(table.holdoutDuration == 39)
        // Published: 1,411 of 2,357 made no repeat purchase in the calibration period (FHL 2005).
        #expect(table.repeatPurchases.filter { $0 == 0 }.count == 1411)
    }
}
