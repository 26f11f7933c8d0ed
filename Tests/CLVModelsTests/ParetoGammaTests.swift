import CLVCore
import CLVIngest
import CLVModels
import CLVNumerics
import Foundation
import Testing
import _CLVTestSupport

@Suite("Pareto/NBD")
struct ParetoNBDModelTests {
    static let published = try! ParetoNBDModel(parameters: .init(r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669))

    @Test("the fit reproduces the published CDNOW estimates (Fader, Hardie & Lee 2005)")
    func parametersMatchPublished() throws {
        let (model, report) = try ParetoNBDModel.fit(try cells(try cdnowCalibration()))
        let p = model.parameters
        #expect(abs(p.r - 0.553) < 0.001 && abs(p.alpha - 10.578) < 0.01 && abs(p.s - 0.606) < 0.001 && abs(p.beta - 11.669) < 0.01, "\(p)")
        #expect(abs(report.logLikelihood - -9595.0) < 0.1, "LL \(report.logLikelihood)")
    }

    @Test("both ₂F₁ branches (α ≥ β and α < β) agree where they meet")
    func branches() throws {
        let below = try ParetoNBDModel(parameters: .init(r: 0.5, alpha: 9.999999, s: 0.7, beta: 10))
        let above = try ParetoNBDModel(parameters: .init(r: 0.5, alpha: 10.000001, s: 0.7, beta: 10))
        for (x, tx, t) in [(3.0, 20.0, 39.0), (1, 2, 39), (10, 38, 39)] {
            #expect(isClose(below.logLikelihood(x: x, tx: tx, age: t), above.logLikelihood(x: x, tx: tx, age: t), relative: 1e-6))
        }
    }

    @Test("a purchase at the very end (tₓ = T) and no purchase (x = 0) are finite; P(alive) at tₓ = T is 1")
    func edges() {
        let m = Self.published
        #expect(m.logLikelihood(x: 4, tx: 39, age: 39).isFinite)
        #expect(m.logLikelihood(x: 0, tx: 0, age: 39).isFinite)
        #expect(m.probabilityAlive(x: 4, tx: 39, age: 39) == 1)
        #expect(m.probabilityAlive(x: 0, tx: 0, age: 39) < 1)
    }

    @Test("conditional expectations are consistent: a customer just acquired (x = 0, T → 0) behaves like a new one")
    func newCustomer() {
        let m = Self.published
        #expect(isClose(m.expectedTransactions(in: 39, x: 0, tx: 0, age: 1e-9), m.expectedTransactions(in: 39), relative: 1e-6))
    }
}

@Suite("Gamma-Gamma")
struct GammaGammaModelTests {
    @Test("the fit reproduces Fader & Hardie (2013) on CDNOW: p = 6.25, q = 3.74, γ = 15.44")
    func parametersMatchFaderHardie2013() throws {
        let table = try cdnowCalibration()
        let spend = try GammaGammaModel.SpendCells(frequency: table.repeatPurchases.map(Double.init), meanValue: table.monetaryValue)
        #expect(spend.customers == 946)
        let (model, _) = try GammaGammaModel.fit(spend)
        let p = model.parameters
        #expect(abs(p.p - 6.25) < 0.01 && abs(p.q - 3.74) < 0.01 && abs(p.gamma - 15.44) < 0.02, "\(p)")
        // Fader & Hardie report a weak correlation between frequency and spend on CDNOW (0.11).
        #expect(abs(spend.frequencySpendCorrelation - 0.11) < 0.01, "\(spend.frequencySpendCorrelation)")
    }

    @Test("expected spend shrinks a customer's own mean towards the population mean")
    func shrinkage() throws {
        let m = try GammaGammaModel(parameters: .init(p: 6.25, q: 3.74, gamma: 15.44))
        let population = m.populationMeanSpend
        #expect(isClose(population, 6.25 * 15.44 / 2.74, relative: 1e-12))
        let e = m.expectedSpend(x: 2, meanValue: 100)
        #expect(e > population && e < 100)
        #expect(m.expectedSpend(x: 0, meanValue: 0) == population)
    }

    @Test("q ≤ 1 is refused, since mean spend would be infinite")
    func invalidQ() throws {
        // Extremely dispersed spend pushes q below 1.
        let xs = [Double](repeating: 1, count: 200)
        let ms: [Double] = (0..<200).map { (i: Int) -> Double in i % 10 == 0 ? 1e6 : Double(i % 7 + 1) }
        let cells = try GammaGammaModel.SpendCells(frequency: xs, meanValue: ms)
        #expect(throws: ModelError.self) { try GammaGammaModel.fit(cells) }
    }
}

@Suite("Future P(alive) and DERT")
struct FuturePredictionTests {
    @Test("P(alive after t) starts at P(alive), falls with t, and matches the Beta-mixture integral",
          arguments: [TransactionModelKind.bgnbd, .mbgnbd])
    func futureAlive(kind: TransactionModelKind) throws {
        let (r0, alpha0, a, b0) = (0.243, 4.414, 0.793, 2.426)
        let m = try kind.modelType.init(vector: [r0, alpha0, a, b0])
        let (x, tx, age) = (3.0, 20.0, 39.0)
        #expect(m.probabilityAlive(after: 0, x: x, tx: tx, age: age) == m.probabilityAlive(x: x, tx: tx, age: age))
        var previous = 1.0
        for t in [1.0, 10, 52, 520] {
            let v = m.probabilityAlive(after: t, x: x, tx: tx, age: age)
            #expect(v < previous)
            previous = v
            // E_p[((α+T)/(α+T+tp))^(r+x)] with p ~ Beta(a, b+x) for BG/NBD, Beta(a, b+x+1) for MBG/NBD (which
            // also survived the chance to drop out at the first purchase), by midpoint quadrature in u = p^a
            // (removes the p^(a−1) singularity).
            let (b, r, alpha) = (b0 + x + (kind == .mbgnbd ? 1 : 0), r0 + x, alpha0 + age)
            let n = 200_000
            var integral = 0.0
            for k in 0..<n {
                let u = (Double(k) + 0.5) / Double(n)
                let p = Foundation.pow(u, 1 / a)
                integral += Foundation.pow(1 - p, b - 1) * Foundation.pow(alpha / (alpha + t * p), r)
            }
            integral /= Double(n) * a * Foundation.exp(Double.logBeta(a, b))
            #expect(isClose(v, m.probabilityAlive(x: x, tx: tx, age: age) * integral, relative: 1e-5), "t \(t)")
        }
    }

    @Test("Pareto/NBD DERT equals ∫ δ e^(−δt) E[Y(t)] dt computed numerically")
    func dert() throws {
        let m = try ParetoNBDModel(parameters: .init(r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669))
        let delta = Foundation.log(1.15) / 52 // 15% a year, weekly time unit
        for (x, tx, age) in [(0.0, 0.0, 39.0), (2.0, 30.0, 39.0), (7.0, 38.0, 39.0)] {
            let dert = m.discountedExpectedResidualTransactions(delta: delta, x: x, tx: tx, age: age)
            // Substitute t = −ln(v)/δ: ∫₀¹ E[Y(−ln v / δ)] dv.
            let n = 20_000
            var integral = 0.0
            for k in 0..<n {
                let v = (Double(k) + 0.5) / Double(n)
                integral += m.expectedTransactions(in: -Foundation.log(v) / delta, x: x, tx: tx, age: age)
            }
            integral /= Double(n)
            #expect(isClose(dert, integral, relative: 2e-3), "x \(x): DERT \(dert) vs \(integral)")
        }
    }

    @Test("Kummer U(a, a; z) against scipy.special.hyperu and U(1, 1; z) = e^z E₁(z)", arguments: [
        // scipy 1.17.1: hyperu(a, a, z); exp1(1) = 0.2193839343955205.
        (1.0, 1.0, 0.5963473623231941), (2.0, 50.0, 0.00038489006988512984), (0.606, 0.1, 1.3886046732611803),
        (1.0, 0.1, Foundation.exp(0.1) * 1.8229239584193906),
    ])
    func kummer(_ a: Double, _ z: Double, _ expected: Double) {
        #expect(isClose(SpecialFunctions.kummerU(equalParameters: a, z), expected, relative: 1e-10))
    }
}
