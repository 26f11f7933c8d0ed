import CLVCore
import CLVNumerics
import Foundation

/// The modified BG/NBD (MBG/NBD) model: as BG/NBD, but a customer may also drop out right after the
/// first purchase, so P(alive) < 1 even without repeat purchases.
///
/// > Batislam, E. P., Denizel, M. & Filiztekin, A. (2007). Empirical validation and comparison of models
/// > for customer base analysis. *International Journal of Research in Marketing* 24(3), 201–209.
public struct MBGNBDModel: Sendable, Hashable, Codable {
    /// The same four parameters as BG/NBD (r, α, a, b).
    public typealias Parameters = BGNBDModel.Parameters
    /// The name as the paper writes it, used in reports and messages.
    public static let displayName = "MBG/NBD"
    /// Parameter names in the paper's order (r, α, a, b), as in model files.
    public static let parameterNames = BGNBDModel.parameterNames
    /// The model's parameters.
    public let parameters: Parameters

    /// - Throws: ``ModelError/invalidParameter(model:name:value:requirement:)`` unless every parameter is finite and > 0.
    public init(parameters: Parameters) throws {
        try ModelError.requirePositive(parameters.vector, names: Self.parameterNames, model: Self.displayName)
        self.parameters = parameters
    }

    /// log L = log Γ(r+x) − log Γ(r) + r log α + log B(a, b+x+1) − log B(a, b)
    ///       + log[(α+T)^−(r+x) + a/(b+x) · (α+tₓ)^−(r+x)].
    public static func logLikelihood<T: ScalarField>(r: T, alpha: T, a: T, b: T, x: Double, tx: Double, age: Double) -> T {
        let rx = r + x
        let purchases = T.logGamma(rx) - T.logGamma(r) + r * T.log(alpha)
        let dropout = T.logGamma(a + b) + T.logGamma(b + (x + 1)) - T.logGamma(b) - T.logGamma(a + b + (x + 1))
        let stillAlive = -rx * T.log(alpha + age)
        let droppedOut = T.log(a) - T.log(b + x) - rx * T.log(alpha + tx)
        return purchases + dropout + T.logSumExp(stillAlive, droppedOut)
    }

    /// Total log-likelihood, with per-distinct-value terms as in ``BGNBDModel``.
    static func totalLogLikelihood<T: ScalarField>(_ p: [T], _ cells: RFMCells) -> T {
        BGNBDModel.betaGeometricLogLikelihood(p, cells, dropoutAtFirstPurchase: true)
    }

    /// Fits the model by maximum likelihood, as ``BGNBDModel/fit(_:options:)`` does.
    /// - Throws: ``ModelError/notConverged(model:gradientNorm:iterations:logLikelihood:hint:)`` with a diagnosis,
    ///   ``ModelError/unusableModel(model:reason:)`` when the data do not identify the parameters.
    public static func fit(_ cells: RFMCells, options: FitOptions = FitOptions()) throws -> (model: MBGNBDModel, report: FitReport) {
        let report = try BGNBDModel.fitBetaGeometric(cells, options: options, model: displayName, dropoutAtFirstPurchase: true)
        let v = report.vector
        return (try MBGNBDModel(parameters: Parameters(r: v[0], alpha: v[1], a: v[2], b: v[3])), report)
    }

    /// Total log-likelihood of weighted histories.
    public func logLikelihood(of cells: RFMCells) -> Double { Self.totalLogLikelihood(parameters.vector, cells) }

    /// Log-likelihood of one customer: x repeat purchases, the last at tₓ, observed for T (`age`), in the
    /// model's time unit.
    public func logLikelihood(x: Double, tx: Double, age: Double) -> Double {
        let p = parameters
        return Self.logLikelihood(r: p.r, alpha: p.alpha, a: p.a, b: p.b, x: x, tx: tx, age: age)
    }

    /// P(alive) = 1 / (1 + a/(b+x) · ((α+T)/(α+tₓ))^(r+x)).
    public func probabilityAlive(x: Double, tx: Double, age: Double) -> Double {
        let p = parameters
        let logRatio = Foundation.log(p.a / (p.b + x)) + (p.r + x) * Foundation.log((p.alpha + age) / (p.alpha + tx))
        return 1 / (1 + Foundation.exp(logRatio))
    }

    /// P(alive `t` after T) = P(alive at T) · ₂F₁(r+x, a; a+b+x+1; −t/(α+T)) (given alive, p ~ Beta(a, b+x+1)).
    public func probabilityAlive(after t: Double, x: Double, tx: Double, age: Double) -> Double {
        probabilityAlive(x: x, tx: tx, age: age) * BGNBDModel.survivalIfAlive(bShifted, after: t, x: x, age: age)
    }

    /// If still active: (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x+1; a+b+x; t/(α+T+t))].
    public func expectedTransactionsIfAlive(in t: Double, x: Double, age: Double) -> Double {
        BGNBDModel.expectedTransactionsIfAlive(bShifted, in: t, x: x, age: age)
    }

    /// BG/NBD's parameters with b+1: given survival past the first purchase, the dropout probability
    /// is Beta(a, b+x+1) after x repeats, BG/NBD's Beta(a, b+x) with b+1.
    private var bShifted: Parameters {
        Parameters(r: parameters.r, alpha: parameters.alpha, a: parameters.a, b: parameters.b + 1)
    }

    /// Expected purchases of a new customer in `t` time units: b/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b+1; a+b; t/(α+t))].
    public func expectedTransactions(in t: Double) -> Double {
        let p = parameters
        let hyp = SpecialFunctions.hypergeometric2F1(p.r, p.b + 1, p.a + p.b, t / (p.alpha + t))
        return p.b / (p.a - 1) * (1 - Foundation.pow(p.alpha / (p.alpha + t), p.r) * hyp)
    }
}
