import ArgumentParser
import CLVKit
import Foundation
import _CLVUtilities

extension ClassifierKind: ExpressibleByArgument {}

/// Options shared by the `clv churn` subcommands and `clv features`.
struct ChurnOptions: ParsableArguments {
    @Option(help: "Label horizon after the cutoff: 90d, 13w, 6m, …")
    var horizon: Horizon = Horizon(argument: "39w")!
    @Option(help: "Label: churn (no purchase in the horizon) or purchase (at least one).")
    var target: PredictionTarget = .churn
    @Option(help: "Trend window in days (purchases in the last N days against the N before).")
    var trendDays: Int = 90
    @Option(help: "Channel-mix columns for at most this many channels.")
    var maxChannels: Int = 5
    @Option(help: "Buy-till-you-die model whose P(alive) and expected purchases are features: bgnbd, mbgnbd, pnbd or none.")
    var modelScores: String = "mbgnbd"

    func validate() throws {
        guard !horizon.isInfinite, horizon.days(modelUnit: .day) >= 1 else { throw ValidationError("--horizon must be at least a day.") }
        guard trendDays >= 1, maxChannels >= 0 else { throw ValidationError("--trend-days must be positive and --max-channels ≥ 0.") }
        guard modelScores == "none" || TransactionModelKind(rawValue: modelScores) != nil else {
            throw ValidationError("--model-scores must be bgnbd, mbgnbd, pnbd or none.")
        }
    }

    var horizonDays: Int { Int(horizon.days(modelUnit: .day).rounded()) }
    var featureOptions: FeatureOptions {
        FeatureOptions(horizonDays: horizonDays, target: target, trendDays: trendDays, maxChannels: maxChannels)
    }
    var modelKind: TransactionModelKind? { TransactionModelKind(rawValue: modelScores) }
}

extension PredictionTarget: ExpressibleByArgument {}

/// Reads the log's rows (for features), with progress.
func readRows(_ input: InputOptions, quiet: Bool) throws -> (TransactionRows, IngestReport) {
    let progress = ProgressLine("reading \(input.input)", quiet: quiet)
    defer { progress.finish() }
    return try TransactionLogReader.rows(path: try input.readablePath(), options: input.ingestOptions,
                                         progress: { progress.update(done: $0, total: $1) })
}
