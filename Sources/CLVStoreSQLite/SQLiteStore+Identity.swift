import CLVCore
import CLVHistory
import CLVStore
import Foundation
import GRDB

extension SQLiteStore {
    /// The canonical id of the customer `id` names.
    public func canonicalID(of id: String) throws -> String? {
        try wrap {
            try pool.read { db in
                try SQLiteIdentity.resolve(id, db: db, rules: try SQLiteIdentity.rules(db, yaml: nil, runID: 0, location: location))
            }
        }
    }

    /// What stitching made of the identifiers.
    public func identityReport() throws -> IdentityReport {
        try wrap {
            try pool.read { db in
                let rules = try SQLiteIdentity.rules(db, yaml: nil, runID: 0, location: location)
                let (nodes, links, _) = try SQLiteIdentity.graph(db)
                let resolution = IdentityResolver.resolve(nodes: nodes, links: links, rules: rules)
                var byType: [String: Int] = [:]
                for node in nodes { byType[node.type, default: 0] += 1 }
                let before = try Int.fetchOne(db, sql: "SELECT count(DISTINCT identifier_id) FROM transactions") ?? 0
                let after = try Int.fetchOne(db, sql: "SELECT count(*) FROM customers") ?? 0
                return IdentityReport(customersBefore: before, customersAfter: after, identifiersByType: byType,
                                      mergesByRule: resolution.mergesByRule, refusedByLimit: resolution.refusedByLimit,
                                      blockedShared: resolution.blockedShared, junk: resolution.junk,
                                      split: nodes.filter(\.detached).count)
            }
        }
    }

    /// Splits an identifier out of a customer (see ``CustomerDataStore/split(customer:type:value:)``).
    public func split(customer id: String, type: String, value: String) throws -> SplitOutcome {
        let started = Date().timeIntervalSince1970
        return try wrap {
            try pool.write { db in
                let rules = try SQLiteIdentity.rules(db, yaml: nil, runID: 0, location: location)
                guard rules.rule(type) != nil else { throw StoreError.unknownIdentifierType(type, known: rules.types.map(\.name)) }
                guard let customer = try SQLiteIdentity.resolve(id, db: db, rules: rules) else {
                    throw StoreError.unknownCustomer(location: location, id: id)
                }
                let normalized = rules.normalize(value, type: type).value
                guard let node = try Row.fetchOne(db, sql: "SELECT id, customer FROM identifiers WHERE type = ? AND value = ?",
                                                  arguments: [type, normalized]),
                      node["customer"] as String == customer else {
                    throw StoreError.unknownCustomer(location: location, id: "\(type)=\(value) of customer \(customer)")
                }
                let inputs = String(decoding: try JSONEncoder().encode([id, "\(type)=\(value)"]), as: UTF8.self)
                try db.execute(sql: "INSERT INTO runs (kind, started_at, inputs) VALUES ('identity split', ?, ?)", arguments: [started, inputs])
                let runID = db.lastInsertedRowID
                try db.execute(sql: "UPDATE identifiers SET detached_run = ? WHERE id = ?", arguments: [runID, node["id"] as Int64])
                let changed = try SQLiteIdentity.restitch(db, rules: rules, runID: runID)
                try SQLiteIdentity.save(changed, rebuild: changed, incremental: [:], db: db, runID: runID, location: location)
                let to = try String.fetchOne(db, sql: "SELECT customer FROM identifiers WHERE id = ?", arguments: [node["id"] as Int64]) ?? customer
                let outcome = SplitOutcome(runID: runID, from: customer, to: to, customersTouched: changed.count)
                try db.execute(sql: "UPDATE runs SET finished_at = ?, outcome = ? WHERE id = ?",
                               arguments: [Date().timeIntervalSince1970, String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self), runID])
                return outcome
            }
        }
    }

    /// Undoes an import run (see ``CustomerDataStore/undoImport(run:)``).
    public func undoImport(run: Int64) throws -> UndoOutcome {
        let started = Date().timeIntervalSince1970
        return try wrap {
            try pool.write { db in
                guard let record = try Row.fetchOne(db, sql: "SELECT kind, undone_by FROM runs WHERE id = ?", arguments: [run]) else {
                    throw StoreError.cannotUndo(run: run, reason: "the store has no such run")
                }
                guard record["kind"] as String == "import" else {
                    throw StoreError.cannotUndo(run: run, reason: "it is a '\(record["kind"] as String)' run, not an import")
                }
                if let by = record["undone_by"] as Int64? { throw StoreError.cannotUndo(run: run, reason: "run \(by) undid it already") }
                let replaced = try Int.fetchOne(db, sql: "SELECT count(*) FROM transactions WHERE replaced_run = ?", arguments: [run]) ?? 0
                if replaced > 0 {
                    throw StoreError.cannotUndo(run: run, reason: "it replaced \(replaced) known rows (--on-conflict replace), whose earlier content the store does not keep; import the earlier content again with --on-conflict replace instead")
                }
                let rules = try SQLiteIdentity.rules(db, yaml: nil, runID: 0, location: location)
                let inputs = String(decoding: try JSONEncoder().encode(["--undo", String(run)]), as: UTF8.self)
                try db.execute(sql: "INSERT INTO runs (kind, started_at, inputs) VALUES ('undo', ?, ?)", arguments: [started, inputs])
                let runID = db.lastInsertedRowID
                // The customers whose rows or links go.
                var touched = try String.fetchSet(db, sql: """
                    SELECT DISTINCT i.customer FROM transactions t JOIN identifiers i ON i.id = t.identifier_id WHERE t.run_id = ?
                    UNION SELECT i.customer FROM identity_links l JOIN identifiers i ON i.id IN (l.anchor, l.other) WHERE l.run_id = ?
                    """, arguments: [run, run])
                let affected = try Int64.fetchSet(db, sql: """
                    SELECT identifier_id FROM transactions WHERE run_id = ? UNION SELECT anchor FROM identity_links WHERE run_id = ?
                    UNION SELECT other FROM identity_links WHERE run_id = ? UNION SELECT identifier_id FROM attributes WHERE run_id = ?
                    """, arguments: [run, run, run, run])
                try db.execute(sql: "DELETE FROM transactions WHERE run_id = ?", arguments: [run])
                let removed = db.changesCount
                try db.execute(sql: "DELETE FROM identity_links WHERE run_id = ?", arguments: [run])
                try db.execute(sql: "DELETE FROM attributes WHERE run_id = ?", arguments: [run])
                // Identifiers nothing refers to any more go; the others' first day is what remains.
                for id in affected.sorted() {
                    let day = try Int.fetchOne(db, sql: """
                        SELECT min(d) FROM (SELECT min(day) AS d FROM transactions WHERE identifier_id = ?1
                            UNION ALL SELECT min(first_day) FROM identity_links WHERE anchor = ?1 OR other = ?1
                            UNION ALL SELECT min(day) FROM attributes WHERE identifier_id = ?1)
                        """, arguments: [id])
                    if let day {
                        try db.execute(sql: "UPDATE identifiers SET first_day = ? WHERE id = ?", arguments: [day, id])
                    } else {
                        try db.execute(sql: "DELETE FROM identity_changes WHERE identifier_id = ?", arguments: [id])
                        try db.execute(sql: "DELETE FROM identifiers WHERE id = ?", arguments: [id])
                    }
                }
                try db.execute(sql: "DELETE FROM source_files WHERE first_run = ? AND NOT EXISTS (SELECT 1 FROM transactions t WHERE t.source_id = source_files.source_id AND t.run_id <> ?)",
                               arguments: [run, run])
                try db.execute(sql: """
                    DELETE FROM sources WHERE first_run = ? AND NOT EXISTS (SELECT 1 FROM transactions t WHERE t.source_id = sources.id)
                        AND NOT EXISTS (SELECT 1 FROM source_files f WHERE f.source_id = sources.id)
                    """, arguments: [run])
                touched.formUnion(try SQLiteIdentity.restitch(db, rules: rules, runID: runID))
                try SQLiteIdentity.save(touched, rebuild: touched, incremental: [:], db: db, runID: runID, location: location)
                try db.execute(sql: "UPDATE runs SET undone_by = ? WHERE id = ?", arguments: [runID, run])
                let outcome = UndoOutcome(runID: runID, undone: run, rowsRemoved: removed, customersTouched: touched.count)
                try db.execute(sql: "UPDATE runs SET finished_at = ?, outcome = ? WHERE id = ?",
                               arguments: [Date().timeIntervalSince1970, String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self), runID])
                return outcome
            }
        }
    }

    /// The 360° profile of the customer `id` names.
    public func profile(of id: String, recent: Int) throws -> CustomerProfile? {
        try wrap {
            try pool.read { db in
                let rules = try SQLiteIdentity.rules(db, yaml: nil, runID: 0, location: location)
                guard let customer = try SQLiteIdentity.resolve(id, db: db, rules: rules) else { return nil }
                var held: [HeldIdentifier] = []
                for row in try Row.fetchAll(db, sql: """
                    SELECT i.type, i.value, i.junk, (SELECT group_concat(DISTINCT s.name) FROM (
                        SELECT source_id FROM transactions WHERE identifier_id = i.id
                        UNION SELECT t.source_id FROM identity_links l JOIN transactions t ON t.identifier_id = l.anchor AND t.run_id = l.run_id
                            WHERE l.other = i.id) x JOIN sources s ON s.id = x.source_id) AS sources
                    FROM identifiers i WHERE i.customer = ? ORDER BY i.type, i.value
                    """, arguments: [customer]) {
                    let sources = ((row["sources"] as String?) ?? "").split(separator: ",").map(String.init).sorted()
                    held.append(HeldIdentifier(type: row["type"], value: row["value"], sources: sources, junk: row["junk"]))
                }
                held.sort { (rules.rank($0.type), $0.value) < (rules.rank($1.type), $1.value) }
                func tally(_ column: String) throws -> [String: Int] {
                    var out: [String: Int] = [:]
                    for row in try Row.fetchAll(db, sql: """
                        SELECT \(column) AS k, count(*) AS n FROM identifiers i JOIN transactions t ON t.identifier_id = i.id
                        JOIN sources s ON s.id = t.source_id WHERE i.customer = ? AND \(column) IS NOT NULL GROUP BY 1
                        """, arguments: [customer]) { out[row["k"]] = row["n"] }
                    return out
                }
                var attributes: [String: String] = [:]
                for row in try Row.fetchAll(db, sql: """
                    SELECT a.name, a.value FROM attributes a JOIN identifiers i ON i.id = a.identifier_id
                    WHERE i.customer = ? ORDER BY a.name, a.day, a.run_id
                    """, arguments: [customer]) { attributes[row["name"]] = row["value"] }
                let history = try Data.fetchOne(db, sql: "SELECT history FROM customers WHERE customer_id = ?", arguments: [customer])
                    .map { try CustomerHistory(stored: $0, customer: customer, location: location) }
                var rows: [Transaction] = []
                for row in try Row.fetchAll(db, sql: """
                    SELECT t.*, s.name AS source FROM identifiers i JOIN transactions t ON t.identifier_id = i.id
                    JOIN sources s ON s.id = t.source_id WHERE i.customer = ? ORDER BY t.day DESC, t.timestamp DESC, t.id DESC LIMIT ?
                    """, arguments: [customer, max(recent, 0)]) {
                    rows.append(try TransactionImporter.storedRow(row).transaction(source: row["source"], location: location))
                }
                var changes: [IdentityChange] = []
                for row in try Row.fetchAll(db, sql: """
                    SELECT c.run_id, i.type, i.value, c.previous, c.customer FROM identity_changes c JOIN identifiers i ON i.id = c.identifier_id
                    WHERE c.customer = ?1 OR c.previous = ?1 OR i.customer = ?1 ORDER BY c.id
                    """, arguments: [customer]) {
                    changes.append(IdentityChange(runID: row["run_id"], identifier: "\(row["type"] as String):\(row["value"] as String)",
                                                  previous: row["previous"], customer: row["customer"]))
                }
                return CustomerProfile(customerID: customer, identifiers: held, channels: try tally("t.channel"),
                                       sources: try tally("s.name"), attributes: attributes, history: history,
                                       recent: rows, changes: changes)
            }
        }
    }
}
