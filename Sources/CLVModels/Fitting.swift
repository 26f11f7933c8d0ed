import CLVCore
import CLVNumerics
import Foundation

/// How to fit a model.
public struct FitOptions: Sendable, Hashable, Codable {
    /// L2 penalty on the parameters, added to the mean negative log-likelihood as
    /// `penalizer × Σ θ²` (the convention of lifetimes, so that values carry over).
    public var penalizer: Double
    /// Starting values (in the model's parameter order); nil uses the model's defaults.
    public var initialParameters: [Double]?
    /// Iteration limit of each BFGS run (the Nelder–Mead fallback keeps its own limit).
    public var maxIterations: Int
    /// Wall-clock limit in seconds: a fit that has not converged by then fails with a diagnosis
    /// instead of running on.
    public var timeLimit: Double
    /// Stops the fit early (it then throws `CancellationError`); checked at every evaluation of the objective.
    public var cancellation: CancellationToken? = nil

    enum CodingKeys: String, CodingKey { case penalizer, initialParameters, maxIterations, timeLimit }

    /// Options of a fit (default: no penalty, the model's start, 1000 iterations, 60 s). The cancellation
    /// token is not an argument: set ``cancellation`` afterwards. It is not encoded.
    public init(penalizer: Double = 0, initialParameters: [Double]? = nil, maxIterations: Int = 1000, timeLimit: Double = 60) {
        self.penalizer = penalizer
        self.initialParameters = initialParameters
        self.maxIterations = maxIterations
        self.timeLimit = timeLimit
    }
}

/// One fitted parameter.
public struct ParameterEstimate: Sendable, Hashable, Codable {
    /// The parameter's name as in the paper ("r", "alpha").
    public var name: String
    /// The maximum-likelihood (or penalised) estimate, on the natural scale.
    public var value: Double
    /// From the inverse Hessian of the negative log-likelihood at the estimate.
    public var standardError: Double
    /// 95% interval on the log scale (delta method): value · exp(±1.96 · SE / value); always positive.
    public var lower95: Double
    /// Upper bound of the 95% interval (see ``lower95``).
    public var upper95: Double
}

/// The result of a maximum-likelihood fit.
public struct FitReport: Sendable, Codable {
    /// The model's display name ("BG/NBD").
    public var model: String
    /// The estimates, in the model's parameter order (the paper's).
    public var parameters: [ParameterEstimate]
    /// Covariance matrix of the estimates (row and column order as `parameters`).
    public var covariance: [[Double]]
    /// Total log-likelihood of the data at the estimates, without the penalty.
    public var logLikelihood: Double
    /// Akaike's information criterion, 2k − 2 log L for k parameters.
    public var aic: Double
    /// The Bayesian information criterion, k log(customers) − 2 log L for k parameters.
    public var bic: Double
    /// Number of customers (sum of weights) and distinct histories used.
    public var customers: Double
    /// Number of distinct histories (cells or patterns; for sBG, period counts) the likelihood summed over.
    public var distinctHistories: Int
    /// Always true in a report returned by a fit: a fit that does not converge throws instead.
    public var converged: Bool
    /// Iterations of the optimiser run that gave the estimates.
    public var iterations: Int
    /// Largest absolute gradient component of the penalised mean objective, in log-parameters, at the
    /// estimates (NaN when Nelder–Mead gave them).
    public var gradientNorm: Double
    /// The optimiser that gave the estimates: `BFGS` or `Nelder-Mead`.
    public var method: String
    /// The L2 penalty the fit used (``FitOptions/penalizer``).
    public var penalizer: Double
    /// Wall-clock time of the fit, in seconds.
    public var seconds: Double

    /// The estimates by name.
    public var values: [String: Double] { Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.value) }) }
    /// The estimates in order.
    public var vector: [Double] { parameters.map(\.value) }
}

/// Maximum-likelihood fitting shared by all models: positive parameters are optimised as logarithms
/// with BFGS on exact gradients (forward-mode ``Dual`` numbers); a failed or non-finite run falls
/// back to Nelder–Mead from the same start and from scaled starts, then polishes with BFGS.
enum MaximumLikelihood {
    /// The objective in φ = log θ: mean negative log-likelihood plus penalizer × Σθ², with its gradient in φ.
    static func penalizedObjective(_ phi: [Double], _ logLikelihood: ([Dual]) -> Dual, weight: Double,
                                   penalizer: Double) -> (value: Double, gradient: [Double]) {
        let theta = phi.indices.map { j -> Dual in
            let v = Foundation.exp(phi[j])
            var g = SIMD4<Double>.zero
            g[j] = v
            return Dual(value: v, gradient: g)
        }
        var f = -logLikelihood(theta) / weight
        for t in theta { f = f + t * t * penalizer }
        return (f.value, phi.indices.map { f.gradient[$0] })
    }

    /// Fits a model of RFM histories. With more than 100 000 distinct histories, a 1-in-8 subsample is
    /// optimised first and warm-starts the full-data run.
    /// - Parameter logLikelihood: total log-likelihood of the cells, called with both Dual and Double
    ///   parameters (pass the model's generic `totalLogLikelihood` twice).
    static func fit(model: String, names: [String], start: [Double], cells: RFMCells, options: FitOptions, hint: String,
                    logLikelihood: @escaping ([Dual], RFMCells) -> Dual,
                    value: @escaping ([Double], RFMCells) -> Double) throws -> FitReport {
        guard cells.count > 0 else { throw ModelError.invalidData("\(model): no customers to fit.") }
        return try fit(
            model: model, names: names, start: start, options: options, observations: cells.customers, distinct: cells.count,
            logLikelihood: { logLikelihood($0, cells) }, value: { value($0, cells) },
            warmStart: cells.count > 100_000 ? { [sample = cells.subsample(every: 8)] in logLikelihood($0, sample) } : nil,
            hint: hint)
    }

    /// - Parameters:
    ///   - logLikelihood: Σ weight × log-likelihood over the data at natural-scale parameters.
    /// - Parameter warmStart: for large data, the log-likelihood of a subsample (scaled to the same number
    ///   of customers); the optimiser starts from its optimum.
    static func fit(model: String, names: [String], start: [Double], options: FitOptions, observations: Double,
                    distinct: Int, logLikelihood: @escaping ([Dual]) -> Dual, value: @escaping ([Double]) -> Double,
                    warmStart: (([Dual]) -> Dual)? = nil, hint: String) throws -> FitReport {
        let started = Date()
        let n = names.count
        let weight = max(observations, 1)
        var initial = options.initialParameters ?? start
        var curvature: [[Double]]?
        if let warmStart, options.initialParameters == nil {
            // Optimise the subsample first; its optimum and BFGS curvature start the full-data run.
            let rough = Minimizer.bfgs(start: initial.map { Foundation.log($0) }, maxIterations: options.maxIterations) {
                penalizedObjective($0, warmStart, weight: weight, penalizer: options.penalizer)
            }
            if rough.converged, rough.value.isFinite {
                initial = rough.point.map { Foundation.exp($0) }
                curvature = rough.inverseHessian
            }
        }
        guard initial.count == n, initial.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw ModelError.invalidData("\(model): initial parameters must be \(n) positive numbers (\(names.joined(separator: ", "))).")
        }
        let penalizer = options.penalizer
        let deadline = started.addingTimeInterval(options.timeLimit)
        let cancellation = options.cancellation
        // A cancelled fit looks to the optimiser like a time-out (NaN), and then throws CancellationError.
        func stopped() -> Bool { Date() > deadline || cancellation?.isCancelled == true }
        func objective(_ phi: [Double]) -> (value: Double, gradient: [Double]) {
            if stopped() { return (.nan, phi.map { _ in .nan }) }
            return penalizedObjective(phi, logLikelihood, weight: weight, penalizer: penalizer)
        }
        func plain(_ phi: [Double]) -> Double {
            if stopped() { return .nan }
            let theta = phi.map { Foundation.exp($0) }
            return -value(theta) / weight + penalizer * theta.reduce(0) { $0 + $1 * $1 }
        }
        let phi0 = initial.map { Foundation.log($0) }
        var best = Minimizer.bfgs(start: phi0, maxIterations: options.maxIterations, initialInverseHessian: curvature, objective)
        if !best.converged || !best.value.isFinite {
            for scale in [0.0, -1.0, 1.0, -2.0] where !stopped() {
                let shifted = phi0.map { $0 + scale }
                let simplex = Minimizer.nelderMead(start: shifted, initialStep: 0.5, plain)
                guard simplex.value.isFinite else { continue }
                let polished = Minimizer.bfgs(start: simplex.point, maxIterations: options.maxIterations, objective)
                let candidate = polished.value.isFinite && polished.value <= simplex.value ? polished : simplex
                if !best.value.isFinite || candidate.value < best.value - 1e-12 || (candidate.converged && !best.converged) {
                    best = candidate
                }
                if best.converged { break }
            }
        }
        try cancellation?.check()
        let theta = best.point.map { Foundation.exp($0) }
        let ll = value(theta)
        guard best.converged, ll.isFinite, theta.allSatisfy(\.isFinite) else {
            let timedOut = Date() > deadline
            throw ModelError.notConverged(model: model, gradientNorm: best.gradientNorm, iterations: best.iterations,
                                          logLikelihood: ll, hint: (timedOut ? "It stopped at the \(Int(options.timeLimit)) s time limit. " : "") + hint)
        }
        // Standard errors: inverse Hessian of the total negative log-likelihood in natural parameters.
        func totalGradient(_ t: [Double]) -> [Double] {
            let duals = (0..<n).map { Dual.variable(t[$0], index: $0) }
            var f = -logLikelihood(duals)
            for d in duals { f = f + d * d * (penalizer * weight) }
            return (0..<n).map { f.gradient[$0] }
        }
        let hessian = Minimizer.hessian(at: theta, gradientAtX: totalGradient(theta), totalGradient)
        var covariance = Minimizer.inverse(hessian) ?? [[Double]](repeating: [Double](repeating: .nan, count: n), count: n)
        for i in 0..<n { for j in 0..<i { let m = (covariance[i][j] + covariance[j][i]) / 2; covariance[i][j] = m; covariance[j][i] = m } }
        let estimates = (0..<n).map { j -> ParameterEstimate in
            let se = covariance[j][j] >= 0 ? covariance[j][j].squareRoot() : .nan
            let factor = Foundation.exp(1.959963984540054 * se / theta[j])
            return ParameterEstimate(name: names[j], value: theta[j], standardError: se,
                                     lower95: theta[j] / factor, upper95: theta[j] * factor)
        }
        // A parameter that ran off to 0 or ∞, or a Hessian that gives no standard error, means the data do not
        // identify the model: report that rather than numbers that look like estimates.
        if let bad = estimates.first(where: { !$0.standardError.isFinite || $0.value > 1e6 || $0.value < 1e-6 }) {
            throw ModelError.unusableModel(model: model, reason: "the data do not pin the model down: \(bad.name) ran to \(bad.value) (standard error \(bad.standardError)). Use a longer history, or a penalizer such as --penalizer 0.01.")
        }
        let k = Double(n)
        return FitReport(model: model, parameters: estimates, covariance: covariance, logLikelihood: ll,
                         aic: 2 * k - 2 * ll, bic: k * Foundation.log(weight) - 2 * ll, customers: observations,
                         distinctHistories: distinct, converged: true, iterations: best.iterations,
                         gradientNorm: best.gradientNorm, method: best.method, penalizer: penalizer,
                         seconds: Date().timeIntervalSince(started))
    }
}
