import ArgumentParser
import CLVKit
import Foundation

extension CLV {
    struct Fit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fit",
            abstract: "Fit a customer-base model to a transaction log and save it as a JSON model file.",
            discussion: """
            Models: bgnbd (Fader, Hardie & Lee 2005), mbgnbd (Batislam et al. 2007), pnbd (Pareto/NBD), \
            bgbb (discrete opportunities: one per --freq period), sbg (contracts: the input is a list of \
            active-customer counts per period, one per line), gg (Gamma-Gamma spend), auto (fits bgnbd, \
            mbgnbd and pnbd; picks by holdout error with --calibration-end, else by AIC, then refits the \
            winner on all data).

            Examples:
              clv fit Examples/transactions.csv --model bgnbd --spend-model gg --time-unit week -o model.json
              clv fit orders.csv --model auto --calibration-end 2024-06-30 -o model.json
              clv fit cohort.txt --model sbg
            """)

        @OptionGroup var input: InputOptions
        @OptionGroup var summary: SummaryFlags
        @Option(help: "Model: bgnbd, mbgnbd, pnbd, bgbb, sbg, gg, auto.")
        var model: FitModelKind = .bgnbd
        @Option(help: "Also fit a spend model on the same customers: gg.")
        var spendModel: SpendModelKind?
        @Option(help: "L2 penalty on the parameters (lifetimes' convention: penalizer × Σθ² added to the mean negative log-likelihood). Write negative values as --penalizer=-1.")
        var penalizer: Double = 0
        @Option(name: .shortAndLong, help: "Model file to write (atomically); default: standard output.")
        var output: String?
        @Flag(name: .shortAndLong, help: "No notes on stderr.")
        var quiet = false

        func validate() throws {
            guard penalizer.isFinite, penalizer >= 0 else {
                throw ValidationError("--penalizer must be a finite number ≥ 0 (got \(penalizer)).")
            }
        }

        func run() throws {
            try withExitCodes {
                try checkOutputs(output)
                let options = FitOptions(penalizer: penalizer)
                let file: ModelFile
                switch model {
                case .sbg: file = try fitCohort(options)
                case .bgbb: file = try fitBGBB(options)
                case .gg: file = try fitSpendOnly(options)
                case .auto: file = try fitAuto(options)
                case .bgnbd, .mbgnbd, .pnbd: file = try fitTransactionModel(TransactionModelKind(rawValue: model.rawValue)!, options)
                }
                try ModelRunner.write(try file.encoded(), to: output)
                if !quiet {
                    for line in ModelRunner.describe(file.fit, timeUnit: file.timeUnit) { printError(line) }
                    if let s = file.spendModel { for line in ModelRunner.describe(s, timeUnit: nil) { printError(line) } }
                    if let sel = file.selection { printError("chose \(sel.chosen): \(sel.reason)") }
                }
            }
        }

        func table(_ summaryOptions: SummaryOptions? = nil) throws -> SummaryTable {
            let progress = ProgressLine("reading \(input.input)", quiet: quiet)
            defer { progress.finish() }
            return try TransactionLogReader.summarize(path: try input.readablePath(), options: input.ingestOptions,
                                                      summary: summaryOptions ?? summary.summaryOptions,
                                                      progress: { progress.update(done: $0, total: $1) }).0
        }

        func spendEntry(_ t: SummaryTable, _ options: FitOptions) throws -> ModelFile.Entry? {
            guard spendModel == .gg else { return nil }
            guard t.hasMonetary else { throw ModelError.invalidData("--spend-model gg needs an amount column.") }
            let cells = try GammaGammaModel.SpendCells(frequency: t.repeatPurchases.map(Double.init), meanValue: t.monetaryValue)
            let (_, report) = try GammaGammaModel.fit(cells, options: options)
            return ModelFile.Entry(kind: .gg, report: report, frequencySpendCorrelation: cells.frequencySpendCorrelation)
        }

        func fitTransactionModel(_ kind: TransactionModelKind, _ options: FitOptions) throws -> ModelFile {
            let t = try table()
            let cells = try ModelRunner.cells(t)
            let (_, report) = try ModelRunner.fit(kind, cells, options: options)
            return ModelFile(fit: .init(kind: kind.modelKind, report: report), spendModel: try spendEntry(t, options),
                             timeUnit: t.timeUnit, data: ModelRunner.dataSummary(t, distinct: cells.count, source: input.input))
        }

        func fitSpendOnly(_ options: FitOptions) throws -> ModelFile {
            let t = try table()
            guard t.hasMonetary else { throw ModelError.invalidData("--model gg needs an amount column.") }
            let cells = try GammaGammaModel.SpendCells(frequency: t.repeatPurchases.map(Double.init), meanValue: t.monetaryValue)
            let (_, report) = try GammaGammaModel.fit(cells, options: options)
            return ModelFile(fit: .init(kind: .gg, report: report, frequencySpendCorrelation: cells.frequencySpendCorrelation),
                             spendModel: nil, timeUnit: t.timeUnit,
                             data: ModelRunner.dataSummary(t, distinct: cells.count, source: input.input))
        }

        func fitBGBB(_ options: FitOptions) throws -> ModelFile {
            // One opportunity per --freq period: x, tₓ and n are counted in periods.
            let unit: TimeUnit = summary.freq == .day ? .day : summary.freq == .week ? .week : .month
            var so = summary.summaryOptions
            so.timeUnit = unit
            let t = try table(so)
            var xs: [Int] = [], txs: [Int] = [], ns: [Int] = []
            for i in 0..<t.count where t.age[i] >= 1 {
                xs.append(Int(t.repeatPurchases[i])); txs.append(Int(t.recency[i].rounded())); ns.append(Int(t.age[i].rounded()))
            }
            let patterns = try BGBBModel.Patterns(frequency: xs, recency: txs, opportunities: ns,
                                                  weights: [Double](repeating: 1, count: xs.count))
            let (_, report) = try BGBBModel.fit(patterns, options: options)
            return ModelFile(fit: .init(kind: .bgbb, report: report), spendModel: try spendEntry(t, options), timeUnit: unit,
                             data: ModelRunner.dataSummary(t, distinct: patterns.count, source: input.input))
        }

        func fitCohort(_ options: FitOptions) throws -> ModelFile {
            let text: String
            if input.input == "-" {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            } else {
                guard let data = FileManager.default.contents(atPath: input.input) else {
                    throw IngestError.fileNotFound(path: input.input)
                }
                text = String(decoding: data, as: UTF8.self)
            }
            var counts: [Double] = []
            for (n, raw) in text.split(whereSeparator: \.isNewline).enumerated() {
                let field = raw.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\t" || $0 == " " }).last.map(String.init) ?? ""
                if let v = Double(field) { counts.append(v) } else if n > 0 || !counts.isEmpty {
                    throw IngestError.dataProblems(file: input.input, problems: [DataProblem(kind: .badAmount, line: n + 1, column: "",
                        value: String(raw), message: "is not a count of active customers")], total: 1)
                }
            }
            let cohort = try ShiftedBetaGeometricModel.Cohort(active: counts)
            let (_, report) = try ShiftedBetaGeometricModel.fit([cohort], options: options)
            let summary = ModelFile.DataSummary(customers: Int(counts[0]), repeatCustomers: Int(counts.last!), distinctHistories: counts.count,
                                                frequency: "period", observationEnd: nil, calibrationEnd: nil, source: input.input)
            return ModelFile(fit: .init(kind: .sbg, report: report), spendModel: nil, timeUnit: summary.frequency == "period" ? self.summary.timeUnit : .day,
                             data: summary)
        }

        func fitAuto(_ options: FitOptions) throws -> ModelFile {
            let t = try table()
            let holdout = t.holdoutFrequency.map {
                ModelSelector.Holdout(frequency: t.repeatPurchases, recency: t.recency, age: t.age, holdoutFrequency: $0,
                                      length: t.holdoutDuration!)
            }
            let outcome = try ModelSelector.choose(cells: try ModelRunner.cells(t), holdout: holdout, options: options)
            var selection = outcome.selection
            var final = t, finalReport = outcome.report
            if holdout != nil {
                // Refit the winner on all data for forward-looking use.
                var all = summary.summaryOptions
                all.calibrationEnd = nil
                all.observationEnd = t.holdoutEnd
                final = try table(all)
                finalReport = try ModelRunner.fit(outcome.kind, try ModelRunner.cells(final), options: outcome.options).1
                selection.reason += "; refitted on all data"
            }
            return ModelFile(fit: .init(kind: outcome.kind.modelKind, report: finalReport), spendModel: try spendEntry(final, options),
                             selection: selection, timeUnit: final.timeUnit,
                             data: ModelRunner.dataSummary(final, distinct: finalReport.distinctHistories, source: input.input))
        }
    }
}
