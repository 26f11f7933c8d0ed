import CLVCore

/// Which columns a summary has: lifetimes' four or five, the holdout columns of a calibration/holdout
/// split, and the extras that depend on the columns read.
package struct SummaryLayout: Sendable {
    /// Whether amounts were read (monetary columns present).
    package var hasMonetary: Bool
    /// Length of the holdout in the table's time unit, when there is a holdout.
    package var holdoutDuration: Double?
    /// Whether a quantity column was read.
    package var quantity: Bool
    /// Whether a channel column was read.
    package var channel: Bool

    package init(hasMonetary: Bool, holdoutDuration: Double?, quantity: Bool, channel: Bool) {
        self.hasMonetary = hasMonetary
        self.holdoutDuration = holdoutDuration
        self.quantity = quantity
        self.channel = channel
    }

    package init(_ table: SummaryTable) {
        self.init(hasMonetary: table.hasMonetary, holdoutDuration: table.holdoutFrequency != nil ? table.holdoutDuration ?? 0 : nil,
                  quantity: table.totalQuantity != nil, channel: table.acquisitionChannel != nil)
    }

    /// lifetimes' columns and the extras only: no holdout, quantity or channel columns.
    package var isPlain: Bool { hasMonetary && holdoutDuration == nil && !quantity && !channel }

    /// The column names, in order.
    package var columns: [String] {
        let holdout = holdoutDuration != nil
        var names = holdout ? ["customer_id", "frequency_cal", "recency_cal", "T_cal"] : ["customer_id", "frequency", "recency", "T"]
        if hasMonetary { names.append(holdout ? "monetary_value_cal" : "monetary_value") }
        if holdout {
            names.append("frequency_holdout")
            if hasMonetary { names.append("monetary_value_holdout") }
            names.append("duration_holdout")
        }
        names += ["first_purchase", "last_purchase", "orders"]
        if hasMonetary { names += ["total_spend", "mean_spend"] }
        if quantity { names.append("total_quantity") }
        if channel { names += ["acquisition_channel", "channel_count"] }
        return names
    }
}

/// One customer's line of a summary, whether it comes from a ``SummaryTable`` or straight from the
/// reader's per-customer statistics. Values a layout does not have are ignored.
package struct SummaryRow {
    /// The customer id's UTF-8 bytes (valid only while the row is being written).
    package var customerID: UnsafeBufferPointer<UInt8>
    package var repeatPurchases: Int32
    package var recency: Double
    package var age: Double
    package var monetaryValue: Double
    package var holdoutFrequency: Int32 = 0
    package var holdoutMonetaryValue = 0.0
    package var firstPurchase: CalendarDay
    package var lastPurchase: CalendarDay
    package var orders: Int32
    package var totalSpend: Double
    package var totalQuantity = 0.0
    /// The acquisition channel's UTF-8 bytes (empty: none; valid only while the row is being written).
    package var acquisitionChannel = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    package var channelCount: Int32 = 0

    package init(customerID: UnsafeBufferPointer<UInt8>, repeatPurchases: Int32, recency: Double, age: Double,
                 monetaryValue: Double, firstPurchase: CalendarDay, lastPurchase: CalendarDay, orders: Int32,
                 totalSpend: Double, totalQuantity: Double = 0) {
        self.customerID = customerID
        self.repeatPurchases = repeatPurchases
        self.recency = recency
        self.age = age
        self.monetaryValue = monetaryValue
        self.firstPurchase = firstPurchase
        self.lastPurchase = lastPurchase
        self.orders = orders
        self.totalSpend = totalSpend
        self.totalQuantity = totalQuantity
    }
}
