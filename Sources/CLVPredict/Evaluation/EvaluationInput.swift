/// Checks what every metric needs: one score per label, at least one row, labels 0 or 1, finite scores.
func validateScoredLabels(labels: [UInt8], scores: [Double]) throws {
    guard labels.count == scores.count else {
        throw PredictionError.shape("\(scores.count) scores for \(labels.count) labels")
    }
    guard !labels.isEmpty else { throw PredictionError.shape("there are no rows to evaluate") }
    if let row = labels.firstIndex(where: { $0 > 1 }) {
        throw PredictionError.shape("label \(labels[row]) in row \(row + 1) is not 0 or 1")
    }
    if let row = scores.firstIndex(where: { !$0.isFinite }) {
        throw PredictionError.nonFinite(column: "score", row: row)
    }
}

/// Checks that scores are probabilities, as scikit-learn's `brier_score_loss`, `log_loss` and
/// `calibration_curve` require.
func validateProbabilities(_ scores: [Double]) throws {
    if let row = scores.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
        throw PredictionError.invalidOption("score \(scores[row]) in row \(row + 1) is not a probability in [0, 1]")
    }
}
