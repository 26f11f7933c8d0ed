#if canImport(Glibc)
import Glibc
#endif
import CLVCore

/// Where a column is: by header name, or by 1-based position.
public enum ColumnRef: Sendable, Hashable, CustomStringConvertible {
    case name(String)
    case position(Int)

    /// A whole positive number means a position, anything else a header name.
    public init(_ text: String) {
        if let n = Int(text), n >= 1 { self = .position(n) } else { self = .name(text) }
    }

    public var description: String {
        switch self {
        case .name(let n): return n
        case .position(let p): return String(p)
        }
    }
}

/// A column whose text each row carries along (``ColumnMapping/carried``) into its transaction: one of the
/// customer's identifiers in another system, or a profile attribute.
public struct CarriedColumn: Sendable, Hashable {
    /// What the column's text is.
    public enum Purpose: Sendable, Hashable {
        /// An identifier of this type (`phone`, `openid` …): ``CLVCore/Transaction/identifiers``.
        case identifier(String)
        /// A profile attribute of this name (`name`, `city` …): ``CLVCore/Transaction/attributes``.
        case attribute(String)
    }

    /// What the column's text is.
    public var purpose: Purpose
    /// Where the column is.
    public var column: ColumnRef

    /// A carried column.
    public init(_ purpose: Purpose, column: ColumnRef) {
        self.purpose = purpose
        self.column = column
    }

    /// The column's role as messages name it (`identity phone`, `attribute city`).
    public var role: String {
        switch purpose {
        case .identifier(let type): return "identity \(type)"
        case .attribute(let name): return "attribute \(name)"
        }
    }
}

/// Which columns hold what. A nil column is looked up among common header names (English and
/// Chinese, e.g. `customer_id`/`客户ID`, `date`/`下单日期`, `amount`/`实付金额`).
public struct ColumnMapping: Sendable, Hashable {
    /// The customer id column (required: found by header name when nil).
    public var customer: ColumnRef?
    /// The date or date-time column (required: found by header name when nil).
    public var date: ColumnRef?
    /// The money column; with `useAmount == false` no monetary statistics are computed.
    public var amount: ColumnRef?
    /// The order id column. Unlike the others it is read only when given, never found by header name.
    /// With it, the rows of one order count as one order, a return nets into the order it names, and an
    /// order id dated on two days is a data problem.
    public var order: ColumnRef?
    /// The quantity column (units per row, summed per customer into `total_quantity`); optional, found
    /// by header name when nil.
    public var quantity: ColumnRef?
    /// The sales channel column (giving `acquisition_channel` and `channel_count`); optional, found by
    /// header name when nil.
    public var channel: ColumnRef?
    /// Set to false to ignore amounts (frequency/recency/T only, like lifetimes without a monetary column).
    public var useAmount: Bool
    /// The column of the source's own event id (``CLVCore/Transaction/sourceEventID``), for idempotent imports.
    /// Read only when given, never found by header name, and only by the transaction reader.
    public var eventID: ColumnRef?
    /// Further columns whose text each row carries along unparsed (the identifiers and profile attributes of
    /// `clv import --identity/--attribute`), handed to the transaction reader's caller in this order. Read only
    /// when given, and only by the transaction reader; a carried column may also serve another role.
    public var carried: [CarriedColumn] = []

    /// A mapping; every column left nil is looked up by header name, except `order` and `eventID`.
    public init(customer: ColumnRef? = nil, date: ColumnRef? = nil, amount: ColumnRef? = nil, order: ColumnRef? = nil,
                quantity: ColumnRef? = nil, channel: ColumnRef? = nil, useAmount: Bool = true, eventID: ColumnRef? = nil) {
        self.eventID = eventID
        self.customer = customer
        self.date = date
        self.amount = amount
        self.order = order
        self.quantity = quantity
        self.channel = channel
        self.useAmount = useAmount
    }

    /// Header names tried, in order, when a column is not given (compared case-insensitively,
    /// ignoring spaces, `_` and `-`).
    public static let commonNames: [String: [String]] = [
        "customer": ["customer_id", "customer", "customerid", "cust_id", "client_id", "clientid", "user_id", "userid",
                     "member_id", "buyer_id", "account_id", "客户id", "客户编号", "客户号", "客户", "会员id", "会员编号",
                     "会员卡号", "会员", "用户id", "用户", "买家id", "买家"],
        "date": ["date", "order_date", "transaction_date", "purchase_date", "invoice_date", "datetime", "timestamp",
                 "created_at", "time", "日期", "下单日期", "下单时间", "订单日期", "交易日期", "交易时间", "购买日期",
                 "付款时间", "支付时间", "消费日期", "消费时间"],
        "amount": ["amount", "value", "revenue", "sales", "total", "monetary", "monetary_value", "dollar_value", "spend",
                   "order_value", "price", "金额", "实付金额", "订单金额", "支付金额", "付款金额", "销售额", "交易金额",
                   "消费金额", "实收金额"],
        "order": ["order_id", "order", "order_no", "order_number", "invoice", "invoice_no", "invoiceno",
                  "transaction_id", "订单号", "订单编号", "订单id", "单号"],
        "quantity": ["quantity", "qty", "units", "number_of_cds", "数量", "购买数量", "件数"],
        "channel": ["channel", "source", "sales_channel", "渠道", "来源", "销售渠道", "平台"],
    ]
}

/// What to do with rows identical to an earlier row in every mapped column.
public enum DuplicatePolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Keep them (logs without order ids can hold identical, genuine purchases).
    case keep
    /// Drop the repeats (and count them).
    case drop
    /// Treat a repeat as a data problem.
    case error
}

/// What to do with data problems.
public enum ErrorPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Read everything, then fail listing the first problems and the total.
    case stop
    /// Skip bad rows and report how many and why.
    case skip
}

/// How to read a transaction log.
public struct IngestOptions: Sendable, Hashable {
    /// Which columns hold the customer, date, amount and the optional fields.
    public var columns: ColumnMapping
    /// Whether the first non-blank line is a header.
    public var hasHeader: Bool
    /// nil detects the separator from the first lines.
    public var separator: FieldSeparator?
    /// `auto`, `utf-8`, `gbk`, `gb18030`, `utf-16`, or any iconv name.
    public var encoding: String
    /// strftime-style date format, or nil for the automatic forms.
    public var dateFormat: String?
    /// Zone that decides the day of timestamps with offsets and of epoch values.
    public var timeZone: DayTimeZone?
    /// "Today": dates after it are data problems.
    public var asOf: CalendarDay
    /// Earliest acceptable date.
    public var earliest: CalendarDay
    /// What a negative amount does: net against a purchase, be dropped, or be kept as a transaction.
    public var returns: ReturnPolicy
    /// What to do with rows identical to an earlier row in every mapped column.
    public var duplicates: DuplicatePolicy
    /// Whether zero amounts count as purchases (lifetimes counts them).
    public var dropZeroAmounts: Bool
    /// Whether an empty amount reads as 0 instead of being a data problem.
    public var emptyAmountIsZero: Bool
    /// Whether data problems stop the read (listing them) or their rows are skipped and counted.
    public var onError: ErrorPolicy
    /// Read `1.234,50` as 1234.5.
    public var decimalComma: Bool
    /// How many problems an error lists.
    public var problemsListed: Int
    /// The currency to keep when the amount column names several (rows marked with another currency are
    /// dropped and counted); nil refuses a column that mixes currencies.
    public var currency: AmountParser.Currency? = nil
    /// The 1-based line of the header, when rows above it (an ERP report's title) are to be skipped;
    /// nil detects such title rows (see ``TransactionLogReader``).
    public var headerRow: Int? = nil
    /// Stops the read early (it then throws `CancellationError`); checked every 16 384 rows on every thread.
    public var cancellation: CancellationToken? = nil
    /// Threads the reader may use: 0 (the default) for every core, 1 for one.
    public var threads: Int = 0
    /// Whether to record the time of each reading phase in ``IngestReport/timings``.
    public var recordTimings = false
    /// Size in bytes of the rows (after the header) from which the read is split across two threads;
    /// 8 MiB by default. Smaller inputs, logs with an order column, a duplicate check or repeat-purchase
    /// tracking, one core, or `threads == 1` read on one thread.
    public var parallelThreshold: Int = 8 << 20

    /// Options with the given settings; `currency`, `headerRow`, `cancellation`, `threads`,
    /// `recordTimings` and `parallelThreshold` keep their defaults and are set afterwards.
    public init(columns: ColumnMapping = ColumnMapping(), hasHeader: Bool = true, separator: FieldSeparator? = nil,
                encoding: String = "auto", dateFormat: String? = nil, timeZone: DayTimeZone? = nil,
                asOf: CalendarDay = .today, earliest: CalendarDay = CalendarDay(year: 1900, month: 1, day: 1)!,
                returns: ReturnPolicy = .net, duplicates: DuplicatePolicy = .keep, dropZeroAmounts: Bool = false,
                emptyAmountIsZero: Bool = false, onError: ErrorPolicy = .stop, decimalComma: Bool = false,
                problemsListed: Int = 10) {
        self.columns = columns
        self.hasHeader = hasHeader
        self.separator = separator
        self.encoding = encoding
        self.dateFormat = dateFormat
        self.timeZone = timeZone
        self.asOf = asOf
        self.earliest = earliest
        self.returns = returns
        self.duplicates = duplicates
        self.dropZeroAmounts = dropZeroAmounts
        self.emptyAmountIsZero = emptyAmountIsZero
        self.onError = onError
        self.decimalComma = decimalComma
        self.problemsListed = problemsListed
    }
}

/// How to turn transactions into per-customer statistics.
public struct SummaryOptions: Sendable, Hashable {
    /// Period in which purchases are counted (several purchases in one period count once).
    public var frequency: PeriodFrequency
    /// Unit of recency, T and holdout duration.
    public var timeUnit: TimeUnit
    /// End of observation; default: the last transaction date. Rounded down to its period, as lifetimes does.
    public var observationEnd: CalendarDay?
    /// With a calibration end, purchases after it form the holdout (lifetimes' `calibration_and_holdout_data`).
    public var calibrationEnd: CalendarDay?
    /// Also count, per day, the repeat purchase periods of the listed customers (for tracking plots);
    /// costs 8 bytes per purchase row and reads on one core.
    public var trackRepeatPurchases: Bool = false

    /// By default purchases are counted per day, measured in days, up to the last transaction date,
    /// without a holdout; `trackRepeatPurchases` is set afterwards.
    public init(frequency: PeriodFrequency = .day, timeUnit: TimeUnit = .day, observationEnd: CalendarDay? = nil,
                calibrationEnd: CalendarDay? = nil) {
        self.frequency = frequency
        self.timeUnit = timeUnit
        self.observationEnd = observationEnd
        self.calibrationEnd = calibrationEnd
    }
}

extension CalendarDay {
    /// Today's date in UTC.
    public static var today: CalendarDay {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return CalendarDay(daysSinceEpoch: Int32(ts.tv_sec / 86400))
    }
}
