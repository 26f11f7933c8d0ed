import _CLVUtilities
import CLVNumerics

/// Internal validity indices of a clustering, as in scikit-learn's `sklearn.metrics`: silhouette,
/// Calinski–Harabasz and Davies–Bouldin. Labels may be any integers; distances are Euclidean.
public enum ClusterQuality {
    /// The silhouette of each row: s = (b − a) / max(a, b), with a the mean distance to the other rows
    /// of its cluster and b the lowest mean distance to the rows of another cluster; 0 for a row alone
    /// in its cluster (scikit-learn's `silhouette_samples`).
    ///
    /// > Rousseeuw, P. J. (1987). Silhouettes: a graphical aid to the interpretation and validation of
    /// > cluster analysis. *Journal of Computational and Applied Mathematics* 20, 53–65.
    ///
    /// - Throws: ``ClusteringError`` for bad data, a label count that differs from the rows, or fewer
    ///   than 2 or more than n − 1 distinct labels.
    /// - Complexity: O(n²·p) time, O(n·k) memory; rows run on all cores.
    public static func silhouetteSamples(_ data: FeatureMatrix, labels: [Int]) throws -> [Double] {
        let (codes, sizes) = try encode(data, labels)
        let n = data.rowCount, p = data.columnCount, k = sizes.count
        var result = [Double](repeating: 0, count: n)
        data.values.withUnsafeBufferPointer { x in
            result.withUnsafeMutableBufferPointer { buffer in
                let out = DisjointWrites(buffer)
                forEachChunk(count: n, minimumChunk: 64) { _, range in
                    var sums = [Double](repeating: 0, count: k)
                    for i in range {
                        for j in 0..<k { sums[j] = 0 }
                        for other in 0..<n {
                            var d = 0.0
                            for f in 0..<p {
                                let t = x[i * p + f] - x[other * p + f]
                                d += t * t
                            }
                            sums[codes[other]] += d.squareRoot()
                        }
                        let own = codes[i]
                        guard sizes[own] > 1 else { continue }
                        let a = sums[own] / Double(sizes[own] - 1)
                        var b = Double.infinity
                        for j in 0..<k where j != own { b = Swift.min(b, sums[j] / Double(sizes[j])) }
                        let denominator = Swift.max(a, b)
                        out.write(denominator > 0 ? (b - a) / denominator : 0, at: i)
                    }
                }
            }
        }
        return result
    }

    /// The mean silhouette over all rows (scikit-learn's `silhouette_score`).
    ///
    /// - Throws: As ``silhouetteSamples(_:labels:)``.
    public static func silhouette(_ data: FeatureMatrix, labels: [Int]) throws -> Double {
        let s = try silhouetteSamples(data, labels: labels)
        return s.reduce(0, +) / Double(s.count)
    }

    /// The mean silhouette of a seeded random sample of `sampleSize` rows, computed among the sampled
    /// rows only (as `silhouette_score(…, sample_size=)`); all rows when there are no more than that.
    ///
    /// - Throws: As ``silhouetteSamples(_:labels:)``, for the sample.
    public static func silhouette(_ data: FeatureMatrix, labels: [Int], sampleSize: Int, seed: UInt64) throws -> Double {
        guard labels.count == data.rowCount else {
            throw ClusteringError.shapeMismatch("\(labels.count) labels for \(data.rowCount) rows.")
        }
        try ClusteringError.require(sampleSize >= 2, "sampleSize", Double(sampleSize), "≥ 2")
        guard data.rowCount > sampleSize else { return try silhouette(data, labels: labels) }
        var rng = Xoshiro256(seed: seed)
        let rows = KMeans.sampleIndices(count: data.rowCount, size: sampleSize, using: &rng)
        return try silhouette(data.selecting(rows: rows), labels: rows.map { labels[$0] })
    }

    /// The Calinski–Harabasz index (variance ratio): [B / (k − 1)] / [W / (n − k)], with B the
    /// between-cluster and W the within-cluster sum of squares; 1 when W = 0.
    ///
    /// > Caliński, T. & Harabasz, J. (1974). A dendrite method for cluster analysis.
    /// > *Communications in Statistics* 3(1), 1–27.
    ///
    /// - Throws: As ``silhouetteSamples(_:labels:)``.
    public static func calinskiHarabasz(_ data: FeatureMatrix, labels: [Int]) throws -> Double {
        let (codes, sizes) = try encode(data, labels)
        let n = data.rowCount, p = data.columnCount, k = sizes.count
        let centroids = centroidsOf(data, codes: codes, sizes: sizes)
        let overall = (0..<p).map { f in (0..<n).reduce(0) { $0 + data[$1, f] } / Double(n) }
        var between = 0.0, within = 0.0
        for j in 0..<k {
            var d = 0.0
            for f in 0..<p { d += (centroids[j * p + f] - overall[f]) * (centroids[j * p + f] - overall[f]) }
            between += Double(sizes[j]) * d
        }
        for i in 0..<n {
            for f in 0..<p {
                let t = data[i, f] - centroids[codes[i] * p + f]
                within += t * t
            }
        }
        return within == 0 ? 1 : between * Double(n - k) / (within * Double(k - 1))
    }

    /// The Davies–Bouldin index: the mean over clusters of maxⱼ (Sᵢ + Sⱼ) / ‖cᵢ − cⱼ‖, with S the mean
    /// distance of a cluster's rows to its centroid; 0 when all S or all centroid distances are ≈ 0
    /// (scikit-learn's `davies_bouldin_score`; lower is better).
    ///
    /// > Davies, D. L. & Bouldin, D. W. (1979). A cluster separation measure. *IEEE Transactions on
    /// > Pattern Analysis and Machine Intelligence* PAMI-1(2), 224–227.
    ///
    /// - Throws: As ``silhouetteSamples(_:labels:)``.
    public static func daviesBouldin(_ data: FeatureMatrix, labels: [Int]) throws -> Double {
        let (codes, sizes) = try encode(data, labels)
        let n = data.rowCount, p = data.columnCount, k = sizes.count
        let centroids = centroidsOf(data, codes: codes, sizes: sizes)
        var scatter = [Double](repeating: 0, count: k)
        for i in 0..<n {
            var d = 0.0
            for f in 0..<p {
                let t = data[i, f] - centroids[codes[i] * p + f]
                d += t * t
            }
            scatter[codes[i]] += d.squareRoot()
        }
        for j in 0..<k { scatter[j] /= Double(sizes[j]) }
        var separation = [Double](repeating: 0, count: k * k)
        for a in 0..<k {
            for b in 0..<k {
                var d = 0.0
                for f in 0..<p { d += (centroids[a * p + f] - centroids[b * p + f]) * (centroids[a * p + f] - centroids[b * p + f]) }
                separation[a * k + b] = d.squareRoot()
            }
        }
        // numpy.isclose(·, 0) with its default absolute tolerance 1e-8.
        if scatter.allSatisfy({ abs($0) <= 1e-8 }) || separation.allSatisfy({ abs($0) <= 1e-8 }) { return 0 }
        var total = 0.0
        for a in 0..<k {
            var worst = 0.0
            for b in 0..<k where separation[a * k + b] > 0 {
                worst = Swift.max(worst, (scatter[a] + scatter[b]) / separation[a * k + b])
            }
            total += worst
        }
        return total / Double(k)
    }

    /// Labels encoded as 0..<k in ascending order of the label values, and the cluster sizes.
    static func encode(_ data: FeatureMatrix, _ labels: [Int]) throws -> (codes: [Int], sizes: [Int]) {
        try data.validate()
        guard labels.count == data.rowCount else {
            throw ClusteringError.shapeMismatch("\(labels.count) labels for \(data.rowCount) rows.")
        }
        let distinct = Array(Set(labels)).sorted()
        guard distinct.count >= 2, distinct.count <= data.rowCount - 1 else {
            throw ClusteringError.invalidLabelCount(labels: distinct.count, rows: data.rowCount)
        }
        let code = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
        let codes = labels.map { code[$0]! }
        var sizes = [Int](repeating: 0, count: distinct.count)
        for c in codes { sizes[c] += 1 }
        return (codes, sizes)
    }

    /// Cluster means, row-major k × p.
    static func centroidsOf(_ data: FeatureMatrix, codes: [Int], sizes: [Int]) -> [Double] {
        let p = data.columnCount
        var centroids = [Double](repeating: 0, count: sizes.count * p)
        for i in 0..<data.rowCount {
            for f in 0..<p { centroids[codes[i] * p + f] += data[i, f] }
        }
        for j in sizes.indices {
            for f in 0..<p { centroids[j * p + f] /= Double(sizes[j]) }
        }
        return centroids
    }
}
