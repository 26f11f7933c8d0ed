#if canImport(Glibc)
import Glibc
#endif
import CLVCore
import Foundation
import _CLVUtilities

/// Reads a transaction log and summarises it per customer.
///
/// One pass over the memory-mapped, UTF-8 input: each row is split in place, its fields parsed without
/// building strings, and folded into its customer's running statistics (``CustomerState``). Customers
/// whose rows are not in date order are recomputed from their own rows: from the kept rows when the read
/// keeps them (``ResolvedLog``), otherwise by parsing again only the batches of 64 rows that hold one
/// of their rows, which a row index (4 bytes a row, read only then) locates in the mapped input.
/// Memory: 56 bytes per customer (and 40 with a holdout window, 16 with a channel and 8 with a quantity
/// column, 24 for each customer with a return) plus the customer-id bytes, 4 bytes per row for the row
/// index, and 48 bytes per row of out-of-order customers while they are recomputed (none when the log is sorted by date or by
/// customer and date).
public enum TransactionLogReader {
    /// Called with (bytes done, bytes total) every few thousand rows.
    public typealias Progress = (_ done: Int, _ total: Int) -> Void

    /// Summarises the log at `path` (`-` for standard input).
    /// - Throws: ``IngestError`` for unreadable input, unknown columns and (with ``ErrorPolicy/stop``) data problems.
    public static func summarize(path: String, options: IngestOptions = IngestOptions(),
                                 summary: SummaryOptions = SummaryOptions(),
                                 progress: Progress? = nil) throws -> (SummaryTable, IngestReport) {
        let input = try MappedInput.open(path, encoding: options.encoding)
        return try summarize(input, options: options, summary: summary, progress: progress)
    }

    /// Summarises an opened input.
    public static func summarize(_ input: MappedInput, options: IngestOptions = IngestOptions(),
                                 summary: SummaryOptions = SummaryOptions(),
                                 progress: Progress? = nil) throws -> (SummaryTable, IngestReport) {
        let ingestor = try Ingestor(input: input, options: options, summary: summary)
        return try ingestor.run(progress: progress)
    }
}

/// Resolved column positions (0-based); -1 when absent.
struct ResolvedColumns {
    var customer = -1, date = -1, amount = -1, order = -1, quantity = -1, channel = -1, eventID = -1
    /// The carried columns (``ColumnMapping/carried``), in order.
    var carried: [Int] = []
    var names: [String: String] = [:]
    var labels: [Int: String] = [:]
    var maxIndex: Int { max(customer, date, amount, order, quantity, channel, eventID, carried.max() ?? -1) }
}

/// Everything the per-row code reads, as plain values: no strings, arrays or dictionaries, so reading
/// it never touches a reference count (which both first-pass workers would otherwise contend for).
struct HotConfig {
    var customer = -1, date = -1, amount = -1, order = -1, quantity = -1, channel = -1, maxIndex = -1
    var asOf: Int32 = 0, earliest: Int32 = 0
    var emptyAmountIsZero = false, dropZeroAmounts = false, checkDuplicates = false
    var returns = ReturnPolicy.net
    /// No `--date-format`: the automatic forms are read.
    var automaticDates = true
    /// Rows may take the first pass's inline reading of the common row: automatic dates, and no quantity,
    /// channel or order column.
    var quickRows = false
    var frequency = PeriodFrequency.day
    var hasObservationEnd = false, hasCalibrationEnd = false
    var observationEnd: Int32 = 0, observationPeriod: Int32 = 0, calibrationEnd: Int32 = 0
    /// `--currency`: amounts marked with another currency are read as NaN and dropped by ``Ingestor/admit(_:counting:)``.
    var filtersCurrency = false

    init() {}

    init(columns: ResolvedColumns, options: IngestOptions, summary: SummaryOptions) {
        customer = columns.customer; date = columns.date; amount = columns.amount
        order = columns.order; quantity = columns.quantity; channel = columns.channel; maxIndex = columns.maxIndex
        asOf = options.asOf.daysSinceEpoch
        earliest = options.earliest.daysSinceEpoch
        emptyAmountIsZero = options.emptyAmountIsZero
        dropZeroAmounts = options.dropZeroAmounts
        checkDuplicates = options.duplicates != .keep
        returns = options.returns
        automaticDates = options.dateFormat == nil
        quickRows = automaticDates && columns.quantity < 0 && columns.channel < 0 && columns.order < 0
        filtersCurrency = options.currency != nil
        frequency = summary.frequency
        if let obs = summary.observationEnd {
            hasObservationEnd = true
            observationEnd = obs.daysSinceEpoch
            observationPeriod = summary.frequency.period(of: obs)
        }
        if let cal = summary.calibrationEnd {
            hasCalibrationEnd = true
            calibrationEnd = cal.daysSinceEpoch
        }
    }
}

/// A parsed, valid row.
struct ParsedRow {
    var customer: Int
    var day: Int32
    var amount: Double
    var quantity: Double
    var channel: Int32
    var order: Int32
    var line: Int
}

struct OrderInfo {
    var customer: Int
    var day: Int32 = 0
    var firstPurchaseLine: Int = -1
}

/// The properties that every row reads or changes are exempt from the runtime's dynamic exclusivity checks
/// (`@exclusivity(unchecked)`, measured with ByteKeyTable's in BENCHMARKS.md, "checked-builds"): an ingestor is
/// driven by one thread, and no row step calls out while it holds one of them. Bounds and overflow stay checked.
package final class Ingestor {
    let input: MappedInput
    let options: IngestOptions
    let summary: SummaryOptions
    let separator: FieldSeparator
    var columns = ResolvedColumns()
    var hot = HotConfig()
    var dataStart = 0
    var dataLine = 1
    /// One past the last byte of the data rows: before a trailing totals row (``TrailerRows``).
    var dataEnd = 0
    /// The first value seen of each currency, by ``AmountParser/Currency`` raw value: (line, text).
    var currencyFirstSeen: [Int: (line: Int, value: String)] = [:]

    let dateParser: DateParser
    let amountParser: AmountParser
    @exclusivity(unchecked) private var customersTable = ByteKeyTable(capacity: 1024)
    var customers: ByteKeyTable { customersTable }
    @exclusivity(unchecked) private(set) var orders = ByteKeyTable(capacity: 1 << 10)
    @exclusivity(unchecked) private var channelsTable = ByteKeyTable(capacity: 16)
    var channels: ByteKeyTable { channelsTable }
    @exclusivity(unchecked) var states: CustomerStates
    @exclusivity(unchecked) var orderInfo: [OrderInfo] = []
    @exclusivity(unchecked) var fingerprints = Set<UInt64>()
    @exclusivity(unchecked) var previousCustomer = -1
    /// One past the last input byte (the row parser reads words that must end before it).
    var inputEnd: UnsafePointer<UInt8> { input.bytes.baseAddress! + input.bytes.count }
    /// Unescaped ids of the row being parsed outside a batch (``parseRow(_:)``), and the row.
    let rowKeys = KeyArena()
    var scratchRow = PendingRow(day: 0, amount: 0, quantity: 0, line: 0, customer: UnsafeBufferPointer(start: nil, count: 0))

    var report: IngestReport
    @exclusivity(unchecked) var minDay = Int32.max
    @exclusivity(unchecked) var maxDay = Int32.min
    var unorderedCustomers = 0
    var mergeSeconds = 0.0
    /// (customer, day) of every admitted purchase row, with ``SummaryOptions/trackRepeatPurchases``.
    @exclusivity(unchecked) var purchaseDays: [SIMD2<Int32>] = []
    /// Customers of a later part that were seen only there (listed after this part's own).
    var laterPart: LaterPart?
    /// The resolved rows, kept when ``TransactionLogReader/summarizeKeepingRows(_:options:summary:progress:)`` asks.
    @exclusivity(unchecked) var rowLog: RowLog?
    /// The rows of the later part of a split read, with their customers and channels renumbered into this read's.
    var laterRowLog: RowLog?
    /// Where the rows lie in the input, on a read that does not keep them: out-of-order customers are
    /// recomputed from their own rows through it (``RowIndex``).
    @exclusivity(unchecked) var rowIndex: RowIndex?
    /// The later part's index in a split read, with its customers renumbered into this read's.
    var laterRowIndex: RowIndex?
    /// True while out-of-order customers are recomputed: their rows' amount formats and currencies were
    /// counted already.
    @exclusivity(unchecked) var replaying = false
    /// Bytes of the input parsed again to recompute out-of-order customers.
    var reparsedBytes = 0
    /// In an ingestor that folds a read's rows again: that read's customer count and its later part, whose
    /// customers have the numbers after it (listed in two parts as that read lists them).
    var replayLayout: (ownCustomers: Int, later: LaterPart)?

    struct LaterPart {
        let worker: Ingestor
        let kept: [Bool]
    }

    deinit { states.deallocate() }

    package init(input: MappedInput, options: IngestOptions, summary: SummaryOptions) throws {
        self.input = input
        self.options = options
        self.summary = summary
        guard input.bytes.count > 0 else { throw IngestError.emptyInput(file: input.name) }
        separator = options.separator ?? FieldSeparator.detect(in: input.bytes)
        dateParser = try DateParser(format: options.dateFormat, timeZone: options.timeZone)
        amountParser = AmountParser(decimalComma: options.decimalComma)
        report = IngestReport(file: input.name, encoding: input.encoding + (input.hadByteOrderMark ? " with BOM" : ""),
                              separator: separator.description, bytes: input.originalSize, columns: [:])
        if let cal = summary.calibrationEnd, let obs = summary.observationEnd, cal >= obs {
            throw IngestError.invalidOption("the calibration end (\(cal)) must be before the observation end (\(obs)).")
        }
        let header = try Self.readHeader(input, separator: separator, options: options)
        (columns, dataStart, dataLine) = (header.columns, header.start, header.line)
        report.headerLine = header.headerLine
        report.titleRows = header.titleRows
        let parser = amountParser
        report.amountFormat = AmountFormat(decimalMark: String(parser.decimalMark), groupingSeparator: String(parser.groupingSeparator))
        report.currency = options.currency?.code
        let trailer = TrailerRows.find(in: input.bytes, from: dataStart, separator: separator)
        dataEnd = trailer?.start ?? input.bytes.count
        if let trailer {
            report.totalsRow = TotalsRow(line: MappedInput.lineNumber(in: input.bytes, at: trailer.start),
                                         text: trailer.label, linesBelow: trailer.linesBelow)
        }
        // A row takes at least 5 bytes ("a,1\n" plus a date), so this bounds the number of customers.
        states = CustomerStates(capacity: input.bytes.count / 5 + 16,
                                features: Self.features(columns: columns, options: options, summary: summary))
        hot = HotConfig(columns: columns, options: options, summary: summary)
        report.columns = columns.names
    }

    /// The side statistics the summary can need: holdout with a calibration end, returns when negative
    /// amounts are netted, channels and quantities when there are such columns.
    static func features(columns: ResolvedColumns, options: IngestOptions, summary: SummaryOptions) -> CustomerStates.Features {
        CustomerStates.Features(holdout: summary.calibrationEnd != nil,
                                returns: columns.amount >= 0 && options.returns == .net,
                                channel: columns.channel >= 0, quantity: columns.quantity >= 0)
    }

    // MARK: Header and columns

    /// Where the header was found and the data rows start.
    struct HeaderPosition {
        var columns: ResolvedColumns
        /// Byte offset and line number of the first data row.
        var start: Int, line: Int
        /// Line of the header (nil without one).
        var headerLine: Int?
        /// Title rows skipped above the header (their text, capped).
        var titleRows: [String]
    }

    /// Title rows (an ERP report's name, its export time) are detected among the first
    /// ``titleSearchRows`` records: records with at most one non-empty field before the first record with
    /// two or more. `--header-row` sets the header line instead.
    static let titleSearchRows = 10

    /// The resolved columns, and the byte offset and line number of the first data row.
    private static func readHeader(_ input: MappedInput, separator: FieldSeparator,
                                   options: IngestOptions) throws -> HeaderPosition {
        var scanner = RecordScanner(bytes: input.bytes, separator: separator, keep: 4096)
        guard scanner.next() else { throw IngestError.emptyInput(file: input.name) }
        var titles: [String] = []
        if options.hasHeader {
            func nonEmptyFields(_ scanner: borrowing RecordScanner) -> [String] {
                (0..<min(scanner.fieldCount, 4096)).map { scanner.string($0).trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }
            }
            if let row = options.headerRow {
                guard row >= 1 else { throw IngestError.invalidOption("--header-row must be 1 or more (got \(row)).") }
                while scanner.recordLine < row {
                    let text = nonEmptyFields(scanner).joined(separator: " ")
                    if !text.isEmpty { titles.append(String(DataProblem.capped(text, limit: 80))) }
                    guard scanner.next() else {
                        throw IngestError.invalidOption("\(input.name): --header-row \(row) is past the end of the input.")
                    }
                }
                if scanner.recordLine != row {
                    throw IngestError.invalidOption("\(input.name): --header-row \(row) is a blank line or lies inside a quoted field; the next record starts on line \(scanner.recordLine).")
                }
            } else {
                // Look ahead for a record with two or more fields; what stands before it are title rows.
                var probe = RecordScanner(bytes: input.bytes, separator: separator, keep: 4096)
                var skip = 0
                var found = false
                var seen = 0
                while seen < titleSearchRows, probe.next() {
                    seen += 1
                    if nonEmptyFields(probe).count >= 2 { found = true; break }
                    skip += 1
                }
                if found {
                    for _ in 0..<skip {
                        let text = nonEmptyFields(scanner).joined(separator: " ")
                        if !text.isEmpty { titles.append(String(DataProblem.capped(text, limit: 80))) }
                        _ = scanner.next()
                    }
                }
            }
        }
        let fieldCount = scanner.fieldCount
        var header: [String]?
        var start = 0, line = 1
        var headerLine: Int?
        if options.hasHeader {
            header = (0..<min(fieldCount, 4096)).map { scanner.string($0) }
            headerLine = scanner.recordLine
            start = scanner.position
            line = scanner.line
        } else {
            start = 0
        }
        let columns = try resolve(header: header, fieldCount: fieldCount, file: input.name, options: options)
        return HeaderPosition(columns: columns, start: start, line: line, headerLine: headerLine, titleRows: titles)
    }

    static func normalized(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { !" _-\t.".unicodeScalars.contains($0) })
    }

    private static func resolve(header: [String]?, fieldCount: Int, file: String,
                                options: IngestOptions) throws -> ResolvedColumns {
        var result = ResolvedColumns()
        func locate(_ role: String, _ ref: ColumnRef?, required: Bool) throws -> Int {
            if let ref {
                switch ref {
                case .position(let p):
                    guard p <= fieldCount else {
                        throw IngestError.columnIndexOutOfRange(file: file, role: role, index: p, fieldCount: fieldCount)
                    }
                    let label = header?[p - 1] ?? String(p)
                    result.names[role] = label
                    result.labels[p - 1] = label.isEmpty ? String(p) : label
                    return p - 1
                case .name(let name):
                    guard let header else {
                        throw IngestError.invalidOption("\(file): there is no header (--no-header), so give --\(role) as a 1-based column number, not '\(name)'.")
                    }
                    let target = Self.normalized(name)
                    guard let i = header.firstIndex(of: name) ?? header.firstIndex(where: { Self.normalized($0) == target })
                    else { throw IngestError.missingColumn(file: file, role: role, column: name, available: header) }
                    result.names[role] = header[i]
                    result.labels[i] = header[i]
                    return i
                }
            }
            guard let header else {
                if required {
                    throw IngestError.invalidOption("\(file): without a header (--no-header), give --customer and --date (and --amount) as 1-based column numbers.")
                }
                return -1
            }
            let normalizedHeader = header.map(Self.normalized)
            for candidate in ColumnMapping.commonNames[role] ?? [] {
                if let i = normalizedHeader.firstIndex(of: Self.normalized(candidate)) {
                    result.names[role] = header[i]
                    result.labels[i] = header[i]
                    return i
                }
            }
            if required {
                throw IngestError.missingColumn(file: file, role: role, column: ColumnMapping.commonNames[role]?.first ?? role,
                                                available: header)
            }
            return -1
        }
        let m = options.columns
        result.customer = try locate("customer", m.customer, required: true)
        result.date = try locate("date", m.date, required: true)
        if m.useAmount { result.amount = try locate("amount", m.amount, required: m.amount != nil) }
        if let order = m.order { result.order = try locate("order", order, required: true) }
        result.quantity = try locate("quantity", m.quantity, required: m.quantity != nil)
        result.channel = try locate("channel", m.channel, required: m.channel != nil)
        if let eventID = m.eventID { result.eventID = try locate("event-id", eventID, required: true) }
        let used = [result.customer, result.date, result.amount, result.order, result.quantity, result.channel, result.eventID]
            .filter { $0 >= 0 }
        if Set(used).count != used.count {
            let roles = result.names.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            throw IngestError.ambiguousColumns(file: file, role: "columns", candidates: roles)
        }
        for carried in m.carried {
            result.carried.append(try locate(carried.role, carried.column, required: true))
            result.names[carried.role] = nil
        }
        return result
    }

    // MARK: Rows

    /// The outcome of parsing a row: a valid row, or nil with the problem in ``lastProblem`` (kept out
    /// of the return value so that the hot path never copies or destroys strings).
    typealias RowOutcome = ParsedRow?
    var lastProblem: DataProblem?

    func label(_ column: Int) -> String { columns.labels[column] ?? String(column + 1) }

    private func problem<T>(_ kind: DataProblem.Kind, _ scanner: borrowing RecordScanner, _ column: Int, _ message: String) -> T? {
        let value = column >= 0 && column < scanner.fieldCount ? scanner.string(column) : ""
        return problem(DataProblem(kind: kind, line: scanner.recordLine, column: column >= 0 ? label(column) : "",
                                   value: value, message: message))
    }

    private func problem<T>(_ kind: DataProblem.Kind, line: Int, _ column: Int, value: UnsafeBufferPointer<UInt8>,
                            _ message: String) -> T? {
        problem(DataProblem(kind: kind, line: line, column: label(column), value: String(decoding: value, as: UTF8.self),
                            message: message))
    }

    private func problem(_ kind: DataProblem.Kind, _ scanner: borrowing RecordScanner, _ column: Int, _ message: String) -> Bool {
        let _: Void? = problem(kind, scanner, column, message)
        return false
    }

    private func problem(_ p: DataProblem) -> Bool {
        let _: Void? = problem(p)
        return false
    }

    @inline(never)
    private func problem<T>(_ p: DataProblem) -> T? {
        lastProblem = p
        return nil
    }

    /// Parses the current record (a valid row, or nil with the problem in ``lastProblem``), interning
    /// its keys at once.
    func parseRow(_ scanner: borrowing RecordScanner) -> RowOutcome {
        rowKeys.removeAll()
        return withUnsafeMutablePointer(to: &scratchRow) { row in
            parseFields(scanner, keys: rowKeys, into: row) ? resolve(row) : nil
        }
    }

    /// Parses and checks every field of the current record but leaves the ids (customer, channel, order)
    /// as bytes, copied into `keys` when they had to be unescaped. Returns nil with the problem in
    /// ``lastProblem``.
    @inline(__always)
    func parseFields(_ scanner: borrowing RecordScanner, keys: KeyArena, into row: UnsafeMutablePointer<PendingRow>) -> Bool {
        let c = hot
        if scanner.fieldCount <= c.maxIndex {
            return problem(DataProblem(kind: .tooFewFields, line: scanner.recordLine, column: "", value: "",
                                        message: "has \(scanner.fieldCount) field\(scanner.fieldCount == 1 ? "" : "s"), but column \(c.maxIndex + 1) ('\(label(c.maxIndex))') is needed"))
        }
        if scanner.quoteProblem {
            return problem(DataProblem(kind: .badQuoting, line: scanner.recordLine, column: "", value: "",
                                        message: "has a quote that is not closed, or text after a closing quote (RFC 4180: double a quote inside a quoted field)"))
        }
        if scanner.field(c.customer).count == 0 {
            return problem(.missingCustomer, scanner, c.customer, "is empty: every row needs a customer id")
        }
        // Date.
        var day: Int32 = 0
        var dateFailure: DateParser.Failure?
        var dateEmpty = false
        let dateText = scanner.field(c.date)
        if c.automaticDates, let d = DateParser.plainDate(dateText) {
            day = d // the common forms, inline
        } else if dateText.count == 0 {
            dateEmpty = true
        } else {
            switch dateParser.parse(dateText) {
            case .success(let d): day = d.daysSinceEpoch
            case .failure(let f): dateFailure = f
            }
        }
        if dateEmpty { return problem(.missingDate, scanner, c.date, "is empty: every row needs a date") }
        if let dateFailure {
            if dateFailure == .outOfRange { return problem(.dateOutOfRange, scanner, c.date, "is outside the years 1–9999") }
            let hint = options.dateFormat.map { "does not match --date-format '\($0)'" }
                ?? "is not a date (read: YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, ISO date-times, epoch seconds; use --date-format for others)"
            return problem(.badDate, scanner, c.date, hint)
        }
        if day < c.earliest {
            return problem(.dateOutOfRange, scanner, c.date, "is before \(options.earliest)")
        }
        if day > c.asOf {
            return problem(.futureDate, scanner, c.date, "is after today (\(options.asOf)); pass --as-of to set today")
        }
        // Amount.
        var amount = 0.0
        if c.amount >= 0 {
            let text = scanner.field(c.amount)
            if let base = text.baseAddress, text.count > 0, !scanner.hasEscapedQuotes(c.amount), base + 8 <= inputEnd,
               let v = amountParser.plainWord(UnsafeRawPointer(base).loadUnaligned(as: UInt64.self), count: text.count) {
                amount = v // short plain numbers, as one word (eight bytes are there to read)
            } else if let base = text.baseAddress, text.count > 0, let v = amountParser.plain(base, text.count) {
                amount = v // plain numbers, inline
            } else {
                switch amountParser.parseReading(text) { // the plain forms were tried above
                case .success(let r):
                    amount = r.value
                    if r.grouped, !replaying { report.amountFormat.valuesWithGrouping += 1 }
                    if let currency = r.currency {
                        if !replaying { note(currency, line: scanner.recordLine, text) }
                        if c.filtersCurrency, currency != options.currency { amount = .nan } // dropped in admit
                    }
                case .failure(.empty):
                    if !c.emptyAmountIsZero {
                        return problem(.missingAmount, scanner, c.amount, "is empty (pass --empty-amount zero to read it as 0)")
                    }
                case .failure(.badGrouping):
                    return problem(.badAmount, scanner, c.amount, groupingHint)
                case .failure:
                    return problem(.badAmount, scanner, c.amount, "is not a number")
                }
            }
        }
        var quantity = 0.0
        if c.quantity >= 0 {
            switch amountParser.parse(scanner.field(c.quantity)) {
            case .success(let v): quantity = v
            case .failure(.empty): quantity = 0
            case .failure(.badGrouping): return problem(.badQuantity, scanner, c.quantity, groupingHint)
            case .failure: return problem(.badQuantity, scanner, c.quantity, "is not a number")
            }
        }
        row.pointee = PendingRow(day: day, amount: amount, quantity: quantity, line: scanner.recordLine,
                                 customer: keys.stable(scanner, c.customer))
        if c.channel >= 0 { row.pointee.channel = keys.stable(scanner, c.channel) }
        if c.order >= 0 { row.pointee.order = keys.stable(scanner, c.order) }
        return true
    }

    /// Why a separator in a number is refused, with the flag that reads the other convention.
    var groupingHint: String {
        amountParser.decimalComma
            ? "is not a number with --decimal-comma: a dot is a thousands separator only before groups of exactly three digits (1.234,50); without --decimal-comma the dot is the decimal mark"
            : "is not a number: a comma is a thousands separator only before groups of exactly three digits (1,234.50); if the file writes decimal commas (12,50 for 12.5), pass --decimal-comma"
    }

    /// Counts a value marked with `currency`, remembering where the currency first appears.
    @inline(never)
    func note(_ currency: AmountParser.Currency, line: Int, _ text: UnsafeBufferPointer<UInt8>) {
        report.currencies[currency.code, default: 0] += 1
        if currencyFirstSeen[currency.rawValue] == nil {
            currencyFirstSeen[currency.rawValue] = (line, DataProblem.capped(String(decoding: text, as: UTF8.self), limit: 40))
        }
    }

    /// Refuses amounts in several currencies unless `--currency` names the one to keep; records the one.
    func checkCurrencies() throws {
        if let keep = options.currency {
            report.currency = keep.code
            return
        }
        let seen = AmountParser.Currency.allCases.compactMap { c -> CurrencySighting? in
            guard let first = currencyFirstSeen[c.rawValue] else { return nil }
            return CurrencySighting(code: c.code, count: report.currencies[c.code] ?? 0, line: first.line, value: first.value)
        }.sorted { $0.line < $1.line }
        if seen.count > 1 { throw IngestError.mixedCurrencies(file: input.name, sightings: seen) }
        report.currency = seen.first?.code
    }

    /// The index of a parsed row's customer, added (with empty statistics) if new. Interned only now
    /// that the row is valid.
    @inline(__always)
    func resolveCustomer(_ row: UnsafePointer<PendingRow>) -> Int {
        let key = row.pointee.customer
        let customer: Int
        // A hashed key goes straight to the lookup: the batch found that it differs from the previous
        // row's, or could not compare them, and then the lookup finds the same customer.
        if row.pointee.sameCustomer || (!row.pointee.hashed && previousCustomer >= 0 && customers.equals(previousCustomer, key)) {
            customer = previousCustomer
        } else {
            let (index, isNew) = customers.intern(key, hash: row.pointee.hashed ? row.pointee.customerHash : ByteKeyTable.hash(key))
            if isNew { states.append() }
            customer = index
        }
        previousCustomer = customer
        return customer
    }

    /// Looks up (or adds) the ids of a parsed row: its customer, channel and order. Returns nil with the
    /// problem in ``lastProblem`` when the order id belongs to another customer or another date.
    @inline(__always)
    func resolve(_ row: UnsafePointer<PendingRow>) -> RowOutcome {
        let c = hot
        let p = row.pointee
        let day = p.day, amount = p.amount
        let customer = resolveCustomer(row)
        var channel: Int32 = -1
        if c.channel >= 0 {
            let text = p.channel
            channel = text.count == 0 ? -1 : Int32(channels.intern(text).index)
        }
        var order: Int32 = -1
        if c.order >= 0 {
            let orderKey = p.order
            let (index, isNew) = orderKey.count == 0 ? (-1, false) : orders.intern(orderKey)
            if index >= 0 {
                order = Int32(index)
                if isNew { orderInfo.append(OrderInfo(customer: customer)) }
                let info = orderInfo[index]
                if info.customer != customer {
                    return problem(.conflictingOrder, line: p.line, c.order, value: orderKey,
                                   "belongs to customer '\(customers.string(at: info.customer))' on an earlier line, not to '\(customers.string(at: customer))'")
                }
                if amount >= 0 || c.returns != .net {
                    if info.firstPurchaseLine < 0 {
                        orderInfo[index].firstPurchaseLine = p.line
                        orderInfo[index].day = day
                    } else if info.day != day, info.firstPurchaseLine != p.line {
                        return problem(.conflictingOrder, line: p.line, c.order, value: orderKey,
                                       "is dated \(CalendarDay(daysSinceEpoch: info.day)) on line \(info.firstPurchaseLine) but \(CalendarDay(daysSinceEpoch: day)) here")
                    }
                }
            }
        }
        return ParsedRow(customer: customer, day: day, amount: amount, quantity: p.quantity, channel: channel,
                         order: order, line: p.line)
    }

    func fingerprint(_ r: ParsedRow) -> UInt64 {
        var h = UInt64(truncatingIfNeeded: r.customer) &* 0x9E37_79B9_7F4A_7C15
        for v in [UInt64(UInt32(bitPattern: r.day)), r.amount.bitPattern, r.quantity.bitPattern,
                  UInt64(UInt32(bitPattern: r.channel)), UInt64(UInt32(bitPattern: r.order))] {
            h = (h ^ v) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
        }
        return h
    }

    enum Admission { case purchase, returned, excluded }

    /// Applies the observation window and the zero/return/duplicate policies. `counting` is false on
    /// the recomputation of out-of-order customers, whose rows were already counted.
    func admit(_ r: ParsedRow, counting: Bool) -> Admission {
        let c = hot
        if c.filtersCurrency, r.amount.isNaN { // marked with a currency other than --currency
            if counting { report.rowsInOtherCurrencies += 1 }
            return .excluded
        }
        if c.hasObservationEnd {
            let after = !c.hasCalibrationEnd
                ? c.frequency.period(of: CalendarDay(daysSinceEpoch: r.day)) > c.observationPeriod
                : r.day > c.observationEnd
            if after {
                if counting { report.rowsAfterObservationEnd += 1 }
                return .excluded
            }
        }
        if c.checkDuplicates {
            if !fingerprints.insert(fingerprint(r)).inserted {
                if counting {
                    report.duplicateRows += 1
                    report.duplicateRowsDropped += 1
                    if options.duplicates == .error {
                        recordProblem(DataProblem(kind: .duplicateRow, line: r.line, column: "", value: "",
                                                  message: "the row repeats an earlier row in every column read (--duplicates error); "
                                                      + "use --duplicates drop to drop repeats, or keep to count them"))
                    }
                }
                return .excluded
            }
        }
        if c.amount >= 0 {
            if r.amount == 0 {
                if counting { report.zeroAmountRows += 1 }
                if c.dropZeroAmounts {
                    if counting { report.zeroAmountRowsDropped += 1 }
                    return .excluded
                }
            } else if r.amount < 0 {
                if counting { report.returnRows += 1; report.returnedAmount += -r.amount }
                switch c.returns {
                case .drop:
                    if counting { report.returnsDropped += 1 }
                    return .excluded
                case .net:
                    if counting { report.rowsUsed += 1 }
                    return .returned
                case .keep:
                    break
                }
            }
        }
        if counting { report.rowsUsed += 1 }
        return .purchase
    }

    /// Whether the first pass can take a row straight to ``noteSeen(_:)`` and ``addPurchase(_:period:)``:
    /// no window, duplicate check or holdout to apply, and the amount (if any) is positive.
    @inline(__always)
    func isPlainPurchase(_ r: ParsedRow) -> Bool {
        let c = hot
        return !c.hasObservationEnd && !c.checkDuplicates && !c.hasCalibrationEnd && (c.amount < 0 || r.amount > 0)
    }

    /// Notes that customer's row was seen on the first pass; false when the customer's rows are out of
    /// date order (flagged for recomputation from its own rows).
    @inline(__always)
    func noteSeen(_ r: ParsedRow) -> Bool {
        let s = states.pointer(r.customer)
        if s.pointee.unordered { return false }
        if r.day < s.pointee.lastSeenDay {
            s.pointee.unordered = true
            unorderedCustomers += 1
            return false
        }
        if s.pointee.firstSeenDay == .min { s.pointee.firstSeenDay = r.day }
        s.pointee.lastSeenDay = r.day
        return true
    }

    /// A purchase in the (calibration) window.
    @inline(__always)
    func addPurchase(_ r: ParsedRow, period: Int32) {
        let c = r.customer
        states.addPurchase(c, day: r.day, period: period, amount: r.amount)
        if r.order < 0 || orderInfo[Int(r.order)].firstPurchaseLine == r.line { states[c].orderCount += 1 }
        if let quantities = states.quantities { quantities[c] += r.quantity }
        if r.channel >= 0 { states.addChannel(c, r.channel) }
    }

    /// Folds an admitted row into its customer's statistics.
    @inline(__always)
    func apply(_ r: ParsedRow, _ kind: Admission, replay: Bool) {
        let c = r.customer
        if !replay, !noteSeen(r) { return }
        let freq = hot.frequency
        let inHoldout = hot.hasCalibrationEnd && r.day > hot.calibrationEnd
        let period = freq.period(of: CalendarDay(daysSinceEpoch: r.day))
        switch kind {
        case .purchase:
            if inHoldout {
                states.addHoldoutPurchase(c, period: period, amount: r.amount)
                return
            }
            addPurchase(r, period: period)
        case .returned:
            // With an order id, net into that order's period (when it is this customer's purchase in the same window).
            var target: Int32?
            var orderInOtherWindow = false
            if r.order >= 0 {
                let info = orderInfo[Int(r.order)]
                if info.firstPurchaseLine >= 0, info.day <= r.day {
                    let orderInHoldout = hot.hasCalibrationEnd && info.day > hot.calibrationEnd
                    if orderInHoldout == inHoldout {
                        target = freq.period(of: CalendarDay(daysSinceEpoch: info.day))
                    } else {
                        orderInOtherWindow = true
                    }
                }
            }
            if orderInOtherWindow {
                states.addUnmatchedReturn(c) // a calibration purchase returned in the holdout: no leakage backwards
            } else if inHoldout {
                states.addHoldoutReturn(c, amount: r.amount, period: period)
            } else {
                states.addReturn(c, amount: r.amount, period: period, target: target)
            }
        case .excluded:
            return
        }
    }

    // MARK: Driver

    @inline(never)
    func recordProblem(_ p: DataProblem) {
        report.problemCount += 1
        if report.problems.count < max(options.problemsListed, 0) { report.problems.append(p) }
        report.skipped[p.kind.rawValue, default: 0] += 1
    }

    /// A worker for one part of the same input, sharing the resolved columns; with `summary`, an ingestor
    /// for other summary options (``init(replaying:summary:)``), whose report starts with the read's
    /// input facts and no counts.
    init(partOf parent: Ingestor, bytes: Int, summary other: SummaryOptions? = nil, customers: Int? = nil) throws {
        input = parent.input
        options = parent.options
        summary = other ?? parent.summary
        separator = parent.separator
        columns = parent.columns
        hot = other.map { HotConfig(columns: parent.columns, options: parent.options, summary: $0) } ?? parent.hot
        dataStart = parent.dataStart
        dataLine = parent.dataLine
        dataEnd = parent.dataEnd
        dateParser = try DateParser(format: options.dateFormat, timeZone: options.timeZone)
        amountParser = parent.amountParser
        if other == nil {
            report = parent.report
        } else {
            let p = parent.report
            report = IngestReport(file: p.file, encoding: p.encoding, separator: p.separator, bytes: p.bytes, columns: p.columns)
            report.rowsRead = p.rowsRead
            report.headerLine = p.headerLine
            report.titleRows = p.titleRows
            report.totalsRow = p.totalsRow
            report.amountFormat = p.amountFormat
            report.currency = p.currency
            report.currencies = p.currencies
        }
        let features = other.map { Self.features(columns: parent.columns, options: parent.options, summary: $0) } ?? parent.states.features
        states = CustomerStates(capacity: customers ?? (bytes / 5 + 16), features: features)
        if parent.rowLog != nil, other == nil {
            rowLog = RowLog(orders: columns.order >= 0, quantities: columns.quantity >= 0, bytes: bytes)
        }
        if parent.rowIndex != nil, other == nil { rowIndex = RowIndex(bytes: bytes) }
    }

    /// Shares the id, order and channel tables and the dates of a finished read (to fold its rows again).
    func adoptTables(of parent: Ingestor) {
        customersTable = parent.customers
        channelsTable = parent.channels
        orders = parent.orders
        orderInfo = parent.orderInfo
        minDay = parent.minDay
        maxDay = parent.maxDay
    }

    /// Returns the statistics' memory once the table is built (the ingestor then only lends its tables).
    func releaseStates() {
        states.deallocate()
        states = CustomerStates(capacity: 1, features: CustomerStates.Features())
        laterPart?.worker.releaseStates()
    }

    /// Whether the first pass may run on several cores: the per-part statistics merge exactly unless
    /// order ids or duplicate checks need one global view.
    var canSplit: Bool {
        columns.order < 0 && options.duplicates == .keep && !summary.trackRepeatPurchases
            && dataEnd - dataStart >= max(options.parallelThreshold, 1)
            && ProcessInfo.processInfo.activeProcessorCount > 1
            && options.threads != 1
    }

    /// Runs the first pass on two parts of the file at once and merges the second into this one.
    /// Returns false (and leaves this ingestor untouched) when a quoted field spans lines, since then
    /// not every line break ends a record and the split might fall inside one.
    func parallelFirstPass(progress: TransactionLogReader.Progress?, estimate: CustomerCountEstimate? = nil,
                           splitAt forcedSplit: Int? = nil) throws -> Bool {
        let bytes = input.bytes
        var split = forcedSplit ?? (dataStart + (dataEnd - dataStart) / 2)
        while split < dataEnd, bytes[split - 1] != 0x0A { split += 1 }
        guard split > dataStart, split < dataEnd else { return false }
        let first = try Ingestor(partOf: self, bytes: split - dataStart)
        let second = try Ingestor(partOf: self, bytes: dataEnd - split)
        if let estimate {
            first.reserveCustomers(estimate, bytes: split - dataStart)
            second.reserveCustomers(estimate, bytes: dataEnd - split)
        }
        let results = ConcurrentResults<(line: Int, lineBreakInQuotes: Bool)>(count: 2)
        let workers = UncheckedPair(first, second)
        let report = UncheckedPair(progress, 0) // only the first worker reports progress
        let start = dataStart, line = dataLine, end = dataEnd, middle = split
        DispatchQueue.concurrentPerform(iterations: 2) { k in
            if k == 0 {
                results.set(0, workers.a.firstPass(from: start, to: middle, line: line, progress: report.a, progressScale: 2))
            } else {
                results.set(1, workers.b.firstPass(from: middle, to: end, line: 1, progress: nil))
            }
        }
        let (firstEnd, quoted1) = results.get(0)
        let (_, quoted2) = results.get(1)
        if quoted1 || quoted2 { return false }
        let merging = MonotonicClock.now()
        adopt(first)
        merge(second, lineOffset: firstEnd - 1)
        mergeSeconds = MonotonicClock.now() - merging
        return true
    }

    /// Samples the first rows for the number of customers to expect.
    func customerCountEstimate() -> CustomerCountEstimate {
        CustomerCountEstimate(bytes: input.bytes, separator: separator, customerField: columns.customer,
                              start: dataStart, line: dataLine)
    }

    /// Sizes the customer id table for the customers expected in `bytes` bytes of rows.
    func reserveCustomers(_ estimate: CustomerCountEstimate, bytes: Int) {
        let expected = estimate.customers(inBytes: bytes)
        customers.reserve(expected, keyBytes: estimate.keyBytes(customers: expected))
    }

    /// Takes over the state of a worker that read the first part.
    private func adopt(_ worker: Ingestor) {
        swap(&states, &worker.states)
        customersTable = worker.customers
        channelsTable = worker.channels
        report = worker.report
        currencyFirstSeen = worker.currencyFirstSeen
        minDay = worker.minDay
        maxDay = worker.maxDay
        unorderedCustomers = worker.unorderedCustomers
        if rowLog != nil { rowLog = worker.rowLog }
        if rowIndex != nil { rowIndex = worker.rowIndex }
    }

    /// Folds the later part's customers `range` into this part's where they are the same customer (or flags
    /// them for recomputation); marks those seen only in the later part in `kept`. Returns how many of
    /// those are out of date order, and how many of this part's customers were newly flagged.
    private func absorb(_ range: Range<Int>, of later: Ingestor, kept: UnsafeMutableBufferPointer<Bool>,
                        channelMap: [Int32], customerMap: UnsafeMutableBufferPointer<Int32>?) -> (laterUnordered: Int, newlyUnordered: Int) {
        var laterUnordered = 0, newlyUnordered = 0
        // The lookups land anywhere in this part's table: their slots are prefetched `ahead` keys early.
        let ahead = 16
        var hashes = (0..<ahead).map { _ in UInt64(0) }
        let table = customers
        later.customers.withKeyBytes { ids in
            let end = range.upperBound
            for k in range.lowerBound..<min(range.lowerBound + ahead, end) {
                hashes[k % ahead] = ByteKeyTable.hash(ids[k])
                table.prefetch(hash: hashes[k % ahead])
            }
            for k in range {
                let h = hashes[k % ahead]
                if k + ahead < end {
                    let next = ByteKeyTable.hash(ids[k + ahead])
                    hashes[k % ahead] = next
                    table.prefetch(hash: next)
                }
                if let index = table.find(ids[k], hash: h) {
                    customerMap?[k] = Int32(truncatingIfNeeded: index)
                    if states.canAbsorb(index, later.states, k) {
                        states.absorb(index, later.states, k, channelMap: channelMap)
                    } else if !states[index].unordered {
                        states[index].unordered = true
                        newlyUnordered += 1
                    }
                } else {
                    kept[k] = true
                    if later.states[k].unordered { laterUnordered += 1 }
                }
            }
        }
        return (laterUnordered, newlyUnordered)
    }

    /// Folds a worker that read a later part into this ingestor.
    private func merge(_ later: Ingestor, lineOffset: Int) {
        let channelMap: [Int32] = (0..<later.channels.count).map { i in
            later.channels.string(at: i).utf8CString.withUnsafeBufferPointer { c in
                c.withMemoryRebound(to: UInt8.self) { Int32(channels.intern(UnsafeBufferPointer(rebasing: $0.dropLast())).index) }
            }
        }
        // Customers seen in both parts are folded together (or flagged for recomputation). Those seen
        // only in the later part stay in its worker and are listed after this part's customers, unless a
        // recomputation is needed, which wants one table: then they are moved over.
        let n = later.states.count
        var kept = [Bool](repeating: false, count: n)
        // With a row log, the later part's customers are renumbered into this part's: where they were found,
        // or where they are appended.
        var customerMap = [Int32](repeating: -1, count: rowLog == nil && rowIndex == nil ? 0 : n)
        // Two halves of the later part's customers at once: each later customer is a different customer of
        // this part (or none), so the halves never touch the same state.
        let halves = ConcurrentResults<(laterUnordered: Int, newlyUnordered: Int)>(count: 2)
        kept.withUnsafeMutableBufferPointer { keptFlags in
            customerMap.withUnsafeMutableBufferPointer { map in
                let shared = UncheckedPair(self, (later, keptFlags, channelMap, map.count == 0 ? nil : map))
                let middle = n / 2
                DispatchQueue.concurrentPerform(iterations: 2) { half in
                    let range = half == 0 ? 0..<middle : middle..<n
                    halves.set(half, shared.a.absorb(range, of: shared.b.0, kept: shared.b.1, channelMap: shared.b.2,
                                                     customerMap: shared.b.3))
                }
            }
        }
        let laterUnordered = halves.get(0).laterUnordered + halves.get(1).laterUnordered
        let ownUnordered = unorderedCustomers + halves.get(0).newlyUnordered + halves.get(1).newlyUnordered
        if ownUnordered + laterUnordered == 0 {
            laterPart = LaterPart(worker: later, kept: kept)
            unorderedCustomers = 0
            // The later part's own customers are numbered after this part's, by their number there.
            let own = states.count
            if !customerMap.isEmpty { for k in 0..<n where kept[k] { customerMap[k] = Int32(truncatingIfNeeded: own + k) } }
        } else {
            // One table, which the recomputation needs.
            customers.reserve(kept.count)
            for k in later.states.indices where kept[k] {
                _ = later.customers.withKey(k) { customers.intern($0) }
                states.appendCopy(of: k, from: later.states, channelMap: channelMap)
                if !customerMap.isEmpty { customerMap[k] = Int32(truncatingIfNeeded: states.count - 1) }
            }
            unorderedCustomers = ownUnordered + laterUnordered
        }
        if rowLog != nil, let laterLog = later.rowLog {
            laterLog.renumber(customers: customerMap, channels: channelMap, lineOffset: lineOffset)
            laterRowLog = laterLog
            later.rowLog = nil
        }
        if rowIndex != nil, let laterIndex = later.rowIndex {
            laterIndex.renumber(customers: customerMap, lineOffset: lineOffset)
            laterRowIndex = laterIndex
            later.rowIndex = nil
        }
        let r = later.report
        report.rowsRead += r.rowsRead
        report.rowsUsed += r.rowsUsed
        for (kind, n) in r.skipped { report.skipped[kind, default: 0] += n }
        report.problemCount += r.problemCount
        report.problems += r.problems.map { var p = $0; p.line += lineOffset; return p }
        report.problems = Array(report.problems.prefix(max(options.problemsListed, 0)))
        report.returnRows += r.returnRows
        report.returnsDropped += r.returnsDropped
        report.returnedAmount += r.returnedAmount
        report.zeroAmountRows += r.zeroAmountRows
        report.zeroAmountRowsDropped += r.zeroAmountRowsDropped
        report.rowsAfterObservationEnd += r.rowsAfterObservationEnd
        report.rowsInOtherCurrencies += r.rowsInOtherCurrencies
        report.amountFormat.valuesWithGrouping += r.amountFormat.valuesWithGrouping
        for (code, n) in r.currencies { report.currencies[code, default: 0] += n }
        for (k, first) in later.currencyFirstSeen where currencyFirstSeen[k] == nil {
            currencyFirstSeen[k] = (first.line + lineOffset, first.value)
        }
        minDay = min(minDay, later.minDay)
        maxDay = max(maxDay, later.maxDay)
    }

    func run(progress: TransactionLogReader.Progress?) throws -> (SummaryTable, IngestReport) {
        let started = MonotonicClock.now()
        let scanned = try scan(progress: progress)
        let table = try buildTable()
        report.seconds = MonotonicClock.now() - started
        printTiming(started: started, scanned: scanned, finished: "table")
        return (table, report)
    }

    /// Times of the phases, for ``IngestOptions/recordTimings``.
    package struct PhaseTimes: Sendable {
        var scanned = 0.0, replayed = 0.0
    }

    /// Records the phase times in the report (``IngestOptions/recordTimings``).
    func printTiming(started: Double, scanned: PhaseTimes, finished last: String) {
        guard options.recordTimings else { return }
        let line = String(format: "pass 1 %.3f s (merge %.3f s), out-of-order customers %.3f s (%d bytes parsed again), %@ %.3f s; %d bytes per customer state",
                          scanned.scanned - started, mergeSeconds, scanned.replayed - scanned.scanned, reparsedBytes, last,
                          MonotonicClock.now() - scanned.replayed, CustomerStates.stride)
        report.timings = (report.timings ?? []) + [String(format: "open and check encoding %.3f s", input.openSeconds), line]
    }

    /// Reads the input: the first pass (on two cores when possible), then the recomputation of
    /// out-of-order customers from their own rows.
    /// - Throws: ``IngestError/dataProblems(file:problems:total:)`` with ``ErrorPolicy/stop``.
    func scan(progress: TransactionLogReader.Progress?) throws -> PhaseTimes {
        var times = PhaseTimes()
        let total = dataEnd
        let estimate = customerCountEstimate()
        if rowLog == nil, rowIndex == nil { rowIndex = RowIndex(bytes: total - dataStart) }
        let splitDone = canSplit ? try parallelFirstPass(progress: progress, estimate: estimate) : false
        if !splitDone {
            reserveCustomers(estimate, bytes: total - dataStart)
            firstPass(from: dataStart, to: total, line: dataLine, progress: progress)
        }
        try options.cancellation?.check()
        progress?(total, total)
        times.scanned = MonotonicClock.now()
        if report.problemCount > 0, options.onError == .stop {
            throw IngestError.dataProblems(file: input.name, problems: report.problems, total: report.problemCount)
        }
        try checkCurrencies()
        if unorderedCustomers > 0 {
            // The rows are in memory when they are kept; otherwise the index says where they are in the input.
            if let logs = keptRows { replayUnordered(from: logs) } else { replayUnordered() }
        }
        report.customersReordered = unorderedCustomers
        (rowIndex, laterRowIndex) = (nil, nil)
        times.replayed = MonotonicClock.now()
        return times
    }

    /// The byte ranges of the input (with the line each starts on) that hold every row of the out-of-order
    /// customers: the batches that the row index marks, adjacent ones joined; the whole data when the index
    /// is incomplete.
    func rangesHoldingUnordered() -> [(range: Range<Int>, line: Int)] {
        let whole = [(range: dataStart..<dataEnd, line: dataLine)]
        guard let own = rowIndex, own.complete else { return whole }
        var parts = [own]
        if own.end < dataEnd {
            guard let later = laterRowIndex, later.complete else { return whole }
            parts.append(later)
        }
        var joined: [(range: Range<Int>, line: Int)] = []
        for part in parts {
            for b in part.batches(holding: { states[$0].unordered }) {
                if let last = joined.last, last.range.upperBound == b.range.lowerBound {
                    joined[joined.count - 1].range = last.range.lowerBound..<b.range.upperBound
                } else {
                    joined.append(b)
                }
            }
        }
        return joined
    }

    /// Recomputes the out-of-order customers from scratch with the same rules: re-parses the parts of the
    /// input that hold their rows (``rangesHoldingUnordered()``), sorts those rows by date and line, and
    /// folds them again.
    private func replayUnordered() {
        let ranges = rangesHoldingUnordered()
        reparsedBytes = ranges.reduce(0) { $0 + $1.range.count }
        for c in states.indices where states[c].unordered { states.resetForReplay(c) }
        var rows: [ParsedRow] = []
        let savedFingerprints = fingerprints
        fingerprints = []
        previousCustomer = -1
        replaying = true
        defer { replaying = false }
        for (range, line) in ranges {
            var scanner = RecordScanner(bytes: UnsafeBufferPointer(rebasing: input.bytes[0..<range.upperBound]), separator: separator,
                                        keep: columns.maxIndex + 1, start: range.lowerBound, line: line)
            while scanner.next() {
                if scanner.isEmptyRecord { continue }
                guard let r = parseRow(scanner), states[r.customer].unordered else { continue }
                rows.append(r)
            }
        }
        rows.sort { ($0.customer, $0.day, $0.line) < ($1.customer, $1.day, $1.line) }
        for r in rows {
            let kind = admit(r, counting: false)
            if kind != .excluded { apply(r, kind, replay: true) }
        }
        fingerprints = savedFingerprints
    }

    /// The observation window of the summary.
    struct SummaryFrame {
        var observationEnd: CalendarDay
        var calibrationEnd: CalendarDay?
        var holdoutEnd: CalendarDay?
        var holdoutDuration: Double?
        var shape: TableShape
    }

    /// Settles the observation window from the options and the dates read, and records the dates in the report.
    /// - Throws: ``IngestError/noTransactions(file:reason:)`` when no row was read, and
    ///   ``IngestError/invalidOption(_:)`` when the calibration end is not before the end of the data.
    func summaryFrame() throws -> SummaryFrame {
        guard maxDay >= minDay else {
            throw IngestError.noTransactions(file: input.name, reason: report.rowsRead == 0 ? "there are no data rows" : "every row was skipped")
        }
        let freq = summary.frequency, unit = summary.timeUnit
        let lastDate = CalendarDay(daysSinceEpoch: maxDay)
        report.firstDate = CalendarDay(daysSinceEpoch: minDay)
        report.lastDate = lastDate
        var observationEnd = summary.observationEnd ?? lastDate
        var holdoutEnd: CalendarDay?
        var holdoutDuration: Double?
        if let cal = summary.calibrationEnd {
            let end = summary.observationEnd ?? lastDate
            guard cal < end else {
                throw IngestError.invalidOption("the calibration end (\(cal)) must be before the last date of the data (\(end)), or there is no holdout.")
            }
            observationEnd = cal
            holdoutEnd = end
            holdoutDuration = freq.elapsed(fromPeriod: freq.period(of: cal), toPeriod: freq.period(of: end), in: unit)
        }
        let shape = TableShape(frequency: freq, unit: unit, observationPeriod: freq.period(of: observationEnd),
                               quantity: columns.quantity >= 0, channel: columns.channel >= 0,
                               holdout: summary.calibrationEnd != nil)
        return SummaryFrame(observationEnd: observationEnd, calibrationEnd: summary.calibrationEnd, holdoutEnd: holdoutEnd,
                            holdoutDuration: holdoutDuration, shape: shape)
    }

    /// The customers of this part, then those seen only in a later part (in the order they are listed).
    func tableParts() -> [TablePart] {
        if let r = replayLayout {
            return [TablePart(states: states.view(0..<r.ownCustomers), keys: customers, channels: channels, kept: nil),
                    TablePart(states: states.view(r.ownCustomers..<states.count), keys: r.later.worker.customers,
                              channels: channels, kept: r.later.kept)]
        }
        var parts = [TablePart(states: states, keys: customers, channels: channels, kept: nil)]
        if let p = laterPart {
            parts.append(TablePart(states: p.worker.states, keys: p.worker.customers, channels: p.worker.channels, kept: p.kept))
        }
        return parts
    }

    /// Adds the per-customer counts of the listed summary to the report.
    func record(_ counts: SummaryCounts) {
        report.returnsNetted += counts.returnsNetted
        report.unmatchedReturns += counts.unmatchedReturns
        report.holdoutRows += counts.holdoutRows
        report.customersWithoutPurchases += counts.withoutPurchases
        report.repeatCustomers += counts.repeatCustomers
        report.customers = counts.listed
        if columns.order >= 0 { report.orders = orders.count }
    }

    func buildTable() throws -> SummaryTable {
        let frame = try summaryFrame()
        let shape = frame.shape
        var table = SummaryTable(frequency: shape.frequency, timeUnit: shape.unit, observationEnd: frame.observationEnd,
                                 calibrationEnd: frame.calibrationEnd, hasMonetary: columns.amount >= 0)
        if shape.holdout {
            table.holdoutEnd = frame.holdoutEnd
            table.holdoutFrequency = []
            table.holdoutMonetaryValue = []
            table.holdoutDuration = frame.holdoutDuration
        }
        // Each part's columns are built on their own core, then joined in order.
        let parts = tableParts()
        let built = ConcurrentResults<PartColumns>(count: parts.count)
        let shared = UncheckedPair(parts, shape)
        DispatchQueue.concurrentPerform(iterations: parts.count) { k in
            built.set(k, shared.a[k].columns(shared.b))
        }
        var whole = built.take(0)
        for k in 1..<parts.count { whole.append(built.take(k)) }
        table.customerIDs = whole.ids
        table.repeatPurchases = whole.repeats
        table.recency = whole.recency
        table.age = whole.age
        table.monetaryValue = whole.monetary
        table.firstPurchase = whole.first
        table.lastPurchase = whole.last
        table.orders = whole.orders
        table.totalSpend = whole.spend
        if shape.quantity { table.totalQuantity = whole.quantity }
        if shape.channel { table.acquisitionChannel = whole.channelNames; table.channelCount = whole.channelCounts }
        if shape.holdout { table.holdoutFrequency = whole.holdoutFrequency; table.holdoutMonetaryValue = whole.holdoutMonetary }
        record(whole.counts)
        if summary.trackRepeatPurchases { trackRepeatPurchases(into: &table) }
        guard table.count > 0 else {
            throw IngestError.noTransactions(file: input.name, reason: "no customer has a purchase on or before \(frame.observationEnd)")
        }
        return table
    }
}

extension Ingestor {
    /// Daily counts of repeat purchase periods (each distinct period after a customer's first, dated by
    /// its first purchase) of the customers listed in `table`.
    func trackRepeatPurchases(into table: inout SummaryTable) {
        guard maxDay >= minDay else { return }
        // By customer, then day: often so already (a log by customer and date); else sorted as packed keys.
        let inOrder = purchaseDays.indices.dropFirst().allSatisfy { k in
            (purchaseDays[k - 1][0], purchaseDays[k - 1][1]) <= (purchaseDays[k][0], purchaseDays[k][1])
        }
        if !inOrder {
            // Customer numbers are ≥ 0; flipping the day's sign bit makes its unsigned order the signed one.
            var keys = purchaseDays.map { UInt64(UInt32(bitPattern: $0[0])) << 32 | UInt64(UInt32(bitPattern: $0[1]) ^ 0x8000_0000) }
            keys.sort()
            purchaseDays = keys.map { SIMD2(Int32(bitPattern: UInt32($0 >> 32)), Int32(bitPattern: UInt32(truncatingIfNeeded: $0) ^ 0x8000_0000)) }
        }
        var counts = [Int32](repeating: 0, count: Int(maxDay - minDay) + 1)
        let freq = summary.frequency
        var i = 0
        while i < purchaseDays.count {
            let c = Int(purchaseDays[i][0])
            var j = i
            var lastPeriod: Int32? = nil
            let listed = states[c].periodCount > 0
            while j < purchaseDays.count, Int(purchaseDays[j][0]) == c {
                let day = purchaseDays[j][1]
                let period = freq.period(of: CalendarDay(daysSinceEpoch: day))
                if listed, let last = lastPeriod, period != last { counts[Int(day - minDay)] += 1 }
                if lastPeriod != period { lastPeriod = period }
                j += 1
            }
            i = j
        }
        table.repeatPurchasesByDay = counts
        table.trackingStart = CalendarDay(daysSinceEpoch: minDay)
        purchaseDays = []
    }
}

/// Seconds from a monotonic clock.
package enum MonotonicClock {
    package static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}

/// What the result table holds besides the always-present columns.
struct TableShape {
    let frequency: PeriodFrequency
    let unit: TimeUnit
    let observationPeriod: Int32
    let quantity, channel, holdout: Bool
}

/// The statistics of one part of the customers (a first-pass worker's), to be turned into columns.
struct TablePart {
    let states: CustomerStates
    let keys: ByteKeyTable
    let channels: ByteKeyTable
    /// Which of the states to list (nil: all).
    let kept: [Bool]?

    /// Settles the waiting returns of customer `k` and returns its line, or nil when it is not listed
    /// (no purchase in the summary window, or listed by another part); counts it either way.
    @inline(__always)
    func row(_ k: Int, _ shape: TableShape, channelNames: ByteKeyTable.KeyBytes, counts: inout SummaryCounts,
             customerID: UnsafeBufferPointer<UInt8>) -> SummaryRow? {
        guard kept?[k] ?? true else { return nil }
        states.finish(k)
        let s = states[k]
        if s.hasReturns, let returns = states.returns {
            counts.returnsNetted += Int(returns[k].netted)
            counts.unmatchedReturns += Int(returns[k].unmatched)
        }
        let holdout = states.holdout?[k] ?? HoldoutStatistics()
        counts.holdoutRows += Int(holdout.rows)
        guard s.periodCount > 0 else { counts.withoutPurchases += 1; return nil }
        let repeats = s.periodCount - 1
        if repeats > 0 { counts.repeatCustomers += 1 }
        counts.listed += 1
        var row = SummaryRow(
            customerID: customerID, repeatPurchases: repeats,
            recency: shape.frequency.elapsed(fromPeriod: s.firstPeriod, toPeriod: s.lastPeriod, in: shape.unit),
            age: shape.frequency.elapsed(fromPeriod: s.firstPeriod, toPeriod: shape.observationPeriod, in: shape.unit),
            monetaryValue: repeats > 0 ? (s.totalSum - s.firstPeriodSum) / Double(repeats) : 0,
            firstPurchase: CalendarDay(daysSinceEpoch: s.firstDay), lastPurchase: CalendarDay(daysSinceEpoch: s.lastDay),
            orders: s.orderCount, totalSpend: s.totalSum, totalQuantity: states.quantities?[k] ?? 0)
        if shape.channel, let channels = states.channels {
            let used = channels[k]
            if used.acquisitionPlusOne > 0 { row.acquisitionChannel = channelNames[Int(used.acquisitionPlusOne - 1)] }
            row.channelCount = Int32(used.mask.nonzeroBitCount)
        }
        if shape.holdout {
            row.holdoutFrequency = holdout.periods
            row.holdoutMonetaryValue = holdout.rows > 0 ? holdout.sum / Double(holdout.rows) : 0
        }
        return row
    }


    /// Settles waiting returns and builds this part's columns, in first-appearance order.
    func columns(_ shape: TableShape) -> PartColumns {
        channels.withKeyBytes { columns(shape, channelNames: $0) }
    }

    private func columns(_ shape: TableShape, channelNames names: ByteKeyTable.KeyBytes) -> PartColumns {
        var out = PartColumns()
        var n = 0
        for k in states.indices where (kept?[k] ?? true) && states[k].periodCount > 0 { n += 1 }
        out.reserve(n, shape)
        for k in states.indices {
            guard let row = row(k, shape, channelNames: names, counts: &out.counts, customerID: UnsafeBufferPointer(start: nil, count: 0))
            else { continue }
            out.ids.append(keys.string(at: k))
            out.repeats.append(row.repeatPurchases)
            out.recency.append(row.recency)
            out.age.append(row.age)
            out.monetary.append(row.monetaryValue)
            out.first.append(row.firstPurchase)
            out.last.append(row.lastPurchase)
            out.orders.append(row.orders)
            out.spend.append(row.totalSpend)
            if shape.quantity { out.quantity.append(row.totalQuantity) }
            if shape.channel {
                out.channelNames.append(String(decoding: row.acquisitionChannel, as: UTF8.self))
                out.channelCounts.append(row.channelCount)
            }
            if shape.holdout {
                out.holdoutFrequency.append(row.holdoutFrequency)
                out.holdoutMonetary.append(row.holdoutMonetaryValue)
            }
        }
        return out
    }
}

/// Per-customer counts that go into the report.
package struct SummaryCounts: Sendable {
    var returnsNetted = 0, unmatchedReturns = 0, holdoutRows = 0, withoutPurchases = 0, repeatCustomers = 0
    /// Customers listed in the summary.
    var listed = 0

    package init() {}

    package static func += (a: inout SummaryCounts, b: SummaryCounts) {
        a.returnsNetted += b.returnsNetted; a.unmatchedReturns += b.unmatchedReturns; a.holdoutRows += b.holdoutRows
        a.withoutPurchases += b.withoutPurchases; a.repeatCustomers += b.repeatCustomers; a.listed += b.listed
    }
}

/// Columns (and report counts) of one part of the customers.
struct PartColumns {
    var ids: [String] = []
    var repeats: [Int32] = []
    var recency: [Double] = [], age: [Double] = [], monetary: [Double] = []
    var first: [CalendarDay] = [], last: [CalendarDay] = []
    var orders: [Int32] = []
    var spend: [Double] = []
    var quantity: [Double] = []
    var channelNames: [String] = []
    var channelCounts: [Int32] = []
    var holdoutFrequency: [Int32] = []
    var holdoutMonetary: [Double] = []
    var counts = SummaryCounts()

    mutating func reserve(_ n: Int, _ shape: TableShape) {
        ids.reserveCapacity(n); repeats.reserveCapacity(n); recency.reserveCapacity(n); age.reserveCapacity(n)
        monetary.reserveCapacity(n); first.reserveCapacity(n); last.reserveCapacity(n); orders.reserveCapacity(n)
        spend.reserveCapacity(n)
        if shape.quantity { quantity.reserveCapacity(n) }
        if shape.channel { channelNames.reserveCapacity(n); channelCounts.reserveCapacity(n) }
        if shape.holdout { holdoutFrequency.reserveCapacity(n); holdoutMonetary.reserveCapacity(n) }
    }

    /// Appends the columns of the next part.
    mutating func append(_ o: PartColumns) {
        ids += o.ids; repeats += o.repeats; recency += o.recency; age += o.age; monetary += o.monetary
        first += o.first; last += o.last; orders += o.orders; spend += o.spend; quantity += o.quantity
        channelNames += o.channelNames; channelCounts += o.channelCounts
        holdoutFrequency += o.holdoutFrequency; holdoutMonetary += o.holdoutMonetary
        counts += o.counts
    }
}
