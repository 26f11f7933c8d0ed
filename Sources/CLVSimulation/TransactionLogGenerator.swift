import CLVCore
import CLVNumerics
import Foundation
import _CLVUtilities

/// Generates transaction logs from the BG/NBD purchase-and-dropout process with Gamma-Gamma spend,
/// so that examples, tests and benchmarks have data whose true parameters are known.
///
/// Each customer is acquired on a day drawn uniformly from the acquisition window and buys then. While
/// active, they buy at rate λ ~ Gamma(r, α) per ``Parameters/timeUnit``; after every repeat purchase
/// they drop out with probability p ~ Beta(a, b) (Fader, Hardie & Lee 2005). Every purchase is worth
/// z ~ Gamma(shape p, rate ν) with ν ~ Gamma(q, γ) per customer (Fader & Hardie 2013, "The Gamma-Gamma
/// Model of Monetary Value"), rounded to cents. Purchases are observed up to ``end``.
///
/// The output depends only on the seed and the settings, not on the number of threads: customers are
/// generated in blocks, each with its own random stream.
public struct TransactionLogGenerator: Sendable {
    /// True parameters, named as in the papers.
    public struct Parameters: Sendable, Hashable, Codable {
        /// BG/NBD: purchase rate λ ~ Gamma(shape r, rate α), λ per ``timeUnit``; dropout probability ~ Beta(a, b).
        public var r, alpha, a, b: Double
        /// Gamma-Gamma: each purchase's value ~ Gamma(shape p, rate ν), with ν ~ Gamma(shape q, rate γ).
        public var p, q, gamma: Double
        /// Unit of the purchase rate λ (α is in this unit).
        public var timeUnit: TimeUnit

        /// BG/NBD and Gamma-Gamma parameters; the defaults are the CDNOW estimates of Fader, Hardie & Lee (2005)
        /// (weekly rates) and Fader & Hardie (2013).
        public init(r: Double = 0.243, alpha: Double = 4.414, a: Double = 0.793, b: Double = 2.426,
                    p: Double = 6.25, q: Double = 3.74, gamma: Double = 15.44, timeUnit: TimeUnit = .week) {
            self.r = r; self.alpha = alpha; self.a = a; self.b = b
            self.p = p; self.q = q; self.gamma = gamma
            self.timeUnit = timeUnit
        }
    }

    /// Row order of the output.
    public enum RowOrder: String, Sendable, CaseIterable {
        /// All rows of a customer together, by date.
        case customer
        /// By date, customers interleaved (as most exports are).
        case date
    }

    /// Number of customers to generate (at least 1).
    public var customers: Int
    /// Seed of the random streams; the same seed and settings give the same log.
    public var seed: UInt64
    /// The true model parameters.
    public var parameters: Parameters
    /// First day of the acquisition window.
    public var start: CalendarDay
    /// Length of the acquisition window in days.
    public var acquisitionDays: Int
    /// Last observed day.
    public var end: CalendarDay
    /// Add an `order_id` column.
    public var includeOrders: Bool
    /// Add a `channel` column (each customer mostly keeps their acquisition channel).
    public var includeChannels: Bool
    /// Row order of the output.
    public var order: RowOrder
    /// Prefix of customer ids (`C0000001`).
    public var idPrefix: String

    /// A generator; by default 91 days of acquisition from 2024-01-01, observed to 2025-06-30. Nothing is
    /// checked here: call ``validationError()`` before ``generate(progress:sink:)``.
    public init(customers: Int, seed: UInt64 = 42, parameters: Parameters = Parameters(),
                start: CalendarDay = CalendarDay(year: 2024, month: 1, day: 1)!, acquisitionDays: Int = 91,
                end: CalendarDay = CalendarDay(year: 2025, month: 6, day: 30)!, includeOrders: Bool = false,
                includeChannels: Bool = false, order: RowOrder = .customer, idPrefix: String = "C") {
        self.customers = customers
        self.seed = seed
        self.parameters = parameters
        self.start = start
        self.acquisitionDays = acquisitionDays
        self.end = end
        self.includeOrders = includeOrders
        self.includeChannels = includeChannels
        self.order = order
        self.idPrefix = idPrefix
    }

    /// Checks the settings; returns a message for the first invalid one.
    public func validationError() -> String? {
        let pr = parameters
        for (name, v) in [("r", pr.r), ("alpha", pr.alpha), ("a", pr.a), ("b", pr.b), ("p", pr.p), ("q", pr.q), ("gamma", pr.gamma)]
        where !(v.isFinite && v > 0) {
            return "--\(name) must be a finite number > 0 (got \(v))."
        }
        if customers < 1 { return "--customers must be at least 1." }
        if acquisitionDays < 1 { return "--acquisition-days must be at least 1." }
        if start.adding(days: acquisitionDays - 1) > end { return "the acquisition window must end on or before --end (\(end))." }
        return nil
    }

    static let channelNames = ["web", "app", "store", "marketplace"]
    static let blockSize = 4096

    /// One generated purchase.
    struct Purchase { var customer: Int32; var day: Int32; var cents: Int64; var channel: UInt8 }

    /// Purchases of customers `range`, from the block's own random stream.
    func purchases(block: Int) -> [Purchase] {
        var rng = Xoshiro256(seed: seed, stream: UInt64(block))
        let pr = parameters
        let perDay = 1 / pr.timeUnit.days
        let lower = block * Self.blockSize
        let upper = min(lower + Self.blockSize, customers)
        let endDay = Double(end.daysSinceEpoch) + 1 // purchases before the end of the last day
        var out: [Purchase] = []
        out.reserveCapacity((upper - lower) * 4)
        for customer in lower..<upper {
            let birth = Double(start.daysSinceEpoch) + Double(Int(rng.nextOpenUnit() * Double(acquisitionDays)))
                + rng.nextOpenUnit()
            let lambda = Sampling.gamma(shape: pr.r, rate: pr.alpha, using: &rng) * perDay
            let dropout = Sampling.beta(pr.a, pr.b, using: &rng)
            let nu = Sampling.gamma(shape: pr.q, rate: pr.gamma, using: &rng)
            let home = UInt8(Self.pickChannel(&rng))
            var t = birth
            var isTrial = true
            while true {
                let z = Sampling.gamma(shape: pr.p, rate: nu, using: &rng)
                let cents = max(1, Int64((z * 100).rounded()))
                let channel = rng.nextOpenUnit() < 0.8 ? home : UInt8(Self.pickChannel(&rng))
                out.append(Purchase(customer: Int32(customer), day: Int32(t.rounded(.down)), cents: cents, channel: channel))
                // After every repeat purchase (not the trial) the customer drops out with probability p.
                if !isTrial, rng.nextOpenUnit() < dropout { break }
                isTrial = false
                t += Sampling.exponential(rate: lambda, using: &rng)
                if t >= endDay { break }
            }
        }
        return out
    }

    static func pickChannel(_ rng: inout Xoshiro256) -> Int {
        let u = rng.nextOpenUnit()
        return u < 0.45 ? 0 : u < 0.75 ? 1 : u < 0.93 ? 2 : 3
    }

    /// The CSV header line.
    public var header: String {
        var columns = ["customer_id", "date", "amount"]
        if includeOrders { columns.append("order_id") }
        if includeChannels { columns.append("channel") }
        return columns.joined(separator: ",") + "\n"
    }

    /// Generates the log and hands it to `sink` in chunks of CSV bytes (header first).
    ///
    /// - Parameter progress: called with (customers done, customers total).
    public func generate(progress: ((Int, Int) -> Void)? = nil, sink: ([UInt8]) throws -> Void) throws {
        try sink(Array(header.utf8))
        let blocks = (customers + Self.blockSize - 1) / Self.blockSize
        let idWidth = max(String(customers).count, 7)
        if order == .date {
            var all: [Purchase] = []
            for b in 0..<blocks { all += purchases(block: b) }
            all.sort { ($0.day, $0.customer) < ($1.day, $1.customer) }
            var orderNumber = 0
            var start = 0
            while start < all.count {
                let upper = min(start + 100_000, all.count)
                try sink(format(all[start..<upper], idWidth: idWidth, orderNumber: &orderNumber))
                start = upper
            }
            return
        }
        var done = 0
        var orderNumber = 0
        while done < blocks {
            let batch = min(blocks - done, 16)
            let results = ConcurrentResults<[Purchase]>(count: batch)
            let first = done
            DispatchQueue.concurrentPerform(iterations: batch) { k in
                results.set(k, purchases(block: first + k))
            }
            for k in 0..<batch {
                let rows = results.get(k)
                try sink(format(rows[...], idWidth: idWidth, orderNumber: &orderNumber))
            }
            done += batch
            progress?(min(done * Self.blockSize, customers), customers)
        }
    }

    /// Generates the whole log as a string (small logs, tests).
    public func generateString() throws -> String {
        var bytes: [UInt8] = []
        try generate { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    func format(_ rows: ArraySlice<Purchase>, idWidth: Int, orderNumber: inout Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(rows.count * 40)
        let prefix = Array(idPrefix.utf8)
        var lastDay: Int32 = .min
        var dayText: [UInt8] = []
        func digits(_ v: Int, width: Int, into out: inout [UInt8]) {
            var buf = [UInt8](repeating: 0x30, count: max(width, 20))
            var x = v, i = buf.count
            repeat { i -= 1; buf[i] = UInt8(x % 10) + 0x30; x /= 10 } while x > 0
            let startIndex = min(i, buf.count - width)
            out.append(contentsOf: buf[startIndex...])
        }
        for row in rows {
            out.append(contentsOf: prefix)
            digits(Int(row.customer) + 1, width: idWidth, into: &out)
            out.append(0x2C)
            if row.day != lastDay {
                lastDay = row.day
                dayText = Array(CalendarDay(daysSinceEpoch: row.day).description.utf8)
            }
            out.append(contentsOf: dayText)
            out.append(0x2C)
            digits(Int(row.cents / 100), width: 1, into: &out)
            out.append(0x2E)
            digits(Int(row.cents % 100), width: 2, into: &out)
            if includeOrders {
                orderNumber += 1
                out.append(0x2C)
                out.append(0x4F) // "O"
                digits(orderNumber, width: 8, into: &out)
            }
            if includeChannels {
                out.append(0x2C)
                out.append(contentsOf: Self.channelNames[Int(row.channel)].utf8)
            }
            out.append(0x0A)
        }
        return out
    }
}
