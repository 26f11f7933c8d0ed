import CLVCore
import CLVHistory

/// What stitching made of a store's identifiers (`clv identity report`).
public struct IdentityReport: Sendable, Hashable, Codable {
    /// Customers as the sources name them: distinct customer ids with rows.
    public var customersBefore: Int
    /// Customers after stitching: distinct canonical ids with rows.
    public var customersAfter: Int
    /// Identifiers stored, by type.
    public var identifiersByType: [String: Int]
    /// Links that joined two customers, by the type of the identifier that linked them.
    public var mergesByRule: [String: Int]
    /// Links refused by a per-customer limit, by type.
    public var refusedByLimit: [String: Int]
    /// Identifiers blocked as shared by too many customers, by type.
    public var blockedShared: [String: Int]
    /// Identifiers that never link because of their value, by reason (placeholder, not a phone number …).
    public var junk: [String: Int]
    /// Identifiers split off by `clv identity split`.
    public var split: Int

    /// A report.
    public init(customersBefore: Int, customersAfter: Int, identifiersByType: [String: Int], mergesByRule: [String: Int],
                refusedByLimit: [String: Int], blockedShared: [String: Int], junk: [String: Int], split: Int) {
        self.customersBefore = customersBefore
        self.customersAfter = customersAfter
        self.identifiersByType = identifiersByType
        self.mergesByRule = mergesByRule
        self.refusedByLimit = refusedByLimit
        self.blockedShared = blockedShared
        self.junk = junk
        self.split = split
    }
}

/// The outcome of `clv identity split`.
public struct SplitOutcome: Sendable, Hashable, Codable {
    /// The run that recorded the split.
    public var runID: Int64
    /// The customer the identifier left.
    public var from: String
    /// The customer it forms now.
    public var to: String
    /// Customers whose history changed.
    public var customersTouched: Int

    /// An outcome.
    public init(runID: Int64, from: String, to: String, customersTouched: Int) {
        self.runID = runID
        self.from = from
        self.to = to
        self.customersTouched = customersTouched
    }
}

/// The outcome of `clv import --undo`.
public struct UndoOutcome: Sendable, Hashable, Codable {
    /// The run that recorded the undo.
    public var runID: Int64
    /// The import run undone.
    public var undone: Int64
    /// Rows removed.
    public var rowsRemoved: Int
    /// Customers whose history changed.
    public var customersTouched: Int

    /// An outcome.
    public init(runID: Int64, undone: Int64, rowsRemoved: Int, customersTouched: Int) {
        self.runID = runID
        self.undone = undone
        self.rowsRemoved = rowsRemoved
        self.customersTouched = customersTouched
    }
}

/// One identifier a customer holds, and where it was seen.
public struct HeldIdentifier: Sendable, Hashable, Codable {
    /// Its type.
    public var type: String
    /// Its normalised value.
    public var value: String
    /// The sources whose rows carried it.
    public var sources: [String]
    /// Why it never links, if so.
    public var junk: String?

    /// An identifier held.
    public init(type: String, value: String, sources: [String], junk: String?) {
        self.type = type
        self.value = value
        self.sources = sources
        self.junk = junk
    }
}

/// A customer's 360° profile from the store (`clv customer show`).
public struct CustomerProfile: Sendable, Hashable {
    /// The canonical id.
    public var customerID: String
    /// The identifiers the customer holds.
    public var identifiers: [HeldIdentifier]
    /// The channels of the customer's rows, with their row counts.
    public var channels: [String: Int]
    /// The sources of the customer's rows, with their row counts.
    public var sources: [String: Int]
    /// The profile attributes: for each name the value of the latest-dated row (a later run wins a tie).
    public var attributes: [String: String]
    /// The persisted history (nil for a customer whose identifiers carry no rows).
    public var history: CustomerHistory?
    /// The last rows, newest first.
    public var recent: [Transaction]
    /// The canonical ids that were merged into this one, or that it was split from, with the run.
    public var changes: [IdentityChange]

    /// A profile.
    public init(customerID: String, identifiers: [HeldIdentifier], channels: [String: Int], sources: [String: Int],
                attributes: [String: String], history: CustomerHistory?, recent: [Transaction], changes: [IdentityChange]) {
        self.customerID = customerID
        self.identifiers = identifiers
        self.channels = channels
        self.sources = sources
        self.attributes = attributes
        self.history = history
        self.recent = recent
        self.changes = changes
    }
}

/// An identifier that changed customer in a run (a merge or a split).
public struct IdentityChange: Sendable, Hashable, Codable {
    /// The run.
    public var runID: Int64
    /// The identifier (`type:value`).
    public var identifier: String
    /// Its customer before.
    public var previous: String
    /// Its customer after.
    public var customer: String

    /// A change.
    public init(runID: Int64, identifier: String, previous: String, customer: String) {
        self.runID = runID
        self.identifier = identifier
        self.previous = previous
        self.customer = customer
    }
}
