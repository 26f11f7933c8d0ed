import CLVCore
import Foundation

/// How the text of a spreadsheet cell is derived from what the sheet stores: numbers as Excel shows them,
/// date serials as ISO dates, cell references, and the `_xHHHH_` escapes of Office Open XML strings.
public enum CellText {
    // MARK: Numbers

    /// A number as Excel's General format shows it, at 15 significant digits: 12.300000000000001 is
    /// `12.3`, 100 is `100`, 0.1 + 0.2 is `0.3`. Plain digits (no exponent) for magnitudes from 1e-20
    /// to below 1e21, else `1.5E+21`.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "#NUM!" }
        if value == 0 { return "0" }
        // Fast path: the shortest round-trip form, when it has at most 15 significant digits.
        let short = value.description
        if !short.contains("e") {
            let trimmed = short.hasSuffix(".0") ? String(short.dropLast(2)) : short
            if significantDigits(trimmed) <= 15 { return trimmed }
        }
        return rounded15(value)
    }

    private static func significantDigits(_ text: String) -> Int {
        // Digits from the first non-zero one to the last non-zero one.
        var position = 0, first = -1, last = -1
        for c in text.utf8 where c >= 0x30 && c <= 0x39 {
            if c != 0x30 {
                if first < 0 { first = position }
                last = position
            }
            position += 1
        }
        return first < 0 ? 0 : last - first + 1
    }

    /// `%.15g`, with the exponent form spelled out as plain digits where Excel would.
    private static func rounded15(_ value: Double) -> String {
        let g = String(format: "%.15g", value)
        guard let e = g.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return g }
        let mantissa = g[..<e]
        guard let exponent = Int(g[g.index(after: e)...]) else { return g }
        let negative = mantissa.hasPrefix("-")
        let digits = mantissa.filter(\.isNumber)
        if exponent < -20 || exponent >= 21 {
            return String(mantissa) + (exponent < 0 ? "E-" : "E+") + (abs(exponent) < 10 ? "0" : "") + String(abs(exponent))
        }
        // Mantissa d.ddd × 10^exponent: the decimal point goes after 1 + exponent digits.
        let point = 1 + exponent
        var text: String
        if point >= digits.count {
            text = digits + String(repeating: "0", count: point - digits.count)
        } else if point <= 0 {
            text = "0." + String(repeating: "0", count: -point) + digits
        } else {
            text = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
        }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return (negative ? "-" : "") + text
    }

    // MARK: Dates

    /// What a number format shows of a value: a plain number, a calendar date (maybe with a time), or
    /// a time of day only.
    public enum FormatKind: Sendable, Equatable {
        case number, date, time
    }

    /// The kind of a built-in number format id: 14–17 and 22 dates; 18–21 and 45–47 times; the CJK
    /// built-ins 27–31, 36, 50–54 and 57–58 dates, 32–35 and 55–56 times.
    public static func builtInKind(_ id: Int) -> FormatKind {
        switch id {
        case 14...17, 22, 27...31, 36, 50...54, 57, 58: return .date
        case 18...21, 45...47, 32...35, 55, 56: return .time
        default: return .number
        }
    }

    /// The kind of a format code: a date when, outside quoted text, `[…]` sections, and `\`/`_`/`*`
    /// escapes, it has y, d, or an m not next to hours or seconds; a time when it has only h, m, s.
    /// `yyyy"年"m"月"d"日"` is a date, `[h]:mm` (a duration) and `0.00" kg"` are numbers.
    public static func formatKind(_ code: String) -> FormatKind {
        // Only the first section (positive numbers) decides.
        var letters = Set<Character>()
        var inQuote = false, inBracket = false, escape = false
        var bracket = ""
        for c in code {
            if escape { escape = false; continue }
            if inQuote { if c == "\"" { inQuote = false }; continue }
            if inBracket {
                if c == "]" {
                    inBracket = false
                    // [h], [mm], [ss]: elapsed time, a duration rather than a point in time.
                    if !bracket.isEmpty, bracket.lowercased().allSatisfy({ "hms".contains($0) }) { return .number }
                } else {
                    bracket.append(c)
                }
                continue
            }
            switch c {
            case "\"": inQuote = true
            case "[": inBracket = true; bracket = ""
            case "\\", "_", "*": escape = true
            case ";": return kind(of: letters)
            default: letters.insert(Character(c.lowercased()))
            }
        }
        return kind(of: letters)
    }

    private static func kind(of letters: Set<Character>) -> FormatKind {
        let hasTime = letters.contains("h") || letters.contains("s")
        let hasDate = letters.contains("y") || letters.contains("d") || (letters.contains("m") && !hasTime)
        if hasDate { return .date }
        return hasTime ? .time : .number
    }

    /// The text of a date serial in a date or time format: `yyyy-MM-dd`, `yyyy-MM-dd HH:mm:ss` when the
    /// serial has a time part, `HH:mm:ss` for a time format below one day. `date1904` picks the 1904
    /// system (day 0 = 1904-01-01); in the 1900 system serial 1 is 1900-01-01 and serial 60 is Lotus'
    /// 1900-02-29, which Excel shows although the day never was. Negative serials are no dates: nil.
    public static func date(serial: Double, date1904: Bool, kind: FormatKind) -> String? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        var days = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(days)) * 86_400).rounded())
        if seconds >= 86_400 { days += 1; seconds -= 86_400 }
        let time = twoDigits(seconds / 3600) + ":" + twoDigits(seconds / 60 % 60) + ":" + twoDigits(seconds % 60)
        if kind == .time && days == 0 { return time }
        let dateText: String
        if date1904 {
            dateText = iso(daysSinceEpoch: days + daysFromEpoch(1904, 1, 1))
        } else if days == 60 {
            dateText = "1900-02-29"
        } else if days == 0 {
            dateText = "1900-01-00"
        } else {
            // Serials 1…59 count from 1899-12-31, later ones from 1899-12-30 (the phantom 29 February between).
            dateText = iso(daysSinceEpoch: days + daysFromEpoch(1899, 12, days < 60 ? 31 : 30))
        }
        return seconds == 0 ? dateText : dateText + " " + time
    }

    /// The serial of a calendar day in the 1900 system (for days from 1900-03-01 on).
    public static func serial(year: Int, month: Int, day: Int) -> Int {
        daysFromEpoch(year, month, day) - daysFromEpoch(1899, 12, 30)
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date.
    static func daysFromEpoch(_ year: Int, _ month: Int, _ day: Int) -> Int {
        CalendarDay.daysFromCivil(year: year, month: month, day: day)
    }

    static func iso(daysSinceEpoch z0: Int) -> String {
        let (y, m, d) = CalendarDay.civilFromDays(z0)
        guard (0...9999).contains(y) else { return "\(y)-\(twoDigits(m))-\(twoDigits(d))" }
        let bytes: [UInt8] = [digit(y / 1000), digit(y / 100 % 10), digit(y / 10 % 10), digit(y % 10), 0x2D,
                              digit(m / 10), digit(m % 10), 0x2D, digit(d / 10), digit(d % 10)]
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func digit(_ n: Int) -> UInt8 { UInt8(0x30 + n) }

    private static func twoDigits(_ n: Int) -> String {
        String(decoding: [digit(n / 10 % 10), digit(n % 10)], as: UTF8.self)
    }

    /// An ISO 8601 date cell (`t="d"`, `2024-01-05T13:45:00Z`) as `yyyy-MM-dd`, with ` HH:mm:ss` when the
    /// time is not midnight; other text unchanged.
    public static func isoDateCell(_ text: String) -> String {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.count >= 10 else { return t }
        let date = String(t.prefix(10))
        var rest = t.dropFirst(10)
        guard rest.first == "T" || rest.first == " " else { return rest.isEmpty ? date : t }
        rest = rest.dropFirst()
        let time = String(rest.prefix(8))
        if time == "00:00:00" || time.isEmpty { return date }
        return time.count == 8 ? date + " " + time : date + " " + time + ":00"
    }

    // MARK: Cell references

    /// The column letters of a 0-based column index: 0 → `A`, 25 → `Z`, 26 → `AA`.
    public static func columnLetters(_ index: Int) -> String {
        var n = index + 1
        var letters: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.append(Character(UnicodeScalar(UInt8(65 + r))))
            n = (n - 1) / 26
        }
        return String(letters.reversed())
    }

    /// The 0-based column and 1-based row of a reference like `C7` (nil parts when absent).
    public static func parseReference(_ ref: String) -> (column: Int?, row: Int?) {
        var column = 0, row = 0, sawLetter = false, sawDigit = false
        for c in ref.utf8 {
            switch c {
            case 0x41...0x5A: column = column * 26 + Int(c - 0x40); sawLetter = true
            case 0x61...0x7A: column = column * 26 + Int(c - 0x60); sawLetter = true
            case 0x30...0x39: row = row * 10 + Int(c - 0x30); sawDigit = true
            case 0x24: continue  // $A$1
            default: return (nil, nil)
            }
        }
        return (sawLetter ? column - 1 : nil, sawDigit ? row : nil)
    }

    // MARK: String escapes

    /// Decodes the `_xHHHH_` escapes that Office Open XML uses for characters XML cannot carry
    /// (`_x000D_` is a carriage return, `_x005F_` a literal underscore).
    public static func decodeEscapes(_ text: String) -> String {
        var previous: UInt8 = 0
        var escaped = false
        for c in text.utf8 {
            if previous == 0x5F && c == 0x78 { escaped = true; break }
            previous = c
        }
        guard escaped else { return text }
        var out = ""
        var scalars = Array(text.unicodeScalars)[...]
        while let first = scalars.first {
            if first == "_", scalars.count >= 7 {
                let window = scalars.prefix(7)
                let chars = Array(window)
                if chars[1] == "x", chars[6] == "_",
                   let code = UInt32(String(String.UnicodeScalarView(chars[2...5])), radix: 16),
                   let scalar = UnicodeScalar(code) {
                    out.unicodeScalars.append(scalar)
                    scalars = scalars.dropFirst(7)
                    continue
                }
            }
            out.unicodeScalars.append(first)
            scalars = scalars.dropFirst()
        }
        return out
    }

    /// Text made safe for an XML element: `&`, `<`, `>` as entities, characters XML 1.0 forbids and
    /// underscores that would read as an escape as `_xHHHH_`.
    static func xmlEscaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        let scalars = Array(text.unicodeScalars)
        for (k, s) in scalars.enumerated() {
            switch s {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n": out.unicodeScalars.append(s)
            case "_":
                if k + 6 < scalars.count, scalars[k + 1] == "x", scalars[k + 6] == "_",
                   scalars[(k + 2)...(k + 5)].allSatisfy({ $0.properties.isASCIIHexDigit }) {
                    out += "_x005F_"
                } else {
                    out += "_"
                }
            default:
                if s.value < 0x20 || s.value == 0xFFFE || s.value == 0xFFFF {
                    out += String(format: "_x%04X_", s.value)
                } else {
                    out.unicodeScalars.append(s)
                }
            }
        }
        return out
    }
}
