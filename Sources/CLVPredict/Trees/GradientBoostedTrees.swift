import CLVNumerics
import Foundation

/// Gradient-boosted regression trees on the binary log-loss: the log-odds start at the prior and
/// each stage adds `learningRate` times a small tree fitted to the residuals y − p.
///
/// Trained as scikit-learn's `GradientBoostingClassifier(loss="log_loss", subsample=1.0)`:
/// - start: F₀ = log(p₀ / (1 − p₀)), p₀ the weighted share of label 1;
/// - stage m: r = y − σ(F), a squared-error regression tree on r with the row weights (its splits
///   are those of Friedman's `friedman_mse`, which ranks splits the same way), then one Newton step
///   per leaf, γ = Σ w·r / Σ w·p(1 − p) (0 if the denominator is below 1e-150), and F += ν·γ.
///
/// P(label = 1) = σ(F₀ + ν·Σ γ), summed in stage order as scikit-learn does.
///
/// > Friedman, J. H. (2001). Greedy function approximation: a gradient boosting machine.
/// > *Annals of Statistics* 29(5), 1189–1232. Algorithm 5 (L_K-TreeBoost with K = 2).
public struct GradientBoostedTrees: BinaryClassifier {
    /// Training options.
    public struct Options: Sendable, Hashable, Codable {
        /// Number of boosting stages (trees).
        public var stageCount: Int
        /// Shrinkage ν applied to every tree, in (0, ∞); usually ≤ 0.3.
        public var learningRate: Double
        /// Size limits of each tree (depth 3 by default).
        public var limits: TreeLimits
        /// Class weighting, applied as sample weights.
        public var classWeights: TreeClassWeights

        /// Options; the defaults are scikit-learn's (100 stages, learning rate 0.1, depth 3, no class weights).
        /// They are checked when the model is fitted.
        public init(stageCount: Int = 100, learningRate: Double = 0.1, limits: TreeLimits = TreeLimits(maxDepth: 3),
                    classWeights: TreeClassWeights = .none) {
            self.stageCount = stageCount
            self.learningRate = learningRate
            self.limits = limits
            self.classWeights = classWeights
        }

        func validate() throws {
            try limits.validate()
            guard stageCount >= 1 else { throw PredictionError.invalidOption("stage count must be ≥ 1 (got \(stageCount))") }
            guard learningRate.isFinite, learningRate > 0 else {
                throw PredictionError.invalidOption("learning rate must be a finite number > 0 (got \(learningRate))")
            }
        }
    }

    /// The saved form (JSON through `Codable`).
    public struct Parameters: Sendable, Hashable, Codable {
        /// Always ``GradientBoostedTrees/format``.
        public var format: String
        /// The version of the saved form.
        public var version: Int
        /// Feature columns in training order.
        public var featureNames: [String]
        /// The options the model was trained with (`learningRate` scales the trees).
        public var options: Options
        /// F₀, the log-odds of the weighted prior.
        public var initialScore: Double
        /// One regression tree per stage; leaf values are the Newton steps γ, before the learning rate.
        public var trees: [FittedTree]

        /// The saved form of a model, stamped with the current ``GradientBoostedTrees/format`` and
        /// ``GradientBoostedTrees/version``. Nothing is checked here; ``GradientBoostedTrees/init(parameters:)`` checks.
        public init(featureNames: [String], options: Options, initialScore: Double, trees: [FittedTree]) {
            self.format = GradientBoostedTrees.format
            self.version = GradientBoostedTrees.version
            self.featureNames = featureNames
            self.options = options
            self.initialScore = initialScore
            self.trees = trees
        }
    }

    /// `format` of the saved form.
    public static let format = "clvkit.gradient-boosted-trees"
    /// Current `version` of the saved form.
    public static let version = 1

    /// The saved form: feature names, options, F₀ and the stage trees.
    public let parameters: Parameters
    private let scorer: TreeScorer

    /// `gbt`.
    public var name: String { "gbt" }

    /// A model from its saved form.
    ///
    /// - Throws: ``PredictionError/modelFile(_:)`` for another format, a newer version, a non-finite
    ///   score or learning rate, or trees that do not fit the named features.
    public init(parameters: Parameters) throws {
        try checkTreeModelFormat(parameters.format, parameters.version, expected: Self.format,
                                 supportedVersion: Self.version)
        guard parameters.initialScore.isFinite, parameters.options.learningRate.isFinite, !parameters.trees.isEmpty else {
            throw PredictionError.modelFile("gradient-boosted model without trees or with a non-finite score")
        }
        for tree in parameters.trees { try tree.validate(featureCount: parameters.featureNames.count) }
        self.parameters = parameters
        scorer = TreeScorer(trees: parameters.trees)
    }

    /// Boosts `options.stageCount` trees on `data`.
    ///
    /// - Parameters:
    ///   - sampleWeights: One weight ≥ 0 per row (rows of weight 0 are left out); nil weighs rows equally.
    /// - Throws: ``PredictionError/invalidOption(_:)`` for an option out of range or a bad weight,
    ///   ``PredictionError/shape(_:)`` for a weight count that does not match,
    ///   ``PredictionError/singleClass`` if the weighted rows hold only one label.
    /// - Complexity: O(n log n · f) to sort once, then O(depth · n · f) per stage.
    public static func fit(_ data: LabeledData, options: Options = Options(),
                           sampleWeights: [Double]? = nil) throws -> GradientBoostedTrees {
        try options.validate()
        let weights = try options.classWeights.rowWeights(labels: data.labels, sampleWeights: sampleWeights)
        let labels = data.labels.map(Double.init)
        var classWeight = (0.0, 0.0)
        for i in weights.indices {
            if data.labels[i] == 1 { classWeight.1 += weights[i] } else { classWeight.0 += weights[i] }
        }
        let prior = min(max(classWeight.1 / (classWeight.0 + classWeight.1), .ulpOfOne), 1 - .ulpOfOne)
        let initialScore = Foundation.log(prior / (1 - prior))

        let columns = PresortedColumns(data.features)
        let include = weights.map { $0 > 0 }
        let workspace = include.withUnsafeBufferPointer { include in
            TreeWorkspace(columns: columns, include: include.allSatisfy { $0 } ? nil : include)
        }
        var score = [Double](repeating: initialScore, count: data.count)
        var residual = [Double](repeating: 0, count: data.count)
        var trees: [FittedTree] = []
        trees.reserveCapacity(options.stageCount)
        for _ in 0..<options.stageCount {
            for i in 0..<data.count { residual[i] = negativeGradient(label: labels[i], score: score[i]) }
            var (tree, leaves) = weights.withUnsafeBufferPointer { weight in
                residual.withUnsafeBufferPointer { target in
                    var grower = TreeGrower<SquaredErrorCriterion>(
                        workspace: workspace, weight: weight, target: target, limits: options.limits,
                        maxFeatures: data.features.columnCount, random: Xoshiro256(seed: 0), parallel: true)
                    return grower.grow()
                }
            }
            for leaf in leaves {
                let rows = workspace.rows(feature: 0, depth: leaf.depth)
                var total = 0.0, gradient = 0.0, hessian = 0.0
                for p in leaf.start..<leaf.end {
                    let r = Int(rows[p])
                    let w = weights[r], probability = labels[r] - residual[r]
                    total += w
                    gradient += w * residual[r]
                    hessian += w * probability * (1 - probability)
                }
                let denominator = hessian / total
                let step = abs(denominator) < 1e-150 ? 0 : (gradient / total) / denominator
                tree.value[leaf.node] = step
                for p in leaf.start..<leaf.end { score[Int(rows[p])] += options.learningRate * step }
            }
            trees.append(tree)
        }
        return try GradientBoostedTrees(parameters: Parameters(featureNames: data.features.names, options: options,
                                                               initialScore: initialScore, trees: trees))
    }

    /// y − σ(F), computed as scikit-learn's half-binomial loss does (through e^(−F) unless F ≤ −37).
    @inline(__always)
    static func negativeGradient(label y: Double, score: Double) -> Double {
        if score > -37 {
            let e = Foundation.exp(-score)
            return -(((1 - y) - y * e) / (1 + e))
        }
        return y - Foundation.exp(score)
    }

    /// The trees, one per stage.
    public var trees: [FittedTree] { parameters.trees }

    /// The log-odds F₀ + ν·Σ γ for each row.
    ///
    /// - Precondition: `features` has the training columns, in training order.
    public func scores(_ features: FeatureTable) -> [Double] {
        checkTreeFeatureCount(features, parameters.featureNames, model: name)
        return scorer.sums(features, scale: parameters.options.learningRate, offset: parameters.initialScore)
    }

    /// P(label = 1) = 1 / (1 + e^(−F)) for each row.
    ///
    /// - Precondition: `features` has the training columns, in training order.
    public func probabilities(_ features: FeatureTable) -> [Double] {
        scores(features).map { 1 / (1 + Foundation.exp(-$0)) }
    }
}

extension GradientBoostedTrees: Hashable {
    public static func == (lhs: GradientBoostedTrees, rhs: GradientBoostedTrees) -> Bool { lhs.parameters == rhs.parameters }
    public func hash(into hasher: inout Hasher) { hasher.combine(parameters) }
}
