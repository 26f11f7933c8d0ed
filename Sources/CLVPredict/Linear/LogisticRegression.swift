/// L2-regularised logistic regression: P(y = 1 | x) = 1 / (1 + e^{−(w·x + b)}).
///
/// Fitting minimises ½‖w‖² + C Σᵢ sᵢ·logloss(yᵢ, w·xᵢ + b), where sᵢ is the sample weight times the
/// class weight. The intercept b is not penalised. This is the objective of scikit-learn's
/// `LogisticRegression(C=…, class_weight=…)` for binary labels (sklearn divides it by C Σ sᵢ, which
/// leaves the minimiser unchanged). Newton's method with a line search solves it to a scaled
/// gradient max|∇f| / (C Σ sᵢ) ≤ `tolerance`, the quantity sklearn's `tol` bounds.
///
/// Features are used as given unless `Options.standardize` is set; then a ``Standardizer`` is fitted
/// on the training rows, stored in the model and applied before scoring, and ``coefficients`` are
/// on the standardized scale.
public struct LogisticRegression: BinaryClassifier, Hashable, Codable {
    /// The `format` field of saved models.
    public static let formatName = "clvkit.logistic-regression"
    /// The `version` written by this code; reading accepts this version only.
    public static let formatVersion = 1

    /// Training options.
    public struct Options: Sendable, Hashable, Codable {
        /// Inverse regularisation strength (> 0): larger C, weaker penalty.
        public var C: Double
        /// Class weights for imbalanced labels.
        public var classWeighting: ClassWeighting
        /// Fit a ``Standardizer`` and train on standardized features.
        public var standardize: Bool
        /// Stop when max|∇f| / (C Σ sᵢ) ≤ tolerance.
        public var tolerance: Double
        /// Newton steps allowed.
        public var maxIterations: Int

        /// Options; the defaults are C = 1, no class weights, features as given, tolerance 1e-10 and 100
        /// Newton steps. They are checked when the model is fitted.
        public init(C: Double = 1, classWeighting: ClassWeighting = .unweighted, standardize: Bool = false,
                    tolerance: Double = 1e-10, maxIterations: Int = 100) {
            self.C = C
            self.classWeighting = classWeighting
            self.standardize = standardize
            self.tolerance = tolerance
            self.maxIterations = maxIterations
        }
    }

    /// ``formatName`` (checked when a saved model is read).
    public let format: String
    /// ``formatVersion`` (checked when a saved model is read).
    public let version: Int
    /// The training columns, in order.
    public let featureNames: [String]
    /// w, one per feature (on the standardized scale when ``standardizer`` is set).
    public let coefficients: [Double]
    /// b.
    public let intercept: Double
    /// The scaling applied to features before the linear function, if any.
    public let standardizer: Standardizer?
    /// The options the model was trained with.
    public let options: Options
    /// How the fit ended (nil for a model built from known parameters).
    public let diagnostics: LinearFitDiagnostics?

    /// `logistic`.
    public var name: String { "logistic" }

    /// A model from known parameters.
    /// - Throws: ``PredictionError/shape(_:)`` when the counts disagree.
    public init(featureNames: [String], coefficients: [Double], intercept: Double, standardizer: Standardizer? = nil,
                options: Options = Options(),
                diagnostics: LinearFitDiagnostics? = nil) throws {
        try LinearScoring.check(featureNames: featureNames, coefficients: coefficients, intercept: intercept,
                                standardizer: standardizer)
        format = Self.formatName
        version = Self.formatVersion
        self.featureNames = featureNames
        self.coefficients = coefficients
        self.intercept = intercept
        self.standardizer = standardizer
        self.options = options
        self.diagnostics = diagnostics
    }

    /// Reads a saved model, checking its `format` and `version`.
    /// - Throws: ``PredictionError/modelFile(_:)`` for another format or version, decoding errors.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try LinearScoring.checkFormat(try c.decode(String.self, forKey: .format), try c.decode(Int.self, forKey: .version),
                                      expected: Self.formatName, version: Self.formatVersion)
        try self.init(featureNames: try c.decode([String].self, forKey: .featureNames),
                      coefficients: try c.decode([Double].self, forKey: .coefficients),
                      intercept: try c.decode(Double.self, forKey: .intercept),
                      standardizer: try c.decodeIfPresent(Standardizer.self, forKey: .standardizer),
                      options: try c.decode(Options.self, forKey: .options),
                      diagnostics: try c.decodeIfPresent(LinearFitDiagnostics.self, forKey: .diagnostics))
    }

    /// w·x + b for every row (after standardization, if any): scikit-learn's `decision_function`.
    /// - Precondition: `features` has the training columns, in order.
    public func decisionValues(_ features: FeatureTable) -> [Double] {
        LinearScoring.decisionValues(features, coefficients: coefficients, intercept: intercept,
                                     standardizer: standardizer)
    }

    /// P(y = 1) = 1 / (1 + e^{−(w·x + b)}) for every row.
    /// - Precondition: `features` has the training columns, in order.
    public func probabilities(_ features: FeatureTable) -> [Double] {
        LinearScoring.decisionValues(features, coefficients: coefficients, intercept: intercept,
                                     standardizer: standardizer, transform: LogisticObjective.sigmoid)
    }

    /// Fits the model to labelled rows.
    /// - Parameters:
    ///   - sampleWeights: one weight ≥ 0 per row (all 1 when nil); multiplied by the class weights.
    /// - Throws: ``PredictionError/singleClass`` when a class has no weight,
    ///   ``PredictionError/invalidOption(_:)`` for bad options or weights, or when Newton's method
    ///   does not reach the tolerance (the message says what to change).
    /// - Complexity: O(iterations × rows × features²); typically under 15 iterations.
    public static func fit(_ data: LabeledData, options: Options = Options(), sampleWeights: [Double]? = nil) throws -> LogisticRegression {
        guard options.C.isFinite, options.C > 0 else {
            throw PredictionError.invalidOption("C must be finite and > 0 (got \(options.C))")
        }
        guard options.tolerance > 0, options.maxIterations > 0 else {
            throw PredictionError.invalidOption("tolerance and maxIterations must be > 0")
        }
        let weights = try options.classWeighting.rowWeights(labels: data.labels, sampleWeights: sampleWeights)
        let standardizer = options.standardize ? Standardizer(fitting: data.features) : nil
        let features = standardizer?.transform(data.features) ?? data.features
        let objective = LogisticObjective(features: features, labels: data.labels, weights: weights, C: options.C)
        let totalWeight = weights.reduce(0, +)
        let solver = DampedNewton(tolerance: options.tolerance, maxIterations: options.maxIterations,
                                  gradientScale: 1 / (options.C * totalWeight))
        let outcome = solver.minimize(from: [Double](repeating: 0, count: features.columnCount + 1),
                                      secondOrder: objective.secondOrder, value: objective.value)
        guard outcome.converged else {
            throw PredictionError.invalidOption(
                "logistic regression did not converge in \(outcome.diagnostics.iterations) Newton steps (scaled gradient "
                + "\(outcome.diagnostics.gradientNorm)); standardize the features, lower C or raise maxIterations")
        }
        return try LogisticRegression(featureNames: data.features.names, coefficients: Array(outcome.point.dropLast()),
                                      intercept: outcome.point.last!, standardizer: standardizer, options: options,
                                      diagnostics: outcome.diagnostics)
    }
}
