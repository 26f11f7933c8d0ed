import CLVSegments
import Foundation
import Testing
import _CLVTestSupport

@Suite("Two-step clustering")
struct ClusteringTwoStepTests {
    @Test("the sub-clusters hold every row once: their counts, linear sums and square sums add up to the data's")
    func subclustersCoverTheData() throws {
        let data = try ClusteringTestData.noise(rows: 3000, columns: 3, seed: 31)
        let result = try TwoStepClustering(maxSubclusters: 100).fit(data)
        #expect(result.subclusters.count <= 100)
        #expect(result.subclusters.count >= 50, "small threshold steps keep the sub-clusters near the maximum")
        #expect(result.threshold > 0, "3000 distinct rows into 100 entries needs a raised threshold")
        #expect(result.subclusters.reduce(0) { $0 + $1.count } == 3000)
        for f in 0..<3 {
            let column = data.column(f)
            #expect(isClose(result.subclusters.reduce(0) { $0 + $1.linearSum[f] }, column.reduce(0, +), relative: 1e-9, absolute: 1e-9))
            #expect(isClose(result.subclusters.reduce(0) { $0 + $1.squareSum[f] }, column.reduce(0) { $0 + $1 * $1 }, relative: 1e-9))
        }
        #expect(result.subclusterLabels.count == result.subclusters.count)
    }

    @Test("four well-separated blobs of 1000, 700, 400 and 200 rows: four clusters chosen automatically, numbered by size")
    func automaticClusterCount() throws {
        let (all, allTruth) = try ClusteringTestData.blobs(centres: ClusteringTestData.fourCorners, perBlob: 1000, spread: 1, seed: 5)
        let kept = allTruth.indices.filter { allTruth[$0] == 0 || $0 % 1000 < [1000, 700, 400, 200][allTruth[$0]] }
        let (data, truth) = (all.selecting(rows: kept), kept.map { allTruth[$0] })
        let result = try TwoStepClustering(maxSubclusters: 200).fit(data)
        #expect(result.clusterCount == 4)
        #expect(result.labels == truth)
    }

    @Test("every row goes to its nearest final centre, and a fixed cluster count is respected")
    func fixedCountAndNearestCentre() throws {
        let data = try ClusteringTestData.noise(rows: 1500, columns: 2, seed: 8)
        let result = try TwoStepClustering(clusterCount: 5, maxSubclusters: 150).fit(data)
        #expect(result.clusterCount == 5)
        let centres = result.centres.rows
        for (i, row) in data.rows.enumerated() {
            let distances = centres.map { ClusteringTestData.squaredDistance(row, $0) }
            #expect(distances[result.labels[i]] == distances.min()!)
        }
    }

    @Test("BIC(k) equals Σ N_j Σ_f ln(σ²_f + σ²_jf) + 2kp·ln n computed from the step-2 partition")
    func informationCriterion() throws {
        let (data, _) = try ClusteringTestData.blobs(centres: [[0, 0], [5, 5], [0, 8]], perBlob: 300, spread: 1, seed: 12)
        let result = try TwoStepClustering(maxSubclusters: 60).fit(data)
        let overall = (0..<2).map { f in variance(data.column(f)) }
        for k in 1...4 {
            let cut = result.dendrogram.labels(clusterCount: k)
            var bic = 2 * Double(k) * 2 * Foundation.log(900)
            for c in 0..<k {
                let members = result.subclusters.indices.filter { cut[$0] == c }.map { result.subclusters[$0] }
                let n = members.reduce(0) { $0 + $1.count }
                for f in 0..<2 {
                    let mean = members.reduce(0) { $0 + $1.linearSum[f] } / n
                    let v = members.reduce(0) { $0 + $1.squareSum[f] } / n - mean * mean
                    bic += n * Foundation.log(overall[f] + v)
                }
            }
            #expect(isClose(result.informationCriteria[k - 1], bic, relative: 1e-9), "k = \(k)")
        }
        #expect(result.firstEstimate >= 3)
        #expect(result.clusterCount == 3)
    }

    @Test("identical rows make one sub-cluster and one cluster")
    func identicalRows() throws {
        let data = try FeatureMatrix(rows: Array(repeating: [1.0, 2.0], count: 50))
        let result = try TwoStepClustering().fit(data)
        #expect(result.subclusters.count == 1)
        #expect(result.clusterCount == 1)
        #expect(result.labels == Array(repeating: 0, count: 50))
    }

    func variance(_ x: [Double]) -> Double {
        let mean = x.reduce(0, +) / Double(x.count)
        return x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count)
    }
}
