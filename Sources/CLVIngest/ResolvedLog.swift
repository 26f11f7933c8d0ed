import CLVCore
import CLVIntrinsics
import _CLVUtilities

/// One resolved row as the log keeps it: 24 bytes (order id and quantity in side columns, only when
/// the log has those columns).
struct LoggedRow {
    var amount: Double
    var customer: Int32
    var day: Int32
    var line: Int32
    var channel: Int32
}

/// The resolved rows of one part of a read, in input order: every row that parsed and whose ids
/// resolved, before the window, duplicate, zero-amount and return rules (which a replay applies again).
///
/// The columns live in ``ZeroedBuffer`` reservations sized for one row per ``smallestRowBytes`` bytes
/// of the part, so an append is a store and a bump: no growth, no copy, no uniqueness check. Only the
/// pages written cost memory. A part with more rows than that (which no real log has) is marked
/// incomplete, and its summaries are read from the file instead. The per-row fields are exempt from
/// dynamic exclusivity checks: one thread appends, and the log is only read once the read is over.
final class RowLog {
    @exclusivity(unchecked) private var rowStore: ZeroedBuffer<LoggedRow>
    @exclusivity(unchecked) private var orderStore: ZeroedBuffer<Int32>?
    @exclusivity(unchecked) private var quantityStore: ZeroedBuffer<Double>?
    @exclusivity(unchecked) private(set) var count = 0
    /// False once a line number did not fit 32 bits, or the rows outgrew the reservation: the log is then not used.
    @exclusivity(unchecked) private(set) var complete = true

    /// The fewest bytes a logged row is assumed to take in the input: an id, a separator, a five-character
    /// date and a line end.
    static let smallestRowBytes = 8

    /// A log for the rows of `bytes` bytes of input.
    init(orders: Bool, quantities: Bool, bytes: Int) {
        let capacity = bytes / Self.smallestRowBytes + 16
        // Small pages: on the benchmark machine huge pages faulted in fewer times but varied far more run to run
        // (median 1.30× against 1.21× the wall time of a read that keeps nothing, 1M-customer log).
        rowStore = ZeroedBuffer(capacity: capacity, hugePages: false)
        orderStore = orders ? ZeroedBuffer(capacity: capacity, hugePages: false) : nil
        quantityStore = quantities ? ZeroedBuffer(capacity: capacity, hugePages: false) : nil
    }

    deinit {
        rowStore.deallocate()
        orderStore?.deallocate()
        quantityStore?.deallocate()
    }

    /// Bytes held per row.
    var bytesPerRow: Int {
        MemoryLayout<LoggedRow>.stride + (orderStore == nil ? 0 : 4) + (quantityStore == nil ? 0 : 8)
    }

    @inline(__always)
    func append(_ r: ParsedRow) {
        guard r.line <= Int(Int32.max), r.customer <= Int(Int32.max), count < rowStore.capacity else { complete = false; return }
        rowStore[count] = LoggedRow(amount: r.amount, customer: Int32(truncatingIfNeeded: r.customer), day: r.day,
                                    line: Int32(truncatingIfNeeded: r.line), channel: r.channel)
        orderStore?[count] = r.order
        quantityStore?[count] = r.quantity
        count &+= 1
    }

    private var rows: UnsafeBufferPointer<LoggedRow> { UnsafeBufferPointer(start: rowStore.base, count: count) }

    /// For the later part of a split read: its customers' and channels' numbers in the whole read, and
    /// the line before its first.
    private(set) var customerMap: [Int32]?
    private(set) var channelMap: [Int32]?
    private(set) var lineOffset = 0

    /// Numbers this (later) part's rows as the whole read numbers them.
    func renumber(customers: [Int32], channels: [Int32], lineOffset: Int) {
        customerMap = customers
        channelMap = channels
        self.lineOffset = lineOffset
        if let last = rows.last, Int(last.line) + lineOffset > Int(Int32.max) { complete = false }
    }

    /// Row `i`, numbered as the whole read numbers it.
    @inline(__always)
    func row(_ i: Int) -> ParsedRow {
        let r = rows[i]
        var customer = Int(r.customer), channel = r.channel
        if let customerMap { customer = Int(customerMap[customer]) }
        if let channelMap, channel >= 0 { channel = channelMap[Int(channel)] }
        return ParsedRow(customer: customer, day: r.day, amount: r.amount, quantity: quantityStore?[i] ?? 0,
                         channel: channel, order: orderStore?[i] ?? -1, line: Int(r.line) + lineOffset)
    }

    /// Row `i`'s customer, numbered as the whole read numbers it.
    @inline(__always)
    func customer(_ i: Int) -> Int {
        let c = Int(rows[i].customer)
        return customerMap.map { Int($0[c]) } ?? c
    }

    /// Calls `body` with views of the columns, for a loop over every row that touches no reference count.
    func withColumns<R>(_ body: (RowColumns) throws -> R) rethrows -> R {
        let none = [Int32]()
        return try (customerMap ?? none).withUnsafeBufferPointer { customerMap in
            try (channelMap ?? none).withUnsafeBufferPointer { channelMap in
                try body(RowColumns(rows: rows, orders: orderStore.map { UnsafeBufferPointer(start: $0.base, count: count) },
                                    quantities: quantityStore.map { UnsafeBufferPointer(start: $0.base, count: count) },
                                    customerMap: self.customerMap == nil ? nil : customerMap,
                                    channelMap: self.channelMap == nil ? nil : channelMap, lineOffset: lineOffset))
            }
        }
    }
}

/// Views of a ``RowLog``'s columns (valid inside ``RowLog/withColumns(_:)``).
struct RowColumns {
    let rows: UnsafeBufferPointer<LoggedRow>
    let orders: UnsafeBufferPointer<Int32>?
    let quantities: UnsafeBufferPointer<Double>?
    let customerMap: UnsafeBufferPointer<Int32>?
    let channelMap: UnsafeBufferPointer<Int32>?
    let lineOffset: Int

    var count: Int { rows.count }

    /// Row `i`'s customer, numbered as the whole read numbers it.
    @inline(__always)
    func customer(_ i: Int) -> Int {
        let c = Int(rows[i].customer)
        if let customerMap { return Int(customerMap[c]) }
        return c
    }

    /// Row `i`, numbered as the whole read numbers it.
    @inline(__always)
    func row(_ i: Int) -> ParsedRow {
        let r = rows[i]
        var channel = r.channel
        if let channelMap, channel >= 0 { channel = channelMap[Int(channel)] }
        return ParsedRow(customer: customer(i), day: r.day, amount: r.amount, quantity: quantities?[i] ?? 0,
                         channel: channel, order: orders?[i] ?? -1, line: Int(r.line) + lineOffset)
    }
}

/// The resolved rows of one read of a transaction log, kept in memory, so that summaries at other ends
/// of observation, calibration splits and frequencies come from the same read without reading or parsing
/// the file again (``TransactionLogReader/summarizeKeepingRows(_:options:summary:progress:)``).
///
/// ``summarize(_:)`` applies the same admission rules (window, duplicates, zero amounts, currency,
/// returns) and the same per-customer fold as a read of the file with those summary options, to rows
/// in the same order, so its table is identical to that read's. Customers are numbered and listed as
/// in that read (by first appearance in the file).
///
/// Memory: 24 bytes per row (28 with an order column, 32 or 36 with a quantity column) plus the ids of
/// the read. It is immutable: summaries may be taken from several threads at once.
public final class ResolvedLog: @unchecked Sendable {
    /// The read whose rows these are (its tables of ids, orders and channels are read, never changed).
    private let parent: Ingestor
    /// The rows of each part of the read, in input order; nil when they could not all be kept.
    private let logs: [RowLog]?
    private let customerSlots: Int

    init(parent: Ingestor, logs: [RowLog]?) {
        self.parent = parent
        self.logs = logs
        customerSlots = parent.customers.count + (parent.laterPart?.worker.customers.count ?? 0)
    }

    /// The number of rows kept (every row that parsed).
    public var rowCount: Int { logs?.reduce(0) { $0 + $1.count } ?? 0 }

    /// The bytes the rows take (not counting the ids, which the read's table holds as well).
    public var bytes: Int { logs?.reduce(0) { $0 + $1.count * $1.bytesPerRow } ?? 0 }

    /// The summary that a read of the same file with the same ingest options and `summary` gives.
    /// - Throws: ``IngestError`` as that read would for the window: no purchase in it, a calibration end
    ///   not before the end of the data, (with ``ErrorPolicy/stop``) duplicate rows refused by
    ///   ``DuplicatePolicy/error``, and cancellation.
    public func summarize(_ summary: SummaryOptions) throws -> SummaryTable {
        guard let logs else {
            // A log whose line numbers outgrew 32 bits was not kept in full: read the file again.
            let fresh = try Ingestor(input: parent.input, options: parent.options, summary: summary)
            return try fresh.run(progress: nil).0
        }
        let replay = try Ingestor(replaying: parent, summary: summary, customers: customerSlots)
        return try replay.fold(logs)
    }
}

extension TransactionLogReader {
    /// Summarises an opened input as ``summarize(_:options:summary:progress:)`` does, and keeps its
    /// resolved rows (``ResolvedLog``) for summaries with other options.
    public static func summarizeKeepingRows(_ input: MappedInput, options: IngestOptions = IngestOptions(),
                                            summary: SummaryOptions = SummaryOptions(),
                                            progress: Progress? = nil) throws -> (SummaryTable, IngestReport, ResolvedLog) {
        let ingestor = try Ingestor(input: input, options: options, summary: summary)
        ingestor.rowLog = RowLog(orders: ingestor.columns.order >= 0, quantities: ingestor.columns.quantity >= 0,
                                 bytes: ingestor.dataEnd - ingestor.dataStart)
        let (table, report) = try ingestor.run(progress: progress)
        let logs = ingestor.keptRows
        (ingestor.rowLog, ingestor.laterRowLog) = (nil, nil)
        ingestor.releaseStates()
        return (table, report, ResolvedLog(parent: ingestor, logs: logs))
    }

    /// Summarises the log at `path` and keeps its rows (see ``summarizeKeepingRows(_:options:summary:progress:)``).
    public static func summarizeKeepingRows(path: String, options: IngestOptions = IngestOptions(),
                                            summary: SummaryOptions = SummaryOptions(),
                                            progress: Progress? = nil) throws -> (SummaryTable, IngestReport, ResolvedLog) {
        let input = try MappedInput.open(path, encoding: options.encoding)
        return try summarizeKeepingRows(input, options: options, summary: summary, progress: progress)
    }
}

extension Ingestor {
    /// An ingestor that folds the rows of `parent`'s read with other summary options: the same columns,
    /// ids, orders and channels, with its own statistics for each of the parent's `customers` numbers.
    convenience init(replaying parent: Ingestor, summary: SummaryOptions, customers: Int) throws {
        try self.init(partOf: parent, bytes: 0, summary: summary, customers: customers)
        adoptTables(of: parent)
        if let later = parent.laterPart { replayLayout = (parent.customers.count, later) }
        for _ in 0..<customers { states.append() }
    }

    /// The rows this read kept, part by part (nil when none were kept, or not all).
    var keptRows: [RowLog]? {
        guard let rowLog else { return nil }
        let logs = [rowLog] + (laterRowLog.map { [$0] } ?? [])
        return logs.allSatisfy(\.complete) ? logs : nil
    }

    /// Folds the rows of `logs` as the first pass folds the file's, then recomputes out-of-order customers
    /// from the same rows, and builds the table.
    func fold(_ logs: [RowLog]) throws -> SummaryTable {
        let trackRepeats = summary.trackRepeatPurchases
        let cancellation = options.cancellation
        let ahead = 8
        if trackRepeats { purchaseDays.reserveCapacity(logs.reduce(0) { $0 + $1.count }) }
        for log in logs {
            try log.withColumns { columns in
                let count = columns.count
                for i in 0..<count {
                    if i & 0xFFFF == 0, let cancellation { try cancellation.check() }
                    // Rows of a log in date order land anywhere in the statistics: fetch them a few rows early.
                    if i + ahead < count { clv_prefetch(states.pointer(columns.customer(i + ahead))) }
                    let r = columns.row(i)
                    let kind = admit(r, counting: true)
                    if kind != .excluded { apply(r, kind, replay: false) }
                    if kind == .purchase, trackRepeats { purchaseDays.append(SIMD2(Int32(r.customer), r.day)) }
                }
            }
        }
        if report.problemCount > 0, options.onError == .stop {
            throw IngestError.dataProblems(file: input.name, problems: report.problems, total: report.problemCount)
        }
        if unorderedCustomers > 0 { replayUnordered(from: logs) }
        report.customersReordered = unorderedCustomers
        return try buildTable()
    }

    /// The recomputation of out-of-order customers, from kept rows: the rows of out-of-order customers, by customer, date and line,
    /// folded again from scratch with the same rules.
    func replayUnordered(from logs: [RowLog]) {
        for c in states.indices where states[c].unordered { states.resetForReplay(c) }
        var picked: [ParsedRow] = []
        for log in logs {
            for i in 0..<log.count where states[log.customer(i)].unordered { picked.append(log.row(i)) }
        }
        picked.sort { ($0.customer, $0.day, $0.line) < ($1.customer, $1.day, $1.line) }
        fingerprints = []
        for r in picked {
            let kind = admit(r, counting: false)
            if kind != .excluded { apply(r, kind, replay: true) }
        }
    }
}
