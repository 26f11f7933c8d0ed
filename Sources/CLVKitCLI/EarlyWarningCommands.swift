import ArgumentParser
import CLVKit
import Foundation

extension CLV.Churn {
    struct Alerts: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "alerts",
            abstract: "Key-indicator alerts: overdue against the customer's own rhythm, spend drop, frequency drop.",
            discussion: """
            One row per alert: customer_id, indicator (overdue, spend_drop, frequency_drop), value, threshold, \
            reason. The trend windows are the last --trend-days before the as-of date and the ones before.
            """)
        @OptionGroup var input: InputOptions
        @Option(help: "Evaluate as of this date (default: the data end).")
        var cutoff: CalendarDay?
        @Option(help: "Trend window in days.")
        var trendDays: Int = 90
        @Option(help: "Alert when silent for more than this multiple of the usual gap.")
        var overdueMultiple: Double = 2
        @Option(help: "Alert when spend fell by at least this share between the trend windows.")
        var spendDrop: Double = 0.5
        @Option(help: "Alert when purchase days fell by at least this share between the trend windows.")
        var frequencyDrop: Double = 0.5
        @OptionGroup var output: OutputOptions

        func run() throws {
            try withExitCodes {
                try checkOutputs(output.output)
                let (rows, ingest) = try readRows(input, quiet: output.quiet)
                let at = cutoff ?? ingest.lastDate!
                let (alerts, customers) = try AlertScan.run(rows, at: at, trendDays: trendDays,
                                                            rules: AlertRules(overdueMultiple: overdueMultiple, spendDrop: spendDrop,
                                                                              frequencyDrop: frequencyDrop))
                var table = TableOutput(columns: ["customer_id", "indicator", "value", "threshold", "reason"], format: output.format,
                                        file: try output.open(output.output))
                for a in alerts {
                    try table.row([.text(a.customer), .text(a.indicator.rawValue), .number(a.value), .number(a.threshold), .text(a.reason)])
                }
                try table.finish()
                if !output.quiet {
                    let counts = Dictionary(grouping: alerts, by: \.indicator).mapValues(\.count)
                    printError("clv: \(alerts.count) alerts for \(Set(alerts.map(\.customer)).count) of \(customers) customers as of \(at): "
                               + Alert.Indicator.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", "))
                }
            }
        }
    }

    struct Deviations: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "deviations",
            abstract: "Customers whose purchases in the recent window deviate from their own history or from the model.",
            discussion: """
            Expected purchase days in the last --window: from the customer's own rate before the window, and \
            from MBG/NBD fitted on the data before the window. Reports |z| ≥ --threshold with z = (actual − \
            expected)/√expected, largest first, skipping expectations below --minimum-expected.
            """)
        @OptionGroup var input: InputOptions
        @Option(help: "Recent window.")
        var window: Horizon = Horizon(argument: "90d")!
        @Option(help: "End of the window (default: the data end).")
        var cutoff: CalendarDay?
        @Option(help: "Report |z| at or above this.")
        var threshold: Double = 2
        @Option(help: "Skip customers expected to make fewer purchase days than this.")
        var minimumExpected: Double = 0.5
        @OptionGroup var output: OutputOptions

        func run() throws {
            try withExitCodes {
                try checkOutputs(output.output)
                let (rows, ingest) = try readRows(input, quiet: output.quiet)
                let end = cutoff ?? ingest.lastDate!
                let scan = try DeviationScan.run(rows, windowDays: Int(window.days(modelUnit: .day).rounded()), end: end,
                                                 threshold: threshold, minimumExpected: minimumExpected)
                let found = scan.deviations
                var table = TableOutput(columns: ["customer_id", "basis", "actual", "expected", "z_score", "reason"], format: output.format,
                                        file: try output.open(output.output))
                for d in found {
                    try table.row([.text(d.customer), .text(d.basis.rawValue), .number(d.actual), .number(d.expected), .number(d.zScore), .text(d.reason)])
                }
                try table.finish()
                if !output.quiet { printError("clv: \(found.count) deviations in \(scan.start) … \(scan.end) among \(scan.customers) customers") }
            }
        }
    }

    struct SimilarValue: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "similar-value",
            abstract: "Similar-customer value prediction (k nearest neighbours), evaluated against the model-based value on a holdout.",
            discussion: """
            References: the customers at cutoff − horizon with their features then and their realized spend \
            in the following horizon. Each customer at the cutoff gets the mean realized spend of its --k \
            nearest references (standardized features). The model-based value is MBG/NBD expected purchases \
            × Gamma-Gamma expected spend, fitted before the cutoff. Both are compared with the realized \
            spend after the cutoff (when the data reach it); per-customer predictions go to --output.
            """)
        @OptionGroup var input: InputOptions
        @Option(help: "Cutoff (default: the data end − horizon, so the prediction can be checked).")
        var cutoff: CalendarDay?
        @Option(help: "Value horizon.")
        var horizon: Horizon = Horizon(argument: "26w")!
        @Option(help: "Neighbours.")
        var k: Int = 20
        @Option(help: "Reference customers sampled at most (the search is exact among them).")
        var maxReferences: Int = 20_000
        @Option var seed: UInt64 = 1
        @OptionGroup var output: OutputOptions

        func run() throws {
            try withExitCodes {
                try checkOutputs(output.output)
                let (rows, ingest) = try readRows(input, quiet: output.quiet)
                let result = try SimilarValuePrediction.run(rows, dataEnd: ingest.lastDate!, options: SimilarValueOptions(
                    cutoff: cutoff, horizonDays: Int(horizon.days(modelUnit: .day).rounded()), neighbours: k, maxReferences: maxReferences,
                    seed: seed))
                if let why = result.spendModelNote, !output.quiet { printError("clv: \(why): model_value is left empty") }
                var table = TableOutput(columns: ["customer_id", "similar_customer_value", "model_value", "realized_value"], format: output.format,
                                        file: try output.open(output.output))
                for i in result.customerIDs.indices {
                    try table.row([.text(result.customerIDs[i]), .number(result.similarCustomerValue[i]),
                                   result.modelValue.map { .number($0[i]) } ?? .missing, result.realizedValue.map { .number($0[i]) } ?? .missing])
                }
                try table.finish()
                if !output.quiet {
                    for (name, a) in result.accuracy {
                        printError(String(format: "clv: %@: MAE %.2f, RMSE %.2f, correlation %.3f, top 10%% by prediction hold %.0f%% of realized value",
                                          name, a.meanAbsoluteError, a.rootMeanSquaredError, a.correlation, 100 * a.topDecileValueShare))
                    }
                }
            }
        }
    }
}
