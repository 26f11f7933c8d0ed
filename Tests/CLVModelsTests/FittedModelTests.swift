import CLVCore
import CLVHistory
import CLVIngest
import CLVModels
import Foundation
import Testing
import _CLVTestSupport

/// Fitted models on the bundled example log (weeks, day periods), with a Gamma-Gamma spend model.
enum ExampleFits {
    static let table: SummaryTable = {
        let path = TestData.repository("Examples/transactions.csv").path
        return try! TransactionLogReader.summarize(path: path, options: IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!),
                                                   summary: SummaryOptions(timeUnit: .week)).0
    }()

    static func fitted(_ kind: TransactionModelKind) throws -> FittedModel {
        let t = table
        let cells = try RFMCells(frequency: t.repeatPurchases.map(Double.init), recency: t.recency, age: t.age)
        let (_, report) = try kind.modelType.fit(cells: cells, options: FitOptions())
        let spendCells = try GammaGammaModel.SpendCells(frequency: t.repeatPurchases.map(Double.init), meanValue: t.monetaryValue)
        let (_, spendReport) = try GammaGammaModel.fit(spendCells)
        let modelKind: ModelKind = kind == .bgnbd ? .bgnbd : kind == .mbgnbd ? .mbgnbd : .pnbd
        let file = ModelFile(fit: .init(kind: modelKind, report: report), spendModel: .init(kind: .gg, report: spendReport),
                             timeUnit: .week,
                             data: .init(customers: t.count, repeatCustomers: 0, distinctHistories: cells.count, frequency: "day",
                                         observationEnd: nil, calibrationEnd: nil, source: nil))
        return try FittedModel(file: file)
    }
}

@Suite("A fitted model scores one customer as the batch does")
struct FittedModelTests {
    static func close(_ a: Double?, _ b: Double?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return abs(a - b) <= 1e-12 * max(1, abs(b))
    }

    @Test("one at a time = batch, for every customer, every model, finite and infinite horizons",
          arguments: [(TransactionModelKind.bgnbd, "1y"), (.mbgnbd, "26w"), (.pnbd, "90d"), (.pnbd, "infinite")])
    func singleEqualsBatch(_ kind: TransactionModelKind, _ horizon: String) throws {
        let m = try ExampleFits.fitted(kind)
        let t = ExampleFits.table
        let options = ScoringOptions(horizon: ScoringHorizon(parsing: horizon)!, annualDiscountRate: 0.12, margin: 0.3,
                                     aliveAfter: ScoringHorizon(13, .week))
        let batch = try m.score(customerIDs: t.customerIDs, frequency: t.repeatPurchases, recency: t.recency, T: t.age,
                                monetaryValue: t.monetaryValue, options: options)
        var bad: [String] = []
        for i in 0..<t.count {
            let s = try m.score(frequency: Int(t.repeatPurchases[i]), recency: t.recency[i], T: t.age[i],
                                monetaryValue: t.monetaryValue[i], timeUnit: .week, options: options)
            if !Self.close(s.expectedPurchases, batch.expectedPurchases[i]) || !Self.close(s.probabilityAlive, batch.probabilityAlive[i])
                || !Self.close(s.expectedSpend, batch.expectedSpend?[i]) || !Self.close(s.lifetimeValue, batch.lifetimeValue?[i])
                || !Self.close(s.probabilityAliveAfter, batch.probabilityAliveAfter?[i]) {
                bad.append(t.customerIDs[i])
            }
        }
        #expect(bad.isEmpty, "\(bad.count) customers differ, first \(bad.prefix(3))")
        #expect(batch.lifetimeValue?.allSatisfy { $0 > 0 && $0.isFinite } == true)
    }

    @Test("units are checked: a summary in days scores as the same summary in weeks; another period is refused")
    func units() throws {
        let m = try ExampleFits.fitted(.bgnbd)
        let weeks = try m.score(frequency: 3, recency: 20, T: 52, monetaryValue: 40, timeUnit: .week)
        let days = try m.score(frequency: 3, recency: 140, T: 364, monetaryValue: 40, timeUnit: .day)
        #expect(Self.close(days.probabilityAlive, weeks.probabilityAlive))
        #expect(Self.close(days.lifetimeValue, weeks.lifetimeValue))
        var h = CustomerHistory(customerID: "A")
        try h.apply(Transaction(customerID: "A", day: CalendarDay(iso: "2024-01-01")!, amount: Money(micros: 5_000_000)))
        try h.apply(Transaction(customerID: "A", day: CalendarDay(iso: "2024-02-01")!, amount: Money(micros: 7_000_000)))
        let weekly = try #require(try h.summary(asOf: CalendarDay(iso: "2024-06-30")!, frequency: .week, timeUnit: .week))
        #expect(throws: ModelError.self) { try m.score(weekly) }
        let daily = try #require(try h.summary(asOf: CalendarDay(iso: "2024-06-30")!, frequency: .day, timeUnit: .day))
        let s = try m.score(daily)
        let direct = try m.score(frequency: 1, recency: 31.0 / 7, T: 181.0 / 7, monetaryValue: 7, timeUnit: .week)
        #expect(Self.close(s.lifetimeValue, direct.lifetimeValue))
        #expect(throws: ModelError.self) { try m.score(frequency: 1, recency: 5, T: 4, monetaryValue: 1, timeUnit: .week) }
    }

    @Test("an infinite horizon without a closed form is a usage error, raised by validate before any input")
    func infiniteHorizon() throws {
        let m = try ExampleFits.fitted(.bgnbd)
        let options = ScoringOptions(horizon: .infinite)
        #expect(throws: ModelError.self) { try m.validate(options) }
        do { try m.validate(options) } catch let e as ModelError { #expect(e.category.exitCode == 64) }
        try ExampleFits.fitted(.pnbd).validate(options)
    }

    @Test("frozen value cut points give a customer scored alone the decile of the population ranking")
    func cutPoints() throws {
        var m = try ExampleFits.fitted(.pnbd)
        let t = ExampleFits.table
        let batch = try m.score(customerIDs: t.customerIDs, frequency: t.repeatPurchases, recency: t.recency, T: t.age,
                                monetaryValue: t.monetaryValue)
        let clv = try #require(batch.lifetimeValue)
        m.freezeValueCutPoints(clv)
        let ranked = FittedModel.valueDeciles(clv)
        let cuts = try #require(m.valueCutPoints)
        var ties = 0
        for i in 0..<t.count {
            let s = try m.score(frequency: Int(t.repeatPurchases[i]), recency: t.recency[i], T: t.age[i],
                                monetaryValue: t.monetaryValue[i], timeUnit: .week)
            let decile = try #require(s.valueDecile)
            guard decile != ranked[i] else { continue }
            // Customers tied at a cut point are split by position in the ranking; alone they take the better decile.
            #expect(cuts.contains(clv[i]) && decile < ranked[i], "customer \(t.customerIDs[i]): \(decile) vs \(ranked[i])")
            ties += 1
        }
        #expect(ties < t.count / 20)
        // One ranking for both gives what the two calls give (ties included).
        let both = FittedModel.valueDecilesWithCutPoints(clv)
        #expect(both.deciles == ranked)
        #expect(both.cutPoints == FittedModel.valueCutPoints(of: clv))
        let tied = (0..<997).map { Double($0 % 13) }
        #expect(FittedModel.valueDecilesWithCutPoints(tied).deciles == FittedModel.valueDeciles(tied))
        #expect(FittedModel.valueDecilesWithCutPoints(tied).cutPoints == FittedModel.valueCutPoints(of: tied))
        // Distinct values: every decile agrees.
        var distinct = m
        let values = (0..<1000).map { Double(($0 * 7919) % 1000) + 0.5 } // 7919 is prime to 1000: a permutation
        distinct.freezeValueCutPoints(values)
        let expected = FittedModel.valueDeciles(values)
        #expect(values.indices.allSatisfy { distinct.valueDecile(of: values[$0]) == expected[$0] })
        // The cut points travel in the model file and are checked when it is read.
        let data = try m.modelFile.encoded()
        #expect(try FittedModel(modelFileData: data).valueCutPoints == m.valueCutPoints)
        var json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        json["value_cut_points"] = [1.0, 2.0]
        #expect(throws: ModelError.self) { try FittedModel(modelFileData: JSONSerialization.data(withJSONObject: json)) }
    }
}

@Suite("Fits stop when their cancellation token is set")
struct FitCancellationTests {
    @Test("a cancelled fit throws CancellationError; the same fit without the flag converges")
    func cancelledFit() throws {
        let t = ExampleFits.table
        let cells = try RFMCells(frequency: t.repeatPurchases.map(Double.init), recency: t.recency, age: t.age)
        var options = FitOptions()
        options.cancellation = CancellationToken()
        options.cancellation?.cancel()
        #expect(throws: CancellationError.self) { _ = try ParetoNBDModel.fit(cells, options: options) }
        options.cancellation = CancellationToken()
        #expect(try ParetoNBDModel.fit(cells, options: options).report.converged)
    }
}
