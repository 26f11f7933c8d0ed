import CLVNumerics
import Testing

@Suite("Sorting values for quantile scores")
struct RadixOrderTests {
    @Test("the radix order is the comparison sort's: ascending key, ties by row, −0.0 equal to 0.0",
          arguments: [(1, false), (2, true), (3, false), (4, true)] as [(UInt64, Bool)])
    func sameAsComparisonSort(seed: UInt64, descending: Bool) {
        var rng = Xoshiro256(seed: seed)
        var values = (0..<50_000).map { _ in Double(Int.random(in: -300...300, using: &rng)) / 4 } // many ties
        for _ in 0..<2000 { values[Int.random(in: 0..<values.count, using: &rng)] = Double.random(in: -1e12...1e12, using: &rng) }
        values[7] = -0.0; values[8] = 0.0; values[9] = .greatestFiniteMagnitude; values[10] = -.greatestFiniteMagnitude
        let expected = values.indices.sorted { a, b in
            let (x, y) = descending ? (-values[a], -values[b]) : (values[a], values[b])
            return x < y || (x == y && a < b)
        }.map { Int32($0) }
        #expect(StableOrder.ascending(values, descending: descending) == expected)
        #expect(StableOrder.ascending(Array(values.prefix(100)), descending: descending) == expected.filter { $0 < 100 }.sorted {
            let (x, y) = descending ? (-values[Int($0)], -values[Int($1)]) : (values[Int($0)], values[Int($1)])
            return x < y || (x == y && $0 < $1)
        })
    }

    @Test("sorted values are the standard library's stable sort, bit for bit (−0.0 and 0.0 in input order); NaN falls back to it",
          arguments: [(5, false), (6, true)] as [(UInt64, Bool)])
    func sortedValuesAsStandardLibrary(seed: UInt64, descending: Bool) {
        var rng = Xoshiro256(seed: seed)
        var values = (0..<20_000).map { _ in Double(Int.random(in: -50...50, using: &rng)) / 8 }
        for k in stride(from: 0, to: values.count, by: 97) { values[k] = -0.0 }
        for k in stride(from: 3, to: values.count, by: 89) { values[k] = Double.random(in: -1e9...1e9, using: &rng) }
        let expected = descending ? values.sorted(by: >) : values.sorted()
        #expect(StableOrder.sorted(values, descending: descending).map(\.bitPattern) == expected.map(\.bitPattern))
        var withNaN = values
        withNaN[11] = .nan
        let reference = descending ? withNaN.sorted(by: >) : withNaN.sorted()
        #expect(StableOrder.sorted(withNaN, descending: descending).map(\.bitPattern) == reference.map(\.bitPattern))
    }
}

