import CLVCore

/// Per-customer statistics for a whole customer base, column by column (one array per statistic), in
/// order of each customer's first appearance in the log.
///
/// Without a calibration end this is lifetimes' `summary_data_from_transaction_data`; with one, the
/// calibration columns plus lifetimes' holdout columns of `calibration_and_holdout_data`.
public struct SummaryTable: Sendable {
    public var frequency: PeriodFrequency
    public var timeUnit: TimeUnit
    /// The end of observation used for T (the calibration end in a holdout split).
    public var observationEnd: CalendarDay
    /// The calibration end, when the table has a holdout.
    public var calibrationEnd: CalendarDay?
    /// End of the holdout period.
    public var holdoutEnd: CalendarDay?
    /// Whether amounts were read (monetary columns present).
    public var hasMonetary: Bool

    public var customerIDs: [String] = []
    /// Repeat purchase periods, x.
    public var repeatPurchases: [Int32] = []
    /// tₓ in ``timeUnit``.
    public var recency: [Double] = []
    /// T in ``timeUnit``.
    public var age: [Double] = []
    /// Mean value of repeat purchase periods (0 without repeats).
    public var monetaryValue: [Double] = []
    public var firstPurchase: [CalendarDay] = []
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
    public var trackingStart: CalendarDay? = nil

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
    public var file: String
    public var encoding: String
    public var separator: String
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
    public var returnRows = 0
    public var returnsNetted = 0
    public var returnsDropped = 0
    /// Returns with no earlier purchase of the same customer in the same window to net against.
    public var unmatchedReturns = 0
    public var returnedAmount = 0.0
    public var zeroAmountRows = 0
    public var zeroAmountRowsDropped = 0
    public var duplicateRows = 0
    public var duplicateRowsDropped = 0
    /// Rows dated after the end of observation (excluded).
    public var rowsAfterObservationEnd = 0
    /// Rows in the holdout period (calibration/holdout split only).
    public var holdoutRows = 0
    public var firstDate: CalendarDay?
    public var lastDate: CalendarDay?
    /// Customers in the summary.
    public var customers = 0
    /// Customers with at least one repeat purchase period.
    public var repeatCustomers = 0
    /// Customers seen only outside the summary window (after observation end, in the holdout only, or only returns).
    public var customersWithoutPurchases = 0
    /// Distinct order ids (with an order column).
    public var orders: Int?
    /// Customers whose rows were not in date order and needed a second pass.
    public var customersReordered = 0
    public var seconds = 0.0

    public init(file: String, encoding: String, separator: String, bytes: Int, columns: [String: String]) {
        self.file = file
        self.encoding = encoding
        self.separator = separator
        self.bytes = bytes
        self.columns = columns
    }

    /// Rows skipped for any data problem.
    public var rowsSkipped: Int { skipped.values.reduce(0, +) }

    /// A short human-readable account, one fact per line.
    public var lines: [String] {
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
        return out
    }
}
