import CLVCore

/// The compact binary form of a ``CustomerHistory``, for stores.
///
/// Layout (version 1): the magic bytes `CLVH`, one version byte, then LEB128 varints (signed values
/// zigzag-encoded; days after the first as deltas): customer id, first sequence, channel names, purchase
/// days (day, rows, rows without order, amount, quantity), orders (id, day, rows), channel days (day,
/// channel, rows, first sequence) and returns (day, order id or none, channel + 1, rows, amount,
/// quantity, first sequence). Strings are a length and UTF-8 bytes. Decoding refuses other magic bytes,
/// unknown versions, truncated or trailing bytes and any value that breaks an invariant.
extension CustomerHistory {
    /// The format version this build writes and reads.
    public static let binaryFormatVersion = 1
    static let magic: [UInt8] = Array("CLVH".utf8)

    /// The binary form.
    public func encoded() -> [UInt8] {
        var w = VarintWriter()
        w.bytes = Self.magic
        w.bytes.append(UInt8(Self.binaryFormatVersion))
        w.string(customerID)
        w.signed(firstSequence)
        w.unsigned(UInt64(channels.count))
        for c in channels { w.string(c) }
        w.unsigned(UInt64(purchaseDays.count))
        var previous: Int32 = 0
        for d in purchaseDays {
            w.signed(Int64(d.day.daysSinceEpoch) - Int64(previous))
            previous = d.day.daysSinceEpoch
            w.unsigned(UInt64(d.rows))
            w.unsigned(UInt64(d.rowsWithoutOrder))
            w.signed(d.amount.micros)
            w.signed(d.quantity.micros)
        }
        w.unsigned(UInt64(orders.count))
        for o in orders {
            w.string(o.orderID)
            w.signed(Int64(o.day.daysSinceEpoch))
            w.unsigned(UInt64(o.rows))
        }
        w.unsigned(UInt64(channelDays.count))
        previous = 0
        for c in channelDays {
            w.signed(Int64(c.day.daysSinceEpoch) - Int64(previous))
            previous = c.day.daysSinceEpoch
            w.unsigned(UInt64(c.channel))
            w.unsigned(UInt64(c.rows))
            w.signed(c.firstSequence)
        }
        w.unsigned(UInt64(returns.count))
        previous = 0
        for r in returns {
            w.signed(Int64(r.day.daysSinceEpoch) - Int64(previous))
            previous = r.day.daysSinceEpoch
            if let id = r.orderID {
                w.unsigned(1)
                w.string(id)
            } else {
                w.unsigned(0)
            }
            w.unsigned(UInt64(r.channel + 1))
            w.unsigned(UInt64(r.rows))
            w.signed(r.amount.micros)
            w.signed(r.quantity.micros)
            w.signed(r.firstSequence)
        }
        return w.bytes
    }

    /// Decodes the binary form.
    /// - Throws: ``HistoryError/unsupportedVersion(found:supported:)`` for another version, and
    ///   ``HistoryError/invalidEncoding(_:)`` for anything damaged.
    public init(encoded bytes: some Collection<UInt8>) throws {
        var r = VarintReader(bytes: Array(bytes))
        guard r.bytes.count >= 5, Array(r.bytes[0..<4]) == Self.magic else {
            throw HistoryError.invalidEncoding("it does not start with the bytes CLVH")
        }
        let version = Int(r.bytes[4])
        guard version == Self.binaryFormatVersion else {
            throw HistoryError.unsupportedVersion(found: version, supported: Self.binaryFormatVersion)
        }
        r.position = 5
        self.init(customerID: try r.string())
        firstSequence = try r.signed()
        channels = try r.count().map { _ in try r.string() }
        var previous: Int64 = 0
        purchaseDays = try r.count().map { _ in
            previous += try r.signed()
            return PurchaseDay(day: try r.day(previous), rows: try r.int32(), rowsWithoutOrder: try r.int32(),
                               amount: Money(micros: try r.signed()), quantity: Quantity(micros: try r.signed()))
        }
        orders = try r.count().map { _ in
            OrderEntry(orderID: try r.string(), day: try r.day(try r.signed()), rows: try r.int32())
        }
        previous = 0
        channelDays = try r.count().map { _ in
            previous += try r.signed()
            return ChannelDay(day: try r.day(previous), channel: try r.int32(), rows: try r.int32(), firstSequence: try r.signed())
        }
        previous = 0
        returns = try r.count().map { _ in
            previous += try r.signed()
            let day = try r.day(previous)
            let hasOrder = try r.unsigned()
            guard hasOrder <= 1 else { throw HistoryError.invalidEncoding("a return's order flag is \(hasOrder)") }
            let order = hasOrder == 1 ? try r.string() : nil
            return ReturnEntry(day: day, orderID: order, channel: try r.int32() - 1, rows: try r.int32(),
                               amount: Money(micros: try r.signed()), quantity: Quantity(micros: try r.signed()),
                               firstSequence: try r.signed())
        }
        guard r.position == r.bytes.count else {
            throw HistoryError.invalidEncoding("\(r.bytes.count - r.position) bytes follow the end of the history")
        }
        try validate()
    }
}

extension CustomerHistory: Codable {
    enum CodingKeys: String, CodingKey {
        case customerID = "customer_id", firstSequence = "first_sequence", purchaseDays = "purchase_days", orders, channels
        case channelDays = "channel_days", returns
    }

    /// Decodes the JSON form and checks its invariants.
    /// - Throws: `DecodingError`, or ``HistoryError/invalidEncoding(_:)`` for a value that breaks an invariant.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(customerID: try c.decode(String.self, forKey: .customerID))
        firstSequence = try c.decode(Int64.self, forKey: .firstSequence)
        purchaseDays = try c.decode([PurchaseDay].self, forKey: .purchaseDays)
        orders = try c.decode([OrderEntry].self, forKey: .orders)
        channels = try c.decode([String].self, forKey: .channels)
        channelDays = try c.decode([ChannelDay].self, forKey: .channelDays)
        returns = try c.decode([ReturnEntry].self, forKey: .returns)
        try validate()
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(customerID, forKey: .customerID)
        try c.encode(firstSequence, forKey: .firstSequence)
        try c.encode(purchaseDays, forKey: .purchaseDays)
        try c.encode(orders, forKey: .orders)
        try c.encode(channels, forKey: .channels)
        try c.encode(channelDays, forKey: .channelDays)
        try c.encode(returns, forKey: .returns)
    }
}

struct VarintWriter {
    var bytes: [UInt8] = []

    mutating func unsigned(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func signed(_ value: Int64) { unsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    mutating func string(_ s: String) {
        unsigned(UInt64(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }
}

struct VarintReader {
    var bytes: [UInt8]
    var position = 0

    mutating func unsigned() throws -> UInt64 {
        var result: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard position < bytes.count else { throw HistoryError.invalidEncoding("it ends in the middle of a value") }
            let b = bytes[position]
            position += 1
            guard shift < 64, shift < 63 || b <= 1 else { throw HistoryError.invalidEncoding("a number is longer than 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    mutating func signed() throws -> Int64 {
        let u = try unsigned()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    mutating func int32() throws -> Int32 {
        let v = try unsigned()
        guard v <= UInt64(Int32.max) else { throw HistoryError.invalidEncoding("a count of \(v) is out of range") }
        return Int32(v)
    }

    /// A count of entries that could still fit in the remaining bytes (at least one byte each).
    mutating func count() throws -> Range<Int> {
        let v = try unsigned()
        guard v <= UInt64(bytes.count - position) else { throw HistoryError.invalidEncoding("a count of \(v) exceeds the bytes left") }
        return 0..<Int(v)
    }

    mutating func day(_ value: Int64) throws -> CalendarDay {
        guard let d = Int32(exactly: value) else { throw HistoryError.invalidEncoding("a day of \(value) is out of range") }
        return CalendarDay(daysSinceEpoch: d)
    }

    mutating func string() throws -> String {
        let n = try count().count
        let slice = bytes[position..<position + n]
        position += n
        guard let s = String(validating: slice, as: UTF8.self) else { throw HistoryError.invalidEncoding("a text is not valid UTF-8") }
        return s
    }
}
