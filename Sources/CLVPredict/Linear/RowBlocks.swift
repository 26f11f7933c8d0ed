import Dispatch
import _CLVUtilities

/// Contiguous blocks of rows for parallel passes over training data. The split depends on the row
/// count only, never on the number of cores, and block results are combined in block order, so a
/// fit gives the same bits on any machine.
struct RowBlocks: Sendable {
    let ranges: [Range<Int>]

    /// About `count / targetRows` blocks, between 1 and `maximumBlocks`.
    init(count: Int, targetRows: Int = 8_192, maximumBlocks: Int = 16) {
        let blocks = max(1, min(maximumBlocks, count / targetRows))
        ranges = (0..<blocks).map { k in count * k / blocks ..< count * (k + 1) / blocks }
    }

    /// `body` for every block, on all cores; the results in block order.
    func map<T: Sendable>(_ body: @Sendable (Range<Int>) -> T) -> [T] {
        if ranges.count == 1 { return [body(ranges[0])] }
        let results = ConcurrentResults<T>(count: ranges.count)
        let ranges = self.ranges
        DispatchQueue.concurrentPerform(iterations: ranges.count) { k in results.set(k, body(ranges[k])) }
        return results.values()
    }
}

extension RowBlocks {
    /// `count` values computed block by block on all cores: `body(rows, output)` writes
    /// `output[i]` for every i in `rows` (output indexed from row 0).
    static func fill(count: Int, targetRows: Int = 16_384,
                     _ body: @Sendable (Range<Int>, UnsafeMutablePointer<Double>) -> Void) -> [Double] {
        let blocks = RowBlocks(count: count, targetRows: targetRows, maximumBlocks: 64)
        return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 {
                let output = DisjointWrites(buffer.baseAddress!)
                let ranges = blocks.ranges
                DispatchQueue.concurrentPerform(iterations: ranges.count) { k in body(ranges[k], output.base) }
            }
            initialized = count
        }
    }
}
