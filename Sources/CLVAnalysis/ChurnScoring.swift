import CLVCore
import CLVModels
import CLVPredict
import Foundation

/// The scores of ``ChurnScoring/run(_:rows:at:)``: per customer the probability of the model's target and
/// the risk decile (1 = highest probability).
public struct ChurnScores: Sendable {
    /// The customers with a purchase on or before the scoring date, in order of first appearance.
    public var customerIDs: [String]
    /// P(target) per customer: churn or purchase, as the model was trained.
    public var probabilities: [Double]
    /// 1 for the highest tenth of probabilities … 10 (ties by position).
    public var riskDeciles: [Int]
    /// The scoring date.
    public var at: CalendarDay
    /// Seconds spent building the features, and scoring them.
    public var featureSeconds: Double, scoringSeconds: Double
}

/// Scoring customers with a saved churn model (`clv churn predict`): features at a date, built the way the
/// model was trained, aligned to its columns, and scored.
public enum ChurnScoring {
    /// Scores the customers of `rows` at `at` with `model`.
    /// - Throws: ``PredictionError`` when the data lack a feature the model was trained with.
    public static func run(_ model: ChurnModel, rows: TransactionRows, at: CalendarDay) throws -> ChurnScores {
        let header = model.header
        let builder = FeatureBuilder(rows: rows, dataEnd: at, options: header.featureOptions,
                                     modelScores: header.modelScores.flatMap(TransactionModelKind.init))
        let started = Date()
        let set = try builder.set(at: at)
        let features = try FeatureBuilder.align(set.features, to: header.features)
        let scoring = Date()
        let p = model.classifier.probabilities(features)
        let scored = Date()
        return ChurnScores(customerIDs: set.customerIDs, probabilities: p, riskDeciles: FittedModel.valueDeciles(p), at: at,
                           featureSeconds: scoring.timeIntervalSince(started), scoringSeconds: scored.timeIntervalSince(scoring))
    }
}
