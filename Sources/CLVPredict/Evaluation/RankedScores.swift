/// Scores sorted from highest to lowest with their labels: the one sort that the ROC curve, the
/// precision–recall curve and the lift table share.
///
/// Ties keep row order (a stable sort, like `numpy.argsort(-scores, kind="stable")` and the stable
/// descending sort inside scikit-learn's ranking metrics). `-0.0` and `0.0` are the same score.
public struct RankedScores: Sendable, Hashable {
    /// The scores, highest first.
    public let scores: [Double]
    /// The label of each ranked score.
    public let labels: [UInt8]
    /// The input row of each ranked score.
    public let rowIndices: [Int]
    /// How many labels are 1.
    public let positives: Int

    /// The number of scored rows.
    public var count: Int { scores.count }
    /// How many labels are 0.
    public var negatives: Int { scores.count - positives }

    /// Ranks `scores` (one per row, any finite values) with their 0/1 `labels`.
    /// - Throws: ``PredictionError/shape(_:)`` for unequal lengths, no rows or a label other than
    ///   0 and 1; ``PredictionError/nonFinite(column:row:)`` for a NaN or infinite score.
    /// - Complexity: O(n): a least-significant-digit radix sort on the scores' bit patterns.
    public init(labels: [UInt8], scores: [Double]) throws {
        try validateScoredLabels(labels: labels, scores: scores)
        self.init(validLabels: labels, scores: scores)
    }

    init(validLabels labels: [UInt8], scores: [Double]) {
        let order = descendingStableOrder(scores)
        self.rowIndices = order
        self.scores = order.map { scores[$0] }
        self.labels = order.map { labels[$0] }
        self.positives = labels.reduce(0) { $0 + Int($1) }
    }
}
