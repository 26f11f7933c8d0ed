import CLVSegments
import Foundation
import Testing
import _CLVTestSupport

@Suite("Self-organizing map")
struct ClusteringSOMTests {
    @Test("with a tiny σ only the winner moves: training is online k-means with learning rate η(t) = η₀/(1 + 2t/T)")
    func tinySigmaIsOnlineKMeans() throws {
        let data = try ClusteringTestData.noise(rows: 40, columns: 2, seed: 3)
        let initial = data.selecting(rows: [0, 10, 20, 30, 5, 15]).values
        var map = try SelfOrganizingMap(rows: 2, columns: 3, dimension: 2, initialWeights: initial,
                                        parameters: .init(sigma: 0.01, learningRate: 0.3))
        try map.train(on: data, iterations: 200)
        var centres = data.selecting(rows: [0, 10, 20, 30, 5, 15]).rows
        for t in 0..<200 {
            let x = data.row(t % 40)
            let winner = centres.indices.min { ClusteringTestData.squaredDistance(x, centres[$0]) < ClusteringTestData.squaredDistance(x, centres[$1]) }!
            let eta = 0.3 / (1 + Double(t) / 100)
            for f in 0..<2 { centres[winner][f] += eta * (x[f] - centres[winner][f]) }
        }
        for (ours, online) in zip(map.weights, centres.flatMap { $0 }) { #expect(isClose(ours, online, relative: 1e-12, absolute: 1e-14)) }
    }

    @Test("use_epochs: one epoch visits every row once, in order, at the initial learning rate and σ")
    func oneEpoch() throws {
        let data = try ClusteringTestData.noise(rows: 10, columns: 2, seed: 4)
        let initial = data.selecting(rows: [0, 1, 2, 3]).values
        var map = try SelfOrganizingMap(rows: 2, columns: 2, dimension: 2, initialWeights: initial, parameters: .init(sigma: 0.01, learningRate: 0.5))
        try map.train(on: data, iterations: 1, useEpochs: true)
        var centres = data.selecting(rows: [0, 1, 2, 3]).rows
        for x in data.rows {
            let winner = centres.indices.min { ClusteringTestData.squaredDistance(x, centres[$0]) < ClusteringTestData.squaredDistance(x, centres[$1]) }!
            for f in 0..<2 { centres[winner][f] += 0.5 * (x[f] - centres[winner][f]) }
        }
        for (ours, online) in zip(map.weights, centres.flatMap { $0 }) { #expect(isClose(ours, online, relative: 1e-12, absolute: 1e-14)) }
    }

    @Test("quantization error is the mean distance to the winner; topographic error counts non-adjacent best pairs")
    func qualityMeasures() throws {
        // Units on a 1 × 3 line with weights 0, 1, 2: every row's best two units are grid neighbours.
        // With weights 0, 2, 1 the rows at 0.1 and 0.4 have best units 0 and 2 (weights 0 and 1), two
        // grid steps apart, while 1.9 (units 1, 2) and 1.2 (units 2, 1) stay adjacent.
        let data = try FeatureMatrix(rows: [[0.1], [1.9], [1.2], [0.4]])
        let ordered = try SelfOrganizingMap(rows: 1, columns: 3, dimension: 1, initialWeights: [0, 1, 2])
        #expect(isClose(try ordered.quantizationError(data), (0.1 + 0.1 + 0.2 + 0.4) / 4, relative: 1e-14))
        #expect(try ordered.topographicError(data) == 0)
        let folded = try SelfOrganizingMap(rows: 1, columns: 3, dimension: 1, initialWeights: [0, 2, 1])
        #expect(try folded.winners(data) == [0, 1, 2, 0])
        #expect(try folded.topographicError(data) == 0.5)
        #expect(try SelfOrganizingMap(rows: 1, columns: 1, dimension: 1, initialWeights: [0]).topographicError(data).isNaN)
    }

    @Test("seeded initialisation picks data rows and is reproducible; training brings the units to the data")
    func samplingAndTraining() throws {
        let (data, _) = try ClusteringTestData.blobs(centres: [[0, 0], [8, 0], [0, 8]], perBlob: 60, spread: 0.5, seed: 9)
        let start = try SelfOrganizingMap(rows: 3, columns: 3, sampling: data, seed: 7)
        #expect(start == (try SelfOrganizingMap(rows: 3, columns: 3, sampling: data, seed: 7)))
        #expect(start != (try SelfOrganizingMap(rows: 3, columns: 3, sampling: data, seed: 8)))
        let rows = Set(data.rows)
        for u in 0..<9 { #expect(rows.contains(Array(start.weights[(u * 2)..<(u * 2 + 2)]))) }
        var map = start
        try map.train(on: data, iterations: 2000)
        #expect(try map.quantizationError(data) < start.quantizationError(data))
    }

    @Test("units group into clusters by Ward on their weights, and rows take their winner's cluster")
    func unitClusters() throws {
        // A 2 × 3 map with units in three tight pairs, one pair per blob.
        let map = try SelfOrganizingMap(rows: 2, columns: 3, dimension: 2, initialWeights: [0, 0, 0.2, 0, 8, 0, 8.2, 0, 0, 8, 0, 8.2])
        #expect(try map.unitClusters(count: 3) == [0, 0, 1, 1, 2, 2])
        #expect(try map.unitClusters(count: 6) == Array(0..<6))
        let (data, truth) = try ClusteringTestData.blobs(centres: [[0, 0], [8, 0], [0, 8]], perBlob: 30, spread: 0.5, seed: 10)
        #expect(try map.clusterLabels(data, unitClusters: map.unitClusters(count: 3)) == truth)
        #expect(throws: ClusteringError.self) { try map.unitClusters(count: 7) }
    }

    @Test("training refuses data of another dimension and zero iterations")
    func inputChecks() throws {
        var map = try SelfOrganizingMap(rows: 2, columns: 2, dimension: 3, initialWeights: Array(repeating: 0, count: 12))
        #expect(throws: ClusteringError.self) { try map.train(on: try FeatureMatrix(rows: [[1, 2]]), iterations: 10) }
        #expect(throws: ClusteringError.self) { try map.train(on: try FeatureMatrix(rows: [[1, 2, 3]]), iterations: 0) }
        #expect(throws: ClusteringError.self) { try SelfOrganizingMap(rows: 2, columns: 2, dimension: 3, initialWeights: [0]) }
    }
}
