import CLVCore
import CLVModels
import CLVNumerics
import CLVPredict
import Testing

func day(_ iso: String) -> CalendarDay { CalendarDay(iso: iso)! }

/// A seeded log: 300 customers, purchases and returns over three years, two channels, quantities.
func syntheticRows(seed: UInt64 = 5) -> TransactionRows {
    var rng = Xoshiro256(seed: seed)
    var customer: [Int32] = [], days: [Int32] = [], amount: [Double] = [], quantity: [Double] = [], channel: [Int32] = []
    let start = day("2022-01-01").daysSinceEpoch
    for i in 0..<300 {
        var d = start + Int32(rng.next() % 700)
        let rate = 1 / (20 + Double(rng.next() % 200))
        while d < start + 1095 {
            customer.append(Int32(i)); days.append(d)
            let a = Double(rng.next() % 20_000) / 100
            let isReturn = rng.next() % 17 == 0
            amount.append(isReturn ? -a / 2 : a); quantity.append(Double(1 + rng.next() % 4)); channel.append(Int32(rng.next() % 2))
            d += Int32(1 + Sampling.exponential(rate: rate, using: &rng))
            if rng.next() % 9 == 0 { break }
        }
    }
    return TransactionRows(customerIDs: (0..<300).map { "c\($0)" }, customer: customer, day: days, amount: amount,
                           quantity: quantity, channelNames: ["web", "store"], channel: channel)
}

@Suite("Churn features")
struct CustomerFeatureTests {
    /// Features at a cutoff come only from rows on or before it: the log cut at the cutoff gives the same features.
    @Test(arguments: ["2023-03-31", "2023-10-15", "2024-06-30"])
    func noFutureDataLeaks(cutoff: String) throws {
        let rows = syntheticRows()
        let full = try CustomerFeatures.build(rows, cutoff: day(cutoff))
        let cut = try CustomerFeatures.build(rows.through(day(cutoff)), cutoff: day(cutoff))
        #expect(full.customerIDs == cut.customerIDs)
        #expect(full.features == cut.features)
        #expect(cut.labels == nil, "the cut log cannot know the outcome")
        // And rows after the cutoff change only the labels: scramble them.
        var scrambled = rows
        for k in 0..<rows.count where rows.day[k] > day(cutoff).daysSinceEpoch { scrambled.amount[k] *= 3; scrambled.channel![k] = 1 }
        #expect(try CustomerFeatures.build(scrambled, cutoff: day(cutoff)).features == full.features)
    }

    @Test func modelScoresUseOnlyDataBeforeTheCutoff() throws {
        let rows = syntheticRows()
        var full = try CustomerFeatures.build(rows, cutoff: day("2023-10-15"))
        var cut = try CustomerFeatures.build(rows.through(day("2023-10-15")), cutoff: day("2023-10-15"))
        let model = try full.addModelScores(.bgnbd, horizonDays: 273)
        try cut.addModelScores(.bgnbd, horizonDays: 273)
        #expect(full.features == cut.features)
        let names = full.features.names
        #expect(names.suffix(2) == ["p_alive", "expected_purchases"])
        let alive = full.features.column(names.count - 2), expected = full.features.column(names.count - 1)
        #expect(alive.allSatisfy { $0 > 0 && $0 <= 1 } && expected.allSatisfy { $0 >= 0 })
        // The first customer's scores are the fitted model's at its (x, tₓ, T) in weeks.
        let i = 0, w = 7.0
        #expect(alive[i] == model.probabilityAlive(x: full.repeatPurchases[i], tx: full.recencySpan[i] / w, age: full.age[i] / w))
    }

    @Test func featuresByHand() throws {
        // a: buys 2024-01-01 (web, 2 items, 100), 2024-01-11 (store, 1 item, 50), returns 20 on 2024-01-12,
        //    buys 2024-03-01 (web, 1 item, 30); then 2024-05-01 (after the cutoff).
        // b: one purchase 2024-02-20 (store, 40). Cutoff 2024-03-31, horizon 60 days, trend window 30 days.
        let rows = TransactionRows(
            customerIDs: ["a", "b"], customer: [0, 0, 0, 0, 1, 0],
            day: ["2024-01-01", "2024-01-11", "2024-01-12", "2024-03-01", "2024-02-20", "2024-05-01"].map { day($0).daysSinceEpoch },
            amount: [100, 50, -20, 30, 40, 10], quantity: [2, 1, 1, 1, 1, 1], channelNames: ["web", "store"], channel: [0, 1, 1, 0, 1, 0])
        let f = try CustomerFeatures.build(rows, cutoff: day("2024-03-31"), dataEnd: day("2024-06-30"), options: FeatureOptions(horizonDays: 60, trendDays: 30))
        let names = f.features.names
        func value(_ row: Int, _ name: String) -> Double { f.features[row, names.firstIndex(of: name)!] }
        #expect(f.customerIDs == ["a", "b"])
        #expect(value(0, "recency_days") == 30 && value(0, "tenure_days") == 90 && value(0, "purchase_days") == 3)
        #expect(value(0, "net_spend") == 160 && value(0, "returns_share") == 20.0 / 180)
        // Gaps 10 and 50: mean 30, population sd 20, CV 2/3.
        #expect(value(0, "gap_mean_days") == 30 && abs(value(0, "gap_cv") - 2.0 / 3) < 1e-15 && value(0, "overdue_ratio") == 1)
        // Last 30 days (2024-03-01 … 03-31): 03-01 is 30 days before the cutoff, so outside (c − 30, c]; previous window holds nothing either.
        #expect(value(0, "purchases_last_30d") == 0 && value(0, "purchases_previous_30d") == 1 && value(0, "trend") == -1)
        #expect(value(0, "quantity_per_purchase_day") == 4.0 / 3 && value(0, "channel_count") == 2)
        #expect(value(0, "channel_share_web") == 2.0 / 3 && value(0, "channel_share_store") == 1.0 / 3)
        // b has one purchase: its gap is the median gap of repeat buyers (a: 30).
        #expect(value(1, "gap_mean_days") == 30 && value(1, "recency_days") == 40 && value(1, "overdue_ratio") == 40.0 / 30)
        #expect(f.labels == [0, 1], "a buys again within 60 days, b does not")
        let p = try CustomerFeatures.build(rows, cutoff: day("2024-03-31"), dataEnd: day("2024-06-30"), options: FeatureOptions(horizonDays: 60, target: .purchase))
        #expect(p.labels == [1, 0])
        #expect(f.repeatPurchases == [2, 0] && f.recencySpan == [60, 0] && f.age == [90, 40])
    }
}
