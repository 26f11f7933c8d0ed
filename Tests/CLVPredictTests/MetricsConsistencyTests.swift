import CLVNumerics
import CLVPredict
import Foundation
import Testing

/// Scores for property checks: `count` rows, about `rate` positives, scores that tend to be higher
/// for positives, rounded to `decimals` so that ties are common.
private func sample(count: Int, rate: Double, decimals: Double, seed: UInt64) -> (labels: [UInt8], scores: [Double]) {
    var rng = Xoshiro256(seed: seed)
    var labels: [UInt8] = [], scores: [Double] = []
    for _ in 0 ..< count {
        let label: UInt8 = rng.nextOpenUnit() < rate ? 1 : 0
        let raw = min(1, max(0, 0.35 * rng.nextOpenUnit() + 0.3 * Double(label) + 0.3 * rng.nextOpenUnit()))
        labels.append(label)
        scores.append((raw * decimals).rounded() / decimals)
    }
    return (labels, scores)
}

@Suite("Evaluation metrics: scikit-learn's documented examples")
struct MetricsDocumentedExampleTests {
    // scikit-learn 1.9 docstrings of roc_curve (with pos_label=2 on labels 1/2, the same as 0/1 here)
    // and auc: fpr [0, 0, 0.5, 0.5, 1], tpr [0, 0.5, 0.5, 1, 1], thresholds [inf, 0.8, 0.4, 0.35, 0.1]; auc 0.75.
    @Test func rocCurveOfTheDocstringExample() throws {
        let curve = try ROCCurve(labels: [0, 0, 1, 1], scores: [0.1, 0.4, 0.35, 0.8])
        #expect(curve.falsePositiveRates == [0, 0, 0.5, 0.5, 1])
        #expect(curve.truePositiveRates == [0, 0.5, 0.5, 1, 1])
        #expect(curve.thresholds == [.infinity, 0.8, 0.4, 0.35, 0.1])
        #expect(curve.area == 0.75)
    }

    // Docstrings of precision_recall_curve (precision [0.5, 0.66666667, 0.5, 1, 1], recall
    // [1, 1, 0.5, 0.5, 0], thresholds [0.1, 0.35, 0.4, 0.8]) and average_precision_score (0.83,
    // printed to 2 decimals; exactly 0.5 · 2/3 + 0.5 · 1 = 5/6).
    @Test func precisionRecallOfTheDocstringExample() throws {
        let curve = try PrecisionRecallCurve(labels: [0, 0, 1, 1], scores: [0.1, 0.4, 0.35, 0.8])
        #expect(curve.precision == [0.5, 2.0 / 3.0, 0.5, 1, 1])
        #expect(curve.recall == [1, 1, 0.5, 0.5, 0])
        #expect(curve.thresholds == [0.1, 0.35, 0.4, 0.8])
        #expect(abs(curve.averagePrecision - 5.0 / 6.0) < 1e-15)
    }

    // Docstrings of brier_score_loss (0.0375) and log_loss (0.21616 for ["spam", "ham", "ham", "spam"]
    // with P(spam) = 0.9, 0.1, 0.2, 0.65, printed to 5 decimals).
    @Test func brierScoreAndLogLossOfTheDocstringExamples() throws {
        let brier = try ClassificationMetrics.brierScore(labels: [0, 1, 1, 0], probabilities: [0.1, 0.9, 0.8, 0.3])
        #expect(abs(brier - 0.0375) < 1e-15)
        let logLoss = try ClassificationMetrics.logLoss(labels: [1, 0, 0, 1], probabilities: [0.9, 0.1, 0.2, 0.65])
        #expect(abs(logLoss - 0.21616) < 5e-6)
    }

    // Docstring of calibration_curve: n_bins=3 gives prob_true [0, 0.5, 1], prob_pred [0.2, 0.525, 0.85].
    @Test func calibrationCurveOfTheDocstringExample() throws {
        let curve = try CalibrationCurve(labels: [0, 0, 0, 0, 1, 1, 1, 1, 1],
                                         probabilities: [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1.0], bins: 3)
        #expect(curve.fractionPositive == [0, 0.5, 1])
        #expect(zip(curve.meanPredicted, [0.2, 0.525, 0.85]).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(curve.counts == [3, 2, 4])  // edges 0, 1/3, 2/3, 1
    }
}

@Suite("Evaluation metrics: consistency")
struct MetricsConsistencyTests {
    @Test func rocAUCIsTheProbabilityThatAPositiveOutscoresANegative() throws {
        let (labels, scores) = sample(count: 700, rate: 0.3, decimals: 20, seed: 11)
        var wins = 0.0, pairs = 0.0
        for i in labels.indices where labels[i] == 1 {
            for j in labels.indices where labels[j] == 0 {
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0
                pairs += 1
            }
        }
        let auc = try ClassificationMetrics.rocAUC(labels: labels, scores: scores)
        #expect(abs(auc - wins / pairs) < 1e-12, "\(auc) vs \(wins / pairs)")
    }

    @Test(arguments: [40, 3000])
    func rankingIsAStableDescendingSort(count: Int) throws {
        var rng = Xoshiro256(seed: UInt64(count))
        let specials: [Double] = [0.0, -0.0, 1e300, -1e300, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 1, -1, 0.5]
        let scores = (0 ..< count).map { i -> Double in
            i % 3 == 0 ? specials[Int(rng.next() % UInt64(specials.count))] : (rng.nextOpenUnit() * 8).rounded() - 4
        }
        let labels = scores.indices.map { UInt8($0 % 2) }
        let ranked = try RankedScores(labels: labels, scores: scores)
        let expected = scores.indices.sorted { a, b in scores[a] > scores[b] || (scores[a] == scores[b] && a < b) }
        #expect(ranked.rowIndices == expected)
        #expect(ranked.labels == expected.map { labels[$0] })
        #expect(ranked.positives == count / 2)
    }

    @Test func negativeZeroTiesWithZero() throws {
        let labels: [UInt8] = [1, 0, 1, 0, 1, 0]
        let withNegativeZero = try ROCCurve(labels: labels, scores: [0.5, -0.0, 0.0, 0.0, -0.0, 0.5])
        let withZero = try ROCCurve(labels: labels, scores: [0.5, 0.0, 0.0, 0.0, 0.0, 0.5])
        #expect(withNegativeZero.count == 3)
        #expect(withNegativeZero.falsePositiveRates == withZero.falsePositiveRates)
        #expect(withNegativeZero.truePositiveRates == withZero.truePositiveRates)
    }

    @Test func rowOrderDoesNotChangeTheCurves() throws {
        let (labels, scores) = sample(count: 1500, rate: 0.2, decimals: 10, seed: 5)
        var rng = Xoshiro256(seed: 99)
        let permutation = Array(labels.indices).shuffled(using: &rng)
        let roc = try ROCCurve(labels: labels, scores: scores)
        let shuffled = try ROCCurve(labels: permutation.map { labels[$0] }, scores: permutation.map { scores[$0] })
        #expect(roc == shuffled)
        let pr = try PrecisionRecallCurve(labels: labels, scores: scores)
        #expect(pr == (try PrecisionRecallCurve(labels: permutation.map { labels[$0] }, scores: permutation.map { scores[$0] })))
    }

    @Test func averagePrecisionIsUnchangedByDroppingIntermediatePoints() throws {
        let (labels, scores) = sample(count: 2000, rate: 0.1, decimals: 1000, seed: 3)
        let full = try PrecisionRecallCurve(labels: labels, scores: scores)
        let thinned = try PrecisionRecallCurve(labels: labels, scores: scores, dropIntermediate: true)
        #expect(thinned.thresholds.count < full.thresholds.count)
        #expect(abs(thinned.averagePrecision - full.averagePrecision) < 1e-12)
        #expect(abs(thinned.trapezoidArea - full.trapezoidArea) < 1e-12)
    }

    @Test func liftGroupsAreSizedLikeArraySplit() throws {
        let small = try LiftTable(labels: [1, 0, 1], scores: [0.9, 0.8, 0.1])
        #expect(small.groups.map(\.rows) == [1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
        #expect(small.groups[3].responseRate == 0 && small.groups[3].lift == 0)
        #expect(small.groups.last?.cumulativeGain == 1 && small.groups.last?.cumulativeLift == 1)
        let quartiles = try LiftTable(labels: Array(repeating: 0, count: 10), scores: Array(repeating: 0.5, count: 10), groups: 4)
        #expect(quartiles.groups.map(\.rows) == [3, 3, 2, 2])
        #expect(quartiles.groups.allSatisfy { $0.lift == 0 && $0.cumulativeGain == 0 })
    }

    @Test func downsampledROCCurveKeepsItsEnds() throws {
        let (labels, scores) = sample(count: 5000, rate: 0.3, decimals: 1e6, seed: 8)
        let curve = try ROCCurve(labels: labels, scores: scores)
        try #require(curve.count > 200)
        let thin = curve.downsampled(maxPoints: 200)
        #expect(thin.count == 200)
        #expect(thin.thresholds.first == .infinity && thin.thresholds.last == curve.thresholds.last)
        #expect(thin.falsePositiveRates.last == 1 && thin.truePositiveRates.last == 1)
        #expect(zip(thin.thresholds, thin.thresholds.dropFirst()).allSatisfy { $0 > $1 })
        #expect(abs(thin.area - curve.area) < 0.01)
        #expect(curve.downsampled(maxPoints: curve.count) == curve)
    }

    @Test func evaluationRoundTripsThroughSnakeCaseJSON() throws {
        let (labels, scores) = sample(count: 3000, rate: 0.25, decimals: 1e4, seed: 21)
        let evaluation = try ClassifierEvaluation(name: "logistic", labels: labels, scores: scores, threshold: 0.4)
        let data = try JSONEncoder().encode(evaluation)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["name", "rows", "positives", "roc_auc", "pr_auc", "pr_auc_trapezoid", "precision", "recall", "f1",
                    "accuracy", "specificity", "brier", "log_loss", "threshold", "confusion_matrix", "roc_curve",
                    "calibration", "deciles"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        #expect(json["exact_roc_curve"] == nil && json["exactROCCurve"] == nil)
        let roc = try #require(json["roc_curve"] as? [String: Any])
        #expect((roc["thresholds"] as? [Any])?.first is NSNull)
        #expect((json["confusion_matrix"] as? [String: Any])?["true_positives"] != nil)
        #expect(((json["deciles"] as? [String: Any])?["groups"] as? [[String: Any]])?.first?["cumulative_gain"] != nil)

        let decoded = try JSONDecoder().decode(ClassifierEvaluation.self, from: data)
        var expected = evaluation
        expected.exactROCCurve = nil
        #expect(decoded == expected)
        #expect(decoded.rocCurve.thresholds.first == .infinity)
    }

    @Test func largeEvaluationAgreesWithItsParts() throws {
        // From 100 000 rows the evaluation ranks on one core while it computes the row-wise metrics on the other.
        let (labels, scores) = sample(count: 120_000, rate: 0.15, decimals: 1e5, seed: 17)
        let e = try ClassifierEvaluation(name: "large", labels: labels, scores: scores, threshold: 0.45)
        let matrix = try ConfusionMatrix(labels: labels, scores: scores, threshold: 0.45)
        #expect(e.confusionMatrix == matrix && e.f1 == matrix.f1 && e.specificity == matrix.specificity)
        #expect(e.rocAUC == (try ClassificationMetrics.rocAUC(labels: labels, scores: scores)))
        #expect(e.prAUC == (try ClassificationMetrics.averagePrecision(labels: labels, scores: scores)))
        #expect(e.brier == (try ClassificationMetrics.brierScore(labels: labels, probabilities: scores)))
        #expect(e.logLoss == (try ClassificationMetrics.logLoss(labels: labels, probabilities: scores)))
        #expect(e.deciles == (try LiftTable(labels: labels, scores: scores)))
        #expect(e.calibration == (try CalibrationCurve(labels: labels, probabilities: scores)))
        #expect(e.count == 120_000 && e.positives == labels.reduce(0) { $0 + Int($1) })
    }

    @Test func evaluationScoresAClassifier() throws {
        struct FirstColumnIsTheProbability: BinaryClassifier {
            let name = "first-column"
            func probabilities(_ features: FeatureTable) -> [Double] { features.column(0) }
        }
        let (labels, scores) = sample(count: 200, rate: 0.4, decimals: 100, seed: 2)
        let data = try LabeledData(features: FeatureTable(names: ["p", "x"], rows: scores.map { [$0, 1 - $0] }), labels: labels)
        let evaluation = try ClassifierEvaluation(FirstColumnIsTheProbability(), on: data)
        #expect(evaluation.name == "first-column")
        #expect(evaluation == (try ClassifierEvaluation(name: "first-column", labels: labels, scores: scores)))
    }

    @Test func inputsAreChecked() throws {
        #expect(throws: PredictionError.self) { try RankedScores(labels: [0, 1], scores: [0.5]) }
        #expect(throws: PredictionError.self) { try RankedScores(labels: [], scores: []) }
        #expect(throws: PredictionError.self) { try ClassificationMetrics.rocAUC(labels: [0, 2], scores: [0.1, 0.2]) }
        #expect(throws: PredictionError.nonFinite(column: "score", row: 1)) {
            try ClassificationMetrics.rocAUC(labels: [0, 1], scores: [0.1, .nan])
        }
        #expect(throws: PredictionError.self) { try ClassificationMetrics.brierScore(labels: [0, 1], probabilities: [0.1, 1.5]) }
        #expect(throws: PredictionError.self) { try ClassificationMetrics.logLoss(labels: [0, 1], probabilities: [-0.1, 0.5]) }
        #expect(throws: PredictionError.self) { try CalibrationCurve(labels: [0, 1], probabilities: [0.1, 0.5], bins: 0) }
        #expect(throws: PredictionError.self) { try LiftTable(labels: [0, 1], scores: [0.1, 0.5], groups: 0) }
        #expect(throws: PredictionError.self) { try ConfusionMatrix(labels: [0, 1], scores: [0.1, 0.5], threshold: .nan) }
        #expect(throws: PredictionError.singleClass) {
            try ClassifierEvaluation(name: "x", labels: [1, 1, 1], scores: [0.1, 0.5, 0.9])
        }
        #expect(throws: PredictionError.self) {
            try ClassifierEvaluation(name: "x", labels: [0, 1], scores: [0.1, 0.5], maxROCPoints: 1)
        }
        #expect(try ClassificationMetrics.rocAUC(labels: [0, 0], scores: [0.1, 0.5]).isNaN)
    }
}
