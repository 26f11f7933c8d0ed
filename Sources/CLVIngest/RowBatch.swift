import CLVCore

/// A row whose fields are parsed and checked but whose ids are not yet looked up: the first pass parses
/// a batch of rows, asks the CPU to fetch the hash slots of their customers, and only then looks them
/// up, so that the cache misses of a batch overlap instead of stalling one after another.
struct PendingRow {
    var day: Int32
    var amount: Double
    var quantity: Double
    var line: Int
    /// The customer id; points into the input, or into a ``KeyArena`` when it had to be unescaped.
    var customer: UnsafeBufferPointer<UInt8>
    var channel = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    var order = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    /// ``ByteKeyTable/hash(_:)`` of `customer`, when `hashed`.
    var customerHash: UInt64 = 0
    var hashed = false
    /// The customer id is the same as that of the previous row that parsed (so no lookup is needed).
    var sameCustomer = false
    /// Index into ``RowBatch/problems`` when this entry is a row with a problem instead.
    var problem = -1

    init(day: Int32, amount: Double, quantity: Double, line: Int, customer: UnsafeBufferPointer<UInt8>) {
        self.day = day
        self.amount = amount
        self.quantity = quantity
        self.line = line
        self.customer = customer
    }
}

/// Room for ids that had to be unescaped (`"a""b"`): the scanner unescapes into one scratch buffer that
/// the next field overwrites, so such ids are copied here and stay valid until ``removeAll()``.
final class KeyArena {
    /// The longest field the scanner unescapes, and so the most one copy can take.
    static let fieldLimit = 1 << 16
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private(set) var used = 0

    init(fields: Int = 3) {
        capacity = fields * Self.fieldLimit
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Whether three more ids of any length still fit.
    var hasRoomForRow: Bool { capacity - used >= 3 * Self.fieldLimit }

    func removeAll() { used = 0 }

    /// Field `index` of the scanner's record, as bytes that stay valid until ``removeAll()``.
    @inline(__always)
    func stable(_ scanner: borrowing RecordScanner, _ index: Int) -> UnsafeBufferPointer<UInt8> {
        let bytes = scanner.field(index)
        guard scanner.hasEscapedQuotes(index), bytes.count > 0 else { return bytes }
        precondition(used + bytes.count <= capacity)
        let copy = base + used
        copy.update(from: bytes.baseAddress!, count: bytes.count)
        used += bytes.count
        return UnsafeBufferPointer(start: copy, count: bytes.count)
    }

    /// Whether `bytes` lie in this arena.
    func holds(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let p = bytes.baseAddress else { return false }
        return p >= UnsafePointer(base) && p < UnsafePointer(base + capacity)
    }
}

/// The rows of one batch of the first pass, in input order (rows with a problem included, so that
/// problems are reported in line order).
final class RowBatch {
    static let capacity = 64
    let rows: UnsafeMutablePointer<PendingRow>
    private(set) var count = 0
    private(set) var problems: [DataProblem] = []
    /// Copies of unescaped ids of this batch's rows (room for 8 rows' worth before the batch must end).
    let keys = KeyArena(fields: 24)

    init() {
        rows = .allocate(capacity: Self.capacity)
        rows.initialize(repeating: PendingRow(day: 0, amount: 0, quantity: 0, line: 0, customer: UnsafeBufferPointer(start: nil, count: 0)),
                        count: Self.capacity)
    }

    deinit { rows.deallocate() } // PendingRow is a trivial type: nothing to deinitialize

    var isFull: Bool { count == Self.capacity || !keys.hasRoomForRow }

    func removeAll() {
        count = 0
        if !problems.isEmpty { problems.removeAll(keepingCapacity: true) }
        keys.removeAll()
    }

    /// The slot the next row is parsed into; ``commitNext()`` keeps it.
    var next: UnsafeMutablePointer<PendingRow> { rows + count }

    func commitNext() { count += 1 }

    @inline(never)
    func append(problem: DataProblem) {
        var row = PendingRow(day: 0, amount: 0, quantity: 0, line: problem.line, customer: UnsafeBufferPointer(start: nil, count: 0))
        row.problem = problems.count
        problems.append(problem)
        rows[count] = row
        count += 1
    }
}

extension Ingestor {
    /// The common row: a customer id that needs no unescaping (non-empty), a plain date in range and a
    /// short plain amount (or none, when `amount` is nil), parsed into `row`; false for anything else.
    @inline(__always)
    func commonRow(customer: UnsafeBufferPointer<UInt8>, date: UnsafeBufferPointer<UInt8>, amount: UnsafeBufferPointer<UInt8>?,
                   line: Int, into row: UnsafeMutablePointer<PendingRow>) -> Bool {
        let c = hot
        guard customer.count > 0, let day = DateParser.plainDate(date), day >= c.earliest, day <= c.asOf else { return false }
        var value = 0.0
        if let amount {
            guard let p = amount.baseAddress, p + 8 <= inputEnd,
                  let v = amountParser.plainWord(UnsafeRawPointer(p).loadUnaligned(as: UInt64.self), count: amount.count)
            else { return false }
            value = v
        }
        row.pointee = PendingRow(day: day, amount: value, quantity: 0, line: line, customer: customer)
        return true
    }

    /// The first pass over bytes `start..<end` (whole records), starting at line `line`. Returns the
    /// line after the last record and whether a quoted field held a line break.
    ///
    /// Rows are parsed a batch at a time; the hash slots of the batch's new customer ids are prefetched,
    /// then the rows are folded in, in input order, exactly as one at a time.
    @discardableResult
    func firstPass(from start: Int, to end: Int, line: Int, progress: TransactionLogReader.Progress?,
                   progressScale: Int = 1) -> (line: Int, lineBreakInQuotes: Bool) {
        let total = input.bytes.count
        var scanner = RecordScanner(bytes: UnsafeBufferPointer(rebasing: input.bytes[0..<end]), separator: separator,
                                    keep: hot.maxIndex + 1, start: start, line: line)
        let batch = RowBatch()
        var sinceProgress = 0
        var lastKey = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        var hasLastKey = false
        var more = true
        // Kept in locals during the loop, stored back at the end.
        var rowsRead = 0, plainRows = 0
        var lowest = minDay, highest = maxDay
        let frequency = hot.frequency
        let customerIdOnly = hot.order < 0 && hot.channel < 0
        let quick = (rows: hot.quickRows, maxIndex: hot.maxIndex, customer: hot.customer, date: hot.date, amount: hot.amount)
        // Plain records (see RecordScanner.nextPlain): their field ends, and whether they are worth trying.
        var plainScan = quick.rows
        if case .whitespace = separator { plainScan = false }
        // Counters of rows, bounded by the input's bytes, add wrapping (unchecked): they cannot overflow.
        var plainHits = 0, plainMisses = 0
        let plainFields = quick.maxIndex + 1
        let ends = UnsafeMutablePointer<Int>.allocate(capacity: quick.maxIndex + 1)
        defer { ends.deallocate() }
        let base = input.bytes.baseAddress!
        /// Field `i` of the plain record that starts at `first`.
        @inline(__always) func plainField(_ i: Int, _ first: Int) -> UnsafeBufferPointer<UInt8> {
            // Offsets within the input, which nextPlain found in order: no overflow is possible.
            let from = i == 0 ? first : ends[i &- 1] &+ 1
            return UnsafeBufferPointer(start: base + from, count: ends[i] &- from)
        }
        /// Reads the plain record at `first` as the common row; false when a field is not in the common form.
        @inline(__always) func plainRow(_ first: Int, line: Int, into row: UnsafeMutablePointer<PendingRow>) -> Bool {
            let customer = plainField(quick.customer, first)
            // The general reader trims blanks around unquoted fields; such ids go to it.
            guard customer.count > 0, customer[0] > 0x20, customer[customer.count - 1] > 0x20 else { return false }
            return commonRow(customer: customer, date: plainField(quick.date, first),
                             amount: quick.amount < 0 ? nil : plainField(quick.amount, first), line: line, into: row)
        }
        let trackRepeats = summary.trackRepeatPurchases
        let cancellation = options.cancellation
        let table = customers
        let log = rowLog, index = rowIndex
        defer {
            index?.end = end
            report.rowsRead += rowsRead
            report.rowsUsed += plainRows
            minDay = lowest
            maxDay = highest
        }
        while more {
            index?.startBatch(offset: scanner.position, line: scanner.line)
            batch.removeAll()
            if hasLastKey, batch.keys.holds(lastKey) { hasLastKey = false }
            // Parse a batch, prefetching the slots of ids that differ from the previous row's.
            while !batch.isFull {
                let row = batch.next
                var parsed = false
                // A plain record (exactly the fields needed, no quotes) is split and read without storing its
                // field bounds; if any of its fields is not in the common form, it is read again in full.
                if plainScan, let first = scanner.nextPlain(fields: plainFields, ends: ends) {
                    parsed = plainRow(first, line: scanner.recordLine, into: row)
                    if parsed {
                        plainHits &+= 1
                    } else {
                        scanner.rewind(to: first, line: scanner.recordLine)
                        plainMisses += 1
                        if plainMisses > 1000, plainMisses > 8 * plainHits { plainScan = false }
                    }
                } else if plainScan {
                    // Columns beyond those read, quotes, or fields outside the common forms on most rows: stop trying.
                    plainMisses += 1
                    if plainMisses > 1000, plainMisses > 8 * plainHits { plainScan = false }
                }
                if !parsed {
                    guard scanner.next() else { more = false; break }
                    if scanner.isEmptyRecord { continue }
                }
                rowsRead &+= 1
                sinceProgress &+= 1
                if sinceProgress == 16384 {
                    sinceProgress = 0
                    if let progress { progress(min(total, (scanner.position - start) * progressScale + dataStart), total) }
                    if let cancellation, cancellation.isCancelled { more = false; break } // scan() throws
                }
                // The common row inline: enough fields, no quoting problem, a customer id that needs no
                // unescaping, a plain date in range and a short plain amount (or none). Any other row is
                // read in full by the general parser, which also reports its problems.
                if !parsed, quick.rows, scanner.fieldCount > quick.maxIndex, !scanner.quoteProblem,
                   !scanner.hasEscapedQuotes(quick.customer) {
                    parsed = commonRow(customer: scanner.field(quick.customer), date: scanner.field(quick.date),
                                       amount: quick.amount < 0 ? nil : scanner.field(quick.amount),
                                       line: scanner.recordLine, into: row)
                }
                if parsed || parseFields(scanner, keys: batch.keys, into: row) {
                    let key = row.pointee.customer
                    if hasLastKey, lastKey.count == key.count,
                       key.count == 0 || ByteKeyTable.sameBytes(lastKey.baseAddress!, key.baseAddress!, key.count) {
                        row.pointee.sameCustomer = true
                    } else {
                        let h = ByteKeyTable.hash(key)
                        row.pointee.customerHash = h
                        row.pointee.hashed = true
                        table.prefetch(hash: h)
                    }
                    lastKey = key
                    hasLastKey = true
                    batch.commitNext()
                } else if let p = lastProblem {
                    batch.append(problem: p)
                }
            }
            // Fold the batch in, in input order (in a function of its own: the parsing loop above stays small
            // enough for the compiler to inline the scanner's plain-record step into it).
            foldBatch(batch, customerIdOnly: customerIdOnly, trackRepeats: trackRepeats, frequency: frequency, log: log,
                      index: index, lowest: &lowest, highest: &highest, plainRows: &plainRows)
        }
        return (scanner.line, scanner.sawLineBreakInQuotes)
    }

    /// Folds the rows of a parsed batch into their customers' states, in input order; the lowest and highest day
    /// and the count of plain purchases are updated in place.
    @inline(never)
    func foldBatch(_ batch: RowBatch, customerIdOnly: Bool, trackRepeats: Bool, frequency: PeriodFrequency, log: RowLog?,
                   index: RowIndex?, lowest: inout Int32, highest: inout Int32, plainRows: inout Int) {
        @inline(__always) func period(_ day: Int32) -> Int32 { frequency.period(of: CalendarDay(daysSinceEpoch: day)) }
        // The row index's slots for this batch, filled with a store and a bump per row.
        let slots = index?.reserve(batch.count)
        var indexed = 0
        defer { if let index, slots != nil { index.commit(indexed, customers: states.count) } }
        for i in 0..<batch.count {
            let pending = batch.rows + i
            if pending.pointee.problem >= 0 {
                recordProblem(batch.problems[pending.pointee.problem])
                continue
            }
            let r: ParsedRow
            if customerIdOnly {
                // Only a customer id to look up: no order or channel that could conflict.
                let p = pending.pointee
                let customer = p.sameCustomer ? previousCustomer : resolveCustomer(pending)
                r = ParsedRow(customer: customer, day: p.day, amount: p.amount, quantity: p.quantity,
                              channel: -1, order: -1, line: p.line)
            } else {
                guard let resolved = resolve(pending) else {
                    if let p = lastProblem { recordProblem(p) }
                    continue
                }
                r = resolved
            }
            lowest = min(lowest, r.day)
            highest = max(highest, r.day)
            if let log { log.append(r) }
            if let slots {
                slots[indexed] = Int32(truncatingIfNeeded: r.customer)
                indexed &+= 1
            }
            if isPlainPurchase(r) {
                // What admit and apply do with such a row, without their general cases.
                plainRows &+= 1
                if noteSeen(r) { addPurchase(r, period: period(r.day)) }
                if trackRepeats { purchaseDays.append(SIMD2(Int32(r.customer), r.day)) }
                continue
            }
            let kind = admit(r, counting: true)
            if kind != .excluded { apply(r, kind, replay: false) }
            if kind == .purchase, trackRepeats { purchaseDays.append(SIMD2(Int32(r.customer), r.day)) }
        }
    }
}
