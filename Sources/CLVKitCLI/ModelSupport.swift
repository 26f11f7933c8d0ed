import CLVIO
import ArgumentParser
import CLVKit
import Foundation

/// Models `clv fit` can fit.
enum FitModelKind: String, ExpressibleByArgument, CaseIterable {
    case bgnbd, mbgnbd, pnbd, bgbb, sbg, gg, auto
}

/// Spend models.
enum SpendModelKind: String, ExpressibleByArgument, CaseIterable {
    case gg
}

/// A forecast horizon on the command line: a number in the model's time unit, or with a unit suffix
/// (`90d`, `13w`, `12m`, `1y`), or `infinite`; parsed by the library's ``ScoringHorizon``.
typealias Horizon = ScoringHorizon

extension ScoringHorizon: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }

    /// As typed: `1y`, `39w`, `infinite`.
    public var defaultValueDescription: String { description }
}

/// Fitting and reporting shared by `fit`, `validate` and (later) `analyze`.
enum ModelRunner {
    static func cells(_ t: SummaryTable) throws -> RFMCells {
        try RFMCells(frequency: t.repeatPurchases.map(Double.init), recency: t.recency, age: t.age)
    }

    static func fit(_ kind: TransactionModelKind, _ cells: RFMCells, options: FitOptions) throws -> (any TransactionModel, FitReport) {
        let (model, report) = try kind.modelType.fit(cells: cells, options: options)
        printTiming(report)
        return (model, report)
    }

    static func dataSummary(_ t: SummaryTable, distinct: Int, source: String) -> ModelFile.DataSummary {
        ModelFile.DataSummary(customers: t.count, repeatCustomers: t.repeatPurchases.filter { $0 > 0 }.count,
                              distinctHistories: distinct, frequency: t.frequency.rawValue,
                              observationEnd: t.observationEnd.description, calibrationEnd: t.calibrationEnd?.description,
                              source: source)
    }

    /// A readable account of a fit, one line each.
    static func describe(_ entry: ModelFile.Entry, timeUnit: TimeUnit?) -> [String] {
        var lines = ["\(entry.displayName)\(timeUnit.map { " (time unit: \($0.rawValue))" } ?? ""): log-likelihood \(format(entry.logLikelihood)), AIC \(format(entry.aic)), BIC \(format(entry.bic)); \(entry.method), \(entry.iterations) iterations, \(String(format: "%.3f", entry.seconds)) s"]
        for name in entry.parameterOrder {
            let ci = entry.intervals95[name] ?? [.nan, .nan]
            lines.append("  \(name.padding(toLength: 6, withPad: " ", startingAt: 0)) \(format(entry.parameters[name] ?? .nan))  (SE \(format(entry.standardErrors[name] ?? .nan)), 95% \(format(ci[0]))–\(format(ci[1])))")
        }
        if let r = entry.frequencySpendCorrelation {
            lines.append("  frequency–spend correlation \(format(r))\(abs(r) > 0.3 ? " (strong: the Gamma-Gamma independence assumption is doubtful)" : "")")
        }
        return lines
    }

    static func format(_ v: Double) -> String {
        guard v.isFinite else { return "\(v)" }
        if abs(v) >= 1000 { return String(format: "%.1f", v) }
        return String(format: "%.4g", v)
    }

    /// Writes text to a file atomically, or to stdout.
    static func write(_ data: Data, to path: String?) throws {
        let out = try OutputFile(path: path)
        try out.write(Array(data))
        if data.last != 0x0A { try out.write([0x0A]) }
        try out.commit()
    }
}
