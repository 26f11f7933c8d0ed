/// When a tree stops splitting (scikit-learn's `max_depth`, `min_samples_split`, `min_samples_leaf`
/// and `min_impurity_decrease`).
public struct TreeLimits: Sendable, Hashable, Codable {
    /// Depth of the deepest nodes (the root is at depth 0), so the deepest split sits at `maxDepth − 1`, as
    /// scikit-learn's `max_depth`; nil grows until the other limits stop it.
    public var maxDepth: Int?
    /// Fewest rows a node needs to be split (at least 2).
    public var minSamplesSplit: Int
    /// Fewest rows each child of a split must keep (at least 1).
    public var minSamplesLeaf: Int
    /// A split must lower the weighted impurity, W_node/W_total · (imp − W_R/W_node·imp_R − W_L/W_node·imp_L),
    /// by at least this much.
    public var minImpurityDecrease: Double

    /// Limits with scikit-learn's defaults: no depth limit, 2 rows to split, 1 row per leaf, no impurity
    /// floor. They are checked when a tree is grown.
    public init(maxDepth: Int? = nil, minSamplesSplit: Int = 2, minSamplesLeaf: Int = 1, minImpurityDecrease: Double = 0) {
        self.maxDepth = maxDepth
        self.minSamplesSplit = minSamplesSplit
        self.minSamplesLeaf = minSamplesLeaf
        self.minImpurityDecrease = minImpurityDecrease
    }

    /// - Throws: ``PredictionError/invalidOption(_:)`` naming the first limit out of range.
    func validate() throws {
        if let maxDepth, maxDepth < 1 { throw PredictionError.invalidOption("max depth must be ≥ 1 (got \(maxDepth))") }
        guard minSamplesSplit >= 2 else {
            throw PredictionError.invalidOption("min samples split must be ≥ 2 (got \(minSamplesSplit))")
        }
        guard minSamplesLeaf >= 1 else {
            throw PredictionError.invalidOption("min samples leaf must be ≥ 1 (got \(minSamplesLeaf))")
        }
        guard minImpurityDecrease.isFinite, minImpurityDecrease >= 0 else {
            throw PredictionError.invalidOption("min impurity decrease must be a finite number ≥ 0 (got \(minImpurityDecrease))")
        }
    }
}
