/// What to do with returns (negative amounts) when purchases are counted and summed.
public enum ReturnPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// A return is not a purchase: it reduces the spend of the order it names (with an order column),
    /// else of the customer's purchase in the same period, else of their latest earlier purchase.
    case net
    /// Negative rows are ignored (and counted).
    case drop
    /// Negative rows are treated as ordinary transactions, as lifetimes does.
    case keep
}

/// One transaction of one customer, as every source delivers it: a CSV or xlsx row, a JSON event, a row
/// of a SQL engine.
///
/// A purchase has an amount ≥ 0 and a return an amount ≤ 0: the amount is the transaction's signed
/// effect on the customer's spend. `sequence` is the position in the source (the line of a file, the
/// offset of an event); it breaks ties between transactions of the same day where order matters (the
/// acquisition channel is that of the first purchase), so that a history does not depend on the order
/// in which transactions are applied.
public struct Transaction: Sendable, Hashable, Codable {
    /// Purchase or return.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case purchase
        case `return`
    }

    /// The customer (as the source identifies them; identity stitching maps ids later).
    public var customerID: String
    /// The calendar day (in the source's time zone).
    public var day: CalendarDay
    /// Seconds since 1970-01-01T00:00:00Z, when the source has a time of day.
    public var timestamp: Int64?
    /// Purchase or return (the amount's sign agrees).
    public var kind: Kind
    /// The signed amount: ≥ 0 for a purchase, ≤ 0 for a return.
    public var amount: Money
    /// The order a purchase line belongs to, or the order a return names.
    public var orderID: String?
    /// The order line or product.
    public var lineID: String?
    /// Items bought or returned, when the source has a quantity.
    public var quantity: Quantity?
    /// The sales channel (web shop, app, store, WeChat …).
    public var channel: String?
    /// The campaign the transaction is attributed to by the source, if any.
    public var campaign: String?
    /// The system the transaction came from (a file name, `pos`, `crm` …).
    public var source: String?
    /// The source's own id of the event, for idempotent replays.
    public var sourceEventID: String?
    /// Further identifiers of the customer in other systems (phone hash, WeChat unionid …), by kind.
    public var identifiers: [String: String]
    /// Profile attributes the row states about the customer (name, city …), by name.
    public var attributes: [String: String] = [:]
    /// Position in the source (see the type's documentation).
    public var sequence: Int64

    /// A transaction whose kind follows the sign of `amount` (negative: a return).
    public init(customerID: String, day: CalendarDay, amount: Money, orderID: String? = nil, lineID: String? = nil,
                quantity: Quantity? = nil, channel: String? = nil, campaign: String? = nil, source: String? = nil,
                sourceEventID: String? = nil, identifiers: [String: String] = [:], timestamp: Int64? = nil,
                sequence: Int64 = 0) {
        self.customerID = customerID
        self.day = day
        self.timestamp = timestamp
        self.kind = amount.micros < 0 ? .return : .purchase
        self.amount = amount
        self.orderID = orderID
        self.lineID = lineID
        self.quantity = quantity
        self.channel = channel
        self.campaign = campaign
        self.source = source
        self.sourceEventID = sourceEventID
        self.identifiers = identifiers
        self.sequence = sequence
    }

    /// A transaction of an explicit kind; nil when the amount's sign contradicts it (a purchase below
    /// zero, a return above zero).
    public init?(customerID: String, day: CalendarDay, kind: Kind, amount: Money, orderID: String? = nil,
                 quantity: Quantity? = nil, channel: String? = nil, sequence: Int64 = 0) {
        switch kind {
        case .purchase: guard amount.micros >= 0 else { return nil }
        case .return: guard amount.micros <= 0 else { return nil }
        }
        self.init(customerID: customerID, day: day, amount: amount, orderID: orderID, quantity: quantity, channel: channel,
                  sequence: sequence)
        self.kind = kind
    }
}
