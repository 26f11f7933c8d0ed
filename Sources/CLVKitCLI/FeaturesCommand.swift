import ArgumentParser
import CLVKit
import Foundation

extension CLV {
    struct Features: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "features",
            abstract: "Churn / next-purchase features and labels per customer at one or several cutoffs.",
            discussion: """
            Columns: customer_id, cutoff, label (when the data reach cutoff + horizon), then recency_days, \
            tenure_days, purchase_days, purchases_per_year, net_spend, spend_per_purchase_day, returns_share, \
            gap_mean_days, gap_cv, overdue_ratio, purchases/spend in the last and previous --trend-days, \
            trend, quantity_per_purchase_day (quantity column), channel_count and channel_share_<name> \
            (channel column), p_alive and expected_purchases (--model-scores). Only rows on or before a \
            cutoff enter its features.

            Example: clv features orders.csv --cutoff 2025-03-31 --rolling 4 --step 90d -o features.csv
            """)

        @OptionGroup var input: InputOptions
        @Option(help: "Cutoff date (default: the data end − horizon).")
        var cutoff: CalendarDay?
        @OptionGroup var churn: ChurnOptions
        @Option(help: "This many cutoffs, --step apart, ending at --cutoff.")
        var rolling: Int = 1
        @Option(help: "Distance between cutoffs.")
        var step: Horizon = Horizon(argument: "90d")!
        @OptionGroup var output: OutputOptions

        func run() throws {
            try withExitCodes {
                try checkOutputs(output.output)
                let (rows, ingest) = try readRows(input, quiet: output.quiet)
                let dataEnd = ingest.lastDate!
                let last = cutoff ?? dataEnd.adding(days: -churn.horizonDays)
                let stepDays = Int(step.days(modelUnit: .day).rounded())
                let cutoffs = (0..<max(rolling, 1)).map { last.adding(days: -$0 * stepDays) }.reversed()
                let builder = FeatureBuilder(rows: rows, dataEnd: dataEnd, options: churn.featureOptions, modelScores: churn.modelKind)
                let sets = try cutoffs.map { try builder.set(at: $0) }
                let names = sets.last!.features.names
                var table = TableOutput(columns: ["customer_id", "cutoff", "label"] + names, format: output.format,
                                        file: try output.open(output.output))
                for set in sets {
                    let f = try FeatureBuilder.align(set.features, to: names)
                    let cut = set.cutoff.description
                    for i in 0..<f.rowCount {
                        try table.row([.text(set.customerIDs[i]), .text(cut), set.labels.map { .integer(Int($0[i])) } ?? .missing]
                                      + (0..<f.columnCount).map { .number(f[i, $0]) })
                    }
                }
                try table.finish()
                if !output.quiet {
                    printError("clv: \(sets.map(\.customerIDs.count).reduce(0, +)) rows at \(cutoffs.map(\.description).joined(separator: ", ")); label = \(churn.target.rawValue) within \(churn.horizonDays) days")
                }
            }
        }
    }
}
