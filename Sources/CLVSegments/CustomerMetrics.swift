import CLVCore

/// Per-customer figures that the segmentation methods read, in the data's own units, one array per
/// figure (all of length ``count``).
///
/// Build it from an ingest summary (see `clv segment`) or from your own data. Days are calendar days
/// at the as-of date; money is in the log's currency.
public struct CustomerMetrics: Sendable {
    /// Customer ids; every other array is in this order. Ranking methods break ties by id.
    public var ids: [String]
    /// Days from the last purchase to the as-of date (RFM recency).
    public var recencyDays: [Double]
    /// Number of orders (RFM frequency).
    public var orders: [Double]
    /// Net spend to date, returns netted (RFM monetary by default).
    public var spend: [Double]
    /// Days from the first purchase to the as-of date.
    public var tenureDays: [Double]
    /// Model-based customer value (CLV), when a model was fitted.
    public var lifetimeValue: [Double]?
    /// Probability that the customer is still active, when a model was fitted.
    public var probabilityAlive: [Double]?

    /// The number of customers.
    public var count: Int { ids.count }

    /// Metrics from one array per figure, each with one value per id.
    ///
    /// - Throws: ``SegmentationError/columnLength(name:count:expected:)`` when an array's length differs
    ///   from `ids.count`, and ``SegmentationError/nonFinite(name:customer:)`` when a value is NaN or infinite.
    public init(ids: [String], recencyDays: [Double], orders: [Double], spend: [Double], tenureDays: [Double],
                lifetimeValue: [Double]? = nil, probabilityAlive: [Double]? = nil) throws {
        let n = ids.count
        for (name, column) in [("recencyDays", recencyDays), ("orders", orders), ("spend", spend),
                               ("tenureDays", tenureDays), ("lifetimeValue", lifetimeValue ?? ids.map { _ in 0 }),
                               ("probabilityAlive", probabilityAlive ?? ids.map { _ in 0 })] {
            guard column.count == n else { throw SegmentationError.columnLength(name: name, count: column.count, expected: n) }
            if let i = column.firstIndex(where: { !$0.isFinite }) {
                throw SegmentationError.nonFinite(name: name, customer: ids[i])
            }
        }
        self.ids = ids
        self.recencyDays = recencyDays
        self.orders = orders
        self.spend = spend
        self.tenureDays = tenureDays
        self.lifetimeValue = lifetimeValue
        self.probabilityAlive = probabilityAlive
    }

    /// Spend per order (0 without orders).
    public var averageOrderValue: [Double] {
        zip(spend, orders).map { $1 > 0 ? $0 / $1 : 0 }
    }

    /// The value that value-based methods rank by: CLV when present, else spend to date.
    public var value: [Double] { lifetimeValue ?? spend }
}

/// Why a segmentation could not be computed.
public enum SegmentationError: CLVError, Equatable {
    case columnLength(name: String, count: Int, expected: Int)
    case nonFinite(name: String, customer: String)
    case invalidOption(String)
    case empty

    public var description: String {
        switch self {
        case let .columnLength(name, count, expected):
            return "column \(name) has \(count) values for \(expected) customers"
        case let .nonFinite(name, customer):
            return "column \(name) is not a finite number for customer \(customer)"
        case let .invalidOption(message):
            return message
        case .empty:
            return "there are no customers to segment"
        }
    }

    /// ``invalidOption(_:)`` is ``ErrorCategory/usage``; the rest is ``ErrorCategory/invalidData``.
    public var category: ErrorCategory {
        if case .invalidOption = self { return .usage }
        return .invalidData
    }
}

extension CustomerMetrics {
    /// Where each of `earlier`'s ids stands in `current` (−1: not there). Summaries list customers in the
    /// order of their first row in the log, so an earlier snapshot's customers are usually a subsequence
    /// of the later one's: one pass of comparisons, with a hash table only when they are not.
    public static func positions(of earlier: [String], in current: [String]) -> [Int] {
        var found = [Int](repeating: -1, count: earlier.count)
        var i = 0
        for (j, id) in earlier.enumerated() {
            while i < current.count, current[i] != id { i += 1 }
            guard i < current.count else {
                var index: [String: Int] = [:]
                index.reserveCapacity(current.count)
                for (k, id) in current.enumerated() { index[id] = k }
                return earlier.map { index[$0] ?? -1 }
            }
            found[j] = i
            i += 1
        }
        return found
    }
}
