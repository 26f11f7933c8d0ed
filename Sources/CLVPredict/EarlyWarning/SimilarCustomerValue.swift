import CLVNumerics
import Foundation

/// Similar-customer ("collaborative filtering") value prediction: a customer's future value is the mean
/// realized value of the `k` most similar reference customers.
///
/// Similarity is Euclidean distance on standardized features: each column is z-scored with the reference
/// mean and standard deviation, after `log(1 + x)` for non-negative columns whose skewness exceeds 1.
/// References are a seeded sample of at most `maxReferences` rows (the search is exact among them, on
/// all cores); ties in distance keep the earlier reference.
public struct SimilarCustomerValue: Sendable {
    /// How many nearest reference customers are averaged.
    public let k: Int
    /// The feature columns, in order; queries must have exactly these.
    public let columns: [String]
    let logColumns: [Bool]
    let mean: [Double], scale: [Double]
    let references: [Double]
    let values: [Double]

    /// Prepares the search from reference customers and their realized values.
    /// - Parameters:
    ///   - reference: the reference customers' features.
    ///   - values: the realized value of each reference row, in row order.
    ///   - k: neighbours averaged per prediction, from 1 to the number of reference rows.
    ///   - maxReferences: above this many rows, a sample of this size (drawn with `seed`) is kept.
    /// - Throws: ``PredictionError/shape(_:)`` when `values` does not have one entry per row;
    ///   ``PredictionError/invalidOption(_:)`` when `k` is out of range or above `maxReferences`.
    public init(reference: FeatureTable, values: [Double], k: Int = 10, maxReferences: Int = 10_000, seed: UInt64 = 1) throws {
        guard values.count == reference.rowCount else {
            throw PredictionError.shape("\(values.count) values for \(reference.rowCount) reference customers")
        }
        guard k >= 1, reference.rowCount >= k else { throw PredictionError.invalidOption("k must be between 1 and the number of references") }
        guard maxReferences >= k else {
            throw PredictionError.invalidOption("the reference sample (\(maxReferences)) must hold at least k = \(k) customers")
        }
        var rows = Array(0..<reference.rowCount)
        if rows.count > maxReferences {
            var rng = Xoshiro256(seed: seed)
            for i in 0..<maxReferences { rows.swapAt(i, i + Int(rng.next() % UInt64(rows.count - i))) }
            rows = Array(rows.prefix(maxReferences)).sorted()
        }
        let d = reference.columnCount
        var logColumns = [Bool](repeating: false, count: d), mean = [Double](repeating: 0, count: d), scale = mean
        for j in 0..<d {
            let column = rows.map { reference[$0, j] }
            logColumns[j] = column.allSatisfy { $0 >= 0 } && Self.skewness(column) > 1
            let x = logColumns[j] ? column.map { log1p($0) } : column
            let m = x.reduce(0, +) / Double(x.count)
            let sd = (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count)).squareRoot()
            mean[j] = m
            scale[j] = sd > 0 ? sd : 1
        }
        self.k = k
        self.columns = reference.names
        self.logColumns = logColumns
        self.mean = mean
        self.scale = scale
        var refs = [Double]()
        refs.reserveCapacity(rows.count * d)
        for i in rows { for j in 0..<d { refs.append(Self.transform(reference[i, j], logColumns[j], mean[j], scale[j])) } }
        self.references = refs
        self.values = rows.map { values[$0] }
    }

    static func transform(_ v: Double, _ log: Bool, _ mean: Double, _ scale: Double) -> Double {
        ((log ? log1p(max(v, 0)) : v) - mean) / scale
    }

    static func skewness(_ x: [Double]) -> Double {
        let n = Double(x.count)
        let m = x.reduce(0, +) / n
        let m2 = x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n
        let m3 = x.reduce(0) { $0 + ($1 - m) * ($1 - m) * ($1 - m) } / n
        return m2 > 0 ? m3 / pow(m2, 1.5) : 0
    }

    /// Predicted value for every row of `queries` (same columns as the reference).
    public func predict(_ queries: FeatureTable) throws -> [Double] {
        guard queries.names == columns else { throw PredictionError.shape("query columns \(queries.names) differ from \(columns)") }
        let d = columns.count, n = values.count, k = self.k
        let chunks = stride(from: 0, to: queries.rowCount, by: 2048).map { $0 ..< min($0 + 2048, queries.rowCount) }
        let parts = parallelMap(chunks, minimumChunk: 1) { range -> [Double] in
            var q = [Double](repeating: 0, count: d)
            var bestD = [Double](repeating: .infinity, count: k), bestI = [Int](repeating: 0, count: k)
            var out: [Double] = []
            out.reserveCapacity(range.count)
            for i in range {
                for j in 0..<d { q[j] = Self.transform(queries[i, j], logColumns[j], mean[j], scale[j]) }
                for s in 0..<k { bestD[s] = .infinity; bestI[s] = 0 }
                references.withUnsafeBufferPointer { r in
                    for ref in 0..<n {
                        var dist = 0.0
                        let base = ref * d
                        for j in 0..<d { let t = r[base + j] - q[j]; dist += t * t }
                        if dist < bestD[k - 1] {
                            var s = k - 1
                            while s > 0 && bestD[s - 1] > dist { bestD[s] = bestD[s - 1]; bestI[s] = bestI[s - 1]; s -= 1 }
                            bestD[s] = dist
                            bestI[s] = ref
                        }
                    }
                }
                out.append(bestI.reduce(0) { $0 + values[$1] } / Double(k))
            }
            return out
        }
        return parts.flatMap { $0 }
    }
}

/// How well predicted values match realized ones.
public struct ValueAccuracy: Sendable, Hashable, Codable {
    /// Mean of |predicted − realized|, in the values' unit.
    public var meanAbsoluteError: Double
    /// Square root of the mean of (predicted − realized)², in the values' unit.
    public var rootMeanSquaredError: Double
    /// Pearson correlation of predicted and realized values.
    public var correlation: Double
    /// Share of the realized value of the top 10% by prediction (of the realized total).
    public var topDecileValueShare: Double

    /// The accuracy of `predicted` against `realized`, paired by index. The arrays should have the same,
    /// non-zero length (no check is made). The correlation is 0 when either side is constant, and the top
    /// decile takes ⌈n/10⌉ rows, ties in prediction by index.
    public init(predicted p: [Double], realized r: [Double]) {
        let n = Double(p.count)
        meanAbsoluteError = zip(p, r).reduce(0) { $0 + abs($1.0 - $1.1) } / n
        rootMeanSquaredError = (zip(p, r).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / n).squareRoot()
        let (mp, mr) = (p.reduce(0, +) / n, r.reduce(0, +) / n)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (x, y) in zip(p, r) { sxy += (x - mp) * (y - mr); sxx += (x - mp) * (x - mp); syy += (y - mr) * (y - mr) }
        correlation = sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
        let order = p.indices.sorted { p[$0] > p[$1] || (p[$0] == p[$1] && $0 < $1) }
        let top = order.prefix(Int((n / 10).rounded(.up)))
        let total = r.reduce(0, +)
        topDecileValueShare = total != 0 ? top.reduce(0) { $0 + r[$1] } / total : 0
    }
}
