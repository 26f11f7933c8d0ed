import Foundation

/// How features are put on one scale before clustering: per column an optional `log1p` (for skewed,
/// non-negative columns such as spend or CLV), then a z-score.
///
/// The fitted transform is kept, so new rows can be scaled the same way and cluster centres can be
/// mapped back to original units. Means and standard deviations are the population ones (ddof = 0,
/// as scikit-learn's `StandardScaler`); a constant column keeps a scale of 1.
public struct FeatureScaling: Sendable, Hashable, Codable {
    /// Whether a column is log-transformed.
    public enum LogTransform: String, Sendable, Hashable, Codable, CaseIterable {
        /// `log1p` when the column is non-negative and its skewness exceeds the threshold.
        case automatic
        /// Always `log1p` (the column must be non-negative).
        case always
        /// Never.
        case never
    }

    /// The fitted transform of one column.
    public struct Column: Sendable, Hashable, Codable {
        /// The column name.
        public var name: String
        /// Whether `log1p` is applied before the z-score.
        public var isLogTransformed: Bool
        /// Skewness of the raw column (Fisher–Pearson g₁ = m₃ / m₂^{3/2}, as `scipy.stats.skew`).
        public var rawSkewness: Double
        /// Mean of the (possibly log-transformed) column.
        public var mean: Double
        /// Standard deviation of the (possibly log-transformed) column; 1 for a constant column.
        public var scale: Double

        /// A fitted column transform from its parts; nothing is checked.
        public init(name: String, isLogTransformed: Bool, rawSkewness: Double, mean: Double, scale: Double) {
            self.name = name
            self.isLogTransformed = isLogTransformed
            self.rawSkewness = rawSkewness
            self.mean = mean
            self.scale = scale
        }
    }

    /// One fitted transform per column, in column order.
    public var columns: [Column]

    /// A transform from already fitted columns.
    public init(columns: [Column]) { self.columns = columns }

    /// Fits the transform to `data`.
    ///
    /// - Parameters:
    ///   - data: Features in original units.
    ///   - logTransforms: One choice per column, or one choice for all columns (default automatic).
    ///   - skewnessThreshold: Automatic log transforms apply above this skewness (default 1).
    /// - Throws: ``ClusteringError`` for empty or non-finite data, a wrong number of choices, or
    ///   ``ClusteringError/negativeValuesForLog(column:minimum:)`` when `.always` meets a negative value.
    public static func fit(_ data: FeatureMatrix, logTransforms: [LogTransform] = [.automatic],
                           skewnessThreshold: Double = 1) throws -> FeatureScaling {
        try data.validate()
        guard logTransforms.count == 1 || logTransforms.count == data.columnCount else {
            throw ClusteringError.shapeMismatch("\(logTransforms.count) log-transform choices for \(data.columnCount) columns.")
        }
        var fitted: [Column] = []
        for j in 0..<data.columnCount {
            let raw = data.column(j)
            let choice = logTransforms.count == 1 ? logTransforms[0] : logTransforms[j]
            let minimum = raw.min()!
            let skewness = Self.skewness(raw)
            let useLog: Bool
            switch choice {
            case .never: useLog = false
            case .automatic: useLog = minimum >= 0 && skewness > skewnessThreshold
            case .always:
                guard minimum >= 0 else { throw ClusteringError.negativeValuesForLog(column: data.columnNames[j], minimum: minimum) }
                useLog = true
            }
            let x = useLog ? raw.map { Foundation.log1p($0) } : raw
            let (mean, variance) = Self.meanAndVariance(x)
            let sd = variance.squareRoot()
            fitted.append(Column(name: data.columnNames[j], isLogTransformed: useLog, rawSkewness: skewness, mean: mean,
                                 scale: sd > 0 ? sd : 1))
        }
        return FeatureScaling(columns: fitted)
    }

    /// `data` in standardized units: `(log1p(x) or x − mean) / scale` per column.
    ///
    /// - Throws: ``ClusteringError`` when the columns do not match or a log column has a value below −1.
    public func transform(_ data: FeatureMatrix) throws -> FeatureMatrix {
        try data.validate()
        try checkColumns(data)
        var out = data
        for i in 0..<data.rowCount {
            for (j, c) in columns.enumerated() {
                let x = data[i, j]
                if c.isLogTransformed, x <= -1 {
                    throw ClusteringError.negativeValuesForLog(column: c.name, minimum: x)
                }
                out[i, j] = ((c.isLogTransformed ? Foundation.log1p(x) : x) - c.mean) / c.scale
            }
        }
        return out
    }

    /// Standardized rows (e.g. cluster centres) mapped back to original units: `x·scale + mean`,
    /// then `expm1` for log columns.
    ///
    /// - Throws: ``ClusteringError/shapeMismatch(_:)`` when the columns do not match.
    public func originalUnits(_ standardized: FeatureMatrix) throws -> FeatureMatrix {
        try checkColumns(standardized)
        var out = standardized
        for i in 0..<standardized.rowCount {
            for (j, c) in columns.enumerated() {
                let y = standardized[i, j] * c.scale + c.mean
                out[i, j] = c.isLogTransformed ? Foundation.expm1(y) : y
            }
        }
        return out
    }

    private func checkColumns(_ data: FeatureMatrix) throws {
        guard data.columnCount == columns.count else {
            throw ClusteringError.shapeMismatch("\(data.columnCount) columns, but the scaling was fitted to \(columns.count).")
        }
    }

    /// Population mean and variance (two-pass).
    static func meanAndVariance(_ x: [Double]) -> (mean: Double, variance: Double) {
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        return (mean, variance)
    }

    /// Fisher–Pearson skewness g₁ = m₃ / m₂^{3/2} (biased moments, as `scipy.stats.skew`); 0 for a constant column.
    static func skewness(_ x: [Double]) -> Double {
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        var m2 = 0.0, m3 = 0.0
        for v in x {
            let d = v - mean
            m2 += d * d
            m3 += d * d * d
        }
        m2 /= n
        m3 /= n
        return m2 > 0 ? m3 / Foundation.pow(m2, 1.5) : 0
    }
}
