import CLVNumerics
import Dispatch
import Foundation
import _CLVUtilities

/// A random forest: Gini trees grown on bootstrap samples, each split chosen among a random subset of
/// the features; P(label = 1) is the mean of the trees' leaf shares (scikit-learn's
/// `RandomForestClassifier`, which also averages `predict_proba`).
///
/// Tree k draws its bootstrap rows and its feature subsets from its own stream
/// `Xoshiro256(seed: seed, stream: k)`, so a forest depends only on the data and the options, not on
/// how many threads grew it; the first k trees of a larger forest with the same seed are the same
/// trees. Bootstrap copies of a row become a weight (as in scikit-learn), so the rows not drawn are
/// the tree's out-of-bag rows.
///
/// > Breiman, L. (2001). Random forests. *Machine Learning* 45(1), 5–32.
public struct RandomForest: BinaryClassifier {
    /// How many features each split looks at.
    public enum MaxFeatures: Sendable, Hashable, Codable {
        /// All features (bagged trees).
        case all
        /// max(1, ⌊√f⌋), scikit-learn's classifier default.
        case sqrt
        /// max(1, ⌊log₂ f⌋).
        case log2
        /// A fixed number, 1…f.
        case count(Int)
        /// max(1, ⌊fraction · f⌋), fraction in (0, 1].
        case fraction(Double)

        /// The number of features for a table of `featureCount` columns.
        ///
        /// - Throws: ``PredictionError/invalidOption(_:)`` for a count or fraction out of range.
        public func resolved(featureCount f: Int) throws -> Int {
            switch self {
            case .all: return f
            case .sqrt: return max(1, Int(Double(f).squareRoot()))
            case .log2: return max(1, Int(Foundation.log2(Double(f))))
            case let .count(k):
                guard k >= 1, k <= f else { throw PredictionError.invalidOption("max features must be 1…\(f) (got \(k))") }
                return k
            case let .fraction(x):
                guard x > 0, x <= 1 else { throw PredictionError.invalidOption("max features fraction must be in (0, 1] (got \(x))") }
                return max(1, Int(x * Double(f)))
            }
        }
    }

    /// Training options.
    public struct Options: Sendable, Hashable, Codable {
        /// Number of trees.
        public var treeCount: Int
        /// Size limits of each tree (unlimited depth by default, as scikit-learn).
        public var limits: TreeLimits
        /// Features looked at per split.
        public var maxFeatures: MaxFeatures
        /// Grow each tree on a bootstrap sample (n rows drawn with replacement); false uses every row.
        public var bootstrap: Bool
        /// Class weighting (`balanced` is computed once on all rows, then multiplied by the bootstrap counts).
        public var classWeights: TreeClassWeights
        /// Seed of the per-tree random streams.
        public var seed: UInt64

        /// Options; the defaults are scikit-learn's (100 trees, no depth limit, √f features per split,
        /// bootstrap, no class weights), with seed 0. They are checked when the forest is fitted.
        public init(treeCount: Int = 100, limits: TreeLimits = TreeLimits(), maxFeatures: MaxFeatures = .sqrt,
                    bootstrap: Bool = true, classWeights: TreeClassWeights = .none, seed: UInt64 = 0) {
            self.treeCount = treeCount
            self.limits = limits
            self.maxFeatures = maxFeatures
            self.bootstrap = bootstrap
            self.classWeights = classWeights
            self.seed = seed
        }
    }

    /// The saved form (JSON through `Codable`).
    public struct Parameters: Sendable, Hashable, Codable {
        /// Always ``RandomForest/format``.
        public var format: String
        /// The version of the saved form.
        public var version: Int
        /// Feature columns in training order.
        public var featureNames: [String]
        /// The options the forest was trained with.
        public var options: Options
        /// The trees; leaf values are class-1 shares.
        public var trees: [FittedTree]
        /// Out-of-bag accuracy at threshold 0.5 (nil without bootstrap).
        public var outOfBagAccuracy: Double?

        /// The saved form of a forest, stamped with the current ``RandomForest/format`` and
        /// ``RandomForest/version``. Nothing is checked here; ``RandomForest/init(parameters:)`` checks.
        public init(featureNames: [String], options: Options, trees: [FittedTree], outOfBagAccuracy: Double?) {
            self.format = RandomForest.format
            self.version = RandomForest.version
            self.featureNames = featureNames
            self.options = options
            self.trees = trees
            self.outOfBagAccuracy = outOfBagAccuracy
        }
    }

    /// `format` of the saved form.
    public static let format = "clvkit.random-forest"
    /// Current `version` of the saved form.
    public static let version = 1

    /// The saved form: feature names, options, trees and out-of-bag accuracy.
    public let parameters: Parameters
    /// For each training row, the mean prediction of the trees that did not see it (NaN if every
    /// tree saw it); only after ``fit(_:options:sampleWeights:)`` with bootstrap, nil when loaded.
    public let outOfBagProbabilities: [Double]?
    private let scorer: TreeScorer

    /// `forest`.
    public var name: String { "forest" }

    /// A forest from its saved form.
    ///
    /// - Throws: ``PredictionError/modelFile(_:)`` for another format, a newer version or trees that
    ///   do not fit the named features.
    public init(parameters: Parameters) throws {
        try self.init(parameters: parameters, outOfBagProbabilities: nil)
    }

    private init(parameters: Parameters, outOfBagProbabilities: [Double]?) throws {
        try checkTreeModelFormat(parameters.format, parameters.version, expected: Self.format,
                                 supportedVersion: Self.version)
        guard !parameters.trees.isEmpty else { throw PredictionError.modelFile("random forest without trees") }
        for tree in parameters.trees { try tree.validate(featureCount: parameters.featureNames.count) }
        self.parameters = parameters
        self.outOfBagProbabilities = outOfBagProbabilities
        scorer = TreeScorer(trees: parameters.trees)
    }

    /// Grows `options.treeCount` trees on `data`, several at a time on all cores.
    ///
    /// - Parameters:
    ///   - sampleWeights: One weight ≥ 0 per row, multiplied by the bootstrap counts; nil weighs rows equally.
    /// - Throws: ``PredictionError/invalidOption(_:)`` for an option out of range or a bad weight,
    ///   ``PredictionError/shape(_:)`` for a weight count that does not match,
    ///   ``PredictionError/singleClass`` if the weighted rows hold only one label.
    public static func fit(_ data: LabeledData, options: Options = Options(),
                           sampleWeights: [Double]? = nil) throws -> RandomForest {
        try options.limits.validate()
        guard options.treeCount >= 1 else {
            throw PredictionError.invalidOption("tree count must be ≥ 1 (got \(options.treeCount))")
        }
        let maxFeatures = try options.maxFeatures.resolved(featureCount: data.features.columnCount)
        let weights = try options.classWeights.rowWeights(labels: data.labels, sampleWeights: sampleWeights)
        let columns = PresortedColumns(data.features)
        let targets = data.labels.map(Double.init)
        let n = data.count, treeCount = options.treeCount

        // Tree k, its bootstrap counts (saturated at 255; only "drawn or not" matters afterwards).
        let trees = UnsafeMutableBufferPointer<FittedTree?>.allocate(capacity: treeCount)
        trees.initialize(repeating: nil)
        let drawn = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: options.bootstrap ? treeCount * n : 1)
        defer { trees.deinitialize().deallocate(); drawn.deallocate() }
        let (treeSlots, drawnSlots) = (SharedBuffer(trees), SharedBuffer(drawn))
        weights.withUnsafeBufferPointer { weightBuffer in
            targets.withUnsafeBufferPointer { targetBuffer in
                let (baseWeight, target) = (ReadOnlyBuffer(weightBuffer), ReadOnlyBuffer(targetBuffer))
                DispatchQueue.concurrentPerform(iterations: treeCount) { k in
                    var random = Xoshiro256(seed: options.seed, stream: UInt64(k))
                    var treeWeight = Array(baseWeight.buffer)
                    if options.bootstrap {
                        let counts = drawnSlots.buffer.baseAddress! + k * n
                        counts.initialize(repeating: 0, count: n)
                        for _ in 0..<n {
                            let row = random.treeDraw(below: n)
                            if counts[row] < 255 { counts[row] += 1 }
                        }
                        for i in 0..<n { treeWeight[i] *= Double(counts[i]) }
                    }
                    let include = treeWeight.map { $0 > 0 }
                    let tree = include.withUnsafeBufferPointer { include in
                        treeWeight.withUnsafeBufferPointer { weight in
                            // A bootstrap that drew only one class still grows a (single-leaf) tree.
                            var grower = TreeGrower<GiniCriterion>(
                                workspace: TreeWorkspace(columns: columns, include: include),
                                weight: weight, target: target.buffer, limits: options.limits,
                                maxFeatures: maxFeatures, random: random, parallel: false)
                            return grower.grow().tree
                        }
                    }
                    treeSlots.buffer[k] = tree
                }
            }
        }
        let grown = trees.map { $0! }
        var outOfBag: [Double]?
        var accuracy: Double?
        if options.bootstrap {
            let probabilities = outOfBagMeans(grown, features: data.features, drawn: UnsafeBufferPointer(drawn))
            var correct = 0, counted = 0
            for i in 0..<n where !probabilities[i].isNaN {
                counted += 1
                if (probabilities[i] > 0.5 ? 1 : 0) == data.labels[i] { correct += 1 }
            }
            outOfBag = probabilities
            accuracy = counted > 0 ? Double(correct) / Double(counted) : nil
        }
        let parameters = Parameters(featureNames: data.features.names, options: options, trees: grown,
                                    outOfBagAccuracy: accuracy)
        return try RandomForest(parameters: parameters, outOfBagProbabilities: outOfBag)
    }

    /// For each row, the mean leaf value over the trees whose bootstrap did not draw it (trees in
    /// order, so the sums do not depend on scheduling); NaN if every tree drew it.
    private static func outOfBagMeans(_ trees: [FittedTree], features: FeatureTable,
                                      drawn: UnsafeBufferPointer<UInt8>) -> [Double] {
        let n = features.rowCount, columns = features.columnCount
        let counts = ReadOnlyBuffer(drawn)
        return [Double](unsafeUninitializedCapacity: n) { out, initialized in
            let output = SharedBuffer(out)
            features.values.withUnsafeBufferPointer { table in
                let rows = ReadOnlyBuffer(table)
                let chunks = n >= 4096 ? ProcessInfo.processInfo.activeProcessorCount * 4 : 1
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    for i in (n * chunk / chunks)..<(n * (chunk + 1) / chunks) {
                        let x = rows.buffer.baseAddress! + i * columns
                        var sum = 0.0, count = 0
                        for (k, tree) in trees.enumerated() where counts.buffer[k * n + i] == 0 {
                            sum += tree.value(at: x)
                            count += 1
                        }
                        output.buffer[i] = count > 0 ? sum / Double(count) : .nan
                    }
                }
            }
            initialized = n
        }
    }

    /// The trees.
    public var trees: [FittedTree] { parameters.trees }

    /// P(label = 1) for each row: the mean over the trees of the class-1 share of the row's leaf.
    ///
    /// - Precondition: `features` has the training columns, in training order.
    public func probabilities(_ features: FeatureTable) -> [Double] {
        checkTreeFeatureCount(features, parameters.featureNames, model: name)
        let count = Double(parameters.trees.count)
        return scorer.sums(features, scale: 1, offset: 0).map { $0 / count }
    }
}

extension RandomForest: Hashable {
    public static func == (lhs: RandomForest, rhs: RandomForest) -> Bool { lhs.parameters == rhs.parameters }
    public func hash(into hasher: inout Hasher) { hasher.combine(parameters) }
}
