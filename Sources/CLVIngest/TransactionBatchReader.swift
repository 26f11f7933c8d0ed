import CLVCore

/// The transactions of a log, as ``Transaction`` values, with the ingest report.
public struct TransactionBatch: Sendable {
    /// The admitted rows in input order; `sequence` is the row's line number.
    public var transactions: [Transaction]
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
        let total = dataEnd
        var scanner = RecordScanner(bytes: UnsafeBufferPointer(rebasing: input.bytes[0..<dataEnd]), separator: separator,
                                    keep: columns.maxIndex + 1, start: dataStart, line: dataLine)
        var transactions: [Transaction] = []
        var rounded = 0
        let hasQuantity = columns.quantity >= 0
        reserveCustomers(customerCountEstimate(), bytes: total - dataStart)
        var customerIDs: [String] = [], channelNames: [String] = []
        var sinceProgress = 0
        while scanner.next() {
            if scanner.isEmptyRecord { continue }
            report.rowsRead += 1
            sinceProgress += 1
            if sinceProgress == 16384 {
                sinceProgress = 0
                progress?(scanner.position, total)
                try options.cancellation?.check()
            }
            guard let r = parseRow(scanner) else {
                if let p = lastProblem {
                    report.problemCount += 1
                    if report.problems.count < max(options.problemsListed, 0) { report.problems.append(p) }
                    report.skipped[p.kind.rawValue, default: 0] += 1
                }
                continue
            }
            let kind = admit(r, counting: true)
            if r.day < minDay { minDay = r.day }
            if r.day > maxDay { maxDay = r.day }
            guard kind != .excluded else { continue }
            while customerIDs.count <= r.customer { customerIDs.append(customers.string(at: customerIDs.count)) }
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
                source: input.name, sequence: Int64(r.line)))
            if transactions.count == batchSize {
                try body(transactions)
                transactions.removeAll(keepingCapacity: true)
            }
        }
        if !transactions.isEmpty { try body(transactions) }
        progress?(total, total)
        if report.problemCount > 0, options.onError == .stop {
            throw IngestError.dataProblems(file: input.name, problems: report.problems, total: report.problemCount)
        }
        try checkCurrencies()
        guard maxDay >= minDay else {
            throw IngestError.noTransactions(file: input.name, reason: report.rowsRead == 0 ? "there are no data rows" : "every row was skipped")
        }
        report.firstDate = CalendarDay(daysSinceEpoch: minDay)
        report.lastDate = CalendarDay(daysSinceEpoch: maxDay)
        return (report, rounded)
    }
}
