import CLVIO
import ArgumentParser
import CLVKit
import Foundation

extension CLV {
    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "predict",
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
        @Option(help: "Forecast horizon: a number in the model's time unit, or 90d, 13w, 12m, 1y; 'infinite' values customers with the model's closed-form discounted expected residual transactions (Pareto/NBD; expected_purchases then covers one year).")
        var horizon: Horizon = Horizon(argument: "1y")!
        @Option(help: "Also give the probability of still being active this long after the end of observation (e.g. 90d); adds p_alive_after.")
        var aliveAfter: Horizon?
        @Option(help: "Add 95% intervals (…_lower, …_upper) from this many parametric-bootstrap draws of the parameters (e.g. 200); 0: none.")
        var intervals: Int = 0
        @Option(help: "Random seed for --intervals.")
        var seed: UInt64 = 1
        @OptionGroup var value: ValueOptions
        @Option(help: "End of observation (YYYY-MM-DD). Default: the last transaction date.")
        var observationEnd: CalendarDay?
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard intervals == 0 || (intervals >= 20 && intervals <= 10_000) else {
                throw ValidationError("--intervals must be 0 or between 20 and 10000 draws.")
            }
        }

        func run() throws {
            try withExitCodes {
                try checkOutputs(output.output)
                guard let data = FileManager.default.contents(atPath: modelFile) else { throw IngestError.fileNotFound(path: modelFile) }
                let fitted = try FittedModel(modelFileData: data)
                let options = ScoringOptions(horizon: horizon, annualDiscountRate: value.discountRate, margin: value.margin,
                                             aliveAfter: aliveAfter)
                if horizon.isInfinite, intervals > 0 { throw ValidationError("--intervals needs a finite --horizon.") }
                try fitted.validate(options) // usage errors before the input is read
                let progress = ProgressLine("reading \(input.input)", quiet: output.quiet)
                let (t, _) = try TransactionLogReader.summarize(
                    path: try input.readablePath(), options: input.ingestOptions,
                    summary: SummaryOptions(frequency: fitted.periodFrequency, timeUnit: fitted.timeUnit, observationEnd: observationEnd),
                    progress: { progress.update(done: $0, total: $1) })
                progress.finish()
                let scoring = Date()
                let scores = try fitted.score(customerIDs: t.customerIDs, frequency: t.repeatPurchases, recency: t.recency, T: t.age,
                                              monetaryValue: t.hasMonetary ? t.monetaryValue : nil, options: options,
                                              intervalDraws: intervals, seed: seed)
                if ProcessInfo.processInfo.environment["CLVKIT_TIMING"] != nil {
                    printError("timing: scored \(t.count) customers in \(Date().timeIntervalSince(scoring)) s")
                }
                let lifetimeValues = scores.lifetimeValue, later = scores.probabilityAliveAfter, bands = scores.intervals
                let out = try output.openFile(output.output)
                var w = ByteWriter(capacity: 1 << 20)
                if output.format.table == .csv {
                    var header = "customer_id,expected_purchases,p_alive,expected_spend,clv"
                    if later != nil { header += ",p_alive_after" }
                    if let bands {
                        header += ",expected_purchases_lower,expected_purchases_upper,p_alive_lower,p_alive_upper"
                        if bands.lifetimeValue != nil { header += ",clv_lower,clv_upper" }
                    }
                    w.append(header + "\n")
                }
                for i in 0..<t.count {
                    let expected = scores.expectedPurchases[i], alive = scores.probabilityAlive[i]
                    let spendValue = scores.expectedSpend?[i], clv = lifetimeValues?[i]
                    if output.format.table == .csv {
                        w.appendCSVField(t.customerIDs[i])
                        w.append(byte: 0x2C); w.append(expected)
                        w.append(byte: 0x2C); w.append(alive)
                        w.append(byte: 0x2C); if let spendValue { w.append(spendValue) }
                        w.append(byte: 0x2C); if let clv { w.append(clv) }
                        if let later { w.append(byte: 0x2C); w.append(later[i]) }
                        if let bands {
                            for v in [bands.expectedTransactions.lower[i], bands.expectedTransactions.upper[i],
                                      bands.probabilityAlive.lower[i], bands.probabilityAlive.upper[i]] { w.append(byte: 0x2C); w.append(v) }
                            if let lv = bands.lifetimeValue { w.append(byte: 0x2C); w.append(lv.lower[i]); w.append(byte: 0x2C); w.append(lv.upper[i]) }
                        }
                        w.append(byte: 0x0A)
                    } else {
                        w.append("{\"customer_id\":"); w.appendJSONString(t.customerIDs[i])
                        w.append(",\"expected_purchases\":"); w.append(expected)
                        w.append(",\"p_alive\":"); w.append(alive)
                        w.append(",\"expected_spend\":"); if let spendValue { w.append(spendValue) } else { w.append("null") }
                        w.append(",\"clv\":"); if let clv { w.append(clv) } else { w.append("null") }
                        if let later { w.append(",\"p_alive_after\":"); w.append(later[i]) }
                        if let bands {
                            w.append(",\"expected_purchases_lower\":"); w.append(bands.expectedTransactions.lower[i])
                            w.append(",\"expected_purchases_upper\":"); w.append(bands.expectedTransactions.upper[i])
                            w.append(",\"p_alive_lower\":"); w.append(bands.probabilityAlive.lower[i])
                            w.append(",\"p_alive_upper\":"); w.append(bands.probabilityAlive.upper[i])
                            if let lv = bands.lifetimeValue {
                                w.append(",\"clv_lower\":"); w.append(lv.lower[i]); w.append(",\"clv_upper\":"); w.append(lv.upper[i])
                            }
                        }
                        w.append("}\n")
                    }
                    if w.count > 1 << 20 { try out.write(w); w.removeAll() }
                }
                try out.write(w)
                try out.commit()
                try output.finishExcel()
            }
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
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
                try checkOutputs(output)
                let progress = ProgressLine("reading \(input.input)", quiet: quiet)
                var summaryOptions = summary.summaryOptions
                summaryOptions.trackRepeatPurchases = true
                let (t, _) = try TransactionLogReader.summarize(path: try input.readablePath(), options: input.ingestOptions,
                                                                summary: summaryOptions,
                                                                progress: { progress.update(done: $0, total: $1) })
                progress.finish()
                let kinds = model == .auto ? TransactionModelKind.allCases : [TransactionModelKind(rawValue: model.rawValue)!]
                let validation = try ModelValidation.run(t, models: kinds, options: FitOptions(penalizer: penalizer))
                for m in validation.models { printTiming(m.fit) }
                let results = validation.models.map(\.holdout), fits = validation.models.map(\.fit)
                let actualCumulative = validation.actualCumulative, start = validation.trackingStart
                let daily = actualCumulative
                var predictedCumulative: [String: [Double]] = [:]
                for m in validation.models { predictedCumulative[m.kind.modelType.displayName] = m.predictedCumulative }
                let weekly = Array(stride(from: 6, to: daily.count, by: 7))
                let data: Data
                if format == .json {
                    struct Tracking: Encodable { let day: [String]; let actual: [Double]; let predicted: [String: [Double]] }
                    struct Report: Encodable { let timeUnit: String; let calibrationEnd: String; let holdoutEnd: String; let models: [HoldoutValidation]; let fits: [FitReport]; let cumulativeRepeatPurchases: Tracking }
                    let encoder = reportJSONEncoder()
                    let tracking = Tracking(day: weekly.map { start.adding(days: $0).description }, actual: weekly.map { actualCumulative[$0] },
                                            predicted: predictedCumulative.mapValues { v in weekly.map { v[$0] } })
                    data = try encoder.encode(Report(timeUnit: t.timeUnit.rawValue, calibrationEnd: t.calibrationEnd!.description,
                                                     holdoutEnd: t.holdoutEnd!.description, models: results, fits: fits,
                                                     cumulativeRepeatPurchases: tracking))
                } else {
                    var lines = ["Calibration to \(t.calibrationEnd!), holdout to \(t.holdoutEnd!) (\(ModelRunner.format(t.holdoutDuration!)) \(t.timeUnit.plural)), \(t.count) customers.", ""]
                    lines.append("model        LL          AIC        holdout actual  predicted   MAE      RMSE")
                    for (v, f) in zip(results, fits) {
                        lines.append("\(v.model.padding(toLength: 11, withPad: " ", startingAt: 0))  \(String(format: "%-10.1f", f.logLikelihood))  \(String(format: "%-9.1f", f.aic))  \(String(format: "%-14.0f", v.actualTotal))  \(String(format: "%-10.1f", v.predictedTotal))  \(String(format: "%-7.4f", v.meanAbsoluteError))  \(String(format: "%.4f", v.rootMeanSquaredError))")
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
                    lines += ["", "Cumulative repeat purchases (tracking), every four weeks; * = holdout:"]
                    lines.append("day          actual    " + results.map { $0.model.padding(toLength: 11, withPad: " ", startingAt: 0) }.joined())
                    for k in stride(from: 27, to: daily.count, by: 28) {
                        let day = start.adding(days: k)
                        let mark = day > t.calibrationEnd! ? "*" : " "
                        lines.append("\(day)\(mark) " + String(format: "%-9.0f ", actualCumulative[k])
                                     + results.map { String(format: "%-11.1f", predictedCumulative[$0.model]![k]) }.joined())
                    }
                    data = Data(lines.joined(separator: "\n").utf8)
                }
                try ModelRunner.write(data, to: output)
            }
        }
    }
}
