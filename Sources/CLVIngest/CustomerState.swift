/// The running statistics of one customer, updated row by row while rows arrive in date order.
///
/// It keeps only what lifetimes' summary needs — first and last purchase period, the number of distinct
/// periods, the value of the first period and the total — so memory is O(customers), not O(rows).
/// A customer whose rows arrive out of date order is flagged and recomputed in a second pass.
struct CustomerState {
    var firstDay: Int32 = .max
    var lastDay: Int32 = .min
    var lastSeenDay: Int32 = .min
    var firstPeriod: Int32 = 0
    var lastPeriod: Int32 = 0
    var periodCount: Int32 = 0
    var purchaseRows: Int32 = 0
    var orderCount: Int32 = 0
    var holdoutPeriods: Int32 = 0
    var holdoutLastPeriod: Int32 = 0
    var holdoutRows: Int32 = 0
    var acquisitionChannel: Int32 = -1
    var returnsNetted: Int32 = 0
    var returnsUnmatched: Int32 = 0
    var unordered = false
    var firstPeriodSum = 0.0
    var totalSum = 0.0
    var quantity = 0.0
    var holdoutSum = 0.0
    var channelMask: UInt64 = 0

    /// A purchase in the (calibration) window.
    @inline(__always)
    mutating func addPurchase(day: Int32, period: Int32, amount: Double) {
        if periodCount == 0 {
            firstPeriod = period
            lastPeriod = period
            periodCount = 1
            firstPeriodSum = amount
        } else if period == lastPeriod {
            if period == firstPeriod { firstPeriodSum += amount }
        } else {
            // Rows arrive in date order, so a new period is a later one.
            periodCount += 1
            lastPeriod = period
        }
        totalSum += amount
        purchaseRows += 1
        if day < firstDay { firstDay = day }
        if day > lastDay { lastDay = day }
    }

    /// A purchase in the holdout window.
    @inline(__always)
    mutating func addHoldoutPurchase(period: Int32, amount: Double) {
        if holdoutRows == 0 || period != holdoutLastPeriod {
            holdoutPeriods += 1
            holdoutLastPeriod = period
        }
        holdoutSum += amount
        holdoutRows += 1
    }

    /// Nets a return into the purchase period `target` (the latest purchase period when nil).
    /// Returns false when the customer has no purchase to net against.
    @inline(__always)
    mutating func netReturn(amount: Double, target: Int32?) -> Bool {
        guard periodCount > 0 else { returnsUnmatched += 1; return false }
        if (target ?? lastPeriod) == firstPeriod { firstPeriodSum += amount }
        totalSum += amount
        returnsNetted += 1
        return true
    }

    /// Nets a return into the holdout spend.
    @inline(__always)
    mutating func netHoldoutReturn(amount: Double) -> Bool {
        guard holdoutRows > 0 else { returnsUnmatched += 1; return false }
        holdoutSum += amount
        returnsNetted += 1
        return true
    }

    /// Clears the statistics for a recomputation, keeping the out-of-order flag.
    mutating func resetForReplay() {
        self = CustomerState()
        unordered = true
    }
}
