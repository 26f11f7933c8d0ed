import CLVNumerics
import CLVSegments
import Testing

/// A seeded customer base with ties, one-time buyers, a few very large spenders and zero spend.
func syntheticMetrics(_ n: Int, seed: UInt64 = 11) throws -> CustomerMetrics {
    var rng = Xoshiro256(seed: seed)
    var ids: [String] = [], rec: [Double] = [], orders: [Double] = [], spend: [Double] = [], tenure: [Double] = []
    for i in 0..<n {
        ids.append("C\(String(i * 7919 % 100_003))")
        let o = Double(1 + Int(Sampling.exponential(rate: 0.4, using: &rng)))
        let t = Double(Int(Sampling.exponential(rate: 1 / 400, using: &rng))) + 1
        let r = o == 1 ? t : Double(Int(t * Double(rng.next() % 1000) / 1000))
        let s = i % 97 == 0 ? 0 : (o * Sampling.gamma(shape: 2, rate: 0.04, using: &rng)).rounded() * (i % 211 == 0 ? 50 : 1)
        ids[i] = ids[i]; rec.append(r); orders.append(o); spend.append(s); tenure.append(t)
    }
    return try CustomerMetrics(ids: ids, recencyDays: rec, orders: orders, spend: spend, tenureDays: tenure)
}

@Suite("Segmentation rules")
struct SegmentRuleTests {
    @Test func ntileBucketSizesFollowSQL() {
        // 11 rows in 4 tiles: SQL gives 3, 3, 3, 2.
        let b = Ntile.buckets((0..<11).map(Double.init), ids: (0..<11).map { "c\($0)" }, tiles: 4)
        #expect(b == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4])
        // Fewer rows than tiles: one row per bucket.
        #expect(Ntile.buckets([5, 1, 3], ids: ["a", "b", "c"], tiles: 5) == [3, 1, 2])
        // Ties split across a boundary are ordered by id; descending puts the largest first.
        #expect(Ntile.buckets([1, 1, 1, 1], ids: ["d", "b", "c", "a"], tiles: 2) == [2, 1, 2, 1])
        #expect(Ntile.buckets([10, 20, 30, 40], ids: ["a", "b", "c", "d"], tiles: 2, descending: true) == [2, 2, 1, 1])
    }

    @Test func equalValuesShareAScore() {
        let s = Ntile.equalValuesShareScore([1, 1, 1, 1, 2, 3], tiles: 3)
        #expect(s == [1, 1, 1, 1, 3, 3])
    }

    @Test func quantilesInterpolateLikeNumPy() {
        // numpy.quantile([1, 2, 3, 4], [0.25, 0.5, 0.9]) = 1.75, 2.5, 3.7
        #expect(Quantiles.quantile([4, 1, 3, 2], 0.25) == 1.75)
        #expect(Quantiles.quantile([4, 1, 3, 2], 0.5) == 2.5)
        #expect(abs(Quantiles.quantile([4, 1, 3, 2], 0.9) - 3.7) < 1e-12)
        #expect(Quantiles.capped([1, 2, 3, 100], atQuantile: 0.5) == [1, 2, 2.5, 2.5])
    }

    @Test func selectionQuantileEqualsTheSortedOne() {
        var rng = Xoshiro256(seed: 4)
        for n in [1, 2, 3, 10, 101, 1000] {
            let values = (0..<n).map { _ in Double(rng.next() % 17) + (rng.next() % 3 == 0 ? 0.5 : 0) }
            let sorted = values.sorted()
            for p in [0, 0.01, 0.25, 0.5, 0.77, 0.99, 1] {
                #expect(Quantiles.quantile(values, p) == Quantiles.quantile(sorted: sorted, p), "n \(n) p \(p)")
            }
        }
    }

    @Test func thresholdScoresUseInclusiveCuts() {
        #expect(ThresholdScoring.descending([0, 30, 31, 365, 366], cuts: [30, 90, 180, 365]) == [5, 5, 4, 2, 1])
        #expect(ThresholdScoring.ascending([1, 2, 4, 5, 100], cuts: [2, 3, 5, 10]) == [1, 2, 3, 4, 5])
    }

    /// Every customer is in exactly one segment and it is the one its high/low position names.
    @Test(arguments: [RFMSplitBasis.values, .scores], [SplitReference.mean, .median])
    func rfmSegmentsMatchTheirRules(basis: RFMSplitBasis, reference: SplitReference) throws {
        let m = try syntheticMetrics(3000)
        let result = try RFMSegmentation.segment(m, options: RFMOptions(basis: basis, reference: reference))
        #expect(result.segmentation.assignment.count == m.count)
        #expect(result.segmentation.sizes.reduce(0, +) == m.count)
        let cap = try #require(result.monetaryCap)
        #expect(cap == Quantiles.quantile(m.spend, 0.99))
        for i in 0..<m.count {
            let key = result.segmentation.segment(of: i).key
            let (rv, fv, mv) = basis == .values
                ? (m.recencyDays[i], m.orders[i], min(m.spend[i], cap))
                : (Double(result.recencyScore[i]), Double(result.frequencyScore[i]), Double(result.monetaryScore[i]))
            let recent = basis == .values ? rv < result.references.recency : rv > result.references.recency
            let frequent = fv > result.references.frequency, big = mv > result.references.monetary
            let expected = (big ? "important_" : "general_")
                + (recent ? (frequent ? "value" : "development") : (frequent ? "retention" : "win_back"))
            #expect(key == expected, "customer \(i)")
        }
        // Recent customers must score R at least as high as anyone who bought longer ago.
        let order = (0..<m.count).sorted { m.recencyDays[$0] < m.recencyDays[$1] }
        for (a, b) in zip(order, order.dropFirst()) where m.recencyDays[a] < m.recencyDays[b] {
            #expect(result.recencyScore[a] >= result.recencyScore[b])
        }
        #expect(Set(result.segmentation.segments.map(\.name.chinese)).contains("重要价值客户"))
    }

    @Test func valueMatrixQuadrants() throws {
        let m = try syntheticMetrics(2000)
        let (seg, fr, ar) = try ValueMatrix.segment(m)
        #expect(fr == m.orders.reduce(0, +) / Double(m.count))
        let aov = m.averageOrderValue
        #expect(ar == aov.reduce(0, +) / Double(m.count))
        for i in 0..<m.count {
            let expected = m.orders[i] > fr ? (aov[i] > ar ? "best" : "frequent") : (aov[i] > ar ? "spender" : "uncertain")
            #expect(seg.segment(of: i).key == expected)
        }
        #expect(seg.segments.map(\.name.chinese) == ["优质型", "经常型", "消费型", "不确定型"])
    }

    @Test func abcByCustomerShare() throws {
        let values: [Double] = [5, 100, 7, 100, 0, 3, 50, 1, 2, 9]
        let ids = (0..<10).map { "c\($0)" }
        let seg = try ABCClassification.classify(value: values, ids: ids, cuts: (0.2, 0.5))
        // Ranked: 100 (c1), 100 (c3), 50 (c6), 9 (c9), 7 (c2), 5, 3, 2, 1, 0 → A: c1, c3; B: c6, c9, c2; C: the rest.
        #expect(seg.assignment.map { seg.segments[Int($0)].key }.joined() == "CABACCBCCB")
        let fiveTies = try ABCClassification.classify(value: [1, 1, 1, 1, 1], ids: ["e", "d", "c", "b", "a"], cuts: (0.2, 0.4))
        #expect(fiveTies.assignment == [2, 2, 2, 1, 0])
    }

    @Test func abcByValueShare() throws {
        // Total 200: 100 is 50%, with 60 → 80%, 30 → 95%, 10 → 100%.
        let seg = try ABCClassification.classify(value: [10, 100, 30, 60, -5], ids: ["a", "b", "c", "d", "e"],
                                                 cuts: (0.8, 0.95), basis: .value)
        // Before b: 0% → A; before d: 50% → A; before c: 80% → B; before a: 95% → C; e adds nothing → C.
        #expect(seg.assignment == [2, 0, 1, 0, 2])
        #expect(throws: SegmentationError.self) { try ABCClassification.classify(value: [1], ids: ["a"], cuts: (0.5, 0.4)) }
    }

    @Test func tiersFirstMatchAndMoves() throws {
        let tiers = try MembershipTiers.standard(silver: 100, gold: 500, diamond: 2000, maxInactiveDays: 180)
        let before = TierActivity(spend: [50, 600, 3000, 2500, 150], orders: [1, 3, 9, 8, 2], inactiveDays: [10, 20, 5, 200, 30])
        let a = try tiers.assign(before)
        #expect(a.assignment.map { a.segments[Int($0)].key } == ["regular", "gold", "diamond", "regular", "silver"])
        let after = TierActivity(spend: [120, 600, 900, 2500, 150, 5000], orders: [2, 3, 9, 8, 2, 5],
                                 inactiveDays: [1, 20, 5, 10, 30, 2])
        let b = try tiers.assign(after)
        let moves = tiers.moves(before: a, beforeIDs: ["a", "b", "c", "d", "e"], after: b, afterIDs: ["a", "b", "c", "d", "e", "f"])
        #expect(moves.map { "\($0.customer):\($0.from)>\($0.to)" } == ["a:regular>silver", "d:regular>diamond", "f:regular>diamond", "c:diamond>gold"])
        #expect(moves.map(\.isUpgrade) == [true, true, true, false])
        #expect(throws: SegmentationError.self) { try MembershipTiers.standard(silver: 500, gold: 100, diamond: 2000) }
        #expect(MembershipTiers.suggestedThresholds(windowSpend: [0] + (1...100).map(Double.init))! == (51, 80, 95))
        #expect(MembershipTiers.roundToSignificant(1234.5, digits: 2) == 1200)
        #expect(MembershipTiers.roundToSignificant(0.01567, digits: 2) == 0.016)
    }

    @Test func lifecycleRulesInOrder() throws {
        // id: tenure, recency, orders, P(alive)
        let rows: [(String, Double, Double, Double, Double)] = [
            ("new", 60, 60, 1, 0.9),
            ("churned-by-gap", 800, 400, 5, 0.9),       // gap (800-400)/4 = 100; 400 > 300
            ("churned-by-model", 800, 20, 5, 0.1),
            ("at-risk-by-gap", 800, 300, 5, 0.9),       // gap (800-300)/4 = 125; 300 > 187.5 but ≤ 375
            ("at-risk-by-model", 800, 20, 5, 0.4),
            ("growing", 400, 10, 2, 0.9),               // gap 390
            ("mature", 800, 20, 9, 0.9),                // gap 97.5
            ("reactivated", 800, 5, 9, 0.9),
            ("declining", 800, 20, 9, 0.9),
        ]
        let m = try CustomerMetrics(ids: rows.map(\.0), recencyDays: rows.map(\.2), orders: rows.map(\.3), spend: rows.map { _ in 10 },
                                    tenureDays: rows.map(\.1), probabilityAlive: rows.map(\.4))
        let history = LifecycleHistory(recentOrders: [1, 0, 1, 1, 1, 1, 3, 1, 1], previousOrders: [0, 1, 1, 1, 1, 0, 3, 0, 4],
                                       reactivated: rows.map { $0.0 == "reactivated" })
        let stages = try LifecycleStages.assign(m, history: history).assignment.map { LifecycleStages.segments[Int($0)].key }
        #expect(stages == ["new", "churned", "churned", "at_risk", "at_risk", "growing", "mature", "reactivated", "at_risk"])
        // Without history and model the gap rules alone decide.
        let bare = try CustomerMetrics(ids: m.ids, recencyDays: m.recencyDays, orders: m.orders, spend: m.spend, tenureDays: m.tenureDays)
        let plain = try LifecycleStages.assign(bare).assignment.map { LifecycleStages.segments[Int($0)].key }
        #expect(plain == ["new", "churned", "mature", "at_risk", "mature", "growing", "mature", "mature", "mature"])
    }

    @Test func lifecycleCoversEveryCustomer() throws {
        let m = try syntheticMetrics(5000)
        let seg = try LifecycleStages.assign(m)
        #expect(seg.sizes.reduce(0, +) == m.count)
        #expect(seg.sizes.filter { $0 > 0 }.count >= 4)
        let gaps = LifecycleStages.usualGaps(m)
        #expect(gaps.allSatisfy { $0 >= 7 && $0.isFinite })
    }

    @Test func reactivationNeedsChurnThenAPurchase() {
        let churned = Int32(LifecycleStages.segments.firstIndex { $0.key == "churned" }!)
        let earlier = Segmentation(method: "lifecycle", segments: LifecycleStages.segments, assignment: [churned, churned, 5])
        let flags = LifecycleStages.reactivated(earlier: earlier, earlierIDs: ["a", "b", "c"], earlierOrders: [3, 2, 4],
                                                currentIDs: ["c", "b", "a", "d"], currentOrders: [5, 2, 4, 1])
        #expect(flags == [false, false, true, false])
    }

    @Test("earlier snapshots' customers are found by position: in order, out of order, and missing")
    func positionsOfEarlierCustomers() {
        #expect(CustomerMetrics.positions(of: ["a", "c", "e"], in: ["a", "b", "c", "d", "e"]) == [0, 2, 4])
        #expect(CustomerMetrics.positions(of: ["c", "a"], in: ["a", "b", "c"]) == [2, 0])
        #expect(CustomerMetrics.positions(of: ["a", "x", "c"], in: ["a", "b", "c"]) == [0, -1, 2])
        #expect(CustomerMetrics.positions(of: [], in: ["a"]) == [])
    }

    @Test func summaryRowsAddUp() throws {
        let m = try syntheticMetrics(1000)
        let seg = try RFMSegmentation.segment(m).segmentation
        let rows = SegmentSummary.rows(seg, metrics: m)
        #expect(rows.count == 8)
        #expect(rows.map(\.customers).reduce(0, +) == 1000)
        #expect(abs(rows.map(\.customerShare).reduce(0, +) - 1) < 1e-12)
        #expect(abs(rows.map(\.valueShare).reduce(0, +) - 1) < 1e-12)
        let total: Double = rows.map(\.value).reduce(0, +), spend: Double = m.spend.reduce(0, +)
        #expect(abs(total - spend) < 1e-6)
    }
}
