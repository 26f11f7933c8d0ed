import CLVCore

extension TransactionLogReader {
    /// Reads every valid row of the log at `path` into columns (``TransactionRows``), with the same
    /// parsing, column detection, encodings, date window, duplicate and zero-amount rules as
    /// ``summarize(path:options:summary:progress:)``. Returns are kept as negative amounts (with
    /// ``ReturnPolicy/drop`` they are left out). Memory: about 24 bytes per row plus the ids.
    /// - Throws: ``IngestError`` as ``summarize(path:options:summary:progress:)`` does.
    public static func rows(path: String, options: IngestOptions = IngestOptions(), progress: Progress? = nil) throws
        -> (TransactionRows, IngestReport) {
        let input = try MappedInput.open(path, encoding: options.encoding)
        let ingestor = try Ingestor(input: input, options: options, summary: SummaryOptions())
        return try ingestor.collectRows(progress: progress)
    }
}

extension Ingestor {
    /// One pass over the input in row order: parses each record, counts and lists problems, applies the
    /// admission rules (window, duplicates, zero amounts, returns) and hands each admitted row to `body`;
    /// reports progress and honours cancellation every 16 384 rows. At the end: the data problems (with
    /// `onError` stop), the currency check, at least one row, and the first and last dates in the report
    /// (of every valid row with `datesOfAllRows`, as the summary counts them, else of the admitted rows).
    func forEachAdmittedRow(progress: TransactionLogReader.Progress?, datesOfAllRows: Bool,
                            _ body: (ParsedRow, Admission, _ eventID: String?, _ carried: [String]) throws -> Void) throws {
        let total = dataEnd
        var scanner = RecordScanner(bytes: UnsafeBufferPointer(rebasing: input.bytes[0..<dataEnd]), separator: separator,
                                    keep: columns.maxIndex + 1, start: dataStart, line: dataLine)
        reserveCustomers(customerCountEstimate(), bytes: total - dataStart)
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
            if datesOfAllRows || kind != .excluded {
                if r.day < minDay { minDay = r.day }
                if r.day > maxDay { maxDay = r.day }
            }
            guard kind != .excluded else { continue }
            let eventColumn = columns.eventID
            let eventID = eventColumn >= 0 && eventColumn < scanner.fieldCount ? scanner.string(eventColumn) : ""
            let carried = columns.carried.map { $0 < scanner.fieldCount ? scanner.string($0) : "" }
            try body(r, kind, eventID.isEmpty ? nil : eventID, carried)
        }
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
    }

    /// Counts, for the data-quality lines, the customers with a purchase and those with purchases on two or more
    /// days, as the summary counts them (a row with an amount ≥ 0 is a purchase).
    struct PurchaseDayCounts {
        private var firstDay: [Int32] = [], repeats: [Bool] = []

        mutating func note(customer: Int, day: Int32, amount: Double) {
            while firstDay.count <= customer {
                firstDay.append(.min)
                repeats.append(false)
            }
            guard amount >= 0 else { return }
            if firstDay[customer] == .min { firstDay[customer] = day } else if day != firstDay[customer] { repeats[customer] = true }
        }

        func record(in report: inout IngestReport) {
            report.customers = firstDay.filter { $0 != .min }.count
            report.repeatCustomers = repeats.filter { $0 }.count
        }
    }

    /// One pass over the input that keeps every admitted row.
    func collectRows(progress: TransactionLogReader.Progress?) throws -> (TransactionRows, IngestReport) {
        var customer: [Int32] = [], day: [Int32] = [], amount: [Double] = []
        var quantity: [Double] = [], channel: [Int32] = []
        let hasQuantity = columns.quantity >= 0, hasChannel = columns.channel >= 0
        try forEachAdmittedRow(progress: progress, datesOfAllRows: false) { r, _, _, _ in
            customer.append(Int32(r.customer))
            day.append(r.day)
            amount.append(r.amount)
            if hasQuantity { quantity.append(r.quantity) }
            if hasChannel { channel.append(r.channel) }
        }
        let ids = (0..<customers.count).map { customers.string(at: $0) }
        var counts = PurchaseDayCounts()
        for k in customer.indices { counts.note(customer: Int(customer[k]), day: day[k], amount: amount[k]) }
        counts.record(in: &report)
        let rows = TransactionRows(customerIDs: ids, customer: customer, day: day, amount: amount,
                                   quantity: hasQuantity ? quantity : nil,
                                   channelNames: hasChannel ? (0..<channels.count).map { channels.string(at: $0) } : [],
                                   channel: hasChannel ? channel : nil)
        return (rows, report)
    }
}
