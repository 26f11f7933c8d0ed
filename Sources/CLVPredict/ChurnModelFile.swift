import CLVCore
import CLVModels
import Foundation
import _CLVUtilities

/// The classifiers `clv churn` trains.
public enum ClassifierKind: String, Sendable, CaseIterable, Codable {
    case logistic, svm = "linear-svm", mlp, tree, forest, gbt

    /// Trains this classifier on `data` (seeded; `balanced` weights the classes equally).
    public func train(_ data: LabeledData, seed: UInt64, balanced: Bool) throws -> any BinaryClassifier {
        let weighting: ClassWeighting = balanced ? .balanced : .unweighted
        switch self {
        case .logistic: return try LogisticRegression.fit(data, options: .init(C: 1, classWeighting: weighting, standardize: true))
        case .svm: return try LinearSVM.fit(data, options: .init(C: 1, classWeighting: weighting, standardize: true))
        case .mlp: return try MultilayerPerceptron.fit(data, options: .init(hiddenLayers: [32], maxEpochs: 30, earlyStopping: true, seed: seed,
                                                                             classWeighting: weighting))
        case .tree:
            return try DecisionTree.fit(data, options: .init(limits: TreeLimits(maxDepth: 6, minSamplesLeaf: 20),
                                                             classWeights: balanced ? .balanced : .none))
        case .forest:
            return try RandomForest.fit(data, options: .init(treeCount: 100, limits: TreeLimits(maxDepth: 10, minSamplesLeaf: 5),
                                                             classWeights: balanced ? .balanced : .none, seed: seed))
        case .gbt:
            return try GradientBoostedTrees.fit(data, options: .init(stageCount: 100, learningRate: 0.1, limits: TreeLimits(maxDepth: 3),
                                                                     classWeights: balanced ? .balanced : .none))
        }
    }

    /// The model file: the header and the classifier's own versioned JSON under `model`, snake_case keys.
    public func encode(_ model: any BinaryClassifier, header: ChurnModelHeader) throws -> Data {
        // snake_case keys, as in every JSON output of clv (``churnModelDecoder()`` reads them back, and older camelCase files).
        let encoder = JSONCoding.encoder()
        switch model {
        case let m as LogisticRegression: return try encoder.encode(ChurnModelFile(header: header, model: m))
        case let m as LinearSVM: return try encoder.encode(ChurnModelFile(header: header, model: m))
        case let m as MultilayerPerceptron: return try encoder.encode(ChurnModelFile(header: header, model: m))
        case let m as DecisionTree: return try encoder.encode(ChurnModelFile(header: header, model: m.parameters))
        case let m as RandomForest: return try encoder.encode(ChurnModelFile(header: header, model: m.parameters))
        case let m as GradientBoostedTrees: return try encoder.encode(ChurnModelFile(header: header, model: m.parameters))
        default: throw PredictionError.modelFile("cannot save a \(model.name) model")
        }
    }

    /// The classifier of a model file of this kind.
    public func decode(_ data: Data) throws -> any BinaryClassifier {
        let decoder = churnModelDecoder()
        switch self {
        case .logistic: return try decoder.decode(ChurnModelFile<LogisticRegression>.self, from: data).model
        case .svm: return try decoder.decode(ChurnModelFile<LinearSVM>.self, from: data).model
        case .mlp: return try decoder.decode(ChurnModelFile<MultilayerPerceptron>.self, from: data).model
        case .tree: return try DecisionTree(parameters: decoder.decode(ChurnModelFile<DecisionTree.Parameters>.self, from: data).model)
        case .forest: return try RandomForest(parameters: decoder.decode(ChurnModelFile<RandomForest.Parameters>.self, from: data).model)
        case .gbt: return try GradientBoostedTrees(parameters: decoder.decode(ChurnModelFile<GradientBoostedTrees.Parameters>.self, from: data).model)
        }
    }
}

/// What a saved churn model needs to rebuild its features.
public struct ChurnModelHeader: Codable, Sendable {
    /// The format name of churn model files.
    public static let format = "clvkit-churn-model"
    /// The version this build writes and reads.
    public static let version = 1
    /// The file's format name.
    public var format = ChurnModelHeader.format
    /// The file's version.
    public var version = ChurnModelHeader.version
    /// The classifier kind.
    public var classifier: ClassifierKind
    /// What the label says (churn or purchase).
    public var target: PredictionTarget
    /// Label horizon after the cutoff, in days.
    public var horizonDays: Int
    /// Trend window, in days.
    public var trendDays: Int
    /// Channel-mix columns for at most this many channels.
    public var maxChannels: Int
    /// The buy-till-you-die model whose scores are features, if any.
    public var modelScores: String?
    /// The feature columns, in training order.
    public var features: [String]
    /// The cutoffs the training rows came from.
    public var trainingCutoffs: [String]
    /// Training rows.
    public var trainingRows: Int
    /// Training rows with label 1.
    public var trainingPositives: Int

    /// The feature options to rebuild the features with.
    public var featureOptions: FeatureOptions {
        FeatureOptions(horizonDays: horizonDays, target: target, trendDays: trendDays, maxChannels: maxChannels)
    }

    /// A header from its fields (format and version are this build's).
    public init(classifier: ClassifierKind, target: PredictionTarget, horizonDays: Int, trendDays: Int, maxChannels: Int,
                modelScores: String?, features: [String], trainingCutoffs: [String], trainingRows: Int, trainingPositives: Int) {
        self.classifier = classifier; self.target = target; self.horizonDays = horizonDays; self.trendDays = trendDays
        self.maxChannels = maxChannels; self.modelScores = modelScores; self.features = features
        self.trainingCutoffs = trainingCutoffs; self.trainingRows = trainingRows; self.trainingPositives = trainingPositives
    }

    enum CodingKeys: String, CodingKey {
        case format, version, classifier, target, features
        case horizonDays, trendDays, maxChannels, modelScores, trainingCutoffs, trainingRows, trainingPositives
    }
}

/// The decoder of churn model files: snake_case keys become the camelCase names of the Swift types
/// (`feature_names` → `featureNames`; the single-letter parameters `a`, `b`, `c` of Platt scaling and
/// the SVM/logistic penalty are `A`, `B`, `C`). Keys without an underscore are kept, so the camelCase
/// files of earlier versions read as before.
func churnModelDecoder() -> JSONDecoder {
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(stringValue: String) { self.stringValue = stringValue }
        init(intValue: Int) { stringValue = "\(intValue)"; self.intValue = intValue }
    }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .custom { path in
        let last = path.last!
        if last.intValue != nil { return last }
        let key = last.stringValue
        if ["a", "b", "c"].contains(key) { return Key(stringValue: key.uppercased()) }
        guard key.contains("_") else { return last }
        let parts = key.split(separator: "_", omittingEmptySubsequences: false)
        return Key(stringValue: String(parts[0]) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined())
    }
    return decoder
}

/// A saved churn model: the header and the classifier's own versioned JSON under `model`.
struct ChurnModelFile<Model: Codable>: Codable {
    var header: ChurnModelHeader
    var model: Model
}

/// Builds feature sets the same way for training, evaluation and scoring.
public struct FeatureBuilder: Sendable {
    /// The transaction rows features are built from.
    public let rows: TransactionRows
    /// The end of the data (labels need cutoff + horizon ≤ it).
    public let dataEnd: CalendarDay
    /// Horizon, target, trend window and channel columns.
    public let options: FeatureOptions
    /// The buy-till-you-die model whose scores are features, if any.
    public let modelScores: TransactionModelKind?

    /// A builder over `rows`.
    public init(rows: TransactionRows, dataEnd: CalendarDay, options: FeatureOptions, modelScores: TransactionModelKind?) {
        self.rows = rows; self.dataEnd = dataEnd; self.options = options; self.modelScores = modelScores
    }

    /// Features at `cutoff` (with model scores from data before it).
    public func set(at cutoff: CalendarDay) throws -> CustomerFeatureSet {
        var set = try CustomerFeatures.build(rows, cutoff: cutoff, dataEnd: dataEnd, options: options)
        if let modelScores { _ = try set.addModelScores(modelScores, horizonDays: options.horizonDays) }
        return set
    }

    /// `table`'s columns in the order `names`; channel-share columns the data lack are 0 (a channel not used then).
    public static func align(_ table: FeatureTable, to names: [String]) throws -> FeatureTable {
        if table.names == names { return table }
        let index = Dictionary(uniqueKeysWithValues: table.names.enumerated().map { ($1, $0) })
        for name in names where index[name] == nil && !name.hasPrefix("channel_share_") {
            throw PredictionError.shape("the data have no feature \(name) (the model was trained with it)")
        }
        let source = names.map { index[$0] }
        var values = [Double]()
        values.reserveCapacity(table.rowCount * names.count)
        for i in 0..<table.rowCount {
            for j in source { values.append(j.map { table[i, $0] } ?? 0) }
        }
        return try FeatureTable(names: names, values: values)
    }

    /// Labelled rows stacked over several cutoffs, columns aligned to the first set's.
    public static func stack(_ sets: [CustomerFeatureSet]) throws -> LabeledData {
        guard let first = sets.first else { throw PredictionError.shape("no training cutoffs") }
        var values: [Double] = [], labels: [UInt8] = []
        for s in sets {
            guard let l = s.labels else { throw PredictionError.shape("the outcome after \(s.cutoff) is not in the data yet") }
            values += try align(s.features, to: first.features.names).values
            labels += l
        }
        return try LabeledData(features: FeatureTable(names: first.features.names, values: values), labels: labels)
    }
}


/// A saved churn model: its header (features, horizon, training facts) and the classifier. The model file
/// (`clv churn train -o`) is its JSON form: `header` with format `clvkit-churn-model` and a version, and the
/// classifier's own versioned JSON under `model`.
public struct ChurnModel: Sendable {
    /// What the model needs to rebuild its features.
    public let header: ChurnModelHeader
    /// The trained classifier.
    public let classifier: any BinaryClassifier

    /// A model from its header and classifier.
    public init(header: ChurnModelHeader, classifier: any BinaryClassifier) {
        self.header = header
        self.classifier = classifier
    }

    /// The model file's JSON text.
    public func encoded() throws -> Data { try header.classifier.encode(classifier, header: header) }

    /// Reads a model file, checking its format and version first.
    /// - Throws: ``PredictionError/modelFile(_:)`` naming `name` for anything that is not a readable model file.
    public static func decode(_ data: Data, name: String) throws -> ChurnModel {
        struct HeaderOnly: Decodable { var header: ChurnModelHeader }
        let header: ChurnModelHeader
        do {
            header = try churnModelDecoder().decode(HeaderOnly.self, from: data).header
        } catch {
            throw PredictionError.modelFile("\(name) is not a CLVKit churn model: \(error)")
        }
        guard header.format == ChurnModelHeader.format, header.version == ChurnModelHeader.version else {
            throw PredictionError.modelFile("\(name): format \(header.format) version \(header.version); this clv reads \(ChurnModelHeader.format) version \(ChurnModelHeader.version).")
        }
        do {
            return ChurnModel(header: header, classifier: try header.classifier.decode(data))
        } catch let error as PredictionError {
            throw error
        } catch {
            throw PredictionError.modelFile("\(name): the \(header.classifier.rawValue) model cannot be read: \(error)")
        }
    }
}
