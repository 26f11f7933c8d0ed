import CLVCore
import CLVIngest
import CLVModels
import CLVNumerics
import Foundation
import Testing
import _CLVTestSupport

/// The CDNOW 39-week calibration summary (weeks), read with our own ingest.
func cdnowCalibration() throws -> SummaryTable {
    let url = TestData.shared("CDNOW_sample.txt")
    try #require(TestData.exists(url), "the CDNOW sample is missing at \(url.path)")
    let options = IngestOptions(columns: ColumnMapping(customer: .position(2), date: .position(3), amount: .position(5)),
                                hasHeader: false)
    return try TransactionLogReader.summarize(
        path: url.path, options: options,
        summary: SummaryOptions(timeUnit: .week, observationEnd: CalendarDay(iso: "1998-06-30"),
                                calibrationEnd: CalendarDay(iso: "1997-09-30"))).0
}

func cells(_ t: SummaryTable) throws -> RFMCells {
    try RFMCells(frequency: t.repeatPurchases.map(Double.init), recency: t.recency, age: t.age)
}

@Suite("BG/NBD")
struct BGNBDModelTests {
    static let published = try! BGNBDModel(parameters: .init(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426))

    @Test("the fit reproduces Fader, Hardie & Lee (2005) on CDNOW")
    func parametersMatchFaderHardieLee2005() throws {
        let table = try cdnowCalibration()
        let (model, report) = try BGNBDModel.fit(try cells(table))
        let p = model.parameters
        #expect(abs(p.r - 0.243) < 0.0005 && abs(p.alpha - 4.414) < 0.0005 && abs(p.a - 0.793) < 0.0005 && abs(p.b - 2.426) < 0.0005,
                "\(p)")
        #expect(abs(report.logLikelihood - -9582.4) < 0.05, "LL \(report.logLikelihood)")
        #expect(report.converged)
        #expect(report.parameters.allSatisfy { $0.standardError > 0 && $0.lower95 < $0.value && $0.value < $0.upper95 })
    }

    @Test("the log-likelihood is finite for a very frequent buyer (x = 200)")
    func stableLikelihood() {
        let ll = Self.published.logLikelihood(x: 200, tx: 38, age: 39)
        #expect(ll.isFinite)
        let zero = Self.published.logLikelihood(x: 0, tx: 0, age: 39)
        #expect(zero.isFinite && zero < 0)
    }

    @Test("weighted cells give the same likelihood as expanded rows")
    func cellsEqualRows() throws {
        let xs: [Double] = [0, 0, 2, 2, 5, 0], txs: [Double] = [0, 0, 10, 10, 30, 0], ts: [Double] = [39, 39, 39, 39, 39, 20]
        let expanded = try RFMCells(frequency: xs, recency: txs, age: ts)
        #expect(expanded.count == 4)
        let direct = zip(zip(xs, txs), ts).reduce(0.0) { $0 + Self.published.logLikelihood(x: $1.0.0, tx: $1.0.1, age: $1.1) }
        #expect(isClose(direct, Self.published.logLikelihood(of: expanded), relative: 1e-12))
    }

    @Test("P(alive) is 1 without repeat purchases and falls with time since the last purchase")
    func probabilityAlive() {
        let m = Self.published
        #expect(m.probabilityAlive(x: 0, tx: 0, age: 39) == 1)
        #expect(m.probabilityAlive(x: 3, tx: 30, age: 39) > m.probabilityAlive(x: 3, tx: 10, age: 39))
    }

    @Test("time-unit rescaling (weeks → days) leaves P(alive) and expected purchases unchanged")
    func timeUnits() throws {
        let days = try BGNBDModel(parameters: .init(r: 0.243, alpha: 4.414 * 7, a: 0.793, b: 2.426))
        for (x, tx, t) in [(2.0, 30.0, 39.0), (5, 12, 20), (0, 0, 39)] {
            #expect(isClose(Self.published.probabilityAlive(x: x, tx: tx, age: t), days.probabilityAlive(x: x, tx: tx * 7, age: t * 7), relative: 1e-12))
            #expect(isClose(Self.published.expectedTransactions(in: 39, x: x, tx: tx, age: t),
                            days.expectedTransactions(in: 273, x: x, tx: tx * 7, age: t * 7), relative: 1e-10))
        }
    }

    @Test("a fit the data cannot identify is an error, not estimates at 0 or ∞; a fit can be time-limited")
    func unidentified() throws {
        // Sixty customers all observed for four weeks, buying in a fixed rhythm: dropout is not identified.
        let xs = (0..<60).map { Double($0 % 4) }
        let rhythm = try RFMCells(frequency: xs, recency: xs.map { $0 == 0 ? 0 : $0 }, age: [Double](repeating: 4, count: 60))
        #expect { try BGNBDModel.fit(rhythm) } throws: { "\($0)".contains("do not pin the model down") }
        let cdnow = try cells(try cdnowCalibration())
        #expect { try BGNBDModel.fit(cdnow, options: FitOptions(timeLimit: 0)) } throws: { "\($0)".contains("time limit") }
    }

    @Test("P(X(t) = n) sums to one and its mean is E[X(t)]")
    func distribution() {
        let m = Self.published
        let probabilities = (0..<400).map { m.probabilityOfTransactions($0, in: 39) }
        #expect(abs(probabilities.reduce(0, +) - 1) < 1e-9)
        let mean = probabilities.enumerated().reduce(0.0) { $0 + Double($1.offset) * $1.element }
        #expect(isClose(mean, m.expectedTransactions(in: 39), relative: 1e-8))
    }
}

@Suite("Batch scoring")
struct ScoringTests {
    @Test("batch scores equal the per-customer formulas for every model", arguments: TransactionModelKind.allCases)
    func batchEqualsSingle(_ kind: TransactionModelKind) throws {
        let table = try cdnowCalibration()
        let (model, _) = try kind.modelType.fit(cells: try cells(table), options: FitOptions())
        let spend = try GammaGammaModel(parameters: .init(p: 6.25, q: 3.74, gamma: 15.44))
        let options = LifetimeValueOptions(horizonDays: 365.2425, annualDiscountRate: 0.1, margin: 0.3)
        let scores = model.score(frequency: table.repeatPurchases, recency: table.recency, age: table.age,
                                 monetaryValue: table.monetaryValue, horizon: 52, spend: spend, timeUnit: .week, lifetimeValue: options)
        for i in stride(from: 0, to: table.count, by: 7) {
            let x = Double(table.repeatPurchases[i])
            let expected = model.expectedTransactions(in: 52, x: x, tx: table.recency[i], age: table.age[i])
            #expect(isClose(scores.expectedTransactions[i], expected, relative: 1e-12, absolute: 1e-15))
            let z = spend.expectedSpend(x: x, meanValue: table.monetaryValue[i])
            let clv = model.lifetimeValue(x: x, tx: table.recency[i], age: table.age[i], expectedSpend: z, timeUnit: .week, options: options)
            #expect(isClose(scores.lifetimeValue![i], clv, relative: 1e-10, absolute: 1e-12))
        }
    }
}

@Suite("Parameter checks")
struct ParameterCheckTests {
    /// Builds each model with one parameter replaced by `bad`.
    static func build(_ model: String, _ v: [Double]) throws {
        switch model {
        case "bgnbd", "mbgnbd", "pnbd": _ = try TransactionModelKind(rawValue: model)!.modelType.init(vector: v)
        case "bgbb": _ = try BGBBModel(parameters: .init(alpha: v[0], beta: v[1], gamma: v[2], delta: v[3]))
        case "sbg": _ = try ShiftedBetaGeometricModel(parameters: .init(alpha: v[0], beta: v[1]))
        default: _ = try GammaGammaModel(parameters: .init(p: v[0], q: v[1], gamma: v[2]))
        }
    }

    @Test("every model refuses a parameter that is ≤ 0 or not finite, and names it",
          arguments: [("bgnbd", 4), ("mbgnbd", 4), ("pnbd", 4), ("bgbb", 4), ("sbg", 2), ("gg", 3)])
    func refused(model: String, count: Int) throws {
        try Self.build(model, [Double](repeating: 2, count: count))
        for position in 0..<count {
            for bad in [0.0, -1, .nan, .infinity] {
                var v = [Double](repeating: 2, count: count)
                v[position] = bad
                do {
                    try Self.build(model, v)
                    Issue.record("\(model): \(bad) at position \(position) was accepted")
                } catch ModelError.invalidParameter(_, let name, _, _) {
                    #expect(name == Self.names(model)[position])
                }
            }
        }
    }

    static func names(_ model: String) -> [String] {
        switch model {
        case "bgnbd", "mbgnbd", "pnbd": return TransactionModelKind(rawValue: model)!.modelType.parameterNames
        case "bgbb": return BGBBModel.parameterNames
        case "sbg": return ShiftedBetaGeometricModel.parameterNames
        default: return GammaGammaModel.parameterNames
        }
    }
}
