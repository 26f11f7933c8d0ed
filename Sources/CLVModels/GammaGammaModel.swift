import CLVNumerics
import Foundation

/// The Gamma-Gamma model of spend: a customer's transactions are worth z ~ Gamma(p, ν), and ν ~
/// Gamma(q, γ) across customers; fitted on the mean value m of each repeat buyer's x repeat purchases.
/// It assumes spend is independent of purchase frequency (check ``frequencySpendCorrelation``).
///
/// > Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma Model of Monetary Value.
/// > http://www.brucehardie.com/notes/025/
///
/// > The model is that of Colombo, R. & Jiang, W. (1999). A Stochastic RFM Model. *Journal of Interactive
/// > Marketing* 13(3), 2–12, as used in Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: Using
/// > Iso-Value Curves for Customer Base Analysis. *Journal of Marketing Research* 42(4), 415–430.
public struct GammaGammaModel: Sendable, Hashable, Codable {
    /// The three parameters (p, q, γ); ``GammaGammaModel/init(parameters:)`` requires each to be finite and > 0.
    public struct Parameters: Sendable, Hashable, Codable {
        /// Shape of the Gamma(p, ν) distribution of one transaction's value, given the customer.
        public var p: Double
        /// Shape of the Gamma(q, γ) distribution of ν across customers; mean spend is finite only for q > 1.
        public var q: Double
        /// Rate γ of the Gamma(q, γ) distribution of ν, in money units (mean spend is pγ/(q−1)).
        public var gamma: Double
        /// The parameters as given, unchecked.
        public init(p: Double, q: Double, gamma: Double) { self.p = p; self.q = q; self.gamma = gamma }
        /// [p, q, γ], the order of ``GammaGammaModel/parameterNames``.
        public var vector: [Double] { [p, q, gamma] }
    }

    /// Repeat buyers' (x, m) pairs, collapsed with weights.
    public struct SpendCells: Sendable {
        /// x of each cell: the customer's repeat purchases (> 0).
        public var frequency: [Double] = []
        /// m of each cell: the mean value of those repeat purchases (> 0).
        public var meanValue: [Double] = []
        /// The number of repeat buyers with each (x, m) pair.
        public var weight: [Double] = []
        /// Pearson correlation of frequency and mean value over the repeat buyers.
        public var frequencySpendCorrelation: Double = .nan
        /// Distinct frequencies, their total weights, and each cell's frequency index.
        var xs: [Double] = [], xWeights: [Double] = [], xIndex: [Int32] = []
        /// Σ w·x·log m and Σ w·log m: the parts of the likelihood linear in p.
        var sumXLogM = 0.0, sumLogM = 0.0
        /// Number of repeat buyers kept (the sum of the weights).
        public var customers: Double { weight.reduce(0, +) }
        /// Number of distinct (x, m) cells.
        public var count: Int { weight.count }

        /// Keeps customers with x > 0 and m > 0 (the model's domain).
        public init(frequency xs: [Double], meanValue ms: [Double]) throws {
            guard xs.count == ms.count else { throw ModelError.invalidData("frequency and monetary value differ in length.") }
            // Distinct (x, m) in order of first appearance; both are positive, so bit patterns are equal exactly when values are.
            var index = FirstAppearance(expected: xs.count)
            var sx = 0.0, sm = 0.0, sxx = 0.0, smm = 0.0, sxm = 0.0, n = 0.0
            for i in xs.indices where xs[i] > 0 && ms[i] > 0 && ms[i].isFinite {
                let (k, isNew) = index.position(of: SIMD3(xs[i].bitPattern, ms[i].bitPattern, 0))
                if isNew {
                    frequency.append(xs[i]); meanValue.append(ms[i]); weight.append(1)
                } else {
                    weight[k] += 1
                }
                n += 1; sx += xs[i]; sm += ms[i]; sxx += xs[i] * xs[i]; smm += ms[i] * ms[i]; sxm += xs[i] * ms[i]
            }
            var position: [Double: Int32] = [:]
            for (k, x) in frequency.enumerated() {
                let i: Int32
                if let p = position[x] { i = p } else { i = Int32(self.xs.count); position[x] = i; self.xs.append(x); xWeights.append(0) }
                xIndex.append(i)
                xWeights[Int(i)] += weight[k]
                sumXLogM += weight[k] * x * Foundation.log(meanValue[k])
                sumLogM += weight[k] * Foundation.log(meanValue[k])
            }
            let cov = sxm / n - sx / n * sm / n
            let vx = sxx / n - (sx / n) * (sx / n), vm = smm / n - (sm / n) * (sm / n)
            frequencySpendCorrelation = n > 1 && vx > 0 && vm > 0 ? cov / (vx * vm).squareRoot() : .nan
        }
    }

    /// The model's name, used in reports and messages.
    public static let displayName = "Gamma-Gamma"
    /// Parameter names in the paper's order (p, q, γ), as in model files.
    public static let parameterNames = ["p", "q", "gamma"]
    /// The model's parameters.
    public let parameters: Parameters

    /// - Throws: ``ModelError/invalidParameter(model:name:value:requirement:)`` unless every parameter is finite
    ///   and > 0. q ≤ 1 is accepted here; ``fit(_:options:)`` refuses it.
    public init(parameters: Parameters) throws {
        try ModelError.requirePositive(parameters.vector, names: Self.parameterNames, model: Self.displayName)
        self.parameters = parameters
    }

    /// log f(m | x) = log Γ(px+q) − log Γ(px) − log Γ(q) + q log γ + (px−1) log m + px log x − (px+q) log(γ + x m).
    public static func logLikelihood<T: ScalarField>(p: T, q: T, gamma: T, x: Double, m: Double) -> T {
        let px = p * x
        return T.logGamma(px + q) - T.logGamma(px) - T.logGamma(q) + q * T.log(gamma)
            + (px - 1) * Foundation.log(m) + px * Foundation.log(x) - (px + q) * T.log(gamma + x * m)
    }

    /// Total log-likelihood: the terms that depend on x alone are summed per distinct x, those linear in
    /// p use precomputed sums, and each cell adds one −(px+q)·log(γ + x m), summed on all cores.
    static func totalLogLikelihood<T: ScalarField>(_ v: [T], _ cells: SpendCells) -> T {
        let (p, q, gamma) = (v[0], v[1], v[2])
        var total = p * cells.sumXLogM - T(cells.sumLogM)
        let logGammaQ = T.logGamma(q), logGammaRate = T.log(gamma)
        var coefficients: [T] = []
        for (k, x) in cells.xs.enumerated() {
            let px = p * x
            total = total + (T.logGamma(px + q) - T.logGamma(px) - logGammaQ + q * logGammaRate + px * Foundation.log(x)) * cells.xWeights[k]
            coefficients.append(px + q)
        }
        let pxq = coefficients
        let perCell = parallelSum(count: cells.count) { range in
            var s = T(0)
            for i in range {
                s = s + pxq[Int(cells.xIndex[i])] * T.log(gamma + cells.frequency[i] * cells.meanValue[i]) * cells.weight[i]
            }
            return s
        }
        return total - perCell
    }

    /// Fits the model; a fit with q ≤ 1 (infinite mean spend) is refused.
    public static func fit(_ cells: SpendCells, options: FitOptions = FitOptions()) throws -> (model: GammaGammaModel, report: FitReport) {
        guard cells.count > 1 else { throw ModelError.invalidData("\(displayName): needs at least two repeat buyers with positive spend.") }
        let meanSpend = zip(cells.meanValue, cells.weight).reduce(0) { $0 + $1.0 * $1.1 } / cells.customers
        let report = try MaximumLikelihood.fit(
            model: displayName, names: parameterNames, start: [1, 2, max(meanSpend, 1)], options: options,
            observations: cells.customers, distinct: cells.count,
            logLikelihood: { totalLogLikelihood($0, cells) }, value: { totalLogLikelihood($0, cells) },
            hint: "Try --penalizer 0.001, and check the spend column (zero, negative or extreme values).")
        let v = report.vector
        guard v[1] > 1 else {
            throw ModelError.unusableModel(model: displayName, reason: "the fitted q = \(v[1]) is ≤ 1, so expected spend is infinite and CLV meaningless; use a penalizer or cap extreme spend.")
        }
        return (try GammaGammaModel(parameters: Parameters(p: v[0], q: v[1], gamma: v[2])), report)
    }

    /// Total log-likelihood of the spend cells.
    public func logLikelihood(of cells: SpendCells) -> Double { Self.totalLogLikelihood(parameters.vector, cells) }

    /// Mean spend per transaction of an average new customer, pγ/(q−1) (infinite for q ≤ 1).
    public var populationMeanSpend: Double {
        let v = parameters
        return v.q > 1 ? v.p * v.gamma / (v.q - 1) : .infinity
    }

    /// Expected spend per transaction of a customer with x repeat purchases of mean value m:
    /// p(γ + x m) / (p x + q − 1), a weighted mean of the population mean and the customer's own.
    public func expectedSpend(x: Double, meanValue m: Double) -> Double {
        let v = parameters
        guard x > 0, m > 0 else { return populationMeanSpend }
        return v.p * (v.gamma + x * m) / (v.p * x + v.q - 1)
    }
}

/// The one policy for a spend model that cannot be fitted, used by every pipeline that values customers
/// (`clv analyze`, `clv segment --value clv`, similar-customer value):
///
/// Gamma-Gamma is fitted on the customers' repeat-purchase means. When that fails (fewer than two repeat
/// buyers with positive spend, no convergence, or q ≤ 1 so that mean spend is infinite), there is **no
/// spend model**: expected spend and CLV are left empty (never replaced by another estimate under the same
/// name), and ``note`` says why, for the command to print and the data-quality lines to carry.
public struct SpendModelFit: Sendable {
    /// The fitted model, or nil.
    public let model: GammaGammaModel?
    /// The fit report, when there is a model.
    public let report: FitReport?
    /// Why there is no spend model (nil when there is one).
    public let failure: String?

    /// Fits Gamma-Gamma; a failure is kept, not thrown.
    public init(_ cells: GammaGammaModel.SpendCells, options: FitOptions = FitOptions()) {
        do {
            let (m, r) = try GammaGammaModel.fit(cells, options: options)
            model = m; report = r; failure = nil
        } catch {
            model = nil; report = nil; failure = "\(error)"
        }
    }

    /// "no spend model (…): expected spend and CLV are left empty", or nil when there is a model.
    public var note: String? {
        failure.map { "no spend model (Gamma-Gamma could not be fitted: \($0)); expected spend and CLV are left empty" }
    }
}
