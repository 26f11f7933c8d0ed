import _CLVUtilities
import CLVCore
extension KMeans {
    /// Lloyd's algorithm from the given centres, as scikit-learn's
    /// `KMeans(init=centres, n_init=1, algorithm="lloyd", max_iter=…, tol=…)`.
    ///
    /// Each iteration assigns every row to its nearest centre (the first on ties) and moves each
    /// centre to the mean of its rows. The run stops when the labels repeat those of the previous
    /// iteration, or when the summed squared centre shift is at most `tolerance × mean column
    /// variance` (scikit-learn's `tol` scaling), or after `maxIterations`; in the last two cases
    /// the rows are assigned once more so that labels and centres agree.
    ///
    /// A cluster that loses all its rows takes the row farthest from its own centre (then the
    /// next farthest for a second empty cluster, and so on), as scikit-learn relocates empty
    /// clusters; scikit-learn orders several such rows by `argpartition`, we by decreasing distance.
    ///
    /// - Parameters:
    ///   - data: Rows to cluster (usually standardized).
    ///   - initialCentres: One row per cluster, same columns as `data`.
    ///   - maxIterations: Iteration limit (default 300).
    ///   - tolerance: Relative tolerance on the centre shift; 0 stops only on repeated labels.
    /// - Throws: ``ClusteringError`` for empty or non-finite input, mismatched columns, or invalid limits.
    /// - Complexity: O(n·k·p) per iteration; the assignment step runs on all cores.
    public static func lloyd(_ data: FeatureMatrix, initialCentres: FeatureMatrix, maxIterations: Int = 300,
                             tolerance: Double = 0) throws -> KMeansResult {
        try data.validate()
        try initialCentres.validate()
        guard initialCentres.columnCount == data.columnCount else {
            throw ClusteringError.shapeMismatch("centres have \(initialCentres.columnCount) columns, data \(data.columnCount).")
        }
        try ClusteringError.require(maxIterations >= 1, "maxIterations", Double(maxIterations), "≥ 1")
        try ClusteringError.require(tolerance >= 0, "tolerance", tolerance, "≥ 0")
        let shiftLimit = tolerance == 0 ? 0 : tolerance * meanColumnVariance(data)
        return runLloyd(data, centres: initialCentres.values, clusterCount: initialCentres.rowCount,
                        maxIterations: maxIterations, shiftLimit: shiftLimit)
    }

    /// Lloyd's algorithm on validated input; `shiftLimit` is absolute.
    /// A cancelled `cancellation` stops the iterations early; the caller then throws.
    ///
    /// With `bounded` (the default) the assignment step skips rows that bounds prove have kept their
    /// centre (Hamerly 2010; see ``BoundedAssignment``); the result is the same, bit for bit, as
    /// computing every distance (`bounded: false`), which a test checks.
    static func runLloyd(_ data: FeatureMatrix, centres initial: [Double], clusterCount k: Int, maxIterations: Int,
                         shiftLimit: Double, cancellation: CancellationToken? = nil, bounded: Bool = true) -> KMeansResult {
        let n = data.rowCount, p = data.columnCount
        var centres = initial
        var labels = [Int32](repeating: -1, count: n)
        var previous = labels
        var history: [Double] = []
        var iterations = 0
        var stable = false, converged = false
        var bounds = bounded ? BoundedAssignment(rows: n) : nil
        func assignStep(_ x: UnsafeBufferPointer<Double>) -> AssignmentStep {
            if bounds != nil { return bounds!.assign(x, columns: p, centres: centres, clusterCount: k, labels: &labels) }
            return assign(x, rows: n, columns: p, centres: centres, clusterCount: k, labels: &labels)
        }
        data.values.withUnsafeBufferPointer { x in
            while iterations < maxIterations {
                if cancellation?.isCancelled == true { break }
                iterations += 1
                var step = assignStep(x)
                history.append(step.inertia)
                relocateEmptyClusters(x, columns: p, centres: centres, labels: labels, step: &step)
                let updated = averages(step, clusterCount: k, columns: p)
                var shift = 0.0
                for i in 0..<(k * p) { shift += (updated[i] - centres[i]) * (updated[i] - centres[i]) }
                bounds?.centresMoved(from: centres, to: updated, clusterCount: k, columns: p)
                centres = updated
                if step.changedLabels.map({ $0 == 0 }) ?? (labels == previous) {
                    stable = true
                    converged = true
                    break
                }
                if shift <= shiftLimit {
                    converged = true
                    break
                }
                if !bounded { previous = labels }
            }
            if !stable { _ = assignStep(x) }
        }
        let inertia = data.values.withUnsafeBufferPointer { x in
            inertiaOf(x, rows: n, columns: p, centres: centres, labels: labels)
        }
        let centreMatrix = try! FeatureMatrix(rowCount: k, columnNames: data.columnNames, values: centres)
        return KMeansResult(centres: centreMatrix, labels: labels.map(Int.init), inertia: inertia, iterations: iterations,
                            converged: converged, inertiaHistory: history)
    }

    /// Per-cluster sums and counts of one assignment step, and its objective.
    struct AssignmentStep {
        var sums: [Double]
        var counts: [Double]
        var inertia: Double
        /// How many rows changed label in this step (set by the bounded step, which counts them; the
        /// plain step leaves it nil and the caller compares the labels).
        var changedLabels: Int? = nil
    }

    /// Assigns each row to its nearest centre (first on ties) and accumulates the M-step sums, in
    /// parallel chunks combined in chunk order.
    static func assign(_ x: UnsafeBufferPointer<Double>, rows n: Int, columns p: Int, centres: [Double], clusterCount k: Int,
                       labels: inout [Int32]) -> AssignmentStep {
        let chunks = chunkCount(for: n)
        let stride = k * p + k + 1
        var partial = [Double](repeating: 0, count: chunks * stride)
        centres.withUnsafeBufferPointer { c in
            labels.withUnsafeMutableBufferPointer { labelBuffer in
                partial.withUnsafeMutableBufferPointer { partialBuffer in
                    let out = DisjointWrites(labelBuffer), acc = DisjointWrites(partialBuffer)
                    let source = x.baseAddress!, cb = c.baseAddress!
                    forEachChunk(count: n) { chunk, range in
                        let sums = acc.pointer(at: chunk * stride), counts = sums + k * p
                        var inertia = 0.0
                        // Kernel: index arithmetic wraps (&*, &+) rather than trapping, so the distance loop vectorises;
                        // every index is below n·p or k·p, which the callers' buffers hold.
                        for i in range {
                            let row = source + i &* p
                            var best = Double.infinity, label = 0
                            var j = 0
                            while j < k {
                                let d = squaredDistance(row, cb + j &* p, p)
                                if d < best {
                                    best = d
                                    label = j
                                }
                                j &+= 1
                            }
                            out.write(Int32(truncatingIfNeeded: label), at: i)
                            inertia += best
                            counts[label] += 1
                            let s = sums + label &* p
                            var f = 0
                            while f < p { s[f] += row[f]; f &+= 1 }
                        }
                        counts[k] = inertia
                    }
                }
            }
        }
        var step = AssignmentStep(sums: [Double](repeating: 0, count: k * p), counts: [Double](repeating: 0, count: k), inertia: 0)
        for chunk in 0..<chunks {
            let base = chunk * stride
            for i in 0..<(k * p) { step.sums[i] += partial[base + i] }
            for j in 0..<k { step.counts[j] += partial[base + k * p + j] }
            step.inertia += partial[base + k * p + k]
        }
        return step
    }

    /// Σ (a[f] − b[f])² over f = 0 … p − 1, added in that order: the one distance kernel of the plain and the
    /// bounded assignment steps, so that both give the same bits.
    @inline(__always)
    static func squaredDistance(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ p: Int) -> Double {
        var d = 0.0
        var f = 0
        while f < p {
            let t = a[f] - b[f]
            d += t * t
            f &+= 1
        }
        return d
    }

    /// Gives each empty cluster the row farthest from its own centre, moving that row's
    /// contribution out of its old cluster (labels are left for the next assignment, as in scikit-learn).
    static func relocateEmptyClusters(_ x: UnsafeBufferPointer<Double>, columns p: Int, centres: [Double], labels: [Int32],
                                      step: inout AssignmentStep) {
        let empty = step.counts.indices.filter { step.counts[$0] == 0 }
        guard !empty.isEmpty else { return }
        let distances = labels.indices.map { i in
            let c = Int(labels[i]) * p
            var d = 0.0
            for f in 0..<p { d += (x[i * p + f] - centres[c + f]) * (x[i * p + f] - centres[c + f]) }
            return d
        }
        guard let largest = distances.max(), largest > 0 else { return }
        let farthest = distances.indices.sorted { distances[$0] > distances[$1] || (distances[$0] == distances[$1] && $0 < $1) }
        for (cluster, row) in zip(empty, farthest) {
            let old = Int(labels[row])
            for f in 0..<p {
                step.sums[old * p + f] -= x[row * p + f]
                step.sums[cluster * p + f] = x[row * p + f]
            }
            step.counts[cluster] = 1
            step.counts[old] -= 1
        }
    }

    /// The new centres: sums over counts; a cluster still empty copies the largest cluster's centre.
    static func averages(_ step: AssignmentStep, clusterCount k: Int, columns p: Int) -> [Double] {
        var centres = step.sums
        for j in 0..<k where step.counts[j] > 0 {
            let scale = 1 / step.counts[j]
            for f in 0..<p { centres[j * p + f] *= scale }
        }
        if let largest = step.counts.indices.max(by: { step.counts[$0] < step.counts[$1] }) {
            for j in 0..<k where step.counts[j] == 0 {
                for f in 0..<p { centres[j * p + f] = centres[largest * p + f] }
            }
        }
        return centres
    }

    /// Σ‖x − c_label‖², in parallel chunks combined in order.
    static func inertiaOf(_ x: UnsafeBufferPointer<Double>, rows n: Int, columns p: Int, centres: [Double], labels: [Int32]) -> Double {
        let chunks = chunkCount(for: n)
        var partial = [Double](repeating: 0, count: chunks)
        precondition(labels.count >= n && x.count >= n * p)
        centres.withUnsafeBufferPointer { cb in
            labels.withUnsafeBufferPointer { lb in
                partial.withUnsafeMutableBufferPointer { buffer in
                    let out = DisjointWrites(buffer)
                    let source = x.baseAddress!, c0 = cb.baseAddress!, l0 = lb.baseAddress!
                    forEachChunk(count: n) { chunk, range in
                        var total = 0.0
                        // Kernel: wrapping index arithmetic (see assign).
                        for i in range {
                            let row = source + i &* p, centre = c0 + Int(l0[i]) &* p
                            for f in 0..<p {
                                let t = row[f] - centre[f]
                                total += t * t
                            }
                        }
                        out.write(total, at: chunk)
                    }
                }
            }
        }
        return partial.reduce(0, +)
    }

    /// Mean of the column variances (population), scikit-learn's scale for `tol`.
    static func meanColumnVariance(_ data: FeatureMatrix) -> Double {
        (0..<data.columnCount).reduce(0) { $0 + FeatureScaling.meanAndVariance(data.column($1)).variance } / Double(data.columnCount)
    }
}
