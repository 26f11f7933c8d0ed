import CLVSegments
import Testing
import _CLVTestSupport

@Suite("Choosing the number of k-means clusters")
struct ClusteringSelectionTests {
    @Test("four well-separated blobs: silhouette peaks at k = 4, inertia falls with k")
    func fourBlobs() throws {
        let (data, _) = try ClusteringTestData.blobs(centres: ClusteringTestData.fourCorners, perBlob: 60, spread: 1, seed: 14)
        let selection = try KMeans(clusterCount: 2, restarts: 4, seed: 3).selectClusterCount(data, among: 2...7)
        #expect(selection.candidates.map(\.clusterCount) == Array(2...7))
        #expect(selection.recommendedClusterCount == 4)
        #expect(selection.silhouetteSampleSize == 240)
        let inertias = selection.candidates.map(\.inertia)
        for (a, b) in zip(inertias, inertias.dropFirst()) { #expect(b < a) }
        let four = selection.candidates[2]
        #expect(four.silhouette == selection.candidates.map(\.silhouette).max())
    }

    @Test("above the sample size, silhouettes come from a seeded sample of that size")
    func sampled() throws {
        let (data, _) = try ClusteringTestData.blobs(centres: ClusteringTestData.fourCorners, perBlob: 100, spread: 1, seed: 15)
        let model = KMeans(clusterCount: 2, restarts: 2, seed: 3)
        let selection = try model.selectClusterCount(data, among: 3...5, silhouetteSampleSize: 150)
        #expect(selection.silhouetteSampleSize == 150)
        #expect(selection.recommendedClusterCount == 4)
        var four = model
        four.clusterCount = 4
        let labels = try four.fit(data).labels
        #expect(selection.candidates[1].silhouette == (try ClusterQuality.silhouette(data, labels: labels, sampleSize: 150, seed: 3)))
        #expect(selection.candidates[1].silhouette != (try ClusterQuality.silhouette(data, labels: labels)))
    }

    @Test("ranges outside 2 … rows − 1 are refused")
    func inputChecks() throws {
        let data = try ClusteringTestData.noise(rows: 10, columns: 2, seed: 1)
        #expect(throws: ClusteringError.self) { try KMeans(clusterCount: 2).selectClusterCount(data, among: 1...3) }
        #expect(throws: ClusteringError.self) { try KMeans(clusterCount: 2).selectClusterCount(data, among: 2...10) }
    }
}
