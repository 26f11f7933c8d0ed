extension SelfOrganizingMap {
    /// Groups the units into `count` clusters by Ward agglomerative clustering of their weight
    /// vectors, so that neighbouring, similar units form one customer segment.
    ///
    /// - Returns: The cluster of each unit (numbered in order of their first unit); with
    ///   `count == unitCount` every unit is its own cluster.
    /// - Throws: ``ClusteringError/invalidParameter(name:value:requirement:)`` unless 1 ≤ `count` ≤ ``unitCount``.
    public func unitClusters(count: Int) throws -> [Int] {
        try ClusteringError.require(count >= 1 && count <= unitCount, "count", Double(count), "between 1 and the \(unitCount) units")
        let units = try FeatureMatrix(rowCount: unitCount, columnNames: (0..<dimension).map { "w\($0)" }, values: weights)
        return try AgglomerativeClustering(linkage: .ward).fit(units).labels(clusterCount: count)
    }

    /// The cluster of each row: the cluster of its winning unit.
    ///
    /// - Parameter unitClusters: One cluster per unit, e.g. from ``unitClusters(count:)``.
    /// - Throws: As ``winners(_:)``, or ``ClusteringError/shapeMismatch(_:)`` when `unitClusters` does not have one entry per unit.
    public func clusterLabels(_ data: FeatureMatrix, unitClusters: [Int]) throws -> [Int] {
        guard unitClusters.count == unitCount else {
            throw ClusteringError.shapeMismatch("\(unitClusters.count) unit clusters for \(unitCount) units.")
        }
        return try winners(data).map { unitClusters[$0] }
    }
}
