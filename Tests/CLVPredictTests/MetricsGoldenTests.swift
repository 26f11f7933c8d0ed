import CLVPredict
import Foundation
import Testing

/// Golden/metrics.json, written by Scripts/golden/predict_metrics_reference.py (scikit-learn 1.9.1).
///
/// Read with `JSONDecoder`, not `JSONSerialization`: on Linux the latter does not round decimal
/// numbers correctly (it reads 0.30000000000000004 as 0.3000000000000001), and these comparisons
/// are to the last bit. `null` stands for NaN (rates, a single-class ROC-AUC) or +infinity (the
/// first ROC threshold).
struct MetricsGolden: Decodable {
    struct Thresholded: Decodable {
        let threshold: Double
        let confusionMatrix: [[Int]]
        let precision, recall, f1, accuracy, specificity: Double
    }
    struct ROC: Decodable {
        let fpr, tpr, thresholds: [Double?]
    }
    struct PR: Decodable {
        let precision, recall, thresholds: [Double]
    }
    struct Calibration: Decodable {
        let strategy: String
        let nBins: Int
        let edges, probTrue, probPred: [Double]
        let counts: [Int]
    }
    struct Lift: Decodable {
        let group, rows, positives, cumulativeRows, cumulativePositives: Int
        let responseRate, lift, cumulativeGain, cumulativeLift: Double
    }
    struct Case: Decodable, Sendable, CustomStringConvertible {
        let name: String
        let n, positives: Int
        let labels: String
        let scores: [Double]
        let rocAuc: Double?
        let prAuc, prAucTrapezoid, brier, logLoss: Double
        let thresholded: [Thresholded]
        let rocCurve: ROC
        let rocCurveAllPoints: ROC?
        let rocCurveAllPointsLength: Int
        let prCurve: PR?
        let prCurveThinned: PR
        let prCurveLength: Int
        let calibration: [Calibration]
        let lift: [Lift]

        var description: String { name }
        var labelValues: [UInt8] { labels.map { $0 == "1" ? 1 : 0 } }
    }

    let cases: [Case]

    static let cases: [Case] = {
        guard let url = Bundle.module.url(forResource: "metrics", withExtension: "json", subdirectory: "Golden"),
              let data = try? Data(contentsOf: url) else { return [] }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return (try? decoder.decode(MetricsGolden.self, from: data))?.cases ?? []
    }()
}

extension MetricsGolden.ROC {
    var rates: (fpr: [Double], tpr: [Double]) { (fpr.map { $0 ?? .nan }, tpr.map { $0 ?? .nan }) }
    var thresholdValues: [Double] { thresholds.map { $0 ?? .infinity } }
}

/// "Exactly" as the golden file defines it: 1e-12 relative (1e-15 absolute near 0); NaN matches NaN.
func agrees(_ got: Double, _ expected: Double) -> Bool {
    if got.isNaN || expected.isNaN { return got.isNaN && expected.isNaN }
    if got == expected { return true }
    return abs(got - expected) <= max(1e-15, 1e-12 * max(abs(got), abs(expected)))
}

func agrees(_ got: [Double], _ expected: [Double]) -> Bool {
    got.count == expected.count && zip(got, expected).allSatisfy { agrees($0, $1) }
}

/// Thresholds are scores of the data, so they must be the same doubles.
func identical(_ got: [Double], _ expected: [Double]) -> Bool {
    got.count == expected.count && zip(got, expected).allSatisfy { $0 == $1 }
}

@Suite("Evaluation metrics agree with scikit-learn 1.9.1 (Golden/metrics.json)")
struct MetricsGoldenTests {
    @Test func goldenFileHasTheAgreedCases() {
        let names = MetricsGolden.cases.map(\.name)
        #expect(names.count >= 10)
        for required in ["ties_1dp_n2000", "all_equal_n50", "perfect_n100", "inverted_n100", "imbalanced_5pct_n5000"] {
            #expect(names.contains(required))
        }
        #expect(MetricsGolden.cases.allSatisfy { $0.labels.count == $0.n && $0.scores.count == $0.n })
    }

    @Test(arguments: MetricsGolden.cases)
    func thresholdedMetricsMatchSklearn(_ golden: MetricsGolden.Case) throws {
        for expected in golden.thresholded {
            let m = try ConfusionMatrix(labels: golden.labelValues, scores: golden.scores, threshold: expected.threshold)
            #expect(m.matrix == expected.confusionMatrix, "threshold \(expected.threshold)")
            for (name, got, want) in [("precision", m.precision, expected.precision), ("recall", m.recall, expected.recall),
                                      ("f1", m.f1, expected.f1), ("accuracy", m.accuracy, expected.accuracy),
                                      ("specificity", m.specificity, expected.specificity)] {
                #expect(agrees(got, want), "\(name) at threshold \(expected.threshold): \(got) vs \(want)")
            }
        }
    }

    @Test(arguments: MetricsGolden.cases)
    func rocCurveMatchesSklearn(_ golden: MetricsGolden.Case) throws {
        let curve = try ROCCurve(labels: golden.labelValues, scores: golden.scores)
        #expect(identical(curve.thresholds, golden.rocCurve.thresholdValues))
        #expect(agrees(curve.falsePositiveRates, golden.rocCurve.rates.fpr))
        #expect(agrees(curve.truePositiveRates, golden.rocCurve.rates.tpr))

        let all = try ROCCurve(labels: golden.labelValues, scores: golden.scores, dropIntermediate: false)
        #expect(all.count == golden.rocCurveAllPointsLength)
        if let expected = golden.rocCurveAllPoints {
            #expect(identical(all.thresholds, expected.thresholdValues))
            #expect(agrees(all.falsePositiveRates, expected.rates.fpr))
            #expect(agrees(all.truePositiveRates, expected.rates.tpr))
        }
    }

    @Test(arguments: MetricsGolden.cases)
    func rocAUCMatchesSklearn(_ golden: MetricsGolden.Case) throws {
        let auc = try ClassificationMetrics.rocAUC(labels: golden.labelValues, scores: golden.scores)
        let want = golden.rocAuc ?? .nan
        #expect(agrees(auc, want), "\(auc) vs \(want)")
    }

    @Test(arguments: MetricsGolden.cases)
    func precisionRecallMatchesSklearn(_ golden: MetricsGolden.Case) throws {
        let curve = try PrecisionRecallCurve(labels: golden.labelValues, scores: golden.scores)
        #expect(curve.thresholds.count == golden.prCurveLength)
        if let expected = golden.prCurve {
            #expect(identical(curve.thresholds, expected.thresholds))
            #expect(agrees(curve.precision, expected.precision))
            #expect(agrees(curve.recall, expected.recall))
        }
        let thinned = try PrecisionRecallCurve(labels: golden.labelValues, scores: golden.scores, dropIntermediate: true)
        #expect(identical(thinned.thresholds, golden.prCurveThinned.thresholds))
        #expect(agrees(thinned.precision, golden.prCurveThinned.precision))
        #expect(agrees(thinned.recall, golden.prCurveThinned.recall))

        let ap = try ClassificationMetrics.averagePrecision(labels: golden.labelValues, scores: golden.scores)
        #expect(agrees(ap, golden.prAuc), "average precision \(ap) vs \(golden.prAuc)")
        #expect(agrees(curve.trapezoidArea, golden.prAucTrapezoid),
                "trapezoid \(curve.trapezoidArea) vs \(golden.prAucTrapezoid)")
    }

    @Test(arguments: MetricsGolden.cases)
    func brierAndLogLossMatchSklearn(_ golden: MetricsGolden.Case) throws {
        let brier = try ClassificationMetrics.brierScore(labels: golden.labelValues, probabilities: golden.scores)
        let logLoss = try ClassificationMetrics.logLoss(labels: golden.labelValues, probabilities: golden.scores)
        #expect(agrees(brier, golden.brier), "brier \(brier) vs \(golden.brier)")
        #expect(agrees(logLoss, golden.logLoss), "log loss \(logLoss) vs \(golden.logLoss)")
    }

    @Test(arguments: MetricsGolden.cases)
    func calibrationCurveMatchesSklearn(_ golden: MetricsGolden.Case) throws {
        for expected in golden.calibration {
            let strategy = try #require(CalibrationCurve.Strategy(rawValue: expected.strategy))
            let curve = try CalibrationCurve(labels: golden.labelValues, probabilities: golden.scores,
                                             bins: expected.nBins, strategy: strategy)
            let label = "\(strategy) \(expected.nBins) bins"
            #expect(identical(curve.edges, expected.edges), "\(label): edges")
            #expect(curve.counts == expected.counts, "\(label): counts")
            #expect(curve.binIndices.count == curve.counts.count && curve.binCount == expected.nBins, "\(label)")
            #expect(agrees(curve.fractionPositive, expected.probTrue), "\(label): prob_true")
            #expect(agrees(curve.meanPredicted, expected.probPred), "\(label): prob_pred")
        }
    }

    @Test(arguments: MetricsGolden.cases)
    func liftTableMatchesNumpyReference(_ golden: MetricsGolden.Case) throws {
        let table = try LiftTable(labels: golden.labelValues, scores: golden.scores)
        try #require(table.groups.count == golden.lift.count)
        for (got, want) in zip(table.groups, golden.lift) {
            #expect(got.group == want.group && got.rows == want.rows && got.positives == want.positives
                    && got.cumulativeRows == want.cumulativeRows && got.cumulativePositives == want.cumulativePositives,
                    "group \(got.group)")
            #expect(agrees(got.responseRate, want.responseRate) && agrees(got.lift, want.lift)
                    && agrees(got.cumulativeGain, want.cumulativeGain) && agrees(got.cumulativeLift, want.cumulativeLift),
                    "group \(got.group): \(got)")
        }
    }

    @Test(arguments: MetricsGolden.cases)
    func evaluationBundlesTheSameNumbers(_ golden: MetricsGolden.Case) throws {
        guard golden.positives > 0, golden.positives < golden.n else {
            #expect(throws: PredictionError.singleClass) {
                try ClassifierEvaluation(name: "golden", labels: golden.labelValues, scores: golden.scores)
            }
            return
        }
        let e = try ClassifierEvaluation(name: "golden", labels: golden.labelValues, scores: golden.scores, threshold: 0.5)
        let atHalf = try #require(golden.thresholded.first { $0.threshold == 0.5 })
        #expect(agrees(e.rocAUC, golden.rocAuc ?? .nan) && agrees(e.prAUC, golden.prAuc)
                && agrees(e.prAUCTrapezoid, golden.prAucTrapezoid) && agrees(e.brier, golden.brier)
                && agrees(e.logLoss, golden.logLoss))
        #expect(agrees(e.precision, atHalf.precision) && agrees(e.recall, atHalf.recall) && agrees(e.f1, atHalf.f1)
                && agrees(e.accuracy, atHalf.accuracy) && agrees(e.specificity, atHalf.specificity))
        let calibration = try #require(golden.calibration.first { $0.strategy == "uniform" && $0.nBins == 10 })
        #expect(agrees(e.calibration.meanPredicted, calibration.probPred))
        #expect(e.calibration.counts == calibration.counts)
        #expect(e.deciles.groups.map(\.positives) == golden.lift.map(\.positives))
        let exact = try #require(e.exactROCCurve)
        #expect(identical(exact.thresholds, golden.rocCurve.thresholdValues))
        #expect(e.rocCurve.count <= 200)
    }
}
