#if canImport(Glibc)
import Glibc
#endif

/// Turns money text into a number: `1234.5`, `1,234.50`, `$1,234.50`, `¥1,234.50`, `￥1,234.50` (the
/// full-width sign of GBK exports), `€`, `£`, `RMB`/`CNY`/`USD`/`EUR` codes, a trailing `元`, `-20`,
/// `(20.00)` and SAP-style `20.00-` for returns, and exponents (`1.5e3`).
///
/// Grouping rule (never guessed from the data): the thousands separator is `,` (`.` with
/// `decimalComma`; `'` in both modes), and it counts only where groups of exactly three digits follow it
/// and one to three digits lead: `1,234`, `12,345,678.90`, `1.234,50`. Any other separator, such as the
/// comma of `12,50` without `decimalComma`, is ``Failure/badGrouping`` (a data problem), never dropped.
///
/// With `decimalComma`, `1.234,50` reads as 1234.5 (European exports). Values are correctly rounded
/// (the same double as `strtod` of the cleaned digits).
public struct AmountParser: Sendable {
    /// Why a text is not an amount.
    public enum Failure: Error, Sendable, Equatable {
        /// `empty`: the text is blank (nothing but spaces and tabs). `unparsable`: it is not a number in any
        /// accepted form, names two different currencies, or overflows a `Double`.
        case empty, unparsable
        /// A thousands separator (or a second decimal mark) where the grouping rule allows none.
        case badGrouping
    }

    /// Currencies named by the marks the parser strips. By convention `¥`/`￥`/`元`/`RMB` are CNY (the
    /// exports this tool is made for are Chinese), a bare `$` is USD and `HK$` is HKD; the data-quality
    /// lines name the currency read, so a yen or Canadian-dollar file is never mislabelled unnoticed.
    public enum Currency: Int, Sendable, CaseIterable, Codable {
        case cny, usd, hkd, eur, gbp

        /// ISO 4217 code.
        public var code: String {
            switch self {
            case .cny: "CNY"
            case .usd: "USD"
            case .hkd: "HKD"
            case .eur: "EUR"
            case .gbp: "GBP"
            }
        }

        /// The currency of an ISO code or a symbol as users type them (`CNY`, `RMB`, `¥`, `USD`, `$`, …).
        public init?(name: String) {
            switch name.uppercased() {
            case "CNY", "RMB", "¥", "￥", "元": self = .cny
            case "USD", "US$", "$": self = .usd
            case "HKD", "HK$": self = .hkd
            case "EUR", "€": self = .eur
            case "GBP", "£": self = .gbp
            default: return nil
            }
        }
    }

    /// A value read by the general parser, with what the text said about its form.
    public struct Reading: Sendable, Equatable {
        /// The amount, negative for a return (`-20`, `(20.00)`, `20.00-`).
        public var value: Double
        /// Whether a thousands separator was read (and dropped).
        public var grouped: Bool
        /// The currency of a stripped mark, if any.
        public var currency: Currency?
    }

    /// Whether `,` is the decimal mark and `.` the thousands separator (European exports).
    public var decimalComma: Bool

    /// A parser with `.` as the decimal mark, or `,` when `decimalComma` is true.
    public init(decimalComma: Bool = false) { self.decimalComma = decimalComma }

    /// The decimal mark in use.
    public var decimalMark: Character { decimalComma ? "," : "." }
    /// The thousands separator in use (besides `'`).
    public var groupingSeparator: Character { decimalComma ? "." : "," }

    // Currency marks that may stand before or after the number (longer marks before their suffixes).
    static let marks: [(bytes: [UInt8], currency: Currency)] = [
        (Array("￥".utf8), .cny), (Array("¥".utf8), .cny), (Array("€".utf8), .eur), (Array("£".utf8), .gbp),
        (Array("元".utf8), .cny), (Array("US$".utf8), .usd), (Array("HK$".utf8), .hkd), (Array("$".utf8), .usd),
        (Array("RMB".utf8), .cny), (Array("CNY".utf8), .cny), (Array("USD".utf8), .usd), (Array("EUR".utf8), .eur),
        (Array("GBP".utf8), .gbp), (Array("HKD".utf8), .hkd),
    ]

    /// Parses a value; `.empty` for blank text.
    @inline(__always)
    public func parse(_ text: UnsafeBufferPointer<UInt8>) -> Result<Double, Failure> {
        // Fast path: plain [-]digits[.digits] as most exports write them.
        if let base = text.baseAddress, text.count > 0 {
            if text.count <= 8, let v = plainWord(Self.word(base, text.count), count: text.count) { return .success(v) }
            if let v = plain(base, text.count) { return .success(v) }
        }
        return parseGeneral(text)
    }

    @inline(never)
    func parseGeneral(_ text: UnsafeBufferPointer<UInt8>) -> Result<Double, Failure> {
        parseReading(text).map(\.value)
    }

    /// The general parser: any form the type documents, with its grouping and currency.
    @inline(never)
    public func parseReading(_ text: UnsafeBufferPointer<UInt8>) -> Result<Reading, Failure> {
        guard let base = text.baseAddress else { return .failure(.empty) }
        var s = 0, e = text.count
        @inline(__always) func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        while s < e, isBlank(base[s]) { s += 1 }
        while e > s, isBlank(base[e - 1]) { e -= 1 }
        if s == e { return .failure(.empty) }
        if let v = plain(base + s, e - s) { return .success(Reading(value: v, grouped: false, currency: nil)) }
        var negative = false
        var currency: Currency?
        var currencies = 0
        if base[s] == 0x28, base[e - 1] == 0x29 { negative = true; s += 1; e -= 1 } // (20.00)
        var progressed = true
        while progressed, s < e {
            progressed = false
            if base[s] == 0x2D { negative.toggle(); s += 1; progressed = true; continue }
            if base[s] == 0x2B || isBlank(base[s]) { s += 1; progressed = true; continue }
            for mark in Self.marks where Self.hasPrefix(base, s, e, mark.bytes) {
                s += mark.bytes.count; progressed = true
                if currency != mark.currency { currencies += 1; currency = mark.currency }
                break
            }
        }
        progressed = true
        while progressed, e > s {
            progressed = false
            if base[e - 1] == 0x2D { negative.toggle(); e -= 1; progressed = true; continue }
            if isBlank(base[e - 1]) { e -= 1; progressed = true; continue }
            for mark in Self.marks where Self.hasSuffix(base, s, e, mark.bytes) {
                e -= mark.bytes.count; progressed = true
                if currency != mark.currency { currencies += 1; currency = mark.currency }
                break
            }
        }
        guard s < e, currencies <= 1 else { return .failure(.unparsable) } // `US$12 €` names two currencies
        let decimal: UInt8 = decimalComma ? 0x2C : 0x2E
        let group: UInt8 = decimalComma ? 0x2E : 0x2C
        // Collect digits, dropping group separators where the grouping rule allows them.
        var cleaned: [UInt8] = []
        cleaned.reserveCapacity(e - s + 2)
        var i = s
        var sawDigit = false, sawDecimal = false
        var groups = 0, digitsInGroup = 0, separatorUsed: UInt8 = 0
        while i < e {
            let b = base[i]
            if b >= 0x30, b <= 0x39 { cleaned.append(b); sawDigit = true; digitsInGroup += 1; i += 1; continue }
            if b == group || b == 0x27 || (b == decimal && sawDecimal) {
                // A thousands separator: after 1–3 leading digits or a full group, before three digits,
                // one kind of separator per number, and never in the fraction.
                guard !sawDecimal, b != decimal, sawDigit, separatorUsed == 0 || separatorUsed == b,
                      groups == 0 ? digitsInGroup <= 3 : digitsInGroup == 3 else { return .failure(.badGrouping) }
                separatorUsed = b
                groups += 1
                digitsInGroup = 0
                i += 1
                continue
            }
            if b == decimal {
                if groups > 0, digitsInGroup != 3 { return .failure(.badGrouping) }
                guard sawDigit || i + 1 < e else { return .failure(.unparsable) }
                cleaned.append(0x2E); sawDecimal = true; i += 1; continue
            }
            if groups > 0, !sawDecimal, b != 0x65, b != 0x45 { return .failure(.badGrouping) }
            if (b == 0x65 || b == 0x45), sawDigit, i + 1 < e {
                if groups > 0, !sawDecimal, digitsInGroup != 3 { return .failure(.badGrouping) }
                cleaned.append(0x65)
                i += 1
                if base[i] == 0x2B || base[i] == 0x2D { cleaned.append(base[i]); i += 1 }
                guard i < e else { return .failure(.unparsable) }
                while i < e, base[i] >= 0x30, base[i] <= 0x39 { cleaned.append(base[i]); i += 1 }
                guard i == e else { return .failure(.unparsable) }
                sawDecimal = true // no group check at the end: the exponent ended the integer part
                break
            }
            // A separator right before something that is not a digit (`12,` or `1,,2`) is a grouping error.
            if i > s, base[i - 1] == group || base[i - 1] == 0x27 { return .failure(.badGrouping) }
            return .failure(.unparsable)
        }
        guard sawDigit else { return .failure(groups > 0 ? .badGrouping : .unparsable) }
        if groups > 0, !sawDecimal, digitsInGroup != 3 { return .failure(.badGrouping) }
        cleaned.append(0)
        let value = cleaned.withUnsafeBufferPointer { buf -> Double in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { strtod($0, nil) }
        }
        guard value.isFinite else { return .failure(.unparsable) }
        return .success(Reading(value: negative ? -value : value, grouped: groups > 0, currency: currency))
    }

    /// Reads a `String` with ``parseReading(_:)`` (convenience for tests and small inputs).
    public func parseReading(_ text: String) -> Result<Reading, Failure> {
        var t = text
        return t.withUTF8 { parseReading($0) }
    }

    /// Parses a `String` (convenience for tests).
    public func parse(_ text: String) -> Result<Double, Failure> {
        var t = text
        return t.withUTF8 { parse($0) }
    }

    /// A plain number of at most eight bytes, `ddd.dd` or `dddd` (no sign), read as one 64-bit word:
    /// `word` holds the field's `count` bytes in its low bytes (first byte lowest; the rest is ignored).
    /// Nil for anything else, including what ``plain(_:_:)`` would read; never a different value.
    @inline(__always)
    func plainWord(_ word: UInt64, count: Int) -> Double? {
        guard count >= 1, count <= 8 else { return nil }
        let field: UInt64 = count == 8 ? ~0 : (1 &<< UInt64(count << 3)) &- 1
        let w = word & field
        // The point, if any: the first zero byte of w ^ '....' inside the field.
        let x = (w ^ (decimalComma ? 0x2C2C_2C2C_2C2C_2C2C : 0x2E2E_2E2E_2E2E_2E2E)) | ~field
        let zero = (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
        var digits = w, n = count, fraction = 0
        if zero != 0 {
            let at = zero.trailingZeroBitCount >> 3
            guard at > 0, at < count &- 1 else { return nil } // a digit on each side
            let before: UInt64 = (1 &<< UInt64(at << 3)) &- 1
            digits = (w & before) | (w >> 8 & ~before)
            n = count &- 1
            fraction = count &- 1 &- at
        }
        // Right-align the n digits behind leading '0's, check them, and convert all eight at once. (count is
        // 1...8 and at < count: the small sums above and here wrap, unchecked, without ever overflowing.)
        let shift = UInt64((8 &- n) << 3)
        let text = digits &<< shift | (0x3030_3030_3030_3030 & ((1 &<< shift) &- 1))
        let d = text ^ 0x3030_3030_3030_3030
        guard (d &+ 0x7676_7676_7676_7676 | d) & 0x8080_8080_8080_8080 == 0 else { return nil }
        var v = (d &* 2561) >> 8 & 0x00FF_00FF_00FF_00FF             // pairs of digits
        v = (v &* 6_553_601) >> 16 & 0x0000_FFFF_0000_FFFF           // groups of four
        v = (v &* 42_949_672_960_001) >> 32                          // all eight
        return Double(v) / PowersOfTen.exact(fraction)
    }

    /// The field's bytes (at most eight) as a word for ``plainWord(_:count:)``, without reading past them.
    @inline(__always)
    static func word(_ p: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var w: UInt64 = 0
        for i in 0..<min(count, 8) { w |= UInt64(p[i]) &<< UInt64(i << 3) }
        return w
    }

    /// `-?\d+(\.\d+)?` with at most 15 digits in all (so the value is exact and correctly rounded), in
    /// one loop with one test per digit; nil for anything else. The row parser's second try, after
    /// ``plainWord(_:count:)``.
    @inline(__always)
    func plain(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        let point: UInt8 = decimalComma ? 0x2C : 0x2E
        var i = p[0] == 0x2D ? 1 : 0
        var mantissa: UInt64 = 0
        var digits = 0
        var pointAt = -1 // digits before the point, once it is seen
        while i < count {
            let d = p[i] &- 0x30
            if d <= 9 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                digits += 1
            } else if p[i] == point, pointAt < 0 {
                pointAt = digits
            } else {
                return nil
            }
            i += 1
        }
        // At least one digit on each side of a point, and at most 15 in all (so the value is exact).
        guard digits > 0, digits <= 15, pointAt != 0, pointAt < digits else { return nil }
        let v = Double(mantissa) / PowersOfTen.exact(pointAt < 0 ? 0 : digits - pointAt)
        return p[0] == 0x2D ? -v : v
    }

    static func hasPrefix(_ base: UnsafePointer<UInt8>, _ s: Int, _ e: Int, _ p: [UInt8]) -> Bool {
        guard e - s >= p.count else { return false }
        for k in p.indices where base[s + k] != p[k] { return false }
        return true
    }

    static func hasSuffix(_ base: UnsafePointer<UInt8>, _ s: Int, _ e: Int, _ p: [UInt8]) -> Bool {
        guard e - s >= p.count else { return false }
        for k in p.indices where base[e - p.count + k] != p[k] { return false }
        return true
    }
}
