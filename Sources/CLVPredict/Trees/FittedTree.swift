/// The nodes of one fitted binary tree, numbered in preorder (a node, then its left subtree, then its
/// right subtree) as scikit-learn numbers `tree_` nodes.
///
/// A row goes to the left child when `row[feature] <= threshold`. Leaves have `feature == -1` and
/// `left == right == -1`. `value` is what the node predicts: the weighted share of label 1 for a
/// classification tree, a leaf score for a boosting stage.
public struct FittedTree: Sendable, Hashable, Codable {
    /// Split feature (column index) of each node; -1 for a leaf.
    public var feature: [Int]
    /// Split threshold of each node (rows with `x <= threshold` go left); 0 for a leaf.
    public var threshold: [Double]
    /// Left child of each node; -1 for a leaf.
    public var left: [Int]
    /// Right child of each node; -1 for a leaf.
    public var right: [Int]
    /// Prediction of each node (inner nodes too, for inspection).
    public var value: [Double]
    /// Training rows that reached each node (distinct rows; bootstrap copies count once).
    public var sampleCount: [Int]
    /// Total training weight that reached each node.
    public var weightedSampleCount: [Double]
    /// Impurity of each node: Gini for classification trees, weighted variance for regression trees.
    public var impurity: [Double]

    /// A tree from its node arrays (all of the same length, children after their parent).
    ///
    /// - Throws: ``PredictionError/modelFile(_:)`` if the arrays do not describe a tree.
    public init(feature: [Int], threshold: [Double], left: [Int], right: [Int], value: [Double],
                sampleCount: [Int], weightedSampleCount: [Double], impurity: [Double]) throws {
        self.init(unchecked: feature, threshold, left, right, value, sampleCount, weightedSampleCount, impurity)
        try validate(featureCount: nil)
    }

    init(unchecked feature: [Int], _ threshold: [Double], _ left: [Int], _ right: [Int], _ value: [Double],
         _ sampleCount: [Int], _ weightedSampleCount: [Double], _ impurity: [Double]) {
        self.feature = feature
        self.threshold = threshold
        self.left = left
        self.right = right
        self.value = value
        self.sampleCount = sampleCount
        self.weightedSampleCount = weightedSampleCount
        self.impurity = impurity
    }

    /// Number of nodes, inner nodes and leaves.
    public var nodeCount: Int { feature.count }

    /// Number of leaves.
    public var leafCount: Int { feature.reduce(0) { $0 + ($1 < 0 ? 1 : 0) } }

    /// Length of the longest root-to-leaf path (0 for a single leaf).
    public var depth: Int {
        var depths = [Int](repeating: 0, count: nodeCount)
        var deepest = 0
        for node in 0..<nodeCount where feature[node] >= 0 {
            depths[left[node]] = depths[node] + 1
            depths[right[node]] = depths[node] + 1
            deepest = max(deepest, depths[node] + 1)
        }
        return deepest
    }

    /// The leaf that `row` (one value per feature, in training order) ends in.
    public func leaf(for row: [Double]) -> Int {
        var node = 0
        while feature[node] >= 0 {
            node = row[feature[node]] <= threshold[node] ? left[node] : right[node]
        }
        return node
    }

    /// The leaf value for the row at `x` (one value per feature).
    func value(at x: UnsafePointer<Double>) -> Double {
        var node = 0
        while feature[node] >= 0 {
            node = x[feature[node]] <= threshold[node] ? left[node] : right[node]
        }
        return value[node]
    }

    /// The leaf value for each row of `features`.
    public func predictions(_ features: FeatureTable) -> [Double] {
        TreeScorer(trees: [self]).sums(features, scale: 1, offset: 0)
    }

    /// Checks that the arrays describe one tree: equal lengths, children after their parent, every node
    /// but the root reached exactly once, features within `featureCount`.
    func validate(featureCount: Int?) throws {
        let n = feature.count
        guard n > 0, [threshold.count, left.count, right.count, value.count, sampleCount.count,
                      weightedSampleCount.count, impurity.count].allSatisfy({ $0 == n }) else {
            throw PredictionError.modelFile("tree node arrays are empty or of different lengths")
        }
        var parents = [Int](repeating: 0, count: n)
        for node in 0..<n {
            if feature[node] < 0 {
                guard left[node] == -1, right[node] == -1 else {
                    throw PredictionError.modelFile("tree leaf \(node) has children")
                }
                continue
            }
            if let featureCount, feature[node] >= featureCount {
                throw PredictionError.modelFile("tree node \(node) splits on feature \(feature[node]) of \(featureCount)")
            }
            guard threshold[node].isFinite else { throw PredictionError.modelFile("tree node \(node) has no finite threshold") }
            for child in [left[node], right[node]] {
                guard child > node, child < n else {
                    throw PredictionError.modelFile("tree node \(node) has child \(child) out of order")
                }
                parents[child] += 1
            }
        }
        guard parents[0] == 0, parents.dropFirst().allSatisfy({ $0 == 1 }) else {
            throw PredictionError.modelFile("tree nodes do not form a single tree")
        }
    }
}
