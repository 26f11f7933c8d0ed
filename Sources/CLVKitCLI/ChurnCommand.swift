import CLVCore
import CLVIO
import ArgumentParser
import CLVKit
import Foundation

/// A comma-separated list of classifiers.
struct ClassifierList: ExpressibleByArgument {
    let kinds: [ClassifierKind]
    init?(argument: String) {
        let parts = argument.split(separator: ",").map { ClassifierKind(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
        kinds = parts.map { $0! }
    }
    var defaultValueDescription: String { kinds.map(\.rawValue).joined(separator: ",") }
}

extension CLV {
    struct Churn: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "churn",
            abstract: "Churn and next-purchase classifiers: evaluate them honestly, train one, score customers.",
            discussion: """
            Features at a cutoff come only from the rows on or before it (see `clv features`); the label \
            is whether the customer buys in the --horizon after it. Time-based validation: classifiers \
            train on cutoff − horizon (and --rolling earlier cutoffs, --step apart), whose outcomes are \
            known by the cutoff, and are tested on the customers at the cutoff.

            Examples:
              clv churn evaluate orders.csv --cutoff 2025-03-31 --horizon 39w --format json
              clv churn train orders.csv --classifier logistic -o churn-model.json
              clv churn predict orders.csv --model-file churn-model.json -o churn-scores.csv
            """,
            subcommands: [Evaluate.self, Train.self, Predict.self, Alerts.self, Deviations.self, SimilarValue.self])
    }
}

extension CLV.Churn {
    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "evaluate",
            abstract: "Trains every classifier before the cutoff and compares them, and the P(alive) baseline, on the customers at the cutoff.",
            discussion: """
            Reports per model name, roc_auc, pr_auc (average precision), precision, recall, f1, accuracy, \
            specificity, brier, log_loss at --threshold, the confusion matrix, the ROC curve, calibration \
            and lift/gains by decile (JSON), or a table. The baseline scores customers by 1 − P(alive) \
            (churn) or P(alive) (purchase) of the model fitted before the cutoff.

            The training rows must hold at least \(TrainingClassCheck.minimumPerClass) customers of each \
            class (exit 65 otherwise); below \(TrainingClassCheck.recommendedPerClass) of a class a \
            warning says the results are unstable. `clv churn train` checks the same.
            """)

        @OptionGroup var input: InputOptions
        @Option(help: "Cutoff date (YYYY-MM-DD): features up to it, outcomes in the horizon after it.")
        var cutoff: CalendarDay
        @OptionGroup var churn: ChurnOptions
        @Option(help: "Classifiers: \(ClassifierKind.allCases.map(\.rawValue).joined(separator: ",")).")
        var classifiers: ClassifierList = ClassifierList(argument: ClassifierKind.allCases.map(\.rawValue).joined(separator: ","))!
        @Option(help: "Training cutoffs: cutoff − horizon and this many − 1 earlier ones.")
        var rolling: Int = 1
        @Option(help: "Distance between rolling training cutoffs.")
        var step: Horizon = Horizon(argument: "90d")!
        @Option(help: "Probability at or above which a customer is predicted positive.")
        var threshold: Double = 0.5
        @Flag(help: "Weight the classes equally (for rare events).")
        var balanced = false
        @Option(help: "k-fold cross-validated ROC-AUC on the training rows too (0: off).")
        var folds: Int = 0
        @Flag(help: "Permutation feature importance on the test customers (ROC-AUC drop, 3 shuffles).")
        var importance = false
        @Option(help: "Seed of the classifiers, folds and shuffles.")
        var seed: UInt64 = 1
        @Option(help: "Output: table or json.")
        var format: ReportFormat = .table
        @Option(name: .shortAndLong, help: "Output file (atomic); default: standard output.")
        var output: String?
        @Option(help: "Also write an HTML page with ROC, gains and calibration charts.")
        var report: String?
        @Option(help: "Language of the HTML page: en or zh.")
        var lang: Language = .en
        @Flag(name: .shortAndLong, help: "No progress or notes on stderr.")
        var quiet = false

        enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case table, json }

        func validate() throws {
            guard rolling >= 1, (2...20).contains(folds) || folds == 0 else { throw ValidationError("--rolling must be ≥ 1 and --folds 0 or 2…20.") }
            guard threshold > 0, threshold <= 1 else { throw ValidationError("--threshold must be in (0, 1].") }
        }

        func note(_ text: String) { if !quiet { printError("clv: \(text)") } }

        func run() throws {
            try withExitCodes {
                try checkOutputs(output, report)
                let (rows, ingest) = try readRows(input, quiet: quiet)
                for line in ingest.lines(.en) { note(line) }
                let dataEnd = ingest.lastDate!
                let h = churn.horizonDays
                guard cutoff.adding(days: h) <= dataEnd else {
                    throw ValidationError("the outcome window after --cutoff \(cutoff) ends \(cutoff.adding(days: h)), after the data end (\(dataEnd)): choose an earlier cutoff or a shorter --horizon.")
                }
                let options = ChurnEvaluationOptions(
                    cutoff: cutoff, features: churn.featureOptions, modelScores: churn.modelKind, classifiers: classifiers.kinds,
                    rolling: rolling, stepDays: Int(step.days(modelUnit: .day).rounded()), threshold: threshold, balanced: balanced,
                    folds: folds, importance: importance, seed: seed)
                let out = try ChurnEvaluation.run(rows: rows, dataEnd: dataEnd, options: options) { message in
                    switch message {
                    case .note(let text): note(text)
                    case .warning(let text): printError("clv: \(text)")
                    }
                }
                let evaluations = out.models
                let file = try OutputFile(path: output)
                switch format {
                case .json:
                    let encoder = reportJSONEncoder()
                    try file.write(Array(try encoder.encode(out)) + [0x0A])
                case .table:
                    var text = "model               roc_auc  pr_auc   precision recall   f1       accuracy brier\n"
                    for e in evaluations {
                        text += e.name.padding(toLength: 20, withPad: " ", startingAt: 0)
                        text += [e.rocAUC, e.prAUC, e.precision, e.recall, e.f1, e.accuracy, e.brier].map { String(format: "%-9.4f", $0) }.joined() + "\n"
                    }
                    try file.write(text)
                }
                try file.commit()
                if let report {
                    let page = try OutputFile(path: report)
                    let models = evaluations.map { e in
                        ChurnReportPage.Model(
                            name: e.name,
                            metrics: ["roc_auc": e.rocAUC, "pr_auc": e.prAUC, "precision": e.precision, "recall": e.recall, "f1": e.f1,
                                      "accuracy": e.accuracy, "brier": e.brier],
                            rocX: e.rocCurve.falsePositiveRates, rocY: e.rocCurve.truePositiveRates,
                            gainsX: e.deciles.groups.map { Double($0.cumulativeRows) / Double(e.count) }, gainsY: e.deciles.groups.map(\.cumulativeGain),
                            calibrationPredicted: e.calibration.meanPredicted, calibrationObserved: e.calibration.fractionPositive)
                    }
                    let subtitle = lang == .zh
                        ? "\(input.input) · 截止日 \(cutoff) · 预测期 \(h) 天 · \(churn.target == .churn ? "流失" : "购买")"
                        : "\(input.input) · cutoff \(cutoff) · horizon \(h) days · \(churn.target.rawValue)"
                    try page.write(ChurnReportPage.render(models: models, subtitle: subtitle, language: lang))
                    try page.commit()
                }
            }
        }
    }

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train",
            abstract: "Trains one classifier on the latest cutoff whose outcome is known and saves it as versioned JSON.")

        @OptionGroup var input: InputOptions
        @OptionGroup var churn: ChurnOptions
        @Option(help: "Classifier: \(ClassifierKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        var classifier: ClassifierKind = .logistic
        @Option(help: "Training cutoff (default: the data end − horizon, the latest with a known outcome).")
        var cutoff: CalendarDay?
        @Option(help: "Also train on this many − 1 earlier cutoffs.")
        var rolling: Int = 1
        @Option(help: "Distance between rolling cutoffs.")
        var step: Horizon = Horizon(argument: "90d")!
        @Flag(help: "Weight the classes equally.")
        var balanced = false
        @Option var seed: UInt64 = 1
        @Option(name: .shortAndLong, help: "Model file to write (atomic).")
        var output: String
        @Flag(name: .shortAndLong) var quiet = false

        func run() throws {
            try withExitCodes {
                try checkOutputs(output)
                let (rows, ingest) = try readRows(input, quiet: quiet)
                let dataEnd = ingest.lastDate!
                let h = churn.horizonDays
                let last = cutoff ?? dataEnd.adding(days: -h)
                guard last.adding(days: h) <= dataEnd else {
                    throw ValidationError("the outcome after --cutoff \(last) is not known until \(last.adding(days: h)); the data end \(dataEnd).")
                }
                let stepDays = Int(step.days(modelUnit: .day).rounded())
                let cutoffs = (0..<max(rolling, 1)).map { last.adding(days: -$0 * stepDays) }
                let saved = try ChurnTraining.run(rows: rows, dataEnd: dataEnd, cutoffs: cutoffs, features: churn.featureOptions,
                                                  modelScores: churn.modelKind, classifier: classifier, balanced: balanced, seed: seed) {
                    printError("clv: \($0)")
                }
                let header = saved.header
                let file = try OutputFile(path: output)
                try file.write(Array(try saved.encoded()) + [0x0A])
                try file.commit()
                if !quiet { printError("clv: \(classifier.rawValue) trained on \(header.trainingRows) rows (\(header.trainingPositives) positives) at \(cutoffs.map(\.description).joined(separator: ", ")); wrote \(output)") }
            }
        }
    }

    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "predict",
            abstract: "Scores every customer with a saved churn model: probability and risk decile (1 = highest).")

        @OptionGroup var input: InputOptions
        @Option(help: "Model file from `clv churn train`.")
        var modelFile: String
        @Option(help: "Score as of this date (default: the data end).")
        var cutoff: CalendarDay?
        @OptionGroup var output: OutputOptions

        func run() throws {
            try withExitCodes {
                try checkOutputs(output.output)
                guard let data = FileManager.default.contents(atPath: modelFile) else {
                    throw DataFileError("cannot read the model file \(modelFile).", unreadable: true)
                }
                let saved = try ChurnModel.decode(data, name: modelFile)
                let header = saved.header
                let (rows, ingest) = try readRows(input, quiet: output.quiet)
                let at = cutoff ?? ingest.lastDate!
                let scores = try ChurnScoring.run(saved, rows: rows, at: at)
                let p = scores.probabilities, decile = scores.riskDeciles
                if ProcessInfo.processInfo.environment["CLVKIT_TIMING"] != nil {
                    printError("timing: score \(scores.scoringSeconds) s for \(p.count) customers (\(header.classifier.rawValue)); features \(scores.featureSeconds) s")
                }
                let column = header.target == .churn ? "churn_probability" : "purchase_probability"
                var table = TableOutput(columns: ["customer_id", column, "risk_decile"], format: output.format, file: try output.open(output.output))
                for i in p.indices { try table.row([.text(scores.customerIDs[i]), .number(p[i]), .integer(decile[i])]) }
                try table.finish()
                if !output.quiet { printError("clv: scored \(p.count) customers as of \(at) with \(header.classifier.rawValue) (\(modelFile))") }
            }
        }
    }
}
