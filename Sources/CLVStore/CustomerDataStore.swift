import CLVCore
import CLVHistory

/// The customer data hub's store: transactions from every source, each customer's persisted history, and
/// the runs that changed them. One protocol for the embedded SQLite store (``CLVStoreSQLite``) and the
/// PostgreSQL store, which one shared test suite checks alike.
///
/// Calls are synchronous and may block on the database. A server calls them from a thread pool, not from an
/// event loop. Every write is one database transaction: it is all in, or (on any error, or if the process
/// is killed) none of it is.
public protocol CustomerDataStore: AnyObject, Sendable {
    /// Where the store is, for messages (a path, or a URL without its password).
    var location: String { get }

    /// Imports the transactions that `feed` hands over, in batches, as one transaction of the store.
    ///
    /// `feed` is called once with a sink for batches; the import commits when it returns, and rolls back
    /// when it, or the sink, throws. Rows already known by their key (``ImportRequest/rowKeys``) are
    /// skipped, or, when their content differs, refused (``ConflictPolicy/error``) or replaced
    /// (``ConflictPolicy/replace``). The touched customers' histories are updated in the same transaction.
    /// - Returns: the run's counts.
    /// - Throws: ``StoreError`` (a conflicting row, a store made by a newer version) or what `feed` throws.
    func importTransactions(_ request: ImportRequest,
                            feed: (_ sink: (_ batch: [Transaction]) throws -> Void) throws -> Void) throws -> ImportOutcome

    /// The persisted history of a customer, or nil when the store has none.
    func history(of customerID: String) throws -> CustomerHistory?

    /// Every persisted history, in customer-id order.
    func allHistories() throws -> [CustomerHistory]

    /// The runs recorded, oldest first.
    func runs() throws -> [RunRecord]

    /// How many sources, transactions, customers and runs the store holds.
    func counts() throws -> StoreCounts

    // MARK: identities

    /// The canonical id of the customer that `id` names: a canonical id, a customer id, `TYPE=VALUE`
    /// (`phone=13812345678`, normalised by the store's rules), or a value of another type that one customer holds.
    func canonicalID(of id: String) throws -> String?

    /// What stitching made of the store's identifiers.
    func identityReport() throws -> IdentityReport

    /// Moves the identifier of `type` and raw `value` out of customer `id` into a customer of its own, with the
    /// rows it is the customer id of, as one transaction; the split holds in every later stitching.
    /// - Throws: ``StoreError/unknownCustomer(location:id:)`` when no customer is `id` or it does not hold the identifier.
    func split(customer id: String, type: String, value: String) throws -> SplitOutcome

    /// Removes what import run `run` added (its rows, identity links and attributes), re-stitches and
    /// re-summarises the customers it touched, as one transaction.
    /// - Throws: ``StoreError/cannotUndo(run:reason:)`` for a run that is not an import, was undone, or replaced rows.
    func undoImport(run: Int64) throws -> UndoOutcome

    /// The 360° profile of the customer `id` names (see ``canonicalID(of:)``), with the `recent` last rows.
    func profile(of id: String, recent: Int) throws -> CustomerProfile?
}

/// What an import brings and how its rows are recognised.
public struct ImportRequest: Sendable, Hashable {
    /// The source's name (a channel system: `webshop`, `pos`, `crm` …; a file's name by default).
    public var source: String
    /// What the source is: a file, or a stream of events.
    public var sourceKind: SourceKind
    /// The file's SHA-256 in hex, when the source is a file.
    public var fileHash: String?
    /// The channel given to every row of the import (`--set-channel`), over the rows' own.
    public var channel: String?
    /// How a row's identity is formed.
    public var rowKeys: RowKeyRule
    /// What to do with a known row whose content differs.
    public var onConflict: ConflictPolicy
    /// The inputs, for the run record (file paths, options).
    public var inputs: [String]
    /// The identity rules' YAML text (`--identity-rules`), kept in the store for every later stitching; nil
    /// keeps the store's (or the defaults, in a store that has none).
    public var identityRulesYAML: String?
    /// The identifier type of the rows' customer column (`--customer-type`): `customer_id` by default; a WeChat
    /// export's customer column may hold `openid`s, a POS export's `member_id`s.
    public var customerType: String

    /// An import request.
    public init(source: String, sourceKind: SourceKind = .file, fileHash: String? = nil, channel: String? = nil,
                rowKeys: RowKeyRule, onConflict: ConflictPolicy = .error, inputs: [String] = [], identityRulesYAML: String? = nil,
                customerType: String = "customer_id") {
        self.customerType = customerType
        self.identityRulesYAML = identityRulesYAML
        self.source = source
        self.sourceKind = sourceKind
        self.fileHash = fileHash
        self.channel = channel
        self.rowKeys = rowKeys
        self.onConflict = onConflict
        self.inputs = inputs
    }
}

/// What kind of source rows come from.
public enum SourceKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// An exported file (CSV, xlsx).
    case file
    /// A stream of events (the server's `POST /v1/events`).
    case stream
}

/// How a row's identity within its source is formed, so that importing the same rows again adds nothing.
public enum RowKeyRule: Sendable, Hashable {
    /// The source's own event id (``Transaction/sourceEventID``), from the column `--event-id` names.
    case eventID
    /// The order id and the row's place among that order's rows in the file (1, 2, …): a cumulative export
    /// that repeats an order's rows in the same order repeats their keys.
    case orderLine
    /// The file's content hash and the row's line: re-importing the same file adds nothing. The store numbers
    /// the files of a source by their hash, and the key is that number and the line (`3:1042`).
    case fileLine(fileHash: String)

    /// The key of `t`, which is the `occurrence`-th row of its order in this import (from 1); `fileNumber` is
    /// the store's number of the file's hash (for ``fileLine(fileHash:)``).
    public func key(of t: Transaction, occurrence: Int, fileNumber: Int64?) throws -> String {
        switch self {
        case .eventID:
            guard let id = t.sourceEventID, !id.isEmpty else { throw StoreError.missingRowKey(line: t.sequence, what: "event id") }
            return id
        case .orderLine:
            guard let order = t.orderID, !order.isEmpty else { throw StoreError.missingRowKey(line: t.sequence, what: "order id") }
            return "\(order)#\(occurrence)"
        case .fileLine(let hash):
            return "\(fileNumber.map(String.init) ?? hash):\(t.sequence)"
        }
    }

    /// The rule's name, as run records show it.
    public var name: String {
        switch self {
        case .eventID: return "event_id"
        case .orderLine: return "order_line"
        case .fileLine: return "file_line"
        }
    }
}

/// What to do when a row's key is known but its content differs.
public enum ConflictPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Refuse the import (nothing is committed).
    case error
    /// Record the new content as a correction, and recompute the customer.
    case replace
}

/// The counts of one import.
public struct ImportOutcome: Sendable, Hashable, Codable {
    /// The run's id (for `clv import --undo`).
    public var runID: Int64
    /// Rows read from the feed.
    public var rows: Int
    /// Rows the store did not know.
    public var new: Int
    /// Rows already known with the same content (skipped).
    public var known: Int
    /// Known rows whose content differed and was replaced (``ConflictPolicy/replace``).
    public var changed: Int
    /// Customers whose history the import changed.
    public var customersTouched: Int

    /// An outcome.
    public init(runID: Int64, rows: Int, new: Int, known: Int, changed: Int, customersTouched: Int) {
        self.runID = runID
        self.rows = rows
        self.new = new
        self.known = known
        self.changed = changed
        self.customersTouched = customersTouched
    }
}

/// One recorded run: what ran, when, on what, and how it ended.
public struct RunRecord: Sendable, Hashable, Codable {
    /// The run's id, increasing.
    public var id: Int64
    /// What ran (`import` …).
    public var kind: String
    /// When it started and finished, seconds since 1970 (UTC).
    public var startedAt: Double
    /// When it finished.
    public var finishedAt: Double
    /// Its inputs (file paths, source, options).
    public var inputs: [String]
    /// Its outcome, as JSON.
    public var outcome: String

    /// A run record.
    public init(id: Int64, kind: String, startedAt: Double, finishedAt: Double, inputs: [String], outcome: String) {
        self.id = id
        self.kind = kind
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.inputs = inputs
        self.outcome = outcome
    }
}

/// How much a store holds.
public struct StoreCounts: Sendable, Hashable, Codable {
    /// Sources seen.
    public var sources: Int
    /// Transactions (purchases and returns) stored.
    public var transactions: Int
    /// Customers with a persisted history.
    public var customers: Int
    /// Runs recorded.
    public var runs: Int

    /// Counts.
    public init(sources: Int, transactions: Int, customers: Int, runs: Int) {
        self.sources = sources
        self.transactions = transactions
        self.customers = customers
        self.runs = runs
    }
}
