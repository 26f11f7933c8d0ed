/// `term(0) + term(1) + … + term(count - 1)` added in numpy's pairwise order, so that sums of
/// long arrays agree with `numpy.sum` (and with scikit-learn's metrics built on it) to the last bit.
///
/// numpy adds up to 7 terms left to right from 0; up to 128 terms in 8 interleaved partial sums,
/// combined as ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7)), then the rest left to right; longer ranges
/// are split in two at half the length rounded down to a multiple of 8.
/// - Complexity: O(`count`); the rounding error grows as O(log `count`) rather than O(`count`).
@inline(__always)
func pairwiseSum(count: Int, _ term: (Int) -> Double) -> Double {
    pairwiseSum(from: 0, count: count, term)
}

private func pairwiseSum(from start: Int, count: Int, _ term: (Int) -> Double) -> Double {
    if count < 8 {
        var sum = 0.0
        for i in start ..< start + count { sum += term(i) }
        return sum
    }
    if count <= 128 {
        var s0 = term(start), s1 = term(start + 1), s2 = term(start + 2), s3 = term(start + 3)
        var s4 = term(start + 4), s5 = term(start + 5), s6 = term(start + 6), s7 = term(start + 7)
        var i = 8
        let blocked = count - count % 8
        while i < blocked {
            let base = start + i
            s0 += term(base); s1 += term(base + 1); s2 += term(base + 2); s3 += term(base + 3)
            s4 += term(base + 4); s5 += term(base + 5); s6 += term(base + 6); s7 += term(base + 7)
            i += 8
        }
        var sum = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
        while i < count {
            sum += term(start + i)
            i += 1
        }
        return sum
    }
    var half = count / 2
    half -= half % 8
    return pairwiseSum(from: start, count: half, term) + pairwiseSum(from: start + half, count: count - half, term)
}
