import ArgumentParser
import CLVKit
import Foundation

extension CLV {
    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score every customer of a transaction log with a saved model.",
            discussion: """
            Writes customer_id, expected_purchases (over --horizon), p_alive, expected_spend and clv \
            (margin × expected spend × expected purchases in each month of the horizon, discounted \
            monthly at --discount-rate a year). expected_spend and clv need a Gamma-Gamma spend model \
            in the file (clv fit --spend-model gg). The log is summarised with the model's period and time unit.

            Example: clv predict Examples/transactions.csv --model-file model.json --horizon 12m --margin 0.3
            """)

        @OptionGroup var input: InputOptions
        @Option(help: "Model file written by clv fit.")
        var modelFile: String
        @Option(help: "Forecast horizon: a number in the model's time unit, or 90d, 13w, 12m, 1y.")
        var horizon: Horizon = Horizon(argument: "1y")!
        @Option(help: "Profit margin applied to spend.")
        var margin: Double = 1
        @Option(help: "Annual discount rate for CLV (0.1 = 10% a year).")
        var discountRate: Double = 0.1
        @Option(help: "End of observation (YYYY-MM-DD). Default: the last transaction date.")
        var observationEnd: CalendarDay?
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard margin.isFinite, discountRate.isFinite, discountRate > -1 else {
                throw ValidationError("--margin must be finite and --discount-rate > -1.")
            }
        }

        func run() throws {
            try withExitCodes {
                guard let data = FileManager.default.contents(atPath: modelFile) else { throw IngestError.fileNotFound(path: modelFile) }
                let file = try ModelFile.decode(data)
                guard let model = try file.transactionModel() else {
                    throw ModelError.unusableModel(model: file.displayName, reason: "clv predict needs a transaction model (bgnbd, mbgnbd, pnbd) in the model file.")
                }
                let spend = try file.gammaGamma()
                let frequency = PeriodFrequency(rawValue: file.data.frequency) ?? .day
                let progress = ProgressLine("reading \(input.input)", quiet: output.quiet)
                let (t, _) = try TransactionLogReader.summarize(
                    path: input.input, options: input.ingestOptions,
                    summary: SummaryOptions(frequency: frequency, timeUnit: file.timeUnit, observationEnd: observationEnd),
                    progress: { progress.update(done: $0, total: $1) })
                progress.finish()
                let h = horizon.value(in: file.timeUnit)
                let clvOptions = LifetimeValueOptions(horizonDays: horizon.days(modelUnit: file.timeUnit),
                                                      annualDiscountRate: discountRate, margin: margin)
                let scoring = Date()
                let scores = model.score(frequency: t.repeatPurchases, recency: t.recency, age: t.age,
                                         monetaryValue: t.hasMonetary ? t.monetaryValue : nil, horizon: h, spend: spend,
                                         timeUnit: file.timeUnit, lifetimeValue: clvOptions)
                if ProcessInfo.processInfo.environment["CLVKIT_TIMING"] != nil {
                    printError("timing: scored \(t.count) customers in \(Date().timeIntervalSince(scoring)) s")
                }
                let out = try OutputFile(path: output.output)
                var w = ByteWriter(capacity: 1 << 20)
                if output.format == .csv { w.append("customer_id,expected_purchases,p_alive,expected_spend,clv\n") }
                for i in 0..<t.count {
                    let expected = scores.expectedTransactions[i], alive = scores.probabilityAlive[i]
                    let spendValue = scores.expectedSpend?[i], clv = scores.lifetimeValue?[i]
                    if output.format == .csv {
                        w.appendCSVField(t.customerIDs[i])
                        w.append(byte: 0x2C); w.append(expected)
                        w.append(byte: 0x2C); w.append(alive)
                        w.append(byte: 0x2C); if let spendValue { w.append(spendValue) }
                        w.append(byte: 0x2C); if let clv { w.append(clv) }
                        w.append(byte: 0x0A)
                    } else {
                        w.append("{\"customer_id\":"); w.appendJSONString(t.customerIDs[i])
                        w.append(",\"expected_purchases\":"); w.append(expected)
                        w.append(",\"p_alive\":"); w.append(alive)
                        w.append(",\"expected_spend\":"); if let spendValue { w.append(spendValue) } else { w.append("null") }
                        w.append(",\"clv\":"); if let clv { w.append(clv) } else { w.append("null") }
                        w.append("}\n")
                    }
                    if w.count > 1 << 20 { try out.write(w); w.removeAll() }
                }
                try out.write(w)
                try out.commit()
            }
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit on a calibration period and compare predictions with the holdout period.",
            discussion: """
            Reports, per model, predicted and actual holdout purchases in total and by calibration \
            frequency (0, 1, …, 7+), and the per-customer mean absolute and root mean squared errors.

            Example: clv validate CDNOW_sample.txt --no-header --customer 2 --date 3 --amount 5 \\
                       --time-unit week --calibration-end 1997-09-30 --model auto
            """)

        @OptionGroup var input: InputOptions
        @OptionGroup var summary: SummaryFlags
        @Option(help: "Model to validate: bgnbd, mbgnbd, pnbd, or auto (all three).")
        var model: FitModelKind = .auto
        @Option(help: "L2 penalty on the parameters.")
        var penalizer: Double = 0
        @Option(help: "Report format: text or json.")
        var format: ReportFormat = .text
        @Option(name: .shortAndLong, help: "Report file (written atomically); default: standard output.")
        var output: String?
        @Flag(name: .shortAndLong, help: "No progress on stderr.")
        var quiet = false

        enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

        func validate() throws {
            guard summary.calibrationEnd != nil else { throw ValidationError("clv validate needs --calibration-end.") }
            guard [.bgnbd, .mbgnbd, .pnbd, .auto].contains(model) else {
                throw ValidationError("clv validate compares bgnbd, mbgnbd and pnbd (or auto for all three).")
            }
        }

        func run() throws {
            try withExitCodes {
                let progress = ProgressLine("reading \(input.input)", quiet: quiet)
                let (t, _) = try TransactionLogReader.summarize(path: input.input, options: input.ingestOptions,
                                                                summary: summary.summaryOptions,
                                                                progress: { progress.update(done: $0, total: $1) })
                progress.finish()
                let cells = try ModelRunner.cells(t)
                let kinds = model == .auto ? TransactionModelKind.allCases : [TransactionModelKind(rawValue: model.rawValue)!]
                var results: [HoldoutValidation] = []
                var fits: [FitReport] = []
                for kind in kinds {
                    let (m, report) = try ModelRunner.fit(kind, cells, options: FitOptions(penalizer: penalizer))
                    results.append(try HoldoutValidation(model: m, frequency: t.repeatPurchases, recency: t.recency, age: t.age,
                                                         holdoutFrequency: t.holdoutFrequency!, holdoutLength: t.holdoutDuration!))
                    fits.append(report)
                }
                let data: Data
                if format == .json {
                    struct Report: Encodable { let timeUnit: String; let calibrationEnd: String; let holdoutEnd: String; let models: [HoldoutValidation]; let fits: [FitReport] }
                    let encoder = JSONEncoder()
                    encoder.keyEncodingStrategy = .convertToSnakeCase
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
                    data = try encoder.encode(Report(timeUnit: t.timeUnit.rawValue, calibrationEnd: t.calibrationEnd!.description,
                                                     holdoutEnd: t.holdoutEnd!.description, models: results, fits: fits))
                } else {
                    var lines = ["Calibration to \(t.calibrationEnd!), holdout to \(t.holdoutEnd!) (\(ModelRunner.format(t.holdoutDuration!)) \(t.timeUnit.plural)), \(t.count) customers.", ""]
                    lines.append("model        LL          holdout actual  predicted   MAE      RMSE")
                    for (v, f) in zip(results, fits) {
                        lines.append("\(v.model.padding(toLength: 11, withPad: " ", startingAt: 0))  \(String(format: "%-10.1f", f.logLikelihood))  \(String(format: "%-14.0f", v.actualTotal))  \(String(format: "%-10.1f", v.predictedTotal))  \(String(format: "%-7.4f", v.meanAbsoluteError))  \(String(format: "%.4f", v.rootMeanSquaredError))")
                    }
                    lines += ["", "Mean holdout purchases by calibration repeat purchases:"]
                    lines.append("x     customers  actual  " + results.map { $0.model.padding(toLength: 10, withPad: " ", startingAt: 0) }.joined())
                    for k in 0..<8 {
                        let b = results[0].buckets[k]
                        lines.append("\(k == 7 ? "7+" : String(k))".padding(toLength: 6, withPad: " ", startingAt: 0)
                                     + String(b.customers).padding(toLength: 11, withPad: " ", startingAt: 0)
                                     + String(format: "%-8.3f", b.actual)
                                     + results.map { String(format: "%-10.3f", $0.buckets[k].predicted) }.joined())
                    }
                    data = Data(lines.joined(separator: "\n").utf8)
                }
                try ModelRunner.write(data, to: output)
            }
        }
    }
}
