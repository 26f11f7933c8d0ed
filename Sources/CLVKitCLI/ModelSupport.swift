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

/// A forecast horizon: a number in the model's time unit, or with a unit suffix (`90d`, `13w`, `12m`, `1y`).
struct Horizon: ExpressibleByArgument, CustomStringConvertible {
    let amount: Double
    let unit: TimeUnit?

    /// `infinite`: value over the customer's whole remaining lifetime.
    var isInfinite: Bool { amount == .infinity }

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        if ["infinite", "inf", "lifetime"].contains(text) { amount = .infinity; unit = nil; return }
        let units: [(String, TimeUnit)] = [("d", .day), ("w", .week), ("m", .month), ("y", .year)]
        if let (suffix, unit) = units.first(where: { text.hasSuffix($0.0) }), let v = Double(text.dropLast(suffix.count)) {
            amount = v; self.unit = unit
        } else if let v = Double(text) {
            amount = v; unit = nil
        } else {
            return nil
        }
        guard amount.isFinite, amount > 0 else { return nil }
    }

    /// The horizon in `modelUnit`.
    func value(in modelUnit: TimeUnit) -> Double {
        guard let unit else { return amount }
        return amount * unit.days / modelUnit.days
    }

    /// The horizon in days.
    func days(modelUnit: TimeUnit) -> Double { value(in: modelUnit) * modelUnit.days }

    var description: String { unit.map { "\(amount)\($0.rawValue.prefix(1))" } ?? "\(amount)" }

    /// As typed: `1y`, `39w`, `infinite`.
    var defaultValueDescription: String {
        if isInfinite { return "infinite" }
        let number = amount == amount.rounded() && abs(amount) < 1e15 ? String(Int(amount)) : "\(amount)"
        return number + (unit.map { String($0.rawValue.prefix(1)) } ?? "")
    }
}

/// Fitting and reporting shared by `fit`, `validate` and (later) `analyze`.
enum ModelRunner {
    static func cells(_ t: SummaryTable) throws -> RFMCells {
        try RFMCells(frequency: t.repeatPurchases.map(Double.init), recency: t.recency, age: t.age)
    }

    static func fit(_ kind: TransactionModelKind, _ cells: RFMCells, options: FitOptions) throws -> (any TransactionModel, FitReport) {
        try kind.modelType.fit(cells: cells, options: options)
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
