/// How much each class counts in a training loss, for imbalanced labels.
///
/// The weight of a row is its sample weight (1 without them) times the weight of its class.
public enum ClassWeighting: Sendable, Hashable, Codable {
    /// Every class weighs 1.
    case unweighted
    /// Each class weighs n / (2·n_c), with n and n_c sums of sample weights: both classes then
    /// carry the same total weight (scikit-learn's `class_weight="balanced"`).
    case balanced
    /// Given weights for label 0 and label 1.
    case explicit(negative: Double, positive: Double)

    /// The weights of class 0 and class 1 for these labels.
    /// - Throws: ``PredictionError/singleClass`` when a class has no weight, and
    ///   ``PredictionError/invalidOption(_:)`` for an explicit weight that is not finite and > 0.
    public func classWeights(labels: [UInt8], sampleWeights: [Double]? = nil) throws -> (negative: Double, positive: Double) {
        var totals = (negative: 0.0, positive: 0.0)
        for (i, label) in labels.enumerated() {
            let s = sampleWeights?[i] ?? 1
            if label == 1 { totals.positive += s } else { totals.negative += s }
        }
        guard totals.negative > 0, totals.positive > 0 else { throw PredictionError.singleClass }
        switch self {
        case .unweighted:
            return (1, 1)
        case .balanced:
            let total = totals.negative + totals.positive
            return (total / (2 * totals.negative), total / (2 * totals.positive))
        case let .explicit(negative, positive):
            guard negative.isFinite, positive.isFinite, negative > 0, positive > 0 else {
                throw PredictionError.invalidOption("class weights must be finite and > 0 (got \(negative), \(positive))")
            }
            return (negative, positive)
        }
    }

    /// The training weight of every row: sample weight × class weight.
    /// - Throws: ``PredictionError/shape(_:)`` or ``PredictionError/invalidOption(_:)`` for bad
    ///   sample weights (wrong count, negative or not finite), ``PredictionError/singleClass``.
    public func rowWeights(labels: [UInt8], sampleWeights: [Double]? = nil) throws -> [Double] {
        if let sampleWeights {
            guard sampleWeights.count == labels.count else {
                throw PredictionError.shape("\(sampleWeights.count) sample weights for \(labels.count) rows")
            }
            if let k = sampleWeights.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
                throw PredictionError.invalidOption("sample weight in row \(k + 1) must be finite and ≥ 0 (got \(sampleWeights[k]))")
            }
        }
        let weights = try classWeights(labels: labels, sampleWeights: sampleWeights)
        return labels.indices.map { i in
            (sampleWeights?[i] ?? 1) * (labels[i] == 1 ? weights.positive : weights.negative)
        }
    }
}
