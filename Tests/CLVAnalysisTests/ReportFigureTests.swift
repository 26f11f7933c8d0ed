import CLVCore
@testable import CLVModels
import CLVIngest
import Testing
@testable import CLVAnalysis

@Suite("Report figures")
struct ReportFigureTests {
    @Test("the top customers are those of a stable descending sort, ties in position order", arguments: [1, 2, 3] as [UInt64])
    func topIndices(seed: UInt64) {
        var state = seed
        func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double((state >> 33) % 50) }
        let values = (0..<5000).map { _ in next() } // many ties
        let expected = Array(values.indices.sorted { values[$0] > values[$1] }.prefix(20))
        #expect(Analysis.topIndices(values, count: 20) == expected)
        #expect(Analysis.topIndices(Array(values.prefix(7)), count: 20) == values.prefix(7).indices.sorted { values[$0] > values[$1] })
        #expect(Analysis.topIndices([], count: 20).isEmpty)
    }

    @Test("the headline's top-fifth share of CLV is the share of the highest fifth, summed from the top down")
    func topFifthShare() {
        // One value of 2⁵³ among small ones: added to it from the top down, the ones are lost (2⁵³ + 1 rounds
        // to 2⁵³); summed from the bottom up first they count, so the order of summation shows in the result.
        var clv = (0..<1001).map { Double(($0 * 7919) % 1000) / 7 }
        for i in stride(from: 0, to: clv.count, by: 2) { clv[i] = 1 }
        clv[500] = 9_007_199_254_740_992
        let scores = CustomerScores(expectedTransactions: clv, probabilityAlive: clv.map { _ in 0.5 }, expectedSpend: nil, lifetimeValue: clv)
        var t = SummaryTable(frequency: .day, timeUnit: .week, observationEnd: CalendarDay(iso: "2025-01-01")!, calibrationEnd: nil,
                             hasMonetary: false)
        t.customerIDs = clv.indices.map { "C\($0)" }
        t.repeatPurchases = clv.map { _ in 1 }
        let h = AnalysisSummary.Headline(t, year: scores, month: scores, quarter: scores, clv: clv, hasValue: true)
        let sorted = clv.sorted(by: >)
        let expected = sorted.prefix(200).reduce(0, +) / sorted.reduce(0, +)
        #expect(h.top20CLVShare == expected)
        #expect(h.medianCLV == clv.sorted()[500])
    }
}
