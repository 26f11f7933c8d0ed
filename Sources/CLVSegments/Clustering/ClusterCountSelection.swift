/// k-means over a range of cluster counts, to choose k: the inertia of each k (for an elbow plot),
/// its mean silhouette, and the k with the highest silhouette.
public struct ClusterCountSelection: Sendable, Hashable {
    /// The outcome for one k.
    public struct Candidate: Sendable, Hashable {
        /// k.
        public let clusterCount: Int
        /// k-means inertia on all rows.
        public let inertia: Double
        /// Mean silhouette, exact or on the sample (see ``ClusterCountSelection/silhouetteSampleSize``).
        public let silhouette: Double

        /// The outcome for `clusterCount` clusters.
        public init(clusterCount: Int, inertia: Double, silhouette: Double) {
            self.clusterCount = clusterCount
            self.inertia = inertia
            self.silhouette = silhouette
        }
    }

    /// One candidate per k, ascending.
    public let candidates: [Candidate]
    /// The number of rows the silhouettes were computed on: all rows up to the requested sample
    /// size, else a seeded random sample of that size (the same rows for every k).
    public let silhouetteSampleSize: Int
    /// The k with the highest mean silhouette (the smaller k on a tie).
    public let recommendedClusterCount: Int

    /// A selection from its candidates; ``recommendedClusterCount`` is derived from them (0 when there are none).
    public init(candidates: [Candidate], silhouetteSampleSize: Int) {
        self.candidates = candidates
        self.silhouetteSampleSize = silhouetteSampleSize
        recommendedClusterCount = candidates.max {
            $0.silhouette < $1.silhouette || ($0.silhouette == $1.silhouette && $0.clusterCount > $1.clusterCount)
        }?.clusterCount ?? 0
    }
}

extension KMeans {
    /// Runs this k-means configuration for every k in `clusterCounts` and recommends the k with the
    /// highest mean silhouette.
    ///
    /// Silhouettes cost O(n²), so above `silhouetteSampleSize` rows they are computed on a random
    /// sample of that many rows (seeded with ``seed``), as `silhouette_score(…, sample_size=)`.
    ///
    /// - Throws: ``ClusteringError`` for bad data or a range outside 2 … rows − 1.
    public func selectClusterCount(_ data: FeatureMatrix, among clusterCounts: ClosedRange<Int>,
                                   silhouetteSampleSize: Int = 10_000) throws -> ClusterCountSelection {
        try data.validate()
        try ClusteringError.require(clusterCounts.lowerBound >= 2, "clusterCounts.lowerBound", Double(clusterCounts.lowerBound), "≥ 2")
        try ClusteringError.require(clusterCounts.upperBound < data.rowCount, "clusterCounts.upperBound", Double(clusterCounts.upperBound),
                                    "below the number of rows, \(data.rowCount)")
        try ClusteringError.require(silhouetteSampleSize > clusterCounts.upperBound, "silhouetteSampleSize",
                                    Double(silhouetteSampleSize), "above the largest k")
        let candidates = try clusterCounts.map { k in
            var model = self
            model.clusterCount = k
            let result = try model.fit(data)
            let silhouette = try ClusterQuality.silhouette(data, labels: result.labels, sampleSize: silhouetteSampleSize, seed: seed)
            return ClusterCountSelection.Candidate(clusterCount: k, inertia: result.inertia, silhouette: silhouette)
        }
        return ClusterCountSelection(candidates: candidates, silhouetteSampleSize: Swift.min(silhouetteSampleSize, data.rowCount))
    }
}
