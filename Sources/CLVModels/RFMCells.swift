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
    /// Mean customer age T over all customers (0 when there are none).
    public var meanAge: Double { zip(age, weight).reduce(0) { $0 + $1.0 * $1.1 } / max(customers, 1) }
    public var count: Int { weight.count }

    /// Distinct values and, per cell, the index of its value: likelihood terms that depend on x, tₓ or
    /// T alone (or on the pairs (x, tₓ) and (x, T)) are computed once per distinct value.
    public struct Index: Sendable {
        public var xs: [Double] = [], ts: [Double] = [], txs: [Double] = []
        public var xTx: [SIMD2<Double>] = [], xT: [SIMD2<Double>] = []
        public var x: [Int32] = [], t: [Int32] = [], tx: [Int32] = [], pairTx: [Int32] = [], pairT: [Int32] = []
    }
    public private(set) var index = Index()

    public init() {}

    mutating func buildIndex() {
        func distinct<K: Hashable>(_ keys: [K]) -> ([K], [Int32]) {
            var position: [K: Int32] = [:]
            var values: [K] = []
            let idx = keys.map { k -> Int32 in
                if let p = position[k] { return p }
                position[k] = Int32(values.count)
                values.append(k)
                return Int32(values.count - 1)
            }
            return (values, idx)
        }
        var ix = Index()
        (ix.xs, ix.x) = distinct(frequency)
        (ix.ts, ix.t) = distinct(age)
        (ix.txs, ix.tx) = distinct(recency)
        (ix.xTx, ix.pairTx) = distinct(zip(frequency, recency).map { SIMD2($0, $1) })
        (ix.xT, ix.pairT) = distinct(zip(frequency, age).map { SIMD2($0, $1) })
        index = ix
    }

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
        buildIndex()
    }

    /// Every `k`-th cell with its weight multiplied by k: a cheap, unbiased stand-in for the whole data
    /// that gets the optimiser close to the optimum before the full data are used.
    public func subsample(every k: Int) -> RFMCells {
        var out = RFMCells()
        var i = 0
        while i < count {
            out.frequency.append(frequency[i]); out.recency.append(recency[i]); out.age.append(age[i])
            out.weight.append(weight[i] * Double(k))
            i += k
        }
        out.buildIndex()
        return out
    }

    /// The histories of a summary table.
    public init(_ customers: [CustomerSummary]) throws {
        try self.init(frequency: customers.map { Double($0.frequency) }, recency: customers.map(\.recency),
                      age: customers.map(\.age))
    }
}
