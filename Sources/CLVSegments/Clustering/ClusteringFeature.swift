/// A clustering feature (BIRCH): the count, per-column linear sum and per-column sum of squares of a
/// group of rows. Two groups merge by adding their features, and the centroid, radius and variances
/// follow from the sums, so a sub-cluster never needs its rows again.
///
/// > Zhang, T., Ramakrishnan, R. & Livny, M. (1996). BIRCH: an efficient data clustering method for
/// > very large databases. *SIGMOD '96*, 103–114.
public struct ClusteringFeature: Sendable, Hashable {
    /// Number of rows N.
    public var count: Double
    /// Σ x per column.
    public var linearSum: [Double]
    /// Σ x² per column.
    public var squareSum: [Double]

    /// A feature from its sums; `linearSum` and `squareSum` have one entry per column.
    public init(count: Double, linearSum: [Double], squareSum: [Double]) {
        self.count = count
        self.linearSum = linearSum
        self.squareSum = squareSum
    }

    /// The feature of a single row.
    public init(row: some Collection<Double>) {
        count = 1
        linearSum = Array(row)
        squareSum = row.map { $0 * $0 }
    }

    /// Adds the rows of `other`.
    public mutating func add(_ other: ClusteringFeature) {
        count += other.count
        for f in linearSum.indices {
            linearSum[f] += other.linearSum[f]
            squareSum[f] += other.squareSum[f]
        }
    }

    /// The mean row.
    public var centroid: [Double] { linearSum.map { $0 / count } }

    /// Population variance of each column.
    public var variances: [Double] {
        linearSum.indices.map { f in Swift.max(0, squareSum[f] / count - (linearSum[f] / count) * (linearSum[f] / count)) }
    }

    /// Root-mean-square distance of the rows to the centroid.
    public var radius: Double { variances.reduce(0, +).squareRoot() }

    /// Squared distance between the centroids of `self` and `other`.
    func squaredCentroidDistance(to other: ClusteringFeature) -> Double {
        var d = 0.0
        for f in linearSum.indices {
            let t = linearSum[f] / count - other.linearSum[f] / other.count
            d += t * t
        }
        return d
    }

    /// The radius the union of `self` and `other` would have.
    func mergedRadius(with other: ClusteringFeature) -> Double {
        let n = count + other.count
        var total = 0.0
        for f in linearSum.indices {
            let mean = (linearSum[f] + other.linearSum[f]) / n
            total += (squareSum[f] + other.squareSum[f]) / n - mean * mean
        }
        return Swift.max(0, total).squareRoot()
    }
}
