import CLVCore

/// The transactions of a log, as ``Transaction`` values, with the ingest report.
public struct TransactionBatch: Sendable {
    /// The admitted rows in input order; `sequence` is the row's line number.
    public var transactions: [Transaction]
    /// The ingest report of the read.
    public var report: IngestReport
    /// Amounts with more than six decimals, rounded to the nearest micro-unit (``Money``).
    public var amountsRounded: Int
}

extension TransactionLogReader {
    /// Reads every admitted row of the log at `path` as a ``Transaction``, with the same parsing, column
    /// detection, encodings, duplicate, zero-amount and order-id rules as
    /// ``summarize(path:options:summary:progress:)`` (returns stay returns whatever the
    /// ``IngestOptions/returns`` policy, except `drop`, which leaves them out; the policy is applied when a
    /// summary is taken). Memory: about 200 bytes per row.
    /// - Throws: ``IngestError`` as ``summarize(path:options:summary:progress:)`` does.
    public static func transactions(path: String, options: IngestOptions = IngestOptions(), progress: Progress? = nil) throws
        -> TransactionBatch {
        var all: [Transaction] = []
        let (report, rounded) = try transactions(path: path, options: options, progress: progress) { all += $0 }
        return TransactionBatch(transactions: all, report: report, amountsRounded: rounded)
    }

    /// Reads the log at `path` as ``transactions(path:options:progress:)`` does, handing the transactions
    /// to `body` in batches of at most `batchSize` (input order), so memory does not grow with the rows.
    /// - Returns: the ingest report and the number of amounts rounded to micro-units.
    /// - Throws: ``IngestError`` as ``summarize(path:options:summary:progress:)`` does (after the batches
    ///   read so far were handed over: a caller that must not keep half a file collects first), or what
    ///   `body` throws.
    public static func transactions(path: String, options: IngestOptions = IngestOptions(), batchSize: Int = 65_536,
                                    progress: Progress? = nil, _ body: ([Transaction]) throws -> Void) throws
        -> (report: IngestReport, amountsRounded: Int) {
        let input = try MappedInput.open(path, encoding: options.encoding)
        let ingestor = try Ingestor(input: input, options: options, summary: SummaryOptions())
        return try ingestor.collectTransactions(batchSize: max(batchSize, 1), progress: progress, body)
    }
}

extension Ingestor {
    /// One pass over the input that turns every admitted row into a ``Transaction``.
    func collectTransactions(batchSize: Int, progress: TransactionLogReader.Progress?,
                             _ body: ([Transaction]) throws -> Void) throws -> (report: IngestReport, amountsRounded: Int) {
        var transactions: [Transaction] = []
        var rounded = 0
        let hasQuantity = columns.quantity >= 0
        var customerIDs: [String] = [], channelNames: [String] = []
        var counts = PurchaseDayCounts()
        let carried = options.columns.carried.map(\.purpose)
        try forEachAdmittedRow(progress: progress, datesOfAllRows: true) { r, _, eventID, values in
            while customerIDs.count <= r.customer { customerIDs.append(customers.string(at: customerIDs.count)) }
            counts.note(customer: r.customer, day: r.day, amount: r.amount)
            if r.channel >= 0 {
                while channelNames.count <= Int(r.channel) { channelNames.append(channels.string(at: channelNames.count)) }
            }
            let amount = Money(exactly: r.amount) ?? {
                rounded += 1
                return Money(rounding: r.amount) ?? .zero
            }()
            transactions.append(Transaction(
                customerID: customerIDs[r.customer], day: CalendarDay(daysSinceEpoch: r.day), amount: amount,
                orderID: r.order >= 0 ? orders.string(at: Int(r.order)) : nil,
                quantity: hasQuantity ? Quantity(rounding: r.quantity) : nil,
                channel: r.channel >= 0 ? channelNames[Int(r.channel)] : nil,
                source: input.name, sourceEventID: eventID, sequence: Int64(r.line)))
            for (purpose, raw) in zip(carried, values) {
                let trimmed = raw.drop(while: \.isWhitespace)
                guard let last = trimmed.lastIndex(where: { !$0.isWhitespace }) else { continue }
                let value = String(trimmed[...last])
                switch purpose {
                case .identifier(let type): transactions[transactions.count - 1].identifiers[type] = value
                case .attribute(let name): transactions[transactions.count - 1].attributes[name] = value
                }
            }
            if transactions.count == batchSize {
                try body(transactions)
                transactions.removeAll(keepingCapacity: true)
            }
        }
        if !transactions.isEmpty { try body(transactions) }
        counts.record(in: &report)
        return (report, rounded)
    }
}
