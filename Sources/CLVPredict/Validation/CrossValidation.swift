import CLVNumerics

/// Train/test splits for honest evaluation.
public enum CrossValidation {
    /// Stratified k-fold splits: rows of each class are shuffled (seeded) and dealt to the folds in turn,
    /// so every fold has the class balance of the whole. Each row is in exactly one test fold.
    public static func stratifiedFolds(labels: [UInt8], folds: Int, seed: UInt64) throws -> [(train: [Int], test: [Int])] {
        guard folds >= 2, folds <= labels.count else { throw PredictionError.invalidOption("k-fold needs 2 ≤ k ≤ rows, got k = \(folds)") }
        var rng = Xoshiro256(seed: seed)
        var foldOf = [Int](repeating: 0, count: labels.count)
        var next = 0
        for cls: UInt8 in [0, 1] {
            var rows = labels.indices.filter { labels[$0] == cls }
            for i in stride(from: rows.count - 1, to: 0, by: -1) { rows.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            for r in rows { foldOf[r] = next; next = (next + 1) % folds }
        }
        return (0..<folds).map { f in
            (train: labels.indices.filter { foldOf[$0] != f }, test: labels.indices.filter { foldOf[$0] == f })
        }
    }

    /// ROC-AUC of `train` on each stratified fold (trained on the other folds).
    public static func foldAUCs(_ data: LabeledData, folds: Int, seed: UInt64,
                                train: (LabeledData) throws -> any BinaryClassifier) throws -> [Double] {
        try stratifiedFolds(labels: data.labels, folds: folds, seed: seed).map { split in
            let model = try train(data.subset(split.train))
            let test = data.subset(split.test)
            return try ClassificationMetrics.rocAUC(labels: test.labels, scores: model.probabilities(test.features))
        }
    }
}

/// How much a classifier relies on each feature: the drop in ROC-AUC when that feature's values are
/// shuffled across rows (seeded; mean and standard deviation over `repeats` shuffles).
public enum PermutationImportance {
    /// The importance of one feature.
    public struct Entry: Sendable, Hashable, Codable {
        /// The feature column's name.
        public var feature: String
        /// Mean ROC-AUC lost when the column is shuffled (negative when shuffling helped).
        public var meanDrop: Double
        /// Population standard deviation of the drops over the repeats.
        public var standardDeviation: Double
    }

    /// One entry per feature column of `data`, largest mean drop first (ties by name). Each column is
    /// shuffled `repeats` times, the other columns kept, and scored against the labels. The drops are NaN
    /// when the labels hold one class (ROC-AUC is then NaN).
    /// - Throws: ``PredictionError/invalidOption(_:)`` when `repeats` < 1; ``PredictionError`` when the
    ///   classifier gives a non-finite probability.
    public static func compute(_ classifier: any BinaryClassifier, on data: LabeledData, repeats: Int = 5, seed: UInt64 = 1) throws -> [Entry] {
        guard repeats >= 1 else { throw PredictionError.invalidOption("permutation importance needs at least one repeat") }
        let base = try ClassificationMetrics.rocAUC(labels: data.labels, scores: classifier.probabilities(data.features))
        let f = data.features, n = f.rowCount, d = f.columnCount
        var rng = Xoshiro256(seed: seed)
        var entries: [Entry] = []
        for j in 0..<d {
            var drops: [Double] = []
            var values = f.values // one copy per feature: each repeat overwrites column j only
            for _ in 0..<repeats {
                var perm = Array(0..<n)
                for i in stride(from: n - 1, to: 0, by: -1) { perm.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
                for i in 0..<n { values[i * d + j] = f.values[perm[i] * d + j] }
                let shuffled = try FeatureTable(names: f.names, values: values)
                drops.append(base - (try ClassificationMetrics.rocAUC(labels: data.labels, scores: classifier.probabilities(shuffled))))
            }
            let mean = drops.reduce(0, +) / Double(repeats)
            let sd = (drops.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(repeats)).squareRoot()
            entries.append(Entry(feature: f.names[j], meanDrop: mean, standardDeviation: sd))
        }
        return entries.sorted { $0.meanDrop > $1.meanDrop || ($0.meanDrop == $1.meanDrop && $0.feature < $1.feature) }
    }
}
