/// The statistics of every customer of one part of the input, by customer index: a ``CustomerState``
/// for each, and — only when the summary can need them — zero-initialised side buffers for holdout,
/// return, channel and quantity statistics, whose pages are backed only for the customers that use them.
///
/// The buffers are reservations that never move (see ``ZeroedBuffer``); copies of this value share them,
/// and ``deallocate()`` releases them once.
struct CustomerStates {
    /// Which side buffers to keep.
    struct Features {
        var holdout = false, returns = false, channel = false, quantity = false
    }

    private(set) var count = 0
    let features: Features
    let states: ZeroedBuffer<CustomerState>
    let holdout: ZeroedBuffer<HoldoutStatistics>?
    let returns: ZeroedBuffer<ReturnStatistics>?
    let channels: ZeroedBuffer<ChannelStatistics>?
    let quantities: ZeroedBuffer<Double>?

    /// - Parameter capacity: the most customers that will ever be appended.
    init(capacity: Int, features: Features) {
        self.features = features
        states = ZeroedBuffer(capacity: capacity)
        holdout = features.holdout ? ZeroedBuffer(capacity: capacity) : nil
        returns = features.returns ? ZeroedBuffer(capacity: capacity) : nil
        channels = features.channel ? ZeroedBuffer(capacity: capacity) : nil
        quantities = features.quantity ? ZeroedBuffer(capacity: capacity) : nil
    }

    /// Customers `range` as statistics of their own, sharing these buffers (never deallocated itself).
    func view(_ range: Range<Int>) -> CustomerStates {
        CustomerStates(viewing: self, range)
    }

    private init(viewing whole: CustomerStates, _ range: Range<Int>) {
        precondition(range.upperBound <= whole.count)
        features = whole.features
        count = range.count
        let lower = range.lowerBound
        states = whole.states.suffix(from: lower)
        holdout = whole.holdout?.suffix(from: lower)
        returns = whole.returns?.suffix(from: lower)
        channels = whole.channels?.suffix(from: lower)
        quantities = whole.quantities?.suffix(from: lower)
    }

    func deallocate() {
        states.deallocate()
        holdout?.deallocate()
        returns?.deallocate()
        channels?.deallocate()
        quantities?.deallocate()
    }

    /// Adds a customer (whose side statistics are still all zero).
    mutating func append(_ state: CustomerState = CustomerState()) {
        precondition(count < states.capacity, "more customers than rows")
        states[count] = state
        count += 1
    }

    var indices: Range<Int> { 0..<count }

    /// The statistics every row updates, of customer `c`.
    subscript(c: Int) -> CustomerState {
        unsafeAddress { UnsafePointer(states.base + c) }
        nonmutating unsafeMutableAddress { states.base + c }
    }

    /// Customer `c`'s statistics, in place.
    @inline(__always)
    func pointer(_ c: Int) -> UnsafeMutablePointer<CustomerState> { states.base + c }

    /// Bytes per customer for the statistics every customer has.
    static var stride: Int { MemoryLayout<CustomerState>.stride }

    // MARK: Rows

    /// A purchase in the (calibration) window.
    @inline(__always)
    func addPurchase(_ c: Int, day: Int32, period: Int32, amount: Double) {
        let s = states.base + c
        if s.pointee.pendingReturn, returns.unsafelyUnwrapped[c].pendingPeriod != period { settlePendingReturn(c) }
        if s.pointee.periodCount == 0 {
            s.pointee.firstPeriod = period
            s.pointee.lastPeriod = period
            s.pointee.periodCount = 1
            s.pointee.firstPeriodSum = amount
        } else if period == s.pointee.lastPeriod {
            if period == s.pointee.firstPeriod { s.pointee.firstPeriodSum += amount }
        } else {
            // Rows arrive in date order, so a new period is a later one.
            s.pointee.periodCount += 1
            s.pointee.lastPeriod = period
        }
        s.pointee.totalSum += amount
        if day < s.pointee.firstDay { s.pointee.firstDay = day }
        if day > s.pointee.lastDay { s.pointee.lastDay = day }
        if s.pointee.pendingReturn { settlePendingReturn(c) } // a return earlier in this same period
    }

    /// The channel of a purchase in the (calibration) window.
    @inline(__always)
    func addChannel(_ c: Int, _ channel: Int32) {
        let ch = channels.unsafelyUnwrapped.base + c
        if ch.pointee.acquisitionPlusOne == 0 { ch.pointee.acquisitionPlusOne = channel + 1 }
        ch.pointee.mask |= 1 << UInt64(channel & 63)
    }

    /// A purchase in the holdout window.
    @inline(__always)
    func addHoldoutPurchase(_ c: Int, period: Int32, amount: Double) {
        let h = holdout.unsafelyUnwrapped.base + c
        if h.pointee.pendingReturns > 0, h.pointee.pendingPeriod != period { settlePendingHoldoutReturn(c) }
        if h.pointee.rows == 0 { h.pointee.firstPeriod = period }
        if h.pointee.rows == 0 || period != h.pointee.lastPeriod {
            h.pointee.periods += 1
            h.pointee.lastPeriod = period
        }
        h.pointee.sum += amount
        h.pointee.rows += 1
        if h.pointee.pendingReturns > 0 { settlePendingHoldoutReturn(c) }
    }

    /// The return statistics of customer `c`, marked as written.
    @inline(__always)
    private func returnStatistics(_ c: Int) -> UnsafeMutablePointer<ReturnStatistics> {
        states[c].hasReturns = true
        return returns.unsafelyUnwrapped.base + c
    }

    /// Nets a return into the purchase period `target` (an order's period), or — without a target — into
    /// the purchase in the return's own period, else the latest earlier purchase. A return that comes
    /// before any purchase of its period waits until the period's first purchase or the next period.
    func addReturn(_ c: Int, amount: Double, period: Int32, target: Int32?) {
        let s = states.base + c
        let r = returnStatistics(c)
        var wait = period
        if let target {
            if s.pointee.periodCount > 0, target <= s.pointee.lastPeriod {
                if target == s.pointee.firstPeriod { s.pointee.firstPeriodSum += amount }
                s.pointee.totalSum += amount
                r.pointee.netted += 1
                return
            }
            // The order's purchase is on the same day, on a later line: wait for it.
            wait = target
        } else if s.pointee.periodCount > 0, period == s.pointee.lastPeriod {
            if s.pointee.lastPeriod == s.pointee.firstPeriod { s.pointee.firstPeriodSum += amount }
            s.pointee.totalSum += amount
            r.pointee.netted += 1
            return
        }
        if s.pointee.pendingReturn, r.pointee.pendingPeriod != wait { settlePendingReturn(c) }
        r.pointee.pendingPeriod = wait
        r.pointee.pendingSum += amount
        r.pointee.pending += 1
        s.pointee.pendingReturn = true
    }

    /// A return that cannot be netted (its order is a purchase in the other window).
    func addUnmatchedReturn(_ c: Int) {
        returnStatistics(c).pointee.unmatched += 1
    }

    /// Applies waiting returns: into the purchase of their own period if there now is one, else into
    /// the latest purchase before it; with no purchase on or before their period they stay unmatched.
    func settlePendingReturn(_ c: Int) {
        let s = states.base + c
        guard s.pointee.pendingReturn else { return }
        let r = returns.unsafelyUnwrapped.base + c
        if s.pointee.periodCount > 0, s.pointee.lastPeriod <= r.pointee.pendingPeriod {
            if s.pointee.lastPeriod == s.pointee.firstPeriod { s.pointee.firstPeriodSum += r.pointee.pendingSum }
            s.pointee.totalSum += r.pointee.pendingSum
            r.pointee.netted += r.pointee.pending
        } else {
            r.pointee.unmatched += r.pointee.pending
        }
        r.pointee.pending = 0
        r.pointee.pendingSum = 0
        s.pointee.pendingReturn = false
    }

    /// Nets a return into the holdout spend, with the same same-period rule.
    func addHoldoutReturn(_ c: Int, amount: Double, period: Int32) {
        let h = holdout.unsafelyUnwrapped.base + c
        let r = returnStatistics(c)
        if h.pointee.rows > 0, period == h.pointee.lastPeriod {
            h.pointee.sum += amount
            r.pointee.netted += 1
        } else {
            if h.pointee.pendingReturns > 0, h.pointee.pendingPeriod != period { settlePendingHoldoutReturn(c) }
            h.pointee.pendingPeriod = period
            h.pointee.pendingSum += amount
            h.pointee.pendingReturns += 1
        }
    }

    func settlePendingHoldoutReturn(_ c: Int) {
        let h = holdout.unsafelyUnwrapped.base + c
        guard h.pointee.pendingReturns > 0 else { return }
        let r = returnStatistics(c)
        if h.pointee.rows > 0, h.pointee.lastPeriod <= h.pointee.pendingPeriod {
            h.pointee.sum += h.pointee.pendingSum
            r.pointee.netted += h.pointee.pendingReturns
        } else {
            r.pointee.unmatched += h.pointee.pendingReturns
        }
        h.pointee.pendingReturns = 0
        h.pointee.pendingSum = 0
    }

    /// Settles customer `c`'s waiting returns at the end of the input.
    func finish(_ c: Int) {
        settlePendingReturn(c)
        if holdout != nil { settlePendingHoldoutReturn(c) }
    }

    /// Clears customer `c`'s statistics for a recomputation, keeping the out-of-order flag.
    func resetForReplay(_ c: Int) {
        var cleared = CustomerState()
        cleared.unordered = true
        states[c] = cleared
        holdout?[c] = HoldoutStatistics()
        returns?[c] = ReturnStatistics()
        channels?[c] = ChannelStatistics()
        quantities?[c] = 0
    }

    // MARK: Merging the parts of a split first pass

    /// Whether customer `k` of `later` (the same customer's statistics from the next part of the file)
    /// can be folded into customer `c` without seeing the rows again: both in date order, no return
    /// waiting for or missing a purchase across the boundary.
    func canAbsorb(_ c: Int, _ later: CustomerStates, _ k: Int) -> Bool {
        let mine = self[c], theirs = later[k]
        // The later part admitted none of the customer's rows (all after the end of observation, say):
        // there is nothing to fold in, whatever this part holds.
        if !theirs.unordered, theirs.firstSeenDay == .min { return true }
        guard !mine.unordered, !theirs.unordered, theirs.firstSeenDay >= mine.lastSeenDay,
              !mine.pendingReturn, !theirs.pendingReturn else { return false }
        if let holdout, holdout[c].pendingReturns != 0 || later.holdout.unsafelyUnwrapped[k].pendingReturns != 0 {
            return false
        }
        return !theirs.hasReturns || later.returns.unsafelyUnwrapped[k].unmatched == 0
    }

    /// Folds customer `k` of `later` into customer `c` (see ``canAbsorb(_:_:_:)``); channel indexes of
    /// `later` are first mapped with `channelMap`.
    func absorb(_ c: Int, _ later: CustomerStates, _ k: Int, channelMap: [Int32]) {
        let s = states.base + c
        let theirs = later[k]
        if theirs.periodCount > 0 {
            if s.pointee.periodCount == 0 {
                s.pointee.firstPeriod = theirs.firstPeriod
                s.pointee.firstPeriodSum = theirs.firstPeriodSum
                s.pointee.periodCount = theirs.periodCount
            } else if s.pointee.lastPeriod == theirs.firstPeriod {
                s.pointee.periodCount += theirs.periodCount - 1
                if s.pointee.lastPeriod == s.pointee.firstPeriod { s.pointee.firstPeriodSum += theirs.firstPeriodSum }
            } else {
                s.pointee.periodCount += theirs.periodCount
            }
            s.pointee.lastPeriod = theirs.lastPeriod
        }
        s.pointee.totalSum += theirs.totalSum
        s.pointee.orderCount += theirs.orderCount
        s.pointee.firstDay = min(s.pointee.firstDay, theirs.firstDay)
        s.pointee.lastDay = max(s.pointee.lastDay, theirs.lastDay)
        if s.pointee.firstSeenDay == .min { s.pointee.firstSeenDay = theirs.firstSeenDay }
        s.pointee.lastSeenDay = max(s.pointee.lastSeenDay, theirs.lastSeenDay)
        if theirs.hasReturns {
            let r = returnStatistics(c), t = later.returns.unsafelyUnwrapped[k]
            r.pointee.netted += t.netted
            r.pointee.unmatched += t.unmatched
        }
        if let quantities { quantities[c] += later.quantities.unsafelyUnwrapped[k] }
        if let holdout {
            let h = holdout.base + c, t = later.holdout.unsafelyUnwrapped[k]
            if t.rows > 0 {
                if h.pointee.rows == 0 {
                    h.pointee.firstPeriod = t.firstPeriod
                    h.pointee.periods = t.periods
                } else {
                    h.pointee.periods += t.periods - (h.pointee.lastPeriod == t.firstPeriod ? 1 : 0)
                }
                h.pointee.lastPeriod = t.lastPeriod
                h.pointee.rows += t.rows
                h.pointee.sum += t.sum
            }
        }
        if let channels { merge(later.channels.unsafelyUnwrapped[k], into: channels.base + c, channelMap: channelMap) }
    }

    /// Appends a copy of customer `k` of `later` (channel indexes mapped with `channelMap`).
    mutating func appendCopy(of k: Int, from later: CustomerStates, channelMap: [Int32]) {
        append(later[k])
        let c = count - 1
        if let returns, later[k].hasReturns { returns[c] = later.returns.unsafelyUnwrapped[k] }
        if let holdout { holdout[c] = later.holdout.unsafelyUnwrapped[k] }
        if let quantities { quantities[c] = later.quantities.unsafelyUnwrapped[k] }
        if let channels { merge(later.channels.unsafelyUnwrapped[k], into: channels.base + c, channelMap: channelMap) }
    }

    private func merge(_ theirs: ChannelStatistics, into mine: UnsafeMutablePointer<ChannelStatistics>, channelMap: [Int32]) {
        if mine.pointee.acquisitionPlusOne == 0, theirs.acquisitionPlusOne > 0 {
            mine.pointee.acquisitionPlusOne = channelMap[Int(theirs.acquisitionPlusOne - 1)] + 1
        }
        var mask = theirs.mask
        while mask != 0 {
            let bit = mask.trailingZeroBitCount
            mask &= mask - 1
            if bit < channelMap.count { mine.pointee.mask |= 1 << UInt64(channelMap[bit] & 63) }
        }
    }
}
