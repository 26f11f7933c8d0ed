/// The receiver operating characteristic curve, point for point as scikit-learn's `roc_curve`.
///
/// Scores are ranked from highest to lowest and every distinct score is a threshold: point i holds
/// the false and true positive rates of predicting 1 when score ≥ `thresholds[i]`, so tied scores
/// give one point (a diagonal step, which is how ties count half in the area). The first point is
/// (0, 0) at threshold `+infinity`. With `dropIntermediate` (scikit-learn's default) a point is kept
/// only if it is the first or the last or a corner: the second difference of the false or the true
/// positive counts is non-zero there. Without negatives the false positive rates are all NaN, and
/// without positives the true positive rates are (scikit-learn warns and does the same).
///
/// In JSON, non-finite numbers are written as `null`: the leading `+infinity` threshold, and NaN rates.
public struct ROCCurve: Sendable, Hashable {
    /// False positive rate at each threshold: negatives scoring ≥ it / all negatives. Non-decreasing.
    public var falsePositiveRates: [Double]
    /// True positive rate (recall) at each threshold: positives scoring ≥ it / all positives. Non-decreasing.
    public var truePositiveRates: [Double]
    /// Decreasing thresholds; `thresholds[0]` is `+infinity`.
    public var thresholds: [Double]

    /// A curve from its arrays, which must have the same length.
    public init(falsePositiveRates: [Double], truePositiveRates: [Double], thresholds: [Double]) {
        precondition(falsePositiveRates.count == truePositiveRates.count && truePositiveRates.count == thresholds.count,
                     "ROC curve arrays of different lengths")
        self.falsePositiveRates = falsePositiveRates
        self.truePositiveRates = truePositiveRates
        self.thresholds = thresholds
    }

    /// The ROC curve of `scores` against the 0/1 `labels`.
    /// - Throws: ``PredictionError`` when the inputs are not one finite score per 0/1 label.
    public init(labels: [UInt8], scores: [Double], dropIntermediate: Bool = true) throws {
        self.init(try RankedScores(labels: labels, scores: scores), dropIntermediate: dropIntermediate)
    }

    /// The ROC curve of already ranked scores.
    /// - Complexity: O(n).
    public init(_ ranked: RankedScores, dropIntermediate: Bool = true) {
        self.init(ThresholdCounts(ranked), dropIntermediate: dropIntermediate)
    }

    init(_ counts: ThresholdCounts, dropIntermediate: Bool) {
        let m = counts.count
        let allNegatives = counts.falsePositives[m - 1], allPositives = counts.truePositives[m - 1]
        var fpr = [0.0], tpr = [0.0], thresholds = [Double.infinity]
        fpr.reserveCapacity(m + 1)
        tpr.reserveCapacity(m + 1)
        thresholds.reserveCapacity(m + 1)
        counts.truePositives.withUnsafeBufferPointer { tps in
            counts.falsePositives.withUnsafeBufferPointer { fps in
                for i in 0 ..< m {
                    let corner = !dropIntermediate || m <= 2 || i == 0 || i == m - 1
                        || fps[i + 1] - 2 * fps[i] + fps[i - 1] != 0 || tps[i + 1] - 2 * tps[i] + tps[i - 1] != 0
                    guard corner else { continue }
                    fpr.append(fps[i] / allNegatives)
                    tpr.append(tps[i] / allPositives)
                    thresholds.append(counts.thresholds[i])
                }
            }
        }
        if allNegatives <= 0 { fpr = Array(repeating: .nan, count: fpr.count) }
        if allPositives <= 0 { tpr = Array(repeating: .nan, count: tpr.count) }
        self.init(falsePositiveRates: fpr, truePositiveRates: tpr, thresholds: thresholds)
    }

    /// The number of points.
    public var count: Int { thresholds.count }

    /// The area under the curve by the trapezoidal rule, as scikit-learn's `auc(fpr, tpr)`; on the
    /// curve with `dropIntermediate` this is `roc_auc_score`. NaN when a class is missing.
    public var area: Double {
        let x = falsePositiveRates, y = truePositiveRates
        return pairwiseSum(count: count - 1) { i in (x[i + 1] - x[i]) * (y[i + 1] + y[i]) / 2.0 }
    }

    /// At most `maxPoints` of the points, evenly spaced by index and always including the first and
    /// the last: for plots and reports. The area of the thinned curve is an approximation.
    /// - Precondition: `maxPoints` ≥ 2.
    public func downsampled(maxPoints: Int = 200) -> ROCCurve {
        precondition(maxPoints >= 2, "a downsampled ROC curve needs at least its two end points")
        guard count > maxPoints else { return self }
        let picks = (0 ..< maxPoints).map { $0 * (count - 1) / (maxPoints - 1) }
        return ROCCurve(falsePositiveRates: picks.map { falsePositiveRates[$0] },
                        truePositiveRates: picks.map { truePositiveRates[$0] },
                        thresholds: picks.map { thresholds[$0] })
    }
}

extension ROCCurve: Codable {
    private enum CodingKeys: String, CodingKey {
        case falsePositiveRates = "fpr", truePositiveRates = "tpr", thresholds
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let fpr = try container.decode([Double?].self, forKey: .falsePositiveRates)
        let tpr = try container.decode([Double?].self, forKey: .truePositiveRates)
        let thresholds = try container.decode([Double?].self, forKey: .thresholds)
        guard fpr.count == tpr.count, tpr.count == thresholds.count else {
            throw DecodingError.dataCorruptedError(forKey: .thresholds, in: container,
                                                   debugDescription: "fpr, tpr and thresholds differ in length")
        }
        self.init(falsePositiveRates: fpr.map { $0 ?? .nan }, truePositiveRates: tpr.map { $0 ?? .nan },
                  thresholds: thresholds.map { $0 ?? .infinity })
    }

    public func encode(to encoder: any Encoder) throws {
        func finiteOrNil(_ values: [Double]) -> [Double?] { values.map { $0.isFinite ? $0 : nil } }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(finiteOrNil(falsePositiveRates), forKey: .falsePositiveRates)
        try container.encode(finiteOrNil(truePositiveRates), forKey: .truePositiveRates)
        try container.encode(finiteOrNil(thresholds), forKey: .thresholds)
    }
}
