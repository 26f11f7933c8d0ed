/// Scoring and saved-form checks shared by the linear models.
enum LinearScoring {
    /// `transform(w·x + b)` for every row, with the standardization folded into w and b, on all cores.
    static func decisionValues(_ features: FeatureTable, coefficients: [Double], intercept: Double,
                               standardizer: Standardizer?,
                               transform: @escaping @Sendable (Double) -> Double = { $0 }) -> [Double] {
        let p = coefficients.count
        precondition(features.columnCount == p, "model has \(p) features, table has \(features.columnCount)")
        let (w, b) = standardizer?.rawLinearFunction(coefficients: coefficients, intercept: intercept)
            ?? (coefficients, intercept)
        let x = features.values
        return RowBlocks.fill(count: features.rowCount) { rows, output in
            x.withUnsafeBufferPointer { x in
                w.withUnsafeBufferPointer { w in
                    for i in rows {
                        var z = b
                        for j in 0..<p { z += w[j] * x[i * p + j] }
                        output[i] = transform(z)
                    }
                }
            }
        }
    }

    static func check(featureNames: [String], coefficients: [Double], intercept: Double,
                      standardizer: Standardizer?) throws {
        guard !featureNames.isEmpty, featureNames.count == coefficients.count else {
            throw PredictionError.shape("\(coefficients.count) coefficients for \(featureNames.count) features")
        }
        guard coefficients.allSatisfy(\.isFinite), intercept.isFinite else {
            throw PredictionError.modelFile("model coefficients must be finite numbers")
        }
        if let standardizer, standardizer.means.count != coefficients.count {
            throw PredictionError.shape("standardizer has \(standardizer.means.count) columns, model \(coefficients.count)")
        }
    }

    static func checkFormat(_ format: String, _ version: Int, expected: String, version expectedVersion: Int) throws {
        guard format == expected else {
            throw PredictionError.modelFile("expected a model of format '\(expected)', found '\(format)'")
        }
        guard version == expectedVersion else {
            throw PredictionError.modelFile("'\(expected)' version \(version) is not supported (this build reads version \(expectedVersion))")
        }
    }
}
