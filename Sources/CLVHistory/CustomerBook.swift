import CLVCore

/// The histories of many customers, filled from batches of transactions (a file, a store, live events)
/// and summarised in one pass for any window.
///
/// Applying a batch is all or nothing: when one transaction is refused, no history changes.
public struct CustomerBook: Sendable, Hashable {
    /// The histories by customer id.
    public private(set) var histories: [String: CustomerHistory] = [:]
    /// The last day of any applied transaction (the default as-of date), or nil when empty.
    public private(set) var lastDay: CalendarDay?

    public init() {}

    /// The number of customers.
    public var count: Int { histories.count }

    /// The history of `customerID`, if any.
    public subscript(customerID: String) -> CustomerHistory? { histories[customerID] }

    /// Applies a batch of transactions.
    /// - Throws: ``HistoryError`` for the first transaction refused; then nothing was applied.
    public mutating func apply(_ batch: some Sequence<Transaction>) throws {
        var changed: [String: CustomerHistory] = [:]
        var last = lastDay
        for t in batch {
            var h = changed.removeValue(forKey: t.customerID) ?? histories[t.customerID] ?? CustomerHistory(customerID: t.customerID)
            try h.apply(t)
            changed[t.customerID] = h
            last = max(last ?? t.day, t.day)
        }
        histories.merge(changed) { _, new in new }
        lastDay = last
    }

    /// Applies one transaction.
    public mutating func apply(_ t: Transaction) throws { try apply(CollectionOfOne(t)) }

    /// Adds another book's histories (customers in both are merged exactly; see ``CustomerHistory/merge(_:)``).
    /// - Throws: ``HistoryError`` for an order dated differently in the two; then nothing changed.
    public mutating func merge(_ other: CustomerBook) throws {
        var changed: [String: CustomerHistory] = [:]
        for (id, theirs) in other.histories {
            changed[id] = try histories[id].map { try $0.merging(theirs) } ?? theirs
        }
        histories.merge(changed) { _, new in new }
        if let d = other.lastDay { lastDay = max(lastDay ?? d, d) }
    }

    /// Replaces (or adds) one customer's history.
    public mutating func set(_ history: CustomerHistory) {
        histories[history.customerID] = history
        if let d = history.lastDay { lastDay = max(lastDay ?? d, d) }
    }

    /// The customers in order of first appearance in their sources (smallest sequence, then id).
    public var customersInSourceOrder: [CustomerHistory] {
        histories.values.sorted { ($0.firstSequence, $0.customerID) < ($1.firstSequence, $1.customerID) }
    }

    /// Every listed customer's summary in `window`, in order of first appearance, with the totals.
    public func summaries(_ window: SummaryWindow) -> BookSummary {
        var result = BookSummary(window: window)
        for h in customersInSourceOrder {
            guard let s = h.summary(window) else {
                result.customersWithoutPurchases += 1
                result.returnsUnmatched += h.returns.lazy.filter { window.counts($0.day) }.reduce(0) { $0 + Int($1.rows) }
                continue
            }
            result.returnsNetted += s.returnsNetted
            result.returnsUnmatched += s.returnsUnmatched
            result.summaries.append(s)
        }
        return result
    }

    /// The summaries at several as-of dates from the same histories, without reading the source again.
    public func summaries(_ windows: [SummaryWindow]) -> [BookSummary] { windows.map(summaries) }

    /// An estimate of the bytes the histories occupy (see ``CustomerHistory/estimatedByteCount``), plus
    /// the dictionary's entries.
    public var estimatedByteCount: Int {
        let entry = MemoryLayout<String>.stride + MemoryLayout<CustomerHistory>.stride
        return histories.capacity * entry + histories.values.reduce(0) { $0 + $1.estimatedByteCount - MemoryLayout<CustomerHistory>.stride }
    }
}

/// The summaries of a book in one window.
public struct BookSummary: Sendable, Hashable {
    public var window: SummaryWindow
    /// One per customer with a purchase in the (calibration) window, in order of first appearance.
    public var summaries: [HistorySummary] = []
    /// Customers with transactions but no purchase in the (calibration) window (not listed).
    public var customersWithoutPurchases = 0
    public var returnsNetted = 0
    public var returnsUnmatched = 0
}
