import Dispatch

/// The rows one tree trains on (those with positive weight), in presorted order per feature.
///
/// A node's rows are the segment `start..<end` of every feature's list, in the list of its depth:
/// the presorted lists for the root (never written, so boosting stages reuse them), then two sets of
/// lists for odd and even depths. A split copies its node's segments from the node's lists into the
/// children's lists, left rows first, each side still sorted. Segments of nodes waiting on the stack
/// are disjoint from those being written, so two sets suffice.
final class TreeWorkspace: @unchecked Sendable {
    /// Rows in the tree (positive weight).
    let count: Int
    let featureCount: Int
    /// 1 if the table row goes to the left child of the split being applied.
    let goesLeft: UnsafeMutablePointer<UInt8>
    private let rowLists: [UnsafeMutablePointer<Int32>]
    private let valueLists: [UnsafeMutablePointer<Double>]

    /// The rows of `columns` with `include[row] == true` (all rows if nil), in presorted order.
    init(columns: PresortedColumns, include: UnsafeBufferPointer<Bool>?) {
        let n = columns.rowCount, features = columns.featureCount
        let count = include.map { $0.reduce(0) { $0 + ($1 ? 1 : 0) } } ?? n
        self.count = count
        featureCount = features
        let size = max(1, count * features)
        rowLists = (0..<3).map { _ in .allocate(capacity: size) }
        valueLists = (0..<3).map { _ in .allocate(capacity: size) }
        goesLeft = .allocate(capacity: max(1, n))
        goesLeft.initialize(repeating: 0, count: max(1, n))
        let (rows, values) = (rowLists[0], valueLists[0])
        if let include {
            for f in 0..<features {
                var q = f * count
                for p in (f * n)..<((f + 1) * n) where include[Int(columns.rows[p])] {
                    rows[q] = columns.rows[p]
                    values[q] = columns.values[p]
                    q += 1
                }
            }
        } else {
            rows.initialize(from: columns.rows, count: n * features)
            values.initialize(from: columns.values, count: n * features)
        }
    }

    deinit {
        for list in rowLists { list.deallocate() }
        for list in valueLists { list.deallocate() }
        goesLeft.deallocate()
    }

    private func list(_ depth: Int) -> Int { depth == 0 ? 0 : 1 + depth % 2 }

    /// Feature `f`'s sorted rows for the nodes at `depth` (index with the node's segment).
    func rows(feature f: Int, depth: Int) -> UnsafeMutablePointer<Int32> { rowLists[list(depth)] + f * count }

    /// Feature `f`'s sorted values for the nodes at `depth`.
    func values(feature f: Int, depth: Int) -> UnsafeMutablePointer<Double> { valueLists[list(depth)] + f * count }

    /// Copies the segment `start..<end` of a node at `depth` into the lists of depth + 1: the
    /// `leftCount` rows with `goesLeft` set first, then the others, each side in the same order;
    /// `sorted` is already in that order (its split feature) and is copied as is. With `allFeatures`
    /// false only feature 0 is copied, enough for children that will be leaves.
    func partition(start: Int, end: Int, leftCount: Int, depth: Int, sorted: Int, allFeatures: Bool, parallel: Bool) {
        let features = allFeatures ? featureCount : 1
        let work: @Sendable (Int) -> Void = { f in
            let fromRows = self.rows(feature: f, depth: depth), fromValues = self.values(feature: f, depth: depth)
            let toRows = self.rows(feature: f, depth: depth + 1), toValues = self.values(feature: f, depth: depth + 1)
            if f == sorted {
                (toRows + start).update(from: fromRows + start, count: end - start)
                (toValues + start).update(from: fromValues + start, count: end - start)
                return
            }
            var l = start, r = start + leftCount
            for p in start..<end {
                let row = fromRows[p], value = fromValues[p]
                let left = Int(self.goesLeft[Int(row)])
                let destination = left != 0 ? l : r
                toRows[destination] = row
                toValues[destination] = value
                l &+= left
                r &+= 1 &- left
            }
        }
        if parallel && features > 1 {
            DispatchQueue.concurrentPerform(iterations: features, execute: work)
        } else {
            for f in 0..<features { work(f) }
        }
    }
}
