/// A height-balanced CF-tree (BIRCH) that summarises rows into at most `maxLeafEntries` sub-clusters
/// in one pass.
///
/// A row joins the closest leaf entry (by centroid) when the merged radius stays within `threshold`,
/// otherwise it starts a new entry; full nodes split around their two farthest entries. When the
/// leaf entries exceed `maxLeafEntries`, the threshold is raised and the tree rebuilt from its own
/// leaf entries (rows are not read again), until they fit: the new threshold is the larger of
/// 1.1 × the old one and the smallest merged radius of two entries sharing a leaf. Small steps keep
/// the number of sub-clusters near the maximum (rebuilds only reinsert at most that many entries).
struct ClusteringFeatureTree {
    final class Node {
        var isLeaf: Bool
        var entries: [ClusteringFeature]
        var children: [Node]

        init(isLeaf: Bool, entries: [ClusteringFeature] = [], children: [Node] = []) {
            self.isLeaf = isLeaf
            self.entries = entries
            self.children = children
        }

        var summary: ClusteringFeature {
            var total = entries[0]
            for e in entries.dropFirst() { total.add(e) }
            return total
        }
    }

    private(set) var threshold: Double
    let branchingFactor: Int
    let leafCapacity: Int
    let maxLeafEntries: Int
    private(set) var root = Node(isLeaf: true)
    private(set) var leafEntryCount = 0
    /// Number of times the tree was rebuilt with a larger threshold.
    private(set) var rebuilds = 0

    init(threshold: Double, maxLeafEntries: Int, branchingFactor: Int = 8, leafCapacity: Int = 8) {
        self.threshold = threshold
        self.maxLeafEntries = maxLeafEntries
        self.branchingFactor = branchingFactor
        self.leafCapacity = leafCapacity
    }

    /// Inserts a group of rows (a single row is `ClusteringFeature(row:)`).
    mutating func insert(_ feature: ClusteringFeature) {
        if let sibling = insert(feature, into: root) {
            root = Node(isLeaf: false, entries: [root.summary, sibling.summary], children: [root, sibling])
        }
        while leafEntryCount > maxLeafEntries { rebuild() }
    }

    /// The sub-clusters, leaf by leaf from left to right.
    var leafEntries: [ClusteringFeature] {
        var out: [ClusteringFeature] = []
        func collect(_ node: Node) {
            if node.isLeaf { out.append(contentsOf: node.entries) } else { node.children.forEach(collect) }
        }
        collect(root)
        return out
    }

    /// Inserts into the subtree at `node`; returns a new right sibling when `node` had to split.
    private mutating func insert(_ feature: ClusteringFeature, into node: Node) -> Node? {
        let closest = Self.closestEntry(in: node.entries, to: feature)
        if node.isLeaf {
            if let c = closest, node.entries[c].mergedRadius(with: feature) <= threshold {
                node.entries[c].add(feature)
                return nil
            }
            node.entries.append(feature)
            leafEntryCount += 1
            return node.entries.count > leafCapacity ? split(node) : nil
        }
        let c = closest!
        guard let sibling = insert(feature, into: node.children[c]) else {
            node.entries[c].add(feature)
            return nil
        }
        node.entries[c] = node.children[c].summary
        node.children.insert(sibling, at: c + 1)
        node.entries.insert(sibling.summary, at: c + 1)
        return node.children.count > branchingFactor ? split(node) : nil
    }

    /// Splits `node` around its two farthest entries; `node` keeps the first group and the returned
    /// node takes the second.
    private func split(_ node: Node) -> Node {
        let entries = node.entries
        var seeds = (0, 1), farthest = -1.0
        for a in entries.indices {
            for b in (a + 1)..<entries.count {
                let d = entries[a].squaredCentroidDistance(to: entries[b])
                if d > farthest {
                    farthest = d
                    seeds = (a, b)
                }
            }
        }
        var keep: [Int] = [], move: [Int] = []
        for i in entries.indices {
            if i == seeds.0 { keep.append(i); continue }
            if i == seeds.1 { move.append(i); continue }
            let toFirst = entries[i].squaredCentroidDistance(to: entries[seeds.0])
            let toSecond = entries[i].squaredCentroidDistance(to: entries[seeds.1])
            if toFirst <= toSecond { keep.append(i) } else { move.append(i) }
        }
        let sibling = Node(isLeaf: node.isLeaf, entries: move.map { entries[$0] },
                           children: node.isLeaf ? [] : move.map { node.children[$0] })
        if !node.isLeaf { node.children = keep.map { node.children[$0] } }
        node.entries = keep.map { entries[$0] }
        return sibling
    }

    /// Raises the threshold and reinserts the leaf entries into a fresh tree.
    private mutating func rebuild() {
        let entries = leafEntries
        threshold = nextThreshold()
        rebuilds += 1
        root = Node(isLeaf: true)
        leafEntryCount = 0
        for e in entries {
            if let sibling = insert(e, into: root) {
                root = Node(isLeaf: false, entries: [root.summary, sibling.summary], children: [root, sibling])
            }
        }
    }

    private func nextThreshold() -> Double {
        var smallest = Double.infinity
        func visit(_ node: Node) {
            guard node.isLeaf else { node.children.forEach(visit); return }
            for a in node.entries.indices {
                for b in (a + 1)..<node.entries.count { smallest = Swift.min(smallest, node.entries[a].mergedRadius(with: node.entries[b])) }
            }
        }
        visit(root)
        let raised = Swift.max(smallest.isFinite ? smallest : 0, 1.1 * threshold)
        return raised > threshold ? raised : (threshold > 0 ? 2 * threshold : Double.leastNormalMagnitude)
    }

    private static func closestEntry(in entries: [ClusteringFeature], to feature: ClusteringFeature) -> Int? {
        var best: Int?, bestDistance = Double.infinity
        for (i, e) in entries.enumerated() {
            let d = e.squaredCentroidDistance(to: feature)
            if d < bestDistance {
                bestDistance = d
                best = i
            }
        }
        return best
    }
}
