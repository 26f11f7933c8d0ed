import CLVCore
import Foundation

/// Two-step clustering for large customer bases, after SPSS TwoStep: (1) one pass over the rows
/// builds a CF-tree whose leaf entries are at most ``maxSubclusters`` sub-clusters; (2) Ward
/// agglomerative clustering of the sub-cluster centroids, weighted by their sizes (so each merge
/// costs exactly the increase in within-cluster sum of squares of the underlying rows), with an
/// automatic number of clusters; finally every row goes to the nearest cluster centre.
///
/// The automatic number of clusters follows SPSS's two phases, with Ward distances in place of the
/// log-likelihood distance:
/// 1. For k = 1 … ``maxClusterCount`` the Bayesian information criterion of the hierarchy's
///    k-cluster partition, with independent normal columns per cluster,
///    BIC(k) = Σⱼ Nⱼ Σ_f ln(σ²_f + σ²ⱼf) + 2kp·ln n (σ²_f the variance of column f over all rows, so
///    a one-row cluster stays finite). With dBIC(k) = BIC(k) − BIC(k+1), the first estimate is the
///    smallest k with dBIC(k)/dBIC(1) < 0.04 (k = 1 when dBIC(1) ≤ 0; ``maxClusterCount`` if none).
/// 2. For k = 2 … that estimate, the ratio of distance changes R(k) = d(k) / d(k+1), d(k) being the
///    merge distance that takes k clusters to k − 1. Of the two largest ratios, the larger wins if it
///    exceeds the other by more than 15 %, otherwise the larger k of the two.
/// The result is bounded to [2, ``maxClusterCount``] (and by the number of sub-clusters).
///
/// Outlier handling of SPSS (noise leaves) is not done: every row belongs to a cluster.
///
/// > Chiu, T., Fang, D., Chen, J., Wang, Y. & Jeris, C. (2001). A robust and scalable clustering
/// > algorithm for mixed type attributes in large database environment. *KDD '01*, 263–268.
public struct TwoStepClustering: Sendable, Hashable {
    /// Largest number of clusters the automatic choice may return.
    public var maxClusterCount: Int
    /// A fixed number of clusters, or nil to choose it automatically.
    public var clusterCount: Int?
    /// Most CF-tree leaf entries (sub-clusters) kept in step 1.
    public var maxSubclusters: Int
    /// Starting radius threshold of the CF-tree (0: only identical rows share an entry at first).
    public var initialThreshold: Double
    /// Checked every 16,384 rows of step 1 and before the final assignment; ``fit(_:)`` then throws
    /// `CancellationError`.
    public var cancellation: CancellationToken?

    /// Settings; by default up to 15 clusters chosen automatically from at most 1000 sub-clusters.
    /// Values are checked by ``fit(_:)``.
    public init(maxClusterCount: Int = 15, clusterCount: Int? = nil, maxSubclusters: Int = 1000, initialThreshold: Double = 0) {
        self.maxClusterCount = maxClusterCount
        self.clusterCount = clusterCount
        self.maxSubclusters = maxSubclusters
        self.initialThreshold = initialThreshold
    }

    /// Clusters `data` (usually standardized with ``FeatureScaling``).
    ///
    /// - Throws: ``ClusteringError`` for empty or non-finite data, or parameters out of range;
    ///   `CancellationError` when ``cancellation`` is cancelled.
    /// - Complexity: O(n·p·log m) for step 1, O(m²) for step 2 (m sub-clusters), O(n·k·p) for the assignment.
    public func fit(_ data: FeatureMatrix) throws -> TwoStepResult {
        try data.validate()
        try ClusteringError.require(maxClusterCount >= 2, "maxClusterCount", Double(maxClusterCount), "≥ 2")
        try ClusteringError.require(maxSubclusters >= 2, "maxSubclusters", Double(maxSubclusters), "≥ 2")
        try ClusteringError.require(initialThreshold >= 0 && initialThreshold.isFinite, "initialThreshold", initialThreshold,
                                    "finite and ≥ 0")
        if let k = clusterCount {
            try ClusteringError.require(k >= 1 && k <= data.rowCount, "clusterCount", Double(k), "between 1 and the number of rows")
        }

        var tree = ClusteringFeatureTree(threshold: initialThreshold, maxLeafEntries: maxSubclusters)
        try data.values.withUnsafeBufferPointer { x in
            let p = data.columnCount
            for i in 0..<data.rowCount {
                if i & 16383 == 0 { try cancellation?.check() }
                tree.insert(ClusteringFeature(row: x[(i * p)..<((i + 1) * p)]))
            }
        }
        let subclusters = tree.leafEntries
        let m = subclusters.count
        let centroids = try FeatureMatrix(rowCount: m, columnNames: data.columnNames, values: subclusters.flatMap(\.centroid))
        let dendrogram = try AgglomerativeClustering(linkage: .ward).fit(centroids, weights: subclusters.map(\.count))

        let bic = Self.informationCriteria(subclusters, dendrogram: dendrogram, upTo: Swift.min(maxClusterCount + 1, m))
        let firstEstimate = Self.firstEstimate(bic: bic, maxClusterCount: Swift.min(maxClusterCount, m))
        let k = clusterCount.map { Swift.min($0, m) }
            ?? Self.distanceChangeChoice(dendrogram, upTo: firstEstimate, maxClusterCount: Swift.min(maxClusterCount, m))

        // Cluster features of the k clusters, numbered by decreasing size.
        let cut = dendrogram.labels(clusterCount: k)
        var groups = [ClusteringFeature](repeating: ClusteringFeature(count: 0, linearSum: .init(repeating: 0, count: data.columnCount),
                                                                      squareSum: .init(repeating: 0, count: data.columnCount)), count: k)
        for (s, label) in cut.enumerated() { groups[label].add(subclusters[s]) }
        let order = groups.indices.sorted { groups[$0].count > groups[$1].count || (groups[$0].count == groups[$1].count && $0 < $1) }
        var rank = [Int](repeating: 0, count: k)
        for (r, g) in order.enumerated() { rank[g] = r }
        let centres = try FeatureMatrix(rowCount: k, columnNames: data.columnNames, values: order.flatMap { groups[$0].centroid })

        try cancellation?.check()
        var labels32 = [Int32](repeating: 0, count: data.rowCount)
        _ = data.values.withUnsafeBufferPointer { x in
            KMeans.assign(x, rows: data.rowCount, columns: data.columnCount, centres: centres.values, clusterCount: k, labels: &labels32)
        }
        return TwoStepResult(labels: labels32.map(Int.init), centres: centres, subclusters: subclusters,
                             subclusterLabels: cut.map { rank[$0] }, threshold: tree.threshold, dendrogram: dendrogram,
                             informationCriteria: bic, firstEstimate: firstEstimate)
    }

    /// BIC(k) for k = 1 … `upTo`, from the cluster features along the merge tree.
    static func informationCriteria(_ subclusters: [ClusteringFeature], dendrogram: Dendrogram, upTo kMax: Int) -> [Double] {
        let m = subclusters.count
        guard m >= 1 else { return [] }
        var total = subclusters[0]
        for s in subclusters.dropFirst() { total.add(s) }
        let overallVariance = total.variances
        let p = Double(overallVariance.count), n = total.count
        func term(_ cf: ClusteringFeature) -> Double {
            let v = cf.variances
            var sum = 0.0
            for f in v.indices { sum += Foundation.log(overallVariance[f] + v[f]) }
            return cf.count * sum
        }
        var nodes = subclusters
        var likelihoodTerm = subclusters.reduce(0) { $0 + term($1) }
        var bic = [Double](repeating: .nan, count: kMax)
        if m <= kMax { bic[m - 1] = likelihoodTerm + 2 * Double(m) * p * Foundation.log(n) }
        for (i, merge) in dendrogram.merges.enumerated() {
            var joined = nodes[merge.first]
            joined.add(nodes[merge.second])
            likelihoodTerm += term(joined) - term(nodes[merge.first]) - term(nodes[merge.second])
            nodes.append(joined)
            let k = m - i - 1
            if k <= kMax { bic[k - 1] = likelihoodTerm + 2 * Double(k) * p * Foundation.log(n) }
        }
        return bic
    }

    /// Phase 1: the smallest k with dBIC(k)/dBIC(1) < 0.04.
    static func firstEstimate(bic: [Double], maxClusterCount: Int) -> Int {
        guard bic.count >= 2 else { return 1 }
        let first = bic[0] - bic[1]
        guard first > 0 else { return 1 }
        for k in 1..<bic.count where k <= maxClusterCount {
            if (bic[k - 1] - bic[k]) / first < 0.04 { return k }
        }
        return maxClusterCount
    }

    /// Phase 2: the ratio of distance changes among k = 2 … `estimate`, bounded to [2, `maxClusterCount`].
    static func distanceChangeChoice(_ dendrogram: Dendrogram, upTo estimate: Int, maxClusterCount: Int) -> Int {
        let m = dendrogram.leafCount
        guard m >= 2 else { return 1 }
        let upper = Swift.min(Swift.max(estimate, 2), maxClusterCount, m - 1)
        guard upper > 2 else { return Swift.min(2, m) }
        var ratios: [(k: Int, ratio: Double)] = []
        for k in 2...upper {
            let (here, next) = (dendrogram.mergeDistance(fromClusterCount: k), dendrogram.mergeDistance(fromClusterCount: k + 1))
            ratios.append((k, next > 0 ? here / next : (here > 0 ? .infinity : 1)))
        }
        ratios.sort { $0.ratio > $1.ratio || ($0.ratio == $1.ratio && $0.k < $1.k) }
        let (best, second) = (ratios[0], ratios[1])
        return best.ratio > 1.15 * second.ratio ? best.k : Swift.max(best.k, second.k)
    }
}

/// The outcome of ``TwoStepClustering/fit(_:)``.
public struct TwoStepResult: Sendable, Hashable {
    /// The cluster of each row (nearest final centre), clusters numbered by decreasing size in step 2.
    public let labels: [Int]
    /// The final cluster centres (means of their sub-clusters), one row per cluster.
    public let centres: FeatureMatrix
    /// The CF-tree leaf entries of step 1.
    public let subclusters: [ClusteringFeature]
    /// The step-2 cluster of each sub-cluster.
    public let subclusterLabels: [Int]
    /// The CF-tree radius threshold at the end of step 1.
    public let threshold: Double
    /// Ward merge tree of the sub-clusters.
    public let dendrogram: Dendrogram
    /// BIC(k) for k = 1, 2, … (index k − 1), as used by the automatic choice.
    public let informationCriteria: [Double]
    /// The phase-1 (BIC) estimate of the number of clusters.
    public let firstEstimate: Int

    /// A result from its parts; nothing is checked.
    public init(labels: [Int], centres: FeatureMatrix, subclusters: [ClusteringFeature], subclusterLabels: [Int], threshold: Double,
                dendrogram: Dendrogram, informationCriteria: [Double], firstEstimate: Int) {
        self.labels = labels
        self.centres = centres
        self.subclusters = subclusters
        self.subclusterLabels = subclusterLabels
        self.threshold = threshold
        self.dendrogram = dendrogram
        self.informationCriteria = informationCriteria
        self.firstEstimate = firstEstimate
    }

    /// Number of clusters.
    public var clusterCount: Int { centres.rowCount }
}
