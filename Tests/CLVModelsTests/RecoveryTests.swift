import CLVCore
import CLVIngest
import CLVModels
import CLVSimulation
import Foundation
import Testing
import _CLVTestSupport

/// Parameter recovery on simulated data: every estimate within 3 standard errors of the truth.
@Suite("Parameter recovery on simulated customers")
struct RecoveryTests {
    static let ages: [Double] = (0..<30_000).map { 26 + Double($0 % 27) }  // cohorts observed 26–52 weeks

    static func expectRecovered(_ report: FitReport, _ truth: [Double], _ label: String) {
        for (estimate, value) in zip(report.parameters, truth) {
            #expect(abs(estimate.value - value) <= 3 * estimate.standardError,
                    "\(label) \(estimate.name): \(estimate.value) ± \(estimate.standardError), truth \(value)")
        }
    }

    static func cells(_ h: [ModelSimulator.History]) throws -> RFMCells {
        try RFMCells(frequency: h.map { Double($0.x) }, recency: h.map(\.tx), age: h.map(\.age))
    }

    @Test("BG/NBD")
    func bgnbd() throws {
        let truth = [0.5, 6.0, 0.8, 2.5]
        let h = ModelSimulator.bgnbd(r: truth[0], alpha: truth[1], a: truth[2], b: truth[3], ages: Self.ages, seed: 11)
        Self.expectRecovered(try BGNBDModel.fit(try Self.cells(h)).report, truth, "BG/NBD")
    }

    @Test("MBG/NBD")
    func mbgnbd() throws {
        let truth = [0.5, 6.0, 0.8, 2.5]
        let h = ModelSimulator.mbgnbd(r: truth[0], alpha: truth[1], a: truth[2], b: truth[3], ages: Self.ages, seed: 12)
        Self.expectRecovered(try MBGNBDModel.fit(try Self.cells(h)).report, truth, "MBG/NBD")
    }

    @Test("Pareto/NBD")
    func paretoNBD() throws {
        let truth = [0.6, 8.0, 0.7, 12.0]
        let h = ModelSimulator.paretoNBD(r: truth[0], alpha: truth[1], s: truth[2], beta: truth[3], ages: Self.ages, seed: 13)
        Self.expectRecovered(try ParetoNBDModel.fit(try Self.cells(h)).report, truth, "Pareto/NBD")
    }

    @Test("BG/BB")
    func bgbb() throws {
        let truth = [1.2, 0.75, 0.66, 2.8]
        let sim = ModelSimulator.bgbb(alpha: truth[0], beta: truth[1], gamma: truth[2], delta: truth[3], opportunities: 6,
                                      customers: 20_000, seed: 14)
        let data = try BGBBModel.Patterns(frequency: sim.map(\.x), recency: sim.map(\.tx), opportunities: sim.map(\.n),
                                          weights: [Double](repeating: 1, count: sim.count))
        Self.expectRecovered(try BGBBModel.fit(data).report, truth, "BG/BB")
    }

    @Test("sBG")
    func sbg() throws {
        let truth = [0.7, 1.2]
        let cohort = ModelSimulator.sbgCohort(alpha: truth[0], beta: truth[1], size: 20_000, periods: 8, seed: 15)
        Self.expectRecovered(try ShiftedBetaGeometricModel.fit([try .init(active: cohort)]).report, truth, "sBG")
    }

    @Test("Gamma-Gamma")
    func gammaGamma() throws {
        let truth = [6.0, 3.7, 15.0]
        let xs = (0..<20_000).map { 1 + $0 % 6 }
        let ms = ModelSimulator.meanSpend(p: truth[0], q: truth[1], gamma: truth[2], frequencies: xs, seed: 16)
        let cells = try GammaGammaModel.SpendCells(frequency: xs.map(Double.init), meanValue: ms)
        Self.expectRecovered(try GammaGammaModel.fit(cells).report, truth, "Gamma-Gamma")
        // Spend is independent of frequency by construction.
        #expect(abs(cells.frequencySpendCorrelation) < 0.03)
    }
}

@Suite("Prediction intervals")
struct PredictionIntervalTests {
    @Test("bootstrap intervals contain the point predictions and narrow with more data")
    func intervals() throws {
        let table = try cdnowCalibration()
        let c = try cells(table)
        let (model, report) = try BGNBDModel.fit(c)
        let spendCells = try GammaGammaModel.SpendCells(frequency: table.repeatPurchases.map(Double.init), meanValue: table.monetaryValue)
        let (spend, spendReport) = try GammaGammaModel.fit(spendCells)
        let spendCovariance = spendReport.covariance
        let options = LifetimeValueOptions()
        let bands = try model.predictionIntervals(covariance: report.covariance, draws: 200, seed: 3, frequency: table.repeatPurchases,
                                                  recency: table.recency, age: table.age, monetaryValue: table.monetaryValue,
                                                  horizon: 52, spend: spend, spendCovariance: spendCovariance, timeUnit: .week,
                                                  lifetimeValue: options)
        let point = model.score(frequency: table.repeatPurchases, recency: table.recency, age: table.age,
                                monetaryValue: table.monetaryValue, horizon: 52, spend: spend, timeUnit: .week, lifetimeValue: options)
        var inside = 0
        for i in 0..<table.count {
            #expect(bands.expectedTransactions.lower[i] <= bands.expectedTransactions.upper[i])
            if bands.expectedTransactions.lower[i] <= point.expectedTransactions[i], point.expectedTransactions[i] <= bands.expectedTransactions.upper[i] { inside += 1 }
        }
        #expect(Double(inside) / Double(table.count) > 0.99)
        // Four times the data: the interval of the same customer narrows roughly by half.
        let quadrupled = report.covariance.map { $0.map { $0 / 4 } }
        let narrow = try model.predictionIntervals(covariance: quadrupled, draws: 200, seed: 3, frequency: table.repeatPurchases,
                                                   recency: table.recency, age: table.age, monetaryValue: nil, horizon: 52,
                                                   spend: nil, spendCovariance: nil, timeUnit: .week, lifetimeValue: options)
        let i = table.repeatPurchases.firstIndex(of: 5)!
        let wide = bands.expectedTransactions.upper[i] - bands.expectedTransactions.lower[i]
        let tight = narrow.expectedTransactions.upper[i] - narrow.expectedTransactions.lower[i]
        #expect(tight < 0.7 * wide && tight > 0.3 * wide, "\(tight) vs \(wide)")
    }
    @Test("a missing or misshapen covariance, or draws that are nearly all invalid, give an error, not a crash or an endless loop")
    func unusableCovariance() throws {
        let model = try BGNBDModel(parameters: .init(r: 0.25, alpha: 4.4, a: 0.8, b: 2.4))
        func bands(_ covariance: [[Double]], spend: GammaGammaModel? = nil, spendCovariance: [[Double]]? = nil) throws {
            _ = try model.predictionIntervals(covariance: covariance, draws: 50, seed: 1, frequency: [1, 0], recency: [10, 0],
                                              age: [20, 20], monetaryValue: [30, 0], horizon: 52, spend: spend,
                                              spendCovariance: spendCovariance, timeUnit: .week, lifetimeValue: LifetimeValueOptions())
        }
        let good = (0..<4).map { i in (0..<4).map { j in i == j ? 1e-4 : 0 } }
        try bands(good)
        for bad in [[], [[1e-4]], Array(good.prefix(3)), good.map { Array($0.prefix(3)) }, [[Double.nan, 0, 0, 0]] + good.dropFirst()] {
            #expect(throws: ModelError.self) { try bands(bad) }
        }
        let spend = try GammaGammaModel(parameters: .init(p: 6, q: 3.8, gamma: 15))
        #expect(throws: ModelError.self) { try bands(good, spend: spend, spendCovariance: nil) }
        // q = 0.5 with a tiny spread: no draw has the q > 1 a mean spend needs.
        let hopeless = try GammaGammaModel(parameters: .init(p: 6, q: 0.5, gamma: 15))
        let tiny = (0..<3).map { i in (0..<3).map { j in i == j ? 1e-6 : 0 } }
        #expect(throws: ModelError.self) { try bands(good, spend: hopeless, spendCovariance: tiny) }
    }

    @Test("a parameter vector of the wrong length is refused by every transaction model")
    func vectorLength() throws {
        for kind in TransactionModelKind.allCases {
            #expect(throws: ModelError.self) { _ = try kind.modelType.init(vector: [1, 2, 3]) }
            #expect(throws: ModelError.self) { _ = try kind.modelType.init(vector: [1, 2, 3, 4, 5]) }
            _ = try kind.modelType.init(vector: [1, 2, 3, 4])
        }
    }
}
