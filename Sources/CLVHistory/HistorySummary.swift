import CLVCore

/// The window and rules of a summary: as-of date (end of observation), optional calibration end, the
/// period in which purchases are counted, the unit of durations and the return policy.
///
/// The rules are lifetimes' (`summary_data_from_transaction_data`, `calibration_and_holdout_data`) and
/// `clv summary`'s:
/// - without a calibration end, a transaction counts when its *period* starts on or before that of the
///   as-of date (so with weeks the rest of the as-of week counts);
/// - with a calibration end, a transaction counts when its *day* is on or before the as-of date; those
///   after the calibration end form the holdout.
public struct SummaryWindow: Sendable, Hashable, Codable {
    /// End of observation (the as-of date).
    public let asOf: CalendarDay
    /// With a calibration end, transactions after it form the holdout; it is before ``asOf``.
    public let calibrationEnd: CalendarDay?
    /// The period in which purchases are counted.
    public let frequency: PeriodFrequency
    /// The unit of recency, T and the holdout duration.
    public let timeUnit: TimeUnit
    /// How returns count.
    public let returns: ReturnPolicy
    /// The period of ``asOf``, computed once (every purchase day is compared with it).
    let asOfPeriod: Int32

    enum CodingKeys: String, CodingKey { case asOf = "as_of", calibrationEnd = "calibration_end", frequency, timeUnit = "time_unit", returns }

    /// Decodes a window and checks it as ``init(asOf:calibrationEnd:frequency:timeUnit:returns:)`` does.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(asOf: c.decode(CalendarDay.self, forKey: .asOf), calibrationEnd: c.decodeIfPresent(CalendarDay.self, forKey: .calibrationEnd),
                      frequency: c.decode(PeriodFrequency.self, forKey: .frequency), timeUnit: c.decode(TimeUnit.self, forKey: .timeUnit),
                      returns: c.decode(ReturnPolicy.self, forKey: .returns))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(asOf, forKey: .asOf)
        try c.encodeIfPresent(calibrationEnd, forKey: .calibrationEnd)
        try c.encode(frequency, forKey: .frequency)
        try c.encode(timeUnit, forKey: .timeUnit)
        try c.encode(returns, forKey: .returns)
    }

    /// - Throws: ``HistoryError/invalidWindow(_:)`` when the calibration end is not before the as-of date.
    public init(asOf: CalendarDay, calibrationEnd: CalendarDay? = nil, frequency: PeriodFrequency = .day,
                timeUnit: TimeUnit = .day, returns: ReturnPolicy = .net) throws {
        if let calibrationEnd, !(calibrationEnd < asOf) {
            throw HistoryError.invalidWindow("the calibration end (\(calibrationEnd)) must be before the as-of date (\(asOf)), or there is no holdout.")
        }
        self.asOf = asOf
        self.calibrationEnd = calibrationEnd
        self.frequency = frequency
        self.timeUnit = timeUnit
        self.returns = returns
        asOfPeriod = frequency.period(of: asOf)
    }

    /// The end of the (calibration) summary: the calibration end, else the as-of date.
    public var summaryEnd: CalendarDay { calibrationEnd ?? asOf }

    /// The holdout's length in ``timeUnit`` (period of the calibration end to period of the as-of date), or nil.
    public var holdoutDuration: Double? {
        calibrationEnd.map { frequency.elapsed(fromPeriod: frequency.period(of: $0), toPeriod: frequency.period(of: asOf), in: timeUnit) }
    }

    @inline(__always)
    func counts(_ day: CalendarDay) -> Bool {
        calibrationEnd == nil ? frequency.period(of: day) <= asOfPeriod : day <= asOf
    }

    @inline(__always)
    func inHoldout(_ day: CalendarDay) -> Bool {
        guard let calibrationEnd else { return false }
        return day > calibrationEnd
    }
}

/// One customer's summary: the buy-till-you-die figures (frequency x, recency tₓ, T, monetary value) in
/// the window's time unit, the holdout figures of a calibration split, and the extras of `clv summary`.
///
/// Vocabulary (Fader, Hardie & Lee 2005; lifetimes): `frequency` is the number of *repeat* purchase
/// periods; `recency` runs from the first to the last purchase period; `T` from the first purchase period
/// to the end of the (calibration) window; `daysSinceLastPurchase` from the last purchase day to that end.
public struct HistorySummary: Sendable, Hashable, Codable {
    /// The customer.
    public var customerID: String
    /// The unit of `recency`, `T` and the holdout duration.
    public var timeUnit: TimeUnit
    /// The period in which purchases are counted.
    public var periodFrequency: PeriodFrequency
    /// Repeat purchase periods, x.
    public var frequency: Int
    /// First to last purchase period, tₓ.
    public var recency: Double
    /// First purchase period to the end of the (calibration) window.
    public var T: Double
    /// Mean net spend of the repeat periods (0 without repeats).
    public var monetaryValue: Double
    /// Days from the last purchase to the end of the (calibration) window.
    public var daysSinceLastPurchase: Int
    /// The first purchase day in the (calibration) window.
    public var firstPurchase: CalendarDay
    /// The last purchase day in the (calibration) window.
    public var lastPurchase: CalendarDay
    /// Orders: distinct order ids, plus one per purchase row without an order id.
    public var orders: Int
    /// Net spend in the (calibration) window.
    public var totalSpend: Money
    /// Quantity bought in the (calibration) window.
    public var totalQuantity: Quantity
    /// The channel of the first purchase that names one (ties within a day: the lowest sequence).
    public var acquisitionChannel: String?
    /// Distinct channels of the purchases.
    public var channelCount: Int
    /// The holdout figures, with a calibration end.
    public var holdout: Holdout?
    /// Returns netted against a purchase, and returns with nothing to net against (policy `net`).
    public var returnsNetted: Int
    /// Returns with nothing to net against (policy `net`).
    public var returnsUnmatched: Int

    /// The holdout part of a calibration/holdout summary.
    public struct Holdout: Sendable, Hashable, Codable {
        /// Purchase periods in the holdout (nothing subtracted, as lifetimes).
        public var frequency: Int
        /// Mean net amount of the holdout purchase rows (lifetimes: mean of the raw rows).
        public var monetaryValue: Double
        /// Length of the holdout in the time unit.
        public var duration: Double
    }

    /// Net spend per order (0 without orders).
    public var meanSpend: Double { orders > 0 ? totalSpend.doubleValue / Double(orders) : 0 }

    /// The model input (``CustomerSummary``).
    public var customerSummary: CustomerSummary {
        CustomerSummary(customerID: customerID, frequency: frequency, recency: recency, age: T, monetaryValue: monetaryValue)
    }
}

extension CustomerHistory {
    /// The summary at `asOf` (see ``SummaryWindow``); nil when the customer has no purchase in the
    /// (calibration) window.
    /// - Throws: ``HistoryError/invalidWindow(_:)`` when the calibration end is not before `asOf`.
    public func summary(asOf: CalendarDay, frequency: PeriodFrequency = .day, timeUnit: TimeUnit = .day,
                        calibrationEnd: CalendarDay? = nil, returns: ReturnPolicy = .net) throws -> HistorySummary? {
        summary(try SummaryWindow(asOf: asOf, calibrationEnd: calibrationEnd, frequency: frequency, timeUnit: timeUnit,
                                  returns: returns))
    }

    /// The summary in `window`; nil when the customer has no purchase in the (calibration) window.
    ///
    /// Returns under policy `net`: a return that names an order of the same window nets into that order's
    /// period; otherwise into the customer's purchase period that contains it, else the latest earlier one,
    /// of its own window (calibration or holdout). A calibration purchase returned in the holdout is never
    /// netted, so holdout data never change calibration figures. A return with nothing to net is unmatched.
    public func summary(_ window: SummaryWindow) -> HistorySummary? {
        var tally = WindowTally(window: window)
        for d in purchaseDays where window.counts(d.day) {
            tally.addRows(day: d.day, rows: d.rows, ownOrders: d.rowsWithoutOrder, amount: d.amount, quantity: d.quantity)
        }
        var calibrationOrders = Set<String>()
        for o in orders where window.counts(o.day) && !window.inHoldout(o.day) { calibrationOrders.insert(o.orderID) }
        var channelFirst = [(day: Int32, sequence: Int64)?](repeating: nil, count: channels.count)
        for c in channelDays where window.counts(c.day) && !window.inHoldout(c.day) {
            let key = (c.day.daysSinceEpoch, c.firstSequence)
            if let known = channelFirst[Int(c.channel)], known <= key { continue }
            channelFirst[Int(c.channel)] = key
        }
        var netted = 0, unmatched = 0
        switch window.returns {
        case .drop:
            break
        case .keep:
            for r in returns where window.counts(r.day) {
                let own = r.orderID == nil ? r.rows : 0
                tally.addRows(day: r.day, rows: r.rows, ownOrders: own, amount: r.amount, quantity: r.quantity)
                guard !window.inHoldout(r.day) else { continue }
                if let id = r.orderID { calibrationOrders.insert(id) }
                if r.channel >= 0 {
                    let key = (r.day.daysSinceEpoch, r.firstSequence)
                    if let known = channelFirst[Int(r.channel)], known <= key { continue }
                    channelFirst[Int(r.channel)] = key
                }
            }
        case .net:
            for r in returns where window.counts(r.day) {
                let holdout = window.inHoldout(r.day)
                var target: Int32?
                if let id = r.orderID {
                    let slot = Self.search(orders, id) { $0.orderID }
                    if slot.found, orders[slot.index].day <= r.day {
                        let order = orders[slot.index].day
                        if window.inHoldout(order) != holdout { unmatched += Int(r.rows); continue }
                        target = window.frequency.period(of: order)
                    }
                }
                if tally.net(r.amount, period: target ?? window.frequency.period(of: r.day), holdout: holdout) {
                    netted += Int(r.rows)
                } else {
                    unmatched += Int(r.rows)
                }
            }
        }
        guard let first = tally.periods.first, let last = tally.periods.last else { return nil }
        let freq = window.frequency, unit = window.timeUnit
        let repeats = tally.periods.count - 1
        var total = Money.zero
        for p in tally.periods { total += p.amount }
        let endPeriod = freq.period(of: window.summaryEnd)
        var acquisition: String?
        var best: (day: Int32, sequence: Int64)?
        for (k, key) in channelFirst.enumerated() {
            guard let key else { continue }
            if let b = best, b <= key { continue }
            best = key
            acquisition = channels[k]
        }
        var holdout: HistorySummary.Holdout?
        if let duration = window.holdoutDuration {
            holdout = HistorySummary.Holdout(
                frequency: tally.holdoutPeriods.count,
                monetaryValue: tally.holdoutRows > 0 ? tally.holdoutAmount.doubleValue / Double(tally.holdoutRows) : 0,
                duration: duration)
        }
        return HistorySummary(
            customerID: customerID, timeUnit: unit, periodFrequency: freq, frequency: repeats,
            recency: freq.elapsed(fromPeriod: first.period, toPeriod: last.period, in: unit),
            T: freq.elapsed(fromPeriod: first.period, toPeriod: endPeriod, in: unit),
            monetaryValue: repeats > 0 ? (total - first.amount).doubleValue / Double(repeats) : 0,
            daysSinceLastPurchase: Int(tally.lastDay!.days(to: window.summaryEnd)),
            firstPurchase: tally.firstDay!, lastPurchase: tally.lastDay!,
            orders: tally.ownOrders + calibrationOrders.count, totalSpend: total, totalQuantity: tally.quantity,
            acquisitionChannel: acquisition, channelCount: channelFirst.lazy.filter { $0 != nil }.count,
            holdout: holdout, returnsNetted: netted, returnsUnmatched: unmatched)
    }
}

/// The running figures of one summary.
struct WindowTally {
    let window: SummaryWindow
    /// Calibration purchase periods with their net amounts, in period order.
    var periods: [(period: Int32, amount: Money)] = []
    var firstDay: CalendarDay?, lastDay: CalendarDay?
    var ownOrders = 0
    var quantity = Quantity.zero
    /// Holdout purchase periods, in order; rows and net amount.
    var holdoutPeriods: [Int32] = []
    var holdoutRows = 0
    var holdoutAmount = Money.zero

    init(window: SummaryWindow) { self.window = window }

    /// Purchase rows of one day (in day order for purchases; any order for returns kept as purchases).
    mutating func addRows(day: CalendarDay, rows: Int32, ownOrders own: Int32, amount: Money, quantity q: Quantity) {
        let period = window.frequency.period(of: day)
        if window.inHoldout(day) {
            let slot = CustomerHistory.search(holdoutPeriods, period) { $0 }
            if !slot.found { holdoutPeriods.insert(period, at: slot.index) }
            holdoutRows += Int(rows)
            holdoutAmount += amount
            return
        }
        let slot = periods.last.map { $0.period < period } == true
            ? (periods.count, false) : CustomerHistory.search(periods, period) { $0.period }
        if slot.found { periods[slot.index].amount += amount } else { periods.insert((period, amount), at: slot.index) }
        firstDay = min(firstDay ?? day, day)
        lastDay = max(lastDay ?? day, day)
        ownOrders += Int(own)
        quantity += q
    }

    /// Nets a return into the purchase period `period` of its window, else the latest earlier one; false
    /// when there is none.
    mutating func net(_ amount: Money, period: Int32, holdout: Bool) -> Bool {
        if holdout {
            let slot = CustomerHistory.search(holdoutPeriods, period) { $0 }
            guard slot.found || slot.index > 0 else { return false }
            holdoutAmount += amount
            return true
        }
        let slot = CustomerHistory.search(periods, period) { $0.period }
        let index = slot.found ? slot.index : slot.index - 1
        guard index >= 0 else { return false }
        periods[index].amount += amount
        return true
    }
}
