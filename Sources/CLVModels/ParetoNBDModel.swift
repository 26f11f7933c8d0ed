import CLVCore
import CLVNumerics
import Foundation

/// The Pareto/NBD model: while active a customer buys at rate λ ~ Gamma(r, α); their lifetime is
/// exponential with rate μ ~ Gamma(s, β). x = `frequency`, tₓ = `recency`, T = `age`.
///
/// > Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). Counting Your Customers: Who Are They and
/// > What Will They Do Next? *Management Science* 33(1). Likelihood as in Fader & Hardie (2005), "A Note on
/// > Deriving the Pareto/NBD Model and Related Expressions".
public struct ParetoNBDModel: Sendable, Hashable, Codable {
    /// The four parameters (r, α, s, β); ``ParetoNBDModel/init(parameters:)`` requires each to be finite and > 0.
    public struct Parameters: Sendable, Hashable, Codable {
        /// Shape of the purchase-rate distribution, λ ~ Gamma(r, α).
        public var r: Double
        /// Scale (in time units) of the purchase-rate distribution.
        public var alpha: Double
        /// Shape of the dropout-rate distribution, μ ~ Gamma(s, β).
        public var s: Double
        /// Scale (in time units) of the dropout-rate distribution.
        public var beta: Double
        /// The parameters as given, unchecked.
        public init(r: Double, alpha: Double, s: Double, beta: Double) {
            self.r = r; self.alpha = alpha; self.s = s; self.beta = beta
        }
        /// [r, α, s, β], the order of ``ParetoNBDModel/parameterNames``.
        public var vector: [Double] { [r, alpha, s, beta] }
    }

    /// The name as the literature writes it, used in reports and messages.
    public static let displayName = "Pareto/NBD"
    /// Parameter names in the paper's order (r, α, s, β), as in model files.
    public static let parameterNames = ["r", "alpha", "s", "beta"]
    /// The model's parameters.
    public let parameters: Parameters

    /// - Throws: ``ModelError/invalidParameter(model:name:value:requirement:)`` unless every parameter is finite and > 0.
    public init(parameters: Parameters) throws {
        try ModelError.requirePositive(parameters.vector, names: Self.parameterNames, model: Self.displayName)
        self.parameters = parameters
    }

    /// log A₀ of the likelihood (Fader & Hardie 2005, eq. 19–20), or nil when tₓ = T (then A₀ = 0).
    static func logA0<T: ScalarField>(r: T, alpha: T, s: T, beta: T, x: Double, tx: Double, age: Double) -> T? {
        guard tx < age else { return nil }
        let rsx = r + s + x
        if alpha.value >= beta.value {
            let a1 = rsx, b1 = s + 1, c1 = rsx + 1
            let high = SpecialFunctions.logHypergeometric2F1(a1, b1, c1, (alpha - beta) / (alpha + tx)) - rsx * T.log(alpha + tx)
            let low = SpecialFunctions.logHypergeometric2F1(a1, b1, c1, (alpha - beta) / (alpha + age)) - rsx * T.log(alpha + age)
            return T.logDiffExp(high, low)
        } else {
            let a1 = rsx, b1 = r + x, c1 = rsx + 1
            let high = SpecialFunctions.logHypergeometric2F1(a1, b1, c1, (beta - alpha) / (beta + tx)) - rsx * T.log(beta + tx)
            let low = SpecialFunctions.logHypergeometric2F1(a1, b1, c1, (beta - alpha) / (beta + age)) - rsx * T.log(beta + age)
            return T.logDiffExp(high, low)
        }
    }

    /// Log-likelihood of one history:
    /// log L = log Γ(r+x) − log Γ(r) + r log α + s log β
    ///       + log[(α+T)^−(r+x) (β+T)^−s + s/(r+s+x) · A₀].
    public static func logLikelihood<T: ScalarField>(r: T, alpha: T, s: T, beta: T, x: Double, tx: Double, age: Double) -> T {
        let head = T.logGamma(r + x) - T.logGamma(r) + r * T.log(alpha) + s * T.log(beta)
        let alive = -(r + x) * T.log(alpha + age) - s * T.log(beta + age)
        guard let a0 = logA0(r: r, alpha: alpha, s: s, beta: beta, x: x, tx: tx, age: age) else { return head + alive }
        let dead = T.log(s) - T.log(r + s + x) + a0
        return head + T.logSumExp(alive, dead)
    }

    /// log[₂F₁(…; z(u)) / (m+u)^(r+s+x)] for u = tₓ or T: one of the two terms of A₀.
    static func logA0Term<T: ScalarField>(r: T, alpha: T, s: T, beta: T, x: Double, u: Double) -> T {
        let rsx = r + s + x
        if alpha.value >= beta.value {
            return SpecialFunctions.logHypergeometric2F1(rsx, s + 1, rsx + 1, (alpha - beta) / (alpha + u)) - rsx * T.log(alpha + u)
        }
        return SpecialFunctions.logHypergeometric2F1(rsx, r + x, rsx + 1, (beta - alpha) / (beta + u)) - rsx * T.log(beta + u)
    }

    /// Total log-likelihood. The ₂F₁ terms depend only on (x, tₓ) and (x, T), so they are computed once
    /// per distinct pair (on all cores); each cell then costs two log-sum-exps.
    static func totalLogLikelihood<T: ScalarField>(_ p: [T], _ cells: RFMCells) -> T {
        let (r, alpha, s, beta) = (p[0], p[1], p[2], p[3])
        let ix = cells.index
        let head: [T] = ix.xs.map { x in T.logGamma(r + x) - T.logGamma(r) + r * T.log(alpha) + s * T.log(beta) }
        let deadScale: [T] = ix.xs.map { x in T.log(s) - T.log(r + s + x) }
        let high: [T] = parallelMap(ix.xTx) { k in logA0Term(r: r, alpha: alpha, s: s, beta: beta, x: k[0], u: k[1]) }
        let low: [T] = parallelMap(ix.xT) { k in logA0Term(r: r, alpha: alpha, s: s, beta: beta, x: k[0], u: k[1]) }
        let alive: [T] = ix.xT.map { k in -(r + k[0]) * T.log(alpha + k[1]) - s * T.log(beta + k[1]) }
        return parallelSum(count: cells.count) { range in
            var total = T(0)
            for i in range {
                let xi = Int(ix.x[i]), pt = Int(ix.pairT[i])
                var ll = head[xi] + alive[pt]
                if cells.recency[i] < cells.age[i] {
                    let dead = deadScale[xi] + T.logDiffExp(high[Int(ix.pairTx[i])], low[pt])
                    ll = head[xi] + T.logSumExp(alive[pt], dead)
                }
                total = total + ll * cells.weight[i]
            }
            return total
        }
    }

    /// Fits the model by maximum likelihood.
    public static func fit(_ cells: RFMCells, options: FitOptions = FitOptions()) throws -> (model: ParetoNBDModel, report: FitReport) {
        let meanAge = max(cells.meanAge, 1)
        let report = try MaximumLikelihood.fit(
            model: displayName, names: parameterNames, start: [1, meanAge, 1, meanAge], cells: cells, options: options,
            hint: "Try --penalizer 0.001; Pareto/NBD is hard to fit when few customers made repeat purchases.",
            logLikelihood: { totalLogLikelihood($0, $1) }, value: { totalLogLikelihood($0, $1) })
        let v = report.vector
        return (try ParetoNBDModel(parameters: Parameters(r: v[0], alpha: v[1], s: v[2], beta: v[3])), report)
    }

    /// Total log-likelihood of weighted histories.
    public func logLikelihood(of cells: RFMCells) -> Double { Self.totalLogLikelihood(parameters.vector, cells) }

    /// Log-likelihood of one customer: x repeat purchases, the last at tₓ, observed for T (`age`), in the
    /// model's time unit.
    public func logLikelihood(x: Double, tx: Double, age: Double) -> Double {
        let p = parameters
        return Self.logLikelihood(r: p.r, alpha: p.alpha, s: p.s, beta: p.beta, x: x, tx: tx, age: age)
    }

    /// P(alive at T | x, tₓ, T) = 1 / (1 + s/(r+s+x) · (α+T)^(r+x) (β+T)^s · A₀).
    public func probabilityAlive(x: Double, tx: Double, age: Double) -> Double {
        let p = parameters
        guard let a0 = Self.logA0(r: p.r, alpha: p.alpha, s: p.s, beta: p.beta, x: x, tx: tx, age: age) else { return 1 }
        let logRatio = Foundation.log(p.s / (p.r + p.s + x)) + (p.r + x) * Foundation.log(p.alpha + age)
            + p.s * Foundation.log(p.beta + age) + a0
        return 1 / (1 + Foundation.exp(logRatio))
    }

    /// P(alive `t` after T) = P(alive at T) · ((β+T)/(β+T+t))^s (given alive, μ ~ Gamma(s, β+T)).
    public func probabilityAlive(after t: Double, x: Double, tx: Double, age: Double) -> Double {
        let p = parameters
        return probabilityAlive(x: x, tx: tx, age: age) * Foundation.pow((p.beta + age) / (p.beta + age + t), p.s)
    }

    /// Discounted expected residual transactions (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value
    /// Curves for Customer Base Analysis", eq. 2), at a continuously compounded rate `delta` per time unit:
    /// DERT = α^r β^s δ^(s−1) Γ(r+x+1) U(s, s; δ(β+T)) / (Γ(r) (α+T)^(r+x+1) L(r, α, s, β | x, tₓ, T)).
    /// Multiplied by the expected spend and margin it is the customer's infinite-horizon CLV.
    public func discountedExpectedResidualTransactions(delta: Double, x: Double, tx: Double, age: Double) -> Double {
        guard delta > 0 else { return .infinity }
        return discountedExpectedResidualTransactions(delta: delta, x: x, tx: tx, age: age,
                                                      kummer: SpecialFunctions.kummerU(equalParameters: parameters.s, delta * (parameters.beta + age)))
    }

    /// DERT for many customers; Kummer's U depends on T alone and is computed once per distinct T.
    public func discountedExpectedResidualTransactions(delta: Double, frequency: [Int32], recency: [Double], age: [Double]) -> [Double] {
        guard delta > 0 else { return [Double](repeating: .infinity, count: frequency.count) }
        var cache: [Double: Double] = [:]
        for t in age where cache[t] == nil { cache[t] = SpecialFunctions.kummerU(equalParameters: parameters.s, delta * (parameters.beta + t)) }
        let kummer = cache
        return parallelMap(Array(0..<frequency.count), minimumChunk: 4096) { i in
            self.discountedExpectedResidualTransactions(delta: delta, x: Double(frequency[i]), tx: recency[i], age: age[i],
                                                        kummer: kummer[age[i]]!)
        }
    }

    func discountedExpectedResidualTransactions(delta: Double, x: Double, tx: Double, age: Double, kummer u: Double) -> Double {
        let p = parameters
        let logValue = p.r * Foundation.log(p.alpha) + p.s * Foundation.log(p.beta) + (p.s - 1) * Foundation.log(delta)
            + Double.logGamma(p.r + x + 1) + Foundation.log(u) - Double.logGamma(p.r) - (p.r + x + 1) * Foundation.log(p.alpha + age)
            - logLikelihood(x: x, tx: tx, age: age)
        return Foundation.exp(logValue)
    }

    /// P(alive) for many customers: the ₂F₁ terms of A₀ are computed once per distinct (x, tₓ) and (x, T).
    public func probabilitiesAlive(frequency: [Int32], recency: [Double], age: [Double]) -> [Double] {
        let p = parameters
        let n = frequency.count
        // Distinct pairs in order of first appearance (+0.0 makes −0.0 and 0.0 one key, as `==` does).
        var txIndex = FirstAppearance(expected: n), tIndex = FirstAppearance(expected: n)
        var customerTx = [Int32](repeating: 0, count: n), customerT = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            let x = Double(frequency[i]).bitPattern
            customerTx[i] = Int32(txIndex.position(of: SIMD3(x, (recency[i] + 0.0).bitPattern, 0)).position)
            customerT[i] = Int32(tIndex.position(of: SIMD3(x, (age[i] + 0.0).bitPattern, 0)).position)
        }
        func pairs(_ table: FirstAppearance) -> [SIMD2<Double>] {
            table.keys.map { SIMD2(Double(bitPattern: $0[0]), Double(bitPattern: $0[1])) }
        }
        let txPairs = pairs(txIndex), tPairs = pairs(tIndex)
        let high: [Double] = parallelMap(txPairs) { k in Self.logA0Term(r: p.r, alpha: p.alpha, s: p.s, beta: p.beta, x: k[0], u: k[1]) }
        let low: [Double] = parallelMap(tPairs) { k in
            let x = k[0], t = k[1]
            return Self.logA0Term(r: p.r, alpha: p.alpha, s: p.s, beta: p.beta, x: x, u: t)
        }
        // log of the factor multiplying A₀ in the odds of having died, per (x, T).
        let scale: [Double] = tPairs.map { k in
            Foundation.log(p.s / (p.r + p.s + k[0])) + (p.r + k[0]) * Foundation.log(p.alpha + k[1]) + p.s * Foundation.log(p.beta + k[1])
        }
        let (cTx, cT) = (customerTx, customerT)
        return parallelMap(Array(0..<n), minimumChunk: 8192) { i in
            guard recency[i] < age[i] else { return 1 }
            let t = Int(cT[i])
            let a0 = Double.logDiffExp(high[Int(cTx[i])], low[t])
            return 1 / (1 + Foundation.exp(scale[t] + a0))
        }
    }

    /// [1 − (base/(base+t))^(s−1)] / (s − 1), continuous at s = 1.
    static func lifetimeFactor(s: Double, base: Double, t: Double) -> Double {
        let l = Foundation.log(base / (base + t))
        if abs(s - 1) < 1e-10 { return -l }
        return -Foundation.expm1((s - 1) * l) / (s - 1)
    }

    /// If still active: (r+x)(β+T)/(α+T) · [1 − ((β+T)/(β+T+t))^(s−1)]/(s−1).
    public func expectedTransactionsIfAlive(in t: Double, x: Double, age: Double) -> Double {
        guard t > 0 else { return 0 }
        let p = parameters
        return (p.r + x) * (p.beta + age) / (p.alpha + age) * Self.lifetimeFactor(s: p.s, base: p.beta + age, t: t)
    }

    /// Expected purchases of a new customer in `t` time units: rβ/α · [1 − (β/(β+t))^(s−1)]/(s−1).
    public func expectedTransactions(in t: Double) -> Double {
        let p = parameters
        return p.r * p.beta / p.alpha * Self.lifetimeFactor(s: p.s, base: p.beta, t: t)
    }
}
