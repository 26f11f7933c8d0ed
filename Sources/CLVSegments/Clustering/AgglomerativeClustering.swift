/// Hierarchical agglomerative clustering with Ward, complete, average or single linkage, on
/// Euclidean distances (scikit-learn's `AgglomerativeClustering` without connectivity, which calls
/// scipy's `linkage`).
///
/// Uses the nearest-neighbour chain algorithm on a condensed distance matrix updated by the
/// Lance–Williams formulas, then sorts the merges by distance and renumbers the nodes, as scipy does,
/// so merges, distances and partitions agree with scipy/scikit-learn (up to rounding and ties).
/// Ward distances are scipy's: merging clusters A and B costs √(2·|A||B|/(|A|+|B|))·‖c_A − c_B‖,
/// i.e. √(2·ΔSSE).
///
/// > Müllner, D. (2011). Modern hierarchical, agglomerative clustering algorithms. arXiv:1109.2378.
public struct AgglomerativeClustering: Sendable, Hashable {
    /// How the distance between two clusters is defined.
    public enum Linkage: String, Sendable, Hashable, Codable, CaseIterable {
        /// Increase in the within-cluster sum of squares (reported as √(2·Δ)).
        case ward
        /// Largest distance between members.
        case complete
        /// Mean distance between members.
        case average
        /// Smallest distance between members.
        case single
    }

    /// The linkage criterion.
    public var linkage: Linkage

    /// A clustering with the given linkage (Ward by default).
    public init(linkage: Linkage = .ward) { self.linkage = linkage }

    /// Builds the full merge tree of the rows of `data`.
    ///
    /// - Parameters:
    ///   - data: Rows to cluster.
    ///   - weights: Optional number of original rows each row stands for (e.g. the sizes of
    ///     pre-clustered sub-clusters given by their centroids). Ward is then exact for the
    ///     underlying rows; average weighs the representatives by size; complete and single ignore it.
    /// - Throws: ``ClusteringError`` for bad data or weights that are not finite and > 0.
    /// - Complexity: O(n²) time and memory (n(n−1)/2 distances): meant for up to a few thousand rows.
    public func fit(_ data: FeatureMatrix, weights: [Double]? = nil) throws -> Dendrogram {
        try data.validate()
        let n = data.rowCount, p = data.columnCount
        var size = weights ?? [Double](repeating: 1, count: n)
        guard size.count == n else { throw ClusteringError.shapeMismatch("\(size.count) weights for \(n) rows.") }
        for w in size { try ClusteringError.require(w.isFinite && w > 0, "weight", w, "finite and > 0") }
        guard n > 1 else { return Dendrogram(leafCount: n, merges: []) }

        var distance = [Double](repeating: 0, count: n * (n - 1) / 2)
        @inline(__always) func index(_ a: Int, _ b: Int) -> Int {
            let (i, j) = a < b ? (a, b) : (b, a)
            return n * i - i * (i + 1) / 2 + j - i - 1
        }
        data.values.withUnsafeBufferPointer { x in
            for i in 0..<n {
                for j in (i + 1)..<n {
                    var d = 0.0
                    for f in 0..<p {
                        let t = x[i * p + f] - x[j * p + f]
                        d += t * t
                    }
                    if linkage == .ward, weights != nil { d *= 2 * size[i] * size[j] / (size[i] + size[j]) }
                    distance[index(i, j)] = d.squareRoot()
                }
            }
        }

        var active = [Bool](repeating: true, count: n)
        var raw: [(x: Int, y: Int, distance: Double)] = []
        raw.reserveCapacity(n - 1)
        var chain: [Int] = []
        while raw.count < n - 1 {
            if chain.isEmpty { chain.append(active.firstIndex(of: true)!) }
            var x = 0, y = 0, nearest = 0.0
            while true {
                x = chain[chain.count - 1]
                if chain.count > 1 {
                    y = chain[chain.count - 2]
                    nearest = distance[index(x, y)]
                } else {
                    nearest = .infinity
                }
                for i in 0..<n where active[i] && i != x {
                    let d = distance[index(x, i)]
                    if d < nearest {
                        nearest = d
                        y = i
                    }
                }
                if chain.count > 1 && y == chain[chain.count - 2] { break }
                chain.append(y)
            }
            chain.removeLast(2)
            if x > y { swap(&x, &y) }
            raw.append((x, y, nearest))
            // The merged cluster takes y's place.
            let (sx, sy) = (size[x], size[y])
            for i in 0..<n where active[i] && i != x && i != y {
                let dxi = distance[index(x, i)], dyi = distance[index(y, i)]
                let updated: Double
                switch linkage {
                case .single: updated = Swift.min(dxi, dyi)
                case .complete: updated = Swift.max(dxi, dyi)
                case .average: updated = (sx * dxi + sy * dyi) / (sx + sy)
                case .ward:
                    let si = size[i], t = 1 / (sx + sy + si)
                    updated = ((si + sx) * t * dxi * dxi + (si + sy) * t * dyi * dyi - si * t * nearest * nearest).squareRoot()
                }
                distance[index(y, i)] = updated
            }
            active[x] = false
            size[y] = sx + sy
        }

        // Sort by distance (stable) and name the new nodes n, n+1, … in that order.
        let order = raw.indices.sorted { raw[$0].distance < raw[$1].distance || (raw[$0].distance == raw[$1].distance && $0 < $1) }
        var parent = Array(0..<(2 * n - 1))
        var count = [Int](repeating: 1, count: 2 * n - 1)
        func root(_ node: Int) -> Int {
            var r = node
            while parent[r] != r { r = parent[r] }
            var walk = node
            while parent[walk] != r { (walk, parent[walk]) = (parent[walk], r) }
            return r
        }
        var merges: [Dendrogram.Merge] = []
        merges.reserveCapacity(n - 1)
        for (step, k) in order.enumerated() {
            let a = root(raw[k].x), b = root(raw[k].y)
            let node = n + step
            parent[a] = node
            parent[b] = node
            count[node] = count[a] + count[b]
            merges.append(Dendrogram.Merge(first: Swift.min(a, b), second: Swift.max(a, b), distance: raw[k].distance,
                                           leafCount: count[node]))
        }
        return Dendrogram(leafCount: n, merges: merges)
    }
}
