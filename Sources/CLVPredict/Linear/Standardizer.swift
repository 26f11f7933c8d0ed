/// Per-column centring and scaling, z = (x − mean) / scale, fitted on training rows and stored in a
/// model so that new rows are scaled the same way.
///
/// The scale is the population standard deviation (divisor n), as scikit-learn's `StandardScaler`.
/// A column that is constant on the training rows gets scale 1, so it maps to 0 instead of NaN;
/// "constant" uses scikit-learn's rounding bound, variance ≤ n·ε·variance + (n·mean·ε)².
public struct Standardizer: Sendable, Hashable, Codable {
    /// Column means of the training rows.
    public let means: [Double]
    /// Column population standard deviations (1 for constant columns).
    public let scales: [Double]

    /// A standardizer with given means and scales (every scale finite and > 0).
    public init(means: [Double], scales: [Double]) throws {
        guard means.count == scales.count else {
            throw PredictionError.shape("\(means.count) means for \(scales.count) scales")
        }
        guard means.allSatisfy(\.isFinite), scales.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw PredictionError.invalidOption("standardizer means must be finite and scales finite and > 0")
        }
        self.means = means
        self.scales = scales
    }

    /// Fits the column means and standard deviations of `table` (two passes, so large offsets do
    /// not cancel).
    /// - Complexity: O(rows × columns).
    public init(fitting table: FeatureTable) {
        let n = table.rowCount, p = table.columnCount
        var means = [Double](repeating: 0, count: p)
        var squares = [Double](repeating: 0, count: p)
        table.values.withUnsafeBufferPointer { x in
            for i in 0..<n { for j in 0..<p { means[j] += x[i * p + j] } }
            for j in 0..<p { means[j] /= Double(max(n, 1)) }
            for i in 0..<n {
                for j in 0..<p {
                    let d = x[i * p + j] - means[j]
                    squares[j] += d * d
                }
            }
        }
        let count = Double(max(n, 1))
        let epsilon = Double.ulpOfOne
        scales = (0..<p).map { j in
            let variance = squares[j] / count
            let bound = count * epsilon * variance + (count * means[j] * epsilon) * (count * means[j] * epsilon)
            return variance <= bound ? 1 : variance.squareRoot()
        }
        self.means = means
    }

    /// The standardized copy of `table`.
    /// - Precondition: `table` has as many columns as the fitted data.
    public func transform(_ table: FeatureTable) -> FeatureTable {
        let p = means.count
        precondition(table.columnCount == p, "standardizer fitted on \(p) columns, given \(table.columnCount)")
        var values = table.values
        values.withUnsafeMutableBufferPointer { x in
            for i in 0..<table.rowCount {
                for j in 0..<p { x[i * p + j] = (x[i * p + j] - means[j]) / scales[j] }
            }
        }
        return FeatureTable(unchecked: table.names, values)
    }

    /// Folds the standardization into a linear function: w·z + b on standardized z equals
    /// w'·x + b' on raw x with w'ⱼ = wⱼ / scaleⱼ and b' = b − Σ wⱼ·meanⱼ / scaleⱼ.
    public func rawLinearFunction(coefficients: [Double], intercept: Double) -> (coefficients: [Double], intercept: Double) {
        var raw = coefficients
        var shift = intercept
        for j in raw.indices {
            raw[j] = coefficients[j] / scales[j]
            shift -= raw[j] * means[j]
        }
        return (raw, shift)
    }
}
