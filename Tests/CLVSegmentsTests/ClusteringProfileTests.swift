import CLVCore
import CLVSegments
import Testing
import _CLVTestSupport

@Suite("Cluster profiles and labels")
struct ClusteringProfileTests {
    /// Six customers in two clusters, profiled by hand below.
    static let features = try! FeatureMatrix(
        columns: [[5, 10, 20, 200, 300, 250], [12, 8, 10, 1, 2, 1], [80, 120, 100, 20, 30, 10], [900, 1100, 1000, 50, 80, 40]],
        names: ["recency_days", "frequency", "monetary", "clv"])
    static let labels = [1, 1, 1, 0, 0, 0]
    static let revenue = [960.0, 960, 1000, 20, 60, 10]

    @Test("sizes, shares, means and medians by hand")
    func byHand() throws {
        let profiles = try ClusterProfile.profiles(labels: Self.labels, features: Self.features, value: Self.revenue)
        #expect(profiles.map(\.cluster) == [0, 1])
        let (lapsed, loyal) = (profiles[0], profiles[1])
        #expect(lapsed.size == 3 && loyal.size == 3)
        #expect(lapsed.customerShare == 0.5)
        #expect(loyal.totalValue == 2920 && lapsed.totalValue == 90)
        #expect(isClose(loyal.valueShare, 2920.0 / 3010, relative: 1e-15))
        #expect(isClose(lapsed.valueShare + loyal.valueShare, 1, relative: 1e-15))
        #expect(loyal.medians == [10, 10, 100, 1000])
        #expect(lapsed.medians == [250, 1, 20, 50])
        #expect(isClose(loyal.means[0], 35.0 / 3, relative: 1e-15))
        #expect(lapsed.means[1] == 4.0 / 3)
    }

    @Test("an even count takes the mean of the two middle values as median")
    func evenMedian() throws {
        let features = try FeatureMatrix(columns: [[20, 1, 10, 2, 7]], names: ["frequency"])
        let profiles = try ClusterProfile.profiles(labels: [0, 0, 0, 0, 1], features: features, value: [1, 1, 1, 1, 1])
        #expect(profiles[0].medians == [6])
        #expect(profiles[0].label == BilingualText("infrequent", "低频"), "6 is below the overall median 7")
    }

    @Test("labels from the position against all customers' medians, in English and Chinese")
    func labels() throws {
        let profiles = try ClusterProfile.profiles(labels: Self.labels, features: Self.features, value: Self.revenue)
        #expect(profiles[1].label == BilingualText("recent, frequent, high-spend, high-value", "近期、高频、高消费、高价值"))
        #expect(profiles[0].label == BilingualText("lapsed, infrequent, low-spend, low-value", "久未购买、低频、低消费、低价值"))
    }

    @Test("a median tie falls back to the means; a tie of both leaves the feature out")
    func ties() {
        let roles: [ClusterProfile.Role] = [.frequency, .spend]
        let label = ClusterProfile.automaticLabel(cluster: 0, medians: [2, 50], means: [3, 40], overallMedians: [2, 50],
                                                  overallMeans: [2.5, 40], roles: roles)
        #expect(label == BilingualText("frequent", "高频"))
        let typical = ClusterProfile.automaticLabel(cluster: 0, medians: [2, 50], means: [2.5, 40], overallMedians: [2, 50],
                                                    overallMeans: [2.5, 40], roles: roles)
        #expect(typical == BilingualText("typical", "典型"))
        let unnamed = ClusterProfile.automaticLabel(cluster: 4, medians: [1], means: [1], overallMedians: [0], overallMeans: [0],
                                                    roles: [.other])
        #expect(unnamed == BilingualText("cluster 4", "第 4 类"))
    }

    @Test("roles are inferred from column names", arguments: [
        ("recency_days", ClusterProfile.Role.daysSinceLastPurchase), ("Frequency", .frequency), ("monetary_value", .spend),
        ("avg_spend", .spend), ("clv", .value), ("predicted_value", .value), ("age", .other),
    ])
    func roleInference(name: String, role: ClusterProfile.Role) {
        #expect(ClusterProfile.Role(columnName: name) == role)
    }

    @Test("mismatched lengths are refused")
    func inputChecks() {
        #expect(throws: ClusteringError.self) { try ClusterProfile.profiles(labels: [0], features: Self.features, value: Self.revenue) }
        #expect(throws: ClusteringError.self) {
            try ClusterProfile.profiles(labels: Self.labels, features: Self.features, value: Self.revenue, roles: [.value])
        }
    }
}
