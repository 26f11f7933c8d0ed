import CLVNumerics
import Foundation

/// The beta-geometric/beta-binomial (BG/BB) model for discrete transaction opportunities (a yearly
/// donation, an annual event): while alive a customer transacts at each opportunity with probability
/// p ~ Beta(α, β), and dies before each opportunity with probability θ ~ Beta(γ, δ). A history is x
/// transactions in n opportunities, the last at opportunity tₓ (0 if none).
///
/// > Fader, P. S., Hardie, B. G. S. & Shang, J. (2010). Customer-Base Analysis in a Discrete-Time
/// > Noncontractual Setting. *Marketing Science* 29(6), 1086–1108.
public struct BGBBModel: Sendable, Hashable, Codable {
    /// The four parameters (α, β, γ, δ); ``BGBBModel/init(parameters:)`` requires each to be finite and > 0.
    public struct Parameters: Sendable, Hashable, Codable {
        /// α of Beta(α, β), the distribution of the transaction probability p at each opportunity.
        public var alpha: Double
        /// β of Beta(α, β), the distribution of the transaction probability p at each opportunity.
        public var beta: Double
        /// γ of Beta(γ, δ), the distribution of the dropout probability θ before each opportunity.
        public var gamma: Double
        /// δ of Beta(γ, δ), the distribution of the dropout probability θ before each opportunity.
        public var delta: Double
        /// The parameters as given, unchecked.
        public init(alpha: Double, beta: Double, gamma: Double, delta: Double) {
            self.alpha = alpha; self.beta = beta; self.gamma = gamma; self.delta = delta
        }
        /// [α, β, γ, δ], the order of ``BGBBModel/parameterNames``.
        public var vector: [Double] { [alpha, beta, gamma, delta] }
    }

    /// Weighted (x, tₓ, n) patterns.
    public struct Patterns: Sendable {
        /// x of each pattern: transactions at the n opportunities.
        public var frequency: [Int] = []
        /// tₓ of each pattern: the opportunity (1…n) of the last transaction, 0 when x = 0.
        public var recency: [Int] = []
        /// n of each pattern: the transaction opportunities observed (≥ 1).
        public var opportunities: [Int] = []
        /// The number of customers with each pattern (≥ 0).
        public var weight: [Double] = []
        /// Number of patterns.
        public var count: Int { weight.count }
        /// Number of customers represented (the sum of the weights).
        public var customers: Double { weight.reduce(0, +) }

        /// Patterns from parallel columns, kept as given (equal patterns are not merged).
        /// - Throws: ``ModelError/invalidData(_:)`` when the columns differ in length, or for an impossible pattern:
        ///   each needs 0 ≤ x ≤ tₓ ≤ n, n ≥ 1, tₓ = 0 exactly when x = 0, and a weight ≥ 0.
        public init(frequency: [Int], recency: [Int], opportunities: [Int], weights: [Double]) throws {
            guard frequency.count == recency.count, recency.count == opportunities.count, opportunities.count == weights.count else {
                throw ModelError.invalidData("BG/BB: frequency, recency, opportunities and weights differ in length.")
            }
            for i in frequency.indices {
                let (x, tx, n) = (frequency[i], recency[i], opportunities[i])
                guard x >= 0, tx >= 0, n >= 1, x <= tx, tx <= n, (x == 0) == (tx == 0), weights[i] >= 0 else {
                    throw ModelError.invalidData("BG/BB: pattern \(i + 1) (x \(x), tₓ \(tx), n \(n)) is impossible: need 0 ≤ x ≤ tₓ ≤ n and tₓ = 0 exactly when x = 0.")
                }
            }
            self.frequency = frequency; self.recency = recency; self.opportunities = opportunities; self.weight = weights
        }
    }

    /// The name as the paper writes it, used in reports and messages.
    public static let displayName = "BG/BB"
    /// Parameter names in the paper's order (α, β, γ, δ), as in model files.
    public static let parameterNames = ["alpha", "beta", "gamma", "delta"]
    /// The model's parameters.
    public let parameters: Parameters

    /// - Throws: ``ModelError/invalidParameter(model:name:value:requirement:)`` unless every parameter is finite and > 0.
    public init(parameters: Parameters) throws {
        try ModelError.requirePositive(parameters.vector, names: Self.parameterNames, model: Self.displayName)
        self.parameters = parameters
    }

    /// log L (FHS 2010, eq. 5): B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
    /// + Σ_{i=0}^{n−tₓ−1} B(α+x, β+tₓ−x+i)/B(α,β) · B(γ+1, δ+tₓ+i)/B(γ,δ).
    public static func logLikelihood<T: ScalarField>(alpha: T, beta: T, gamma: T, delta: T, x: Int, tx: Int, n: Int) -> T {
        let (xd, txd, nd) = (Double(x), Double(tx), Double(n))
        let base = T.logBeta(alpha, beta) + T.logBeta(gamma, delta)
        var total = T.logBeta(alpha + xd, beta + (nd - xd)) + T.logBeta(gamma, delta + nd) - base
        if n - tx - 1 >= 0 {
            for i in 0...(n - tx - 1) {
                let id = Double(i)
                let term = T.logBeta(alpha + xd, beta + (txd - xd + id)) + T.logBeta(gamma + 1, delta + (txd + id)) - base
                total = T.logSumExp(total, term)
            }
        }
        return total
    }

    static func totalLogLikelihood<T: ScalarField>(_ p: [T], _ data: Patterns) -> T {
        var total = T(0)
        for i in 0..<data.count {
            total = total + logLikelihood(alpha: p[0], beta: p[1], gamma: p[2], delta: p[3], x: data.frequency[i],
                                          tx: data.recency[i], n: data.opportunities[i]) * data.weight[i]
        }
        return total
    }

    /// Fits the model by maximum likelihood, starting from α = β = γ = δ = 1 unless `options` give a start.
    /// - Throws: ``ModelError/invalidData(_:)`` when there are no patterns,
    ///   ``ModelError/notConverged(model:gradientNorm:iterations:logLikelihood:hint:)`` or
    ///   ``ModelError/unusableModel(model:reason:)`` when the fit fails, and `CancellationError` when cancelled.
    public static func fit(_ data: Patterns, options: FitOptions = FitOptions()) throws -> (model: BGBBModel, report: FitReport) {
        guard data.count > 0 else { throw ModelError.invalidData("\(displayName): no patterns to fit.") }
        let report = try MaximumLikelihood.fit(
            model: displayName, names: parameterNames, start: [1, 1, 1, 1], options: options,
            observations: data.customers, distinct: data.count,
            logLikelihood: { totalLogLikelihood($0, data) }, value: { totalLogLikelihood($0, data) },
            hint: "Try --penalizer 0.001.")
        let v = report.vector
        return (try BGBBModel(parameters: Parameters(alpha: v[0], beta: v[1], gamma: v[2], delta: v[3])), report)
    }

    /// Total log-likelihood of the patterns, each weighted by its number of customers.
    public func logLikelihood(of data: Patterns) -> Double { Self.totalLogLikelihood(parameters.vector, data) }

    /// Log-likelihood of one history: x transactions in n opportunities, the last at opportunity tₓ.
    public func logLikelihood(x: Int, tx: Int, n: Int) -> Double {
        let p = parameters
        return Self.logLikelihood(alpha: p.alpha, beta: p.beta, gamma: p.gamma, delta: p.delta, x: x, tx: tx, n: n)
    }

    /// P(alive at opportunity n+m | x, tₓ, n) = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n+m)/B(γ,δ) / L; m = 0 is
    /// "still alive now", m = 1 FHS (2010) eq. 11 (alive at the next opportunity).
    public func probabilityAlive(x: Int, tx: Int, n: Int, periodsAhead m: Int = 0) -> Double {
        let p = parameters
        let (xd, nd) = (Double(x), Double(n))
        let logNumerator = Double.logBeta(p.alpha + xd, p.beta + nd - xd) - Double.logBeta(p.alpha, p.beta)
            + Double.logBeta(p.gamma, p.delta + nd + Double(m)) - Double.logBeta(p.gamma, p.delta)
        return Foundation.exp(logNumerator - logLikelihood(x: x, tx: tx, n: n))
    }

    /// Expected transactions in the next `future` opportunities (FHS 2010, eq. 13).
    public func expectedTransactions(inNext future: Int, x: Int, tx: Int, n: Int) -> Double {
        let p = parameters
        let (xd, nd, m) = (Double(x), Double(n), Double(future))
        let logHead = Double.logBeta(p.alpha + xd + 1, p.beta + nd - xd) - Double.logBeta(p.alpha, p.beta)
            - logLikelihood(x: x, tx: tx, n: n)
        let g = Double.logGamma(p.gamma + p.delta) - Double.logGamma(1 + p.delta)
        let bracket = Foundation.exp(Double.logGamma(1 + p.delta + nd) - Double.logGamma(p.gamma + p.delta + nd))
            - Foundation.exp(Double.logGamma(1 + p.delta + nd + m) - Double.logGamma(p.gamma + p.delta + nd + m))
        return Foundation.exp(logHead + g) * p.delta / (p.gamma - 1) * bracket
    }

    /// P(X(n) = x): probability that a new customer transacts at x of the first n opportunities (FHS 2010, eq. 7):
    /// C(n,x) B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ) + Σ_{i=x}^{n−1} C(i,x) B(α+x, β+i−x)/B(α,β) · B(γ+1, δ+i)/B(γ,δ).
    public func probabilityOfTransactions(_ x: Int, inFirst n: Int) -> Double {
        guard x >= 0, x <= n else { return 0 }
        let p = parameters
        func logChoose(_ a: Int, _ b: Int) -> Double {
            Double.logGamma(Double(a) + 1) - Double.logGamma(Double(b) + 1) - Double.logGamma(Double(a - b) + 1)
        }
        let (xd, nd) = (Double(x), Double(n))
        let b0 = Double.logBeta(p.alpha, p.beta), g0 = Double.logBeta(p.gamma, p.delta)
        var total = Foundation.exp(logChoose(n, x) + Double.logBeta(p.alpha + xd, p.beta + nd - xd) - b0
                                   + Double.logBeta(p.gamma, p.delta + nd) - g0)
        if x <= n - 1 {
            for i in x...(n - 1) {
                let id = Double(i)
                total += Foundation.exp(logChoose(i, x) + Double.logBeta(p.alpha + xd, p.beta + id - xd) - b0
                                        + Double.logBeta(p.gamma + 1, p.delta + id) - g0)
            }
        }
        return total
    }

    /// Expected transactions of a new customer in the first n opportunities (FHS 2010, eq. 8).
    public func expectedTransactions(inFirst n: Int) -> Double {
        let p = parameters
        let nd = Double(n)
        let ratio = Foundation.exp(Double.logGamma(p.gamma + p.delta) - Double.logGamma(p.gamma + p.delta + nd)
                                   + Double.logGamma(1 + p.delta + nd) - Double.logGamma(1 + p.delta))
        return p.alpha / (p.alpha + p.beta) * p.delta / (p.gamma - 1) * (1 - ratio)
    }
}
