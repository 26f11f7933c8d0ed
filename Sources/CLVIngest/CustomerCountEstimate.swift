/// How many distinct customers a stretch of the input is expected to hold, from the rows of its first
/// mebibyte, so that the id table can be sized once instead of rehashing its way up.
///
/// A log sorted by customer repeats each id on consecutive rows, and the sample's distinct ids per byte
/// carry over to the whole file. A log sorted by date repeats ids less within the sample than overall,
/// so the estimate errs high there, but never above the number of rows expected.
struct CustomerCountEstimate {
    /// Bytes of whole rows in the sample.
    let sampledBytes: Int
    /// Distinct customer ids in the sample.
    let distinctCustomers: Int
    /// Bytes of customer ids in the sample, repeats included once.
    let distinctKeyBytes: Int

    /// The sample size.
    static let sampleBytes = 1 << 20

    /// Reads the rows of `bytes` from `start` (the first data row) until at least
    /// ``sampleBytes`` bytes or the end, taking the customer id from field `customerField`.
    init(bytes: UnsafeBufferPointer<UInt8>, separator: FieldSeparator, customerField: Int, start: Int, line: Int) {
        var scanner = RecordScanner(bytes: bytes, separator: separator, keep: customerField + 1, start: start, line: line)
        let ids = ByteKeyTable(capacity: 4096)
        var keyBytes = 0
        let end = min(bytes.count, start + Self.sampleBytes)
        while scanner.position < end, scanner.next() {
            guard scanner.fieldCount > customerField else { continue }
            let id = scanner.field(customerField)
            if id.count > 0, ids.intern(id).isNew { keyBytes += id.count }
        }
        sampledBytes = scanner.position - start
        distinctCustomers = ids.count
        distinctKeyBytes = keyBytes
    }

    /// The customers expected in `bytes` bytes of rows, with a tenth more for the variation between
    /// parts of the file; when the sample was all of the rows, exactly its count.
    func customers(inBytes bytes: Int) -> Int {
        guard sampledBytes > 0 else { return 0 }
        if bytes <= sampledBytes { return distinctCustomers }
        return Int(Double(bytes) / Double(sampledBytes) * Double(distinctCustomers) * 1.1)
    }

    /// The id bytes expected for `customers` customers.
    func keyBytes(customers: Int) -> Int {
        distinctCustomers > 0 ? customers * distinctKeyBytes / distinctCustomers : 0
    }
}
