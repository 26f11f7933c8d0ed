import CLVCore
import CLVModels
import CLVPredict

/// Churn-model training as a library call (`clv churn train`): one classifier trained on the rows of one or
/// more cutoffs whose outcomes are known, returned with the header that rebuilds its features.
public enum ChurnTraining {
    /// Trains `classifier` on features at `cutoffs` (each with its outcome in `features.horizonDays` after it).
    /// `warning` receives the training-class warning, if any (few customers of a class).
    /// - Throws: ``PredictionError`` (an outcome not known yet, one class only, too few of a class), and
    ///   what training throws.
    public static func run(rows: TransactionRows, dataEnd: CalendarDay, cutoffs: [CalendarDay], features: FeatureOptions,
                           modelScores: TransactionModelKind?, classifier: ClassifierKind, balanced: Bool = false, seed: UInt64 = 1,
                           warning: (String) -> Void = { _ in }) throws -> ChurnModel {
        let builder = FeatureBuilder(rows: rows, dataEnd: dataEnd, options: features, modelScores: modelScores)
        let data = try FeatureBuilder.stack(try cutoffs.map { try builder.set(at: $0) })
        let positives = data.labels.reduce(0) { $0 + Int($1) }
        if let text = try TrainingClassCheck.check(rows: data.count, positives: positives, classes: features.target.classNames,
                                                   context: "cutoff \(cutoffs.map(\.description).joined(separator: ", "))") {
            warning(text)
        }
        let model = try classifier.train(data, seed: seed, balanced: balanced)
        let header = ChurnModelHeader(classifier: classifier, target: features.target, horizonDays: features.horizonDays,
                                      trendDays: features.trendDays, maxChannels: features.maxChannels, modelScores: modelScores?.rawValue,
                                      features: data.features.names, trainingCutoffs: cutoffs.map(\.description),
                                      trainingRows: data.count, trainingPositives: positives)
        return ChurnModel(header: header, classifier: model)
    }
}
