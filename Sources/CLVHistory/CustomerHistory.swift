import CLVCore

/// Everything CLVKit keeps about one customer's transactions: enough for summaries at any period
/// frequency, as-of date and calibration split, for the churn features (day gaps, windows, channel mix),
/// the segments and the lifecycle rules.
///
/// The history is a set of sums keyed by day (and by order and channel), so that applying transactions
/// is exact in any order: ``apply(_:)`` for one transaction, in order, out of order or late, and
/// ``merge(_:)`` for two partial histories of the same customer give the same value (`==`) as one batch.
/// Money and quantities are integer micro-units (``Money``), so sums do not depend on the order of
/// addition. Returns are kept as they came; which purchase a return nets against is decided when a
/// summary is taken, because it depends on the period frequency and the calibration split.
///
/// Cost: 64 bytes for the value itself, about 32 bytes per purchase day, 24 per distinct order id, 24 per
/// (day, channel) pair with a channel, 56 per (day, order, channel) of returns, plus each non-empty
/// array's header (32 bytes and the allocator's rounding); see ``estimatedByteCount``.
public struct CustomerHistory: Sendable, Hashable {
    /// The customer.
    public let customerID: String
    /// The smallest ``Transaction/sequence`` applied: where the customer first appears in the source.
    public internal(set) var firstSequence: Int64 = .max
    /// Purchases by day, in day order.
    public internal(set) var purchaseDays: [PurchaseDay] = []
    /// Distinct order ids of purchases, in id order.
    public internal(set) var orders: [OrderEntry] = []
    /// The channel names of the customer's transactions, sorted; ``ChannelDay`` and ``ReturnEntry`` index it.
    public internal(set) var channels: [String] = []
    /// Purchase rows by (day, channel), in that order.
    public internal(set) var channelDays: [ChannelDay] = []
    /// Returns by (day, order, channel), in that order, not yet netted (see ``summary(_:)``).
    public internal(set) var returns: [ReturnEntry] = []

    /// An empty history.
    public init(customerID: String) { self.customerID = customerID }

    /// Whether no transaction has been applied.
    public var isEmpty: Bool { purchaseDays.isEmpty && returns.isEmpty }

    /// The purchases of one day.
    public struct PurchaseDay: Sendable, Hashable, Codable {
        /// The calendar day.
        public var day: CalendarDay
        /// Purchase rows (order lines) on the day.
        public var rows: Int32
        /// The rows without an order id: each counts as an order of its own.
        public var rowsWithoutOrder: Int32
        /// The summed amount of the rows.
        public var amount: Money
        /// The summed quantity of the rows.
        public var quantity: Quantity

        enum CodingKeys: String, CodingKey {
            case day, rows, rowsWithoutOrder = "rows_without_order", amount, quantity
        }
    }

    /// An order id of the customer's purchases, with its day (an order has one day).
    public struct OrderEntry: Sendable, Hashable, Codable {
        /// The order id.
        public var orderID: String
        /// The day of the order's purchases.
        public var day: CalendarDay
        /// Purchase rows of the order.
        public var rows: Int32

        enum CodingKeys: String, CodingKey { case orderID = "order_id", day, rows }
    }

    /// The purchase rows of one day in one channel.
    public struct ChannelDay: Sendable, Hashable, Codable {
        /// The calendar day.
        public var day: CalendarDay
        /// Index into ``CustomerHistory/channels``.
        public var channel: Int32
        /// Purchase rows of the day in the channel.
        public var rows: Int32
        /// The smallest sequence of these rows (decides the acquisition channel within a day).
        public var firstSequence: Int64

        enum CodingKeys: String, CodingKey { case day, channel, rows, firstSequence = "first_sequence" }
    }

    /// The returns of one day that name the same order (or none) and channel (or none).
    public struct ReturnEntry: Sendable, Hashable, Codable {
        /// The calendar day.
        public var day: CalendarDay
        /// The order the returns name, or nil.
        public var orderID: String?
        /// Index into ``CustomerHistory/channels``, or -1 without a channel.
        public var channel: Int32
        /// Return rows.
        public var rows: Int32
        /// The summed (negative) amount.
        public var amount: Money
        /// The summed quantity returned.
        public var quantity: Quantity
        /// The smallest sequence of these rows.
        public var firstSequence: Int64

        enum CodingKeys: String, CodingKey {
            case day, orderID = "order_id", channel, rows, amount, quantity, firstSequence = "first_sequence"
        }
    }

    // MARK: Applying

    /// Adds one transaction. Exact in any order: the result does not depend on which transactions came first.
    /// - Throws: ``HistoryError/otherCustomer(expected:found:)`` for another customer's transaction, and
    ///   ``HistoryError/conflictingOrder(customerID:orderID:firstDay:otherDay:)`` when a purchase names an
    ///   order already dated another day. The history is unchanged when it throws.
    public mutating func apply(_ t: Transaction) throws {
        guard t.customerID == customerID else { throw HistoryError.otherCustomer(expected: customerID, found: t.customerID) }
        let orderID = t.orderID.flatMap { $0.isEmpty ? nil : $0 }
        let channelName = t.channel.flatMap { $0.isEmpty ? nil : $0 }
        let quantity = t.quantity ?? .zero
        switch t.kind {
        case .purchase:
            var orderSlot: (index: Int, found: Bool)?
            if let orderID {
                let slot = Self.search(orders, orderID) { $0.orderID }
                if slot.found, orders[slot.index].day != t.day {
                    throw HistoryError.conflictingOrder(customerID: customerID, orderID: orderID,
                                                        firstDay: orders[slot.index].day, otherDay: t.day)
                }
                orderSlot = slot
            }
            addPurchaseDay(PurchaseDay(day: t.day, rows: 1, rowsWithoutOrder: orderID == nil ? 1 : 0, amount: t.amount,
                                       quantity: quantity))
            if let orderID, let slot = orderSlot {
                if slot.found { orders[slot.index].rows += 1 } else {
                    orders.insert(OrderEntry(orderID: orderID, day: t.day, rows: 1), at: slot.index)
                }
            }
            if let channelName {
                addChannelDay(ChannelDay(day: t.day, channel: channelIndex(inserting: channelName), rows: 1,
                                         firstSequence: t.sequence))
            }
        case .return:
            let channel = channelName.map { channelIndex(inserting: $0) } ?? -1
            addReturn(ReturnEntry(day: t.day, orderID: orderID, channel: channel, rows: 1, amount: t.amount,
                                  quantity: quantity, firstSequence: t.sequence))
        }
        firstSequence = min(firstSequence, t.sequence)
    }

    /// Adds every transaction of `other`, a partial history of the same customer: `a.merge(b)` equals the
    /// history of the transactions of `a` and `b` applied one by one.
    /// - Throws: ``HistoryError`` as ``apply(_:)`` does; the history is unchanged when it throws.
    public mutating func merge(_ other: CustomerHistory) throws {
        guard other.customerID == customerID else {
            throw HistoryError.otherCustomer(expected: customerID, found: other.customerID)
        }
        for o in other.orders {
            let slot = Self.search(orders, o.orderID) { $0.orderID }
            if slot.found, orders[slot.index].day != o.day {
                throw HistoryError.conflictingOrder(customerID: customerID, orderID: o.orderID,
                                                    firstDay: orders[slot.index].day, otherDay: o.day)
            }
        }
        for d in other.purchaseDays { addPurchaseDay(d) }
        for o in other.orders {
            let slot = Self.search(orders, o.orderID) { $0.orderID }
            if slot.found { orders[slot.index].rows += o.rows } else { orders.insert(o, at: slot.index) }
        }
        let map = other.channels.map { channelIndex(inserting: $0) }
        for var c in other.channelDays {
            c.channel = map[Int(c.channel)]
            addChannelDay(c)
        }
        for var r in other.returns {
            if r.channel >= 0 { r.channel = map[Int(r.channel)] }
            addReturn(r)
        }
        firstSequence = min(firstSequence, other.firstSequence)
    }

    /// The histories' merge (see ``merge(_:)``).
    public func merging(_ other: CustomerHistory) throws -> CustomerHistory {
        var copy = self
        try copy.merge(other)
        return copy
    }

    /// The day of order `orderID`'s purchases, or nil when no purchase names it.
    public func orderDay(_ orderID: String) -> CalendarDay? {
        let slot = Self.search(orders, orderID) { $0.orderID }
        return slot.found ? orders[slot.index].day : nil
    }

    /// Releases spare array capacity.
    public mutating func compact() {
        func shrink<T>(_ a: inout [T]) {
            guard a.capacity > a.count else { return }
            var exact: [T] = []
            exact.reserveCapacity(a.count)
            exact.append(contentsOf: a)
            a = exact
        }
        shrink(&purchaseDays)
        shrink(&orders)
        shrink(&channels)
        shrink(&channelDays)
        shrink(&returns)
    }

    /// The last day with a transaction (purchase or return), or nil when empty.
    public var lastDay: CalendarDay? {
        [purchaseDays.last?.day, returns.map(\.day).max()].compactMap { $0 }.max()
    }

    /// An estimate of the heap and inline bytes the history occupies (arrays at their capacity, a 16-byte
    /// allocator header per allocation, strings longer than 15 UTF-8 bytes counted at their length).
    public var estimatedByteCount: Int {
        var total = MemoryLayout<CustomerHistory>.stride + Self.heapBytes(customerID)
        total += Self.heapBytes(purchaseDays) + Self.heapBytes(orders) + Self.heapBytes(channels)
        total += Self.heapBytes(channelDays) + Self.heapBytes(returns)
        for o in orders { total += Self.heapBytes(o.orderID) }
        for c in channels { total += Self.heapBytes(c) }
        for r in returns { if let id = r.orderID { total += Self.heapBytes(id) } }
        return total
    }

    /// An array's heap bytes: header and elements at capacity, plus the allocator's 16-byte header.
    private static func heapBytes<T>(_ a: [T]) -> Int { a.capacity == 0 ? 0 : 32 + 16 + a.capacity * MemoryLayout<T>.stride }

    /// A string's heap bytes (up to 15 UTF-8 bytes are stored inline).
    private static func heapBytes(_ s: String) -> Int { s.utf8.count > 15 ? 32 + 16 + s.utf8.count : 0 }

    // MARK: Sorted storage

    /// Binary search for `key` in `items` sorted by `key(of:)`: the index of the match or of the insertion point.
    static func search<T, K: Comparable>(_ items: [T], _ key: K, _ keyOf: (T) -> K) -> (index: Int, found: Bool) {
        var low = 0, high = items.count
        while low < high {
            let mid = (low + high) / 2
            if keyOf(items[mid]) < key { low = mid + 1 } else { high = mid }
        }
        return (low, low < items.count && keyOf(items[low]) == key)
    }

    private mutating func addPurchaseDay(_ d: PurchaseDay) {
        // Purchases mostly arrive in day order: try the end first.
        let slot = purchaseDays.last.map { $0.day < d.day } == true
            ? (purchaseDays.count, false) : Self.search(purchaseDays, d.day) { $0.day }
        if slot.found {
            purchaseDays[slot.index].rows += d.rows
            purchaseDays[slot.index].rowsWithoutOrder += d.rowsWithoutOrder
            purchaseDays[slot.index].amount += d.amount
            purchaseDays[slot.index].quantity += d.quantity
        } else {
            purchaseDays.insert(d, at: slot.index)
        }
    }

    private mutating func addChannelDay(_ c: ChannelDay) {
        let key = ChannelKey(day: c.day.daysSinceEpoch, channel: c.channel)
        let slot = Self.search(channelDays, key) { ChannelKey(day: $0.day.daysSinceEpoch, channel: $0.channel) }
        if slot.found {
            channelDays[slot.index].rows += c.rows
            channelDays[slot.index].firstSequence = min(channelDays[slot.index].firstSequence, c.firstSequence)
        } else {
            channelDays.insert(c, at: slot.index)
        }
    }

    private mutating func addReturn(_ r: ReturnEntry) {
        let slot = Self.search(returns, ReturnKey(r)) { ReturnKey($0) }
        if slot.found {
            returns[slot.index].rows += r.rows
            returns[slot.index].amount += r.amount
            returns[slot.index].quantity += r.quantity
            returns[slot.index].firstSequence = min(returns[slot.index].firstSequence, r.firstSequence)
        } else {
            returns.insert(r, at: slot.index)
        }
    }

    /// The index of channel `name`, inserting it in sorted position (and renumbering the entries after it).
    private mutating func channelIndex(inserting name: String) -> Int32 {
        let slot = Self.search(channels, name) { $0 }
        if slot.found { return Int32(slot.index) }
        channels.insert(name, at: slot.index)
        let inserted = Int32(slot.index)
        for k in channelDays.indices where channelDays[k].channel >= inserted { channelDays[k].channel += 1 }
        for k in returns.indices where returns[k].channel >= inserted { returns[k].channel += 1 }
        return inserted
    }

    struct ChannelKey: Comparable {
        var day: Int32, channel: Int32
        static func < (a: Self, b: Self) -> Bool { (a.day, a.channel) < (b.day, b.channel) }
    }

    /// Orders returns by day, then no order before any order id, then channel.
    struct ReturnKey: Comparable {
        var day: Int32, hasOrder: Bool, order: String, channel: Int32
        init(_ r: ReturnEntry) {
            day = r.day.daysSinceEpoch
            hasOrder = r.orderID != nil
            order = r.orderID ?? ""
            channel = r.channel
        }
        static func < (a: Self, b: Self) -> Bool {
            if a.day != b.day { return a.day < b.day }
            if a.hasOrder != b.hasOrder { return !a.hasOrder }
            if a.order != b.order { return a.order < b.order }
            return a.channel < b.channel
        }
    }

    // MARK: Validation (decoded values)

    /// Checks the invariants a decoded history must hold (sorted, unique keys, indices in range, positive counts).
    func validate() throws {
        func fail(_ why: String) -> HistoryError { .invalidEncoding("customer '\(customerID)': \(why)") }
        for (a, b) in zip(purchaseDays, purchaseDays.dropFirst()) where !(a.day < b.day) {
            throw fail("purchase days are not in increasing order")
        }
        for d in purchaseDays where d.rows <= 0 || d.rowsWithoutOrder < 0 || d.rowsWithoutOrder > d.rows || d.amount.micros < 0 {
            throw fail("purchase day \(d.day) has impossible counts or a negative amount")
        }
        for (a, b) in zip(orders, orders.dropFirst()) where !(a.orderID < b.orderID) {
            throw fail("order ids are not sorted and unique")
        }
        for o in orders {
            guard o.rows > 0, !o.orderID.isEmpty else { throw fail("order '\(o.orderID)' has no rows or an empty id") }
            let day = Self.search(purchaseDays, o.day) { $0.day }
            guard day.found else { throw fail("order '\(o.orderID)' is dated \(o.day), a day without purchases") }
        }
        for (a, b) in zip(channels, channels.dropFirst()) where !(a < b) { throw fail("channel names are not sorted and unique") }
        for c in channels where c.isEmpty { throw fail("a channel name is empty") }
        let keys = channelDays.map { ChannelKey(day: $0.day.daysSinceEpoch, channel: $0.channel) }
        for (a, b) in zip(keys, keys.dropFirst()) where !(a < b) { throw fail("channel days are not sorted and unique") }
        for c in channelDays where c.channel < 0 || Int(c.channel) >= channels.count || c.rows <= 0 {
            throw fail("a channel day names channel \(c.channel) of \(channels.count) or has no rows")
        }
        let returnKeys = returns.map(ReturnKey.init)
        for (a, b) in zip(returnKeys, returnKeys.dropFirst()) where !(a < b) { throw fail("returns are not sorted and unique") }
        for r in returns where r.channel < -1 || Int(r.channel) >= channels.count || r.rows <= 0 || r.amount.micros > 0
            || r.orderID == "" {
            throw fail("a return on \(r.day) has an impossible channel, count or amount")
        }
        if !isEmpty, firstSequence == .max { throw fail("first sequence is missing") }
    }
}

/// Why a transaction or a history cannot be applied, merged or decoded.
public enum HistoryError: Error, Sendable, Equatable, CLVError, CustomStringConvertible {
    /// A transaction or history of another customer.
    case otherCustomer(expected: String, found: String)
    /// An order id used on two days.
    case conflictingOrder(customerID: String, orderID: String, firstDay: CalendarDay, otherDay: CalendarDay)
    /// A summary window that cannot be taken (a calibration end not before the as-of date).
    case invalidWindow(String)
    /// A binary or JSON form that is damaged or breaks an invariant.
    case invalidEncoding(String)
    /// A binary form of a version this build does not read.
    case unsupportedVersion(found: Int, supported: Int)

    public var category: ErrorCategory {
        switch self {
        case .otherCustomer: .internalFailure
        case .invalidWindow: .usage
        case .conflictingOrder, .invalidEncoding, .unsupportedVersion: .invalidData
        }
    }

    public var description: String {
        switch self {
        case let .otherCustomer(expected, found):
            "a transaction of customer '\(found)' was given to the history of '\(expected)'"
        case let .conflictingOrder(customer, order, first, other):
            "order '\(order)' of customer '\(customer)' is dated \(first) and \(other); an order has one date"
        case let .invalidWindow(why): why
        case let .invalidEncoding(why): "the customer history is damaged: \(why)"
        case let .unsupportedVersion(found, supported):
            "the customer history is in format version \(found); this build reads version \(supported) only"
        }
    }
}
