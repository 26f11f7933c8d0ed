import CLVCore
import CLVHistory
import CLVStore
import Foundation
import GRDB
import GRDBSQLite

/// One import inside one write transaction: inserts rows by key, sorts out known and changed ones, and
/// brings the touched customers' histories up to date before the transaction commits.
struct TransactionImporter {
    let db: Database
    let request: ImportRequest
    /// The store's location, for messages.
    let location: String
    let started: Double
    let sourceID: Int64
    let runID: Int64
    /// The file's number in the store (``RowKeyRule/fileLine(fileHash:)`` keys are made of it and the line).
    let fileNumber: Int64?
    private var rows = 0, new = 0, known = 0, changed = 0
    /// Rows of each order so far in this import, for ``RowKeyRule/orderLine`` keys.
    private var orderRows: [String: Int] = [:]
    /// The histories this import changes, loaded from the store on first touch and brought up to date as rows
    /// arrive (``CustomerHistory/apply(_:)`` is exact in any order); saved at the end.
    private var histories: [String: CustomerHistory] = [:]
    /// Whether the store held no customer when the import began (then none needs loading).
    private let noStoredCustomers: Bool
    private let insert: Statement
    private let load: Statement
    /// Customers with a replaced row: rebuilt from all their stored rows at the end.
    private var rebuild: Set<String> = []

    init(db: Database, request: ImportRequest, location: String, started: Double) throws {
        self.db = db
        self.request = request
        self.location = location
        self.started = started
        noStoredCustomers = try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM customers LIMIT 1)") == 0
        insert = try db.makeStatement(sql: """
            INSERT INTO transactions (source_id, row_key, run_id, customer_id, day, timestamp, kind, amount_micros,
                                      order_id, line_id, quantity_micros, channel, campaign, sequence)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (source_id, row_key) DO NOTHING
            """)
        load = try db.makeStatement(sql: "SELECT history FROM customers WHERE customer_id = ?")
        let inputs = String(decoding: try JSONEncoder().encode(request.inputs), as: UTF8.self)
        try db.execute(sql: "INSERT INTO runs (kind, started_at, inputs) VALUES ('import', ?, ?)", arguments: [started, inputs])
        runID = db.lastInsertedRowID
        if let id = try Int64.fetchOne(db, sql: "SELECT id FROM sources WHERE name = ?", arguments: [request.source]) {
            sourceID = id
        } else {
            try db.execute(sql: "INSERT INTO sources (name, kind, channel, first_run) VALUES (?, ?, ?, ?)",
                           arguments: [request.source, request.sourceKind.rawValue, request.channel, runID])
            sourceID = db.lastInsertedRowID
        }
        if let hash = request.fileHash {
            try db.execute(sql: "INSERT INTO source_files (source_id, file_hash, first_run) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           arguments: [sourceID, hash, runID])
            fileNumber = try Int64.fetchOne(db, sql: "SELECT id FROM source_files WHERE source_id = ? AND file_hash = ?",
                                            arguments: [sourceID, hash])
        } else {
            fileNumber = nil
        }
    }

    /// Inserts a batch: new rows go in; a known key is compared with what is stored.
    mutating func add(_ batch: [Transaction]) throws {
        for var t in batch {
            rows += 1
            if let channel = request.channel { t.channel = channel }
            t.source = request.source
            var occurrence = 0
            if case .orderLine = request.rowKeys, let order = t.orderID {
                occurrence = (orderRows[order] ?? 0) + 1
                orderRows[order] = occurrence
            }
            let key = try request.rowKeys.key(of: t, occurrence: occurrence, fileNumber: fileNumber)
            if try insertRow(t, key: key) {
                new += 1
                try historyApplying(t)
                continue
            }
            try compareWithStored(t, key: key)
        }
    }

    /// Inserts `t` under `key`, binding through SQLite directly (GRDB's argument arrays cost more than the insert
    /// itself on a large import); false when the key is already stored.
    private func insertRow(_ t: Transaction, key: String) throws -> Bool {
        let s = insert.sqliteStatement
        sqlite3_reset(s)
        sqlite3_clear_bindings(s)
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        func text(_ i: Int32, _ value: String?) {
            guard let value else { return }
            sqlite3_bind_text(s, i, value, -1, transient)
        }
        func integer(_ i: Int32, _ value: Int64?) {
            guard let value else { return }
            sqlite3_bind_int64(s, i, value)
        }
        integer(1, sourceID)
        text(2, key)
        integer(3, runID)
        text(4, t.customerID)
        integer(5, Int64(t.day.daysSinceEpoch))
        integer(6, t.timestamp)
        text(7, t.kind.rawValue)
        integer(8, t.amount.micros)
        text(9, t.orderID)
        text(10, t.lineID)
        integer(11, t.quantity?.micros)
        text(12, t.channel)
        text(13, t.campaign)
        integer(14, t.sequence)
        let code = sqlite3_step(s)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        return sqlite3_changes(db.sqliteConnection) == 1
    }

    /// Applies a new row to its customer's history, loading the stored one on first touch.
    private mutating func historyApplying(_ t: Transaction) throws {
        if histories[t.customerID] == nil {
            var history = CustomerHistory(customerID: t.customerID)
            if !noStoredCustomers, let blob = try Data.fetchOne(load, arguments: [t.customerID]) {
                history = try CustomerHistory(stored: blob, customer: t.customerID, location: location)
            }
            histories[t.customerID] = history
        }
        try histories[t.customerID]!.apply(t)
    }

    /// A known key: the same content is skipped; other content is refused or replaced.
    private mutating func compareWithStored(_ t: Transaction, key: String) throws {
        guard let stored = try Row.fetchOne(db, sql: """
            SELECT id, customer_id, day, timestamp, kind, amount_micros, order_id, line_id, quantity_micros, channel, campaign,
                   sequence
            FROM transactions WHERE source_id = ? AND row_key = ?
            """, arguments: [sourceID, key]) else {
            throw StoreError.damaged(location: location, reason: "row '\(key)' of source '\(request.source)' conflicts but cannot be found")
        }
        let differences = StoredTransaction(t).differences(from: Self.storedRow(stored))
        if differences.isEmpty {
            known += 1
            return
        }
        guard request.onConflict == .replace else {
            throw StoreError.conflictingRow(source: request.source, key: key, line: t.sequence,
                                            differences: differences.joined(separator: "; "))
        }
        let oldCustomer: String = stored["customer_id"]
        try db.execute(sql: """
            UPDATE transactions SET run_id = ?, customer_id = ?, day = ?, timestamp = ?, kind = ?, amount_micros = ?,
                order_id = ?, line_id = ?, quantity_micros = ?, channel = ?, campaign = ?, sequence = ?
            WHERE id = ?
            """, arguments: [runID, t.customerID, Int(t.day.daysSinceEpoch), t.timestamp, t.kind.rawValue, t.amount.micros,
                             t.orderID, t.lineID, t.quantity?.micros, t.channel, t.campaign, t.sequence, stored["id"] as Int64])
        changed += 1
        rebuild.insert(oldCustomer)
        rebuild.insert(t.customerID)
    }

    /// Brings the touched customers' histories up to date, records the run's outcome, and returns it.
    mutating func finish() throws -> ImportOutcome {
        let save = try db.cachedStatement(sql: """
            INSERT INTO customers (customer_id, history, history_version, updated_run) VALUES (?, ?, ?, ?)
            ON CONFLICT (customer_id) DO UPDATE SET history = excluded.history,
                history_version = excluded.history_version, updated_run = excluded.updated_run
            """)
        let touched = Set(histories.keys).union(rebuild)
        for customer in touched.sorted() {
            let history = rebuild.contains(customer) ? try Self.rebuiltHistory(customer, db: db, location: location) : histories[customer]!
            if history.isEmpty {
                try db.execute(sql: "DELETE FROM customers WHERE customer_id = ?", arguments: [customer])
            } else {
                try save.execute(arguments: [customer, Data(history.encoded()), CustomerHistory.binaryFormatVersion, runID])
            }
        }
        let outcome = ImportOutcome(runID: runID, rows: rows, new: new, known: known, changed: changed, customersTouched: touched.count)
        let json = String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self)
        try db.execute(sql: "UPDATE runs SET finished_at = ?, outcome = ? WHERE id = ?",
                       arguments: [Date().timeIntervalSince1970, json, runID])
        return outcome
    }

    /// The history of `customer` from every row the store holds for them.
    static func rebuiltHistory(_ customer: String, db: Database, location: String) throws -> CustomerHistory {
        var history = CustomerHistory(customerID: customer)
        let rows = try Row.fetchCursor(db, sql: """
            SELECT t.day, t.timestamp, t.kind, t.amount_micros, t.order_id, t.line_id, t.quantity_micros, t.channel,
                   t.campaign, t.sequence, s.name AS source
            FROM transactions t JOIN sources s ON s.id = t.source_id WHERE t.customer_id = ?
            """, arguments: [customer])
        while let row = try rows.next() {
            var stored = storedRow(row)
            stored.customerID = customer
            try history.apply(try stored.transaction(source: row["source"], location: location))
        }
        return history
    }

    /// A row of the `transactions` table (the columns of ``StoredTransaction`` by name; `customer_id` may be absent).
    static func storedRow(_ row: Row) -> StoredTransaction {
        StoredTransaction(customerID: row["customer_id"] ?? "", day: Int32(row["day"] as Int), timestamp: row["timestamp"],
                          kind: row["kind"], amountMicros: row["amount_micros"], orderID: row["order_id"], lineID: row["line_id"],
                          quantityMicros: row["quantity_micros"], channel: row["channel"], campaign: row["campaign"],
                          sequence: row["sequence"])
    }
}
