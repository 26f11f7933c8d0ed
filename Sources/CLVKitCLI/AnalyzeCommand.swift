import CLVCore
import CLVIO
import ArgumentParser
import CLVKit
import Foundation

extension CLV {
    struct Analyze: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "analyze",
            abstract: "The main job: from a transaction log to scored customers, a chosen model and headline figures.",
            discussion: """
            Reads the log (all ingest flags), splits it into calibration and holdout when the history is \
            long enough (at least 180 days: the last third is the holdout; or --calibration-end), fits \
            BG/NBD, MBG/NBD and Pareto/NBD and picks the one that predicted the holdout best (else by AIC), \
            refits it and the Gamma-Gamma spend model on all data, and scores every customer.

            Writes into --output: customers.csv (one row per customer: the summary, P(alive), expected \
            purchases in the next 30, 90 and 365 days, expected spend, CLV over --horizon, value decile), \
            model.json (the chosen model, its evidence and the spend model) and summary.json (data quality \
            and headline figures), report.html, and clv-run.json, the manifest that ties them into one \
            run: every file is written completely first, then all are renamed into place, the manifest \
            last. Each file carries the run id (clv-run.json lists it with each file's size and SHA-256); \
            clv report refuses a directory whose files mix runs. Other files in --output are left alone.

            Example: clv analyze Examples/transactions.csv --output out/
            """)

        @OptionGroup var input: InputOptions
        @Option(help: "Period in which purchases are counted: day, week, month.")
        var freq: PeriodFrequency = .day
        @Option(help: "Model time unit: day, week, month, year.")
        var timeUnit: TimeUnit = .week
        @Option(help: "End of the calibration period (default: chosen automatically).")
        var calibrationEnd: CalendarDay?
        @Option(help: "End of observation (default: the last transaction date).")
        var observationEnd: CalendarDay?
        @Option(help: "CLV horizon: 90d, 12m, 1y, 5y, …")
        var horizon: Horizon = Horizon(argument: "1y")!
        @OptionGroup var value: ValueOptions
        @Option(help: "L2 penalty on the parameters.")
        var penalizer: Double = 0
        @Option(name: .shortAndLong, help: "Output directory (created if needed).")
        var output: String = "clv-output"
        @Option(help: "Report language: en or zh.")
        var lang: Language = .en
        @Flag(name: .shortAndLong, help: "No progress or notes on stderr.")
        var quiet = false
        @Option(help: "Format of the per-customer file: csv (customers.csv) or xlsx (customers.xlsx, an Excel workbook).")
        var format: CustomersFormat = .csv
        @Flag(help: "Start customers.csv with a UTF-8 byte order mark (for Excel, e.g. with Chinese ids or names).")
        var bom = false

        func validate() throws {
            guard penalizer >= 0, !horizon.isInfinite else {
                throw ValidationError("--penalizer must be ≥ 0 and --horizon finite.")
            }
            if let c = calibrationEnd, let o = observationEnd, c >= o {
                throw ValidationError("--calibration-end (\(c)) must be before --observation-end (\(o)).")
            }
        }

        /// The library options these flags describe.
        var analysisOptions: AnalysisOptions {
            AnalysisOptions(frequency: freq, timeUnit: timeUnit, calibrationEnd: calibrationEnd, observationEnd: observationEnd,
                            horizon: horizon, margin: value.margin, annualDiscountRate: value.discountRate, penalizer: penalizer,
                            recordTimings: ProcessInfo.processInfo.environment["CLVKIT_TIMING"] != nil)
        }

        func run() throws {
            try withExitCodes {
                let started = Date()
                // Before any work: the output directory must be creatable and writable.
                let outputs = try OutputSet(directory: output)
                let console = PipelineConsole(quiet: quiet)
                let created = ISO8601DateFormatter().string(from: Date())
                let result = try Analysis.run(try input.logSource(), options: analysisOptions, created: created, progress: console.progress)
                var mark = Date()
                func lap(_ what: String) {
                    guard analysisOptions.recordTimings else { return }
                    console.handle(.timing("analyze: write \(what) \(String(format: "%.3f", Date().timeIntervalSince(mark))) s"))
                    mark = Date()
                }
                // All files of the set are completed as temporary files, then renamed together. A workbook is
                // written from a scratch CSV of the same lines.
                let customersName = "customers.\(format.rawValue)"
                let customersPath = (output as NSString).appendingPathComponent(customersName)
                let scratch = format == .xlsx ? try ExcelOutputs.scratchPath() : nil
                defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
                let customers = try scratch.map { try OutputFile(path: $0) } ?? outputs.file(customersName)
                try result.writeCustomers(to: customers, byteOrderMark: bom && scratch == nil)
                if let scratch {
                    try customers.commit()
                    try ExcelOutputs.writeWorkbook(fromCSV: scratch, sheetName: "customers", into: try outputs.file(customersName))
                } else {
                    try customers.seal()
                }
                lap(customersName)
                let modelOut = try outputs.file("model.json")
                try modelOut.write(Array(OutputSet.stamp(json: try result.modelFile.encoded(), runID: outputs.runID)) + [0x0A])
                lap("model.json")
                let summaryFile = result.summaryFile(clvkitVersion: CLV.configuration.version, created: created,
                                                     seconds: Date().timeIntervalSince(started))
                let summaryOut = try outputs.file("summary.json")
                try summaryOut.write(Array(OutputSet.stamp(json: try reportJSONEncoder().encode(summaryFile), runID: outputs.runID)) + [0x0A])
                lap("summary.json")
                let page = try outputs.file("report.html")
                try page.write(OutputSet.stamp(html: HTMLReport.render(result.reportData, language: lang), runID: outputs.runID))
                lap("report.html")
                try outputs.commit(generatedBy: "clv analyze")
                lap("commit")
                let headline = result.headline
                console.handle(.note(String(format: "%d customers, %.0f expected to be active; total CLV %.2f (mean %.2f), top 20%% hold %.0f%% of it",
                                            headline.customers, headline.expectedActiveCustomers, headline.totalCLV, headline.meanCLV,
                                            100 * headline.top20CLVShare)))
                console.handle(.note("wrote \(customersPath), model.json, summary.json, report.html in \(String(format: "%.2f", Date().timeIntervalSince(started))) s"))
            }
        }
    }
}
