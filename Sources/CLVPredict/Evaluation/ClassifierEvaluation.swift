import CLVNumerics

/// Everything reported about one classifier on one labelled data set: the headline metrics, the
/// confusion matrix at a threshold, the ROC curve, the reliability curve and lift by decile.
///
/// Every metric follows scikit-learn 1.9 (see ``ClassificationMetrics``, ``ConfusionMatrix``,
/// ``ROCCurve``, ``PrecisionRecallCurve``, ``CalibrationCurve``); lift is ``LiftTable``. `prAUC` is
/// the **average precision** (scikit-learn's `average_precision_score`, a step-wise sum without
/// interpolation); `prAUCTrapezoid` is the trapezoidal area `auc(recall, precision)`.
///
/// JSON keys are already snake_case (`roc_auc`, `pr_auc`, `log_loss`, …): encode and decode with
/// the default key strategies. The encoded ROC curve is the thinned ``rocCurve``; the exact curve,
/// ``exactROCCurve``, is kept in memory only.
public struct ClassifierEvaluation: Sendable, Hashable, Codable {
    /// The classifier's name, e.g. `logistic`.
    public var name: String
    /// Rows evaluated.
    public var count: Int
    /// Rows labelled 1.
    public var positives: Int
    /// Area under the ROC curve (`roc_auc_score`).
    public var rocAUC: Double
    /// Average precision (`average_precision_score`), reported as the PR-AUC.
    public var prAUC: Double
    /// Trapezoidal area under the precision–recall curve (`auc(recall, precision)`).
    public var prAUCTrapezoid: Double
    /// Rows are predicted 1 when their score is ≥ this.
    public var threshold: Double
    /// tp / (tp + fp) at ``threshold``; 0 when nothing is predicted 1.
    public var precision: Double
    /// tp / (tp + fn) at ``threshold``.
    public var recall: Double
    /// 2tp / (2tp + fp + fn) at ``threshold``; 0 when that is 0/0.
    public var f1: Double
    /// (tp + tn) / n at ``threshold``.
    public var accuracy: Double
    /// tn / (tn + fp) at ``threshold``.
    public var specificity: Double
    /// Mean squared error of the probabilities (`brier_score_loss`).
    public var brier: Double
    /// Mean cross-entropy with probabilities clipped to [ε, 1 − ε] (`log_loss`).
    public var logLoss: Double
    /// The counts behind precision, recall, F1, accuracy and specificity.
    public var confusionMatrix: ConfusionMatrix
    /// The ROC curve thinned to at most `maxROCPoints` points, for reports.
    public var rocCurve: ROCCurve
    /// The reliability curve.
    public var calibration: CalibrationCurve
    /// Lift and cumulative gains by decile.
    public var deciles: LiftTable
    /// The exact ROC curve (scikit-learn's, with intermediate points dropped); `nil` when the
    /// evaluation was decoded from JSON, which holds only ``rocCurve``.
    public var exactROCCurve: ROCCurve? = nil

    /// Evaluates predicted probabilities `scores` against the 0/1 `labels`.
    /// - Parameters:
    ///   - threshold: rows are predicted 1 when their score is ≥ this (for the confusion matrix,
    ///     precision, recall, F1, accuracy and specificity).
    ///   - calibrationBins: bins of the reliability curve.
    ///   - calibrationStrategy: equal-width or quantile bins.
    ///   - maxROCPoints: the most points kept in ``rocCurve`` (at least 2).
    /// - Throws: ``PredictionError`` when the inputs are not one finite score per 0/1 label;
    ///   ``PredictionError/singleClass`` when the labels hold one class (ROC-AUC is undefined);
    ///   ``PredictionError/invalidOption(_:)`` for a score outside [0, 1], a non-finite threshold,
    ///   fewer than 1 calibration bin or fewer than 2 ROC points.
    /// - Complexity: O(n): one radix sort and a few passes over the rows.
    public init(name: String, labels: [UInt8], scores: [Double], threshold: Double = 0.5, calibrationBins: Int = 10,
                calibrationStrategy: CalibrationCurve.Strategy = .uniform, maxROCPoints: Int = 200) throws {
        try validateScoredLabels(labels: labels, scores: scores)
        try validateProbabilities(scores)
        guard calibrationBins >= 1 else {
            throw PredictionError.invalidOption("a calibration curve needs at least 1 bin (got \(calibrationBins))")
        }
        guard maxROCPoints >= 2 else {
            throw PredictionError.invalidOption("a ROC curve for reports needs at least 2 points (got \(maxROCPoints))")
        }
        guard threshold.isFinite else { throw PredictionError.invalidOption("the threshold \(threshold) is not a finite number") }
        // The ranking and the row-wise metrics are independent: on large inputs they run on two cores.
        let compute: @Sendable (Part) -> PartResult = { Self.compute($0, labels: labels, scores: scores, threshold: threshold) }
        let parts = labels.count >= 100_000
            ? parallelMap([Part.ranking, Part.rowWise], minimumChunk: 1, compute)
            : [Part.ranking, Part.rowWise].map(compute)
        guard case let .ranking(ranked) = parts[0], case let .rowWise(matrix, brier, logLoss) = parts[1] else {
            preconditionFailure("evaluation parts out of order")
        }
        guard ranked.positives > 0, ranked.negatives > 0 else { throw PredictionError.singleClass }
        let counts = ThresholdCounts(ranked)
        let roc = ROCCurve(counts, dropIntermediate: true)
        let pr = PrecisionRecallCurve(counts, dropIntermediate: false)

        self.name = name
        self.count = ranked.count
        self.positives = ranked.positives
        self.rocAUC = roc.area
        self.prAUC = pr.averagePrecision
        self.prAUCTrapezoid = pr.trapezoidArea
        self.threshold = threshold
        self.precision = matrix.precision
        self.recall = matrix.recall
        self.f1 = matrix.f1
        self.accuracy = matrix.accuracy
        self.specificity = matrix.specificity
        self.brier = brier
        self.logLoss = logLoss
        self.confusionMatrix = matrix
        self.rocCurve = roc.downsampled(maxPoints: maxROCPoints)
        self.calibration = CalibrationCurve(labels: labels, probabilities: scores, ranked: ranked,
                                            bins: calibrationBins, strategy: calibrationStrategy)
        self.deciles = LiftTable(ranked, groups: 10)
        self.exactROCCurve = roc
    }

    /// Scores `data` with `classifier` and evaluates the probabilities; the evaluation takes the
    /// classifier's ``BinaryClassifier/name``.
    /// - Throws: as ``init(name:labels:scores:threshold:calibrationBins:calibrationStrategy:maxROCPoints:)``.
    public init(_ classifier: any BinaryClassifier, on data: LabeledData, threshold: Double = 0.5,
                calibrationBins: Int = 10, calibrationStrategy: CalibrationCurve.Strategy = .uniform,
                maxROCPoints: Int = 200) throws {
        try self.init(name: classifier.name, labels: data.labels, scores: classifier.probabilities(data.features),
                      threshold: threshold, calibrationBins: calibrationBins, calibrationStrategy: calibrationStrategy,
                      maxROCPoints: maxROCPoints)
    }

    private enum Part: Sendable {
        case ranking
        case rowWise
    }

    private enum PartResult: Sendable {
        case ranking(RankedScores)
        case rowWise(ConfusionMatrix, brier: Double, logLoss: Double)
    }

    private static func compute(_ part: Part, labels: [UInt8], scores: [Double], threshold: Double) -> PartResult {
        switch part {
        case .ranking:
            return .ranking(RankedScores(validLabels: labels, scores: scores))
        case .rowWise:
            return .rowWise(ConfusionMatrix(validLabels: labels, scores: scores, threshold: threshold),
                            brier: ClassificationMetrics.brierScore(validLabels: labels, probabilities: scores),
                            logLoss: ClassificationMetrics.logLoss(validLabels: labels, probabilities: scores))
        }
    }

    private enum CodingKeys: String, CodingKey {
        case name, positives, threshold, precision, recall, f1, accuracy, specificity, brier, calibration, deciles
        case count = "rows"
        case rocAUC = "roc_auc", prAUC = "pr_auc", prAUCTrapezoid = "pr_auc_trapezoid", logLoss = "log_loss"
        case confusionMatrix = "confusion_matrix", rocCurve = "roc_curve"
    }
}
