import CLVCore
import CLVModels

extension CustomerFeatureSet {
    /// Adds the model-based scores as features: `p_alive` and `expected_purchases` (over the label horizon)
    /// from `kind` fitted, in weeks, on this feature set's own summary — so, like every other feature, from
    /// data before the cutoff only. When the data cannot pin the model down (a parameter runs off), it is
    /// refitted with a small L2 penalty (0.01), as `clv fit --penalizer` would. Returns the fitted model.
    @discardableResult
    public mutating func addModelScores(_ kind: TransactionModelKind = .bgnbd, horizonDays: Int) throws -> any TransactionModel {
        let week = TimeUnit.week.days
        let cells = try RFMCells(frequency: repeatPurchases, recency: recencySpan.map { $0 / week }, age: age.map { $0 / week })
        let model: any TransactionModel
        do {
            model = try kind.modelType.fit(cells: cells, options: FitOptions()).0
        } catch is ModelError {
            model = try kind.modelType.fit(cells: cells, options: FitOptions(penalizer: 0.01)).0
        }
        let horizon = Double(horizonDays) / week
        let n = customerIDs.count
        var alive = [Double](repeating: 0, count: n), expected = alive
        for i in 0..<n {
            let (x, tx, t) = (repeatPurchases[i], recencySpan[i] / week, age[i] / week)
            alive[i] = model.probabilityAlive(x: x, tx: tx, age: t)
            expected[i] = model.expectedTransactions(in: horizon, x: x, tx: tx, age: t)
        }
        guard alive.allSatisfy(\.isFinite), expected.allSatisfy(\.isFinite) else {
            throw PredictionError.shape("the \(kind.rawValue) model gives non-finite scores at this cutoff")
        }
        let k = features.columnCount
        var values = [Double]()
        values.reserveCapacity(n * (k + 2))
        for i in 0..<n {
            values.append(contentsOf: features.values[i * k ..< (i + 1) * k])
            values.append(alive[i])
            values.append(expected[i])
        }
        features = try FeatureTable(names: features.names + ["p_alive", "expected_purchases"], values: values)
        return model
    }
}
