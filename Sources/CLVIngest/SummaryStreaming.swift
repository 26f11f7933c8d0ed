import CLVCore
import Foundation
import _CLVUtilities

extension TransactionLogReader {
    /// Summarises the log at `path` (`-` for standard input) and writes the summary to `output`
    /// straight from the per-customer statistics, without building a ``SummaryTable``: the same
    /// bytes as ``SummaryWriter/write(_:format:to:)`` of ``summarize(path:options:summary:progress:)``'s
    /// table, in less time and memory. Nothing is written when the input has no usable rows.
    /// - Returns: the report (its `seconds` include writing).
    /// - Throws: ``IngestError`` for unreadable input, unknown columns, (with ``ErrorPolicy/stop``) data
    ///   problems, an input without a purchase in the summary window, and write failures.
    public static func writeSummary(path: String, options: IngestOptions = IngestOptions(),
                                    summary: SummaryOptions = SummaryOptions(), format: TableFormat,
                                    to output: OutputFile, progress: Progress? = nil) throws -> IngestReport {
        let input = try MappedInput.open(path, encoding: options.encoding)
        return try writeSummary(input, options: options, summary: summary, format: format, to: output, progress: progress)
    }

    /// Summarises an opened input and writes the summary to `output` (see
    /// ``writeSummary(path:options:summary:format:to:progress:)``).
    public static func writeSummary(_ input: MappedInput, options: IngestOptions = IngestOptions(),
                                    summary: SummaryOptions = SummaryOptions(), format: TableFormat,
                                    to output: OutputFile, progress: Progress? = nil) throws -> IngestReport {
        let ingestor = try Ingestor(input: input, options: options, summary: summary)
        return try ingestor.runWriting(format: format, to: output, progress: progress)
    }
}

extension Ingestor {
    /// Reads the input and writes one line per listed customer, formatted on all cores.
    func runWriting(format: TableFormat, to output: OutputFile,
                    progress: TransactionLogReader.Progress?) throws -> IngestReport {
        let started = MonotonicClock.now()
        let times = try scan(progress: progress)
        let frame = try summaryFrame()
        let parts = tableParts()
        guard parts.contains(where: { $0.listsAnyone }) else {
            throw IngestError.noTransactions(file: input.name, reason: "no customer has a purchase on or before \(frame.observationEnd)")
        }
        let shape = frame.shape
        let layout = SummaryLayout(hasMonetary: columns.amount >= 0, holdoutDuration: frame.holdoutDuration,
                                   quantity: shape.quantity, channel: shape.channel)
        let names = layout.columns
        let dates = DateTexts(from: minDay, through: maxDay)
        // Customers are numbered across the parts, in listing order; each chunk of numbers is one task.
        let firsts = parts.indices.map { p in parts[..<p].reduce(0) { $0 + $1.states.count } }
        let total = parts.reduce(0) { $0 + $1.states.count }
        let chunkSize = 16_384
        let counts = ConcurrentResults<SummaryCounts>(count: (total + chunkSize - 1) / chunkSize)
        try SummaryWriter.writeHeader(names, format: format, to: output)
        let shared = UncheckedPair(parts, ())  // each task reads disjoint customers, and nothing is added meanwhile
        try SummaryWriter.writeChunks(count: total, chunkSize: chunkSize, to: output) { chunk, range, w in
            var tally = SummaryCounts()
            for p in shared.a.indices {
                let part = shared.a[p]
                let lower = max(range.lowerBound, firsts[p]), upper = min(range.upperBound, firsts[p] + part.states.count)
                guard lower < upper else { continue }
                part.keys.withKeyBytes { ids in
                    part.channels.withKeyBytes { channelNames in
                        for k in (lower - firsts[p])..<(upper - firsts[p]) {
                            guard let row = part.row(k, shape, channelNames: channelNames, counts: &tally, customerID: ids[k])
                            else { continue }
                            SummaryWriter.append(row, layout: layout, names: names, format: format, dates: dates, to: &w)
                        }
                    }
                }
            }
            counts.set(chunk, tally)
        }
        var all = SummaryCounts()
        for chunk in 0..<((total + chunkSize - 1) / chunkSize) { all += counts.get(chunk) }
        record(all)
        report.seconds = MonotonicClock.now() - started
        printTiming(started: started, scanned: times, finished: "write")
        return report
    }
}

extension TablePart {
    /// Whether at least one of these customers is listed (has a purchase in the summary window).
    var listsAnyone: Bool {
        states.indices.contains { (kept?[$0] ?? true) && states[$0].periodCount > 0 }
    }
}
