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
    private let upsertIdentifier: Statement
    private let upsertLink: Statement
    private let upsertAttribute: Statement
    /// Customers with a replaced row: rebuilt from all their stored rows at the end.
    private var rebuild: Set<String> = []
    /// The stitching rules (kept in the store).
    let rules: IdentityRules
    /// The identifiers met so far: their id, earliest day written, and customer.
    private var identifiers: [IdentifierKey: (id: Int64, firstDay: Int32, customer: String)] = [:]
    /// Whether the import linked identifiers (then the graph is stitched again at the end).
    private var linked = false

    /// An identifier's type and normalised value.
    struct IdentifierKey: Hashable {
        var type: String
        var value: String
    }

    init(db: Database, request: ImportRequest, location: String, started: Double) throws {
        self.db = db
        self.request = request
        self.location = location
        self.started = started
        noStoredCustomers = try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM customers LIMIT 1)") == 0
        insert = try db.makeStatement(sql: """
            INSERT INTO transactions (source_id, row_key, run_id, customer_id, day, timestamp, kind, amount_micros,
                                      order_id, line_id, quantity_micros, channel, campaign, sequence, identifier_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (source_id, row_key) DO NOTHING
            """)
        upsertIdentifier = try db.makeStatement(sql: """
            INSERT INTO identifiers (type, value, first_day, customer, junk, first_run) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (type, value) DO UPDATE SET first_day = min(first_day, excluded.first_day)
            RETURNING id, first_day, customer
            """)
        upsertLink = try db.makeStatement(sql: """
            INSERT INTO identity_links (anchor, other, run_id, first_day) VALUES (?, ?, ?, ?)
            ON CONFLICT (anchor, other, run_id) DO UPDATE SET first_day = min(first_day, excluded.first_day)
            """)
        upsertAttribute = try db.makeStatement(sql: """
            INSERT INTO attributes (identifier_id, name, run_id, value, day) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (identifier_id, name, run_id) DO UPDATE SET
                value = CASE WHEN excluded.day >= day THEN excluded.value ELSE value END, day = max(day, excluded.day)
            """)
        load = try db.makeStatement(sql: "SELECT history FROM customers WHERE customer_id = ?")
        let inputs = String(decoding: try JSONEncoder().encode(request.inputs), as: UTF8.self)
        try db.execute(sql: "INSERT INTO runs (kind, started_at, inputs) VALUES ('import', ?, ?)", arguments: [started, inputs])
        runID = db.lastInsertedRowID
        rules = try SQLiteIdentity.rules(db, yaml: request.identityRulesYAML, runID: runID, location: location)
        guard rules.rule(request.customerType) != nil else {
            throw StoreError.unknownIdentifierType(request.customerType, known: rules.types.map(\.name))
        }
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
            let anchor = try identifier(type: request.customerType, value: anchorValue(t.customerID), junk: nil,
                                        day: t.day.daysSinceEpoch)
            if try insertRow(t, key: key, identifier: anchor.id) {
                new += 1
                try historyApplying(t, customer: anchor.customer)
            } else {
                try compareWithStored(t, key: key, identifier: anchor.id)
            }
            try link(t, anchor: anchor.id)
        }
    }

    /// Inserts `t` under `key`, binding through SQLite directly (GRDB's argument arrays cost more than the insert
    /// itself on a large import); false when the key is already stored.
    private func insertRow(_ t: Transaction, key: String, identifier: Int64) throws -> Bool {
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
        integer(15, identifier)
        let code = sqlite3_step(s)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        return sqlite3_changes(db.sqliteConnection) == 1
    }

    /// The stored identifier of `type` and normalised `value`, added when new, its first day moved back when
    /// `day` is earlier.
    private mutating func identifier(type: String, value: String, junk: String?, day: Int32) throws
        -> (id: Int64, firstDay: Int32, customer: String) {
        let key = IdentifierKey(type: type, value: value)
        if let known = identifiers[key], known.firstDay <= day { return known }
        let own = IdentityNode(id: 0, type: type, value: value, firstDay: day).canonicalID
        let s = upsertIdentifier.sqliteStatement
        sqlite3_reset(s)
        sqlite3_clear_bindings(s)
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        sqlite3_bind_text(s, 1, type, -1, transient)
        sqlite3_bind_text(s, 2, value, -1, transient)
        sqlite3_bind_int64(s, 3, Int64(day))
        sqlite3_bind_text(s, 4, own, -1, transient)
        if let junk { sqlite3_bind_text(s, 5, junk, -1, transient) }
        sqlite3_bind_int64(s, 6, runID)
        guard sqlite3_step(s) == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: sqlite3_errcode(db.sqliteConnection)),
                                message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        let found = (id: sqlite3_column_int64(s, 0), firstDay: Int32(sqlite3_column_int64(s, 1)),
                     customer: String(cString: sqlite3_column_text(s, 2)))
        _ = sqlite3_step(s)
        identifiers[key] = found
        return found
    }

    /// The customer column's value as an identifier of ``CLVStore/ImportRequest/customerType``: normalised by
    /// the rules (a phone column becomes E.164), or as read when it cannot be (the row keeps its own customer).
    private func anchorValue(_ raw: String) -> String {
        guard request.customerType != "customer_id" else { return raw }
        let (value, junk) = rules.normalize(raw, type: request.customerType)
        return junk == nil ? value : raw
    }

    /// Records the identifiers and attributes the row carries, linked to its customer's own id.
    private mutating func link(_ t: Transaction, anchor: Int64) throws {
        for (type, raw) in t.identifiers.sorted(by: { $0.key < $1.key }) {
            guard rules.rule(type) != nil else {
                throw StoreError.unknownIdentifierType(type, known: rules.types.map(\.name))
            }
            let (value, junk) = rules.normalize(raw, type: type)
            guard !value.isEmpty else { continue }
            let other = try identifier(type: type, value: value, junk: junk, day: t.day.daysSinceEpoch)
            guard other.id != anchor else { continue }
            try upsertLink.execute(arguments: [anchor, other.id, runID, Int(t.day.daysSinceEpoch)])
            linked = true
        }
        for (name, value) in t.attributes.sorted(by: { $0.key < $1.key }) {
            try upsertAttribute.execute(arguments: [anchor, name, runID, value, Int(t.day.daysSinceEpoch)])
        }
    }

    /// Applies a new row to its customer's history, loading the stored one on first touch.
    private mutating func historyApplying(_ t: Transaction, customer: String) throws {
        if histories[customer] == nil {
            var history = CustomerHistory(customerID: customer)
            if !noStoredCustomers, let blob = try Data.fetchOne(load, arguments: [customer]) {
                history = try CustomerHistory(stored: blob, customer: customer, location: location)
            }
            histories[customer] = history
        }
        var row = t
        row.customerID = customer
        try histories[customer]!.apply(row)
    }

    /// A known key: the same content is skipped; other content is refused or replaced.
    private mutating func compareWithStored(_ t: Transaction, key: String, identifier: Int64) throws {
        guard let stored = try Row.fetchOne(db, sql: """
            SELECT id, identifier_id, customer_id, day, timestamp, kind, amount_micros, order_id, line_id, quantity_micros, channel, campaign,
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
        let customers = try String.fetchSet(db, sql: "SELECT customer FROM identifiers WHERE id IN (?, ?)",
                                            arguments: [stored["identifier_id"] as Int64?, identifier])
        try db.execute(sql: """
            UPDATE transactions SET replaced_run = ?, customer_id = ?, identifier_id = ?, day = ?, timestamp = ?, kind = ?,
                amount_micros = ?, order_id = ?, line_id = ?, quantity_micros = ?, channel = ?, campaign = ?, sequence = ?
            WHERE id = ?
            """, arguments: [runID, t.customerID, identifier, Int(t.day.daysSinceEpoch), t.timestamp, t.kind.rawValue,
                             t.amount.micros, t.orderID, t.lineID, t.quantity?.micros, t.channel, t.campaign, t.sequence,
                             stored["id"] as Int64])
        changed += 1
        rebuild.formUnion(customers)
    }

    /// Stitches the identity graph again when it changed, brings the touched customers' histories up to date,
    /// records the run's outcome, and returns it.
    mutating func finish() throws -> ImportOutcome {
        if try linked || SQLiteIdentity.hasGraph(db) {
            rebuild.formUnion(try SQLiteIdentity.restitch(db, rules: rules, runID: runID))
        }
        let touched = Set(histories.keys).union(rebuild)
        try SQLiteIdentity.save(touched, rebuild: rebuild, incremental: histories, db: db, runID: runID, location: location)
        let outcome = ImportOutcome(runID: runID, rows: rows, new: new, known: known, changed: changed, customersTouched: touched.count)
        let json = String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self)
        try db.execute(sql: "UPDATE runs SET finished_at = ?, outcome = ? WHERE id = ?",
                       arguments: [Date().timeIntervalSince1970, json, runID])
        return outcome
    }

    /// A row of the `transactions` table (the columns of ``StoredTransaction`` by name; `customer_id` may be absent).
    static func storedRow(_ row: Row) -> StoredTransaction {
        StoredTransaction(customerID: row["customer_id"] ?? "", day: Int32(row["day"] as Int), timestamp: row["timestamp"],
                          kind: row["kind"], amountMicros: row["amount_micros"], orderID: row["order_id"], lineID: row["line_id"],
                          quantityMicros: row["quantity_micros"], channel: row["channel"], campaign: row["campaign"],
                          sequence: row["sequence"])
    }
}
