import CLVCore
import CLVHistory
import CLVStore
import Foundation
import GRDB

/// Identity stitching inside a write transaction of the SQLite store: the rules kept in the store, the graph
/// re-stitched (``CLVStore/IdentityResolver``), and the histories of the customers whose rows changed hands.
enum SQLiteIdentity {
    /// The rules for this write: `yaml` when given (and then kept in the store for the next ones), else the
    /// store's, else the defaults.
    static func rules(_ db: Database, yaml: String?, runID: Int64, location: String) throws -> IdentityRules {
        if let yaml {
            let rules = try IdentityRules.load(yaml: yaml, file: "--identity-rules")
            try db.execute(sql: """
                INSERT INTO settings (key, value, run_id) VALUES ('identity_rules', ?, ?)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, run_id = excluded.run_id
                """, arguments: [yaml, runID])
            return rules
        }
        guard let stored = try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'identity_rules'") else {
            return .defaults
        }
        do {
            return try IdentityRules.load(yaml: stored, file: "the store's identity rules")
        } catch {
            throw StoreError.damaged(location: location, reason: "its identity rules cannot be read: \(error)")
        }
    }

    /// Whether the graph has anything to stitch (a link or a split); without, every identifier is its own customer.
    static func hasGraph(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM identity_links) OR EXISTS (SELECT 1 FROM identifiers WHERE detached_run IS NOT NULL)
            """) ?? false
    }

    /// The whole identity graph.
    static func graph(_ db: Database) throws -> (nodes: [IdentityNode], links: [IdentityLink], customer: [Int64: String]) {
        var nodes: [IdentityNode] = [], customer: [Int64: String] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT id, type, value, first_day, junk, detached_run, customer FROM identifiers")
        while let row = try rows.next() {
            let id: Int64 = row["id"]
            nodes.append(IdentityNode(id: id, type: row["type"], value: row["value"], firstDay: Int32(row["first_day"] as Int),
                                      junk: row["junk"], detached: (row["detached_run"] as Int64?) != nil))
            customer[id] = row["customer"]
        }
        var links: [IdentityLink] = []
        let linkRows = try Row.fetchCursor(db, sql: "SELECT anchor, other, min(first_day) AS day FROM identity_links GROUP BY anchor, other")
        while let row = try linkRows.next() {
            links.append(IdentityLink(anchor: row["anchor"], other: row["other"], firstDay: Int32(row["day"] as Int)))
        }
        return (nodes, links, customer)
    }

    /// Re-stitches the graph under `rules` and records every identifier whose customer changed (in
    /// `identity_changes`, under `runID`).
    /// - Returns: the canonical ids, before and after, of the customers that gained or lost identifiers.
    static func restitch(_ db: Database, rules: IdentityRules, runID: Int64) throws -> Set<String> {
        guard try hasGraph(db) else { return try resetToOwn(db, runID: runID) }
        let (nodes, links, stored) = try graph(db)
        let resolution = IdentityResolver.resolve(nodes: nodes, links: links, rules: rules)
        var changed: Set<String> = []
        let update = try db.makeStatement(sql: "UPDATE identifiers SET customer = ? WHERE id = ?")
        let record = try db.makeStatement(sql: "INSERT INTO identity_changes (run_id, identifier_id, previous, customer) VALUES (?, ?, ?, ?)")
        for node in nodes {
            let now = resolution.customer[node.id]!, before = stored[node.id]!
            guard now != before else { continue }
            try update.execute(arguments: [now, node.id])
            try record.execute(arguments: [runID, node.id, before, now])
            changed.insert(before)
            changed.insert(now)
        }
        return changed
    }

    /// Without links or splits every identifier is its own customer; puts back any that is not (after an undo
    /// removed the last link).
    private static func resetToOwn(_ db: Database, runID: Int64) throws -> Set<String> {
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, customer, CASE WHEN type = 'customer_id' THEN value ELSE type || ':' || value END AS own
            FROM identifiers WHERE customer <> (CASE WHEN type = 'customer_id' THEN value ELSE type || ':' || value END)
            """)
        var changed: Set<String> = []
        for row in rows {
            let own: String = row["own"], before: String = row["customer"]
            try db.execute(sql: "UPDATE identifiers SET customer = ? WHERE id = ?", arguments: [own, row["id"] as Int64])
            try db.execute(sql: "INSERT INTO identity_changes (run_id, identifier_id, previous, customer) VALUES (?, ?, ?, ?)",
                           arguments: [runID, row["id"] as Int64, before, own])
            changed.insert(before)
            changed.insert(own)
        }
        return changed
    }

    /// The history of canonical customer `customer` from every row of every identifier it holds.
    static func rebuiltHistory(_ customer: String, db: Database, location: String) throws -> CustomerHistory {
        var history = CustomerHistory(customerID: customer)
        let rows = try Row.fetchCursor(db, sql: """
            SELECT t.day, t.timestamp, t.kind, t.amount_micros, t.order_id, t.line_id, t.quantity_micros, t.channel,
                   t.campaign, t.sequence, s.name AS source
            FROM identifiers i JOIN transactions t ON t.identifier_id = i.id JOIN sources s ON s.id = t.source_id
            WHERE i.customer = ?
            """, arguments: [customer])
        while let row = try rows.next() {
            var stored = TransactionImporter.storedRow(row)
            stored.customerID = customer
            try history.apply(try stored.transaction(source: row["source"], location: location))
        }
        return history
    }

    /// Saves the histories of `customers`: those in `rebuild` from their stored rows, the others from
    /// `incremental`; an empty history removes the customer.
    static func save(_ customers: Set<String>, rebuild: Set<String>, incremental: [String: CustomerHistory],
                     db: Database, runID: Int64, location: String) throws {
        let save = try db.cachedStatement(sql: """
            INSERT INTO customers (customer_id, history, history_version, updated_run) VALUES (?, ?, ?, ?)
            ON CONFLICT (customer_id) DO UPDATE SET history = excluded.history,
                history_version = excluded.history_version, updated_run = excluded.updated_run
            """)
        for customer in customers.sorted() {
            let history = rebuild.contains(customer) || incremental[customer] == nil
                ? try rebuiltHistory(customer, db: db, location: location) : incremental[customer]!
            if history.isEmpty {
                try db.execute(sql: "DELETE FROM customers WHERE customer_id = ?", arguments: [customer])
            } else {
                try save.execute(arguments: [customer, Data(history.encoded()), CustomerHistory.binaryFormatVersion, runID])
            }
        }
    }

    /// The canonical customer of `id`: a canonical id, a customer id, `TYPE=VALUE` (normalised by the rules), or
    /// a value of any other type that exactly one customer holds.
    static func resolve(_ id: String, db: Database, rules: IdentityRules) throws -> String? {
        if let canonical = try String.fetchOne(db, sql: "SELECT customer FROM identifiers WHERE customer = ? LIMIT 1", arguments: [id]) {
            return canonical
        }
        if let eq = id.firstIndex(of: "="), rules.rule(String(id[..<eq])) != nil {
            let type = String(id[..<eq])
            let value = rules.normalize(String(id[id.index(after: eq)...]), type: type).value
            return try String.fetchOne(db, sql: "SELECT customer FROM identifiers WHERE type = ? AND value = ?", arguments: [type, value])
        }
        var found: Set<String> = []
        for rule in rules.types {
            let value = rules.normalize(id, type: rule.name).value
            if let c = try String.fetchOne(db, sql: "SELECT customer FROM identifiers WHERE type = ? AND value = ?", arguments: [rule.name, value]) {
                found.insert(c)
            }
        }
        return found.count == 1 ? found.first : nil
    }
}
