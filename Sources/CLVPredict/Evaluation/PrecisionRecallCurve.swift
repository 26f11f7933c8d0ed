/// The precision–recall curve, point for point as scikit-learn's `precision_recall_curve`.
///
/// Every distinct score is a threshold (rows scoring ≥ it are predicted 1). The arrays run in
/// scikit-learn's order: thresholds increasing, recall decreasing, and a last point (precision 1,
/// recall 0) that has no threshold, so `precision` and `recall` are one longer than `thresholds`.
/// Without positives every recall is 1 (scikit-learn warns and does the same). With
/// `dropIntermediate` (default false, as in scikit-learn) only the first and the last point and
/// the points where the true positive count differs from a neighbour's are kept.
public struct PrecisionRecallCurve: Sendable, Hashable, Codable {
    /// Precision at each threshold, then 1.
    public var precision: [Double]
    /// Recall at each threshold (decreasing), then 0.
    public var recall: [Double]
    /// Increasing thresholds, one fewer than the points.
    public var thresholds: [Double]

    /// A curve from its arrays; `precision` and `recall` must be one longer than `thresholds`.
    public init(precision: [Double], recall: [Double], thresholds: [Double]) {
        precondition(precision.count == recall.count && recall.count == thresholds.count + 1,
                     "precision-recall curve arrays of inconsistent lengths")
        self.precision = precision
        self.recall = recall
        self.thresholds = thresholds
    }

    /// The precision–recall curve of `scores` against the 0/1 `labels`.
    /// - Throws: ``PredictionError`` when the inputs are not one finite score per 0/1 label.
    public init(labels: [UInt8], scores: [Double], dropIntermediate: Bool = false) throws {
        self.init(try RankedScores(labels: labels, scores: scores), dropIntermediate: dropIntermediate)
    }

    /// The precision–recall curve of already ranked scores.
    /// - Complexity: O(n).
    public init(_ ranked: RankedScores, dropIntermediate: Bool = false) {
        self.init(ThresholdCounts(ranked), dropIntermediate: dropIntermediate)
    }

    init(_ counts: ThresholdCounts, dropIntermediate: Bool) {
        let m = counts.count
        let tps = counts.truePositives, fps = counts.falsePositives
        var kept: [Int] = []
        kept.reserveCapacity(m)
        for i in 0 ..< m {
            if !dropIntermediate || m <= 2 || i == 0 || i == m - 1 || tps[i] != tps[i - 1] || tps[i + 1] != tps[i] {
                kept.append(i)
            }
        }
        let allPositives = tps[m - 1]
        var precision: [Double] = [], recall: [Double] = [], thresholds: [Double] = []
        precision.reserveCapacity(kept.count + 1)
        recall.reserveCapacity(kept.count + 1)
        thresholds.reserveCapacity(kept.count)
        for i in kept.reversed() {
            let predicted = tps[i] + fps[i]
            precision.append(predicted != 0 ? tps[i] / predicted : 0)
            recall.append(allPositives == 0 ? 1 : tps[i] / allPositives)
            thresholds.append(counts.thresholds[i])
        }
        precision.append(1)
        recall.append(0)
        self.init(precision: precision, recall: recall, thresholds: thresholds)
    }

    /// Average precision: Σₙ (Rₙ − Rₙ₋₁) Pₙ over the points, the step-wise area without
    /// interpolation, as scikit-learn's `average_precision_score` (which uses the curve with every
    /// point; dropping intermediate points changes only the last bits). Never negative.
    public var averagePrecision: Double {
        let p = precision, r = recall
        let sum = -pairwiseSum(count: r.count - 1) { k in (r[k + 1] - r[k]) * p[k] }
        return sum > 0 ? sum : 0
    }

    /// The area under the curve by the trapezoidal rule, as scikit-learn's `auc(recall, precision)`.
    /// Linear interpolation between points makes it more optimistic than ``averagePrecision``.
    public var trapezoidArea: Double {
        let p = precision, r = recall
        return -pairwiseSum(count: r.count - 1) { k in (r[k + 1] - r[k]) * (p[k + 1] + p[k]) / 2.0 }
    }
}
