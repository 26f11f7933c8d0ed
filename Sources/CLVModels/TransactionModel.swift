import CLVCore
import CLVNumerics
import Foundation

/// A continuous-time "buy till you die" model: how many purchases a customer will make and whether
/// they are still active, from their history (x, tₓ, T) in the model's time unit.
public protocol TransactionModel: Sendable {
    /// "BG/NBD".
    static var displayName: String { get }
    /// The key used in model files and on the command line ("bgnbd").
    static var kind: TransactionModelKind { get }
    /// Parameter names as in the source paper.
    static var parameterNames: [String] { get }
    /// The parameters in the order of ``parameterNames``.
    var parameterVector: [Double] { get }
    /// - Throws: ``ModelError/invalidParameter(model:name:value:requirement:)``.
    init(vector: [Double]) throws
    /// Maximum-likelihood fit.
    static func fit(cells: RFMCells, options: FitOptions) throws -> (Self, FitReport)
    /// Total log-likelihood of weighted histories.
    func logLikelihood(of cells: RFMCells) -> Double
    /// P(the customer is still active at T).
    func probabilityAlive(x: Double, tx: Double, age: Double) -> Double
    /// Expected purchases in the next `t` time units.
    func expectedTransactions(in t: Double, x: Double, tx: Double, age: Double) -> Double
    /// Expected purchases in the next `t` time units of a customer who is still active; with P(alive)
    /// it gives the conditional expectation, and it depends on x and T only (fast batch scoring).
    func expectedTransactionsIfAlive(in t: Double, x: Double, age: Double) -> Double
    /// Expected purchases of a new customer in their first `t` time units.
    func expectedTransactions(in t: Double) -> Double
    /// P(alive `t` time units after T), given the history and no information after T.
    func probabilityAlive(after t: Double, x: Double, tx: Double, age: Double) -> Double
    /// P(alive) for many customers at once (models with costly terms share them between customers).
    func probabilitiesAlive(frequency: [Int32], recency: [Double], age: [Double]) -> [Double]
}

extension TransactionModel {
    /// Expected purchases in the next `t` time units: P(alive) × ``expectedTransactionsIfAlive(in:x:age:)``
    /// (FHL 2005 eq. 10 for BG/NBD; the same identity holds for every model here).
    public func expectedTransactions(in t: Double, x: Double, tx: Double, age: Double) -> Double {
        expectedTransactionsIfAlive(in: t, x: x, age: age) * probabilityAlive(x: x, tx: tx, age: age)
    }

    /// P(alive) for many customers: ``probabilityAlive(x:tx:age:)`` for each, on all cores. The columns
    /// are parallel, one element per customer.
    public func probabilitiesAlive(frequency: [Int32], recency: [Double], age: [Double]) -> [Double] {
        let indices = Array(0..<frequency.count)
        return parallelMap(indices, minimumChunk: 8192) { i in
            self.probabilityAlive(x: Double(frequency[i]), tx: recency[i], age: age[i])
        }
    }
}

/// The continuous-time transaction models.
public enum TransactionModelKind: String, Sendable, CaseIterable, Codable {
    /// BG/NBD, MBG/NBD and Pareto/NBD, by their ``ModelKind`` keys.
    case bgnbd, mbgnbd, pnbd

    /// The model type, to fit (``TransactionModel/fit(cells:options:)``) or build (``TransactionModel/init(vector:)``).
    public var modelType: any TransactionModel.Type {
        switch self {
        case .bgnbd: return BGNBDModel.self
        case .mbgnbd: return MBGNBDModel.self
        case .pnbd: return ParetoNBDModel.self
        }
    }
}

extension BGNBDModel: TransactionModel {
    /// ``TransactionModelKind/bgnbd``.
    public static var kind: TransactionModelKind { .bgnbd }
    /// [r, α, a, b].
    public var parameterVector: [Double] { parameters.vector }
    /// The model of [r, α, a, b]; `v` must have four elements.
    /// - Throws: ``ModelError/invalidParameter(model:name:value:requirement:)`` unless there are four, each finite and > 0.
    public init(vector v: [Double]) throws {
        try ModelError.requireParameterCount(v, 4, model: Self.displayName)
        try self.init(parameters: .init(r: v[0], alpha: v[1], a: v[2], b: v[3]))
    }
    /// The fit of ``fit(_:options:)``, for code generic over the model.
    public static func fit(cells: RFMCells, options: FitOptions) throws -> (BGNBDModel, FitReport) { try fit(cells, options: options) }
}

extension MBGNBDModel: TransactionModel {
    /// ``TransactionModelKind/mbgnbd``.
    public static var kind: TransactionModelKind { .mbgnbd }
    /// [r, α, a, b].
    public var parameterVector: [Double] { parameters.vector }
    /// The model of [r, α, a, b]; `v` must have four elements.
    /// - Throws: ``ModelError/invalidParameter(model:name:value:requirement:)`` unless there are four, each finite and > 0.
    public init(vector v: [Double]) throws {
        try ModelError.requireParameterCount(v, 4, model: Self.displayName)
        try self.init(parameters: .init(r: v[0], alpha: v[1], a: v[2], b: v[3]))
    }
    /// The fit of ``fit(_:options:)``, for code generic over the model.
    public static func fit(cells: RFMCells, options: FitOptions) throws -> (MBGNBDModel, FitReport) { try fit(cells, options: options) }
}

extension ParetoNBDModel: TransactionModel {
    /// ``TransactionModelKind/pnbd``.
    public static var kind: TransactionModelKind { .pnbd }
    /// [r, α, s, β].
    public var parameterVector: [Double] { parameters.vector }
    /// The model of [r, α, s, β]; `v` must have four elements.
    /// - Throws: ``ModelError/invalidParameter(model:name:value:requirement:)`` unless there are four, each finite and > 0.
    public init(vector v: [Double]) throws {
        try ModelError.requireParameterCount(v, 4, model: Self.displayName)
        try self.init(parameters: .init(r: v[0], alpha: v[1], s: v[2], beta: v[3]))
    }
    /// The fit of ``fit(_:options:)``, for code generic over the model.
    public static func fit(cells: RFMCells, options: FitOptions) throws -> (ParetoNBDModel, FitReport) { try fit(cells, options: options) }
}

/// How to value customers.
public struct LifetimeValueOptions: Sendable, Hashable, Codable {
    /// Horizon in days.
    public var horizonDays: Double
    /// Annual discount rate (0.1 = 10% a year); cash flows are discounted per month.
    public var annualDiscountRate: Double
    /// Profit margin applied to spend (1 = revenue).
    public var margin: Double
    /// Length of one discounting step (a month) in days.
    public var stepDays: Double

    /// Valuation options (default: one year of 365.2425 days, 10% a year, margin 1, monthly steps).
    public init(horizonDays: Double = 365.2425, annualDiscountRate: Double = 0.1, margin: Double = 1,
                stepDays: Double = 365.2425 / 12) {
        self.horizonDays = horizonDays
        self.annualDiscountRate = annualDiscountRate
        self.margin = margin
        self.stepDays = stepDays
    }
}

extension LifetimeValueOptions {
    /// The ends of the discounting steps in `unit` (the last step may be shorter) and the per-step rate
    /// d = (1 + annual rate)^(step/365.2425) − 1.
    public func discountSteps(in unit: TimeUnit) -> (ends: [Double], rate: Double) {
        let step = stepDays / unit.days, end = horizonDays / unit.days
        var ends: [Double] = []
        var t = 0.0
        while t < end - 1e-12 { t = min(t + step, end); ends.append(t) }
        return (ends, Foundation.pow(1 + annualDiscountRate, stepDays / 365.2425) - 1)
    }
}

extension TransactionModel {
    /// Σₖ (E[Y(tₖ) | alive] − E[Y(tₖ₋₁) | alive]) / (1+d)ᵏ over the step ends tₖ: the discounted expected
    /// purchases of a customer still active, which P(alive) × margin × spend turns into CLV.
    public func discountedTransactionsIfAlive(steps: [Double], rate: Double, x: Double, age: Double) -> Double {
        var discounted = 0.0, previous = 0.0, factor = 1.0
        for s in steps {
            factor /= 1 + rate
            let e = expectedTransactionsIfAlive(in: s, x: x, age: age)
            discounted += (e - previous) * factor
            previous = e
        }
        return discounted
    }

    /// Customer lifetime value over a finite horizon: margin × expected spend × Σₖ (E[Y(tₖ)] − E[Y(tₖ₋₁)]) / (1+d)ᵏ,
    /// with steps tₖ of ``LifetimeValueOptions/stepDays`` (a month, 365.2425/12 days, by default; the last step
    /// may be shorter) and the per-step rate d = (1 + annual rate)^(step/365.2425) − 1, in the model's `timeUnit`.
    public func lifetimeValue(x: Double, tx: Double, age: Double, expectedSpend: Double, timeUnit: TimeUnit,
                              options: LifetimeValueOptions) -> Double {
        let (steps, rate) = options.discountSteps(in: timeUnit)
        return options.margin * expectedSpend * probabilityAlive(x: x, tx: tx, age: age)
            * discountedTransactionsIfAlive(steps: steps, rate: rate, x: x, age: age)
    }

}

/// How well a transaction model predicted a holdout period.
public struct HoldoutValidation: Sendable, Codable {
    /// The customers with one calibration frequency.
    public struct Bucket: Sendable, Codable {
        /// Calibration repeat purchases (the last bucket holds this many or more).
        public var frequency: Int
        /// Customers in the bucket.
        public var customers: Int
        /// Their mean actual holdout purchases (0 for an empty bucket).
        public var actual: Double
        /// Their mean predicted holdout purchases (0 for an empty bucket).
        public var predicted: Double
    }
    /// The model's display name ("BG/NBD").
    public var model: String
    /// Length of the holdout, in the model's time unit.
    public var holdoutLength: Double
    /// Customers compared.
    public var customers: Int
    /// Actual holdout purchases, summed over customers.
    public var actualTotal: Double
    /// Predicted holdout purchases, summed over customers.
    public var predictedTotal: Double
    /// Mean over customers of |predicted − actual| holdout purchases.
    public var meanAbsoluteError: Double
    /// Root mean square over customers of predicted − actual holdout purchases.
    public var rootMeanSquaredError: Double
    /// Mean actual and predicted holdout purchases by calibration frequency 0, 1, …, 7+.
    public var buckets: [Bucket]

    /// Compares predicted and actual holdout purchases of each customer.
    /// - Parameters: calibration histories (x, tₓ, T), holdout purchase periods, and the holdout length,
    ///   all in the model's time unit.
    public init(model: any TransactionModel, frequency: [Int32], recency: [Double], age: [Double],
                holdoutFrequency holdout: [Int32], holdoutLength length: Double) throws {
        guard frequency.count == holdout.count, recency.count == holdout.count, age.count == holdout.count else {
            throw ModelError.invalidData("validation: calibration and holdout columns differ in length.")
        }
        self.model = type(of: model).displayName
        holdoutLength = length
        customers = holdout.count
        var actualTotal = 0.0, predictedTotal = 0.0, absolute = 0.0, squared = 0.0
        var sums = [(n: Int, actual: Double, predicted: Double)](repeating: (0, 0, 0), count: 8)
        // Batch scoring: terms shared by customers are computed once, on all cores.
        let scores = model.score(frequency: frequency, recency: recency, age: age, monetaryValue: nil, horizon: length,
                                 spend: nil, timeUnit: .day, lifetimeValue: LifetimeValueOptions())
        for i in 0..<holdout.count {
            let predicted = scores.expectedTransactions[i]
            let actual = Double(holdout[i])
            actualTotal += actual
            predictedTotal += predicted
            absolute += abs(predicted - actual)
            squared += (predicted - actual) * (predicted - actual)
            let k = min(Int(frequency[i]), 7)
            sums[k].n += 1; sums[k].actual += actual; sums[k].predicted += predicted
        }
        self.actualTotal = actualTotal
        self.predictedTotal = predictedTotal
        let n = Double(max(holdout.count, 1))
        meanAbsoluteError = absolute / n
        rootMeanSquaredError = (squared / n).squareRoot()
        buckets = sums.enumerated().map { k, s in
            Bucket(frequency: k, customers: s.n, actual: s.n > 0 ? s.actual / Double(s.n) : 0,
                   predicted: s.n > 0 ? s.predicted / Double(s.n) : 0)
        }
    }
}

/// Scores for a whole customer base.
public struct CustomerScores: Sendable {
    /// Expected purchases over the horizon, per customer.
    public var expectedTransactions: [Double]
    /// P(alive) at the end of observation, per customer.
    public var probabilityAlive: [Double]
    /// Expected spend per transaction (Gamma-Gamma), when a spend model is given.
    public var expectedSpend: [Double]?
    /// Customer lifetime value, when a spend model is given.
    public var lifetimeValue: [Double]?
}

extension TransactionModel {
    /// Scores every customer: expected purchases over `horizon` (model time units), P(alive), and with a
    /// spend model expected spend and CLV. The terms that depend on (x, T) only — including every
    /// monthly step of the CLV sum — are computed once per distinct pair, on all cores.
    /// - Parameter probabilityAlive: the customers' P(alive), when an earlier call for another horizon has it
    ///   (it does not depend on the horizon); nil computes it.
    public func score(frequency: [Int32], recency: [Double], age: [Double], monetaryValue: [Double]?,
                      horizon: Double, spend: GammaGammaModel?, timeUnit: TimeUnit,
                      lifetimeValue options: LifetimeValueOptions, probabilityAlive known: [Double]? = nil) -> CustomerScores {
        let n = frequency.count
        precondition(known.map { $0.count == n } ?? true, "one P(alive) per customer")
        // Distinct (x, T) pairs, in order of first appearance.
        var table = FirstAppearance(expected: n)
        var customerPair = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            customerPair[i] = Int32(table.position(of: SIMD3((Double(frequency[i]) + 0.0).bitPattern, (age[i] + 0.0).bitPattern, 0)).position)
        }
        let pairs = table.keys.map { SIMD2(Double(bitPattern: $0[0]), Double(bitPattern: $0[1])) }
        let (steps, rate) = options.discountSteps(in: timeUnit)
        let needsValue = spend != nil
        // Per pair: E[Y(horizon) | alive] and Σₖ ΔE[Y(tₖ) | alive] / (1+d)ᵏ.
        let perPair: [SIMD2<Double>] = parallelMap(pairs, minimumChunk: 64) { key in
            let x = key[0], a = key[1]
            let expected = self.expectedTransactionsIfAlive(in: horizon, x: x, age: a)
            guard needsValue else { return SIMD2(expected, 0) }
            return SIMD2(expected, self.discountedTransactionsIfAlive(steps: steps, rate: rate, x: x, age: a))
        }
        var expected = [Double](repeating: 0, count: n)
        let alive = known ?? probabilitiesAlive(frequency: frequency, recency: recency, age: age)
        var spendValues: [Double]? = spend == nil ? nil : [Double](repeating: 0, count: n)
        var values: [Double]? = spend == nil ? nil : [Double](repeating: 0, count: n)
        for i in 0..<n {
            let x = Double(frequency[i])
            let p = alive[i]
            let pair = perPair[Int(customerPair[i])]
            expected[i] = p * pair[0]
            if let spend {
                let z = spend.expectedSpend(x: x, meanValue: monetaryValue?[i] ?? 0)
                spendValues![i] = z
                values![i] = options.margin * z * p * pair[1]
            }
        }
        return CustomerScores(expectedTransactions: expected, probabilityAlive: alive, expectedSpend: spendValues,
                              lifetimeValue: values)
    }
}

extension TransactionModel {
    /// Expected cumulative repeat purchases of a cohort at the end of each of `days` days from `start`: the sum
    /// over customers of E[X(t)] since their first purchase, grouped by first-purchase day (Fader, Hardie & Lee
    /// 2005, "A note on implementing the Pareto/NBD model in MATLAB", p. 8).
    ///
    /// Exposure convention (lifetimes' `expected_cumulative_transactions`, BTYD's `*.ExpectedCumulativeTransactions`):
    /// a customer whose first purchase is on day b has k + 1 − b days of exposure at the end of day k, so the day
    /// of the first purchase counts in full, and only customers with b ≤ k contribute. Element k of the result is
    /// the end of day `start + k`.
    public func expectedCumulativeRepeatPurchases(firstPurchases: [CalendarDay], start: CalendarDay, days: Int,
                                                  timeUnit: TimeUnit) -> [Double] {
        var births: [Int32: Double] = [:]
        for d in firstPurchases { births[d.daysSinceEpoch, default: 0] += 1 }
        let groups = births.sorted { $0.key < $1.key }
        let s = start.daysSinceEpoch
        let offsets = Array(0..<days)
        return parallelMap(offsets, minimumChunk: 8) { k in
            let day = Double(s) + Double(k) + 1 // end of day k
            var total = 0.0
            for (birth, count) in groups where Double(birth) < day {
                total += count * self.expectedTransactions(in: (day - Double(birth)) / timeUnit.days)
            }
            return total
        }
    }
}
