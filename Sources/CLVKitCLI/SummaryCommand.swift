import CLVIO
import ArgumentParser
import Foundation
import CLVKit
import Foundation

extension CLV {
    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "summary",
            abstract: "Per-customer frequency, recency, T and monetary value (lifetimes' summary), and a holdout split.",
            discussion: """
            Columns follow the lifetimes package: customer_id, frequency, recency, T, monetary_value (with \
            --calibration-end: frequency_cal … T_cal, monetary_value_cal, frequency_holdout, \
            monetary_value_holdout, duration_holdout), then first_purchase, last_purchase, orders, \
            total_spend, mean_spend (+ total_quantity, acquisition_channel, channel_count).

            Examples:
              clv summary Examples/transactions.csv
              clv summary CDNOW_sample.txt --no-header --customer 2 --date 3 --amount 5 --time-unit week
              clv summary orders.csv --calibration-end 2024-06-30 --format jsonl -o summary.jsonl
            """)

        @OptionGroup var input: InputOptions
        @OptionGroup var summary: SummaryFlags
        @OptionGroup var output: OutputOptions
        @Option(help: "Also write the data-quality report as JSON to this file.")
        var reportJSON: String?
        @Option(help: ArgumentHelp("How to compute: streaming (fast, default) or history (customer histories, as the store keeps them; for cross-checks).",
                                   valueName: "engine"))
        var engine: SummaryEngine = .streaming

        enum SummaryEngine: String, ExpressibleByArgument, CaseIterable { case streaming, history }

        func run() throws {
            try withExitCodes {
                try checkOutputs(output.output, reportJSON)
                let progress = ProgressLine("reading \(input.input)", quiet: output.quiet)
                // The lines go straight from the per-customer statistics to the file (no table in between).
                let out = try output.openFile(output.output)
                let report: IngestReport
                switch engine {
                case .streaming:
                    report = try TransactionLogReader.writeSummary(
                        path: try input.readablePath(), options: input.ingestOptions, summary: summary.summaryOptions,
                        format: output.format.table, to: out, progress: { progress.update(done: $0, total: $1) })
                case .history:
                    let (table, read, book) = try TransactionLogReader.summarizeWithHistories(
                        path: try input.readablePath(), options: input.ingestOptions, summary: summary.summaryOptions,
                        progress: { progress.update(done: $0, total: $1) })
                    try SummaryWriter.write(table, format: output.format.table, to: out)
                    report = read
                    if ProcessInfo.processInfo.environment["CLVKIT_TIMING"] != nil {
                        printError("history: \(book.count) customers, estimated \(book.estimatedByteCount) bytes")
                    }
                }
                progress.finish()
                try out.commit()
                try output.finishExcel()
                printTimings(report)
                if ProcessInfo.processInfo.environment["CLVKIT_TIMING"] != nil {
                    printError("timing: open+ingest+write \(report.seconds) s (report)")
                }
                if let reportJSON {
                    let file = try OutputFile(path: reportJSON)
                    // snake_case keys, as in summary.json of clv analyze; a workbook's sheet named as the file.
                    try file.write(Array(try reportJSONEncoder().encode(ExcelInputs.shared.relabel(report))) + [0x0A])
                    try file.commit()
                }
                if !output.quiet {
                    for line in report.lines(.en) { printError("clv: \(line)") }
                }
            }
        }
    }
}
