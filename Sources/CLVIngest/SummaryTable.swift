import CLVCore
import Foundation

/// Per-customer statistics for a whole customer base, column by column (one array per statistic), in
/// order of each customer's first appearance in the log.
///
/// Without a calibration end this is lifetimes' `summary_data_from_transaction_data`; with one, the
/// calibration columns plus lifetimes' holdout columns of `calibration_and_holdout_data`.
public struct SummaryTable: Sendable {
    /// The period in which purchases were counted (several purchases in one period count once).
    public var frequency: PeriodFrequency
    /// The unit of ``recency``, ``age`` and ``holdoutDuration``.
    public var timeUnit: TimeUnit
    /// The end of observation used for T (the calibration end in a holdout split).
    public var observationEnd: CalendarDay
    /// The calibration end, when the table has a holdout.
    public var calibrationEnd: CalendarDay?
    /// End of the holdout period.
    public var holdoutEnd: CalendarDay?
    /// Whether amounts were read (monetary columns present).
    public var hasMonetary: Bool

    /// The customer ids as read from the log; row `i` of every column is customer `customerIDs[i]`.
    public var customerIDs: [String] = []
    /// Repeat purchase periods, x.
    public var repeatPurchases: [Int32] = []
    /// tₓ in ``timeUnit``.
    public var recency: [Double] = []
    /// T in ``timeUnit``.
    public var age: [Double] = []
    /// Mean value of repeat purchase periods (0 without repeats).
    public var monetaryValue: [Double] = []
    /// The day of the first purchase in the (calibration) window.
    public var firstPurchase: [CalendarDay] = []
    /// The day of the last purchase in the (calibration) window.
    public var lastPurchase: [CalendarDay] = []
    /// Orders (distinct order ids with an order column, else purchase rows).
    public var orders: [Int32] = []
    /// Net spend in the (calibration) period, returns netted.
    public var totalSpend: [Double] = []
    /// Sum of the quantity column, when there is one.
    public var totalQuantity: [Double]? = nil
    /// Channel of the first purchase, when there is a channel column.
    public var acquisitionChannel: [String]? = nil
    /// Number of distinct channels used, when there is a channel column.
    public var channelCount: [Int32]? = nil

    /// Holdout purchase periods (lifetimes' `frequency_holdout`).
    public var holdoutFrequency: [Int32]? = nil
    /// Mean value of holdout transactions (lifetimes' `monetary_value_holdout`).
    public var holdoutMonetaryValue: [Double]? = nil
    /// Length of the holdout in ``timeUnit`` (lifetimes' `duration_holdout`).
    public var holdoutDuration: Double? = nil
    /// With ``SummaryOptions/trackRepeatPurchases``: repeat purchase periods of the listed customers that
    /// began on each day, from ``trackingStart`` to the end of the data (calibration and holdout).
    public var repeatPurchasesByDay: [Int32]? = nil
    /// The day of element 0 of ``repeatPurchasesByDay`` (the earliest date read); nil without tracking.
    public var trackingStart: CalendarDay? = nil

    /// An empty table (no customers) for the given window.
    public init(frequency: PeriodFrequency, timeUnit: TimeUnit, observationEnd: CalendarDay,
                calibrationEnd: CalendarDay?, hasMonetary: Bool) {
        self.frequency = frequency
        self.timeUnit = timeUnit
        self.observationEnd = observationEnd
        self.calibrationEnd = calibrationEnd
        self.hasMonetary = hasMonetary
    }

    /// Number of customers.
    public var count: Int { customerIDs.count }

    /// The model-facing summary of customer `i`.
    public func customer(_ i: Int) -> CustomerSummary {
        CustomerSummary(customerID: customerIDs[i], frequency: Int(repeatPurchases[i]), recency: recency[i],
                        age: age[i], monetaryValue: monetaryValue[i])
    }

    /// All customers as model-facing summaries.
    public var customers: [CustomerSummary] { (0..<count).map(customer) }
}

/// What happened while reading a log: counts a user needs to trust (or distrust) the numbers.
public struct IngestReport: Sendable, Codable, Hashable {
    /// The input's name in messages: its path, or `<stdin>`.
    public var file: String
    /// The encoding the input was read as, with ` with BOM` when a byte-order mark was skipped.
    public var encoding: String
    /// The field separator's name (`comma`, `tab`, `semicolon`, `pipe`, `whitespace`, or the quoted character).
    public var separator: String
    /// Size of the input in bytes, before any decoding to UTF-8.
    public var bytes: Int
    /// Columns used, by role (`customer`, `date`, …) → header name or position.
    public var columns: [String: String]
    /// Data rows read (blank lines and the header excluded).
    public var rowsRead = 0
    /// Rows that entered the statistics.
    public var rowsUsed = 0
    /// Rows skipped for data problems (`--on-error skip`), by kind.
    public var skipped: [String: Int] = [:]
    /// Total data problems found.
    public var problemCount = 0
    /// The first problems found.
    public var problems: [DataProblem] = []
    /// Rows with a negative amount inside the observation window, whatever the return policy then did.
    public var returnRows = 0
    /// Returns netted against a purchase (``ReturnPolicy/net``).
    public var returnsNetted = 0
    /// Returns left out (``ReturnPolicy/drop``).
    public var returnsDropped = 0
    /// Returns with no earlier purchase of the same customer in the same window to net against.
    public var unmatchedReturns = 0
    /// The sum of the return rows' amounts as a positive number, dropped returns included.
    public var returnedAmount = 0.0
    /// Rows with an amount of exactly 0.
    public var zeroAmountRows = 0
    /// Zero-amount rows left out (``IngestOptions/dropZeroAmounts``).
    public var zeroAmountRowsDropped = 0
    /// Rows identical to an earlier row in every mapped column; counted only when duplicates are checked
    /// (``IngestOptions/duplicates`` other than `keep`).
    public var duplicateRows = 0
    /// Duplicate rows left out.
    public var duplicateRowsDropped = 0
    /// Rows dated after the end of observation (excluded).
    public var rowsAfterObservationEnd = 0
    /// Rows in the holdout period (calibration/holdout split only).
    public var holdoutRows = 0
    /// The earliest date of a row read without a data problem, before the window and the policies apply.
    public var firstDate: CalendarDay?
    /// The latest date of a row read without a data problem (the default end of observation).
    public var lastDate: CalendarDay?
    /// Customers in the summary.
    public var customers = 0
    /// Customers with at least one repeat purchase period.
    public var repeatCustomers = 0
    /// Customers seen only outside the summary window (after observation end, in the holdout only, or only returns).
    public var customersWithoutPurchases = 0
    /// Distinct order ids (with an order column).
    public var orders: Int?
    /// Customers whose rows were not in date order and were recomputed from their own rows.
    public var customersReordered = 0
    /// Wall-clock seconds the read took (for the streaming writers, writing included).
    public var seconds = 0.0
    /// Amounts with more than six decimals, rounded to millionths (micro-units) by the customer-history
    /// engine (``TransactionLogReader/summarizeWithHistories(path:options:summary:progress:)``); nil elsewhere.
    public var amountsRoundedToMicros: Int? = nil
    /// The time of each reading phase, one line each, with ``IngestOptions/recordTimings`` (else nil).
    public var timings: [String]? = nil
    /// Line of the header row (nil without a header).
    public var headerLine: Int?
    /// Title rows skipped above the header (an ERP report's name, export time, …), their text capped.
    public var titleRows: [String] = []
    /// The totals row cut from the end, if there was one.
    public var totalsRow: TotalsRow?
    /// The decimal mark and thousands separator used for amounts, and how many values had a separator.
    public var amountFormat = AmountFormat()
    /// The currency of the amounts: `--currency`, or the one currency their marks name; nil when no value
    /// carries a mark.
    public var currency: String?
    /// Values marked with each currency (ISO code → count).
    public var currencies: [String: Int] = [:]
    /// Rows dropped because their amount is marked with a currency other than `--currency`.
    public var rowsInOtherCurrencies = 0

    /// A report on one input with every count at zero.
    public init(file: String, encoding: String, separator: String, bytes: Int, columns: [String: String]) {
        self.file = file
        self.encoding = encoding
        self.separator = separator
        self.bytes = bytes
        self.columns = columns
    }

    /// Rows skipped for any data problem.
    public var rowsSkipped: Int { skipped.values.reduce(0, +) }

    /// A short human-readable account in `language`, one fact per line: the data-quality lines.
    public func lines(_ language: Language) -> [String] { language == .zh ? chineseLines : englishLines }

    private var englishLines: [String] {
        var out: [String] = []
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        out.append("read \(count(rowsRead, "row")) from \(file) (\(encoding), \(separator)-separated); used \(rowsUsed)")
        if let first = firstDate, let last = lastDate { out.append("dates \(first) to \(last)") }
        out.append("\(count(customers, "customer")), \(repeatCustomers) with repeat purchases")
        if rowsSkipped > 0 {
            let why = skipped.sorted { $0.value > $1.value }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            out.append("skipped \(count(rowsSkipped, "row")): \(why)")
        }
        if returnRows > 0 {
            out.append("\(returnRows) returns (\(returnsNetted) netted, \(returnsDropped) dropped, \(unmatchedReturns) without a purchase to net against)")
        }
        if duplicateRows > 0 { out.append("\(duplicateRows) duplicate rows (\(duplicateRowsDropped) dropped)") }
        if zeroAmountRows > 0 { out.append("\(zeroAmountRows) zero amounts (\(zeroAmountRowsDropped) dropped)") }
        if rowsAfterObservationEnd > 0 { out.append("\(rowsAfterObservationEnd) rows after the end of observation (excluded)") }
        if customersWithoutPurchases > 0 { out.append("\(customersWithoutPurchases) customers without a purchase in the summary window (not listed)") }
        if let n = amountsRoundedToMicros, n > 0 { out.append("\(n) amounts with more than six decimals rounded to millionths") }
        out += layoutLines
        return out
    }

    /// The lines on the file's layout and the reading of amounts: title and totals rows, the decimal
    /// mark, the currency. Stated whenever they apply, so that no reading rule acts unseen.
    var layoutLines: [String] {
        var out: [String] = []
        func quoted(_ texts: [String]) -> String { texts.map { "\"\($0)\"" }.joined(separator: ", ") }
        if !titleRows.isEmpty, let header = headerLine {
            out.append("skipped \(titleRows.count) title row\(titleRows.count == 1 ? "" : "s") above the header on line \(header) (\(quoted(titleRows))); --header-row N sets the header line")
        }
        if let t = totalsRow {
            let below = t.linesBelow == 0 ? "" : " and \(t.linesBelow) line\(t.linesBelow == 1 ? "" : "s") below it"
            out.append("skipped the totals row on line \(t.line) (\"\(t.text)\")\(below)")
        }
        if columns["amount"] != nil {
            let mark = amountFormat.decimalMark == "," ? "decimal comma (--decimal-comma)" : "decimal point"
            var line = "amounts read with a \(mark)"
            if amountFormat.valuesWithGrouping > 0 {
                line += "; \(amountFormat.valuesWithGrouping) value\(amountFormat.valuesWithGrouping == 1 ? "" : "s") had a thousands separator '\(amountFormat.groupingSeparator)'"
            }
            out.append(line)
        }
        if let currency {
            var line = "currency \(currency)"
            let marked = currencies[currency] ?? 0
            line += marked > 0 ? " (\(marked) value\(marked == 1 ? "" : "s") marked)" : " (--currency; no value marked)"
            if rowsInOtherCurrencies > 0 {
                let others = currencies.keys.filter { $0 != currency }.sorted().joined(separator: ", ")
                line += "; dropped \(rowsInOtherCurrencies) row\(rowsInOtherCurrencies == 1 ? "" : "s") in \(others)"
            }
            out.append(line)
        }
        return out
    }

    private var chineseLines: [String] {
        var out: [String] = []
        let encodingName = encoding.replacingOccurrences(of: " with BOM", with: "，含 BOM")
        let separatorName: String = switch separator {
        case "comma": "逗号"
        case "semicolon": "分号"
        case "tab": "制表符"
        case "pipe": "竖线"
        case "whitespace": "空白"
        default: separator
        }
        out.append("从 \(file) 读取 \(rowsRead) 行（\(encodingName)，\(separatorName)分隔），使用 \(rowsUsed) 行")
        if let first = firstDate, let last = lastDate { out.append("日期：\(first.chineseText) 至 \(last.chineseText)") }
        out.append("\(customers) 位客户，其中 \(repeatCustomers) 位有重复购买")
        if rowsSkipped > 0 {
            let why = skipped.sorted { $0.value > $1.value }
                .map { "\(DataProblem.Kind(rawValue: $0.key)?.text(.zh) ?? $0.key) \($0.value) 行" }.joined(separator: "，")
            out.append("跳过 \(rowsSkipped) 行：\(why)")
        }
        if returnRows > 0 {
            out.append("退货 \(returnRows) 行（冲抵 \(returnsNetted) 行，丢弃 \(returnsDropped) 行，\(unmatchedReturns) 行无可冲抵的购买）")
        }
        if duplicateRows > 0 { out.append("重复行 \(duplicateRows) 行（丢弃 \(duplicateRowsDropped) 行）") }
        if zeroAmountRows > 0 { out.append("金额为 0 的行 \(zeroAmountRows) 行（丢弃 \(zeroAmountRowsDropped) 行）") }
        if rowsAfterObservationEnd > 0 { out.append("观察期结束后的 \(rowsAfterObservationEnd) 行（未计入）") }
        if customersWithoutPurchases > 0 { out.append("\(customersWithoutPurchases) 位客户在统计窗口内没有购买（未列出）") }
        if let n = amountsRoundedToMicros, n > 0 { out.append("\(n) 个金额超过六位小数，已四舍五入到百万分之一") }
        if !titleRows.isEmpty, let header = headerLine {
            let list = titleRows.map { "“\($0)”" }.joined(separator: "、")
            out.append("跳过表头（第 \(header) 行）上方的 \(titleRows.count) 行标题（\(list)）；可用 --header-row N 指定表头行")
        }
        if let t = totalsRow {
            out.append("跳过第 \(t.line) 行的合计行（“\(t.text)”）" + (t.linesBelow > 0 ? "及其下方 \(t.linesBelow) 行" : ""))
        }
        if columns["amount"] != nil {
            var line = amountFormat.decimalMark == "," ? "金额按小数逗号读取（--decimal-comma）" : "金额按小数点读取"
            if amountFormat.valuesWithGrouping > 0 {
                line += "；\(amountFormat.valuesWithGrouping) 个数值带千位分隔符“\(amountFormat.groupingSeparator)”"
            }
            out.append(line)
        }
        if let currency {
            var line = "币种 \(currency)"
            let marked = currencies[currency] ?? 0
            line += marked > 0 ? "（\(marked) 个数值带币种标记）" : "（--currency；无数值带标记）"
            if rowsInOtherCurrencies > 0 {
                let others = currencies.keys.filter { $0 != currency }.sorted().joined(separator: "、")
                line += "；丢弃 \(rowsInOtherCurrencies) 行 \(others) 金额"
            }
            out.append(line)
        }
        return out
    }
}
