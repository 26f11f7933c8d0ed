import CLVCore

/// Which columns a summary has: lifetimes' four or five, the holdout columns of a calibration/holdout
/// split, and the extras that depend on the columns read.
struct SummaryLayout {
    /// Whether amounts were read (monetary columns present).
    var hasMonetary: Bool
    /// Length of the holdout in the table's time unit, when there is a holdout.
    var holdoutDuration: Double?
    /// Whether a quantity column was read.
    var quantity: Bool
    /// Whether a channel column was read.
    var channel: Bool

    init(hasMonetary: Bool, holdoutDuration: Double?, quantity: Bool, channel: Bool) {
        self.hasMonetary = hasMonetary
        self.holdoutDuration = holdoutDuration
        self.quantity = quantity
        self.channel = channel
    }

    init(_ table: SummaryTable) {
        self.init(hasMonetary: table.hasMonetary, holdoutDuration: table.holdoutFrequency != nil ? table.holdoutDuration ?? 0 : nil,
                  quantity: table.totalQuantity != nil, channel: table.acquisitionChannel != nil)
    }

    /// lifetimes' columns and the extras only: no holdout, quantity or channel columns.
    var isPlain: Bool { hasMonetary && holdoutDuration == nil && !quantity && !channel }

    /// The column names, in order.
    var columns: [String] {
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
struct SummaryRow {
    /// The customer id's UTF-8 bytes (valid only while the row is being written).
    var customerID: UnsafeBufferPointer<UInt8>
    var repeatPurchases: Int32
    var recency: Double
    var age: Double
    var monetaryValue: Double
    var holdoutFrequency: Int32 = 0
    var holdoutMonetaryValue = 0.0
    var firstPurchase: CalendarDay
    var lastPurchase: CalendarDay
    var orders: Int32
    var totalSpend: Double
    var totalQuantity = 0.0
    /// The acquisition channel's UTF-8 bytes (empty: none; valid only while the row is being written).
    var acquisitionChannel = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    var channelCount: Int32 = 0
}
