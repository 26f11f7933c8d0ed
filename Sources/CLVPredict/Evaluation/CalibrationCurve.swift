/// The reliability (calibration) curve, as scikit-learn's `calibration_curve`: per bin of predicted
/// probability, the mean prediction against the observed share of 1s.
///
/// Bin edges: `uniform` takes `numpy.linspace(0, 1, bins + 1)` (edge k is k · (1/bins), the last
/// exactly 1); `quantile` takes `numpy.percentile(p, linspace(0, 1, bins + 1) · 100)` with linear
/// interpolation, so bins hold about equal numbers of rows. A probability goes to the bin given by
/// `searchsorted(edges[1:-1], p, side="left")`: one equal to an inner edge falls in the lower
/// bin. Empty bins are left out, so the arrays can be shorter than `bins`.
public struct CalibrationCurve: Sendable, Hashable, Codable {
    /// How the bin edges are placed.
    public enum Strategy: String, Sendable, Hashable, Codable, CaseIterable {
        /// Equal-width bins on [0, 1].
        case uniform
        /// Bins at the quantiles of the predicted probabilities.
        case quantile
    }

    /// How the edges were placed.
    public var strategy: Strategy
    /// The `bins + 1` bin edges.
    public var edges: [Double]
    /// The index (0-based) of each non-empty bin.
    public var binIndices: [Int]
    /// Mean predicted probability per non-empty bin (scikit-learn's `prob_pred`).
    public var meanPredicted: [Double]
    /// Share of label 1 per non-empty bin (scikit-learn's `prob_true`).
    public var fractionPositive: [Double]
    /// Rows per non-empty bin.
    public var counts: [Int]

    /// The number of bins asked for, empty ones included.
    public var binCount: Int { edges.count - 1 }

    /// The reliability curve of predicted `probabilities` against the 0/1 `labels`.
    /// - Parameter bins: the number of bins (scikit-learn's `n_bins`), at least 1.
    /// - Throws: ``PredictionError`` when the inputs are not one finite score per 0/1 label;
    ///   ``PredictionError/invalidOption(_:)`` for a probability outside [0, 1] or `bins` < 1.
    /// - Complexity: O(n log bins), plus one O(n) sort for `quantile`.
    public init(labels: [UInt8], probabilities: [Double], bins: Int = 10, strategy: Strategy = .uniform) throws {
        try validateScoredLabels(labels: labels, scores: probabilities)
        try validateProbabilities(probabilities)
        guard bins >= 1 else { throw PredictionError.invalidOption("a calibration curve needs at least 1 bin (got \(bins))") }
        switch strategy {
        case .uniform:
            self.init(labels: labels, probabilities: probabilities, edges: Self.uniformEdges(bins: bins), strategy: strategy)
        case .quantile:
            let descending = descendingStableOrder(probabilities)
            let n = probabilities.count
            let edges = Self.quantileEdges(bins: bins, count: n) { probabilities[descending[n - 1 - $0]] }
            self.init(labels: labels, probabilities: probabilities, edges: edges, strategy: strategy)
        }
    }

    /// The curve for validated inputs whose scores are already ranked (saves the sort for `quantile`).
    init(labels: [UInt8], probabilities: [Double], ranked: RankedScores, bins: Int, strategy: Strategy) {
        let n = ranked.count
        let edges = strategy == .uniform
            ? Self.uniformEdges(bins: bins)
            : Self.quantileEdges(bins: bins, count: n) { ranked.scores[n - 1 - $0] }
        self.init(labels: labels, probabilities: probabilities, edges: edges, strategy: strategy)
    }

    private init(labels: [UInt8], probabilities: [Double], edges: [Double], strategy: Strategy) {
        let bins = edges.count - 1
        let inner = Array(edges.dropFirst().dropLast())
        var sums = [Double](repeating: 0, count: bins)
        var positives = [Double](repeating: 0, count: bins)
        var totals = [Int](repeating: 0, count: bins)
        for (label, p) in zip(labels, probabilities) {
            // searchsorted(inner, p, side="left"): the number of inner edges below p.
            var low = 0, high = inner.count
            while low < high {
                let mid = (low + high) / 2
                if inner[mid] < p { low = mid + 1 } else { high = mid }
            }
            sums[low] += p
            positives[low] += Double(label)
            totals[low] += 1
        }
        let nonEmpty = (0 ..< bins).filter { totals[$0] != 0 }
        self.strategy = strategy
        self.edges = edges
        self.binIndices = nonEmpty
        self.meanPredicted = nonEmpty.map { sums[$0] / Double(totals[$0]) }
        self.fractionPositive = nonEmpty.map { positives[$0] / Double(totals[$0]) }
        self.counts = nonEmpty.map { totals[$0] }
    }

    private enum CodingKeys: String, CodingKey {
        case strategy, edges, counts
        case binIndices = "bin_indices", meanPredicted = "mean_predicted", fractionPositive = "fraction_positive"
    }

    /// `numpy.linspace(0, 1, bins + 1)`: k · (1/bins), with the last edge exactly 1.
    static func uniformEdges(bins: Int) -> [Double] {
        let step = 1.0 / Double(bins)
        return (0 ... bins).map { $0 == bins ? 1.0 : Double($0) * step + 0.0 }
    }

    /// `numpy.percentile(values, linspace(0, 1, bins + 1) * 100)` with the default linear method,
    /// from the values in ascending order (`ascending(i)` is the i-th smallest of `count`).
    static func quantileEdges(bins: Int, count: Int, ascending: (Int) -> Double) -> [Double] {
        uniformEdges(bins: bins).map { fraction in
            let quantile = fraction * 100 / 100  // percentile multiplies by 100, numpy divides again
            let virtualIndex = Double(count - 1) * quantile
            let below: Int, above: Int, gamma: Double
            if virtualIndex >= Double(count - 1) {
                (below, above) = (count - 1, count - 1)
                gamma = virtualIndex - -1  // numpy marks the index as -1 (the last) before taking gamma
            } else {
                let floor = virtualIndex.rounded(.down)
                (below, above) = (Int(floor), Int(floor) + 1)
                gamma = virtualIndex - floor
            }
            let a = ascending(below), b = ascending(above)
            let difference = b - a
            return gamma >= 0.5 ? b - difference * (1 - gamma) : a + difference * gamma
        }
    }
}
