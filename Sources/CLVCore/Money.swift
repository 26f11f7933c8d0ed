/// An amount of money in integer millionths of the currency unit (micro-units), so that sums are exact
/// and do not depend on the order of addition.
///
/// Six decimal places hold every price and every currency's minor unit exactly (two for CNY and USD,
/// three for KWD). The range is ±9.2 × 10¹² currency units. Amounts read as `Double` are rounded to the
/// nearest micro-unit by ``init(rounding:)``; ``init(exactly:)`` refuses values that would lose digits.
public struct Money: Sendable, Hashable, Comparable, Codable, AdditiveArithmetic, CustomStringConvertible {
    /// The amount in millionths of the currency unit.
    public var micros: Int64

    /// Micro-units per currency unit.
    public static let scale: Int64 = 1_000_000

    /// An amount of `micros` millionths of the currency unit.
    @inlinable
    public init(micros: Int64) { self.micros = micros }

    /// `value` rounded to the nearest micro-unit (half away from zero); nil when it is not finite or
    /// outside the range.
    @inlinable
    public init?(rounding value: Double) {
        let scaled = (value * Double(Money.scale)).rounded(.toNearestOrAwayFromZero)
        guard scaled.isFinite, abs(scaled) < 9.2e18 else { return nil }
        micros = Int64(scaled)
    }

    /// `value` when it is a whole number of micro-units up to the rounding of its decimal text (for the
    /// `Double` of `"12.345678"` this holds; for that of `"0.1234567"` it does not); nil otherwise.
    @inlinable
    public init?(exactly value: Double) {
        guard let rounded = Money(rounding: value) else { return nil }
        // The Double nearest a 6-decimal text is within half an ulp of it; allow a few ulps of the scaled value.
        let scaled = value * Double(Money.scale)
        guard abs(scaled - Double(rounded.micros)) <= 4 * scaled.magnitude.ulp + 1e-9 else { return nil }
        self = rounded
    }

    /// The amount as a `Double` (the nearest double to the decimal value).
    @inlinable
    public var doubleValue: Double { Double(micros) / Double(Money.scale) }

    public static var zero: Money { Money(micros: 0) }

    @inlinable
    public static func + (a: Money, b: Money) -> Money { Money(micros: a.micros + b.micros) }

    @inlinable
    public static func - (a: Money, b: Money) -> Money { Money(micros: a.micros - b.micros) }

    @inlinable
    public static prefix func - (a: Money) -> Money { Money(micros: -a.micros) }

    @inlinable
    public static func < (a: Money, b: Money) -> Bool { a.micros < b.micros }

    /// Plain decimal text with up to six decimals (`12.5`, `-3`, `0.000001`).
    public var description: String {
        let sign = micros < 0 ? "-" : ""
        let magnitude = micros.magnitude
        let whole = magnitude / UInt64(Money.scale), fraction = magnitude % UInt64(Money.scale)
        guard fraction > 0 else { return sign + String(whole) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 6 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return sign + String(whole) + "." + digits
    }

    /// Encoded as its integer micro-units (exact in JSON).
    public init(from decoder: any Decoder) throws {
        micros = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(micros)
    }
}

/// A quantity of items in integer millionths, so that sums are exact in any order (``Money``'s scale).
public struct Quantity: Sendable, Hashable, Comparable, Codable, AdditiveArithmetic {
    /// The quantity in millionths.
    public var micros: Int64

    /// A quantity of `micros` millionths.
    @inlinable
    public init(micros: Int64) { self.micros = micros }

    /// `value` rounded to the nearest millionth; nil when it is not finite or out of range.
    @inlinable
    public init?(rounding value: Double) {
        guard let m = Money(rounding: value) else { return nil }
        micros = m.micros
    }

    /// The quantity as a `Double`.
    @inlinable
    public var doubleValue: Double { Double(micros) / Double(Money.scale) }

    public static var zero: Quantity { Quantity(micros: 0) }

    @inlinable
    public static func + (a: Quantity, b: Quantity) -> Quantity { Quantity(micros: a.micros + b.micros) }

    @inlinable
    public static func - (a: Quantity, b: Quantity) -> Quantity { Quantity(micros: a.micros - b.micros) }

    @inlinable
    public static func < (a: Quantity, b: Quantity) -> Bool { a.micros < b.micros }

    public init(from decoder: any Decoder) throws {
        micros = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(micros)
    }
}
