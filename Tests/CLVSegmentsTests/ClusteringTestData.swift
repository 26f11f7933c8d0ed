import CLVNumerics
import CLVSegments

/// Seeded test data for the clustering suites.
enum ClusteringTestData {
    /// `perBlob` rows around each centre (standard normal noise × `spread`), blob after blob, with the
    /// blob of each row.
    static func blobs(centres: [[Double]], perBlob: Int, spread: Double, seed: UInt64) throws -> (data: FeatureMatrix, truth: [Int]) {
        var rng = Xoshiro256(seed: seed)
        var rows: [[Double]] = [], truth: [Int] = []
        for (b, centre) in centres.enumerated() {
            for _ in 0..<perBlob {
                rows.append(centre.map { $0 + spread * Sampling.standardNormal(using: &rng) })
                truth.append(b)
            }
        }
        return (try FeatureMatrix(rows: rows), truth)
    }

    /// Four well-separated blobs in four dimensions.
    static let fourCorners: [[Double]] = [[0, 0, 0, 0], [10, 0, 0, 0], [0, 10, 0, 0], [0, 0, 10, 10]]

    /// Standard normal rows.
    static func noise(rows: Int, columns: Int, seed: UInt64) throws -> FeatureMatrix {
        var rng = Xoshiro256(seed: seed)
        return try FeatureMatrix(rows: (0..<rows).map { _ in (0..<columns).map { _ in Sampling.standardNormal(using: &rng) } })
    }

    /// Squared distance between two rows.
    static func squaredDistance(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
}

/// Whether two labelings describe the same partition (equal up to renaming the clusters).
func samePartition(_ a: [Int], _ b: [Int]) -> Bool {
    guard a.count == b.count else { return false }
    var forward: [Int: Int] = [:], backward: [Int: Int] = [:]
    for (x, y) in zip(a, b) {
        if forward[x, default: y] != y || backward[y, default: x] != x { return false }
        forward[x] = y
        backward[y] = x
    }
    return true
}
