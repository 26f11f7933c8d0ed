import Foundation

/// Chooses among the continuous-time transaction models: by per-customer holdout error when a holdout is
/// given, else by AIC, and says why.
public enum ModelSelector {
    /// Calibration histories and what happened in the holdout, in the model time unit.
    public struct Holdout: Sendable {
        /// Per customer the calibration x, tₓ and T, and the purchase periods in the holdout; and the
        /// holdout's length.
        public var frequency: [Int32], recency: [Double], age: [Double], holdoutFrequency: [Int32], length: Double
        /// A holdout from parallel columns (one element per customer, checked when it is used).
        public init(frequency: [Int32], recency: [Double], age: [Double], holdoutFrequency: [Int32], length: Double) {
            self.frequency = frequency; self.recency = recency; self.age = age
            self.holdoutFrequency = holdoutFrequency; self.length = length
        }
    }

    /// The choice and the evidence for it.
    public struct Outcome: Sendable {
        /// The options the chosen model was fitted with (a penalizer may have been added).
        public var options: FitOptions = FitOptions()
        /// The chosen model.
        public var kind: TransactionModelKind
        /// The chosen model's fit on the cells given.
        public var report: FitReport
        /// Each fitted candidate's holdout comparison (empty without a holdout).
        public var validations: [TransactionModelKind: HoldoutValidation]
        /// The criterion, the choice, the reason and every candidate, as saved in the model file.
        public var selection: ModelFile.Selection
    }

    /// Fits every candidate on `cells` (the calibration data when there is a holdout) and picks one.
    /// - Throws: ``ModelError/unusableModel(model:reason:)`` when no candidate can be fitted.
    public static func choose(cells: RFMCells, holdout: Holdout?, candidates kinds: [TransactionModelKind] = TransactionModelKind.allCases,
                              options: FitOptions = FitOptions()) throws -> Outcome {
        var candidates: [ModelFile.Selection.Candidate] = []
        var fitted: [(kind: TransactionModelKind, report: FitReport, validation: HoldoutValidation?)] = []
        for kind in kinds {
            do {
                let (model, report) = try kind.modelType.fit(cells: cells, options: options)
                let validation = try holdout.map {
                    try HoldoutValidation(model: model, frequency: $0.frequency, recency: $0.recency, age: $0.age,
                                          holdoutFrequency: $0.holdoutFrequency, holdoutLength: $0.length)
                }
                fitted.append((kind, report, validation))
                candidates.append(.init(model: kind.rawValue, logLikelihood: report.logLikelihood, aic: report.aic,
                                        holdoutMeanAbsoluteError: validation?.meanAbsoluteError,
                                        holdoutPredictedTotal: validation?.predictedTotal, error: nil))
            } catch {
                candidates.append(.init(model: kind.rawValue, logLikelihood: .nan, aic: .nan, holdoutMeanAbsoluteError: nil,
                                        holdoutPredictedTotal: nil, error: "\(error)"))
            }
        }
        guard !fitted.isEmpty else {
            if options.penalizer == 0 {
                // Little or degenerate data: a small penalty keeps the parameters finite.
                var penalized = options
                penalized.penalizer = 0.01
                var outcome = try choose(cells: cells, holdout: holdout, candidates: kinds, options: penalized)
                outcome.selection.reason += "; with --penalizer 0.01, since no model was identified without one"
                return outcome
            }
            throw ModelError.unusableModel(model: "auto", reason: "no candidate model could be fitted: \(candidates.compactMap(\.error).joined(separator: "; "))")
        }
        let byHoldout = holdout != nil
        let best = byHoldout
            ? fitted.min { $0.validation!.meanAbsoluteError < $1.validation!.meanAbsoluteError }!
            : fitted.min { $0.report.aic < $1.report.aic }!
        func short(_ v: Double) -> String { String(format: abs(v) >= 1000 ? "%.1f" : "%.4g", v) }
        let others = fitted.filter { $0.kind != best.kind }.map { f in
            "\(f.kind.rawValue) \(short(byHoldout ? f.validation!.meanAbsoluteError : f.report.aic))"
        }.joined(separator: ", ")
        let reason = byHoldout
            ? "lowest mean absolute error of per-customer holdout purchases: \(short(best.validation!.meanAbsoluteError)) (\(others))"
            : "lowest AIC: \(short(best.report.aic)) (\(others)); no holdout, so the choice is by fit, not by predictive accuracy"
        let selection = ModelFile.Selection(criterion: byHoldout ? "holdout mean absolute error" : "AIC", chosen: best.kind.rawValue,
                                            reason: reason, holdoutActualTotal: best.validation?.actualTotal, candidates: candidates)
        var validations: [TransactionModelKind: HoldoutValidation] = [:]
        for f in fitted { if let v = f.validation { validations[f.kind] = v } }
        return Outcome(options: options, kind: best.kind, report: best.report, validations: validations, selection: selection)
    }
}
