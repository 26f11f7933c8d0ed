import CLVCore
import _CLVUtilities

/// The customers of a finished scan, numbered across the reader's parts in listing order, as
/// ``SummaryRow``s: what the summary writers of CLVIO format straight from the per-customer statistics,
/// without building a ``SummaryTable``. Read-only once made; chunks of customers may be read on several
/// threads at once, each chunk by one thread.
package struct ListedCustomers: Sendable {
    /// The parts and their first customer numbers (each task reads disjoint customers, and nothing is added
    /// after the scan).
    private let shared: UncheckedPair<[TablePart], [Int]>
    private let shape: TableShape
    /// The columns of the summary.
    package let layout: SummaryLayout
    /// The earliest and latest purchase day of the log (days since 1970-01-01).
    package let firstDay: Int32, lastDay: Int32
    /// Customers numbered, listed or not.
    package let count: Int

    init(parts: [TablePart], shape: TableShape, layout: SummaryLayout, firstDay: Int32, lastDay: Int32) {
        let firsts = parts.indices.map { p in parts[..<p].reduce(0) { $0 + $1.states.count } }
        shared = UncheckedPair(parts, firsts)
        count = parts.reduce(0) { $0 + $1.states.count }
        self.shape = shape
        self.layout = layout
        self.firstDay = firstDay
        self.lastDay = lastDay
    }

    /// Calls `body` with the row of every listed customer numbered in `range`, in order; the report counts
    /// of those customers. Rows are valid only during the call.
    package func forEachRow(in range: Range<Int>, _ body: (SummaryRow) -> Void) -> SummaryCounts {
        var tally = SummaryCounts()
        let parts = shared.a, firsts = shared.b
        for p in parts.indices {
            let part = parts[p]
            let lower = max(range.lowerBound, firsts[p]), upper = min(range.upperBound, firsts[p] + part.states.count)
            guard lower < upper else { continue }
            part.keys.withKeyBytes { ids in
                part.channels.withKeyBytes { channelNames in
                    for k in (lower - firsts[p])..<(upper - firsts[p]) {
                        guard let row = part.row(k, shape, channelNames: channelNames, counts: &tally, customerID: ids[k])
                        else { continue }
                        body(row)
                    }
                }
            }
        }
        return tally
    }
}

extension Ingestor {
    /// Reads the input for a summary written straight from the per-customer statistics (CLVIO's
    /// `TransactionLogReader.writeSummary`); hand the writer's counts to ``finishListing(_:started:scanned:)``.
    /// - Throws: ``IngestError`` as ``TransactionLogReader/summarize(path:options:summary:progress:)``.
    package func scanForListing(progress: TransactionLogReader.Progress?) throws -> (ListedCustomers, PhaseTimes) {
        let times = try scan(progress: progress)
        let frame = try summaryFrame()
        let parts = tableParts()
        guard parts.contains(where: { $0.listsAnyone }) else {
            throw IngestError.noTransactions(file: input.name, reason: "no customer has a purchase on or before \(frame.observationEnd)")
        }
        let shape = frame.shape
        let layout = SummaryLayout(hasMonetary: columns.amount >= 0, holdoutDuration: frame.holdoutDuration,
                                   quantity: shape.quantity, channel: shape.channel)
        return (ListedCustomers(parts: parts, shape: shape, layout: layout, firstDay: minDay, lastDay: maxDay), times)
    }

    /// The report of a listing, once every customer was written with the counts `counts` (their sum over the
    /// chunks); its `seconds` run from `started` (a ``MonotonicClock`` reading).
    package func finishListing(_ counts: SummaryCounts, started: Double, scanned: PhaseTimes) -> IngestReport {
        record(counts)
        report.seconds = MonotonicClock.now() - started
        printTiming(started: started, scanned: scanned, finished: "write")
        return report
    }
}

extension TablePart {
    /// Whether at least one of these customers is listed (has a purchase in the summary window).
    var listsAnyone: Bool {
        states.indices.contains { (kept?[$0] ?? true) && states[$0].periodCount > 0 }
    }
}
