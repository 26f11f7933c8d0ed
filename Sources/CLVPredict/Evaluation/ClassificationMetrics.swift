import CLVNumerics

/// Single-number evaluation metrics for 0/1 labels and scores, each as scikit-learn 1.9 computes it.
///
/// Thresholded metrics (precision, recall, F1, accuracy, specificity) live on ``ConfusionMatrix``;
/// the curves are ``ROCCurve``, ``PrecisionRecallCurve`` and ``CalibrationCurve``; ``LiftTable``
/// has lift and gains; ``ClassifierEvaluation`` bundles them all.
public enum ClassificationMetrics {
    /// Area under the ROC curve, as scikit-learn's `roc_auc_score`: the trapezoidal area under
    /// ``ROCCurve`` (with intermediate points dropped), where tied scores count half. It equals
    /// the probability that a random positive scores above a random negative, ties counting ½.
    /// NaN when the labels hold one class (scikit-learn warns and returns NaN).
    /// - Throws: ``PredictionError`` when the inputs are not one finite score per 0/1 label.
    /// - Complexity: O(n): one radix sort and one pass.
    public static func rocAUC(labels: [UInt8], scores: [Double]) throws -> Double {
        let ranked = try RankedScores(labels: labels, scores: scores)
        if ranked.positives == 0 || ranked.negatives == 0 { return .nan }
        return ROCCurve(ranked).area
    }

    /// Average precision, as scikit-learn's `average_precision_score`: Σₙ (Rₙ − Rₙ₋₁) Pₙ over
    /// the precision–recall curve, without interpolation (see
    /// ``PrecisionRecallCurve/averagePrecision``). 0 when there is no positive.
    /// - Throws: ``PredictionError`` when the inputs are not one finite score per 0/1 label.
    /// - Complexity: O(n).
    public static func averagePrecision(labels: [UInt8], scores: [Double]) throws -> Double {
        PrecisionRecallCurve(try RankedScores(labels: labels, scores: scores)).averagePrecision
    }

    /// The Brier score, as scikit-learn's `brier_score_loss` for binary labels: the mean of
    /// (y − p)², computed as ½·[((1 − y) − (1 − p))² + (y − p)²] per row like scikit-learn.
    /// - Throws: ``PredictionError`` when the inputs are not one finite score per 0/1 label, or
    ///   ``PredictionError/invalidOption(_:)`` for a probability outside [0, 1].
    public static func brierScore(labels: [UInt8], probabilities: [Double]) throws -> Double {
        try validateScoredLabels(labels: labels, scores: probabilities)
        try validateProbabilities(probabilities)
        return brierScore(validLabels: labels, probabilities: probabilities)
    }

    /// The log loss (cross-entropy), as scikit-learn 1.9's `log_loss(labels=[0, 1])`: the mean of
    /// −log p for label 1 and −log(1 − p) for label 0, after clipping p and 1 − p to
    /// [ε, 1 − ε] with ε = `Double.ulpOfOne` (2.2e-16, the dtype's machine epsilon), so a confident
    /// miss costs about 36.04, not infinity. Without `labels=` scikit-learn refuses a single
    /// class; here it is computed the same way.
    /// - Throws: ``PredictionError`` when the inputs are not one finite score per 0/1 label, or
    ///   ``PredictionError/invalidOption(_:)`` for a probability outside [0, 1].
    public static func logLoss(labels: [UInt8], probabilities: [Double]) throws -> Double {
        try validateScoredLabels(labels: labels, scores: probabilities)
        try validateProbabilities(probabilities)
        return logLoss(validLabels: labels, probabilities: probabilities)
    }

    static func brierScore(validLabels labels: [UInt8], probabilities: [Double]) -> Double {
        let sum = labels.withUnsafeBufferPointer { labels in
            probabilities.withUnsafeBufferPointer { p in
                pairwiseSum(count: p.count) { i in
                    let y = Double(labels[i])
                    let negative = (1 - y) - (1 - p[i]), positive = y - p[i]
                    return negative * negative + positive * positive
                }
            }
        }
        return sum / Double(labels.count) * 0.5
    }

    static func logLoss(validLabels labels: [UInt8], probabilities: [Double]) -> Double {
        let epsilon = Double.ulpOfOne
        let sum = labels.withUnsafeBufferPointer { labels in
            probabilities.withUnsafeBufferPointer { p in
                pairwiseSum(count: p.count) { i in
                    let q = labels[i] == 1 ? p[i] : 1 - p[i]
                    return -Double.log(min(max(q, epsilon), 1 - epsilon))
                }
            }
        }
        return sum / Double(labels.count)
    }
}
