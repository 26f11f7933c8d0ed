import CLVCore
import Foundation

/// The time zone that decides the calendar day of a timestamp.
public enum DayTimeZone: Sendable, Hashable {
    /// A fixed offset from UTC in seconds (`UTC`, `Z`, `+08:00`).
    case fixed(seconds: Int)
    /// A tz database zone (`Asia/Shanghai`), with daylight saving time.
    case named(String)

    /// Parses `UTC`, `Z`, `+08:00`, `-0500`, `+8`, or a tz database name.
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if ["utc", "z", "gmt"].contains(t.lowercased()) { self = .fixed(seconds: 0); return }
        var s = t
        if s.uppercased().hasPrefix("UTC") || s.uppercased().hasPrefix("GMT") { s.removeFirst(3) }
        if let sign = s.first, sign == "+" || sign == "-" {
            let digits = s.dropFirst().replacingOccurrences(of: ":", with: "")
            guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let v = Int(digits) else { return nil }
            let (h, m) = digits.count <= 2 ? (v, 0) : (v / 100, v % 100)
            guard h <= 18, m < 60 else { return nil }
            self = .fixed(seconds: (sign == "-" ? -1 : 1) * (h * 3600 + m * 60))
            return
        }
        guard TimeZone(identifier: t) != nil else { return nil }
        self = .named(t)
    }
}

/// Turns date and date-time text into calendar days.
///
/// Recognised without a format (`auto`): `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD` (one- or two-digit month
/// and day), `YYYYMMDD`, `YYYY年M月D日`, each optionally followed by a time `HH:MM[:SS[.fff]]` (after a
/// space or `T`) and an offset (`Z`, `±HH:MM`, `±HHMM`, `±HH`); Unix epoch seconds (9–10 digits, optional
/// fraction) and milliseconds (12–13 digits). Day-first and month-first forms are ambiguous and need a
/// `format` (strftime-style: `%Y %y %m %d %e %H %M %S %f %z %b %B %p %%`).
///
/// The calendar day of a value with an offset is the day as written, unless a time zone is given, in
/// which case the instant is converted to that zone. Epoch values are instants: their day is taken in
/// the given time zone, UTC by default. Values without an offset are local times and keep their day.
public final class DateParser {
    /// Why a text is not a day: `unparsable` when it matches no accepted form or names no real date
    /// (such as 2023-02-30); `outOfRange` when an epoch value or a zone-converted instant falls outside
    /// the years 1–9999.
    public enum Failure: Error, Sendable { case unparsable, outOfRange }

    let format: [FormatToken]?
    let timeZone: DayTimeZone?
    let foundationZone: TimeZone?
    // A direct-mapped cache of recent date texts (≤ 16 bytes): a log has few distinct dates, so most
    // rows skip parsing altogether. Entry i holds the packed text and its day.
    let cacheKeys = UnsafeMutablePointer<UInt64>.allocate(capacity: 2 * DateParser.cacheSize)
    let cacheDays = UnsafeMutablePointer<Int32>.allocate(capacity: DateParser.cacheSize)
    let cacheLengths = UnsafeMutablePointer<UInt8>.allocate(capacity: DateParser.cacheSize)
    static let cacheSize = 16384
    var zoneCache: (hour: Int, offset: Int) = (.min, 0)

    /// - Parameters:
    ///   - format: strftime-style format, or nil for the automatic forms.
    ///   - timeZone: the zone that decides the day of timestamps with an offset and of epoch values.
    /// - Throws: ``IngestError/invalidOption(_:)`` for a format with an unknown directive.
    public init(format: String? = nil, timeZone: DayTimeZone? = nil) throws {
        self.format = try format.map(FormatToken.compile)
        self.timeZone = timeZone
        if case .named(let id)? = timeZone { foundationZone = TimeZone(identifier: id) } else { foundationZone = nil }
        cacheLengths.initialize(repeating: 0, count: Self.cacheSize)
        cacheKeys.initialize(repeating: 0, count: 2 * Self.cacheSize)
        cacheDays.initialize(repeating: 0, count: Self.cacheSize)
    }

    deinit {
        cacheKeys.deallocate()
        cacheDays.deallocate()
        cacheLengths.deallocate()
    }

    /// Parses one value.
    public func parse(_ text: UnsafeBufferPointer<UInt8>) -> Result<CalendarDay, Failure> {
        let n = text.count
        // The forms nearly every export writes, read directly: YYYY-MM-DD (or / .) and YYYYMMDD.
        if format == nil, let day = Self.plainDate(text) { return .success(CalendarDay(daysSinceEpoch: day)) }
        if n <= 16, n >= 8, let base = text.baseAddress {
            let a = UnsafeRawPointer(base).loadUnaligned(as: UInt64.self)
            var b: UInt64 = 0
            if n == 16 {
                b = UnsafeRawPointer(base + 8).loadUnaligned(as: UInt64.self)
            } else if n > 8 {
                for i in 8..<n { b |= UInt64(base[i]) << (8 * UInt64(i - 8)) }
            }
            // MurmurHash3's 64-bit finalizer: every input bit reaches the low slot bits.
            var h = a ^ (b &* 0x9E37_79B9_7F4A_7C15) ^ (b >> 17)
            h ^= h >> 33
            h = h &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 33
            h = h &* 0xC4CE_B9FE_1A85_EC53
            h ^= h >> 33
            let slot = Int(truncatingIfNeeded: h) & (Self.cacheSize - 1)
            if cacheLengths[slot] == UInt8(n), cacheKeys[2 * slot] == a, cacheKeys[2 * slot + 1] == b {
                return .success(CalendarDay(daysSinceEpoch: cacheDays[slot]))
            }
            let r = parseUncached(text)
            if case .success(let day) = r {
                cacheKeys[2 * slot] = a
                cacheKeys[2 * slot + 1] = b
                cacheLengths[slot] = UInt8(n)
                cacheDays[slot] = day.daysSinceEpoch
            }
            return r
        }
        return parseUncached(text)
    }

    /// The day of `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD` or `YYYYMMDD` (two-digit month and day), or nil
    /// for any other text, including invalid dates (which the general path then reports).
    @inline(__always)
    static func plainDate(_ text: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard let b = text.baseAddress else { return nil }
        // The eight bytes YYYY-MM- (or YYYYMMDD) as one word, first byte lowest; digits become 0...9.
        let raw = UnsafeRawPointer(b)
        var x: UInt64
        let day: UInt32
        if text.count == 10 {
            let w = raw.loadUnaligned(as: UInt64.self)
            let sep = UInt8(truncatingIfNeeded: w >> 32)
            guard sep == 0x2D || sep == 0x2F || sep == 0x2E, UInt8(truncatingIfNeeded: w >> 56) == sep else { return nil }
            // The separators (bytes 4 and 7) read as '0' so that all eight bytes can be checked at once.
            x = (w & 0x00FF_FF00_FFFF_FFFF | 0x3000_0030_0000_0000) ^ 0x3030_3030_3030_3030
            let d0 = UInt32(b[8] &- 0x30), d1 = UInt32(b[9] &- 0x30)
            guard d0 <= 9, d1 <= 9 else { return nil }
            day = d0 &* 10 &+ d1
            x = (x & 0x0000_0000_FFFF_FFFF) | (x >> 8 & 0x0000_FFFF_0000_0000) // month digits into bytes 4 and 5
        } else if text.count == 8 {
            x = raw.loadUnaligned(as: UInt64.self) ^ 0x3030_3030_3030_3030
            let d0 = UInt32(truncatingIfNeeded: x >> 48 & 0xFF), d1 = UInt32(truncatingIfNeeded: x >> 56)
            guard d0 <= 9, d1 <= 9 else { return nil }
            day = d0 &* 10 &+ d1
            x &= 0x0000_FFFF_FFFF_FFFF
        } else {
            return nil
        }
        // Every byte a digit: adding 0x76 sets the top bit of any byte above 9 (and bytes already ≥ 0x80 have it).
        guard (x &+ 0x7676_7676_7676_7676 | x) & 0x8080_8080_8080_8080 == 0 else { return nil }
        let year = UInt32(truncatingIfNeeded: x & 0xFF) &* 1000 &+ UInt32(truncatingIfNeeded: x >> 8 & 0xFF) &* 100
            &+ UInt32(truncatingIfNeeded: x >> 16 & 0xFF) &* 10 &+ UInt32(truncatingIfNeeded: x >> 24 & 0xFF)
        let month = UInt32(truncatingIfNeeded: x >> 32 & 0xFF) &* 10 &+ UInt32(truncatingIfNeeded: x >> 40 & 0xFF)
        guard year >= 1, month >= 1, month <= 12, day >= 1,
              day <= 28 || day <= CalendarDay.daysInMonth(year: Int(year), month: Int(month)) else { return nil }
        // H. Hinnant's days_from_civil in unsigned arithmetic (year ≥ 1), so divisions become multiplications.
        // Every value here is bounded by the digits checked above (year 1...9999, month 1...12, day 1...31), so
        // the arithmetic cannot overflow and is written wrapping, which the compiler does not check.
        let y = month <= 2 ? year &- 1 : year
        let era = y / 400
        let yoe = y &- era &* 400
        let mp = month > 2 ? month &- 3 : month &+ 9
        let doy = (153 &* mp &+ 2) / 5 &+ day &- 1
        let doe = yoe &* 365 &+ yoe / 4 &- yoe / 100 &+ doy
        return Int32(truncatingIfNeeded: Int(era) &* 146_097 &+ Int(doe) &- 719_468)
    }

    /// Parses a `String` (convenience for options and tests).
    public func parse(_ text: String) -> Result<CalendarDay, Failure> {
        var t = text
        return t.withUTF8 { parse($0) }
    }

    func parseUncached(_ text: UnsafeBufferPointer<UInt8>) -> Result<CalendarDay, Failure> {
        let parsed: Stamp?
        if let format { parsed = FormatToken.parse(text, with: format) } else { parsed = Self.parseAuto(text) }
        guard let stamp = parsed else { return .failure(.unparsable) }
        return resolve(stamp)
    }

    /// A parsed value before the time zone is applied.
    struct Stamp {
        var year = 1970, month = 1, day = 1
        var secondsOfDay = 0
        var offset: Int? = nil          // seconds east of UTC, when the text had one
        var epochSeconds: Int? = nil    // for epoch values
    }

    func resolve(_ s: Stamp) -> Result<CalendarDay, Failure> {
        if let epoch = s.epochSeconds {
            return dayInZone(instant: epoch)
        }
        guard s.year >= 1, s.year <= 9999, s.month >= 1, s.month <= 12, s.day >= 1,
              s.day <= CalendarDay.daysInMonth(year: s.year, month: s.month) else { return .failure(.unparsable) }
        let local = CalendarDay.daysFromCivil(year: s.year, month: s.month, day: s.day)
        if let offset = s.offset, timeZone != nil {
            return dayInZone(instant: local * 86400 + s.secondsOfDay - offset)
        }
        return .success(CalendarDay(daysSinceEpoch: Int32(local)))
    }

    func dayInZone(instant: Int) -> Result<CalendarDay, Failure> {
        var offset = 0
        switch timeZone {
        case .fixed(let seconds)?: offset = seconds
        case .named?:
            let hour = instant >= 0 ? instant / 3600 : (instant - 3599) / 3600
            if zoneCache.hour == hour {
                offset = zoneCache.offset
            } else {
                offset = foundationZone?.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))) ?? 0
                zoneCache = (hour, offset)
            }
        case nil: offset = 0
        }
        let local = instant + offset
        let day = local >= 0 ? local / 86400 : (local - 86399) / 86400
        guard day > -719162, day < 2932897 else { return .failure(.outOfRange) } // years 1 ... 9999
        return .success(CalendarDay(daysSinceEpoch: Int32(day)))
    }

    static func digit(_ b: UInt8) -> Int? { b >= 0x30 && b <= 0x39 ? Int(b - 0x30) : nil }

    /// Reads `count` digits at `i` (or 1...count digits when `flexible`); advances `i`.
    static func number(_ t: UnsafeBufferPointer<UInt8>, _ i: inout Int, max count: Int, min minimum: Int) -> Int? {
        var v = 0, k = 0
        while k < count, i < t.count, let d = digit(t[i]) { v = v * 10 + d; i += 1; k += 1 }
        return k >= minimum ? v : nil
    }

    static func parseAuto(_ t: UnsafeBufferPointer<UInt8>) -> Stamp? {
        let n = t.count
        guard n >= 6 else { return nil }
        // All digits (with an optional fraction): YYYYMMDD or an epoch.
        var i = 0
        while i < n, digit(t[i]) != nil { i += 1 }
        if i == n || (t[i] == 0x2E && i >= 9) {
            let intDigits = i
            var v = 0
            for k in 0..<intDigits { v = v * 10 + Int(t[k] - 0x30) }
            if i < n { // fraction: only for epochs; must be digits
                for k in (i + 1)..<n where digit(t[k]) == nil { return nil }
            }
            switch intDigits {
            case 8 where i == n:
                return Stamp(year: v / 10000, month: v / 100 % 100, day: v % 100)
            case 9...10:
                return Stamp(epochSeconds: v)
            case 12...13:
                return Stamp(epochSeconds: v >= 0 ? v / 1000 : (v - 999) / 1000)
            default:
                return nil
            }
        }
        // YYYY sep M sep D
        i = 0
        guard let year = number(t, &i, max: 4, min: 4), i < n else { return nil }
        var stamp = Stamp(year: year)
        let sep = t[i]
        if sep == 0x2D || sep == 0x2F || sep == 0x2E {
            i += 1
            guard let m = number(t, &i, max: 2, min: 1), i < n, t[i] == sep else { return nil }
            i += 1
            guard let d = number(t, &i, max: 2, min: 1) else { return nil }
            stamp.month = m; stamp.day = d
        } else if matches(t, i, [0xE5, 0xB9, 0xB4]) { // 年
            i += 3
            guard let m = number(t, &i, max: 2, min: 1), matches(t, i, [0xE6, 0x9C, 0x88]) else { return nil } // 月
            i += 3
            guard let d = number(t, &i, max: 2, min: 1) else { return nil }
            if matches(t, i, [0xE6, 0x97, 0xA5]) { i += 3 } // 日
            stamp.month = m; stamp.day = d
        } else {
            return nil
        }
        guard i < n else { return stamp }
        // Optional time.
        guard t[i] == 0x20 || t[i] == 0x54 || t[i] == 0x74 else { return nil }
        while i < n, t[i] == 0x20 { i += 1 }
        if i < n, t[i] == 0x54 || t[i] == 0x74 { i += 1 }
        guard let hh = number(t, &i, max: 2, min: 1), hh < 24, i < n, t[i] == 0x3A else { return nil }
        i += 1
        guard let mm = number(t, &i, max: 2, min: 2), mm < 60 else { return nil }
        var ss = 0
        if i < n, t[i] == 0x3A {
            i += 1
            guard let s = number(t, &i, max: 2, min: 2), s <= 60 else { return nil }
            ss = s
            if i < n, t[i] == 0x2E || t[i] == 0x2C {
                i += 1
                guard number(t, &i, max: 9, min: 1) != nil else { return nil }
            }
        }
        stamp.secondsOfDay = hh * 3600 + mm * 60 + ss
        while i < n, t[i] == 0x20 { i += 1 }
        guard i < n else { return stamp }
        guard let offset = parseOffset(t, &i), i == n else { return nil }
        stamp.offset = offset
        return stamp
    }

    static func matches(_ t: UnsafeBufferPointer<UInt8>, _ i: Int, _ pattern: [UInt8]) -> Bool {
        guard i + pattern.count <= t.count else { return false }
        for k in pattern.indices where t[i + k] != pattern[k] { return false }
        return true
    }

    /// `Z`, `UTC`, `±HH`, `±HHMM`, `±HH:MM`.
    static func parseOffset(_ t: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Int? {
        let n = t.count
        guard i < n else { return nil }
        if t[i] == 0x5A || t[i] == 0x7A { i += 1; return 0 }
        if matches(t, i, Array("UTC".utf8)) || matches(t, i, Array("GMT".utf8)) {
            i += 3
            if i == n { return 0 }
        }
        guard t[i] == 0x2B || t[i] == 0x2D else { return nil }
        let sign = t[i] == 0x2D ? -1 : 1
        i += 1
        guard let h = number(t, &i, max: 2, min: 2), h <= 18 else { return nil }
        var m = 0
        if i < n, t[i] == 0x3A { i += 1 }
        if i < n {
            guard let mm = number(t, &i, max: 2, min: 2), mm < 60 else { return nil }
            m = mm
        }
        return sign * (h * 3600 + m * 60)
    }
}

/// One piece of a compiled strftime-style format.
enum FormatToken: Sendable {
    case literal([UInt8])
    case year4, year2, month, day, hour, hour12, minute, second, fraction, offset, monthName, amPm
    case blanks

    static func compile(_ format: String) throws -> [FormatToken] {
        var tokens: [FormatToken] = []
        var literal: [UInt8] = []
        var bytes = Array(format.utf8).makeIterator()
        func flush() { if !literal.isEmpty { tokens.append(.literal(literal)); literal = [] } }
        while let b = bytes.next() {
            if b == 0x25 { // %
                guard let d = bytes.next() else { throw IngestError.invalidOption("--date-format '\(format)' ends with a lone '%'.") }
                flush()
                switch UnicodeScalar(d) {
                case "Y": tokens.append(.year4)
                case "y": tokens.append(.year2)
                case "m": tokens.append(.month)
                case "d", "e": tokens.append(.day)
                case "H": tokens.append(.hour)
                case "I": tokens.append(.hour12)
                case "M": tokens.append(.minute)
                case "S": tokens.append(.second)
                case "f": tokens.append(.fraction)
                case "z": tokens.append(.offset)
                case "b", "B", "h": tokens.append(.monthName)
                case "p": tokens.append(.amPm)
                case "%": literal.append(0x25)
                default:
                    throw IngestError.invalidOption("--date-format '\(format)': unknown directive '%\(UnicodeScalar(d))' (use %Y %y %m %d %e %H %I %M %S %f %z %b %B %p %%).")
                }
            } else if b == 0x20 {
                flush()
                tokens.append(.blanks)
            } else {
                literal.append(b)
            }
        }
        flush()
        guard tokens.contains(where: { if case .year4 = $0 { return true }; if case .year2 = $0 { return true }; return false }),
              tokens.contains(where: { if case .month = $0 { return true }; if case .monthName = $0 { return true }; return false }),
              tokens.contains(where: { if case .day = $0 { return true }; return false }) else {
            throw IngestError.invalidOption("--date-format '\(format)' must contain a year (%Y or %y), a month (%m or %b) and a day (%d).")
        }
        return tokens
    }

    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func parse(_ t: UnsafeBufferPointer<UInt8>, with tokens: [FormatToken]) -> DateParser.Stamp? {
        var s = DateParser.Stamp()
        var i = 0
        var hour = 0, minute = 0, second = 0
        var pm: Bool? = nil
        let n = t.count
        for token in tokens {
            switch token {
            case .literal(let lit):
                guard DateParser.matches(t, i, lit) else { return nil }
                i += lit.count
            case .blanks:
                while i < n, t[i] == 0x20 { i += 1 }
            case .year4:
                guard let v = DateParser.number(t, &i, max: 4, min: 4) else { return nil }
                s.year = v
            case .year2:
                guard let v = DateParser.number(t, &i, max: 2, min: 2) else { return nil }
                s.year = v < 69 ? 2000 + v : 1900 + v // POSIX/Python rule
            case .month:
                guard let v = DateParser.number(t, &i, max: 2, min: 1) else { return nil }
                s.month = v
            case .day:
                while i < n, t[i] == 0x20 { i += 1 }
                guard let v = DateParser.number(t, &i, max: 2, min: 1) else { return nil }
                s.day = v
            case .hour, .hour12:
                guard let v = DateParser.number(t, &i, max: 2, min: 1) else { return nil }
                hour = v
            case .minute:
                guard let v = DateParser.number(t, &i, max: 2, min: 2) else { return nil }
                minute = v
            case .second:
                guard let v = DateParser.number(t, &i, max: 2, min: 2) else { return nil }
                second = v
            case .fraction:
                guard DateParser.number(t, &i, max: 9, min: 1) != nil else { return nil }
            case .offset:
                guard let o = DateParser.parseOffset(t, &i) else { return nil }
                s.offset = o
            case .monthName:
                var word: [UInt8] = []
                while i < n, (t[i] | 0x20) >= 0x61, (t[i] | 0x20) <= 0x7A { word.append(t[i] | 0x20); i += 1 }
                guard word.count >= 3, let m = monthNames.firstIndex(of: String(decoding: word.prefix(3), as: UTF8.self))
                else { return nil }
                s.month = m + 1
            case .amPm:
                guard i + 2 <= n else { return nil }
                let a = t[i] | 0x20, b = t[i + 1] | 0x20
                guard b == 0x6D, a == 0x61 || a == 0x70 else { return nil }
                pm = a == 0x70
                i += 2
            }
        }
        guard i == n, hour < 24, minute < 60, second <= 60 else { return nil }
        if let pm {
            guard hour >= 1, hour <= 12 else { return nil }
            hour = hour % 12 + (pm ? 12 : 0)
        }
        s.secondsOfDay = hour * 3600 + minute * 60 + second
        return s
    }
}
