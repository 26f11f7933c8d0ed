@testable import CLVSegments
import CLVCore
import CLVNumerics
import Foundation
import Testing
import _CLVTestSupport

@Suite("K-Means")
struct ClusteringKMeansTests {
    @Test("Lloyd by hand: 1-D rows 0, 1, 2, 10 from centres 0 and 100 relocate the empty cluster to the farthest row")
    func emptyClusterRelocation() throws {
        // Step 1: every row is nearer 0 than 100, so cluster 1 is empty and takes the row farthest
        // from its centre (10, at squared distance 100): centres (0+1+2)/3 = 1 and 10. Step 2 assigns
        // 0, 1, 2 → 1 and 10 → 10: new labels, but the centres stay put, and a zero shift meets
        // tol = 0 (scikit-learn stops on `center_shift_tot <= tol`), so the run ends after 2 steps.
        let data = try FeatureMatrix(rows: [[0], [1], [2], [10]])
        let result = try KMeans.lloyd(data, initialCentres: try FeatureMatrix(rows: [[0], [100]]), tolerance: 0)
        #expect(result.centres.values == [1, 10])
        #expect(result.labels == [0, 0, 0, 1])
        #expect(result.inertia == 2)
        #expect(result.iterations == 2)
        #expect(result.converged)
    }

    @Test("every row gets exactly one label in 0..<k, and its label is its nearest centre")
    func partitionAndNearestCentre() throws {
        let data = try ClusteringTestData.noise(rows: 400, columns: 3, seed: 11)
        let result = try KMeans(clusterCount: 6, restarts: 3, tolerance: 0, seed: 5).fit(data)
        #expect(result.labels.count == data.rowCount)
        #expect(result.labels.allSatisfy { (0..<6).contains($0) })
        #expect(result.clusterSizes.reduce(0, +) == data.rowCount)
        let centres = result.centres.rows
        for (i, row) in data.rows.enumerated() {
            let distances = centres.map { ClusteringTestData.squaredDistance(row, $0) }
            #expect(distances[result.labels[i]] == distances.min()!, "row \(i)")
        }
        // At convergence each centre is the mean of its rows.
        for (j, centre) in centres.enumerated() {
            let members = data.rows.indices.filter { result.labels[$0] == j }.map { data.rows[$0] }
            for f in 0..<3 {
                #expect(isClose(centre[f], members.reduce(0) { $0 + $1[f] } / Double(members.count), relative: 1e-12, absolute: 1e-14))
            }
        }
    }

    @Test("the objective never increases from one Lloyd iteration to the next", arguments: [1, 2, 3] as [UInt64])
    func inertiaNeverIncreases(seed: UInt64) throws {
        let data = try ClusteringTestData.noise(rows: 500, columns: 2, seed: seed)
        var rng = Xoshiro256(seed: seed)
        let start = data.selecting(rows: (0..<8).map { _ in Int(Double(data.rowCount) * rng.nextOpenUnit()) })
        let result = try KMeans.lloyd(data, initialCentres: start, tolerance: 0)
        #expect(result.inertiaHistory.count == result.iterations)
        #expect(result.iterations > 3)
        for (before, after) in zip(result.inertiaHistory, result.inertiaHistory.dropFirst()) {
            #expect(after <= before * (1 + 1e-12), "\(before) → \(after)")
        }
        #expect(result.inertia <= result.inertiaHistory.last! * (1 + 1e-12))
    }

    @Test("restarts keep the run with the lowest inertia")
    func restartsKeepTheBest() throws {
        let data = try ClusteringTestData.noise(rows: 300, columns: 2, seed: 4)
        let result = try KMeans(clusterCount: 7, restarts: 8, tolerance: 0, seed: 9).fit(data)
        #expect(result.restartInertias.count == 8)
        #expect(Set(result.restartInertias).count > 1, "restarts should differ on unstructured data")
        #expect(result.inertia == result.restartInertias.min())
    }

    @Test("the same seed gives the same clustering; k-means++ seeds are distinct rows, one per well-separated blob")
    func seededAndReproducible() throws {
        let (data, truth) = try ClusteringTestData.blobs(centres: ClusteringTestData.fourCorners, perBlob: 50, spread: 0.5, seed: 3)
        let a = try KMeans(clusterCount: 4, seed: 42).fit(data)
        let b = try KMeans(clusterCount: 4, seed: 42).fit(data)
        #expect(a == b)
        #expect(samePartition(a.labels, truth))
        for seed in 0..<5 as Range<UInt64> {
            var rng = Xoshiro256(seed: seed)
            let seeds = KMeans.plusPlusSeeds(data, clusterCount: 4, using: &rng)
            #expect(Set(seeds.map { truth[$0] }).count == 4, "seed \(seed): \(seeds)")
        }
    }

    @Test("k-means++ draws the seeds of its documented greedy rule (restated naively here, same random stream)",
          arguments: [(1, 3), (2, 5), (3, 8)] as [(UInt64, Int)])
    func greedySeedingRule(seed: UInt64, k: Int) throws {
        let data = try ClusteringTestData.noise(rows: 120, columns: 2, seed: seed + 100)
        let rows = data.rows
        var rng = Xoshiro256(seed: seed)
        let seeds = KMeans.plusPlusSeeds(data, clusterCount: k, using: &rng)

        var naive = Xoshiro256(seed: seed)
        var chosen = [Int(120 * naive.nextOpenUnit())]
        func potential(_ centres: [Int]) -> [Double] {
            rows.map { row in centres.map { ClusteringTestData.squaredDistance(row, rows[$0]) }.min()! }
        }
        while chosen.count < k {
            let closest = potential(chosen)
            let total = closest.reduce(0, +)
            var candidates: [(potential: Double, row: Int)] = []
            for _ in 0..<(2 + Int(Foundation.log(Double(k)))) {
                // The first row whose cumulative D² reaches u × total.
                let target = naive.nextOpenUnit() * total
                var running = 0.0
                let row = closest.indices.first { running += closest[$0]; return running >= target } ?? 119
                candidates.append((potential(chosen + [row]).reduce(0, +), row))
            }
            chosen.append(candidates.min { $0.potential < $1.potential }!.row)
        }
        #expect(seeds == chosen)
    }

    @Test("above the sample threshold, restarts run on a sample and one Lloyd run on all rows finishes the job")
    func sampledRestarts() throws {
        let (data, truth) = try ClusteringTestData.blobs(centres: ClusteringTestData.fourCorners, perBlob: 300, spread: 1, seed: 8)
        let model = KMeans(clusterCount: 4, restarts: 4, seed: 1, sampleThreshold: 500, sampleSize: 200)
        let result = try model.fit(data)
        #expect(result.labels.count == 1200)
        #expect(samePartition(result.labels, truth))
        #expect(try model.fit(data) == result)
        // The restart inertias are sums over the 200 sampled rows, far below the full-data inertia.
        #expect(result.restartInertias.allSatisfy { $0 < result.inertia / 3 })
    }

    @Test("invalid input: more clusters than rows, non-finite values, mismatched centres")
    func inputChecks() throws {
        let data = try FeatureMatrix(rows: [[1, 2], [3, 4]])
        #expect(throws: ClusteringError.self) { try KMeans(clusterCount: 3).fit(data) }
        #expect(throws: ClusteringError.nonFiniteValue(row: 1, column: "x0")) {
            try KMeans(clusterCount: 1).fit(try FeatureMatrix(rows: [[1, 2], [.nan, 4]]))
        }
        #expect(throws: ClusteringError.self) { try KMeans.lloyd(data, initialCentres: try FeatureMatrix(rows: [[1]])) }
    }
}

@Suite("Clustering cancellation")
struct ClusteringCancellationTests {
    static func cancelled() -> CancellationToken {
        let token = CancellationToken()
        token.cancel()
        return token
    }

    @Test("a cancelled token: K-Means, two-step and SOM throw CancellationError; the same calls without it finish")
    func cancelledClustering() throws {
        let data = try ClusteringTestData.noise(rows: 300, columns: 3, seed: 3)
        var kmeans = KMeans(clusterCount: 3, restarts: 2, seed: 1)
        _ = try kmeans.fit(data)
        kmeans.cancellation = Self.cancelled()
        #expect(throws: CancellationError.self) { _ = try kmeans.fit(data) }

        var twoStep = TwoStepClustering(clusterCount: 3)
        _ = try twoStep.fit(data)
        twoStep.cancellation = Self.cancelled()
        #expect(throws: CancellationError.self) { _ = try twoStep.fit(data) }

        var som = try SelfOrganizingMap(rows: 2, columns: 2, sampling: data, seed: 1)
        try som.train(on: data, iterations: 100)
        #expect(throws: CancellationError.self) { try som.train(on: data, iterations: 100, cancellation: Self.cancelled()) }
    }

    @Test("a cancelled token stops Lloyd's iterations before the first one")
    func lloydStopsEarly() throws {
        let data = try ClusteringTestData.noise(rows: 300, columns: 3, seed: 3)
        let centres = data.selecting(rows: [0, 1, 2]).values
        let run = KMeans.runLloyd(data, centres: centres, clusterCount: 3, maxIterations: 50, shiftLimit: 0, cancellation: Self.cancelled())
        #expect(run.iterations == 0)
        let full = KMeans.runLloyd(data, centres: centres, clusterCount: 3, maxIterations: 50, shiftLimit: 0)
        #expect(full.iterations > 0)
    }
}

@Suite("K-Means with Hamerly's bounds")
struct ClusteringBoundsTests {
    /// Rows on a coarse grid, so that many rows are equidistant from two centres (ties go to the first).
    static func grid(rows: Int, columns: Int, seed: UInt64) throws -> FeatureMatrix {
        var rng = Xoshiro256(seed: seed)
        return try FeatureMatrix(rows: (0..<rows).map { _ in (0..<columns).map { _ in Double(Int(rng.nextOpenUnit() * 5)) } })
    }

    @Test("the bounded assignment gives the plain Lloyd run's labels, centres, inertia history and iterations, bit for bit",
          arguments: [(1, 2), (2, 3), (3, 1), (5, 4), (8, 4), (10, 2)])
    func sameAsPlain(_ shape: (k: Int, p: Int)) throws {
        for (seed, data) in [(UInt64(1), try ClusteringTestData.noise(rows: 20_000, columns: shape.p, seed: 1)),
                             (2, try Self.grid(rows: 5_000, columns: shape.p, seed: 2)),
                             (3, try ClusteringTestData.blobs(centres: ClusteringTestData.fourCorners.map { Array($0.prefix(shape.p)) },
                                                              perBlob: 3_000, spread: 2, seed: 3).data)] {
            var rng = Xoshiro256(seed: seed, stream: 9)
            let seeds = KMeans.plusPlusSeeds(data, clusterCount: shape.k, using: &rng)
            let centres = data.selecting(rows: seeds).values
            for shiftLimit in [0.0, 1e-4] {
                let plain = KMeans.runLloyd(data, centres: centres, clusterCount: shape.k, maxIterations: 100, shiftLimit: shiftLimit,
                                            bounded: false)
                let bounded = KMeans.runLloyd(data, centres: centres, clusterCount: shape.k, maxIterations: 100, shiftLimit: shiftLimit)
                #expect(bounded.labels == plain.labels, "seed \(seed)")
                #expect(bounded.centres.values == plain.centres.values, "seed \(seed)")
                #expect(bounded.inertiaHistory == plain.inertiaHistory, "seed \(seed)")
                #expect(bounded.iterations == plain.iterations && bounded.inertia == plain.inertia, "seed \(seed)")
            }
        }
    }

    @Test("an empty cluster is relocated the same way with bounds (the by-hand example)")
    func relocationWithBounds() throws {
        let data = try FeatureMatrix(rows: [[0], [1], [2], [10]])
        let plain = KMeans.runLloyd(data, centres: [0, 100], clusterCount: 2, maxIterations: 300, shiftLimit: 0, bounded: false)
        let bounded = KMeans.runLloyd(data, centres: [0, 100], clusterCount: 2, maxIterations: 300, shiftLimit: 0)
        #expect(bounded.centres.values == [1, 10] && plain.centres.values == [1, 10])
        #expect(bounded.labels == plain.labels && bounded.iterations == plain.iterations)
    }
}
