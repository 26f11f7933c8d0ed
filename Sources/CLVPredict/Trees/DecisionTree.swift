import CLVNumerics
import Foundation

/// A CART classification tree grown on Gini impurity: P(label = 1) is the weighted share of label 1
/// among the training rows of the leaf a row falls in.
///
/// Grown as scikit-learn's `DecisionTreeClassifier(criterion="gini", splitter="best")`: on data
/// without exactly tied candidate splits both give the same nodes, thresholds and probabilities
/// (scikit-learn breaks ties in a random feature order, this tree in column order). Features are
/// sorted once; each split then partitions the sorted rows, so training is O(depth · rows · features).
///
/// > Breiman, Friedman, Olshen & Stone (1984). *Classification and Regression Trees*. Wadsworth.
public struct DecisionTree: BinaryClassifier {
    /// Training options.
    public struct Options: Sendable, Hashable, Codable {
        /// Depth and size limits.
        public var limits: TreeLimits
        /// Class weighting for imbalanced labels.
        public var classWeights: TreeClassWeights

        /// Options with the given limits (by default scikit-learn's: no depth limit) and class weighting
        /// (by default none).
        public init(limits: TreeLimits = TreeLimits(), classWeights: TreeClassWeights = .none) {
            self.limits = limits
            self.classWeights = classWeights
        }
    }

    /// The saved form (JSON through `Codable`).
    public struct Parameters: Sendable, Hashable, Codable {
        /// Always ``DecisionTree/format``.
        public var format: String
        /// The version of the saved form (``DecisionTree/version`` when written by this build).
        public var version: Int
        /// Feature columns in training order.
        public var featureNames: [String]
        /// The options the tree was trained with.
        public var options: Options
        /// The nodes.
        public var tree: FittedTree

        /// The saved form of a tree, stamped with the current ``DecisionTree/format`` and
        /// ``DecisionTree/version``. Nothing is checked here; ``DecisionTree/init(parameters:)`` checks.
        public init(featureNames: [String], options: Options, tree: FittedTree) {
            self.format = DecisionTree.format
            self.version = DecisionTree.version
            self.featureNames = featureNames
            self.options = options
            self.tree = tree
        }
    }

    /// `format` of the saved form.
    public static let format = "clvkit.decision-tree"
    /// Current `version` of the saved form.
    public static let version = 1

    /// The saved form: feature names, options and nodes.
    public let parameters: Parameters
    private let scorer: TreeScorer

    /// `tree`.
    public var name: String { "tree" }

    /// A tree from its saved form.
    ///
    /// - Throws: ``PredictionError/modelFile(_:)`` for another format, a newer version or nodes that do
    ///   not form a tree over the named features.
    public init(parameters: Parameters) throws {
        try checkTreeModelFormat(parameters.format, parameters.version, expected: Self.format,
                                 supportedVersion: Self.version)
        try parameters.tree.validate(featureCount: parameters.featureNames.count)
        self.parameters = parameters
        scorer = TreeScorer(trees: [parameters.tree])
    }

    /// Grows a tree on `data`.
    ///
    /// - Parameters:
    ///   - sampleWeights: One weight ≥ 0 per row (rows of weight 0 are left out); nil weighs rows equally.
    /// - Throws: ``PredictionError/invalidOption(_:)`` for a limit out of range or a bad weight,
    ///   ``PredictionError/shape(_:)`` for a weight count that does not match,
    ///   ``PredictionError/singleClass`` if the weighted rows hold only one label.
    /// - Complexity: O(n log n · f) to sort, then O(n · f) per tree level.
    public static func fit(_ data: LabeledData, options: Options = Options(),
                           sampleWeights: [Double]? = nil) throws -> DecisionTree {
        try options.limits.validate()
        let weights = try options.classWeights.rowWeights(labels: data.labels, sampleWeights: sampleWeights)
        let columns = PresortedColumns(data.features)
        let include = weights.map { $0 > 0 }
        let workspace = include.withUnsafeBufferPointer {
            TreeWorkspace(columns: columns, include: include.allSatisfy { $0 } ? nil : $0)
        }
        let targets = data.labels.map(Double.init)
        let tree = weights.withUnsafeBufferPointer { weight in
            targets.withUnsafeBufferPointer { target in
                var grower = TreeGrower<GiniCriterion>(
                    workspace: workspace, weight: weight, target: target, limits: options.limits,
                    maxFeatures: data.features.columnCount, random: Xoshiro256(seed: 0), parallel: true)
                return grower.grow().tree
            }
        }
        return try DecisionTree(parameters: Parameters(featureNames: data.features.names, options: options, tree: tree))
    }

    /// The fitted nodes.
    public var tree: FittedTree { parameters.tree }

    /// P(label = 1) for each row: the class-1 share of its leaf.
    ///
    /// - Precondition: `features` has the training columns, in training order.
    public func probabilities(_ features: FeatureTable) -> [Double] {
        checkTreeFeatureCount(features, parameters.featureNames, model: name)
        return scorer.sums(features, scale: 1, offset: 0)
    }
}

extension DecisionTree: Hashable {
    public static func == (lhs: DecisionTree, rhs: DecisionTree) -> Bool { lhs.parameters == rhs.parameters }
    public func hash(into hasher: inout Hasher) { hasher.combine(parameters) }
}
