/// The running statistics every row of a customer updates, while rows arrive in date order.
///
/// It keeps only what lifetimes' summary needs — first and last purchase period, the number of distinct
/// periods, the value of the first period and the total — so memory is O(customers), not O(rows).
/// A customer whose rows are not in date order is flagged and recomputed from its own rows. Holdout,
/// return, channel and quantity statistics live in separate buffers (``CustomerStates``), so that a
/// plain purchase touches these 56 bytes only.
struct CustomerState {
    var firstDay: Int32 = .max
    var lastDay: Int32 = .min
    var firstSeenDay: Int32 = .min
    var lastSeenDay: Int32 = .min
    var firstPeriod: Int32 = 0
    var lastPeriod: Int32 = 0
    var periodCount: Int32 = 0
    var orderCount: Int32 = 0
    var unordered = false
    /// A return in the calibration window waits for a purchase (see ``ReturnStatistics``).
    var pendingReturn = false
    /// The customer's ``ReturnStatistics`` have been written.
    var hasReturns = false
    var firstPeriodSum = 0.0
    var totalSum = 0.0
}

/// A customer's purchases in the holdout window (with a calibration end). All zero at the start.
struct HoldoutStatistics {
    var firstPeriod: Int32 = 0
    var lastPeriod: Int32 = 0
    var periods: Int32 = 0
    var rows: Int32 = 0
    var sum = 0.0
    /// Returns in the holdout window that wait for a purchase of their period.
    var pendingReturns: Int32 = 0
    var pendingPeriod: Int32 = 0
    var pendingSum = 0.0
}

/// A customer's netted and unmatched returns, and the calibration-window returns that wait for a
/// purchase of their period. All zero at the start.
struct ReturnStatistics {
    var netted: Int32 = 0
    var unmatched: Int32 = 0
    var pending: Int32 = 0
    var pendingPeriod: Int32 = 0
    var pendingSum = 0.0
}

/// A customer's acquisition channel (the first purchase's) and the set of channels used. All zero at the start.
struct ChannelStatistics {
    /// The acquisition channel's index plus one; 0 when no purchase named a channel.
    var acquisitionPlusOne: Int32 = 0
    /// Bit `i & 63` is set when channel `i` was used.
    var mask: UInt64 = 0
}
