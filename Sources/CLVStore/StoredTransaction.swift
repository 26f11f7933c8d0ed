import CLVCore

/// A transaction as every store keeps it: the columns of the `transactions` table, in the store's units
/// (days since 1970-01-01, amounts and quantities in micro-units, the kind as text). Both back ends convert
/// through it, and compare a known row with an incoming one through ``differences(from:)``.
public struct StoredTransaction: Sendable, Hashable {
    /// `customer_id`.
    public var customerID: String
    /// `day`: days since 1970-01-01.
    public var day: Int32
    /// `timestamp`: seconds since 1970 (UTC), when the source had a time of day.
    public var timestamp: Int64?
    /// `kind`: `purchase` or `return`.
    public var kind: String
    /// `amount_micros`.
    public var amountMicros: Int64
    /// `order_id`.
    public var orderID: String?
    /// `line_id`.
    public var lineID: String?
    /// `quantity_micros`.
    public var quantityMicros: Int64?
    /// `channel`.
    public var channel: String?
    /// `campaign`.
    public var campaign: String?
    /// `sequence`: the row's place in its source.
    public var sequence: Int64

    /// The columns that make a row's content: a known key whose row differs in one of them is a conflict.
    /// (`timestamp` and `sequence` say where and when the row was read, not what it is.)
    public static let contentColumns = ["customer_id", "day", "kind", "amount_micros", "order_id", "line_id",
                                        "quantity_micros", "channel", "campaign"]

    /// The stored form of `t`.
    public init(_ t: Transaction) {
        self.init(customerID: t.customerID, day: t.day.daysSinceEpoch, timestamp: t.timestamp, kind: t.kind.rawValue,
                  amountMicros: t.amount.micros, orderID: t.orderID, lineID: t.lineID, quantityMicros: t.quantity?.micros,
                  channel: t.channel, campaign: t.campaign, sequence: t.sequence)
    }

    /// A stored row, column by column.
    public init(customerID: String, day: Int32, timestamp: Int64?, kind: String, amountMicros: Int64, orderID: String?,
                lineID: String?, quantityMicros: Int64?, channel: String?, campaign: String?, sequence: Int64) {
        self.customerID = customerID
        self.day = day
        self.timestamp = timestamp
        self.kind = kind
        self.amountMicros = amountMicros
        self.orderID = orderID
        self.lineID = lineID
        self.quantityMicros = quantityMicros
        self.channel = channel
        self.campaign = campaign
        self.sequence = sequence
    }

    /// The transaction this row holds, from `source`.
    /// - Throws: ``StoreError/damaged(location:reason:)`` when the kind is unknown or contradicts the amount's sign.
    public func transaction(source: String?, location: String) throws -> Transaction {
        guard let kind = Transaction.Kind(rawValue: kind),
              var t = Transaction(customerID: customerID, day: CalendarDay(daysSinceEpoch: day), kind: kind,
                                  amount: Money(micros: amountMicros), orderID: orderID,
                                  quantity: quantityMicros.map { Quantity(micros: $0) }, channel: channel, sequence: sequence)
        else {
            throw StoreError.damaged(location: location,
                                     reason: "a stored row of customer '\(customerID)' is a '\(kind)' of \(Money(micros: amountMicros))")
        }
        t.lineID = lineID
        t.campaign = campaign
        t.source = source
        t.timestamp = timestamp
        return t
    }

    /// How `self` (an incoming row) differs from `stored` in content, one phrase per column, in the units users
    /// read: `amount 20 → 21`, `date 2024-01-07 → 2024-01-08`. Empty when the content is the same.
    public func differences(from stored: StoredTransaction) -> [String] {
        func text(_ v: String?) -> String { v ?? "empty" }
        func money(_ v: Int64?) -> String { v.map { Money(micros: $0).description } ?? "empty" }
        var out: [String] = []
        func note(_ column: String, _ old: String, _ new: String) { if old != new { out.append("\(column) \(old) → \(new)") } }
        note("customer_id", stored.customerID, customerID)
        note("date", CalendarDay(daysSinceEpoch: stored.day).description, CalendarDay(daysSinceEpoch: day).description)
        note("kind", stored.kind, kind)
        note("amount", money(stored.amountMicros), money(amountMicros))
        note("order_id", text(stored.orderID), text(orderID))
        note("line_id", text(stored.lineID), text(lineID))
        note("quantity", money(stored.quantityMicros), money(quantityMicros))
        note("channel", text(stored.channel), text(channel))
        note("campaign", text(stored.campaign), text(campaign))
        return out
    }
}
