import CLVSegments
import Foundation
import Testing

/// A golden file of Scripts/golden/segments_reference.py.
struct SegmentsGolden {
    let json: [String: Any]
    init(_ name: String) throws {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden"))
        json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }
    var cases: [[String: Any]] { json["cases"] as? [[String: Any]] ?? [] }
}

func doubles(_ any: Any?) -> [Double] { (any as? [NSNumber] ?? []).map(\.doubleValue) }

@Suite("Quantile scores agree with SQLite NTILE (goldens from Scripts/golden/segments_reference.py)")
struct ScoringGoldenTests {
    @Test func ntileMatchesSQLite() throws {
        let g = try SegmentsGolden("ntile")
        #expect(g.cases.count >= 8)
        for c in g.cases {
            let name = c["name"] as! String
            let ids = c["ids"] as! [String]
            let tiles = (c["n_tiles"] as! NSNumber).intValue
            let got = Ntile.buckets(doubles(c["values"]), ids: ids, tiles: tiles, descending: c["descending"] as! Bool)
            #expect(got.map(Int.init) == (c["ntile"] as! [NSNumber]).map(\.intValue), "\(name)")
        }
    }

    @Test func rfmScoresMatchTheSQLQuery() throws {
        let g = try SegmentsGolden("rfm_scores")
        let rows = g.json["customers"] as! [[String: Any]]
        #expect(rows.count == 200)
        func column(_ key: String) -> [Double] { rows.map { ($0[key] as! NSNumber).doubleValue } }
        let ids = rows.map { $0["id"] as! String }
        let m = try CustomerMetrics(ids: ids, recencyDays: column("recency_days"), orders: column("frequency"),
                                    spend: column("monetary"), tenureDays: column("recency_days"))
        let result = try RFMSegmentation.segment(m, options: RFMOptions(binning: .ntile(bins: 5), monetaryCapQuantile: nil))
        #expect(result.recencyScore.map(Double.init) == column("r_score"))
        #expect(result.frequencyScore.map(Double.init) == column("f_score"))
        #expect(result.monetaryScore.map(Double.init) == column("m_score"))
    }
}
