import CLVCore
import CLVHistory
import CLVStore
import Foundation
import GRDB

/// The embedded store: one SQLite file through GRDB, in WAL mode with foreign keys on, its schema built by
/// a `DatabaseMigrator`. One transaction per logical write; one writer at a time, waiting up to
/// ``busyTimeout`` for another (a `clv serve` and a `clv import` on the same file both succeed).
public final class SQLiteStore: CustomerDataStore {
    /// How long a write waits for another connection's write to finish.
    public static let busyTimeout: TimeInterval = 30

    /// The file's path.
    public let location: String
    let pool: DatabasePool

    /// Opens the store at `path`, creating it (and migrating an older schema) as needed.
    /// - Throws: ``StoreError/unavailable(location:reason:)`` when the file cannot be opened or is not a
    ///   store, ``StoreError/newerSchema(location:unknown:)`` when a newer CLVKit wrote it.
    public init(path: String) throws {
        location = path
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(Self.busyTimeout)
        config.label = "clvkit"
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw StoreError.unavailable(location: path, reason: Self.message(error))
        }
        let migrator = SQLiteSchema.migrator
        do {
            let (superseded, unknown) = try pool.read { db in
                (try migrator.hasBeenSuperseded(db), try migrator.appliedIdentifiers(db).subtracting(migrator.migrations))
            }
            if superseded || !unknown.isEmpty {
                throw StoreError.newerSchema(location: path, unknown: unknown.sorted())
            }
            try migrator.migrate(pool)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unavailable(location: path, reason: Self.message(error))
        }
    }

    /// The schema steps applied to this store, oldest first.
    public func appliedMigrations() throws -> [String] {
        try wrap { try pool.read { db in try SQLiteSchema.migrator.appliedMigrations(db) } }
    }

    /// Imports `feed`'s transactions as one SQLite transaction (see ``CustomerDataStore/importTransactions(_:feed:)``).
    public func importTransactions(_ request: ImportRequest,
                                   feed: (_ sink: (_ batch: [Transaction]) throws -> Void) throws -> Void) throws -> ImportOutcome {
        let started = Date().timeIntervalSince1970
        return try wrap {
            try pool.write { db in
                var importer = try TransactionImporter(db: db, request: request, location: location, started: started)
                try feed { batch in try importer.add(batch) }
                return try importer.finish()
            }
        }
    }

    /// The persisted history of the customer `customerID` names (any of their identifiers).
    public func history(of customerID: String) throws -> CustomerHistory? {
        try wrap {
            try pool.read { db in
                let rules = try SQLiteIdentity.rules(db, yaml: nil, runID: 0, location: location)
                guard let customerID = try SQLiteIdentity.resolve(customerID, db: db, rules: rules) else { return nil }
                guard let blob = try Data.fetchOne(db, sql: "SELECT history FROM customers WHERE customer_id = ?",
                                                   arguments: [customerID]) else { return nil }
                return try CustomerHistory(stored: blob, customer: customerID, location: location)
            }
        }
    }

    /// Every persisted history, by customer id.
    public func allHistories() throws -> [CustomerHistory] {
        try wrap {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT customer_id, history FROM customers ORDER BY customer_id").map { row in
                    try CustomerHistory(stored: row["history"] as Data, customer: row["customer_id"], location: location)
                }
            }
        }
    }

    /// The runs, oldest first.
    public func runs() throws -> [RunRecord] {
        try wrap {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT id, kind, started_at, finished_at, inputs, outcome FROM runs ORDER BY id").map { row in
                    let inputs = (try? JSONDecoder().decode([String].self, from: Data((row["inputs"] as String).utf8))) ?? []
                    return RunRecord(id: row["id"], kind: row["kind"], startedAt: row["started_at"],
                                     finishedAt: row["finished_at"] ?? 0, inputs: inputs, outcome: row["outcome"] ?? "")
                }
            }
        }
    }

    /// The store's counts.
    public func counts() throws -> StoreCounts {
        try wrap {
            try pool.read { db in
                func count(_ table: String) throws -> Int { try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
                return StoreCounts(sources: try count("sources"), transactions: try count("transactions"),
                                   customers: try count("customers"), runs: try count("runs"))
            }
        }
    }

    /// Runs `body`, turning database errors into ``StoreError``s that name the store.
    func wrap<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StoreError.unavailable(location: location, reason: Self.message(error))
        }
    }

    static func message(_ error: any Error) -> String {
        if let db = error as? DatabaseError { return db.message ?? db.description }
        return "\(error)"
    }
}
