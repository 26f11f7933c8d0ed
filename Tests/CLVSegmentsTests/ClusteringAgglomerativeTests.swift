import CLVSegments
import Testing
import _CLVTestSupport

@Suite("Agglomerative clustering")
struct ClusteringAgglomerativeTests {
    static let line = try! FeatureMatrix(rows: [[0], [1], [3], [7]])

    @Test("single linkage by hand on 0, 1, 3, 7: {0,1} at 1, then 3 at 2, then 7 at 4")
    func singleByHand() throws {
        let tree = try AgglomerativeClustering(linkage: .single).fit(Self.line)
        #expect(tree.merges == [
            .init(first: 0, second: 1, distance: 1, leafCount: 2),
            .init(first: 2, second: 4, distance: 2, leafCount: 3),
            .init(first: 3, second: 5, distance: 4, leafCount: 4),
        ])
    }

    @Test("Ward by hand on 0, 1, 3, 7: distance √(2·|A||B|/(|A|+|B|))·‖c_A − c_B‖")
    func wardByHand() throws {
        // {0,1}: √(2·½)·1 = 1; {0,1}+{3}: √(2·2/3)·2.5; {0,1,3}+{7}: √(2·3/4)·(7 − 4/3).
        let tree = try AgglomerativeClustering(linkage: .ward).fit(Self.line)
        let expected = [1, (4.0 / 3).squareRoot() * 2.5, 1.5.squareRoot() * (7 - 4.0 / 3)]
        for (merge, distance) in zip(tree.merges, expected) { #expect(isClose(merge.distance, distance, relative: 1e-14)) }
        #expect(tree.merges.map(\.first) == [0, 2, 3])
        #expect(tree.merges.map(\.second) == [1, 4, 5])
    }

    @Test("complete and average by hand on 0, 1, 3, 7")
    func completeAndAverageByHand() throws {
        // complete: {0,1} at 1, {0,1}+3 at max(3, 2) = 3, then +7 at 7.
        #expect(try AgglomerativeClustering(linkage: .complete).fit(Self.line).merges.map(\.distance) == [1, 3, 7])
        // average: {0,1} at 1, {0,1}+3 at (3 + 2)/2 = 2.5, then +7 at (7 + 6 + 4)/3.
        let average = try AgglomerativeClustering(linkage: .average).fit(Self.line).merges.map(\.distance)
        #expect(average[0] == 1 && average[1] == 2.5 && isClose(average[2], 17.0 / 3, relative: 1e-15))
    }

    @Test("weighted Ward equals Ward on the rows repeated by their weights", arguments: [(2.0, 1.0, 3.0), (1.0, 4.0, 2.0)])
    func weightedWard(weights: (Double, Double, Double)) throws {
        let points: [[Double]] = [[0, 0], [3, 1], [1, 5]]
        let w = [weights.0, weights.1, weights.2]
        let weighted = try AgglomerativeClustering(linkage: .ward).fit(try FeatureMatrix(rows: points), weights: w)
        let repeated = zip(points, w).flatMap { Array(repeating: $0.0, count: Int($0.1)) }
        let expanded = try AgglomerativeClustering(linkage: .ward).fit(try FeatureMatrix(rows: repeated))
        // The expanded tree first merges the copies at distance 0; its last two merges are the weighted tree's.
        for (a, b) in zip(weighted.merges, expanded.merges.suffix(2)) {
            #expect(isClose(a.distance, b.distance, relative: 1e-12))
        }
    }

    @Test("merge distances never decrease, and every cut is a partition with the requested number of clusters",
          arguments: AgglomerativeClustering.Linkage.allCases)
    func monotoneAndCuts(linkage: AgglomerativeClustering.Linkage) throws {
        let data = try ClusteringTestData.noise(rows: 80, columns: 3, seed: 21)
        let tree = try AgglomerativeClustering(linkage: linkage).fit(data)
        #expect(tree.merges.count == 79)
        #expect(tree.merges.last?.leafCount == 80)
        for (a, b) in zip(tree.merges, tree.merges.dropFirst()) { #expect(a.distance <= b.distance) }
        for k in [1, 2, 5, 80] {
            let labels = tree.labels(clusterCount: k)
            #expect(labels.count == 80)
            #expect(Set(labels) == Set(0..<k))
        }
    }

    @Test("well-separated blobs come back whole under every linkage", arguments: AgglomerativeClustering.Linkage.allCases)
    func recoversBlobs(linkage: AgglomerativeClustering.Linkage) throws {
        let (data, truth) = try ClusteringTestData.blobs(centres: ClusteringTestData.fourCorners, perBlob: 25, spread: 0.5, seed: 2)
        #expect(samePartition(try AgglomerativeClustering(linkage: linkage).fit(data).labels(clusterCount: 4), truth))
    }
}
