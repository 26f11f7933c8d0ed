/// scikit-learn's `confusion_matrix_at_thresholds` on ranked scores: one entry per distinct score,
/// highest first, with how many positives and negatives score at least that much.
///
/// Counts are doubles (whole numbers) because every curve divides them; `falsePositives` is
/// `1 + index − truePositives` at the last row of each tie group, as in scikit-learn.
struct ThresholdCounts {
    var thresholds: [Double] = []
    var truePositives: [Double] = []
    var falsePositives: [Double] = []

    var count: Int { thresholds.count }

    init(_ ranked: RankedScores) {
        let n = ranked.count
        thresholds.reserveCapacity(n)
        truePositives.reserveCapacity(n)
        falsePositives.reserveCapacity(n)
        ranked.scores.withUnsafeBufferPointer { scores in
            ranked.labels.withUnsafeBufferPointer { labels in
                var positives = 0
                for i in 0 ..< n {
                    positives += Int(labels[i])
                    if i == n - 1 || scores[i] != scores[i + 1] {
                        thresholds.append(scores[i])
                        truePositives.append(Double(positives))
                        falsePositives.append(Double(1 + i - positives))
                    }
                }
            }
        }
    }
}
