import _CLVUtilities

extension KMeans {
    /// Lloyd's assignment step with Hamerly's bounds, which skips the k distances of a row whose
    /// centre provably stays its nearest.
    ///
    /// Each row keeps a lower bound on its distance to every centre but its own. After the centres
    /// move, the bound drops by the largest move (one running total for all rows, so a row stores only
    /// the bound plus the total at the time it was set). A row's distance to its own centre is
    /// computed every step anyway (it is the row's share of the inertia); when that distance is below
    /// the lower bound, or below half the distance from its centre to the nearest other centre, no
    /// other centre can be as near, and the row keeps its label. Otherwise all k distances are
    /// computed, as in the plain step. Both tests are strict and carry a relative margin of 10⁻¹⁰
    /// for rounding, so a row is skipped only when its centre is nearer than every other by more than
    /// rounding could explain; a tie always goes to the full step, which takes the first centre.
    /// Labels, sums, counts and inertia are therefore the plain step's, bit for bit.
    ///
    /// > Hamerly, G. (2010). Making k-means even faster. *Proceedings of the 2010 SIAM International
    /// > Conference on Data Mining*, 130–140.
    struct BoundedAssignment {
        /// Per row: its lower bound on the distance to the other centres, plus ``drift`` when it was set.
        var lowerPlusDrift: [Double]
        /// The sum of the largest centre move of every step so far.
        var drift = 0.0
        /// Whether the bounds have been set (by a first full step).
        var ready = false

        /// Margin for rounding in the bounds (relative).
        static let margin = 1e-10

        init(rows: Int) {
            lowerPlusDrift = [Double](repeating: 0, count: rows)
        }

        /// Records the centres' moves: the drift grows by the largest.
        mutating func centresMoved(from old: [Double], to new: [Double], clusterCount k: Int, columns p: Int) {
            var largest = 0.0
            for j in 0..<k {
                var d = 0.0
                for f in 0..<p { d += (new[j * p + f] - old[j * p + f]) * (new[j * p + f] - old[j * p + f]) }
                largest = Swift.max(largest, d)
            }
            drift += largest.squareRoot()
        }

        /// Half the distance from each centre to its nearest other (infinite with one centre).
        static func halfGaps(_ centres: [Double], clusterCount k: Int, columns p: Int) -> [Double] {
            var gap = [Double](repeating: .infinity, count: k)
            for a in 0..<k {
                for b in (a + 1)..<Swift.max(k, a + 1) {
                    var d = 0.0
                    for f in 0..<p { d += (centres[a * p + f] - centres[b * p + f]) * (centres[a * p + f] - centres[b * p + f]) }
                    gap[a] = Swift.min(gap[a], d)
                    gap[b] = Swift.min(gap[b], d)
                }
            }
            return gap.map { $0.squareRoot() / 2 }
        }

        /// The assignment step: the plain step's labels, sums, counts and inertia, in the same
        /// chunks and the same order of addition, and how many labels changed.
        mutating func assign(_ x: UnsafeBufferPointer<Double>, columns p: Int, centres: [Double], clusterCount k: Int,
                             labels: inout [Int32]) -> AssignmentStep {
            let n = lowerPlusDrift.count
            let chunks = chunkCount(for: n)
            let stride = k * p + k + 2
            var partial = [Double](repeating: 0, count: chunks * stride)
            let margin = Self.margin
            // Squares of the half gaps, shrunk by the margin: a row nearer its centre than this keeps it.
            let gaps = Self.halfGaps(centres, clusterCount: k, columns: p).map { g in
                let shrunk = g * (1 - margin) / (1 + margin)
                return shrunk * shrunk
            }
            let useBounds = ready, drift = self.drift
            centres.withUnsafeBufferPointer { c in
                gaps.withUnsafeBufferPointer { g in
                    labels.withUnsafeMutableBufferPointer { labelBuffer in
                        lowerPlusDrift.withUnsafeMutableBufferPointer { boundBuffer in
                            partial.withUnsafeMutableBufferPointer { partialBuffer in
                                let out = DisjointWrites(labelBuffer), acc = DisjointWrites(partialBuffer)
                                let bound = DisjointWrites(boundBuffer)
                                let source = x.baseAddress!, cb = c.baseAddress!, gb = g.baseAddress!
                                let lb = UnsafePointer(labelBuffer.baseAddress!), bb = UnsafePointer(boundBuffer.baseAddress!)
                                // The rows of one chunk; `p` is a parameter so that the call with p = 4 (the
                                // features of `clv segment`) is specialised with the loops unrolled.
                                @inline(__always)
                                func rows(_ p: Int, _ chunk: Int, _ range: Range<Int>) {
                                    let sums = acc.pointer(at: chunk * stride), counts = sums + k * p
                                    var inertia = 0.0, changed = 0
                                    // Kernel: wrapping index arithmetic, as in the plain step; every index is below n·p or k·p.
                                    for i in range {
                                        let row = source + i &* p
                                        var label = 0, best = Double.infinity
                                        var skipped = false
                                        if useBounds {
                                            label = Int(lb[i])
                                            let d = KMeans.squaredDistance(row, cb + label &* p, p)
                                            // u = √d is skipped when u·(1 + m) + m·(stored + drift) < stored − drift, or
                                            // u·(1 + m) < gap·(1 − m); both compare d with a square, so no root is taken.
                                            let stored = bb[i]
                                            let lower = (stored - drift - margin * (stored + drift)) / (1 + margin)
                                            let threshold = Swift.max(lower > 0 ? lower * lower : 0, gb[label])
                                            if d < threshold {
                                                best = d
                                                skipped = true
                                            }
                                        }
                                        if !skipped {
                                            var second = Double.infinity
                                            label = 0
                                            var j = 0
                                            while j < k {
                                                let d = KMeans.squaredDistance(row, cb + j &* p, p)
                                                if d < best {
                                                    second = best
                                                    best = d
                                                    label = j
                                                } else if d < second {
                                                    second = d
                                                }
                                                j &+= 1
                                            }
                                            bound.write(second.squareRoot() + drift, at: i)
                                            let new = Int32(truncatingIfNeeded: label)
                                            if lb[i] != new { changed &+= 1 }
                                            out.write(new, at: i)
                                        }
                                        inertia += best
                                        counts[label] += 1
                                        let s = sums + label &* p
                                        var f = 0
                                        while f < p { s[f] += row[f]; f &+= 1 }
                                    }
                                    counts[k] = inertia
                                    counts[k + 1] = Double(changed)
                                }
                                forEachChunk(count: n) { chunk, range in
                                    if p == 4 { rows(4, chunk, range) } else { rows(p, chunk, range) }
                                }
                            }
                        }
                    }
                }
            }
            ready = true
            var step = AssignmentStep(sums: [Double](repeating: 0, count: k * p), counts: [Double](repeating: 0, count: k), inertia: 0)
            var changed = 0
            for chunk in 0..<chunks {
                let base = chunk * stride
                for i in 0..<(k * p) { step.sums[i] += partial[base + i] }
                for j in 0..<k { step.counts[j] += partial[base + k * p + j] }
                step.inertia += partial[base + k * p + k]
                changed += Int(partial[base + k * p + k + 1])
            }
            step.changedLabels = changed
            return step
        }
    }
}
