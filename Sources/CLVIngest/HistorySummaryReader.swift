import CLVCore
import CLVHistory

extension TransactionLogReader {
    /// The summary of ``summarize(path:options:summary:progress:)`` computed the generic way: the log is
    /// read as ``Transaction`` batches into a ``CustomerBook``, which is then summarised. One pass over
    /// the file, whatever the row order. Slower than the streaming reader, and it keeps every customer's
    /// history (see ``CustomerHistory``), which is what it is for: the book can be summarised again at
    /// other as-of dates and splits without reading the file again.
    /// - Throws: ``IngestError`` as ``summarize(path:options:summary:progress:)`` does.
    public static func summarizeWithHistories(path: String, options: IngestOptions = IngestOptions(),
                                              summary: SummaryOptions = SummaryOptions(),
                                              progress: Progress? = nil) throws -> (SummaryTable, IngestReport, CustomerBook) {
        let input = try MappedInput.open(path, encoding: options.encoding)
        // The observation window is applied on admission, as the streaming reader does, so the report counts the same rows.
        let ingestor = try Ingestor(input: input, options: options, summary: summary)
        var book = CustomerBook()
        var (report, rounded) = try ingestor.collectTransactions(batchSize: 65_536, progress: progress) { try book.apply($0) }
        report.amountsRoundedToMicros = rounded // histories hold money in millionths: say when that rounded a value
        book.compact()
        let lastDate = report.lastDate!
        if let cal = summary.calibrationEnd, !(cal < (summary.observationEnd ?? lastDate)) {
            throw IngestError.invalidOption("the calibration end (\(cal)) must be before the last date of the data (\(summary.observationEnd ?? lastDate)), or there is no holdout.")
        }
        let window = try SummaryWindow(asOf: summary.observationEnd ?? lastDate, calibrationEnd: summary.calibrationEnd,
                                       frequency: summary.frequency, timeUnit: summary.timeUnit, returns: options.returns)
        let listed = book.summaries(window)
        let table = SummaryTable(listed, hasMonetary: ingestor.columns.amount >= 0, quantity: ingestor.columns.quantity >= 0,
                                 channel: ingestor.columns.channel >= 0)
        report.returnsNetted = listed.returnsNetted
        report.unmatchedReturns = listed.returnsUnmatched
        report.customersWithoutPurchases = listed.customersWithoutPurchases
        report.repeatCustomers = listed.summaries.lazy.filter { $0.frequency > 0 }.count
        report.customers = listed.summaries.count
        report.holdoutRows = window.calibrationEnd == nil ? 0 : book.histories.reduce(0) { total, h in
            total + h.purchaseDays.lazy.filter { window.holdoutRowsCount($0.day) }.reduce(0) { $0 + Int($1.rows) }
        }
        if ingestor.columns.order >= 0 { report.orders = ingestor.orders.count }
        guard table.count > 0 else {
            throw IngestError.noTransactions(file: input.name, reason: "no customer has a purchase on or before \(window.summaryEnd)")
        }
        return (table, report, book)
    }
}

extension SummaryWindow {
    /// Whether purchases of `day` are holdout rows of the summary.
    func holdoutRowsCount(_ day: CalendarDay) -> Bool {
        guard let calibrationEnd else { return false }
        return day > calibrationEnd && day <= asOf
    }
}

extension SummaryTable {
    /// The columns of a book's summaries (money and quantities as doubles).
    public init(_ book: BookSummary, hasMonetary: Bool, quantity: Bool, channel: Bool) {
        let w = book.window
        self.init(frequency: w.frequency, timeUnit: w.timeUnit, observationEnd: w.summaryEnd, calibrationEnd: w.calibrationEnd,
                  hasMonetary: hasMonetary)
        let s = book.summaries
        customerIDs = s.map(\.customerID)
        repeatPurchases = s.map { Int32($0.frequency) }
        recency = s.map(\.recency)
        age = s.map(\.T)
        monetaryValue = s.map(\.monetaryValue)
        firstPurchase = s.map(\.firstPurchase)
        lastPurchase = s.map(\.lastPurchase)
        orders = s.map { Int32($0.orders) }
        totalSpend = s.map(\.totalSpend.doubleValue)
        if quantity { totalQuantity = s.map(\.totalQuantity.doubleValue) }
        if channel {
            acquisitionChannel = s.map { $0.acquisitionChannel ?? "" }
            channelCount = s.map { Int32($0.channelCount) }
        }
        if w.calibrationEnd != nil {
            holdoutEnd = w.asOf
            holdoutFrequency = s.map { Int32($0.holdout?.frequency ?? 0) }
            holdoutMonetaryValue = s.map { $0.holdout?.monetaryValue ?? 0 }
            holdoutDuration = w.holdoutDuration
        }
    }
}
