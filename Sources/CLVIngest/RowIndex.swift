/// Where the rows of one part of a read lie in the input, so that customers found out of date order are
/// recomputed from their own rows alone, not from a second pass over the whole file.
///
/// It holds each resolved row's customer number (4 bytes a row) and, for each parsed batch of rows, the
/// byte offset and line where the batch starts (16 bytes per ``RowBatch/capacity`` rows). A replay
/// re-parses only the batches that hold a row of an out-of-order customer, from the mapped input.
///
/// The customer numbers live in a ``ZeroedBuffer`` reservation sized like ``RowLog``'s; a part with
/// more rows than that is marked incomplete, and its out-of-order customers are read from the whole file.
final class RowIndex {
    /// Where a batch starts: its first record's byte offset and line, and its first row in ``customers``.
    struct BatchStart {
        var offset: Int
        var line: Int
        var firstRow: Int
    }

    @exclusivity(unchecked) private var customerStore: ZeroedBuffer<Int32>
    @exclusivity(unchecked) private(set) var count = 0
    @exclusivity(unchecked) private(set) var batches: [BatchStart] = []
    /// One past the part's last byte (set when its first pass ends).
    @exclusivity(unchecked) var end = 0
    /// False once the rows outgrew the reservation or a customer number did not fit 32 bits.
    @exclusivity(unchecked) private(set) var complete = true
    /// For the later part of a split read: its customers' numbers in the whole read, and the line before its first.
    private(set) var customerMap: [Int32]?
    private(set) var lineOffset = 0

    /// An index for the rows of `bytes` bytes of input.
    init(bytes: Int) {
        // Huge pages: on the 1M-customer benchmark log the index's 20 MB fault in with about 1,200 faults
        // instead of 5,600 (`perf stat -e page-faults`), which showed as 6% more CPU time for the read.
        customerStore = ZeroedBuffer(capacity: bytes / RowLog.smallestRowBytes + 16, hugePages: true)
        batches.reserveCapacity(bytes / (RowLog.smallestRowBytes * RowBatch.capacity) + 4)
    }

    deinit { customerStore.deallocate() }

    /// Records that a batch starts at byte `offset`, line `line`.
    @inline(__always)
    func startBatch(offset: Int, line: Int) {
        batches.append(BatchStart(offset: offset, line: line, firstRow: count))
    }

    /// Room for the next `rows` customer numbers, to be filled in order and then committed with
    /// ``commit(_:customers:)``; nil (and the index incomplete) when the reservation has no room for them.
    @inline(__always)
    func reserve(_ rows: Int) -> UnsafeMutablePointer<Int32>? {
        guard complete, count + rows <= customerStore.capacity else { complete = false; return nil }
        return customerStore.base + count
    }

    /// Counts the `rows` numbers written through ``reserve(_:)``, stored truncated to 32 bits: the index is
    /// marked incomplete when the read has more `customers` than that holds.
    @inline(__always)
    func commit(_ rows: Int, customers: Int) {
        count &+= rows
        if customers > Int(Int32.max) { complete = false }
    }

    /// Numbers this (later) part's customers as the whole read numbers them.
    func renumber(customers: [Int32], lineOffset: Int) {
        customerMap = customers
        self.lineOffset = lineOffset
    }

    /// The batches (as byte ranges of the input, with the line of their first record, numbered as the whole
    /// read numbers lines) that hold a row of a customer for which `marked` is true.
    func batches(holding marked: (Int) -> Bool) -> [(range: Range<Int>, line: Int)] {
        var picked: [(range: Range<Int>, line: Int)] = []
        for (k, batch) in batches.enumerated() {
            let lastRow = k + 1 < batches.count ? batches[k + 1].firstRow : count
            let upper = k + 1 < batches.count ? batches[k + 1].offset : end
            var holds = false
            for i in batch.firstRow..<lastRow {
                var c = Int(customerStore[i])
                if let customerMap { c = Int(customerMap[c]) }
                if marked(c) { holds = true; break }
            }
            if holds { picked.append((batch.offset..<upper, batch.line + lineOffset)) }
        }
        return picked
    }
}
