/// The unit in which durations such as recency, customer age `T` and forecast horizons are expressed.
///
/// Day and week are exact (7 days). Month and year are the mean Gregorian lengths, 365.2425/12 and
/// 365.2425 days, the lengths NumPy uses for its `M` and `Y` units; two calendar-month periods are
/// instead counted in whole months (see ``PeriodFrequency/elapsed(fromPeriod:toPeriod:in:)``).
public enum TimeUnit: String, Sendable, Hashable, Codable, CaseIterable {
    case day, week, month, year

    /// Length of one unit in days.
    @inlinable
    public var days: Double {
        switch self {
        case .day: return 1
        case .week: return 7
        case .month: return 365.2425 / 12
        case .year: return 365.2425
        }
    }

    /// Plural English name, for messages ("weeks").
    public var plural: String { rawValue + "s" }
}

/// The calendar period in which purchases are counted: several purchases in one period count as one
/// (the `freq` argument of `lifetimes.utils.summary_data_from_transaction_data`).
///
/// Weeks run Monday to Sunday, as pandas' `W` (`W-SUN`) periods; months are calendar months.
public enum PeriodFrequency: String, Sendable, Hashable, Codable, CaseIterable {
    case day, week, month

    /// Index of the period that contains `day`; consecutive periods have consecutive indexes.
    @inlinable
    public func period(of day: CalendarDay) -> Int32 {
        let d = day.daysSinceEpoch
        switch self {
        case .day:
            return d
        case .week:
            // Monday-based weeks: 1970-01-05 (a Monday, day 4) starts week 1.
            let shifted = d + 3
            return shifted >= 0 ? shifted / 7 : (shifted - 6) / 7
        case .month:
            let (y, m, _) = day.components
            return Int32(y * 12 + m - 1)
        }
    }

    /// First day of a period.
    @inlinable
    public func startDay(ofPeriod period: Int32) -> CalendarDay {
        switch self {
        case .day:
            return CalendarDay(daysSinceEpoch: period)
        case .week:
            return CalendarDay(daysSinceEpoch: period * 7 - 3)
        case .month:
            let p = Int(period)
            let y = p >= 0 ? p / 12 : (p - 11) / 12
            return CalendarDay(daysSinceEpoch: Int32(CalendarDay.daysFromCivil(year: y, month: p - y * 12 + 1, day: 1)))
        }
    }

    /// Time from the start of one period to the start of another, in `unit`.
    ///
    /// Calendar months measured in months (or years) are whole numbers of months (/12); every other
    /// combination is the number of days between the period starts divided by ``TimeUnit/days``.
    /// This reproduces lifetimes' `(end − start) / timedelta(1, freq) / freq_multiplier` for
    /// `freq` D and W with any multiplier.
    @inlinable
    public func elapsed(fromPeriod start: Int32, toPeriod end: Int32, in unit: TimeUnit) -> Double {
        if self == .month, unit == .month { return Double(end - start) }
        if self == .month, unit == .year { return Double(end - start) / 12 }
        let days = startDay(ofPeriod: start).days(to: startDay(ofPeriod: end))
        return Double(days) / unit.days
    }
}
