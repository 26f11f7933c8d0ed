/// The merge tree of an agglomerative clustering, in scipy's `linkage` / scikit-learn's `children_`
/// convention: leaves are `0..<leafCount`, and merge `i` creates node `leafCount + i`.
public struct Dendrogram: Sendable, Hashable {
    /// One merge of two nodes.
    public struct Merge: Sendable, Hashable {
        /// The smaller node id.
        public let first: Int
        /// The larger node id.
        public let second: Int
        /// The linkage distance at which the two merge.
        public let distance: Double
        /// Number of leaves under the new node.
        public let leafCount: Int

        /// A merge of nodes `first` < `second` at `distance`, giving a node with `leafCount` leaves.
        public init(first: Int, second: Int, distance: Double, leafCount: Int) {
            self.first = first
            self.second = second
            self.distance = distance
            self.leafCount = leafCount
        }
    }

    /// Number of clustered rows.
    public let leafCount: Int
    /// The `leafCount − 1` merges, by non-decreasing distance.
    public let merges: [Merge]

    /// A tree from its merges, in the order described at ``merges`` (not checked).
    public init(leafCount: Int, merges: [Merge]) {
        self.leafCount = leafCount
        self.merges = merges
    }

    /// The partition into `clusterCount` clusters obtained by undoing the last `clusterCount − 1`
    /// merges. Clusters are numbered in order of their first row.
    ///
    /// - Precondition: `1 ≤ clusterCount ≤ leafCount`.
    public func labels(clusterCount: Int) -> [Int] {
        precondition(clusterCount >= 1 && clusterCount <= leafCount, "labels(clusterCount:) needs 1 ≤ clusterCount ≤ leafCount")
        var parent = Array(0..<(2 * leafCount - 1))
        func root(_ node: Int) -> Int {
            var r = node
            while parent[r] != r { r = parent[r] }
            var walk = node
            while parent[walk] != r { (walk, parent[walk]) = (parent[walk], r) }
            return r
        }
        for (i, merge) in merges.prefix(leafCount - clusterCount).enumerated() {
            parent[root(merge.first)] = leafCount + i
            parent[root(merge.second)] = leafCount + i
        }
        var number: [Int: Int] = [:]
        return (0..<leafCount).map { leaf in
            let r = root(leaf)
            if let existing = number[r] { return existing }
            number[r] = number.count
            return number[r]!
        }
    }

    /// The distance of the merge that takes `clusterCount` clusters to `clusterCount − 1`.
    ///
    /// - Precondition: `2 ≤ clusterCount ≤ leafCount`.
    public func mergeDistance(fromClusterCount clusterCount: Int) -> Double {
        precondition(clusterCount >= 2 && clusterCount <= leafCount, "mergeDistance needs 2 ≤ clusterCount ≤ leafCount")
        return merges[leafCount - clusterCount].distance
    }
}
