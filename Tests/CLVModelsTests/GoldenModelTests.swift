import CLVCore
import CLVModels
import Foundation
import Testing
import _CLVTestSupport

/// A golden file of Scripts/golden/models_lifetimes.py (lifetimes 0.11.3, checked with mpmath).
struct ModelGolden {
    let json: [String: Any]
    init(_ name: String) throws {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden"))
        json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }
    /// The object at `path`; a missing section fails the test rather than giving an empty loop that passes.
    func object(_ path: String...) throws -> [String: Any] {
        var current = json
        for key in path {
            current = try #require(current[key] as? [String: Any], "golden section \(path.joined(separator: ".")) is missing")
        }
        return current
    }
    func number(_ o: [String: Any], _ key: String) -> Double { (o[key] as? NSNumber)?.doubleValue ?? .nan }
    /// Rows of a table section (or of the top level, with nil) as dictionaries.
    /// Fails the test when the section, its columns or its rows are missing or empty.
    func rows(_ section: String?) throws -> [[String: Any]] {
        let s = try section.map { try object($0) } ?? json
        let columns = try #require(s["columns"] as? [String], "golden section \(section ?? "top level") has no columns")
        let rows = try #require(s["rows"] as? [[Any]], "golden section \(section ?? "top level") has no rows")
        try #require(!rows.isEmpty, "golden section \(section ?? "top level") has no rows")
        return rows.map { Dictionary(uniqueKeysWithValues: zip(columns, $0)) }
    }
}

func value(_ row: [String: Any], _ key: String) -> Double { (row[key] as? NSNumber)?.doubleValue ?? .nan }

/// Fixed-parameter values: closed forms agree with lifetimes/mpmath to ~1e-9 relative.
let fixedTolerance = 1e-9

@Suite("Models agree with lifetimes 0.11.3 (goldens from Scripts/golden/models_lifetimes.py)")
struct GoldenModelTests {
    static func continuous(_ name: String, _ make: ([String: Double]) throws -> any TransactionModel) throws {
        let g = try ModelGolden(name)
        let fixed = try g.object("fixed_params", "values").mapValues { ($0 as! NSNumber).doubleValue }
        let model = try make(fixed)
        var checked = 0
        for row in try g.rows("customers") {
            let (x, tx, t) = (value(row, "frequency"), value(row, "recency"), value(row, "T"))
            #expect(isClose(model.probabilityAlive(x: x, tx: tx, age: t), value(row, "conditional_probability_alive"), relative: fixedTolerance, absolute: 1e-12),
                    "\(name) \(row["customer_id"]!) P(alive)")
            for horizon in [39.0, 52.0] {
                #expect(isClose(model.expectedTransactions(in: horizon, x: x, tx: tx, age: t),
                                value(row, "conditional_expected_number_of_purchases_up_to_time_t\(Int(horizon))"), relative: fixedTolerance, absolute: 1e-12),
                        "\(name) \(row["customer_id"]!) E[Y(\(horizon))]")
            }
            let cells = try RFMCells(frequency: [x], recency: [tx], age: [t])
            #expect(isClose(model.logLikelihood(of: cells), value(row, "log_likelihood"), relative: fixedTolerance), "\(name) \(row["customer_id"]!) LL")
            checked += 1
        }
        #expect(checked > 290)
        let unconditional = try g.object("expected_number_of_purchases_up_to_time")
        for (t, v) in zip(unconditional["t"] as! [Double], unconditional["values"] as! [Double]) {
            #expect(isClose(model.expectedTransactions(in: t), v, relative: fixedTolerance), "\(name) E[X(\(t))]")
        }
    }

    @Test("BG/NBD at fixed parameters: P(alive), conditional and unconditional expectations, likelihood, P(X(t) = n)")
    func bgnbd() throws {
        try Self.continuous("bgnbd_cdnow") { try BGNBDModel(parameters: .init(r: $0["r"]!, alpha: $0["alpha"]!, a: $0["a"]!, b: $0["b"]!)) }
        let g = try ModelGolden("bgnbd_cdnow")
        let m = try BGNBDModel(parameters: .init(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426))
        let pmf = try g.object("probability_of_n_purchases_up_to_time")
        for (n, v) in zip(pmf["n"] as! [Int], pmf["values"] as! [Double]) {
            #expect(isClose(m.probabilityOfTransactions(n, in: 39), v, relative: fixedTolerance))
        }
        let bigX = try #require(try g.object("big_x")["cases"] as? [[String: Any]], "golden section big_x.cases is missing")
        try #require(!bigX.isEmpty)
        for c in bigX {
            let ll = m.logLikelihood(x: value(c, "frequency"), tx: value(c, "recency"), age: value(c, "T"))
            #expect(isClose(ll, value(c, "log_likelihood"), relative: 1e-12), "big x: \(ll)")
        }
    }

    @Test("MBG/NBD at fixed parameters")
    func mbgnbd() throws {
        try Self.continuous("mbgnbd_cdnow") { try MBGNBDModel(parameters: .init(r: $0["r"]!, alpha: $0["alpha"]!, a: $0["a"]!, b: $0["b"]!)) }
    }

    @Test("Pareto/NBD at fixed parameters")
    func pnbd() throws {
        try Self.continuous("pnbd_cdnow") { try ParetoNBDModel(parameters: .init(r: $0["r"]!, alpha: $0["alpha"]!, s: $0["s"]!, beta: $0["beta"]!)) }
    }

    @Test("fitted parameters and log-likelihoods match the reference MLE, standard errors match lifetimes'", arguments: [
        ("bgnbd_cdnow", TransactionModelKind.bgnbd), ("mbgnbd_cdnow", .mbgnbd), ("pnbd_cdnow", .pnbd),
    ])
    func fits(_ name: String, _ kind: TransactionModelKind) throws {
        let g = try ModelGolden(name)
        let cal = try ModelGolden("cdnow_calibration").rows(nil)
        #expect(cal.count == 2357)
        let cells = try RFMCells(frequency: cal.map { value($0, "frequency_cal") }, recency: cal.map { value($0, "recency_cal") },
                                 age: cal.map { value($0, "T_cal") })
        let (_, report) = try kind.modelType.fit(cells: cells, options: FitOptions())
        let mle = try g.object("fit", "independent_mle")
        let params = (mle["params"] as! [String: NSNumber]).mapValues(\.doubleValue)
        for estimate in report.parameters {
            #expect(isClose(estimate.value, params[estimate.name]!, relative: 1e-4), "\(name) \(estimate.name): \(estimate.value) vs \(params[estimate.name]!)")
        }
        #expect(abs(report.logLikelihood - g.number(mle, "log_likelihood")) < 1e-6)
        // lifetimes' ParetoNBDFitter computes no Hessian, so its golden has no standard errors; the others must.
        if kind != .pnbd {
            let ses = try #require(try g.object("fit", "lifetimes_standard_errors")["standard_errors"] as? [String: NSNumber])
            for estimate in report.parameters {
                #expect(isClose(estimate.standardError, ses[estimate.name]!.doubleValue, relative: 2e-3), "\(name) SE \(estimate.name)")
            }
        }
    }

    @Test("the covariance matrix (off-diagonal terms too) matches an independent second-difference Hessian")
    func covariance() throws {
        let table = try cdnowCalibration()
        let c = try cells(table)
        let (model, report) = try BGNBDModel.fit(c)
        let theta = model.parameters.vector
        // Second differences of the log-likelihood value only (no gradient code involved).
        func ll(_ t: [Double]) -> Double {
            (try? BGNBDModel(parameters: .init(r: t[0], alpha: t[1], a: t[2], b: t[3])).logLikelihood(of: c)) ?? .nan
        }
        var h = [[Double]](repeating: [0, 0, 0, 0], count: 4)
        for i in 0..<4 {
            for j in 0..<4 {
                let hi = 1e-4 * theta[i], hj = 1e-4 * theta[j]
                func at(_ di: Double, _ dj: Double) -> Double {
                    var t = theta; t[i] += di; t[j] += dj; return ll(t)
                }
                h[i][j] = -(at(hi, hj) - at(hi, -hj) - at(-hi, hj) + at(-hi, -hj)) / (4 * hi * hj)
            }
        }
        // Invert by Gauss–Jordan.
        var a = h, inv = (0..<4).map { i in (0..<4).map { $0 == i ? 1.0 : 0.0 } }
        for col in 0..<4 {
            let d = a[col][col]
            for k in 0..<4 { a[col][k] /= d; inv[col][k] /= d }
            for r in 0..<4 where r != col {
                let f = a[r][col]
                for k in 0..<4 { a[r][k] -= f * a[col][k]; inv[r][k] -= f * inv[col][k] }
            }
        }
        // The reference is a second difference of values (rounding error ~1e-3 of the entries' scale), so
        // entries are compared on the correlation scale: |Δcov_ij| ≤ 2e-3 · √(cov_ii cov_jj).
        for i in 0..<4 {
            for j in 0..<4 {
                let scale = (inv[i][i] * inv[j][j]).squareRoot()
                #expect(abs(report.covariance[i][j] - inv[i][j]) <= 2e-3 * scale, "cov[\(i)][\(j)] \(report.covariance[i][j]) vs \(inv[i][j])")
                #expect(report.covariance[i][j] == report.covariance[j][i])
            }
        }
    }

    @Test("Gamma-Gamma: likelihood, expected spend and CLV with the BG/NBD (lifetimes' 4.345-week month)")
    func gammaGamma() throws {
        let g = try ModelGolden("gg_cdnow")
        let fixed = try g.object("fixed_params", "values").mapValues { ($0 as! NSNumber).doubleValue }
        let gg = try GammaGammaModel(parameters: .init(p: fixed["p"]!, q: fixed["q"]!, gamma: fixed["v"]!))
        let clvSection = try g.object("clv")
        let bg = (clvSection["bgnbd_params"] as! [String: NSNumber]).mapValues(\.doubleValue)
        let gp = (clvSection["gg_params"] as! [String: NSNumber]).mapValues(\.doubleValue)
        let bgnbd = try BGNBDModel(parameters: .init(r: bg["r"]!, alpha: bg["alpha"]!, a: bg["a"]!, b: bg["b"]!))
        let ggFitted = try GammaGammaModel(parameters: .init(p: gp["p"]!, q: gp["q"]!, gamma: gp["v"]!))
        // lifetimes: 12 steps of 4.345 weeks, 1% per step (an annual rate of 1.01^(365.2425/30.415) − 1).
        let step = 4.345 * 7
        let options = LifetimeValueOptions(horizonDays: 12 * step, annualDiscountRate: Foundation.pow(1.01, 365.2425 / step) - 1,
                                           margin: 1, stepDays: step)
        for row in try g.rows("customers") {
            let (x, m) = (value(row, "frequency"), value(row, "monetary_value"))
            #expect(isClose(gg.expectedSpend(x: x, meanValue: m), value(row, "conditional_expected_average_profit"), relative: fixedTolerance))
            if x > 0 {
                let cells = try GammaGammaModel.SpendCells(frequency: [x], meanValue: [m])
                #expect(isClose(gg.logLikelihood(of: cells), value(row, "log_likelihood"), relative: fixedTolerance))
            }
            let clv = bgnbd.lifetimeValue(x: x, tx: value(row, "recency"), age: value(row, "T"),
                                          expectedSpend: ggFitted.expectedSpend(x: x, meanValue: m), timeUnit: .week, options: options)
            #expect(isClose(clv, value(row, "clv_freq_W"), relative: 1e-8), "CLV \(row["customer_id"]!): \(clv) vs \(value(row, "clv_freq_W"))")
        }
    }

    @Test("BG/BB on the donations: per-pattern likelihood, P(alive), conditional expectation, P(X(6) = x)")
    func bgbb() throws {
        let g = try ModelGolden("bgbb_donations")
        let f = try g.object("fixed_params", "values").mapValues { ($0 as! NSNumber).doubleValue }
        let m = try BGBBModel(parameters: .init(alpha: f["alpha"]!, beta: f["beta"]!, gamma: f["gamma"]!, delta: f["delta"]!))
        for row in try g.rows("patterns") {
            let (x, tx, n) = (Int(value(row, "frequency")), Int(value(row, "recency")), Int(value(row, "n_periods")))
            #expect(isClose(m.logLikelihood(x: x, tx: tx, n: n), value(row, "log_likelihood"), relative: fixedTolerance))
            #expect(isClose(m.probabilityAlive(x: x, tx: tx, n: n, periodsAhead: 0), value(row, "conditional_probability_alive_m0"), relative: fixedTolerance))
            #expect(isClose(m.expectedTransactions(inNext: 5, x: x, tx: tx, n: n), value(row, "conditional_expected_number_of_purchases_up_to_time_m5"), relative: fixedTolerance))
        }
        let pmf = try g.object("expected_number_of_transactions_in_first_n_periods")
        for (x, v) in zip(pmf["frequency"] as! [Int], pmf["values"] as! [Double]) {
            #expect(isClose(11_104 * m.probabilityOfTransactions(x, inFirst: 6), v, relative: fixedTolerance))
        }
    }

    @Test("sBG: survival, retention and DERL for both cohorts of Fader & Hardie (2007)", arguments: ["regular", "high_end"])
    func sbg(_ cohort: String) throws {
        let g = try ModelGolden("sbg_example")
        let c = try g.object("cohorts", cohort)
        let fitted = (c["fitted"] as! [String: NSNumber]).mapValues(\.doubleValue)
        let m = try ShiftedBetaGeometricModel(parameters: .init(alpha: fitted["alpha"]!, beta: fitted["beta"]!))
        let survival = c["survival"] as! [String: Any]
        for (t, v) in zip(survival["t"] as! [Int], survival["values"] as! [Double]) { #expect(isClose(m.survival(t), v, relative: fixedTolerance)) }
        let retention = c["retention"] as! [String: Any]
        for (t, v) in zip(retention["t"] as! [Int], retention["values"] as! [Double]) { #expect(isClose(m.retention(t), v, relative: fixedTolerance)) }
        let derl = c["derl"] as! [String: Any]
        for case let entry as [String: Any] in derl["values"] as! [Any] {
            #expect(isClose(m.discountedExpectedResidualLifetime(renewals: entry["renewals_made"] as! Int, discountRate: 0.1),
                            value(entry, "derl"), relative: 1e-8))
        }
        let counts = (c["alive_start_of_year"] as! [Double]).prefix(8)
        let (refit, _) = try ShiftedBetaGeometricModel.fit([try .init(active: Array(counts))])
        #expect(isClose(refit.parameters.alpha, fitted["alpha"]!, relative: 1e-5) && isClose(refit.parameters.beta, fitted["beta"]!, relative: 1e-5))
    }
}
