import CLVIO
import ArgumentParser
import CLVKit
import Foundation

/// Flags that say how to read a transaction log (shared by every command that reads one).
struct InputOptions: ParsableArguments {
    @Argument(help: "Transaction log (CSV, TSV, whitespace-separated; UTF-8 or GBK; or an .xlsx workbook), or - for standard input.")
    var input: String
    @Option(help: "Sheet of an .xlsx input: its name or 1-based number (default: the first sheet).")
    var sheet: String?

    @Option(help: "Customer id column: header name or 1-based number (default: a column named customer_id, 客户ID, …).")
    var customer: String?
    @Option(help: "Date column: header name or 1-based number (default: date, order_date, 下单日期, …).")
    var date: String?
    @Option(help: "Amount column: header name or 1-based number (default: amount, value, 金额, …; none found: no monetary value).")
    var amount: String?
    @Flag(help: "Ignore amounts even if there is an amount column.")
    var noAmount = false
    @Option(help: "Order id column: rows with one order id are lines of one order; returns net into their order.")
    var order: String?
    @Option(help: "Quantity column.")
    var quantity: String?
    @Option(help: "Channel column (acquisition channel and channel count are reported).")
    var channel: String?
    @Flag(help: "The file has no header line; give columns by number.")
    var noHeader = false
    @Option(help: "Field separator: auto, ',', ';', tab, '|', whitespace.")
    var delimiter: String = "auto"
    @Option(help: "Text encoding: auto (UTF-8, UTF-16 with BOM, else GB18030/GBK), utf-8, gbk, gb18030, or any iconv name.")
    var encoding: String = "auto"
    @Option(help: "strftime-style date format, e.g. %d/%m/%Y (default: ISO forms, YYYYMMDD, epoch seconds).")
    var dateFormat: String?
    @Option(help: "Time zone that decides the calendar day of timestamps with an offset and of epoch values (UTC, +08:00, Asia/Shanghai).")
    var timezone: String?
    @Option(help: "Today's date (YYYY-MM-DD): later dates are errors. Default: the system date.")
    var asOf: CalendarDay?
    @Option(help: "Negative amounts (returns): net (into their order or day), drop, or keep as transactions.")
    var returns: ReturnPolicy = .net
    @Option(help: "Rows identical in every column read: keep, drop, or error.")
    var duplicates: DuplicatePolicy = .keep
    @Flag(help: "Drop rows whose amount is 0 (by default they count as purchases, as in lifetimes).")
    var dropZeroAmounts = false
    @Option(help: "Empty amounts: error, or zero.")
    var emptyAmount: EmptyAmount = .error
    @Flag(help: "Amounts use a decimal comma: 12,50 is 12.5 and 1.234,50 is 1234.5. Without it a comma is a thousands separator only before groups of three digits (1,234.50); any other comma is a data problem.")
    var decimalComma = false
    @Option(help: ArgumentHelp("The currency to keep when the amount column mixes currencies (CNY, USD, HKD, EUR, GBP; ¥/RMB/元 are CNY, $ is USD). Rows marked with another are dropped and counted. Without it, mixed currencies are an error.", valueName: "code"))
    var currency: String?
    @Option(help: ArgumentHelp("The 1-based line of the header row; the lines above it (an ERP report's title) are skipped. Default: title rows with at most one filled field are detected and skipped.", valueName: "n"))
    var headerRow: Int?
    @Option(help: "Data problems: stop (list them and write nothing) or skip (skip bad rows and report them).")
    var onError: ErrorPolicy = .stop

    enum EmptyAmount: String, ExpressibleByArgument, CaseIterable { case error, zero }

    func validate() throws {
        if delimiter != "auto", FieldSeparator(name: delimiter) == nil {
            throw ValidationError("--delimiter must be auto, ',', ';', tab, '|', whitespace or one ASCII character (got '\(delimiter)').")
        }
        if let timezone, DayTimeZone(timezone) == nil {
            throw ValidationError("--timezone '\(timezone)' is not UTC, an offset like +08:00, or a time zone name like Asia/Shanghai.")
        }
        if noAmount, amount != nil { throw ValidationError("--no-amount and --amount exclude each other.") }
        if let currency, AmountParser.Currency(name: currency) == nil {
            throw ValidationError("--currency '\(currency)' is not one of CNY (¥, RMB, 元), USD ($, US$), HKD (HK$), EUR (€), GBP (£).")
        }
        if let headerRow {
            if headerRow < 1 { throw ValidationError("--header-row must be 1 or more (got \(headerRow)).") }
            if noHeader { throw ValidationError("--header-row and --no-header exclude each other.") }
        }
    }

    /// The library options these flags describe.
    var ingestOptions: IngestOptions {
        var options = IngestOptions(
            columns: ColumnMapping(customer: customer.map(ColumnRef.init), date: date.map(ColumnRef.init),
                                   amount: amount.map(ColumnRef.init), order: order.map(ColumnRef.init),
                                   quantity: quantity.map(ColumnRef.init), channel: channel.map(ColumnRef.init),
                                   useAmount: !noAmount),
            hasHeader: !noHeader,
            separator: isWorkbook ? FieldSeparator(name: ",") : delimiter == "auto" ? nil : FieldSeparator(name: delimiter),
            encoding: isWorkbook ? "utf-8" : encoding,
            dateFormat: dateFormat,
            timeZone: timezone.flatMap(DayTimeZone.init),
            asOf: asOf ?? .today,
            returns: returns,
            duplicates: duplicates,
            dropZeroAmounts: dropZeroAmounts,
            emptyAmountIsZero: emptyAmount == .zero,
            onError: onError,
            decimalComma: decimalComma)
        options.currency = currency.flatMap(AmountParser.Currency.init(name:))
        options.headerRow = headerRow
        // Developer switches of the command line (the library reads no environment): CLVKIT_THREADS=1 reads on
        // one core, CLVKIT_TIMING prints the phase times.
        let environment = ProcessInfo.processInfo.environment
        options.threads = environment["CLVKIT_THREADS"].flatMap { Int($0) } ?? 0
        options.recordTimings = environment["CLVKIT_TIMING"] != nil
        return options
    }
}

/// Flags that say how to summarise per customer.
struct SummaryFlags: ParsableArguments {
    @Option(help: "Period in which purchases are counted (several in one period count once): day, week (Mon–Sun), month.")
    var freq: PeriodFrequency = .day
    @Option(help: "Unit of recency and T: day, week, month (365.2425/12 days), year.")
    var timeUnit: TimeUnit = .day
    @Option(help: "End of observation (YYYY-MM-DD). Default: the last transaction date.")
    var observationEnd: CalendarDay?
    @Option(help: "End of the calibration period (YYYY-MM-DD): later purchases form the holdout.")
    var calibrationEnd: CalendarDay?

    func validate() throws {
        if let c = calibrationEnd, let o = observationEnd, c >= o {
            throw ValidationError("--calibration-end (\(c)) must be before --observation-end (\(o)).")
        }
    }

    var summaryOptions: SummaryOptions {
        SummaryOptions(frequency: freq, timeUnit: timeUnit, observationEnd: observationEnd, calibrationEnd: calibrationEnd)
    }
}

/// Where and how results are written.
/// How customer value is counted (shared by `analyze` and `predict`).
struct ValueOptions: ParsableArguments {
    @Option(help: "Profit margin applied to spend.")
    var margin: Double = 1
    @Option(help: "Annual discount rate for CLV (0.1 = 10% a year).")
    var discountRate: Double = 0.1

    func validate() throws {
        guard margin.isFinite, margin > 0, margin <= 1 else {
            let hint = margin.isFinite && margin > 1 && margin <= 100
                ? " \(ModelRunner.format(margin)) means \(ModelRunner.format(margin))%? pass \(ModelRunner.format(margin / 100))." : ""
            throw ValidationError("--margin is the profit share of spend, in (0, 1] (got \(ModelRunner.format(margin))).\(hint)")
        }
        guard discountRate.isFinite, discountRate > -1 else {
            throw ValidationError("--discount-rate must be a finite annual rate > -1 (0.1 = 10% a year).")
        }
    }

    func lifetimeValue(horizonDays: Double) -> LifetimeValueOptions {
        LifetimeValueOptions(horizonDays: horizonDays, annualDiscountRate: discountRate, margin: margin)
    }
}

struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Output file (written atomically); default: standard output.")
    var output: String?
    @Option(help: "Output format: csv, jsonl or xlsx (an Excel workbook; needs -o).")
    var format: OutputFormat = .csv
    @Flag(name: .shortAndLong, help: "No progress or data-quality notes on stderr.")
    var quiet = false
    @Flag(help: "Start CSV output with a UTF-8 byte order mark, so that Excel shows Chinese (any non-ASCII) text correctly.")
    var bom = false

    func validate() throws { try validateExcel() }

    /// Opens `path` (nil: standard output) for a ``TableOutput`` in ``format`` (which writes workbooks itself),
    /// with the byte order mark when `--bom` asks for it.
    func open(_ path: String?) throws -> OutputFile {
        let file = try OutputFile(path: path)
        if bom && format == .csv { try file.write(OutputFile.byteOrderMark) }
        return file
    }
}
