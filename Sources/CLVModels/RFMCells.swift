import CLVCore

/// Customer histories (x, tₓ, T) collapsed into distinct cells with weights, so that fitting costs
/// grow with the number of distinct histories, not of customers.
public struct RFMCells: Sendable {
    public var frequency: [Double] = []
    public var recency: [Double] = []
    public var age: [Double] = []
    public var weight: [Double] = []
    /// Number of customers represented (the sum of the weights).
    public var customers: Double { weight.reduce(0, +) }
    public var count: Int { weight.count }

    public init() {}

    /// Collapses histories; `weights` defaults to one per customer.
    /// - Throws: ``ModelError/invalidData(_:)`` for an impossible history (recency > T, fractional x, …).
    public init(frequency xs: [Double], recency txs: [Double], age ts: [Double], weights ws: [Double]? = nil) throws {
        guard xs.count == txs.count, txs.count == ts.count, ws.map({ $0.count == ts.count }) ?? true else {
            throw ModelError.invalidData("frequency, recency, T (and weights) must have the same length.")
        }
        struct Key: Hashable { let x, tx, t: UInt64 }
        var index: [Key: Int] = [:]
        for i in xs.indices {
            let x = xs[i], tx = txs[i], t = ts[i]
            let w = ws?[i] ?? 1
            guard x.isFinite, t.isFinite, x >= 0, x == x.rounded(), tx >= 0, t >= tx, w >= 0 else {
                throw ModelError.invalidData("customer \(i + 1): (frequency \(x), recency \(tx), T \(t)) is not a valid history: need a whole frequency ≥ 0 and 0 ≤ recency ≤ T.")
            }
            if x == 0, tx != 0 {
                throw ModelError.invalidData("customer \(i + 1): recency must be 0 when frequency is 0 (got \(tx)).")
            }
            let key = Key(x: x.bitPattern, tx: tx.bitPattern, t: t.bitPattern)
            if let k = index[key] {
                weight[k] += w
            } else {
                index[key] = weight.count
                frequency.append(x); recency.append(tx); age.append(t); weight.append(w)
            }
        }
    }

    /// The histories of a summary table.
    public init(_ customers: [CustomerSummary]) throws {
        try self.init(frequency: customers.map { Double($0.frequency) }, recency: customers.map(\.recency),
                      age: customers.map(\.age))
    }
}
