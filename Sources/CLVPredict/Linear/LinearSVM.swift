/// A linear support vector machine with the squared hinge loss, with probabilities from Platt scaling.
///
/// Fitting minimises ½(‖w‖² + w_b²) + Σᵢ C·sᵢ·max(0, 1 − tᵢ(w·xᵢ + b))², tᵢ = ±1, where sᵢ is the
/// sample weight times the class weight and b = interceptScaling × w_b: as in liblinear (scikit-learn's
/// `LinearSVC(loss="squared_hinge", penalty="l2")`), the intercept is the weight of a constant feature
/// and **is** penalised; a larger `interceptScaling` weakens that penalty. The primal problem is
/// solved by Newton's method with the generalized Hessian (see ``SquaredHingeObjective``) to
/// max|∇f| ≤ `tolerance` × max(1, max|∇f(0)|).
///
/// ``probabilities(_:)`` maps the decision value through a ``PlattScaling`` sigmoid fitted on the
/// training rows' own decision values with the sample weights only (not the class weights, so
/// probabilities follow the observed class frequencies). In-sample decision values are slightly
/// optimistic; Platt's smoothed targets temper that, and the SVM's ranking, hence ROC-AUC, is
/// unaffected.
///
/// With `standardize` (the default) a ``Standardizer`` is fitted on the training rows and stored;
/// ``coefficients`` are then on the standardized scale.
public struct LinearSVM: BinaryClassifier, Hashable, Codable {
    /// The `format` field of saved models.
    public static let formatName = "clvkit.linear-svm"
    /// The `version` written by this code; reading accepts this version only.
    public static let formatVersion = 1

    /// Training options.
    public struct Options: Sendable, Hashable, Codable {
        /// Cost of margin violations (> 0): larger C, weaker regularisation.
        public var C: Double
        /// Class weights for imbalanced labels.
        public var classWeighting: ClassWeighting
        /// Fit a ``Standardizer`` and train on standardized features.
        public var standardize: Bool
        /// Value of the constant feature whose weight gives the intercept (liblinear's
        /// `intercept_scaling`, > 0).
        public var interceptScaling: Double
        /// Stop when max|∇f| ≤ tolerance × max(1, max|∇f(0)|).
        public var tolerance: Double
        /// Newton steps allowed.
        public var maxIterations: Int

        /// Options; the defaults are C = 1, no class weights, standardized features, intercept scaling 1,
        /// tolerance 1e-10 and 100 Newton steps. They are checked when the model is fitted.
        public init(C: Double = 1, classWeighting: ClassWeighting = .unweighted, standardize: Bool = true,
                    interceptScaling: Double = 1, tolerance: Double = 1e-10, maxIterations: Int = 100) {
            self.C = C
            self.classWeighting = classWeighting
            self.standardize = standardize
            self.interceptScaling = interceptScaling
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
    /// b = interceptScaling × w_b.
    public let intercept: Double
    /// The column scaling applied to features before ``coefficients``; nil when trained unstandardized.
    public let standardizer: Standardizer?
    /// The sigmoid from decision values to probabilities.
    public let calibration: PlattScaling
    /// The options the model was trained with.
    public let options: Options
    /// How the fit ended (nil for a model built from known parameters).
    public let diagnostics: LinearFitDiagnostics?

    /// `linear_svm` (the classifier kind is spelled `linear-svm`).
    public var name: String { "linear_svm" }

    /// A model from known parameters.
    /// - Throws: ``PredictionError/shape(_:)`` when the counts disagree.
    public init(featureNames: [String], coefficients: [Double], intercept: Double, standardizer: Standardizer? = nil,
                calibration: PlattScaling, options: Options = Options(),
                diagnostics: LinearFitDiagnostics? = nil) throws {
        try LinearScoring.check(featureNames: featureNames, coefficients: coefficients, intercept: intercept,
                                standardizer: standardizer)
        format = Self.formatName
        version = Self.formatVersion
        self.featureNames = featureNames
        self.coefficients = coefficients
        self.intercept = intercept
        self.standardizer = standardizer
        self.calibration = calibration
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
                      calibration: try c.decode(PlattScaling.self, forKey: .calibration),
                      options: try c.decode(Options.self, forKey: .options),
                      diagnostics: try c.decodeIfPresent(LinearFitDiagnostics.self, forKey: .diagnostics))
    }

    /// w·x + b for every row (after standardization, if any): scikit-learn's `decision_function`.
    /// - Precondition: `features` has the training columns, in order.
    public func decisionValues(_ features: FeatureTable) -> [Double] {
        LinearScoring.decisionValues(features, coefficients: coefficients, intercept: intercept,
                                     standardizer: standardizer)
    }

    /// P(y = 1) from the Platt sigmoid of the decision value, for every row.
    /// - Precondition: `features` has the training columns, in order.
    public func probabilities(_ features: FeatureTable) -> [Double] {
        let calibration = calibration
        return LinearScoring.decisionValues(features, coefficients: coefficients, intercept: intercept,
                                            standardizer: standardizer, transform: { calibration.probability($0) })
    }

    /// Fits the SVM, then the Platt sigmoid on its training decision values.
    /// - Parameters:
    ///   - sampleWeights: one weight ≥ 0 per row (all 1 when nil); multiplied by the class weights.
    /// - Throws: ``PredictionError/singleClass`` when a class has no weight,
    ///   ``PredictionError/invalidOption(_:)`` for bad options or weights, or when Newton's method
    ///   does not reach the tolerance (the message says what to change).
    /// - Complexity: O(iterations × rows × features²); typically under 15 iterations.
    public static func fit(_ data: LabeledData, options: Options = Options(), sampleWeights: [Double]? = nil) throws -> LinearSVM {
        guard options.C.isFinite, options.C > 0 else {
            throw PredictionError.invalidOption("C must be finite and > 0 (got \(options.C))")
        }
        guard options.interceptScaling.isFinite, options.interceptScaling > 0 else {
            throw PredictionError.invalidOption("interceptScaling must be finite and > 0 (got \(options.interceptScaling))")
        }
        guard options.tolerance > 0, options.maxIterations > 0 else {
            throw PredictionError.invalidOption("tolerance and maxIterations must be > 0")
        }
        let weights = try options.classWeighting.rowWeights(labels: data.labels, sampleWeights: sampleWeights)
        let standardizer = options.standardize ? Standardizer(fitting: data.features) : nil
        let features = standardizer?.transform(data.features) ?? data.features
        let objective = SquaredHingeObjective(features: features, labels: data.labels, weights: weights, C: options.C,
                                              interceptScaling: options.interceptScaling)
        let start = [Double](repeating: 0, count: features.columnCount + 1)
        let initialGradient = objective.secondOrder(start).gradient.reduce(0) { max($0, abs($1)) }
        let solver = DampedNewton(tolerance: options.tolerance, maxIterations: options.maxIterations,
                                  gradientScale: 1 / max(1, initialGradient))
        let outcome = solver.minimize(from: start, secondOrder: objective.secondOrder, value: objective.value)
        guard outcome.converged else {
            throw PredictionError.invalidOption(
                "linear SVM did not converge in \(outcome.diagnostics.iterations) Newton steps (relative gradient "
                + "\(outcome.diagnostics.gradientNorm)); standardize the features, lower C or raise maxIterations")
        }
        let coefficients = Array(outcome.point.dropLast())
        let intercept = outcome.point.last! * options.interceptScaling
        let decisions = LinearScoring.decisionValues(features, coefficients: coefficients, intercept: intercept,
                                                     standardizer: nil)
        let calibration = try PlattScaling.fit(decisionValues: decisions, labels: data.labels, weights: sampleWeights)
        return try LinearSVM(featureNames: data.features.names, coefficients: coefficients, intercept: intercept,
                             standardizer: standardizer, calibration: calibration, options: options,
                             diagnostics: outcome.diagnostics)
    }
}
