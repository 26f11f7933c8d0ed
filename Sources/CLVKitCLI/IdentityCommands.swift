import ArgumentParser
import CLVCore
import CLVHistory
import CLVKit
import CLVStore
import Foundation

extension CLV {
    /// `clv identity split|report`.
    struct Identity: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "identity", abstract: "Inspect and correct identity stitching in the store.",
            subcommands: [Report.self, Split.self])

        /// `clv identity report`.
        struct Report: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "What stitching did: customers before and after, merges by rule, values blocked.")
            @OptionGroup var store: StoreOptions
            @Option(help: "text (default) or json.")
            var format: ReadFormat = .text

            func validate() throws { try store.validateLocation() }

            func run() throws {
                try withExitCodes {
                    let report = try store.open().identityReport()
                    if format == .json {
                        print(try jsonText(report))
                        return
                    }
                    func list(_ counts: [String: Int]) -> String {
                        counts.isEmpty ? "none" : counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                    }
                    print("customers: \(report.customersBefore) by the sources' ids, \(report.customersAfter) after stitching")
                    print("identifiers: \(list(report.identifiersByType))")
                    print("merges by rule: \(list(report.mergesByRule))")
                    print("links refused by a per-customer limit: \(list(report.refusedByLimit))")
                    print("blocked as shared by too many customers: \(list(report.blockedShared))")
                    print("never linked (junk values): \(list(report.junk))")
                    print("split off by hand: \(report.split)")
                }
            }
        }

        /// `clv identity split ID --identifier TYPE=VALUE`.
        struct Split: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Move one identifier, with the rows it is the customer id of, out of a customer into one of its own.")
            @Argument(help: "The customer: any of their ids or identifiers.")
            var id: String
            @Option(help: ArgumentHelp("The identifier to move out: TYPE=VALUE.", valueName: "type=value"))
            var identifier: String
            @OptionGroup var store: StoreOptions

            func validate() throws {
                try store.validateLocation()
                guard let eq = identifier.firstIndex(of: "="), eq != identifier.startIndex, identifier.index(after: eq) != identifier.endIndex else {
                    throw ValidationError("--identifier '\(identifier)': give TYPE=VALUE, e.g. --identifier openid=o6_bmjrPTlm6_2sgVt7hMZOPfL2M.")
                }
            }

            func run() throws {
                try withExitCodes {
                    let eq = identifier.firstIndex(of: "=")!
                    let outcome = try store.open().split(customer: id, type: String(identifier[..<eq]),
                                                         value: String(identifier[identifier.index(after: eq)...]))
                    print("identity split run \(outcome.runID): \(identifier) moved from \(outcome.from) to \(outcome.to); "
                          + "\(outcome.customersTouched) customers updated")
                }
            }
        }
    }

    /// `clv customer show ID`.
    struct CustomerCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "customer", abstract: "Read one customer's profile from the store.", subcommands: [Show.self])

        /// `clv customer show`.
        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "The 360° profile: identities and channels, attributes, the summary, and the last transactions.")
            @Argument(help: "Any of the customer's ids or identifiers (a canonical id, a customer id, TYPE=VALUE, a phone …).")
            var id: String
            @OptionGroup var store: StoreOptions
            @Option(help: "text (default) or json.")
            var format: ReadFormat = .text
            @Option(help: "How many of the last transactions to show.")
            var last = 10
            @Option(help: "The as-of date of the summary (default: today).")
            var asOf: String?

            func validate() throws { try store.validateLocation() }

            func run() throws {
                try withExitCodes {
                    let target = try store.open()
                    guard let profile = try target.profile(of: id, recent: last) else {
                        throw StoreError.unknownCustomer(location: target.location, id: id)
                    }
                    let asOfDay = try asOf.map { text in
                        guard let day = CalendarDay(iso: text) else { throw ValidationError("--as-of '\(text)': give a date as YYYY-MM-DD.") }
                        return day
                    } ?? CalendarDay.today
                    let summary = try profile.history?.summary(asOf: asOfDay)
                    if format == .json {
                        print(try jsonText(ProfileJSON(profile, summary: summary, asOf: asOfDay)))
                        return
                    }
                    print("customer \(profile.customerID)")
                    for held in profile.identifiers {
                        let seen = held.sources.isEmpty ? "" : " (\(held.sources.joined(separator: ", ")))"
                        print("  \(held.type) \(held.value)\(seen)\(held.junk.map { " — never linked: \($0)" } ?? "")")
                    }
                    if !profile.sources.isEmpty {
                        print("sources: " + profile.sources.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
                    }
                    if !profile.channels.isEmpty {
                        print("channels: " + profile.channels.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
                    }
                    for (name, value) in profile.attributes.sorted(by: { $0.key < $1.key }) { print("\(name): \(value)") }
                    if let summary {
                        print("summary as of \(asOfDay): frequency \(summary.frequency), recency \(summary.recency), T \(summary.T), "
                              + "monetary_value \(summary.monetaryValue), total_spend \(summary.totalSpend)")
                    }
                    for change in profile.changes {
                        print("run \(change.runID): \(change.identifier) \(change.previous) → \(change.customer)")
                    }
                    if !profile.recent.isEmpty { print("last transactions:") }
                    for t in profile.recent {
                        print("  \(t.day) \(t.kind.rawValue) \(t.amount) \(t.source ?? "")\(t.channel.map { " " + $0 } ?? "")\(t.orderID.map { " order " + $0 } ?? "")")
                    }
                }
            }
        }
    }
}

/// The format of a one-record read (`clv identity report`, `clv customer show`).
enum ReadFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json
}

/// JSON text of `value`, pretty-printed with sorted keys.
func jsonText<T: Encodable>(_ value: T) throws -> String {
    String(decoding: try reportJSONEncoder().encode(value), as: UTF8.self)
}

/// `clv customer show --format json`: the profile, with the summary under the column names of `customers.csv`.
struct ProfileJSON: Encodable {
    struct Summary: Encodable {
        var frequency: Int
        var recency: Double
        var T: Double
        var monetary_value: Double
        var total_spend: Double
        var orders: Int
        var first_purchase: String
        var last_purchase: String
        var acquisition_channel: String?
        var channel_count: Int
    }
    struct Row: Encodable {
        var date: String
        var kind: String
        var amount: Double
        var source: String?
        var channel: String?
        var order_id: String?
    }
    var customer_id: String
    var as_of: String
    var identifiers: [HeldIdentifier]
    var sources: [String: Int]
    var channels: [String: Int]
    var attributes: [String: String]
    var summary: Summary?
    var identity_changes: [IdentityChange]
    var last_transactions: [Row]

    init(_ p: CustomerProfile, summary s: HistorySummary?, asOf: CalendarDay) {
        customer_id = p.customerID
        as_of = asOf.description
        identifiers = p.identifiers
        sources = p.sources
        channels = p.channels
        attributes = p.attributes
        summary = s.map {
            Summary(frequency: $0.frequency, recency: $0.recency, T: $0.T, monetary_value: $0.monetaryValue,
                    total_spend: $0.totalSpend.doubleValue, orders: $0.orders, first_purchase: $0.firstPurchase.description,
                    last_purchase: $0.lastPurchase.description, acquisition_channel: $0.acquisitionChannel, channel_count: $0.channelCount)
        }
        identity_changes = p.changes
        last_transactions = p.recent.map {
            Row(date: $0.day.description, kind: $0.kind.rawValue, amount: $0.amount.doubleValue, source: $0.source,
                channel: $0.channel, order_id: $0.orderID)
        }
    }
}
