/// A binary classifier's hits and misses at one threshold: a row is predicted 1 when its score is
/// **≥ `threshold`**, so a score equal to the threshold counts as positive (as at every point of
/// scikit-learn's ROC curve; note that scikit-learn's `predict` on probabilities uses p > 0.5).
///
/// The ratios are those of scikit-learn's `precision_score`, `recall_score`, `f1_score` and
/// `accuracy_score` on the thresholded predictions, with `zero_division=0`: a ratio whose
/// denominator is 0 is 0 (scikit-learn's default, `"warn"`, also gives 0, with a warning).
/// Specificity is scikit-learn's `recall_score(pos_label=0)`.
public struct ConfusionMatrix: Sendable, Hashable, Codable {
    /// Rows are predicted 1 when their score is ≥ this.
    public var threshold: Double
    /// Label 1, predicted 1.
    public var truePositives: Int
    /// Label 0, predicted 1.
    public var falsePositives: Int
    /// Label 0, predicted 0.
    public var trueNegatives: Int
    /// Label 1, predicted 0.
    public var falseNegatives: Int

    /// A matrix from its four counts.
    public init(threshold: Double, truePositives: Int, falsePositives: Int, trueNegatives: Int, falseNegatives: Int) {
        self.threshold = threshold
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives
        self.falseNegatives = falseNegatives
    }

    /// Counts the rows predicted 1 (score ≥ `threshold`) and 0 against their 0/1 `labels`.
    /// - Throws: ``PredictionError`` when the inputs are not one finite score per 0/1 label, or
    ///   ``PredictionError/invalidOption(_:)`` when `threshold` is not finite.
    /// - Complexity: O(n).
    public init(labels: [UInt8], scores: [Double], threshold: Double) throws {
        try validateScoredLabels(labels: labels, scores: scores)
        guard threshold.isFinite else { throw PredictionError.invalidOption("the threshold \(threshold) is not a finite number") }
        self.init(validLabels: labels, scores: scores, threshold: threshold)
    }

    init(validLabels labels: [UInt8], scores: [Double], threshold: Double) {
        var positives = 0, truePositives = 0, predictedPositive = 0
        for (label, score) in zip(labels, scores) {
            let predicted = score >= threshold ? 1 : 0
            positives += Int(label)
            predictedPositive += predicted
            truePositives += predicted & Int(label)
        }
        self.init(threshold: threshold, truePositives: truePositives,
                  falsePositives: predictedPositive - truePositives,
                  trueNegatives: labels.count - positives - (predictedPositive - truePositives),
                  falseNegatives: positives - truePositives)
    }

    /// All rows.
    public var count: Int { truePositives + falsePositives + trueNegatives + falseNegatives }

    /// tp / (tp + fp): the share of rows predicted 1 that are 1; 0 when none is predicted 1.
    public var precision: Double { ratio(truePositives, truePositives + falsePositives) }

    /// tp / (tp + fn): the share of the 1s that are found (sensitivity); 0 when there is no 1.
    public var recall: Double { ratio(truePositives, truePositives + falseNegatives) }

    /// 2tp / (2tp + fp + fn), the harmonic mean of precision and recall; 0 when tp + fp + fn = 0.
    public var f1: Double { ratio(2 * truePositives, (truePositives + falseNegatives) + (truePositives + falsePositives)) }

    /// (tp + tn) / n.
    public var accuracy: Double { ratio(truePositives + trueNegatives, count) }

    /// tn / (tn + fp): the share of the 0s predicted 0; 0 when there is no 0.
    public var specificity: Double { ratio(trueNegatives, trueNegatives + falsePositives) }

    /// The matrix as scikit-learn's `confusion_matrix(labels=[0, 1])` lays it out: [[tn, fp], [fn, tp]].
    public var matrix: [[Int]] { [[trueNegatives, falsePositives], [falseNegatives, truePositives]] }

    private func ratio(_ numerator: Int, _ denominator: Int) -> Double {
        denominator == 0 ? 0 : Double(numerator) / Double(denominator)
    }

    private enum CodingKeys: String, CodingKey {
        case threshold
        case truePositives = "true_positives", falsePositives = "false_positives"
        case trueNegatives = "true_negatives", falseNegatives = "false_negatives"
    }
}
