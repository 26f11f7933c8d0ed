import CLVCore
import CLVNumerics
import Testing
@testable import CLVModels

@Suite("Cells and their index")
struct CellIndexTests {
    /// The reference: a Dictionary over the values, in order of first appearance.
    static func reference<K: Hashable>(_ keys: [K]) -> (distinct: [K], positions: [Int]) {
        var seen: [K: Int] = [:], distinct: [K] = []
        let positions = keys.map { k -> Int in
            if let p = seen[k] { return p }
            seen[k] = distinct.count
            distinct.append(k)
            return distinct.count - 1
        }
        return (distinct, positions)
    }

    @Test("cells and every distinct value and pair come out in order of first appearance, as a Dictionary gives them, on 200k histories")
    func firstAppearance() throws {
        var rng = Xoshiro256(seed: 5)
        var xs: [Double] = [], txs: [Double] = [], ts: [Double] = []
        for _ in 0..<200_000 {
            let t = Double(Int.random(in: 1...300, using: &rng))
            let x = Double(Int.random(in: 0...6, using: &rng))
            xs.append(x); ts.append(t); txs.append(x == 0 ? 0 : Double(Int.random(in: 0...Int(t), using: &rng)))
        }
        // −0.0: a cell of its own (cells are told apart by bit pattern), but the same recency value in the index.
        txs[3] = -0.0; xs[3] = 0
        let cells = try RFMCells(frequency: xs, recency: txs, age: ts)
        let ref = Self.reference(xs.indices.map { [xs[$0].bitPattern, txs[$0].bitPattern, ts[$0].bitPattern] })
        #expect(cells.count == ref.distinct.count)
        let sameCells = cells.frequency.map(\.bitPattern) == ref.distinct.map { $0[0] } && cells.recency.map(\.bitPattern) == ref.distinct.map { $0[1] }
            && cells.age.map(\.bitPattern) == ref.distinct.map { $0[2] }
        #expect(sameCells)
        var weights = [Double](repeating: 0, count: ref.distinct.count)
        for p in ref.positions { weights[p] += 1 }
        let sameWeights = cells.weight == weights
        #expect(sameWeights)
        let ix = cells.index
        let pairs = Self.reference(cells.frequency.indices.map { [cells.frequency[$0], cells.age[$0]] })
        let samePairs = ix.xT.map { [$0[0], $0[1]] } == pairs.distinct && ix.pairT.map(Int.init) == pairs.positions
        #expect(samePairs)
        let recency = Self.reference(cells.recency) // Double equality: −0.0 == 0.0
        let sameRecency = ix.txs == recency.distinct && ix.tx.map(Int.init) == recency.positions
        #expect(sameRecency)
        #expect(ix.txs.filter { $0 == 0 }.count == 1)
    }

    @Test("scoring with P(alive) from another horizon's call gives the same scores as computing it")
    func knownProbabilityAlive() throws {
        let model = try ParetoNBDModel(parameters: .init(r: 0.55, alpha: 10.6, s: 0.61, beta: 11.7))
        let x: [Int32] = [0, 1, 3, 3, 7]
        let tx: [Double] = [0, 5, 20, 20, 33.5], t: [Double] = [10, 30, 40, 40, 38]
        let options = LifetimeValueOptions(horizonDays: 365, annualDiscountRate: 0.1, margin: 1)
        let year = model.score(frequency: x, recency: tx, age: t, monetaryValue: nil, horizon: 52, spend: nil, timeUnit: .week,
                               lifetimeValue: options)
        let fresh = model.score(frequency: x, recency: tx, age: t, monetaryValue: nil, horizon: 4, spend: nil, timeUnit: .week,
                                lifetimeValue: options)
        let reused = model.score(frequency: x, recency: tx, age: t, monetaryValue: nil, horizon: 4, spend: nil, timeUnit: .week,
                                 lifetimeValue: options, probabilityAlive: year.probabilityAlive)
        #expect(reused.expectedTransactions == fresh.expectedTransactions)
        #expect(reused.probabilityAlive == fresh.probabilityAlive)
        #expect(fresh.expectedTransactions[2] == fresh.expectedTransactions[3] && fresh.expectedTransactions[2] > 0)
    }
}
