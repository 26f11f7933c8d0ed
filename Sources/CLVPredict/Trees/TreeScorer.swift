import Dispatch
import Foundation
import _CLVUtilities

/// Scores rows through one or more trees at once.
///
/// The nodes of all trees sit in one array laid out for scoring: the two children of a node are
/// neighbours (right = left + 1), and a leaf points to itself with threshold +∞. One step is then
/// `node = left + (x[feature] > threshold ? 1 : 0)` with no branch, and a block of rows takes its
/// steps together, level by level, until no row moves. Rows go through in blocks that stay in cache
/// while every tree is applied to them; blocks are spread over the cores.
///
/// Each row's result is `offset + scale·v₁ + scale·v₂ + …`, added in tree order (as scikit-learn
/// adds its stages), so the result does not depend on how the blocks are scheduled.
struct TreeScorer: Sendable {
    private struct Node {
        var threshold: Double
        var feature: Int32
        var left: Int32
    }

    /// Where a tree starts, how many steps reach its deepest leaf and how many its shallowest.
    private struct Root {
        var node: Int32
        var depth: Int32
        var shallowestLeaf: Int32
    }

    private let nodes: [Node]
    private let values: [Double]
    private let roots: [Root]

    init(trees: [FittedTree]) {
        var nodes: [Node] = [], values: [Double] = [], roots: [Root] = []
        let total = trees.reduce(0) { $0 + $1.nodeCount }
        nodes.reserveCapacity(total)
        values.reserveCapacity(total)
        for tree in trees {
            // Breadth-first: each inner node's children get two adjacent slots.
            let base = nodes.count
            var queue = [0], depths = [0]
            var shallowest = Int.max
            nodes.append(Node(threshold: 0, feature: 0, left: 0))
            values.append(0)
            var head = 0
            while head < queue.count {
                let node = queue[head], slot = base + head
                head += 1
                values[slot] = tree.value[node]
                guard tree.feature[node] >= 0 else {
                    nodes[slot] = Node(threshold: .infinity, feature: 0, left: Int32(slot))
                    shallowest = min(shallowest, depths[head - 1])
                    continue
                }
                nodes[slot] = Node(threshold: tree.threshold[node], feature: Int32(tree.feature[node]),
                                   left: Int32(base + queue.count))
                queue.append(tree.left[node])
                queue.append(tree.right[node])
                depths.append(depths[head - 1] + 1)
                depths.append(depths[head - 1] + 1)
                nodes.append(Node(threshold: 0, feature: 0, left: 0))
                nodes.append(Node(threshold: 0, feature: 0, left: 0))
                values.append(0)
                values.append(0)
            }
            roots.append(Root(node: Int32(base), depth: Int32(depths.max() ?? 0), shallowestLeaf: Int32(shallowest)))
        }
        (self.nodes, self.values, self.roots) = (nodes, values, roots)
    }

    /// `offset + Σ scale·leafValue` over the trees, for every row of `features`.
    func sums(_ features: FeatureTable, scale: Double, offset: Double) -> [Double] {
        let rowCount = features.rowCount, columns = features.columnCount
        guard rowCount > 0 else { return [] }
        let block = 256
        let blocks = (rowCount + block - 1) / block
        let work = rowCount * max(1, nodes.count / 8)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let chunks = work < 500_000 ? 1 : min(blocks, cores * 8)
        return [Double](unsafeUninitializedCapacity: rowCount) { out, initialized in
            let output = SharedBuffer(out)
            features.values.withUnsafeBufferPointer { table in
                nodes.withUnsafeBufferPointer { nodes in
                    values.withUnsafeBufferPointer { values in
                        let (rows, tree, leafValues) = (ReadOnlyBuffer(table), ReadOnlyBuffer(nodes),
                                                        ReadOnlyBuffer(values))
                        let run: @Sendable (Int) -> Void = { chunk in
                            withUnsafeTemporaryAllocation(of: Int32.self, capacity: block) { position in
                                for b in (blocks * chunk / chunks)..<(blocks * (chunk + 1) / chunks) {
                                    let lower = b * block, size = min(rowCount, lower + block) - lower
                                    let x = rows.buffer.baseAddress! + lower * columns
                                    let sum = output.buffer.baseAddress! + lower
                                    for j in 0..<size { sum[j] = offset }
                                    for root in self.roots {
                                        for j in 0..<size { position[j] = root.node }
                                        // No row can reach a leaf before the shallowest one: those steps
                                        // need no check; after them, stop early once no row moves.
                                        for _ in 0..<root.shallowestLeaf {
                                            for j in 0..<size {
                                                let node = tree.buffer[Int(position[j])]
                                                let goRight: Int32 = x[j * columns + Int(node.feature)] > node.threshold ? 1 : 0
                                                position[j] = node.left + goRight
                                            }
                                        }
                                        var step = root.shallowestLeaf, moved: Int32 = 1
                                        while step < root.depth && moved != 0 {
                                            moved = 0
                                            for j in 0..<size {
                                                let at = position[j]
                                                let node = tree.buffer[Int(at)]
                                                let goRight: Int32 = x[j * columns + Int(node.feature)] > node.threshold ? 1 : 0
                                                let next = node.left + goRight
                                                moved |= next ^ at
                                                position[j] = next
                                            }
                                            step += 1
                                        }
                                        for j in 0..<size { sum[j] += scale * leafValues.buffer[Int(position[j])] }
                                    }
                                }
                            }
                        }
                        if chunks == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: run) }
                    }
                }
            }
            initialized = rowCount
        }
    }
}

