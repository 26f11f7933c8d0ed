import CLVCore
import CLVNumerics
import Foundation

/// Per-customer 95% intervals of the predictions, from parameter uncertainty.
public struct PredictionIntervals: Sendable {
    /// 2.5% and 97.5% bounds of expected purchases over the horizon, per customer.
    public var expectedTransactions: (lower: [Double], upper: [Double])
    /// 2.5% and 97.5% bounds of P(alive) at the end of observation, per customer.
    public var probabilityAlive: (lower: [Double], upper: [Double])
    /// With a spend model.
    public var lifetimeValue: (lower: [Double], upper: [Double])?
    /// Number of parameter draws the bounds come from.
    public var draws: Int
}

extension TransactionModel {
    /// 95% intervals by parametric bootstrap: `draws` parameter vectors are drawn from the estimates'
    /// asymptotic normal distribution on the log scale (covariance by the delta method, so draws stay
    /// positive), for the spend model too when given; every customer is scored under each draw and the
    /// 2.5% and 97.5% quantiles are kept. Customers are processed in blocks, so memory stays
    /// O(block × draws).
    /// - Parameters:
    ///   - covariance: covariance of this model's parameters (from the fit report or model file).
    ///   - spendCovariance: covariance of the Gamma-Gamma parameters.
    public func predictionIntervals(covariance: [[Double]], draws: Int, seed: UInt64, frequency: [Int32], recency: [Double],
                                    age: [Double], monetaryValue: [Double]?, horizon: Double, spend: GammaGammaModel?,
                                    spendCovariance: [[Double]]?, timeUnit: TimeUnit,
                                    lifetimeValue options: LifetimeValueOptions) throws -> PredictionIntervals {
        func logScaleFactor(_ theta: [Double], _ cov: [[Double]], of name: String) throws -> [[Double]] {
            let n = theta.count
            guard cov.count == n, cov.allSatisfy({ $0.count == n && $0.allSatisfy(\.isFinite) }) else {
                throw ModelError.unusableModel(model: name, reason: cov.isEmpty
                    ? "there is no parameter covariance (the model file has none), so no intervals can be drawn; refit the model."
                    : "the parameter covariance is not a finite \(n) × \(n) matrix, so no intervals can be drawn; refit the model.")
            }
            let logCov = (0..<n).map { i in (0..<n).map { j in cov[i][j] / (theta[i] * theta[j]) } }
            guard let l = Minimizer.cholesky(logCov) else {
                throw ModelError.unusableModel(model: Self.displayName, reason: "the parameter covariance is not positive definite, so no intervals can be drawn; refit, or use a penalizer.")
            }
            return l
        }
        func draw(_ theta: [Double], _ l: [[Double]], _ rng: inout Xoshiro256) -> [Double] {
            let z = theta.indices.map { _ in Sampling.standardNormal(using: &rng) }
            return theta.indices.map { i in theta[i] * Foundation.exp((0...i).reduce(0.0) { $0 + l[i][$1] * z[$1] }) }
        }
        let theta = parameterVector
        let l = try logScaleFactor(theta, covariance, of: Self.displayName)
        let spendL = try spend.map { s in try logScaleFactor(s.parameters.vector, spendCovariance ?? [], of: GammaGammaModel.displayName) }
        var rng = Xoshiro256(seed: seed)
        var models: [any TransactionModel] = []
        var spends: [GammaGammaModel?] = []
        // A draw outside the parameter space (or with q ≤ 1 for the spend) is drawn again; when nearly all
        // are, the covariance is too wide for intervals to mean anything, and the call fails instead of looping.
        var attempts = 0
        while models.count < draws {
            attempts += 1
            if attempts > 100 * draws + 1000 {
                throw ModelError.unusableModel(model: Self.displayName, reason: "fewer than 1 in 100 parameter draws were valid (\(models.count) of \(attempts - 1)), so the covariance is too wide for intervals; refit with more data or a penalizer.")
            }
            guard let m = try? Self(vector: draw(theta, l, &rng)) else { continue }
            var s: GammaGammaModel?
            if let spend, let spendL {
                let v = draw(spend.parameters.vector, spendL, &rng)
                guard v[1] > 1, let g = try? GammaGammaModel(parameters: .init(p: v[0], q: v[1], gamma: v[2])) else { continue }
                s = g
            }
            models.append(m)
            spends.append(s)
        }
        let n = frequency.count
        var out = PredictionIntervals(expectedTransactions: ([Double](repeating: 0, count: n), [Double](repeating: 0, count: n)),
                                      probabilityAlive: ([Double](repeating: 0, count: n), [Double](repeating: 0, count: n)),
                                      lifetimeValue: spend == nil ? nil : ([Double](repeating: 0, count: n), [Double](repeating: 0, count: n)),
                                      draws: draws)
        let lowIndex = Int((0.025 * Double(draws - 1)).rounded()), highIndex = Int((0.975 * Double(draws - 1)).rounded())
        let block = 65_536
        var start = 0
        while start < n {
            let end = min(start + block, n)
            let f = Array(frequency[start..<end]), r = Array(recency[start..<end]), a = Array(age[start..<end])
            let m = monetaryValue.map { Array($0[start..<end]) }
            let scored = (0..<draws).map { k in
                models[k].score(frequency: f, recency: r, age: a, monetaryValue: m, horizon: horizon, spend: spends[k],
                                timeUnit: timeUnit, lifetimeValue: options)
            }
            for i in 0..<(end - start) {
                var e = scored.map { $0.expectedTransactions[i] }, p = scored.map { $0.probabilityAlive[i] }
                e.sort(); p.sort()
                out.expectedTransactions.lower[start + i] = e[lowIndex]; out.expectedTransactions.upper[start + i] = e[highIndex]
                out.probabilityAlive.lower[start + i] = p[lowIndex]; out.probabilityAlive.upper[start + i] = p[highIndex]
                if out.lifetimeValue != nil {
                    var v = scored.map { $0.lifetimeValue![i] }
                    v.sort()
                    out.lifetimeValue!.lower[start + i] = v[lowIndex]; out.lifetimeValue!.upper[start + i] = v[highIndex]
                }
            }
            start = end
        }
        return out
    }
}
