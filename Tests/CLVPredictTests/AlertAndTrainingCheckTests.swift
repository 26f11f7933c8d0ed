import CLVCore
import CLVPredict
import Foundation
import Testing

@Suite("Alerts of one-purchase customers; training class minimums")
struct AlertAndTrainingCheckTests {
    @Test("an overdue one-purchase customer is compared with the repeat customers' typical gap, not a usual gap of its own")
    func onePurchaseCustomerHasNoUsualGap() throws {
        // a: every 10 days from 2024-01-01 to 2024-02-20 (gap 10); b: one purchase on 2024-01-01, 90 days before the cutoff.
        var day: [String] = [], customer: [Int32] = []
        for k in 0..<6 { day.append(CalendarDay(iso: "2024-01-01")!.adding(days: 10 * k).description); customer.append(0) }
        day.append("2024-01-01"); customer.append(1)
        let rows = TransactionRows(customerIDs: ["a", "b"], customer: customer, day: day.map { CalendarDay(iso: $0)!.daysSinceEpoch },
                                   amount: [Double](repeating: 10, count: day.count))
        let set = try CustomerFeatures.build(rows, cutoff: CalendarDay(iso: "2024-03-31")!, options: FeatureOptions(trendDays: 30))
        let overdue = try KeyIndicatorAlerts.alerts(set).filter { $0.indicator == .overdue }
        #expect(overdue.map(\.customer) == ["a", "b"])
        #expect(overdue[0].reason == "no purchase for 40 days, 4× the usual gap of 10 days")
        #expect(overdue[1].value == 9)
        #expect(!overdue[1].reason.contains("usual gap"), "\(overdue[1].reason)")
        #expect(overdue[1].reason == "one purchase only, 90 days ago: 9× the typical gap of 10 days between purchases of repeat customers")
    }

    @Test("training is refused below 10 of a class and warned about below 50", arguments: [
        (17, 11, "refused"), (40, 9, "refused"), (100, 91, "refused"), (30, 15, "warned"), (200, 45, "warned"), (100, 50, "ok"),
    ])
    func trainingClassMinimum(rows: Int, positives: Int, outcome: String) throws {
        let check = { try TrainingClassCheck.check(rows: rows, positives: positives, classes: ("churned", "stayed"), context: "cutoff 2024-01-01") }
        switch outcome {
        case "refused":
            #expect(throws: PredictionError.self) { _ = try check() }
            do { _ = try check() } catch {
                #expect("\(error)".contains("\(rows) training rows (cutoff 2024-01-01): \(positives) churned, \(rows - positives) stayed"))
                #expect("\(error)".contains("at least 10 of each class"))
            }
        case "warned":
            let warning = try #require(try check())
            #expect(warning.hasPrefix("warning: only \(rows) training rows") && warning.contains("fewer than 50"))
        default:
            #expect(try check() == nil)
        }
    }
}
