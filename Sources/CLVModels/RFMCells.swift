import CLVCore

/// Customer histories (x, tₓ, T) collapsed into distinct cells with weights, so that fitting costs
/// grow with the number of distinct histories, not of customers.
public struct RFMCells: Sendable {
    /// x of each cell: repeat purchases, a whole number ≥ 0.
    public var frequency: [Double] = []
    /// tₓ of each cell: first to last purchase, in the model's time unit (0 when x = 0).
    public var recency: [Double] = []
    /// T of each cell: first purchase to the end of observation, in the model's time unit.
    public var age: [Double] = []
    /// The number (or total weight) of customers with each history.
    public var weight: [Double] = []
    /// Number of customers represented (the sum of the weights).
    public var customers: Double { weight.reduce(0, +) }
    /// Mean customer age T over all customers (0 when there are none).
    public var meanAge: Double { zip(age, weight).reduce(0) { $0 + $1.0 * $1.1 } / max(customers, 1) }
    /// Number of distinct histories (cells).
    public var count: Int { weight.count }

    /// Distinct values and, per cell, the index of its value: likelihood terms that depend on x, tₓ or
    /// T alone (or on the pairs (x, tₓ) and (x, T)) are computed once per distinct value.
    public struct Index: Sendable {
        /// The distinct values of x, T and tₓ, in order of first appearance.
        public var xs: [Double] = [], ts: [Double] = [], txs: [Double] = []
        /// The distinct pairs (x, tₓ) and (x, T), in order of first appearance.
        public var xTx: [SIMD2<Double>] = [], xT: [SIMD2<Double>] = []
        /// Per cell, the position of its x, T, tₓ, (x, tₓ) and (x, T) in the arrays above.
        public var x: [Int32] = [], t: [Int32] = [], tx: [Int32] = [], pairTx: [Int32] = [], pairT: [Int32] = []
    }
    /// The distinct values of the cells, built by the initialisers and ``subsample(every:)``.
    public private(set) var index = Index()

    /// No cells. Appending to the arrays does not rebuild ``index``: build cells to fit with
    /// ``init(frequency:recency:age:weights:)``.
    public init() {}

    mutating func buildIndex() {
        func distinct(_ n: Int, _ key: (Int) -> SIMD3<UInt64>) -> (keys: [SIMD3<UInt64>], positions: [Int32]) {
            var table = FirstAppearance(expected: n)
            let positions = (0..<n).map { Int32(table.position(of: key($0)).position) }
            return (table.keys, positions)
        }
        // +0.0 turns −0.0 into 0.0, so that bit patterns are equal exactly when the values are (none is NaN).
        func bits(_ v: Double) -> UInt64 { (v + 0.0).bitPattern }
        func value(_ b: UInt64) -> Double { Double(bitPattern: b) }
        var ix = Index()
        let n = count
        let (x, t, tx) = (frequency, age, recency)
        var keys: [SIMD3<UInt64>]
        (keys, ix.x) = distinct(n) { SIMD3(bits(x[$0]), 0, 0) }
        ix.xs = keys.map { value($0[0]) }
        (keys, ix.t) = distinct(n) { SIMD3(bits(t[$0]), 0, 0) }
        ix.ts = keys.map { value($0[0]) }
        (keys, ix.tx) = distinct(n) { SIMD3(bits(tx[$0]), 0, 0) }
        ix.txs = keys.map { value($0[0]) }
        (keys, ix.pairTx) = distinct(n) { SIMD3(bits(x[$0]), bits(tx[$0]), 0) }
        ix.xTx = keys.map { SIMD2(value($0[0]), value($0[1])) }
        (keys, ix.pairT) = distinct(n) { SIMD3(bits(x[$0]), bits(t[$0]), 0) }
        ix.xT = keys.map { SIMD2(value($0[0]), value($0[1])) }
        index = ix
    }

    /// Collapses histories; `weights` defaults to one per customer.
    /// - Throws: ``ModelError/invalidData(_:)`` for an impossible history (recency > T, fractional x, …).
    public init(frequency xs: [Double], recency txs: [Double], age ts: [Double], weights ws: [Double]? = nil) throws {
        guard xs.count == txs.count, txs.count == ts.count, ws.map({ $0.count == ts.count }) ?? true else {
            throw ModelError.invalidData("frequency, recency, T (and weights) must have the same length.")
        }
        var cells = FirstAppearance(expected: xs.count)
        for i in xs.indices {
            let x = xs[i], tx = txs[i], t = ts[i]
            let w = ws?[i] ?? 1
            guard x.isFinite, t.isFinite, x >= 0, x == x.rounded(), tx >= 0, t >= tx, w >= 0 else {
                throw ModelError.invalidData("customer \(i + 1): (frequency \(x), recency \(tx), T \(t)) is not a valid history: need a whole frequency ≥ 0 and 0 ≤ recency ≤ T.")
            }
            if x == 0, tx != 0 {
                throw ModelError.invalidData("customer \(i + 1): recency must be 0 when frequency is 0 (got \(tx)).")
            }
            let (k, isNew) = cells.position(of: SIMD3(x.bitPattern, tx.bitPattern, t.bitPattern))
            if isNew {
                frequency.append(x); recency.append(tx); age.append(t); weight.append(w)
            } else {
                weight[k] += w
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

/// Distinct keys in order of first appearance, in an open-addressing table with a multiplicative hash: for
/// the million histories of a large fit it is several times faster than `Dictionary` (SipHash), and the
/// order, hence every fitted number, is the same.
struct FirstAppearance {
    private(set) var keys: [SIMD3<UInt64>] = []
    private var slots: [Int32]
    private let mask: Int

    /// A table for at most `n` distinct keys (kept at most half full).
    init(expected n: Int) {
        var capacity = 16
        while capacity < 2 * n { capacity <<= 1 }
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        keys.reserveCapacity(min(n, 1 << 16))
    }

    /// The position of `key` among the distinct keys, and whether it was new.
    @inline(__always)
    mutating func position(of key: SIMD3<UInt64>) -> (position: Int, isNew: Bool) {
        var h = key[0] &* 0x9E37_79B9_7F4A_7C15 ^ key[1] &* 0xC2B2_AE3D_27D4_EB4F ^ key[2] &* 0x1656_67B1_9E37_79F9
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 32
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[slot]
            if s < 0 {
                precondition(keys.count < slots.count / 2, "more distinct keys than expected")
                slots[slot] = Int32(keys.count)
                keys.append(key)
                return (keys.count - 1, true)
            }
            if keys[Int(s)] == key { return (Int(s), false) }
            slot = (slot + 1) & mask
        }
    }
}
