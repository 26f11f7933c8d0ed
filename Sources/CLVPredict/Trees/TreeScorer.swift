import Dispatch
import Foundation

/// Scores rows through one or more trees at once: the nodes of all trees in flat arrays, rows in
/// blocks that stay in cache while every tree is applied to them, blocks spread over the cores.
///
/// Each row's result is `offset + scale·v₁ + scale·v₂ + …`, added in tree order (as scikit-learn
/// adds its stages), so the result does not depend on how the blocks are scheduled.
struct TreeScorer: Sendable {
    private let feature: [Int32]
    private let threshold: [Double]
    private let left: [Int32]
    private let right: [Int32]
    private let value: [Double]
    private let roots: [Int32]

    init(trees: [FittedTree]) {
        var feature: [Int32] = [], threshold: [Double] = [], left: [Int32] = [], right: [Int32] = []
        var value: [Double] = [], roots: [Int32] = []
        let total = trees.reduce(0) { $0 + $1.nodeCount }
        feature.reserveCapacity(total); threshold.reserveCapacity(total)
        left.reserveCapacity(total); right.reserveCapacity(total); value.reserveCapacity(total)
        for tree in trees {
            let base = feature.count
            roots.append(Int32(base))
            for node in 0..<tree.nodeCount {
                let isLeaf = tree.feature[node] < 0
                feature.append(Int32(isLeaf ? -1 : tree.feature[node]))
                threshold.append(isLeaf ? 0 : tree.threshold[node])
                left.append(Int32(isLeaf ? -1 : base + tree.left[node]))
                right.append(Int32(isLeaf ? -1 : base + tree.right[node]))
                value.append(tree.value[node])
            }
        }
        (self.feature, self.threshold, self.left, self.right, self.value, self.roots) =
            (feature, threshold, left, right, value, roots)
    }

    /// `offset + Σ scale·leafValue` over the trees, for every row of `features`.
    func sums(_ features: FeatureTable, scale: Double, offset: Double) -> [Double] {
        let rowCount = features.rowCount, columns = features.columnCount
        guard rowCount > 0 else { return [] }
        let block = 256
        let blocks = (rowCount + block - 1) / block
        let work = rowCount * max(1, roots.count)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let chunks = work < 200_000 ? 1 : min(blocks, cores * 8)
        return [Double](unsafeUninitializedCapacity: rowCount) { out, initialized in
            let output = TreeSharedBuffer(out)
            features.values.withUnsafeBufferPointer { table in
                feature.withUnsafeBufferPointer { feature in
                threshold.withUnsafeBufferPointer { threshold in
                left.withUnsafeBufferPointer { left in
                right.withUnsafeBufferPointer { right in
                value.withUnsafeBufferPointer { value in
                    let nodes = TreeNodePointers(feature: feature, threshold: threshold, left: left, right: right,
                                                 value: value)
                    let rows = TreeConstBuffer(table)
                    let run: @Sendable (Int) -> Void = { chunk in
                        let firstBlock = blocks * chunk / chunks, endBlock = blocks * (chunk + 1) / chunks
                        for b in firstBlock..<endBlock {
                            let lower = b * block, upper = min(rowCount, lower + block)
                            for r in lower..<upper { output.buffer[r] = offset }
                            for root in self.roots {
                                for r in lower..<upper {
                                    let x = rows.buffer.baseAddress! + r * columns
                                    var node = Int(root)
                                    var f = Int(nodes.feature[node])
                                    while f >= 0 {
                                        node = Int(x[f] <= nodes.threshold[node] ? nodes.left[node] : nodes.right[node])
                                        f = Int(nodes.feature[node])
                                    }
                                    output.buffer[r] += scale * nodes.value[node]
                                }
                            }
                        }
                    }
                    if chunks == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: run) }
                }}}}}
            }
            initialized = rowCount
        }
    }
}

/// Raw views of the flat node arrays, valid inside `TreeScorer.sums`.
private struct TreeNodePointers: @unchecked Sendable {
    let feature: UnsafeBufferPointer<Int32>
    let threshold: UnsafeBufferPointer<Double>
    let left: UnsafeBufferPointer<Int32>
    let right: UnsafeBufferPointer<Int32>
    let value: UnsafeBufferPointer<Double>
}

/// A mutable buffer written at disjoint indices from `concurrentPerform` iterations.
struct TreeSharedBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}

/// A read-only buffer shared with `concurrentPerform` iterations.
struct TreeConstBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<T>
    init(_ buffer: UnsafeBufferPointer<T>) { self.buffer = buffer }
}
