import ArgumentParser
import CLVKit
import Foundation
import _CLVUtilities

/// The classifiers `clv churn` trains.
enum ClassifierKind: String, ExpressibleByArgument, CaseIterable, Codable {
    case logistic, svm = "linear-svm", mlp, tree, forest, gbt

    /// Trains this classifier on `data` (seeded; `balanced` weights the classes equally).
    func train(_ data: LabeledData, seed: UInt64, balanced: Bool) throws -> any BinaryClassifier {
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

    func encode(_ model: any BinaryClassifier, header: ChurnModelHeader) throws -> Data {
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

    func decode(_ data: Data) throws -> any BinaryClassifier {
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
struct ChurnModelHeader: Codable {
    static let format = "clvkit-churn-model"
    static let version = 1
    var format = ChurnModelHeader.format
    var version = ChurnModelHeader.version
    var classifier: ClassifierKind
    var target: PredictionTarget
    var horizonDays: Int
    var trendDays: Int
    var maxChannels: Int
    /// The buy-till-you-die model whose scores are features, if any.
    var modelScores: String?
    var features: [String]
    var trainingCutoffs: [String]
    var trainingRows: Int
    var trainingPositives: Int

    var featureOptions: FeatureOptions {
        FeatureOptions(horizonDays: horizonDays, target: target, trendDays: trendDays, maxChannels: maxChannels)
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
struct FeatureBuilder {
    let rows: TransactionRows
    let dataEnd: CalendarDay
    let options: FeatureOptions
    let modelScores: TransactionModelKind?

    /// Features at `cutoff` (with model scores from data before it).
    func set(at cutoff: CalendarDay) throws -> CustomerFeatureSet {
        var set = try CustomerFeatures.build(rows, cutoff: cutoff, dataEnd: dataEnd, options: options)
        if let modelScores { try set.addModelScores(modelScores, horizonDays: options.horizonDays) }
        return set
    }

    /// `table`'s columns in the order `names`; channel-share columns the data lack are 0 (a channel not used then).
    static func align(_ table: FeatureTable, to names: [String]) throws -> FeatureTable {
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
    static func stack(_ sets: [CustomerFeatureSet]) throws -> LabeledData {
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

/// Options shared by the `clv churn` subcommands and `clv features`.
struct ChurnOptions: ParsableArguments {
    @Option(help: "Label horizon after the cutoff: 90d, 13w, 6m, …")
    var horizon: Horizon = Horizon(argument: "39w")!
    @Option(help: "Label: churn (no purchase in the horizon) or purchase (at least one).")
    var target: PredictionTarget = .churn
    @Option(help: "Trend window in days (purchases in the last N days against the N before).")
    var trendDays: Int = 90
    @Option(help: "Channel-mix columns for at most this many channels.")
    var maxChannels: Int = 5
    @Option(help: "Buy-till-you-die model whose P(alive) and expected purchases are features: bgnbd, mbgnbd, pnbd or none.")
    var modelScores: String = "mbgnbd"

    func validate() throws {
        guard !horizon.isInfinite, horizon.days(modelUnit: .day) >= 1 else { throw ValidationError("--horizon must be at least a day.") }
        guard trendDays >= 1, maxChannels >= 0 else { throw ValidationError("--trend-days must be positive and --max-channels ≥ 0.") }
        guard modelScores == "none" || TransactionModelKind(rawValue: modelScores) != nil else {
            throw ValidationError("--model-scores must be bgnbd, mbgnbd, pnbd or none.")
        }
    }

    var horizonDays: Int { Int(horizon.days(modelUnit: .day).rounded()) }
    var featureOptions: FeatureOptions {
        FeatureOptions(horizonDays: horizonDays, target: target, trendDays: trendDays, maxChannels: maxChannels)
    }
    var modelKind: TransactionModelKind? { TransactionModelKind(rawValue: modelScores) }
}

extension PredictionTarget: ExpressibleByArgument {}

/// Reads the log's rows (for features), with progress.
func readRows(_ input: InputOptions, quiet: Bool) throws -> (TransactionRows, IngestReport) {
    let progress = ProgressLine("reading \(input.input)", quiet: quiet)
    defer { progress.finish() }
    return try TransactionLogReader.rows(path: try input.readablePath(), options: input.ingestOptions,
                                         progress: { progress.update(done: $0, total: $1) })
}
