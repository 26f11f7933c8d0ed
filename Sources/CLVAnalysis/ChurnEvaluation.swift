import CLVCore
import CLVModels
import CLVPredict
import Foundation

/// What ``ChurnEvaluation/run(rows:dataEnd:options:messages:)`` does.
public struct ChurnEvaluationOptions: Sendable {
    /// Features up to it, outcomes in the horizon after it.
    public var cutoff: CalendarDay
    /// Horizon, target, trend window and channel columns of the features.
    public var features: FeatureOptions
    /// The buy-till-you-die model whose scores are features (also the P(alive) baseline's), if any.
    public var modelScores: TransactionModelKind?
    /// The classifiers to train and compare.
    public var classifiers: [ClassifierKind]
    /// Training cutoffs: cutoff − horizon and this many − 1 earlier ones, `stepDays` apart.
    public var rolling: Int
    /// Days between rolling training cutoffs.
    public var stepDays: Int
    /// Probability at or above which a customer is predicted positive.
    public var threshold: Double
    /// Weight the classes equally.
    public var balanced: Bool
    /// k-fold cross-validated ROC-AUC on the training rows (0: off).
    public var folds: Int
    /// Permutation importance on the test customers.
    public var importance: Bool
    /// Seed of the classifiers, folds and shuffles.
    public var seed: UInt64

    /// Options with `clv churn evaluate`'s defaults.
    public init(cutoff: CalendarDay, features: FeatureOptions = FeatureOptions(), modelScores: TransactionModelKind? = .mbgnbd,
                classifiers: [ClassifierKind] = ClassifierKind.allCases, rolling: Int = 1, stepDays: Int = 90, threshold: Double = 0.5,
                balanced: Bool = false, folds: Int = 0, importance: Bool = false, seed: UInt64 = 1) {
        self.cutoff = cutoff; self.features = features; self.modelScores = modelScores; self.classifiers = classifiers
        self.rolling = rolling; self.stepDays = stepDays; self.threshold = threshold; self.balanced = balanced
        self.folds = folds; self.importance = importance; self.seed = seed
    }
}

/// The comparison of `clv churn evaluate`; its JSON form is the command's `--format json` output.
public struct ChurnEvaluationResult: Sendable, Encodable {
    /// The evaluation cutoff, the label horizon in days and the target.
    public var cutoff: String, horizonDays: Int, target: String
    /// The training cutoffs, rows and positives.
    public var trainingCutoffs: [String], trainingRows: Int, trainingPositives: Int
    /// The test customers and positives.
    public var testRows: Int, testPositives: Int
    /// Every classifier, then the P(alive) baseline (`p_alive_baseline`).
    public var models: [ClassifierEvaluation]
    /// Training time per classifier.
    public var trainingSeconds: [String: Double]
    /// Per classifier, the ROC-AUC of each fold, with folds.
    public var crossValidatedRocAuc: [String: [Double]]?
    /// Per classifier, permutation importance, when asked.
    public var importance: [String: [PermutationImportance.Entry]]?
}

/// Churn evaluation as a library call: every classifier trained on cutoffs before the evaluation cutoff and
/// compared, with the P(alive) baseline (1 − P(alive) for churn, P(alive) for purchase), on the customers at it.
public enum ChurnEvaluation {
    /// A line for the user: a note (what was done), or a warning (results may be unstable).
    public enum Message: Sendable {
        case note(String)
        case warning(String)
    }

    /// Runs the evaluation on `rows` (data up to `dataEnd`). `messages` receives the notes and warnings.
    /// - Throws: ``PredictionError`` (one class only, too few of a class, shapes), and what training throws.
    public static func run(rows: TransactionRows, dataEnd: CalendarDay, options o: ChurnEvaluationOptions,
                           messages: (Message) -> Void = { _ in }) throws -> ChurnEvaluationResult {
        let h = o.features.horizonDays
        let builder = FeatureBuilder(rows: rows, dataEnd: dataEnd, options: o.features, modelScores: o.modelScores)
        let trainingCutoffs = (0..<o.rolling).map { o.cutoff.adding(days: -h - $0 * o.stepDays) }
        let training = try FeatureBuilder.stack(try trainingCutoffs.map { try builder.set(at: $0) })
        var testSet = try builder.set(at: o.cutoff)
        let test = try LabeledData(features: FeatureBuilder.align(testSet.features, to: training.features.names), labels: testSet.labels!)
        let positives = training.labels.reduce(0) { $0 + Int($1) }
        guard positives > 0, positives < training.count else { throw PredictionError.singleClass }
        if let warning = try TrainingClassCheck.check(rows: training.count, positives: positives, classes: o.features.target.classNames,
                                                      context: "cutoff \(trainingCutoffs.map(\.description).joined(separator: ", "))") {
            messages(.warning(warning))
        }
        messages(.note("training: \(training.count) rows at \(trainingCutoffs.map(\.description).joined(separator: ", ")), \(positives) positives; test: \(test.count) customers at \(o.cutoff)"))
        var evaluations: [ClassifierEvaluation] = []
        var seconds: [String: Double] = [:], cv: [String: [Double]] = [:], importances: [String: [PermutationImportance.Entry]] = [:]
        for kind in o.classifiers {
            let started = Date()
            let model = try kind.train(training, seed: o.seed, balanced: o.balanced)
            seconds[kind.rawValue] = Date().timeIntervalSince(started)
            evaluations.append(try ClassifierEvaluation(name: kind.rawValue, labels: test.labels,
                                                        scores: model.probabilities(test.features), threshold: o.threshold))
            if o.folds > 0 {
                cv[kind.rawValue] = try CrossValidation.foldAUCs(training, folds: o.folds, seed: o.seed) {
                    try kind.train($0, seed: o.seed, balanced: o.balanced)
                }
            }
            if o.importance { importances[kind.rawValue] = try PermutationImportance.compute(model, on: test, repeats: 3, seed: o.seed) }
            messages(.note("\(kind.rawValue): trained in \(String(format: "%.2f", seconds[kind.rawValue]!)) s, ROC-AUC \(String(format: "%.4f", evaluations.last!.rocAUC))"))
        }
        // The model-based baseline.
        if o.modelScores == nil { _ = try testSet.addModelScores(.mbgnbd, horizonDays: h) }
        let alive = testSet.features.column(testSet.features.names.firstIndex(of: "p_alive")!)
        let baseline = o.features.target == .churn ? alive.map { 1 - $0 } : alive
        evaluations.append(try ClassifierEvaluation(name: "p_alive_baseline", labels: test.labels, scores: baseline, threshold: o.threshold))
        return ChurnEvaluationResult(cutoff: o.cutoff.description, horizonDays: h, target: o.features.target.rawValue,
                                     trainingCutoffs: trainingCutoffs.map(\.description), trainingRows: training.count,
                                     trainingPositives: positives, testRows: test.count, testPositives: test.labels.reduce(0) { $0 + Int($1) },
                                     models: evaluations, trainingSeconds: seconds, crossValidatedRocAuc: o.folds > 0 ? cv : nil,
                                     importance: o.importance ? importances : nil)
    }
}
