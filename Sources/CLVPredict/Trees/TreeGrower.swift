import CLVNumerics
import Dispatch
import _CLVUtilities

/// A leaf of a grown tree and its rows: `workspace.rows(feature: 0, depth: depth)[start..<end]`.
struct TreeLeafSegment: Sendable {
    var node: Int
    var depth: Int
    var start: Int
    var end: Int
}

/// Greedy, depth-first CART growth on a ``TreeWorkspace`` (scikit-learn's `DepthFirstTreeBuilder`
/// with the `best` splitter).
///
/// At each node every candidate feature is scanned in its presorted order; a candidate threshold lies
/// halfway (`a/2 + b/2`) between consecutive values that differ by more than 1e-7, with at least
/// `minSamplesLeaf` rows on each side, and the highest proxy wins (the first one on equal proxies:
/// features in order, then lower thresholds). A node stays a leaf when it is at `maxDepth`, has fewer
/// than `minSamplesSplit` or `2·minSamplesLeaf` rows, holds a single target value, has impurity
/// ≤ DBL_EPSILON, has no candidate, or when the weighted impurity decrease
/// `W_t/W · (imp − W_R/W_t·imp_R − W_L/W_t·imp_L)` plus DBL_EPSILON is below `minImpurityDecrease`.
struct TreeGrower<Criterion: TreeSplitCriterion> {
    let workspace: TreeWorkspace
    /// Weight and target of every table row (rows outside the workspace are not read).
    let weight: UnsafeBufferPointer<Double>
    let target: UnsafeBufferPointer<Double>
    let limits: TreeLimits
    /// Features looked at per node; fewer than all draws them at random from `random`.
    let maxFeatures: Int
    var random: Xoshiro256
    /// Reused by ``bestSplitOfRandomFeatures``: the order in which features are drawn at a node.
    var featureOrder: [Int] = []
    /// Spread the work of large nodes over the cores (off when trees are grown in parallel).
    let parallel: Bool

    /// Values that differ by no more than this are treated as equal (scikit-learn's FEATURE_THRESHOLD).
    static var equalValueTolerance: Double { 1e-7 }

    private struct Stats {
        var count: Int
        var weight: Double
        var sum: Double
        var sumOfSquares: Double
        var singleTarget: Bool
        var impurity: Double
    }

    private struct Split {
        var feature: Int
        var position: Int
        var proxy: Double
        var threshold: Double
    }

    private struct Pending {
        var start: Int
        var end: Int
        var depth: Int
        var parent: Int
        var isLeft: Bool
        var stats: Stats
    }

    /// Grows the tree; node values are the weighted target means (class-1 shares for 0/1 targets).
    mutating func grow() -> (tree: FittedTree, leaves: [TreeLeafSegment]) {
        let rowData = TreeRowData(weight: weight, target: target)
        defer { rowData.deallocate() }

        var feature: [Int] = [], threshold: [Double] = [], left: [Int] = [], right: [Int] = []
        var value: [Double] = [], sampleCount: [Int] = [], weighted: [Double] = [], impurity: [Double] = []
        var leaves: [TreeLeafSegment] = []
        let root = stats(feature: 0, start: 0, end: workspace.count, depth: 0)
        let totalWeight = root.weight
        var stack = [Pending(start: 0, end: workspace.count, depth: 0, parent: -1, isLeft: true, stats: root)]

        while let item = stack.popLast() {
            let node = feature.count
            if item.parent >= 0 {
                if item.isLeft { left[item.parent] = node } else { right[item.parent] = node }
            }
            let s = item.stats
            feature.append(-1); threshold.append(0); left.append(-1); right.append(-1)
            value.append(s.sum / s.weight); sampleCount.append(s.count); weighted.append(s.weight)
            impurity.append(s.impurity)

            var chosen: (split: Split, left: Stats, right: Stats)?
            if !mustBeLeaf(s, depth: item.depth),
               let split = bestSplit(start: item.start, end: item.end, depth: item.depth, stats: s, rowData: rowData) {
                let l = stats(feature: split.feature, start: item.start, end: split.position, depth: item.depth)
                let r = stats(feature: split.feature, start: split.position, end: item.end, depth: item.depth)
                let decrease = (s.weight / totalWeight)
                    * (s.impurity - r.weight / s.weight * r.impurity - l.weight / s.weight * l.impurity)
                if !(decrease + Double.ulpOfOne < limits.minImpurityDecrease) { chosen = (split, l, r) }
            }
            guard let (split, leftStats, rightStats) = chosen else {
                leaves.append(TreeLeafSegment(node: node, depth: item.depth, start: item.start, end: item.end))
                continue
            }
            feature[node] = split.feature
            threshold[node] = split.threshold
            markLeft(feature: split.feature, start: item.start, position: split.position, end: item.end,
                     depth: item.depth)
            let childrenSplit = !mustBeLeaf(leftStats, depth: item.depth + 1) || !mustBeLeaf(rightStats, depth: item.depth + 1)
            workspace.partition(start: item.start, end: item.end, leftCount: split.position - item.start,
                                depth: item.depth, sorted: split.feature, allFeatures: childrenSplit,
                                parallel: parallel && (item.end - item.start) * workspace.featureCount >= 200_000)
            stack.append(Pending(start: split.position, end: item.end, depth: item.depth + 1, parent: node,
                                 isLeft: false, stats: rightStats))
            stack.append(Pending(start: item.start, end: split.position, depth: item.depth + 1, parent: node,
                                 isLeft: true, stats: leftStats))
        }
        let tree = FittedTree(unchecked: feature, threshold, left, right, value, sampleCount, weighted, impurity)
        return (tree, leaves)
    }

    /// The stopping rules that do not need a split search.
    private func mustBeLeaf(_ s: Stats, depth: Int) -> Bool {
        depth >= (limits.maxDepth ?? Int.max) || s.count < limits.minSamplesSplit
            || s.count < 2 * limits.minSamplesLeaf || s.singleTarget || s.impurity <= Double.ulpOfOne
    }

    private func stats(feature f: Int, start: Int, end: Int, depth: Int) -> Stats {
        let rows = workspace.rows(feature: f, depth: depth)
        var w = 0.0, s = 0.0, ss = 0.0
        var lowest = Double.infinity, highest = -Double.infinity
        for p in start..<end {
            let r = Int(rows[p])
            let t = target[r], wr = weight[r]
            w += wr
            s += wr * t
            ss += wr * t * t
            lowest = min(lowest, t)
            highest = max(highest, t)
        }
        return Stats(count: end - start, weight: w, sum: s, sumOfSquares: ss, singleTarget: lowest == highest,
                     impurity: Criterion.impurity(weight: w, sum: s, sumOfSquares: ss))
    }

    private func markLeft(feature f: Int, start: Int, position: Int, end: Int, depth: Int) {
        let rows = workspace.rows(feature: f, depth: depth)
        for p in start..<position { workspace.goesLeft[Int(rows[p])] = 1 }
        for p in position..<end { workspace.goesLeft[Int(rows[p])] = 0 }
    }

    /// The best split of one feature's segment, or nil when no candidate is valid.
    private func bestSplit(feature f: Int, start: Int, end: Int, depth: Int, stats: Stats,
                           rowData: TreeRowData) -> Split? {
        switch rowData {
        case let .general(data):
            return bestSplit(feature: f, start: start, end: end, depth: depth, stats: stats,
                             rowSums: TreeGeneralRows(pairs: data))
        case let .countedLabels(data):
            return bestSplit(feature: f, start: start, end: end, depth: depth, stats: stats,
                             rowSums: TreeCountedLabelRows(packed: data))
        case let .unitWeights(data):
            return bestSplit(feature: f, start: start, end: end, depth: depth, stats: stats,
                             rowSums: TreeUnitWeightRows(targets: data))
        }
    }

    private func bestSplit<Rows: TreeRowAccumulator>(feature f: Int, start: Int, end: Int, depth: Int, stats: Stats,
                                                     rowSums: Rows) -> Split? {
        let rows = workspace.rows(feature: f, depth: depth), values = workspace.values(feature: f, depth: depth)
        let minLeaf = limits.minSamplesLeaf
        let lastLeft = end - minLeaf
        let tolerance = Self.equalValueTolerance
        var best = -Double.infinity, bestPosition = -1
        var accumulated = SIMD2<Double>(0, 0)
        // The scan is a kernel: `p` stays in start..<end, so its arithmetic wraps (checked, the tree
        // learners' training took 1.17× the instructions).
        var p = start
        let lastRow = end - 1
        while p < lastRow {
            rowSums.add(Int(rows[p]), to: &accumulated)
            p &+= 1
            if p &- start < minLeaf { continue }
            if p > lastLeft { break }
            if values[p] <= values[p &- 1] + tolerance { continue }
            let (numerator, denominator) = Criterion.proxyParts(
                leftWeight: accumulated.x, leftSum: accumulated.y,
                rightWeight: stats.weight - accumulated.x, rightSum: stats.sum - accumulated.y)
            // Divide only when the candidate can be the best: the margin keeps the outcome that of
            // comparing the divided proxies (proxies are ≥ 0).
            if numerator >= best * denominator * (1 - 1e-9) {
                let proxy = numerator / denominator
                if proxy > best {
                    best = proxy
                    bestPosition = p
                }
            }
        }
        guard bestPosition > 0 else { return nil }
        return Split(feature: f, position: bestPosition, proxy: best,
                     threshold: values[bestPosition - 1] / 2 + values[bestPosition] / 2)
    }

    private func isConstant(feature f: Int, start: Int, end: Int, depth: Int) -> Bool {
        let values = workspace.values(feature: f, depth: depth)
        return values[end - 1] <= values[start] + Self.equalValueTolerance
    }

    /// The best split over the candidate features of a node.
    private mutating func bestSplit(start: Int, end: Int, depth: Int, stats: Stats,
                                    rowData: TreeRowData) -> Split? {
        let featureCount = workspace.featureCount
        if maxFeatures < featureCount {
            return bestSplitOfRandomFeatures(start: start, end: end, depth: depth, stats: stats, rowData: rowData)
        }
        let useThreads = parallel && (end - start) * featureCount >= 100_000
        if !useThreads {
            var best: Split?
            for f in 0..<featureCount where !isConstant(feature: f, start: start, end: end, depth: depth) {
                if let split = bestSplit(feature: f, start: start, end: end, depth: depth, stats: stats, rowData: rowData),
                   split.proxy > (best?.proxy ?? -.infinity) {
                    best = split
                }
            }
            return best
        }
        let results = UnsafeMutablePointer<Split?>.allocate(capacity: featureCount)
        results.initialize(repeating: nil, count: featureCount)
        defer { results.deinitialize(count: featureCount); results.deallocate() }
        let out = SharedBuffer(UnsafeMutableBufferPointer(start: results, count: featureCount))
        let grower = self
        DispatchQueue.concurrentPerform(iterations: featureCount) { f in
            if !grower.isConstant(feature: f, start: start, end: end, depth: depth) {
                out.buffer[f] = grower.bestSplit(feature: f, start: start, end: end, depth: depth, stats: stats,
                                                 rowData: rowData)
            }
        }
        var best: Split?
        for f in 0..<featureCount {
            if let split = results[f], split.proxy > (best?.proxy ?? -.infinity) { best = split }
        }
        return best
    }

    /// scikit-learn's sampling of `max_features`: features are drawn without replacement until
    /// `maxFeatures` have been drawn and at least one of them was not constant in the node.
    private mutating func bestSplitOfRandomFeatures(start: Int, end: Int, depth: Int, stats: Stats,
                                                    rowData: TreeRowData) -> Split? {
        // The buffer of the last node, reset to 0, 1, 2, … (moved out so that it is not copied).
        var order = featureOrder
        featureOrder = []
        if order.count != workspace.featureCount { order = Array(0..<workspace.featureCount) }
        for i in order.indices { order[i] = i }
        defer { featureOrder = order }
        var drawn = 0, nonConstant = 0
        var best: Split?
        while drawn < order.count, drawn < maxFeatures || nonConstant == 0 {
            let pick = drawn + random.treeDraw(below: order.count - drawn)
            order.swapAt(drawn, pick)
            let f = order[drawn]
            drawn += 1
            if isConstant(feature: f, start: start, end: end, depth: depth) { continue }
            nonConstant += 1
            if let split = bestSplit(feature: f, start: start, end: end, depth: depth, stats: stats, rowData: rowData),
               split.proxy > (best?.proxy ?? -.infinity) {
                best = split
            }
        }
        return best
    }
}

/// Read-only while a node's features are scanned on several threads.
extension TreeGrower: @unchecked Sendable {}

extension Xoshiro256 {
    /// A uniform integer in `0..<bound` (Lemire's multiply-shift with rejection, so unbiased and the
    /// same on every platform and Swift version).
    mutating func treeDraw(below bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let floor = (0 &- b) % b
            while product.low < floor { product = next().multipliedFullWidth(by: b) }
        }
        return Int(product.high)
    }
}
