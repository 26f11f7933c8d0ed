/// A transaction log as columns, one entry per row, after parsing and validation (returns kept as
/// negative amounts, so their share can be measured).
public struct TransactionRows: Sendable {
    /// Distinct customer ids; `customer[k]` indexes this array.
    public var customerIDs: [String]
    /// Row k's customer: an index into ``customerIDs``.
    public var customer: [Int32]
    /// Days since 1970-01-01.
    public var day: [Int32]
    /// Amount of the row (negative for a return); 0 without an amount column.
    public var amount: [Double]
    /// Quantity of the row, when the log has a quantity column.
    public var quantity: [Double]?
    /// Distinct channel names; `channel[k]` indexes this array (when the log has a channel column), or is
    /// -1 when row `k` names no channel.
    public var channelNames: [String]
    /// Row k's channel: an index into ``channelNames``, or -1.
    public var channel: [Int32]?

    /// Columns of equal length (quantity and channel optional).
    public init(customerIDs: [String], customer: [Int32], day: [Int32], amount: [Double], quantity: [Double]? = nil,
                channelNames: [String] = [], channel: [Int32]? = nil) {
        self.customerIDs = customerIDs
        self.customer = customer
        self.day = day
        self.amount = amount
        self.quantity = quantity
        self.channelNames = channelNames
        self.channel = channel
    }

    /// The number of rows.
    public var count: Int { customer.count }

    /// The rows on or before `day` (same customer and channel numbering).
    public func through(_ last: CalendarDay) -> TransactionRows {
        let keep = day.indices.filter { day[$0] <= last.daysSinceEpoch }
        return TransactionRows(customerIDs: customerIDs, customer: keep.map { customer[$0] }, day: keep.map { day[$0] },
                               amount: keep.map { amount[$0] }, quantity: quantity.map { q in keep.map { q[$0] } },
                               channelNames: channelNames, channel: channel.map { c in keep.map { c[$0] } })
    }
}
