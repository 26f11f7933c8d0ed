import CLVCore
import CLVHistory
import CLVStore
import Foundation
import PostgresNIO

/// The store for teams: the same tables and operations as the embedded store, in a PostgreSQL schema,
/// through postgres-nio.
///
/// One connection per store value; calls are serialised and block the calling thread (which must not be
/// an event loop). Rows arrive by `COPY` into a temporary table and are merged into the store's tables by
/// set-based statements, all in one transaction per import.
public final class PostgresStore: CustomerDataStore, @unchecked Sendable {
    /// Where the store is (without the password).
    public let location: String
    private let connection: PostgresConnection
    private let logger: Logger
    var connectionForCopy: PostgresConnection { connection }
    var loggerForCopy: Logger { logger }
    private let lock = NSLock()

    /// Connects to `where_`, creates the schema if missing and migrates it forward.
    /// - Throws: ``StoreError/unavailable(location:reason:)`` when the server cannot be reached or refuses,
    ///   ``StoreError/newerSchema(location:unknown:)`` when a newer CLVKit wrote the schema.
    public init(_ where_: PostgresLocation) throws {
        location = where_.description
        var logger = Logger(label: "clvkit.postgres")
        logger.logLevel = .critical
        self.logger = logger
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch where_.tls {
            case .disable: tls = .disable
            case .prefer, .require:
                var config = TLSConfiguration.makeClientConfiguration()
                config.certificateVerification = .none
                let context = try NIOSSLContext(configuration: config)
                tls = where_.tls == .prefer ? .prefer(context) : .require(context)
            case .verifyFull:
                tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            throw StoreError.unavailable(location: where_.description, reason: "TLS: \(error)")
        }
        let configuration = PostgresConnection.Configuration(host: where_.host, port: where_.port, username: where_.user,
                                                             password: where_.password, database: where_.database, tls: tls)
        let location = self.location
        do {
            connection = try blocking { [logger] in
                try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            }
        } catch {
            throw StoreError.unavailable(location: location, reason: Self.message(error))
        }
        try migrate(schema: where_.schema)
    }

    deinit {
        let connection = self.connection
        _ = try? blocking { try await connection.close() }
    }

    /// Runs `sql` (one statement, no binds), discarding rows.
    func run(_ sql: String) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect()
    }

    /// Runs `query` and returns its rows.
    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await connection.query(query, logger: logger).collect()
    }

    private func migrate(schema: String) throws {
        try locked {
            try blocking { [self] in
                try await run("BEGIN")
                do {
                    try await run("SELECT pg_advisory_xact_lock(7253145)")
                    try await run("CREATE SCHEMA IF NOT EXISTS \(schema)")
                    try await run("SET search_path TO \(schema)")
                    try await run("CREATE TABLE IF NOT EXISTS clvkit_migrations (identifier TEXT PRIMARY KEY)")
                    let applied = Set(try await rows("SELECT identifier FROM clvkit_migrations").map { try $0.decode(String.self) })
                    let known = PostgresSchema.steps.map(\.identifier)
                    let unknown = applied.subtracting(known)
                    if !unknown.isEmpty { throw StoreError.newerSchema(location: location, unknown: unknown.sorted()) }
                    for step in PostgresSchema.steps where !applied.contains(step.identifier) {
                        for statement in step.statements { try await run(statement) }
                        try await rows("INSERT INTO clvkit_migrations (identifier) VALUES (\(step.identifier))")
                    }
                    try await run("COMMIT")
                } catch {
                    try? await run("ROLLBACK")
                    throw error
                }
            }
        }
    }

    /// The schema steps applied to this store, in the order this version knows them.
    public func appliedMigrations() throws -> [String] {
        let applied = try locked {
            try blocking { [self] in Set(try await rows("SELECT identifier FROM clvkit_migrations").map { try $0.decode(String.self) }) }
        }
        return PostgresSchema.steps.map(\.identifier).filter(applied.contains)
    }

    /// Imports `feed`'s transactions as one PostgreSQL transaction (see ``CustomerDataStore/importTransactions(_:feed:)``).
    public func importTransactions(_ request: ImportRequest,
                                   feed: (_ sink: (_ batch: [Transaction]) throws -> Void) throws -> Void) throws -> ImportOutcome {
        try locked {
            try blocking { [self] in try await run("BEGIN") }
            do {
                var importer = try PostgresImporter(store: self, request: request, started: Date().timeIntervalSince1970)
                try feed { batch in try importer.add(batch) }
                let outcome = try importer.finish()
                try blocking { [self] in try await run("COMMIT") }
                return outcome
            } catch {
                _ = try? blocking { [self] in try await run("ROLLBACK") }
                throw error
            }
        }
    }

    /// The persisted history of `customerID`.
    public func history(of customerID: String) throws -> CustomerHistory? {
        let location = self.location
        return try locked {
            try blocking { [self] in
                guard let row = try await rows("SELECT history FROM customers WHERE customer_id = \(customerID)").first else { return nil }
                return try CustomerHistory(stored: try row.decode(Data.self), customer: customerID, location: location)
            }
        }
    }

    /// Every persisted history, by customer id.
    public func allHistories() throws -> [CustomerHistory] {
        let location = self.location
        return try locked {
            try blocking { [self] in
                try await rows("SELECT customer_id, history FROM customers ORDER BY customer_id COLLATE \"C\"").map { row in
                    let (id, blob) = try row.decode((String, Data).self)
                    return try CustomerHistory(stored: blob, customer: id, location: location)
                }
            }
        }
    }

    /// The runs, oldest first.
    public func runs() throws -> [RunRecord] {
        try locked {
            try blocking { [self] in
                try await rows("SELECT id, kind, started_at, finished_at, inputs, outcome FROM runs ORDER BY id").map { row in
                    let (id, kind, started, finished, inputs, outcome) = try row.decode((Int64, String, Double, Double?, String, String?).self)
                    let list = (try? JSONDecoder().decode([String].self, from: Data(inputs.utf8))) ?? []
                    return RunRecord(id: id, kind: kind, startedAt: started, finishedAt: finished ?? 0, inputs: list, outcome: outcome ?? "")
                }
            }
        }
    }

    /// The store's counts.
    public func counts() throws -> StoreCounts {
        try locked {
            try blocking { [self] in
                let row = try await rows("""
                    SELECT (SELECT count(*) FROM sources), (SELECT count(*) FROM transactions),
                           (SELECT count(*) FROM customers), (SELECT count(*) FROM runs)
                    """)[0]
                let (s, t, c, r) = try row.decode((Int, Int, Int, Int).self)
                return StoreCounts(sources: s, transactions: t, customers: c, runs: r)
            }
        }
    }

    /// Runs `body` holding the connection, turning server errors into ``StoreError``s that name the store.
    func locked<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        do {
            return try body()
        } catch let error as PSQLError {
            throw StoreError.unavailable(location: location, reason: Self.message(error))
        }
    }

    static func message(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let message = psql.serverInfo?[.message] { return message }
            return "\(psql.code)"
        }
        return "\(error)"
    }
}

/// A box for a result handed from a task to a waiting thread.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

/// Runs the store's async work on Dispatch threads, not on the cooperative pool: a caller that blocks while it
/// waits (``blocking(_:)``), even from a pool thread, then never starves the work it waits for.
final class DispatchTaskExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = DispatchTaskExecutor()
    private let queue = DispatchQueue(label: "clvkit.postgres", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// Runs `body` on a task (on ``DispatchTaskExecutor``) and waits for it on this thread.
func blocking<T>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task(executorPreference: DispatchTaskExecutor.shared) {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

extension PostgresStore {
    /// Runs one SQL statement as it is, for tests and maintenance (never with outside input).
    public func rawExecute(_ sql: String) throws {
        try locked { try blocking { [self] in try await run(sql) } }
    }
}

extension PostgresStore {
    /// The canonical id of `id`: the PostgreSQL store does not stitch identities yet, so a customer's id is its
    /// canonical id.
    public func canonicalID(of id: String) throws -> String? {
        try history(of: id) == nil ? nil : id
    }

    /// Refused: identity stitching is not available on the PostgreSQL store yet.
    public func identityReport() throws -> IdentityReport {
        throw StoreError.unsupported(location: location, what: "identity stitching (clv identity report)")
    }

    /// Refused: identity stitching is not available on the PostgreSQL store yet.
    public func split(customer id: String, type: String, value: String) throws -> SplitOutcome {
        throw StoreError.unsupported(location: location, what: "identity stitching (clv identity split)")
    }

    /// Refused: not available on the PostgreSQL store yet.
    public func undoImport(run: Int64) throws -> UndoOutcome {
        throw StoreError.unsupported(location: location, what: "clv import --undo")
    }

    /// Refused: not available on the PostgreSQL store yet.
    public func profile(of id: String, recent: Int) throws -> CustomerProfile? {
        throw StoreError.unsupported(location: location, what: "clv customer show")
    }
}
