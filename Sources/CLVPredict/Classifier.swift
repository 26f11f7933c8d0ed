/// A trained binary classifier: the probability of label 1 for each row.
public protocol BinaryClassifier: Sendable {
    /// Short stable name, e.g. `logistic`, `tree`.
    var name: String { get }
    /// P(label = 1) for every row of `features` (columns in training order).
    func probabilities(_ features: FeatureTable) -> [Double]
}
