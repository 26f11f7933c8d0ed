import CLVCore
import CLVHistory
import CLVNumerics
import CLVSegments
import Foundation

/// How far ahead to score: an amount in a time unit (the model's when `unit` is nil), or the customer's
/// whole remaining lifetime (`infinite`, discounted expected residual transactions where the model has
/// a closed form).
public struct ScoringHorizon: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The length, in ``unit`` (infinity for ``infinite``).
    public let amount: Double
    /// nil: the model's time unit.
    public let unit: TimeUnit?

    /// A finite horizon of `amount` `unit`s (the model's unit when nil); nil unless finite and > 0.
    public init?(_ amount: Double, _ unit: TimeUnit? = nil) {
        guard amount.isFinite, amount > 0 else { return nil }
        self.amount = amount
        self.unit = unit
    }

    private init(infinite: Void) { amount = .infinity; unit = nil }

    /// The customer's whole remaining lifetime.
    public static let infinite = ScoringHorizon(infinite: ())

    /// Parses `52` (model units), `90d`, `13w`, `12m`, `1y` and `infinite` (also `inf`, `lifetime`).
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if ["infinite", "inf", "lifetime"].contains(t) { self = .infinite; return }
        let units: [(String, TimeUnit)] = [("d", .day), ("w", .week), ("m", .month), ("y", .year)]
        if let (suffix, unit) = units.first(where: { t.hasSuffix($0.0) }), let v = Double(t.dropLast(suffix.count)) {
            self.init(v, unit)
        } else if let v = Double(t) {
            self.init(v)
        } else {
            return nil
        }
    }

    /// Whether this is the whole remaining lifetime.
    public var isInfinite: Bool { amount == .infinity }

    /// The horizon in `modelUnit`.
    public func value(in modelUnit: TimeUnit) -> Double {
        guard let unit else { return amount }
        return amount * unit.days / modelUnit.days
    }

    /// The horizon in days.
    public func days(modelUnit: TimeUnit) -> Double { value(in: modelUnit) * modelUnit.days }

    public var description: String {
        if isInfinite { return "infinite" }
        let number = amount == amount.rounded() && abs(amount) < 1e15 ? String(Int(amount)) : "\(amount)"
        return number + (unit.map { String($0.rawValue.prefix(1)) } ?? "")
    }
}

/// What a score includes besides expected purchases and P(alive).
public struct ScoringOptions: Sendable, Hashable, Codable {
    /// How far ahead to score.
    public var horizon: ScoringHorizon
    /// Annual discount rate of CLV (0.1 = 10% a year; discounted monthly).
    public var annualDiscountRate: Double
    /// Profit margin applied to spend.
    public var margin: Double
    /// Also P(alive) this long after the end of observation.
    public var aliveAfter: ScoringHorizon?

    /// Options of a score (default: one year, 10% a year, margin 1, no later P(alive)).
    public init(horizon: ScoringHorizon = ScoringHorizon(1, .year)!, annualDiscountRate: Double = 0.1, margin: Double = 1,
                aliveAfter: ScoringHorizon? = nil) {
        self.horizon = horizon
        self.annualDiscountRate = annualDiscountRate
        self.margin = margin
        self.aliveAfter = aliveAfter
    }
}

/// One customer's score.
public struct CustomerScore: Sendable, Hashable, Codable {
    /// Expected purchases over the horizon (one year for an infinite horizon).
    public var expectedPurchases: Double
    /// P(the customer is still active at the end of observation).
    public var probabilityAlive: Double
    /// Expected spend per purchase (Gamma-Gamma), with a spend model.
    public var expectedSpend: Double?
    /// CLV over the horizon (DERT-based for an infinite one), with a spend model.
    public var lifetimeValue: Double?
    /// P(alive) `aliveAfter` after the end of observation, when asked.
    public var probabilityAliveAfter: Double?
    /// The value decile (1 = most valuable) by the frozen cut points, when the model has them.
    public var valueDecile: Int?
}

/// Scores of many customers, column by column.
public struct BatchScores: Sendable {
    /// Expected purchases over the horizon, per customer.
    public var expectedPurchases: [Double]
    /// P(alive) at the end of observation, per customer.
    public var probabilityAlive: [Double]
    /// Expected spend per purchase, with a spend model.
    public var expectedSpend: [Double]?
    /// CLV over the horizon, with a spend model.
    public var lifetimeValue: [Double]?
    /// P(alive) later, when asked.
    public var probabilityAliveAfter: [Double]?
    /// 95% bands from a parametric bootstrap, when asked.
    public var intervals: PredictionIntervals?
}

/// A fitted model that scores customers: the transaction model, the spend model, the time unit and
/// period the summaries must be in, the fit reports and data summary (``file``, its Codable form), and
/// the population cut points frozen at fit time, so that one customer can be scored alone.
///
/// Scores follow Fader, Hardie & Lee (2005) for BG/NBD (eq. 10, P(alive) eq. 11), Schmittlein, Morrison &
/// Colombo (1987) and Fader, Hardie & Lee (2005, "RFM and CLV") for Pareto/NBD and DERT, Batislam et al.
/// (2007) for MBG/NBD, and Fader, Hardie & Lee (2005, "Gamma-Gamma") for spend.
public struct FittedModel: Sendable {
    /// The transaction model (BG/NBD, MBG/NBD or Pareto/NBD).
    public let transaction: any TransactionModel
    /// The Gamma-Gamma spend model, if the file has one.
    public let spend: GammaGammaModel?
    /// The unit of recency, T and rates; summaries must be in it.
    public let timeUnit: TimeUnit
    /// The period in which the fitted summaries counted purchases.
    public let periodFrequency: PeriodFrequency
    /// The model file: fit reports, covariance, data summary, selection.
    public let file: ModelFile
    /// CLV cut points of the value deciles, highest first: element k is the lowest CLV of decile k + 1
    /// (nine values), frozen when the model was fitted or last refreshed.
    public private(set) var valueCutPoints: [Double]?
    /// Cut points of the RFM scores and segments, value matrix and ABC classes of the fitted population,
    /// frozen when the model was fitted or last refreshed (see ``segments(daysSinceLastPurchase:orders:spend:value:)``).
    public private(set) var segmentCutPoints: SegmentCutPoints?

    /// The fitted model of a (validated) model file.
    /// - Throws: ``ModelError/unusableModel(model:reason:)`` when the file holds no transaction model.
    public init(file: ModelFile) throws {
        guard let model = try file.transactionModel() else {
            throw ModelError.unusableModel(model: file.displayName, reason: "scoring needs a transaction model (bgnbd, mbgnbd, pnbd) in the model file.")
        }
        guard let frequency = PeriodFrequency(rawValue: file.data.frequency) else {
            throw ModelError.invalidModelFile("data.frequency \"\(file.data.frequency)\" is not day, week or month.")
        }
        self.transaction = model
        self.spend = try file.gammaGamma()
        self.timeUnit = file.timeUnit
        self.periodFrequency = frequency
        self.file = file
        self.valueCutPoints = file.valueCutPoints
        self.segmentCutPoints = file.segmentCutPoints
    }

    /// Decodes and validates a model file's JSON text.
    public init(modelFileData data: Data) throws { try self.init(file: ModelFile.decode(data)) }

    /// The Codable form, with the current cut points.
    public var modelFile: ModelFile {
        var f = file
        f.valueCutPoints = valueCutPoints
        f.segmentCutPoints = segmentCutPoints
        return f
    }

    /// Checks that `options` can be honoured (before any input is read).
    /// - Throws: ``ModelError/invalidOption(_:)``.
    public func validate(_ options: ScoringOptions) throws { _ = try ScoringPlan(self, options) }

    // MARK: One customer

    /// Scores one customer from a summary in the model's unit and period.
    /// - Throws: ``ModelError/invalidData(_:)`` when the summary's period differs from the model's (its
    ///   time unit is converted), and ``ModelError/invalidOption(_:)`` for an infinite horizon without a closed form.
    public func score(_ summary: HistorySummary, options: ScoringOptions = ScoringOptions()) throws -> CustomerScore {
        guard summary.periodFrequency == periodFrequency else {
            throw ModelError.invalidData("customer '\(summary.customerID)': the summary counts purchases per \(summary.periodFrequency.rawValue), the model per \(periodFrequency.rawValue).")
        }
        return try score(frequency: summary.frequency, recency: summary.recency, T: summary.T,
                         monetaryValue: summary.monetaryValue, timeUnit: summary.timeUnit, options: options)
    }

    /// Scores one customer: x, tₓ and T in `timeUnit` (converted to the model's), mean repeat spend.
    /// - Throws: as ``score(_:options:)``.
    public func score(frequency x: Int, recency: Double, T: Double, monetaryValue: Double, timeUnit unit: TimeUnit,
                      options: ScoringOptions = ScoringOptions()) throws -> CustomerScore {
        guard x >= 0, recency >= 0, T >= recency, recency.isFinite, T.isFinite else {
            throw ModelError.invalidData("a summary needs 0 ≤ recency ≤ T and frequency ≥ 0 (got x \(x), recency \(recency), T \(T)).")
        }
        let plan = try ScoringPlan(self, options)
        let scale = unit == timeUnit ? 1 : unit.days / timeUnit.days
        let tx = recency * scale, age = T * scale, xd = Double(x)
        let alive = transaction.probabilityAlive(x: xd, tx: tx, age: age)
        let ifAlive = transaction.expectedTransactionsIfAlive(in: plan.horizon, x: xd, age: age)
        var result = CustomerScore(expectedPurchases: alive * ifAlive, probabilityAlive: alive)
        if let spend {
            let z = spend.expectedSpend(x: xd, meanValue: monetaryValue)
            result.expectedSpend = z
            if let pareto = plan.dert {
                result.lifetimeValue = options.margin * z * pareto.discountedExpectedResidualTransactions(delta: plan.delta, x: xd, tx: tx, age: age)
            } else {
                result.lifetimeValue = options.margin * z * alive
                    * transaction.discountedTransactionsIfAlive(steps: plan.steps, rate: plan.rate, x: xd, age: age)
            }
            if let v = result.lifetimeValue { result.valueDecile = valueDecile(of: v) }
        }
        if let after = options.aliveAfter {
            result.probabilityAliveAfter = transaction.probabilityAlive(after: after.value(in: timeUnit), x: xd, tx: tx, age: age)
        }
        return result
    }

    // MARK: Many customers

    /// Scores many customers (summaries in the model's unit), sharing the terms that depend on (x, T)
    /// only, on all cores; with `intervalDraws` ≥ 20, adds 95% bands from a parametric bootstrap.
    /// - Throws: as ``score(_:options:)``, and ``ModelError/unusableModel(model:reason:)`` naming the first
    ///   customer whose prediction is not a finite number.
    public func score(customerIDs: [String], frequency: [Int32], recency: [Double], T age: [Double], monetaryValue: [Double]?,
                      options: ScoringOptions = ScoringOptions(), intervalDraws: Int = 0, seed: UInt64 = 1) throws -> BatchScores {
        let plan = try ScoringPlan(self, options)
        let clvOptions = plan.lifetimeValueOptions
        let scores = transaction.score(frequency: frequency, recency: recency, age: age, monetaryValue: monetaryValue,
                                       horizon: plan.horizon, spend: spend, timeUnit: timeUnit, lifetimeValue: clvOptions)
        var lifetimeValues = scores.lifetimeValue
        if let pareto = plan.dert, let spendValues = scores.expectedSpend {
            let dert = pareto.discountedExpectedResidualTransactions(delta: plan.delta, frequency: frequency, recency: recency, age: age)
            lifetimeValues = (0..<frequency.count).map { options.margin * spendValues[$0] * dert[$0] }
        }
        let later: [Double]? = options.aliveAfter.map { after in
            let a = after.value(in: timeUnit)
            return (0..<frequency.count).map { transaction.probabilityAlive(after: a, x: Double(frequency[$0]), tx: recency[$0], age: age[$0]) }
        }
        var bands: PredictionIntervals?
        if intervalDraws > 0 {
            guard !options.horizon.isInfinite else {
                throw ModelError.invalidOption("intervals need a finite horizon.")
            }
            bands = try transaction.predictionIntervals(
                covariance: file.fit.covariance, draws: intervalDraws, seed: seed, frequency: frequency, recency: recency, age: age,
                monetaryValue: monetaryValue, horizon: plan.horizon, spend: spend,
                spendCovariance: file.spendModel?.covariance ?? (file.fit.model == .gg ? file.fit.covariance : nil),
                timeUnit: timeUnit, lifetimeValue: clvOptions)
        }
        if let bad = (0..<frequency.count).first(where: { !scores.expectedTransactions[$0].isFinite || !scores.probabilityAlive[$0].isFinite
                                                         || !(lifetimeValues?[$0].isFinite ?? true) }) {
            let id = bad < customerIDs.count ? customerIDs[bad] : "#\(bad + 1)"
            throw ModelError.unusableModel(model: file.displayName, reason: "the prediction for customer '\(id)' is not a finite number (x \(frequency[bad]), recency \(recency[bad]), T \(age[bad])); nothing was written.")
        }
        return BatchScores(expectedPurchases: scores.expectedTransactions, probabilityAlive: scores.probabilityAlive,
                           expectedSpend: scores.expectedSpend, lifetimeValue: lifetimeValues, probabilityAliveAfter: later,
                           intervals: bands)
    }

    /// Scores many customers from their summaries (all in the model's time unit and period).
    public func score(_ summaries: [HistorySummary], options: ScoringOptions = ScoringOptions()) throws -> BatchScores {
        if let odd = summaries.first(where: { $0.timeUnit != timeUnit || $0.periodFrequency != periodFrequency }) {
            throw ModelError.invalidData("customer '\(odd.customerID)': the summary is in \(odd.timeUnit.plural) per \(odd.periodFrequency.rawValue), the model in \(timeUnit.plural) per \(periodFrequency.rawValue).")
        }
        return try score(customerIDs: summaries.map(\.customerID), frequency: summaries.map { Int32($0.frequency) },
                         recency: summaries.map(\.recency), T: summaries.map(\.T), monetaryValue: summaries.map(\.monetaryValue),
                         options: options)
    }

    // MARK: Cut points

    /// Value deciles of a population (1 = most valuable): customers ranked by CLV, highest first, ties
    /// by position; decile = 1 + ⌊10 · rank / n⌋.
    public static func valueDeciles(_ values: [Double]) -> [Int] {
        // Highest first, ties in position order: a stable radix sort of the negated values.
        deciles(ranking: StableOrder.ascending(values, descending: true))
    }

    /// ``valueDeciles(_:)`` and ``valueCutPoints(of:)`` from one ranking of `values` (which must not be NaN):
    /// the same results as the two calls, for one sort instead of two.
    public static func valueDecilesWithCutPoints(_ values: [Double]) -> (deciles: [Int], cutPoints: [Double]?) {
        let order = StableOrder.ascending(values, descending: true)
        let sorted = values.withUnsafeBufferPointer { v in order.map { v[Int($0)] } }
        return (deciles(ranking: order), cutPoints(sortedDescending: sorted))
    }

    /// Deciles from positions ranked highest first.
    private static func deciles(ranking order: [Int32]) -> [Int] {
        var deciles = [Int](repeating: 10, count: order.count)
        for (rank, i) in order.enumerated() { deciles[Int(i)] = 1 + rank * 10 / max(order.count, 1) }
        return deciles
    }

    /// Freezes the value-decile cut points of a population's CLVs (see ``valueCutPoints``), so that a
    /// customer scored alone gets the decile the population ranking would give (a value tied with a cut
    /// point goes to the better decile).
    public mutating func freezeValueCutPoints(_ values: [Double]) { valueCutPoints = Self.valueCutPoints(of: values) }

    /// The nine cut points of ``valueDeciles(_:)`` for `values` (nil when empty): element k is the lowest
    /// value of decile k + 1.
    public static func valueCutPoints(of values: [Double]) -> [Double]? {
        cutPoints(sortedDescending: StableOrder.sorted(values, descending: true))
    }

    /// The nine cut points from the values sorted highest first (nil when empty).
    private static func cutPoints(sortedDescending sorted: [Double]) -> [Double]? {
        guard !sorted.isEmpty else { return nil }
        let n = sorted.count
        // The lowest value of decile k is at the last rank r with 1 + ⌊10r/n⌋ = k, r = ⌈kn/10⌉ − 1.
        return (1...9).map { k in sorted[min(n - 1, max(0, (k * n + 9) / 10 - 1))] }
    }

    /// Freezes new segment cut points (a refit or re-analysis of the population).
    public mutating func freezeSegmentCutPoints(_ cuts: SegmentCutPoints) { segmentCutPoints = cuts }

    /// One customer's RFM scores and segment, value-matrix quadrant and ABC class by the frozen cut points
    /// (nil without them): as the fitted population placed its members, except that a value tied with a
    /// cut point takes the better score or class (see ``SegmentCutPoints``).
    /// - Parameters:
    ///   - daysSinceLastPurchase: days from the last purchase to the as-of date (RFM recency).
    ///   - orders: purchase days (or orders) to date.
    ///   - spend: net spend to date (RFM monetary).
    ///   - value: what ABC ranks: the CLV when the cut points say `clv` (``CustomerScore/lifetimeValue``), else spend.
    public func segments(daysSinceLastPurchase: Double, orders: Double, spend: Double, value: Double) -> CustomerSegments? {
        guard let cuts = segmentCutPoints else { return nil }
        let rfm = cuts.rfm.place(recencyDays: daysSinceLastPurchase, orders: orders, monetary: spend)
        let matrix = cuts.valueMatrix.place(orders: orders, averageOrderValue: orders > 0 ? spend / orders : 0)
        return CustomerSegments(recencyScore: rfm.recency, frequencyScore: rfm.frequency, monetaryScore: rfm.monetary,
                                rfmSegment: RFMSegmentation.segments[rfm.segment].key,
                                valueMatrixSegment: ValueMatrix.segments[matrix].key,
                                abcClass: ABCClassification.segments[cuts.abc.place(value)].key)
    }

    /// The decile of a CLV by the frozen cut points; nil without them.
    public func valueDecile(of value: Double) -> Int? {
        guard let cuts = valueCutPoints else { return nil }
        var decile = 1
        for c in cuts where value < c { decile += 1 }
        return decile
    }
}

/// The horizon in model units, the CLV steps and the discounting of one scoring call.
private struct ScoringPlan {
    let horizon: Double
    let steps: [Double]
    let rate: Double
    let lifetimeValueOptions: LifetimeValueOptions
    /// With an infinite horizon: the Pareto/NBD model and its continuous discount rate per model unit.
    let dert: ParetoNBDModel?
    let delta: Double

    init(_ m: FittedModel, _ options: ScoringOptions) throws {
        let unit = m.timeUnit
        if options.horizon.isInfinite {
            guard let pareto = m.transaction as? ParetoNBDModel else {
                throw ModelError.invalidOption("an infinite horizon needs a model with a closed-form DERT (pnbd); \(m.file.displayName) has none: give a finite horizon such as 5y.")
            }
            dert = pareto
            horizon = 52 * 7 / unit.days
            lifetimeValueOptions = LifetimeValueOptions(horizonDays: 365.2425, annualDiscountRate: options.annualDiscountRate, margin: options.margin)
        } else {
            dert = nil
            horizon = options.horizon.value(in: unit)
            lifetimeValueOptions = LifetimeValueOptions(horizonDays: options.horizon.days(modelUnit: unit),
                                                        annualDiscountRate: options.annualDiscountRate, margin: options.margin)
        }
        delta = Foundation.log(1 + options.annualDiscountRate) * unit.days / 365.2425
        (steps, rate) = lifetimeValueOptions.discountSteps(in: unit)
    }
}

/// One customer's place in the fitted population's segmentations (``FittedModel/segments(daysSinceLastPurchase:orders:spend:value:)``).
public struct CustomerSegments: Sendable, Hashable, Codable {
    /// RFM scores, 1 (worst) to the number of bins.
    public var recencyScore: Int
    /// See ``recencyScore``.
    public var frequencyScore: Int
    /// See ``recencyScore``.
    public var monetaryScore: Int
    /// The key of the RFM segment (``RFMSegmentation/segments``), e.g. `important_value`.
    public var rfmSegment: String
    /// The key of the value-matrix quadrant (``ValueMatrix/segments``).
    public var valueMatrixSegment: String
    /// A, B or C.
    public var abcClass: String
}
