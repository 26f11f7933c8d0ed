import CLVCore
import CLVSegments
import Foundation
import _CLVUtilities

/// A fitted model as saved by `clv fit`: versioned JSON with snake_case keys, holding a transaction
/// model (or a spend, BG/BB or sBG model alone) and optionally a Gamma-Gamma spend model.
public struct ModelFile: Codable, Sendable {
    /// One fitted model.
    public struct Entry: Codable, Sendable {
        /// Which model this is.
        public var model: ModelKind
        /// The name as papers write it ("BG/NBD"), from the fit report.
        public var displayName: String
        /// Estimates, named as in the papers.
        public var parameters: [String: Double]
        /// Standard errors of the estimates, by name.
        public var standardErrors: [String: Double]
        /// 95% intervals (log scale, delta method) as [lower, upper].
        public var intervals95: [String: [Double]]
        /// The parameter names in the paper's order; ``ModelFile/decode(_:)`` requires exactly the model's.
        public var parameterOrder: [String]
        /// Covariance of the estimates, rows and columns in ``parameterOrder`` (n × n, or empty).
        public var covariance: [[Double]]
        /// Log-likelihood of the fitting data at the estimates, without the penalty.
        public var logLikelihood: Double
        /// AIC, 2k − 2 log L.
        public var aic: Double
        /// BIC, k log(customers) − 2 log L.
        public var bic: Double
        /// Whether the fit converged (always true in files CLVKit writes; a failed fit writes none).
        public var converged: Bool
        /// Iterations of the optimiser run that gave the estimates.
        public var iterations: Int
        /// The optimiser that gave the estimates: `BFGS` or `Nelder-Mead`.
        public var method: String
        /// The L2 penalty of the fit.
        public var penalizer: Double
        /// Wall-clock time of the fit, in seconds.
        public var seconds: Double
        /// For Gamma-Gamma: Pearson correlation of frequency and mean spend (the model assumes none).
        public var frequencySpendCorrelation: Double?

        /// The entry of a fit report; `kind` must be the model the report is of.
        public init(kind: ModelKind, report: FitReport, frequencySpendCorrelation: Double? = nil) {
            model = kind
            displayName = report.model
            parameterOrder = report.parameters.map(\.name)
            parameters = Dictionary(uniqueKeysWithValues: report.parameters.map { ($0.name, $0.value) })
            standardErrors = Dictionary(uniqueKeysWithValues: report.parameters.map { ($0.name, $0.standardError) })
            intervals95 = Dictionary(uniqueKeysWithValues: report.parameters.map { ($0.name, [$0.lower95, $0.upper95]) })
            covariance = report.covariance
            logLikelihood = report.logLikelihood
            aic = report.aic
            bic = report.bic
            converged = report.converged
            iterations = report.iterations
            method = report.method
            penalizer = report.penalizer
            seconds = report.seconds
            self.frequencySpendCorrelation = frequencySpendCorrelation
        }

        /// The parameters in the paper's order.
        public var vector: [Double] { parameterOrder.map { parameters[$0] ?? .nan } }

        /// Checks that the entry is complete and consistent (see ``ModelFile/decode(_:)``); `path` names it in
        /// the message.
        func validate(path: String) throws {
            let names = model.parameterNames
            guard parameterOrder == names else {
                throw ModelError.invalidModelFile("\(path).parameter_order is \(parameterOrder) but \(model.displayName) has the parameters \(names), in that order.")
            }
            for name in names {
                guard let value = parameters[name] else {
                    throw ModelError.invalidModelFile("\(path).parameters.\(name) is missing.")
                }
                guard value.isFinite, value > 0 else {
                    throw ModelError.invalidModelFile("\(path).parameters.\(name) = \(value); it must be finite and > 0.")
                }
            }
            if let extra = parameters.keys.sorted().first(where: { !names.contains($0) }) {
                throw ModelError.invalidModelFile("\(path).parameters.\(extra) is not a parameter of \(model.displayName) (\(names)).")
            }
            for (name, bounds) in intervals95.sorted(by: { $0.key < $1.key }) where bounds.count != 2 {
                throw ModelError.invalidModelFile("\(path).intervals95.\(name) has \(bounds.count) numbers; it needs [lower, upper].")
            }
            guard covariance.isEmpty || (covariance.count == names.count && covariance.allSatisfy { $0.count == names.count }) else {
                throw ModelError.invalidModelFile("\(path).covariance must be \(names.count) × \(names.count) (or empty) for \(model.displayName).")
            }
        }
    }

    /// What the model was fitted on.
    public struct DataSummary: Codable, Sendable {
        /// Customers in the data (for sBG, the cohort's size at the start).
        public var customers: Int
        /// Customers with at least one repeat purchase (for sBG, those still active in the last period).
        public var repeatCustomers: Int
        /// Distinct histories the fit summed over (cells, BG/BB patterns or sBG period counts).
        public var distinctHistories: Int
        /// The period purchases were counted in.
        public var frequency: String
        /// The end of observation used for T, `YYYY-MM-DD` (the calibration end in a holdout split; nil for sBG).
        public var observationEnd: String?
        /// The calibration end, `YYYY-MM-DD`, when the data had a holdout.
        public var calibrationEnd: String?
        /// The input the model was fitted on, as the user named it.
        public var source: String?
        /// A summary from its fields.
        public init(customers: Int, repeatCustomers: Int, distinctHistories: Int, frequency: String,
                    observationEnd: String?, calibrationEnd: String?, source: String?) {
            self.customers = customers; self.repeatCustomers = repeatCustomers; self.distinctHistories = distinctHistories
            self.frequency = frequency; self.observationEnd = observationEnd; self.calibrationEnd = calibrationEnd
            self.source = source
        }
    }

    /// How `--model auto` chose.
    public struct Selection: Codable, Sendable {
        /// One candidate model and how it did.
        public struct Candidate: Codable, Sendable {
            /// The candidate's key (`bgnbd`, `mbgnbd`, `pnbd`).
            public var model: String
            /// Its log-likelihood on the fitting data (NaN when it could not be fitted).
            public var logLikelihood: Double
            /// Its AIC (NaN when it could not be fitted).
            public var aic: Double
            /// Mean absolute error of its per-customer holdout purchases, when there was a holdout.
            public var holdoutMeanAbsoluteError: Double?
            /// Its predicted total of holdout purchases, when there was a holdout.
            public var holdoutPredictedTotal: Double?
            /// Why it could not be fitted (nil when it was).
            public var error: String?
            /// A candidate from its fields.
            public init(model: String, logLikelihood: Double, aic: Double, holdoutMeanAbsoluteError: Double?,
                        holdoutPredictedTotal: Double?, error: String?) {
                self.model = model; self.logLikelihood = logLikelihood; self.aic = aic
                self.holdoutMeanAbsoluteError = holdoutMeanAbsoluteError; self.holdoutPredictedTotal = holdoutPredictedTotal
                self.error = error
            }
        }
        /// `holdout mean absolute error` or `AIC`.
        public var criterion: String
        /// The chosen model's key.
        public var chosen: String
        /// Why it was chosen, with the other candidates' figures, in one sentence.
        public var reason: String
        /// Actual total of holdout purchases, when there was a holdout.
        public var holdoutActualTotal: Double?
        /// Every candidate, in the order tried, including those that could not be fitted.
        public var candidates: [Candidate]
        /// A selection from its fields.
        public init(criterion: String, chosen: String, reason: String, holdoutActualTotal: Double?, candidates: [Candidate]) {
            self.criterion = criterion; self.chosen = chosen; self.reason = reason
            self.holdoutActualTotal = holdoutActualTotal; self.candidates = candidates
        }
    }

    /// The newest format version this build reads, and the one it writes.
    public static let currentVersion = 1

    /// Always `clvkit-model`; ``decode(_:)`` refuses a file without it.
    public var format = "clvkit-model"
    /// The file's format version; ``decode(_:)`` refuses one newer than ``currentVersion``.
    public var version = ModelFile.currentVersion
    /// The CLVKit version that wrote the file.
    public var clvkitVersion: String
    /// When the file was made, as ISO 8601 in UTC (`2026-12-03T09:30:00Z`).
    public var created: String
    /// The top-level model (the transaction model when there is one).
    public var model: ModelKind
    /// Copy of `fit.displayName`.
    public var displayName: String
    /// Copy of `fit.parameters`; ``validate()`` requires the two to agree.
    public var parameters: [String: Double]
    /// Copy of `fit.standardErrors`.
    public var standardErrors: [String: Double]
    /// Copy of `fit.logLikelihood`.
    public var logLikelihood: Double
    /// Unit of recency, T and rates: `day`, `week`, `month` or `year`.
    public var timeUnit: TimeUnit
    /// Copy of `fit.converged`.
    public var converged: Bool
    /// The top-level model's fit: the transaction model when there is one, else the one model the file holds.
    public var fit: Entry
    /// The Gamma-Gamma spend model fitted alongside the transaction model, if any.
    public var spendModel: Entry?
    /// How `--model auto` chose, when it did.
    public var selection: Selection?
    /// What the model was fitted on.
    public var data: DataSummary
    /// The CLV cut points of the value deciles, highest first (nine values; see ``FittedModel/valueCutPoints``),
    /// frozen by `clv analyze` so that one customer can be scored alone. Absent in files of `clv fit`.
    public var valueCutPoints: [Double]?
    /// The cut points of the RFM scores and segments, the value matrix and the ABC classes of the fitted
    /// population (see ``SegmentCutPoints``), frozen by `clv analyze`. Absent in files of `clv fit`.
    public var segmentCutPoints: SegmentCutPoints?

    /// A file of the current version for `fit`, whose fields are copied to the top level; `created` is
    /// written as ISO 8601. It has no value cut points until they are set.
    public init(fit: Entry, spendModel: Entry?, selection: Selection? = nil, timeUnit: TimeUnit, data: DataSummary,
                clvkitVersion: String = "0.1.0", created: Date = Date()) {
        self.fit = fit
        self.spendModel = spendModel
        self.selection = selection
        self.timeUnit = timeUnit
        self.data = data
        self.clvkitVersion = clvkitVersion
        self.created = ISO8601DateFormatter().string(from: created)
        model = fit.model
        displayName = fit.displayName
        parameters = fit.parameters
        standardErrors = fit.standardErrors
        logLikelihood = fit.logLikelihood
        converged = fit.converged
    }

    static var encoder: JSONEncoder { JSONCoding.encoder() }

    static var decoder: JSONDecoder { JSONCoding.decoder() }

    /// The JSON text.
    public func encoded() throws -> Data { try Self.encoder.encode(self) }

    /// Reads a model file, checking its format, its version and every entry: a known model, the paper's
    /// `parameter_order`, finite positive estimates, intervals of two bounds, an n × n covariance (or none), a spend
    /// model that is Gamma-Gamma, and top-level copies that agree with `fit`. A hand-edited file that breaks any of
    /// these is refused rather than read in part.
    /// - Throws: ``ModelError/invalidModelFile(_:)`` with the reason and the JSON path of the bad field.
    public static func decode(_ data: Data) throws -> ModelFile {
        struct Header: Decodable { var format: String?; var version: Int? }
        guard let header = try? JSONDecoder().decode(Header.self, from: data), header.format == "clvkit-model" else {
            throw ModelError.invalidModelFile("not a CLVKit model file (no \"format\": \"clvkit-model\").")
        }
        guard let version = header.version, version <= currentVersion else {
            throw ModelError.invalidModelFile("version \(header.version.map(String.init) ?? "?") is newer than this clv understands (\(currentVersion)); upgrade clv.")
        }
        let file: ModelFile
        do {
            file = try decoder.decode(ModelFile.self, from: data)
        } catch let error as DecodingError {
            throw ModelError.invalidModelFile(Self.describe(error))
        } catch {
            throw ModelError.invalidModelFile("\(error)")
        }
        try file.validate()
        return file
    }

    /// Checks the invariants that ``decode(_:)`` promises; see there.
    /// - Throws: ``ModelError/invalidModelFile(_:)``.
    public func validate() throws {
        try fit.validate(path: "fit")
        if let spendModel {
            try spendModel.validate(path: "spend_model")
            guard spendModel.model == .gg else {
                throw ModelError.invalidModelFile("spend_model.model is \"\(spendModel.model.rawValue)\"; only \"gg\" is a spend model.")
            }
        }
        guard model == fit.model else {
            throw ModelError.invalidModelFile("model is \"\(model.rawValue)\" but fit.model is \"\(fit.model.rawValue)\"; they must agree.")
        }
        guard parameters == fit.parameters else {
            throw ModelError.invalidModelFile("parameters differ from fit.parameters; the top level is a copy of fit, so edit both or neither.")
        }
        if let problem = segmentCutPoints?.problem { throw ModelError.invalidModelFile(problem) }
        if let cuts = valueCutPoints {
            guard cuts.count == 9, cuts.allSatisfy(\.isFinite), zip(cuts, cuts.dropFirst()).allSatisfy({ $0 >= $1 }) else {
                throw ModelError.invalidModelFile("value_cut_points must be nine finite values, highest first.")
            }
        }
        do {
            switch fit.model {
            case .bgnbd, .mbgnbd, .pnbd: _ = try transactionModel()
            case .gg: _ = try gammaGamma()
            case .bgbb:
                let v = fit.vector
                _ = try BGBBModel(parameters: .init(alpha: v[0], beta: v[1], gamma: v[2], delta: v[3]))
            case .sbg:
                let v = fit.vector
                _ = try ShiftedBetaGeometricModel(parameters: .init(alpha: v[0], beta: v[1]))
            }
            if spendModel != nil { _ = try gammaGamma() }
        } catch let error as ModelError {
            throw ModelError.invalidModelFile("\(error)")
        }
    }

    /// A decoding failure as one sentence with the JSON path (`fit.parameter_order[2]`).
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue { text += "[\(index)]" } else {
                    let snake = key.stringValue.reduce(into: "") { out, ch in
                        if ch.isUppercase { out += "_" + ch.lowercased() } else { out.append(ch) }
                    }
                    text += (text.isEmpty ? "" : ".") + snake
                }
            }
            return text.isEmpty ? "the top level" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is missing."
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// The transaction model, when the file holds one.
    public func transactionModel() throws -> (any TransactionModel)? {
        guard let kind = fit.model.transactionModelKind else { return nil }
        return try kind.modelType.init(vector: fit.vector)
    }

    /// The Gamma-Gamma model, from the spend entry or the top level.
    public func gammaGamma() throws -> GammaGammaModel? {
        let entry = fit.model == .gg ? fit : spendModel
        guard let entry, entry.model == .gg else { return nil }
        let v = entry.vector
        return try GammaGammaModel(parameters: .init(p: v[0], q: v[1], gamma: v[2]))
    }
}
