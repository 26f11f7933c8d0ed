import CLVSegments
import Foundation
import Testing
import _CLVTestSupport

@Suite("Cluster quality indices")
struct ClusteringQualityTests {
    /// 1-D rows 0, 1 | 4, 5 worked by hand.
    static let pairs = (data: try! FeatureMatrix(rows: [[0], [1], [4], [5]]), labels: [0, 0, 1, 1])

    @Test("silhouette by hand (Rousseeuw 1987): rows 0 and 1 have a = 1, b = 4.5 and 3.5")
    func silhouetteByHand() throws {
        let s = try ClusterQuality.silhouetteSamples(Self.pairs.data, labels: Self.pairs.labels)
        let expected = [3.5 / 4.5, 2.5 / 3.5, 2.5 / 3.5, 3.5 / 4.5]
        for (ours, hand) in zip(s, expected) { #expect(isClose(ours, hand, relative: 1e-15)) }
        #expect(isClose(try ClusterQuality.silhouette(Self.pairs.data, labels: Self.pairs.labels), (3.5 / 4.5 + 2.5 / 3.5) / 2, relative: 1e-15))
    }

    @Test("Calinski–Harabasz by hand: B = 2·2² + 2·2² = 16, W = 4·0.5² = 1, (16/1)/(1/2) = 32")
    func calinskiHarabaszByHand() throws {
        #expect(isClose(try ClusterQuality.calinskiHarabasz(Self.pairs.data, labels: Self.pairs.labels), 32, relative: 1e-15))
    }

    @Test("Davies–Bouldin, scikit-learn's docstring example: [[0,1],[1,1],[3,4]], labels [0,0,1] → 0.5/√15.25 ≈ 0.128")
    func daviesBouldinExample() throws {
        // Cluster 0 has centroid (0.5, 1) and mean distance 0.5; cluster 1 is one row; the centroids
        // are √(2.5² + 3²) apart, so both ratios are 0.5/√15.25.
        let data = try FeatureMatrix(rows: [[0, 1], [1, 1], [3, 4]])
        let db = try ClusterQuality.daviesBouldin(data, labels: [0, 0, 1])
        #expect(isClose(db, 0.5 / 15.25.squareRoot(), relative: 1e-15))
        #expect(abs(db - 0.128) < 0.001)
    }

    @Test("a row alone in its cluster has silhouette 0")
    func singletonIsZero() throws {
        let data = try FeatureMatrix(rows: [[0], [1], [2], [9]])
        let s = try ClusterQuality.silhouetteSamples(data, labels: [0, 0, 0, 1])
        #expect(s[3] == 0)
        #expect(s[0] > 0)
    }

    @Test("indices do not depend on the label values, only on the partition")
    func relabelling() throws {
        let data = try ClusteringTestData.noise(rows: 60, columns: 3, seed: 2)
        let labels = (0..<60).map { $0 % 3 }
        let renamed = labels.map { [7, -2, 40][$0] }
        #expect(try ClusterQuality.silhouette(data, labels: labels) == ClusterQuality.silhouette(data, labels: renamed))
        #expect(try ClusterQuality.calinskiHarabasz(data, labels: labels) == ClusterQuality.calinskiHarabasz(data, labels: renamed))
        #expect(try ClusterQuality.daviesBouldin(data, labels: labels) == ClusterQuality.daviesBouldin(data, labels: renamed))
    }

    @Test("the sampled silhouette equals the exact one of the sampled rows, and the exact one when the sample covers all rows")
    func sampledSilhouette() throws {
        let (data, truth) = try ClusteringTestData.blobs(centres: [[0, 0], [6, 0], [0, 6]], perBlob: 100, spread: 1, seed: 6)
        let exact = try ClusterQuality.silhouette(data, labels: truth)
        #expect(try ClusterQuality.silhouette(data, labels: truth, sampleSize: 300, seed: 1) == exact)
        let sampled = try ClusterQuality.silhouette(data, labels: truth, sampleSize: 120, seed: 1)
        #expect(sampled != exact)
        #expect(abs(sampled - exact) < 0.05)
        #expect(try ClusterQuality.silhouette(data, labels: truth, sampleSize: 120, seed: 1) == sampled)
        #expect(try ClusterQuality.silhouette(data, labels: truth, sampleSize: 120, seed: 2) != sampled)
    }

    @Test("one label, or as many labels as rows, is refused")
    func labelCount() throws {
        let data = try FeatureMatrix(rows: [[0], [1], [2]])
        #expect(throws: ClusteringError.invalidLabelCount(labels: 1, rows: 3)) { try ClusterQuality.silhouette(data, labels: [0, 0, 0]) }
        #expect(throws: ClusteringError.invalidLabelCount(labels: 3, rows: 3)) { try ClusterQuality.daviesBouldin(data, labels: [0, 1, 2]) }
        #expect(throws: ClusteringError.self) { try ClusterQuality.calinskiHarabasz(data, labels: [0, 1]) }
    }
}
