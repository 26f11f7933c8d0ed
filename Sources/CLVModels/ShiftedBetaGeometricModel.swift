import CLVNumerics
import Foundation

/// The shifted-beta-geometric (sBG) model for contracts renewed each period (subscriptions): each
/// customer churns at the end of a period with probability θ ~ Beta(α, β), so retention rises with
/// tenure as the likely churners leave.
///
/// > Fader, P. S. & Hardie, B. G. S. (2007). How to Project Customer Retention. *Journal of Interactive
/// > Marketing* 21(1), 76–90. DERL: Fader & Hardie (2010), Customer-Base Valuation in a Contractual
/// > Setting: The Perils of Ignoring Heterogeneity. *Marketing Science* 29(1), 85–93.
public struct ShiftedBetaGeometricModel: Sendable, Hashable, Codable {
    /// The two parameters (α, β); ``ShiftedBetaGeometricModel/init(parameters:)`` requires each to be finite and > 0.
    public struct Parameters: Sendable, Hashable, Codable {
        /// α of Beta(α, β), the distribution of the churn probability θ across customers.
        public var alpha: Double
        /// β of Beta(α, β), the distribution of the churn probability θ across customers.
        public var beta: Double
        /// The parameters as given, unchecked.
        public init(alpha: Double, beta: Double) { self.alpha = alpha; self.beta = beta }
        /// [α, β], the order of ``ShiftedBetaGeometricModel/parameterNames``.
        public var vector: [Double] { [alpha, beta] }
    }

    /// A cohort: how many customers are still active at the start of periods 0, 1, 2, … (non-increasing).
    public struct Cohort: Sendable, Hashable {
        /// Active customers at the start of each period; element 0 is the cohort's size.
        public var active: [Double]
        /// - Throws: ``ModelError/invalidData(_:)`` unless there are at least two counts, each finite and ≥ 0,
        ///   and none larger than the one before.
        public init(active: [Double]) throws {
            guard active.count >= 2, active.allSatisfy({ $0 >= 0 && $0.isFinite }),
                  zip(active, active.dropFirst()).allSatisfy({ $0 >= $1 }) else {
                throw ModelError.invalidData("sBG: a cohort needs at least two non-increasing, non-negative counts of active customers.")
            }
            self.active = active
        }
    }

    /// The name as the paper writes it, used in reports and messages.
    public static let displayName = "sBG"
    /// Parameter names in the paper's order (α, β), as in model files.
    public static let parameterNames = ["alpha", "beta"]
    /// The model's parameters.
    public let parameters: Parameters

    /// - Throws: ``ModelError/invalidParameter(model:name:value:requirement:)`` unless every parameter is finite and > 0.
    public init(parameters: Parameters) throws {
        try ModelError.requirePositive(parameters.vector, names: Self.parameterNames, model: Self.displayName)
        self.parameters = parameters
    }

    /// log P(T = t) = log B(α+1, β+t−1) − log B(α, β): churn at the end of period t (t ≥ 1).
    static func logChurn<T: ScalarField>(_ alpha: T, _ beta: T, _ t: Double) -> T {
        T.logBeta(alpha + 1, beta + (t - 1)) - T.logBeta(alpha, beta)
    }

    /// log S(t) = log B(α, β+t) − log B(α, β): still active after t periods.
    static func logSurvival<T: ScalarField>(_ alpha: T, _ beta: T, _ t: Double) -> T {
        T.logBeta(alpha, beta + t) - T.logBeta(alpha, beta)
    }

    static func totalLogLikelihood<T: ScalarField>(_ p: [T], _ cohorts: [Cohort]) -> T {
        var total = T(0)
        for cohort in cohorts {
            let a = cohort.active
            for t in 1..<a.count where a[t - 1] - a[t] > 0 {
                total = total + logChurn(p[0], p[1], Double(t)) * (a[t - 1] - a[t])
            }
            if let last = a.last, last > 0 { total = total + logSurvival(p[0], p[1], Double(a.count - 1)) * last }
        }
        return total
    }

    /// Fits α and β to one or more cohorts.
    public static func fit(_ cohorts: [Cohort], options: FitOptions = FitOptions()) throws -> (model: ShiftedBetaGeometricModel, report: FitReport) {
        guard !cohorts.isEmpty else { throw ModelError.invalidData("sBG: no cohorts to fit.") }
        let customers = cohorts.reduce(0) { $0 + ($1.active.first ?? 0) }
        let report = try MaximumLikelihood.fit(
            model: displayName, names: parameterNames, start: [1, 1], options: options, observations: customers,
            distinct: cohorts.reduce(0) { $0 + $1.active.count },
            logLikelihood: { totalLogLikelihood($0, cohorts) }, value: { totalLogLikelihood($0, cohorts) },
            hint: "Check that the counts of active customers are non-increasing.")
        let v = report.vector
        return (try ShiftedBetaGeometricModel(parameters: Parameters(alpha: v[0], beta: v[1])), report)
    }

    /// S(t): share of a new cohort still active after t periods.
    public func survival(_ t: Int) -> Double {
        Foundation.exp(Self.logSurvival(parameters.alpha, parameters.beta, Double(t)))
    }

    /// r(t) = (β+t−1)/(α+β+t−1): share of those active in period t−1 who renew for period t.
    public func retention(_ t: Int) -> Double {
        let p = parameters
        return (p.beta + Double(t) - 1) / (p.alpha + p.beta + Double(t) - 1)
    }

    /// Discounted expected residual lifetime, in periods, of a customer who has made `renewals` renewals
    /// (is at the end of period renewals + 1... i.e. has been active for n = renewals + 1 periods), at
    /// discount rate d per period (FH 2010, eq. 6):
    /// DERL = (β+n−1)/(α+β+n−1) · ₂F₁(1, β+n; α+β+n; 1/(1+d)).
    public func discountedExpectedResidualLifetime(renewals: Int, discountRate d: Double) -> Double {
        let p = parameters
        let n = Double(renewals + 1)
        return (p.beta + n - 1) / (p.alpha + p.beta + n - 1)
            * SpecialFunctions.hypergeometric2F1(1, p.beta + n, p.alpha + p.beta + n, 1 / (1 + d))
    }
}
