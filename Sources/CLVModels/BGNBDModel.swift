import CLVCore
import CLVNumerics
import Foundation

/// The beta-geometric/negative binomial distribution (BG/NBD) model: while active a customer buys at
/// rate λ ~ Gamma(r, α) per time unit, and after each repeat purchase drops out with probability
/// p ~ Beta(a, b). x = `frequency`, tₓ = `recency`, T = `age`, in the model's time unit.
///
/// > Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting Your Customers" the Easy Way: An
/// > Alternative to the Pareto/NBD Model. *Marketing Science* 24(2), 275–284.
public struct BGNBDModel: Sendable, Hashable, Codable {
    /// The four parameters (r, α, a, b), shared with ``MBGNBDModel``; the model's initialiser requires each to
    /// be finite and > 0.
    public struct Parameters: Sendable, Hashable, Codable {
        /// Shape of the purchase-rate distribution.
        public var r: Double
        /// Scale (in time units) of the purchase-rate distribution.
        public var alpha: Double
        /// Beta parameters of the dropout probability.
        public var a: Double
        /// The second parameter of Beta(a, b), the distribution of the dropout probability p.
        public var b: Double
        /// The parameters as given, unchecked.
        public init(r: Double, alpha: Double, a: Double, b: Double) {
            self.r = r; self.alpha = alpha; self.a = a; self.b = b
        }
        /// [r, α, a, b], the order of ``BGNBDModel/parameterNames``.
        public var vector: [Double] { [r, alpha, a, b] }
    }

    /// The name as the paper writes it, used in reports and messages.
    public static let displayName = "BG/NBD"
    /// Parameter names in the paper's order (r, α, a, b), as in model files.
    public static let parameterNames = ["r", "alpha", "a", "b"]
    /// The model's parameters.
    public let parameters: Parameters

    /// - Throws: ``ModelError/invalidParameter(model:name:value:requirement:)`` unless every parameter is finite and > 0.
    public init(parameters: Parameters) throws {
        try ModelError.requirePositive(parameters.vector, names: Self.parameterNames, model: Self.displayName)
        self.parameters = parameters
    }

    /// Log-likelihood of one history, equation (6) of FHL (2005) in log space, so that a large x
    /// cannot overflow (Hardie's note 027):
    /// log L = log Γ(r+x) − log Γ(r) + r log α + log B(a, b+x) − log B(a, b)
    ///       + log[(α+T)^−(r+x) + 1{x>0} · a/(b+x−1) · (α+tₓ)^−(r+x)].
    @inlinable
    public static func logLikelihood<T: ScalarField>(r: T, alpha: T, a: T, b: T, x: Double, tx: Double, age: Double) -> T {
        let rx = r + x
        let purchases = T.logGamma(rx) - T.logGamma(r) + r * T.log(alpha)
        let dropout = T.logGamma(a + b) + T.logGamma(b + x) - T.logGamma(b) - T.logGamma(a + b + x)
        let stillAlive = -rx * T.log(alpha + age)
        guard x > 0 else { return purchases + dropout + stillAlive }
        let droppedOut = T.log(a) - T.log(b + (x - 1)) - rx * T.log(alpha + tx)
        return purchases + dropout + T.logSumExp(stillAlive, droppedOut)
    }

    /// Total log-likelihood of weighted histories. Terms that depend on x, T or tₓ alone are computed once
    /// per distinct value (``RFMCells/Index``); each cell then costs one log-sum-exp. Cells are summed on all cores.
    static func totalLogLikelihood<T: ScalarField>(_ p: [T], _ cells: RFMCells) -> T {
        betaGeometricLogLikelihood(p, cells, dropoutAtFirstPurchase: false)
    }

    /// The BG/NBD family's total log-likelihood. With `dropoutAtFirstPurchase` (MBG/NBD) a customer may
    /// also drop out right after the first purchase: every dropout index shifts by one
    /// (B(a, b+x) → B(a, b+x+1), a/(b+x−1) → a/(b+x)) and customers without repeats can have dropped out.
    static func betaGeometricLogLikelihood<T: ScalarField>(_ p: [T], _ cells: RFMCells, dropoutAtFirstPurchase: Bool) -> T {
        let (r, alpha, a, b) = (p[0], p[1], p[2], p[3])
        let shift = dropoutAtFirstPurchase ? 1.0 : 0.0
        let ix = cells.index
        let xTerms: [T] = ix.xs.map { x in T.logGamma(r + x) + T.logGamma(b + (x + shift)) - T.logGamma(a + b + (x + shift)) }
        let dropRatio: [T] = ix.xs.map { x in x + shift > 0 ? T.log(a) - T.log(b + (x + shift - 1)) : T(0) }
        let rx: [T] = ix.xs.map { r + $0 }
        let logT: [T] = ix.ts.map { T.log(alpha + $0) }
        let logTx: [T] = ix.txs.map { T.log(alpha + $0) }
        let sum = parallelSum(count: cells.count) { range in
            var s = T(0)
            for i in range {
                let xi = Int(ix.x[i])
                let alive = -(rx[xi] * logT[Int(ix.t[i])])
                let ll: T
                if cells.frequency[i] + shift > 0 {
                    ll = xTerms[xi] + T.logSumExp(alive, dropRatio[xi] - rx[xi] * logTx[Int(ix.tx[i])])
                } else {
                    ll = xTerms[xi] + alive
                }
                s = s + ll * cells.weight[i]
            }
            return s
        }
        let base = r * T.log(alpha) - T.logGamma(r) + T.logGamma(a + b) - T.logGamma(b)
        return sum + base * cells.customers
    }

    /// Fits the model by maximum likelihood.
    /// - Throws: ``ModelError/notConverged(model:gradientNorm:iterations:logLikelihood:hint:)`` with a diagnosis.
    public static func fit(_ cells: RFMCells, options: FitOptions = FitOptions()) throws -> (model: BGNBDModel, report: FitReport) {
        let report = try fitBetaGeometric(cells, options: options, model: displayName, dropoutAtFirstPurchase: false)
        let v = report.vector
        return (try BGNBDModel(parameters: Parameters(r: v[0], alpha: v[1], a: v[2], b: v[3])), report)
    }

    /// Maximum-likelihood fit shared by BG/NBD and MBG/NBD (the same parameters, r, α, a, b).
    static func fitBetaGeometric(_ cells: RFMCells, options: FitOptions, model: String,
                                 dropoutAtFirstPurchase: Bool) throws -> FitReport {
        try MaximumLikelihood.fit(
            model: model, names: parameterNames, start: [1, max(cells.meanAge, 1), 1, 1], cells: cells, options: options,
            hint: "Try --penalizer 0.001, or look for customers with an implausibly high frequency.",
            logLikelihood: { betaGeometricLogLikelihood($0, $1, dropoutAtFirstPurchase: dropoutAtFirstPurchase) },
            value: { betaGeometricLogLikelihood($0, $1, dropoutAtFirstPurchase: dropoutAtFirstPurchase) })
    }

    /// Total log-likelihood of weighted histories.
    public func logLikelihood(of cells: RFMCells) -> Double { Self.totalLogLikelihood(parameters.vector, cells) }

    /// Log-likelihood of one customer.
    public func logLikelihood(x: Double, tx: Double, age: Double) -> Double {
        let p = parameters
        return Self.logLikelihood(r: p.r, alpha: p.alpha, a: p.a, b: p.b, x: x, tx: tx, age: age)
    }

    /// Probability that a customer with history (x, tₓ, T) is still active at T (FHL 2005, eq. 13):
    /// 1 / (1 + 1{x>0} · a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x)).
    public func probabilityAlive(x: Double, tx: Double, age: Double) -> Double {
        guard x > 0 else { return 1 }
        let p = parameters
        let logRatio = Foundation.log(p.a / (p.b + x - 1)) + (p.r + x) * Foundation.log((p.alpha + age) / (p.alpha + tx))
        return 1 / (1 + Foundation.exp(logRatio))
    }

    /// P(alive `t` after T): given alive at T, λ ~ Gamma(r+x, α+T) and p ~ Beta(a, b+x); survival needs no
    /// dropout in (T, T+t], probability e^(−λtp), whose expectation (Euler's integral) gives
    /// P(alive at T) · ₂F₁(r+x, a; a+b+x; −t/(α+T)).
    public func probabilityAlive(after t: Double, x: Double, tx: Double, age: Double) -> Double {
        probabilityAlive(x: x, tx: tx, age: age) * Self.survivalIfAlive(parameters, after: t, x: x, age: age)
    }

    /// P(still alive `t` after T | alive at T) = ₂F₁(r+x, a; a+b+x; −t/(α+T)). MBG/NBD's is this with b+1.
    static func survivalIfAlive(_ p: Parameters, after t: Double, x: Double, age: Double) -> Double {
        guard t > 0 else { return 1 }
        return SpecialFunctions.hypergeometric2F1(p.r + x, p.a, p.a + p.b + x, -t / (p.alpha + age))
    }

    /// Expected purchases in the next `t` time units if the customer is still active:
    /// (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]. Depends on x and T only.
    public func expectedTransactionsIfAlive(in t: Double, x: Double, age: Double) -> Double {
        Self.expectedTransactionsIfAlive(parameters, in: t, x: x, age: age)
    }

    /// The formula above at parameters `p`. MBG/NBD's is this with b+1: after the first purchase its
    /// dropout process is BG/NBD's with one more "survived" trial.
    static func expectedTransactionsIfAlive(_ p: Parameters, in t: Double, x: Double, age: Double) -> Double {
        guard t > 0 else { return 0 }
        let z = t / (p.alpha + age + t)
        let hyp = SpecialFunctions.hypergeometric2F1(p.r + x, p.b + x, p.a + p.b + x - 1, z)
        let head = (p.a + p.b + x - 1) / (p.a - 1)
        let decay = Foundation.exp((p.r + x) * Foundation.log((p.alpha + age) / (p.alpha + age + t)))
        return head * (1 - decay * hyp)
    }

    /// Expected purchases of a new customer in their first `t` time units after the first purchase
    /// (FHL 2005, eq. 9): the conditional expectation at x = 0, T = 0, where P(alive) is 1.
    public func expectedTransactions(in t: Double) -> Double {
        Self.expectedTransactionsIfAlive(parameters, in: t, x: 0, age: 0)
    }

    /// P(X(t) = n) for a new customer (FHL 2005, eq. 8).
    public func probabilityOfTransactions(_ n: Int, in t: Double) -> Double {
        let p = parameters
        let x = Double(n)
        let logBetaRatio = Double.logBeta(p.a, p.b + x) - Double.logBeta(p.a, p.b)
        let logPoisson = Double.logGamma(p.r + x) - Double.logGamma(p.r) - Double.logGamma(x + 1)
            + p.r * Foundation.log(p.alpha / (p.alpha + t)) + x * Foundation.log(t / (p.alpha + t))
        var result = Foundation.exp(logBetaRatio + logPoisson)
        if n > 0 {
            var sum = 0.0
            for j in 0..<n {
                let jd = Double(j)
                sum += Foundation.exp(Double.logGamma(p.r + jd) - Double.logGamma(p.r) - Double.logGamma(jd + 1)
                                      + jd * Foundation.log(t / (p.alpha + t)))
            }
            let logDropRatio = Double.logBeta(p.a + 1, p.b + x - 1) - Double.logBeta(p.a, p.b)
            result += Foundation.exp(logDropRatio) * (1 - Foundation.pow(p.alpha / (p.alpha + t), p.r) * sum)
        }
        return result
    }
}
