import CLVCore
import CLVIngest
import Foundation
import _CLVUtilities

extension TransactionLogReader {
    /// Summarises the log at `path` (`-` for standard input) and writes the summary to `output`
    /// straight from the per-customer statistics, without building a ``SummaryTable``: the same
    /// bytes as ``SummaryWriter/write(_:format:to:)`` of ``summarize(path:options:summary:progress:)``'s
    /// table, in less time and memory. Nothing is written when the input has no usable rows.
    /// - Returns: the report (its `seconds` include writing).
    /// - Throws: ``IngestError`` for unreadable input, unknown columns, (with ``ErrorPolicy/stop``) data
    ///   problems and an input without a purchase in the summary window; ``OutputError`` for write failures.
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
        let started = MonotonicClock.now()
        let (customers, scanned) = try ingestor.scanForListing(progress: progress)
        let layout = customers.layout, names = layout.columns
        let dates = DateTexts(from: customers.firstDay, through: customers.lastDay)
        let chunkSize = 16_384
        let chunks = (customers.count + chunkSize - 1) / chunkSize
        let counts = ConcurrentResults<SummaryCounts>(count: chunks)
        try SummaryWriter.writeHeader(names, format: format, to: output)
        try SummaryWriter.writeChunks(count: customers.count, chunkSize: chunkSize, to: output) { chunk, range, w in
            counts.set(chunk, customers.forEachRow(in: range) { row in
                SummaryWriter.append(row, layout: layout, names: names, format: format, dates: dates, to: &w)
            })
        }
        var all = SummaryCounts()
        for chunk in 0..<chunks { all += counts.get(chunk) }
        return ingestor.finishListing(all, started: started, scanned: scanned)
    }
}
