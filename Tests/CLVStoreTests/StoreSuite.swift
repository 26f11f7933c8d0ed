import CLVCore
import CLVHistory
import CLVStore
import CLVStorePostgres
import CLVStoreSQLite
import Foundation
import GRDB
import Testing
import _CLVTestSupport

/// The back ends the shared suite runs against: SQLite always; PostgreSQL when `CLVKIT_TEST_POSTGRES` names a
/// server (`.ci/run` starts one on loopback and sets it; CI fails if it is missing, see `postgresIsTestedInCI`).
enum Backend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// The PostgreSQL server of the tests, if any.
    static let postgresURL = ProcessInfo.processInfo.environment["CLVKIT_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }

    /// The back ends available here.
    static let available: [Backend] = postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]

    /// A new, empty store of this kind (on PostgreSQL, in a schema of its own).
    func makeStore() throws -> any CustomerDataStore {
        switch self {
        case .sqlite: return try SQLiteStore(path: Self.scratchPath())
        case .postgres: return try PostgresStore(try Self.freshSchema())
        }
    }

    /// The test server with a new schema name.
    static func freshSchema() throws -> PostgresLocation {
        var location = try PostgresLocation(url: try #require(postgresURL))
        location.schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return location
    }

    static func scratchPath() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clvkit-store-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("store.sqlite").path
    }
}

/// A small multi-customer log with returns, orders and channels.
enum Rows {
    static func day(_ iso: String) -> CalendarDay { CalendarDay(iso: iso)! }

    static func t(_ customer: String, _ date: String, _ cents: Int64, order: String? = nil, channel: String? = nil,
                  line: Int64) -> Transaction {
        Transaction(customerID: customer, day: day(date), amount: Money(micros: cents * 10_000), orderID: order,
                    channel: channel, sequence: line)
    }

    static let first: [Transaction] = [
        t("A", "2024-01-05", 1000, order: "O1", channel: "web", line: 2),
        t("A", "2024-01-05", 550, order: "O1", channel: "web", line: 3),
        t("B", "2024-01-07", 2000, order: "O2", channel: "pos", line: 4),
        t("A", "2024-02-10", 700, order: "O3", channel: "app", line: 5),
        t("B", "2024-01-20", -500, order: "O2", channel: "pos", line: 6),
        t("C", "2024-03-01", 300, order: "O4", line: 7),
    ]
    static let later: [Transaction] = [
        t("C", "2024-03-15", 900, order: "O5", line: 8),
        t("A", "2024-01-02", 100, order: "O6", channel: "web", line: 9),
    ]

    /// The histories a book built from `transactions` (and no store) holds, by customer.
    static func book(_ transactions: [Transaction]) throws -> [String: CustomerHistory] {
        var book = CustomerBook()
        try book.apply(transactions)
        return Dictionary(uniqueKeysWithValues: book.histories.map { ($0.customerID, $0) })
    }

    static func stored(_ store: any CustomerDataStore) throws -> [String: CustomerHistory] {
        Dictionary(uniqueKeysWithValues: try store.allHistories().map { ($0.customerID, $0) })
    }

    static func request(_ rule: RowKeyRule = .orderLine, onConflict: ConflictPolicy = .error,
                        source: String = "webshop") -> ImportRequest {
        ImportRequest(source: source, rowKeys: rule, onConflict: onConflict, inputs: ["test"])
    }
}

extension CustomerDataStore {
    /// Imports `batches` in one run.
    @discardableResult
    func load(_ request: ImportRequest, _ batches: [[Transaction]]) throws -> ImportOutcome {
        try importTransactions(request) { sink in for b in batches { try sink(b) } }
    }
}

@Suite("The store (shared suite, every back end)")
struct StoreSuite {
    @Test("a new store is empty; imported rows give the histories a book of the same rows gives", arguments: Backend.available)
    func importMatchesBook(backend: Backend) throws {
        let store = try backend.makeStore()
        #expect(try store.counts() == StoreCounts(sources: 0, transactions: 0, customers: 0, runs: 0))
        let outcome = try store.load(Rows.request(), [Array(Rows.first.prefix(3)), Array(Rows.first.dropFirst(3))])
        #expect((outcome.rows, outcome.new, outcome.known, outcome.changed, outcome.customersTouched) == (6, 6, 0, 0, 3))
        #expect(try Rows.stored(store) == (try Rows.book(Rows.first)))
        #expect(try store.counts() == StoreCounts(sources: 1, transactions: 6, customers: 3, runs: 1))
        let history = try #require(try store.history(of: "B"))
        let summary = try #require(try history.summary(asOf: Rows.day("2024-03-31")))
        #expect(summary.frequency == 0)
        #expect(try store.history(of: "nobody") == nil)
    }

    @Test("importing the same rows again adds nothing and is recorded as a run", arguments: Backend.available)
    func reimportAddsNothing(backend: Backend) throws {
        let store = try backend.makeStore()
        try store.load(Rows.request(), [Rows.first])
        let before = try Rows.stored(store)
        let again = try store.load(Rows.request(), [Rows.first])
        #expect((again.new, again.known, again.changed, again.customersTouched) == (0, 6, 0, 0))
        #expect(try Rows.stored(store) == before)
        #expect(try store.counts().transactions == 6)
        let runs = try store.runs()
        #expect(runs.map(\.kind) == ["import", "import"])
        #expect(runs[1].id > runs[0].id && runs[1].finishedAt >= runs[1].startedAt)
        #expect(runs[1].outcome.contains("\"known\":6"))
    }

    @Test("a cumulative export that repeats earlier orders adds only the new rows; histories match one import of all",
          arguments: Backend.available)
    func cumulativeExport(backend: Backend) throws {
        let store = try backend.makeStore()
        try store.load(Rows.request(), [Rows.first])
        let cumulative = try store.load(Rows.request(), [Rows.first + Rows.later])
        #expect((cumulative.new, cumulative.known, cumulative.customersTouched) == (2, 6, 2))
        #expect(try Rows.stored(store) == (try Rows.book(Rows.first + Rows.later)))
    }

    @Test("a known row with other content is refused and nothing of the import is committed", arguments: Backend.available)
    func conflictRollsBack(backend: Backend) throws {
        let store = try backend.makeStore()
        try store.load(Rows.request(), [Rows.first])
        let before = (try store.counts(), try Rows.stored(store))
        var edited = Rows.first + Rows.later
        edited[2].amount = Money(micros: 2_100 * 10_000)
        #expect {
            try store.load(Rows.request(), [Array(edited.prefix(1)), Array(edited.dropFirst())])
        } throws: { error in
            guard case StoreError.conflictingRow(let source, let key, let line, let differences) = error else { return false }
            return source == "webshop" && key == "O2#1" && line == 4 && differences.contains("amount 20 → 21")
        }
        #expect(try store.counts() == before.0, "the run, the new rows of the later orders and the histories are rolled back")
        #expect(try Rows.stored(store) == before.1)
    }

    @Test("--on-conflict replace records the correction and recomputes the customer from every stored row",
          arguments: Backend.available)
    func replaceRecomputes(backend: Backend) throws {
        let store = try backend.makeStore()
        try store.load(Rows.request(), [Rows.first])
        var edited = Rows.first
        edited[3].day = Rows.day("2024-02-20")   // A's second order moves
        edited[5].customerID = "B"               // C's only row belonged to B
        let outcome = try store.load(Rows.request(onConflict: .replace), [edited])
        #expect((outcome.new, outcome.known, outcome.changed) == (0, 4, 2))
        #expect(try Rows.stored(store) == (try Rows.book(edited)))
        #expect(try store.history(of: "C") == nil, "a customer left with no rows has no history")
    }

    @Test("a feed that fails part-way commits nothing", arguments: Backend.available)
    func failedFeedCommitsNothing(backend: Backend) throws {
        struct Interrupted: Error {}
        let store = try backend.makeStore()
        #expect(throws: Interrupted.self) {
            try store.importTransactions(Rows.request()) { sink in
                try sink(Rows.first)
                throw Interrupted()
            }
        }
        #expect(try store.counts() == StoreCounts(sources: 0, transactions: 0, customers: 0, runs: 0))
    }

    @Test("rows keyed by event id: a repeated id is one row; a row without an id is refused", arguments: Backend.available)
    func eventIDKeys(backend: Backend) throws {
        let store = try backend.makeStore()
        var rows = Rows.first
        for k in rows.indices { rows[k].sourceEventID = "e\(k)" }
        let outcome = try store.load(Rows.request(.eventID, source: "app"), [rows, [rows[0]]])
        #expect((outcome.rows, outcome.new, outcome.known) == (7, 6, 1))
        var missing = Rows.later
        missing[1].sourceEventID = "x"
        #expect(throws: StoreError.missingRowKey(line: 8, what: "event id")) {
            try store.load(Rows.request(.eventID, source: "app"), [missing])
        }
    }

    @Test("the same key in two sources is two rows", arguments: Backend.available)
    func sourcesKeepTheirKeys(backend: Backend) throws {
        let store = try backend.makeStore()
        try store.load(Rows.request(source: "webshop"), [Rows.first])
        let pos = try store.load(Rows.request(source: "pos"), [Rows.later])
        #expect(pos.new == 2)
        #expect(try store.counts().sources == 2)
        #expect(try Rows.stored(store) == (try Rows.book(Rows.first + Rows.later)))
    }
}

@Suite("The SQLite store's file")
struct SQLiteStoreFileTests {
    @Test("a store reopened keeps its rows and schema; one written by a newer version is refused, not misread")
    func newerSchemaIsRefused() throws {
        let path = Backend.scratchPath()
        do {
            let store = try SQLiteStore(path: path)
            try store.load(Rows.request(), [Rows.first])
            #expect(try store.appliedMigrations().count == 2)
        }
        let reopened = try SQLiteStore(path: path)
        #expect(try reopened.counts().transactions == 6)
        // A later version's schema step, as that version would have recorded it.
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')")
        }
        #expect(throws: StoreError.newerSchema(location: path, unknown: ["v99: from the future"])) {
            _ = try SQLiteStore(path: path)
        }
    }

    @Test("a file that is not a store is refused with the path")
    func notAStore() throws {
        let path = Backend.scratchPath()
        try Data("customer_id,date\nA,2024-01-01\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try SQLiteStore(path: path)
        } throws: { error in
            guard case StoreError.unavailable(let location, _) = error else { return false }
            return location == path && (error as? StoreError)?.category == .inputUnavailable
        }
    }
}

@Suite("The PostgreSQL store")
struct PostgresStoreTests {
    @Test("CI tests the PostgreSQL back end (.ci/run starts a server and sets CLVKIT_TEST_POSTGRES)",
          .enabled(if: ProcessInfo.processInfo.environment["CI"] != nil, "only CI must have a server"))
    func postgresIsTestedInCI() {
        #expect(Backend.postgresURL != nil)
    }

    @Test("a schema reopened keeps its rows; one written by a newer version is refused, not misread",
          .enabled(if: Backend.postgresURL != nil, "needs CLVKIT_TEST_POSTGRES"))
    func newerSchemaIsRefused() throws {
        let location = try Backend.freshSchema()
        do {
            let store = try PostgresStore(location)
            try store.load(Rows.request(), [Rows.first])
            #expect(try store.appliedMigrations().count == 1)
            try store.rawExecute("INSERT INTO clvkit_migrations (identifier) VALUES ('v99: from the future')")
        }
        #expect(throws: StoreError.newerSchema(location: location.description, unknown: ["v99: from the future"])) {
            _ = try PostgresStore(location)
        }
    }

    @Test("URLs: no password in them, known parameters only, and the password file is read as libpq reads it")
    func locations() throws {
        let l = try PostgresLocation(url: "postgres://clv@db.example:6543/crm?sslmode=require&schema=hub")
        #expect((l.host, l.port, l.user, l.database, l.schema, l.tls) == ("db.example", 6543, "clv", "crm", "hub", .require))
        #expect(l.description == "postgres://clv@db.example:6543/crm?schema=hub")
        #expect(throws: StoreError.self) { try PostgresLocation(url: "postgres://clv:secret@db.example/crm") }
        #expect(throws: StoreError.self) { try PostgresLocation(url: "postgres://clv@db.example/crm?schema=a;drop") }
        #expect(throws: StoreError.self) { try PostgresLocation(url: "postgres://clv@db.example/crm?sslmode=maybe") }
        let file = "# comment\nother:5432:*:clv:nope\ndb.example:*:crm:clv:p\\:w\\\\d\n"
        #expect(l.password(fromPassFile: file) == "p:w\\d")
    }
}

@Suite("Stored rows")
struct StoredTransactionTests {
    @Test("a stored row converts back to its transaction; differences read in dates and amounts; a damaged kind is refused")
    func roundTripAndDifferences() throws {
        var t = Rows.t("A", "2024-01-05", 1050, order: "O1", channel: "web", line: 2)
        t.campaign = "spring"
        t.timestamp = 1_704_441_600
        let stored = StoredTransaction(t)
        var back = try stored.transaction(source: "webshop", location: "s")
        #expect(back.source == "webshop")
        back.source = nil
        #expect(back == t)
        var moved = t
        moved.day = Rows.day("2024-01-06")
        moved.amount = Money(micros: 2_000_000)
        moved.channel = nil
        moved.sequence = 99 // where a row was read is not its content
        #expect(StoredTransaction(moved).differences(from: stored)
                == ["date 2024-01-05 → 2024-01-06", "amount 10.5 → 2", "channel web → empty"])
        #expect(StoredTransaction(t).differences(from: stored).isEmpty)
        var damaged = stored
        damaged.kind = "return"
        #expect(throws: StoreError.self) { try damaged.transaction(source: nil, location: "s") }
    }
}
