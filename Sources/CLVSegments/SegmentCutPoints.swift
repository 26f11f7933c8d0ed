/// Cut points frozen from one population's RFM scores, RFM segments, value matrix and ABC classes, so that
/// a customer scored alone later (a store update, a live event) is placed as that population placed its
/// members, without the population.
///
/// The score and class cut points are read off the population's result: element k is the boundary value
/// of score (or class) k + 2 on the better side. A value equal to a cut point takes the better score or
/// class; within the population, NTILE may have split such ties by customer id, so a tied customer alone
/// can score one better than it did in the ranking. Everything else (the RFM references, the value
/// matrix's references, the monetary cap) is the population's own number, so the eight RFM segments and
/// the value matrix quadrants of a customer alone are exactly the population's for the same figures.
/// Refitting or re-analysing freezes new cut points.
public struct SegmentCutPoints: Sendable, Hashable, Codable {
    /// The RFM scores and the eight segments.
    public struct RFM: Sendable, Hashable, Codable {
        /// Days since the last purchase: element k is the largest number of days that still scores k + 2
        /// (fewer days score higher), so the values decrease.
        public var recencyDays: [Double]
        /// Orders: element k is the fewest orders that score k + 2 (increasing).
        public var orders: [Double]
        /// Monetary value (after the cap): element k is the lowest value that scores k + 2 (increasing).
        public var monetary: [Double]
        /// Monetary values above this were capped before scoring (nil: no cap).
        public var monetaryCap: Double?
        /// Whether the segments compare raw values or scores with the references.
        public var basis: RFMSplitBasis
        /// The references of recency (days or score), frequency (orders or score) and monetary value.
        public var recencyReference: Double
        /// See ``recencyReference``.
        public var frequencyReference: Double
        /// See ``recencyReference``.
        public var monetaryReference: Double

        /// The number of scores (bins).
        public var bins: Int { orders.count + 1 }

        /// A customer's R, F and M scores and the index of its segment in ``RFMSegmentation/segments``.
        public func place(recencyDays days: Double, orders: Double, monetary: Double) -> (recency: Int, frequency: Int, monetary: Int, segment: Int) {
            let m = monetaryCap.map { Swift.min(monetary, $0) } ?? monetary
            let r = 1 + recencyDays.count { days <= $0 }
            let f = 1 + self.orders.count { orders >= $0 }
            let s = 1 + self.monetary.count { m >= $0 }
            let recent: Bool, frequent: Bool, big: Bool
            switch basis {
            case .values:
                (recent, frequent, big) = (days < recencyReference, orders > frequencyReference, m > monetaryReference)
            case .scores:
                (recent, frequent, big) = (Double(r) > recencyReference, Double(f) > frequencyReference, Double(s) > monetaryReference)
            }
            return (r, f, s, RFMSegmentation.index(recent: recent, frequent: frequent, highSpend: big))
        }
    }

    /// The value matrix's references (strictly above is high).
    public struct ValueMatrixReferences: Sendable, Hashable, Codable {
        /// Orders.
        public var orders: Double
        /// Average order value.
        public var averageOrderValue: Double

        /// The index of a customer's quadrant in ``ValueMatrix/segments``.
        public func place(orders: Double, averageOrderValue: Double) -> Int {
            (orders > self.orders ? 0 : 2) + (averageOrderValue > self.averageOrderValue ? 0 : 1)
        }
    }

    /// The ABC classes: the lowest value in A and in B (nil when that class is empty).
    public struct ABC: Sendable, Hashable, Codable {
        /// What the classes rank: `clv` or `spend`.
        public var value: String
        /// The lowest value of class A.
        public var lowestA: Double?
        /// The lowest value of class B.
        public var lowestB: Double?

        /// The index of a value's class in ``ABCClassification/segments`` (0 is A).
        public func place(_ value: Double) -> Int {
            if let a = lowestA, value >= a { return 0 }
            if let b = lowestB, value >= b { return 1 }
            return 2
        }
    }

    /// RFM scores and segments.
    public var rfm: RFM
    /// The value matrix.
    public var valueMatrix: ValueMatrixReferences
    /// The ABC classes.
    public var abc: ABC

    /// Cut points from a population's results.
    public init(rfm: RFM, valueMatrix: ValueMatrixReferences, abc: ABC) {
        self.rfm = rfm
        self.valueMatrix = valueMatrix
        self.abc = abc
    }

    /// Freezes the cut points of `metrics`' RFM result (scored with `options`, M = `monetary`, net spend by
    /// default), value matrix references and ABC classes of `abcValue` (named `abcValueName`).
    /// - Throws: ``SegmentationError`` when the columns do not match the customers.
    public init(metrics: CustomerMetrics, monetary: [Double]? = nil, rfm result: RFMResult, options: RFMOptions = RFMOptions(),
                valueMatrix: (orders: Double, averageOrderValue: Double), abc: Segmentation, abcValue: [Double], abcValueName: String) throws {
        let n = metrics.count
        var m = monetary ?? metrics.spend
        for (name, count) in [("monetary", m.count), ("abc value", abcValue.count), ("recency score", result.recencyScore.count),
                              ("abc classes", abc.assignment.count)] where count != n {
            throw SegmentationError.columnLength(name: name, count: count, expected: n)
        }
        if let cap = result.monetaryCap { for i in m.indices where m[i] > cap { m[i] = cap } }
        let bins: Int
        switch options.binning {
        case let .ntile(b), let .quantilesKeepingTies(b): bins = b
        case let .thresholds(_, fc, _): bins = fc.count + 1
        }
        let recency: [Double], orders: [Double], money: [Double]
        if case let .thresholds(rc, fc, mc) = options.binning {
            // Given cut points are frozen as given; recency's are upper bounds of the best scores, ascending.
            (recency, orders, money) = (Array(rc.reversed()), fc, mc)
        } else {
            recency = Self.boundaries(metrics.recencyDays, result.recencyScore, bins: bins, higherIsBetter: false)
            orders = Self.boundaries(metrics.orders, result.frequencyScore, bins: bins, higherIsBetter: true)
            money = Self.boundaries(m, result.monetaryScore, bins: bins, higherIsBetter: true)
        }
        self.rfm = RFM(recencyDays: recency, orders: orders, monetary: money, monetaryCap: result.monetaryCap, basis: options.basis,
                       recencyReference: result.references.recency, frequencyReference: result.references.frequency,
                       monetaryReference: result.references.monetary)
        self.valueMatrix = ValueMatrixReferences(orders: valueMatrix.orders, averageOrderValue: valueMatrix.averageOrderValue)
        var lowest: [Double?] = [nil, nil, nil]
        for i in 0..<n {
            let c = Int(abc.assignment[i])
            lowest[c] = Swift.min(lowest[c] ?? .infinity, abcValue[i])
        }
        self.abc = ABC(value: abcValueName, lowestA: lowest[0], lowestB: lowest[1])
    }

    /// For scores 2…bins, the boundary on the better side: the lowest value with at least that score
    /// (`higherIsBetter`), or the highest (fewer days score higher). An empty score repeats the next one's
    /// boundary, so the cut points stay monotone; when no value reaches a score its boundary is the
    /// largest finite number (its negative for days), which JSON can hold and no figure reaches.
    static func boundaries(_ values: [Double], _ scores: [Int32], bins: Int, higherIsBetter: Bool) -> [Double] {
        let none = higherIsBetter ? Double.greatestFiniteMagnitude : -Double.greatestFiniteMagnitude
        var extreme = [Double](repeating: none, count: bins + 2)
        for (v, s) in zip(values, scores) {
            let k = Int(s)
            guard k >= 1, k <= bins else { continue }
            extreme[k] = higherIsBetter ? Swift.min(extreme[k], v) : Swift.max(extreme[k], v)
        }
        // Boundary of score k = the extreme over scores ≥ k.
        var out = [Double](repeating: none, count: bins + 1)
        var running = none
        for k in stride(from: bins, through: 2, by: -1) {
            running = higherIsBetter ? Swift.min(running, extreme[k]) : Swift.max(running, extreme[k])
            out[k] = running
        }
        return Array(out[2...bins])
    }

    /// What is wrong with decoded cut points, or nil when they are usable.
    public var problem: String? {
        let r = rfm
        guard r.orders.count >= 1, r.recencyDays.count == r.orders.count, r.monetary.count == r.orders.count else {
            return "segment_cut_points.rfm needs as many recency, orders and monetary cut points (at least one each)."
        }
        func finite(_ v: [Double]) -> Bool { v.allSatisfy(\.isFinite) }
        guard finite(r.recencyDays), finite(r.orders), finite(r.monetary),
              zip(r.orders, r.orders.dropFirst()).allSatisfy({ $0 <= $1 }),
              zip(r.monetary, r.monetary.dropFirst()).allSatisfy({ $0 <= $1 }),
              zip(r.recencyDays, r.recencyDays.dropFirst()).allSatisfy({ $0 >= $1 }) else {
            return "segment_cut_points.rfm: orders and monetary cut points must be finite, orders and monetary increasing and recency days decreasing."
        }
        for v in [r.recencyReference, r.frequencyReference, r.monetaryReference, valueMatrix.orders, valueMatrix.averageOrderValue]
            where !v.isFinite {
            return "segment_cut_points: every reference must be a finite number."
        }
        if let cap = r.monetaryCap, !cap.isFinite { return "segment_cut_points.rfm.monetary_cap must be finite." }
        guard ["clv", "spend"].contains(abc.value) else { return "segment_cut_points.abc.value must be clv or spend." }
        if let a = abc.lowestA, let b = abc.lowestB, !(a.isFinite && b.isFinite && a >= b) {
            return "segment_cut_points.abc: the lowest value of A must be finite and at least that of B."
        }
        return nil
    }
}
