import CLVCore

/// The histories of many customers, filled from batches of transactions (a file, a store, live events)
/// and summarised in one pass for any window.
///
/// Applying a batch is all or nothing: every transaction is checked before any is applied, so when one
/// is refused no history changes. Histories are stored in an array in order of arrival, with a
/// dictionary from customer id to position; each transaction is applied in place.
public struct CustomerBook: Sendable, Hashable {
    /// The histories, in the order their customers were first added.
    public private(set) var histories: [CustomerHistory] = []
    private var positions: [String: Int] = [:]
    /// The last day of any applied transaction (the default as-of date), or nil when empty.
    public private(set) var lastDay: CalendarDay?

    /// An empty book.
    public init() {}

    /// The number of customers.
    public var count: Int { histories.count }

    /// The history of `customerID`, if any.
    public subscript(customerID: String) -> CustomerHistory? { positions[customerID].map { histories[$0] } }

    /// Two books are equal when they hold the same histories, whatever the order customers arrived in.
    public static func == (a: CustomerBook, b: CustomerBook) -> Bool {
        guard a.count == b.count, a.lastDay == b.lastDay else { return false }
        return a.histories.allSatisfy { b[$0.customerID] == $0 }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        hasher.combine(lastDay)
    }

    /// Applies a batch of transactions.
    /// - Throws: ``HistoryError/conflictingOrder(customerID:orderID:firstDay:otherDay:)`` for the first
    ///   purchase whose order is dated another day (in the book or earlier in the batch); then nothing was applied.
    public mutating func apply(_ batch: some Collection<Transaction>) throws {
        try checkOrders(batch)
        var last = lastDay
        for t in batch {
            let k = position(inserting: t.customerID)
            // Cannot throw: the customer matches and the orders were checked.
            try histories[k].apply(t)
            last = max(last ?? t.day, t.day)
        }
        lastDay = last
    }

    /// Applies one transaction.
    public mutating func apply(_ t: Transaction) throws { try apply(CollectionOfOne(t)) }

    /// Adds another book's histories (customers in both are merged exactly; see ``CustomerHistory/merge(_:)``).
    /// - Throws: ``HistoryError`` for an order dated differently in the two; then nothing changed.
    public mutating func merge(_ other: CustomerBook) throws {
        for theirs in other.histories {
            if let k = positions[theirs.customerID] { _ = try histories[k].merging(theirs) } // check only
        }
        for theirs in other.histories {
            let k = position(inserting: theirs.customerID)
            try histories[k].merge(theirs)
        }
        if let d = other.lastDay { lastDay = max(lastDay ?? d, d) }
    }

    /// Replaces (or adds) one customer's history.
    public mutating func set(_ history: CustomerHistory) {
        histories[position(inserting: history.customerID)] = history
        if let d = history.lastDay { lastDay = max(lastDay ?? d, d) }
    }

    /// Positions of the histories in order of first appearance in their sources (smallest sequence, then id).
    public var sourceOrder: [Int] {
        histories.indices.sorted {
            let a = histories[$0], b = histories[$1]
            return (a.firstSequence, a.customerID) < (b.firstSequence, b.customerID)
        }
    }

    /// Every listed customer's summary in `window`, in order of first appearance, with the totals.
    public func summaries(_ window: SummaryWindow) -> BookSummary {
        var result = BookSummary(window: window)
        result.summaries.reserveCapacity(count)
        for k in sourceOrder {
            let h = histories[k]
            guard let s = h.summary(window) else {
                result.customersWithoutPurchases += 1
                if window.returns == .net {
                    result.returnsUnmatched += h.returns.lazy.filter { window.counts($0.day) }.reduce(0) { $0 + Int($1.rows) }
                }
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

    /// An estimate of the bytes the book occupies: the histories (see ``CustomerHistory/estimatedByteCount``)
    /// and the id dictionary.
    public var estimatedByteCount: Int {
        let entry = MemoryLayout<String>.stride + MemoryLayout<Int>.stride
        var total = histories.capacity * MemoryLayout<CustomerHistory>.stride + positions.capacity * (entry + 1)
        for h in histories { total += h.estimatedByteCount - MemoryLayout<CustomerHistory>.stride }
        return total
    }

    /// Releases spare array capacity (after a bulk load).
    public mutating func compact() {
        for k in histories.indices { histories[k].compact() }
    }

    private mutating func position(inserting id: String) -> Int {
        if let k = positions[id] { return k }
        positions[id] = histories.count
        histories.append(CustomerHistory(customerID: id))
        return histories.count - 1
    }

    /// Refuses the batch when a purchase names an order dated another day in the book or in the batch.
    private func checkOrders(_ batch: some Collection<Transaction>) throws {
        var seen: [OrderKey: CalendarDay] = [:]
        for t in batch where t.kind == .purchase {
            guard let order = t.orderID, !order.isEmpty else { continue }
            let key = OrderKey(customer: t.customerID, order: order)
            let known = seen[key] ?? self[t.customerID]?.orderDay(order)
            if let known, known != t.day {
                throw HistoryError.conflictingOrder(customerID: t.customerID, orderID: order, firstDay: known, otherDay: t.day)
            }
            if known == nil { seen[key] = t.day }
        }
    }

    private struct OrderKey: Hashable { var customer: String, order: String }
}

/// The summaries of a book in one window.
public struct BookSummary: Sendable, Hashable {
    /// The window the summaries were taken in.
    public var window: SummaryWindow
    /// One per customer with a purchase in the (calibration) window, in order of first appearance.
    public var summaries: [HistorySummary] = []
    /// Customers with transactions but no purchase in the (calibration) window (not listed).
    public var customersWithoutPurchases = 0
    /// Returns netted against a purchase (policy `net`).
    public var returnsNetted = 0
    /// Returns with no purchase to net against, listed customers or not (policy `net`).
    public var returnsUnmatched = 0
}
