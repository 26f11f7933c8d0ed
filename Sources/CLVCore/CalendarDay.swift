/// A day of the proleptic Gregorian calendar, stored as the number of days since 1970-01-01.
///
/// Transaction logs are reduced to calendar days on ingest (the time zone decides the day of a
/// timestamp), so every later computation is exact integer arithmetic on days.
public struct CalendarDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before it).
    public var daysSinceEpoch: Int32

    /// Creates a day from its offset to 1970-01-01.
    @inlinable
    public init(daysSinceEpoch: Int32) { self.daysSinceEpoch = daysSinceEpoch }

    /// Creates a day from year, month (1–12) and day of month, or returns nil for an invalid date
    /// (month 13, 30 February, years outside 1–9999).
    @inlinable
    public init?(year: Int, month: Int, day: Int) {
        guard year >= 1, year <= 9999, month >= 1, month <= 12, day >= 1,
              day <= CalendarDay.daysInMonth(year: year, month: month) else { return nil }
        self.daysSinceEpoch = Int32(CalendarDay.daysFromCivil(year: year, month: month, day: day))
    }

    /// Parses `YYYY-MM-DD`; nil when the text is not a valid date in that form.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Year, month and day of month.
    @inlinable
    public var components: (year: Int, month: Int, day: Int) {
        CalendarDay.civilFromDays(Int(daysSinceEpoch))
    }

    /// ISO 8601 calendar date, `YYYY-MM-DD`.
    public var description: String {
        let (y, m, d) = components
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// The date as Chinese text writes it: `2024年1月6日`.
    public var chineseText: String {
        let (y, m, d) = components
        return "\(y)年\(m)月\(d)日"
    }

    /// Day of the week, 1 = Monday … 7 = Sunday (ISO 8601).
    @inlinable
    public var isoWeekday: Int {
        // 1970-01-01 was a Thursday (4).
        let w = (Int(daysSinceEpoch) + 3) % 7
        return (w < 0 ? w + 7 : w) + 1
    }

    /// The day `n` days later (earlier for negative `n`).
    @inlinable
    public func adding(days n: Int) -> CalendarDay { CalendarDay(daysSinceEpoch: daysSinceEpoch + Int32(n)) }

    /// Whole days from `self` to `other` (positive when `other` is later).
    @inlinable
    public func days(to other: CalendarDay) -> Int { Int(other.daysSinceEpoch) - Int(daysSinceEpoch) }

    @inlinable
    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = CalendarDay(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "'\(text)' is not a YYYY-MM-DD date"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Whether `year` is a Gregorian leap year.
    @inlinable
    public static func isLeapYear(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// Number of days in a month of a year.
    @inlinable
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a civil date (H. Hinnant's `days_from_civil`, exact for all Int years).
    @inlinable
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Civil date of a day count since 1970-01-01 (inverse of ``daysFromCivil(year:month:day:)``).
    @inlinable
    public static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
