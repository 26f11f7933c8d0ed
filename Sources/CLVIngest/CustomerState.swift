#if canImport(Glibc)
import Glibc
#endif

/// The running statistics of one customer, updated row by row while rows arrive in date order.
///
/// It keeps only what lifetimes' summary needs — first and last purchase period, the number of distinct
/// periods, the value of the first period and the total — so memory is O(customers), not O(rows).
/// A customer whose rows arrive out of date order is flagged and recomputed in a second pass.
struct CustomerState {
    var firstDay: Int32 = .max
    var lastDay: Int32 = .min
    var lastSeenDay: Int32 = .min
    var firstSeenDay: Int32 = .min
    var holdoutFirstPeriod: Int32 = 0
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
        if holdoutRows == 0 { holdoutFirstPeriod = period }
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

    /// Whether `later` (the same customer's statistics from the next part of the file) can be folded
    /// into these without seeing the rows again: both in date order, no return waiting for or
    /// missing a purchase across the boundary.
    func canAbsorb(_ later: CustomerState) -> Bool {
        !unordered && !later.unordered && later.firstSeenDay >= lastSeenDay
            && pendingReturns == 0 && pendingHoldoutReturns == 0
            && later.pendingReturns == 0 && later.pendingHoldoutReturns == 0 && later.returnsUnmatched == 0
    }

    /// Folds in the statistics of the same customer's later rows (see ``canAbsorb(_:)``); channel
    /// indexes of `later` are first mapped with `channelMap`.
    mutating func absorb(_ later: CustomerState, channelMap: [Int32]) {
        if later.periodCount > 0 {
            if periodCount == 0 {
                firstPeriod = later.firstPeriod
                firstPeriodSum = later.firstPeriodSum
                periodCount = later.periodCount
            } else if lastPeriod == later.firstPeriod {
                periodCount += later.periodCount - 1
                if lastPeriod == firstPeriod { firstPeriodSum += later.firstPeriodSum }
            } else {
                periodCount += later.periodCount
            }
            lastPeriod = later.lastPeriod
        }
        totalSum += later.totalSum
        purchaseRows += later.purchaseRows
        orderCount += later.orderCount
        returnsNetted += later.returnsNetted
        returnsUnmatched += later.returnsUnmatched
        quantity += later.quantity
        if later.holdoutRows > 0 {
            if holdoutRows == 0 {
                holdoutFirstPeriod = later.holdoutFirstPeriod
                holdoutPeriods = later.holdoutPeriods
            } else {
                holdoutPeriods += later.holdoutPeriods - (holdoutLastPeriod == later.holdoutFirstPeriod ? 1 : 0)
            }
            holdoutLastPeriod = later.holdoutLastPeriod
            holdoutRows += later.holdoutRows
            holdoutSum += later.holdoutSum
        }
        firstDay = min(firstDay, later.firstDay)
        lastDay = max(lastDay, later.lastDay)
        if firstSeenDay == .min { firstSeenDay = later.firstSeenDay }
        lastSeenDay = max(lastSeenDay, later.lastSeenDay)
        if acquisitionChannel < 0, later.acquisitionChannel >= 0 { acquisitionChannel = channelMap[Int(later.acquisitionChannel)] }
        var mask = later.channelMask
        while mask != 0 {
            let bit = mask.trailingZeroBitCount
            mask &= mask - 1
            if bit < channelMap.count { channelMask |= 1 << UInt64(channelMap[bit] & 63) }
        }
    }

    /// Clears the statistics for a recomputation, keeping the out-of-order flag.
    mutating func resetForReplay() {
        self = CustomerState()
        unordered = true
    }
}

/// Storage for customer states: one virtual-memory reservation large enough for every customer the
/// input can hold (pages are only backed once used), so the array never moves while it grows and
/// field updates need no copy-on-write checks.
struct StateBuffer {
    let base: UnsafeMutablePointer<CustomerState>
    private(set) var count = 0
    private let capacity: Int
    private let bytes: Int

    /// - Parameter capacity: the most states that will ever be appended.
    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        bytes = self.capacity * MemoryLayout<CustomerState>.stride
        guard let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
              p != MAP_FAILED else {
            preconditionFailure("cannot reserve \(bytes) bytes of address space for customer states")
        }
        // Huge pages where the kernel offers them: a million customers fault in ~70 pages, not ~35,000.
        _ = madvise(p, bytes, MADV_HUGEPAGE)
        base = p.bindMemory(to: CustomerState.self, capacity: self.capacity)
    }

    mutating func append(_ state: CustomerState) {
        precondition(count < capacity, "more customers than rows")
        (base + count).initialize(to: state)
        count += 1
    }

    var indices: Range<Int> { 0..<count }

    subscript(i: Int) -> CustomerState {
        unsafeAddress { UnsafePointer(base + i) }
        nonmutating unsafeMutableAddress { base + i }
    }

    func deallocate() {
        munmap(base, bytes)
    }

    /// Bytes per customer state.
    static var stride: Int { MemoryLayout<CustomerState>.stride }
}
