/// How the two classes are weighted when a tree model trains, on top of any sample weights.
public enum TreeClassWeights: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every row counts with its sample weight.
    case none
    /// Rows of class c get weight n / (2·n_c), so both classes carry the same total
    /// (scikit-learn's `class_weight="balanced"`; n_c counts rows, not sample weight).
    case balanced

    /// The training weight of each row: the sample weight (1 if none) times the class weight.
    ///
    /// - Throws: ``PredictionError/shape(_:)`` if `sampleWeights` has the wrong length,
    ///   ``PredictionError/invalidOption(_:)`` if a weight is negative or not finite, or if no row has a
    ///   positive weight, ``PredictionError/singleClass`` if the weighted rows hold only one class.
    func rowWeights(labels: [UInt8], sampleWeights: [Double]?) throws -> [Double] {
        var weights = sampleWeights ?? [Double](repeating: 1, count: labels.count)
        guard weights.count == labels.count else {
            throw PredictionError.shape("\(weights.count) sample weights for \(labels.count) rows")
        }
        if let bad = weights.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw PredictionError.invalidOption("sample weight \(weights[bad]) in row \(bad + 1) is not a finite number ≥ 0")
        }
        if self == .balanced {
            let positives = labels.reduce(0) { $0 + Int($1) }
            let negatives = labels.count - positives
            guard positives > 0, negatives > 0 else { throw PredictionError.singleClass }
            let perClass = [Double(labels.count) / (2 * Double(negatives)), Double(labels.count) / (2 * Double(positives))]
            for i in weights.indices { weights[i] *= perClass[Int(labels[i])] }
        }
        var seen: [Bool] = [false, false]
        for i in weights.indices where weights[i] > 0 { seen[Int(labels[i])] = true }
        guard seen[0] || seen[1] else { throw PredictionError.invalidOption("no row has a positive sample weight") }
        guard seen[0] && seen[1] else { throw PredictionError.singleClass }
        return weights
    }
}
