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
    var pendingReturns: Int32 = 0
    var pendingHoldoutReturns: Int32 = 0
    var pendingReturnPeriod: Int32 = 0
    var pendingHoldoutPeriod: Int32 = 0
    var pendingReturnSum = 0.0
    var pendingHoldoutSum = 0.0
    var firstPeriodSum = 0.0
    var totalSum = 0.0
    var quantity = 0.0
    var holdoutSum = 0.0
    var channelMask: UInt64 = 0

    /// A purchase in the (calibration) window.
    @inline(__always)
    mutating func addPurchase(day: Int32, period: Int32, amount: Double) {
        if pendingReturns > 0, pendingReturnPeriod != period { settlePendingReturn() }
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
        if pendingReturns > 0 { settlePendingReturn() } // a return earlier in this same period
    }

    /// A purchase in the holdout window.
    @inline(__always)
    mutating func addHoldoutPurchase(period: Int32, amount: Double) {
        if pendingHoldoutReturns > 0, pendingHoldoutPeriod != period { settlePendingHoldoutReturn() }
        if holdoutRows == 0 || period != holdoutLastPeriod {
            holdoutPeriods += 1
            holdoutLastPeriod = period
        }
        holdoutSum += amount
        holdoutRows += 1
        if pendingHoldoutReturns > 0 { settlePendingHoldoutReturn() }
    }

    /// Nets a return into the purchase period `target` (an order's period), or — without a target — into
    /// the purchase in the return's own period, else the latest earlier purchase. A return that comes
    /// before any purchase of its period waits until the period's first purchase or the next period.
    @inline(__always)
    mutating func addReturn(amount: Double, period: Int32, target: Int32?) {
        if let target {
            guard periodCount > 0 else { returnsUnmatched += 1; return }
            if target == firstPeriod { firstPeriodSum += amount }
            totalSum += amount
            returnsNetted += 1
        } else if periodCount > 0, period == lastPeriod {
            if lastPeriod == firstPeriod { firstPeriodSum += amount }
            totalSum += amount
            returnsNetted += 1
        } else {
            if pendingReturns > 0, pendingReturnPeriod != period { settlePendingReturn() }
            pendingReturnPeriod = period
            pendingReturnSum += amount
            pendingReturns += 1
        }
    }

    /// Applies waiting returns: into the purchase of their own period if there now is one, else into
    /// the latest purchase before it; with no purchase on or before their period they stay unmatched.
    mutating func settlePendingReturn() {
        guard pendingReturns > 0 else { return }
        if periodCount > 0, lastPeriod <= pendingReturnPeriod {
            if lastPeriod == firstPeriod { firstPeriodSum += pendingReturnSum }
            totalSum += pendingReturnSum
            returnsNetted += pendingReturns
        } else {
            returnsUnmatched += pendingReturns
        }
        pendingReturns = 0
        pendingReturnSum = 0
    }

    /// Nets a return into the holdout spend, with the same same-period rule.
    @inline(__always)
    mutating func addHoldoutReturn(amount: Double, period: Int32) {
        if holdoutRows > 0, period == holdoutLastPeriod {
            holdoutSum += amount
            returnsNetted += 1
        } else {
            if pendingHoldoutReturns > 0, pendingHoldoutPeriod != period { settlePendingHoldoutReturn() }
            pendingHoldoutPeriod = period
            pendingHoldoutSum += amount
            pendingHoldoutReturns += 1
        }
    }

    mutating func settlePendingHoldoutReturn() {
        guard pendingHoldoutReturns > 0 else { return }
        if holdoutRows > 0, holdoutLastPeriod <= pendingHoldoutPeriod {
            holdoutSum += pendingHoldoutSum
            returnsNetted += pendingHoldoutReturns
        } else {
            returnsUnmatched += pendingHoldoutReturns
        }
        pendingHoldoutReturns = 0
        pendingHoldoutSum = 0
    }

    /// Settles waiting returns at the end of the input.
    mutating func finish() {
        settlePendingReturn()
        settlePendingHoldoutReturn()
    }

    /// Clears the statistics for a recomputation, keeping the out-of-order flag.
    mutating func resetForReplay() {
        self = CustomerState()
        unordered = true
    }
}
