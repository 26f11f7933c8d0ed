import CLVModels
import Foundation
import Testing
import _CLVTestSupport

/// The donations data of Fader, Hardie & Shang (2010): 11,104 donors, 6 opportunities.
func donations() throws -> BGBBModel.Patterns {
    let url = TestData.shared("donations.csv")
    try #require(TestData.exists(url))
    let lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
    var x: [Int] = [], tx: [Int] = [], n: [Int] = [], w: [Double] = []
    for line in lines {
        let f = line.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        x.append(Int(f[0])!); tx.append(Int(f[1])!); n.append(Int(f[2])!); w.append(Double(f[3])!)
    }
    return try BGBBModel.Patterns(frequency: x, recency: tx, opportunities: n, weights: w)
}

@Suite("BG/BB")
struct BGBBModelTests {
    @Test("the fit reproduces Fader, Hardie & Shang (2010) on the donations data")
    func parametersMatchFaderHardieShang2010() throws {
        let data = try donations()
        #expect(data.customers == 11_104)
        let (model, report) = try BGBBModel.fit(data)
        let p = model.parameters
        #expect(abs(p.alpha - 1.204) < 0.001 && abs(p.beta - 0.750) < 0.001 && abs(p.gamma - 0.657) < 0.001 && abs(p.delta - 2.783) < 0.002, "\(p)")
        #expect(abs(report.logLikelihood - -33_225.6) < 0.1, "LL \(report.logLikelihood)")
    }

    @Test("the probabilities of all histories of n opportunities sum to one")
    func likelihoodIsADistribution() throws {
        let m = try BGBBModel(parameters: .init(alpha: 1.204, beta: 0.750, gamma: 0.657, delta: 2.783))
        var total = 0.0
        let n = 6
        // A history is determined by x and tₓ, with C(tₓ−1, x−1) orders of the other purchases.
        func choose(_ a: Int, _ b: Int) -> Double { b < 0 || b > a ? 0 : (0..<b).reduce(1.0) { $0 * Double(a - $1) / Double($1 + 1) } }
        total += Foundation.exp(m.logLikelihood(x: 0, tx: 0, n: n))
        for tx in 1...n { for x in 1...tx { total += choose(tx - 1, x - 1) * Foundation.exp(m.logLikelihood(x: x, tx: tx, n: n)) } }
        #expect(abs(total - 1) < 1e-12)
    }
}

@Suite("Shifted-beta-geometric")
struct ShiftedBetaGeometricTests {
    static let regular = try! ShiftedBetaGeometricModel.Cohort(active: [1000, 631, 468, 382, 326, 289, 262, 241])
    static let highEnd = try! ShiftedBetaGeometricModel.Cohort(active: [1000, 869, 743, 653, 593, 551, 517, 491])

    @Test("the fits reproduce Fader & Hardie (2007), Table 1 data", arguments: [
        (regular, 0.704, 1.182), (highEnd, 0.668, 3.806),
    ])
    func parametersMatchFaderHardie2007(_ cohort: ShiftedBetaGeometricModel.Cohort, _ alpha: Double, _ beta: Double) throws {
        let (model, _) = try ShiftedBetaGeometricModel.fit([cohort])
        #expect(abs(model.parameters.alpha - alpha) < 0.001 && abs(model.parameters.beta - beta) < 0.001, "\(model.parameters)")
    }

    @Test("survival is the product of retention rates; retention rises with tenure")
    func survivalAndRetention() throws {
        let m = try ShiftedBetaGeometricModel(parameters: .init(alpha: 0.704, beta: 1.182))
        var product = 1.0
        for t in 1...12 {
            product *= m.retention(t)
            #expect(isClose(m.survival(t), product, relative: 1e-12))
            if t > 1 { #expect(m.retention(t) > m.retention(t - 1)) }
        }
    }

    @Test("DERL equals the discounted sum of future survival probabilities")
    func derlMatchesSum() throws {
        let m = try ShiftedBetaGeometricModel(parameters: .init(alpha: 0.704, beta: 1.182))
        for renewals in 0...4 {
            let n = renewals + 1
            // Σ_{t ≥ n} S(t)/S(n−1) / (1+d)^(t−n+1)... expected discounted periods still to be paid after period n.
            var sum = 0.0
            for t in n..<(n + 3000) { sum += m.survival(t) / m.survival(n - 1) / Foundation.pow(1.1, Double(t - n)) }
            let derl = m.discountedExpectedResidualLifetime(renewals: renewals, discountRate: 0.1)
            #expect(isClose(derl, sum, relative: 1e-6), "n \(n): \(derl) vs \(sum)")
        }
    }
}
