import Dispatch

/// The rows one tree trains on (those with positive weight), in presorted order per feature, plus
/// scratch space. Node segments `start..<end` are the same for every feature; a split partitions
/// each feature's segment, stably, into the left rows followed by the right rows.
final class TreeWorkspace: @unchecked Sendable {
    /// Rows in the tree (positive weight).
    let count: Int
    let featureCount: Int
    let rows: UnsafeMutablePointer<Int32>
    let values: UnsafeMutablePointer<Double>
    /// 1 if the table row goes to the left child of the split being applied.
    let goesLeft: UnsafeMutablePointer<UInt8>
    private let scratchRows: UnsafeMutablePointer<Int32>
    private let scratchValues: UnsafeMutablePointer<Double>
    private let scratchLanes: Int

    /// The rows of `columns` with `include[row] == true`, keeping the presorted order.
    init(columns: PresortedColumns, include: UnsafeBufferPointer<Bool>?, lanes: Int) {
        let n = columns.rowCount, features = columns.featureCount
        let count = include.map { $0.reduce(0) { $0 + ($1 ? 1 : 0) } } ?? n
        self.count = count
        featureCount = features
        rows = .allocate(capacity: max(1, count * features))
        values = .allocate(capacity: max(1, count * features))
        goesLeft = .allocate(capacity: max(1, n))
        goesLeft.initialize(repeating: 0, count: max(1, n))
        scratchLanes = max(1, lanes)
        scratchRows = .allocate(capacity: max(1, count * scratchLanes))
        scratchValues = .allocate(capacity: max(1, count * scratchLanes))
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
            rows.update(from: columns.rows, count: n * features)
            values.update(from: columns.values, count: n * features)
        }
    }

    /// Puts every feature's rows back in the presorted order of `source` (a workspace over the same rows).
    func reset(from source: TreeWorkspace) {
        rows.update(from: source.rows, count: count * featureCount)
        values.update(from: source.values, count: count * featureCount)
    }

    deinit {
        rows.deallocate(); values.deallocate(); goesLeft.deallocate()
        scratchRows.deallocate(); scratchValues.deallocate()
    }

    /// Splits segment `start..<end` of every feature except `sorted` (already in left/right order) into
    /// the rows with `goesLeft` set, then the others; `lanes` > 1 spreads the features over threads.
    func partition(start: Int, end: Int, except sorted: Int, parallel: Bool) {
        let features = (0..<featureCount).filter { $0 != sorted }
        let lanes = parallel ? min(scratchLanes, features.count) : 1
        let work: @Sendable (Int) -> Void = { lane in
            let scratchR = self.scratchRows + lane * self.count
            let scratchV = self.scratchValues + lane * self.count
            var k = lane
            while k < features.count {
                let base = features[k] * self.count
                let rows = self.rows + base, values = self.values + base
                var l = start, s = 0
                for p in start..<end {
                    let row = rows[p], value = values[p]
                    let left = Int(self.goesLeft[Int(row)])
                    rows[l] = row; values[l] = value
                    scratchR[s] = row; scratchV[s] = value
                    l += left
                    s += 1 - left
                }
                (rows + l).update(from: scratchR, count: s)
                (values + l).update(from: scratchV, count: s)
                k += lanes
            }
        }
        if lanes > 1 { DispatchQueue.concurrentPerform(iterations: lanes, execute: work) } else { work(0) }
    }
}
