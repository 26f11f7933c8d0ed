import CLVCore
import CLVNumerics
import CLVPredict
import Foundation
import Testing

@Suite("Early warning")
struct EarlyWarningTests {
    @Test func keyIndicatorAlertsByHand() throws {
        // a: every 10 days from 2024-01-01 to 2024-02-20 (gap 10), then silent: at 2024-03-31 40 days = 4× the gap.
        // b: 4 purchases of 100 in the previous 30-day window, 1 of 30 in the last one (spend −92.5%, days −75%).
        var day: [String] = [], customer: [Int32] = [], amount: [Double] = []
        for k in 0..<6 { day.append(CalendarDay(iso: "2024-01-01")!.adding(days: 10 * k).description); customer.append(0); amount.append(10) }
        for d in ["2024-02-05", "2024-02-12", "2024-02-19", "2024-02-26", "2024-03-20"] { day.append(d); customer.append(1); amount.append(d == "2024-03-20" ? 30 : 100) }
        let rows = TransactionRows(customerIDs: ["a", "b"], customer: customer, day: day.map { CalendarDay(iso: $0)!.daysSinceEpoch }, amount: amount)
        let set = try CustomerFeatures.build(rows, cutoff: CalendarDay(iso: "2024-03-31")!, options: FeatureOptions(trendDays: 30))
        let alerts = try KeyIndicatorAlerts.alerts(set)
        // a also bought twice (02-10, 02-20) in the previous window and never in the last: both drops are 100%.
        #expect(alerts.map { "\($0.customer) \($0.indicator.rawValue)" } == ["a overdue", "a spend_drop", "a frequency_drop", "b spend_drop", "b frequency_drop"])
        #expect(alerts[0].value == 4 && alerts[0].reason == "no purchase for 40 days, 4× the usual gap of 10 days")
        #expect(alerts[1].value == 1 && alerts[2].value == 1)
        #expect(abs(alerts[3].value - 0.925) < 1e-12 && alerts[4].value == 0.75)
        let strict = try KeyIndicatorAlerts.alerts(set, rules: AlertRules(overdueMultiple: 5, spendDrop: 0.95, frequencyDrop: 0.8))
        #expect(strict.map { "\($0.customer) \($0.indicator.rawValue)" } == ["a spend_drop", "a frequency_drop"])
    }

    @Test func deviationsArePoissonZScores() throws {
        let d = try DeviationDetection.deviations(customers: ["a", "b", "c", "d"], actual: [0, 3, 1, 9], expected: [4, 4, 0.2, 4], basis: .model)
        // a: (0 − 4)/2 = −2; b: −0.5 (not reported); c: expectation too small; d: (9 − 4)/2 = 2.5, largest first.
        #expect(d.map(\.customer) == ["d", "a"] && d.map(\.zScore) == [2.5, -2])
        let own = DeviationDetection.ownHistoryExpectation(purchaseDaysBefore: [10, 0], historyDaysBefore: [200, 50], windowDays: 90)
        #expect(own[0] == 4.5 && own[1].isNaN)
    }

    @Test func nearestNeighboursAreExact() throws {
        var rng = Xoshiro256(seed: 3)
        let n = 400, d = 3
        let values = (0..<n * d).map { _ in Double(rng.next() % 1000) / 10 }
        let reference = try FeatureTable(names: ["x", "y", "z"], values: values)
        let target = (0..<n).map { Double($0) }
        let model = try SimilarCustomerValue(reference: reference, values: target, k: 5)
        let queries = reference.rows(Array(0..<50))
        let predicted = try model.predict(queries)
        // Independent check: the same standardization done here, full sort of distances.
        var cols: [[Double]] = []
        for j in 0..<d {
            let c = reference.column(j)
            let m = c.reduce(0, +) / Double(n), sd = (c.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n)).squareRoot()
            cols.append(c.map { ($0 - m) / sd })
        }
        for q in 0..<50 {
            let order = (0..<n).sorted { a, b in
                let da = (0..<d).reduce(0.0) { $0 + pow(cols[$1][a] - cols[$1][q], 2) }
                let db = (0..<d).reduce(0.0) { $0 + pow(cols[$1][b] - cols[$1][q], 2) }
                return da < db || (da == db && a < b)
            }
            #expect(abs(predicted[q] - order.prefix(5).reduce(0) { $0 + target[$1] } / 5) < 1e-9, "query \(q)")
        }
        let one = try SimilarCustomerValue(reference: reference, values: target, k: 1)
        #expect(try one.predict(reference.rows([7, 123])) == [7, 123])
    }

    @Test("a reference sample smaller than k is refused (the missing neighbours would repeat reference 0)")
    func sampleSmallerThanK() throws {
        let reference = try FeatureTable(names: ["x"], values: (0..<50).map(Double.init))
        let target = (0..<50).map(Double.init)
        #expect(throws: PredictionError.self) { _ = try SimilarCustomerValue(reference: reference, values: target, k: 5, maxReferences: 3) }
        _ = try SimilarCustomerValue(reference: reference, values: target, k: 3, maxReferences: 3)
    }

    @Test func valueAccuracyByHand() {
        let a = ValueAccuracy(predicted: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], realized: [0, 2, 3, 4, 5, 6, 7, 8, 9, 20])
        #expect(a.meanAbsoluteError == 1.1 && abs(a.rootMeanSquaredError - (101.0 / 10).squareRoot()) < 1e-12)
        #expect(a.topDecileValueShare == 20.0 / 64)
        #expect(abs(a.correlation - 0.8773136840899868) < 1e-12, "numpy.corrcoef")
    }
}
