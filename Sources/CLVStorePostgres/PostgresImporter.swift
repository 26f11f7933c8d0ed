import CLVCore
import CLVHistory
import CLVStore
import Foundation
import PostgresNIO

/// One import inside the store's open transaction: rows are copied into a temporary table batch by batch,
/// then merged by set-based statements with the same rules as the SQLite store: a new key is inserted (the
/// first row of a key repeated in the import), a row equal to the stored one is known, another is refused or
/// replaces it (the last such row wins); the touched customers are rebuilt from their stored rows.
struct PostgresImporter {
    let store: PostgresStore
    let request: ImportRequest
    let runID: Int64
    let sourceID: Int64
    let fileNumber: Int64?
    private var staged = 0
    private var orderRows: [String: Int] = [:]

    /// The columns of a stored row, in the order ``stored(_:at:)`` decodes them.
    static let rowColumns = ["customer_id", "day", "timestamp", "kind", "amount_micros", "order_id", "line_id", "quantity_micros",
                             "channel", "campaign", "sequence"]

    /// The ``StoredTransaction`` in `row`'s columns `first ..< first + rowColumns.count` (``rowColumns``).
    static func stored(_ row: PostgresRow, from first: Int) throws -> StoredTransaction {
        let cells = row.makeRandomAccess()
        func cell<T: PostgresDecodable>(_ k: Int, _: T.Type = T.self) throws -> T { try cells[first + k].decode(T.self) }
        return StoredTransaction(customerID: try cell(0), day: try cell(1), timestamp: try cell(2), kind: try cell(3),
                                 amountMicros: try cell(4), orderID: try cell(5), lineID: try cell(6), quantityMicros: try cell(7),
                                 channel: try cell(8), campaign: try cell(9), sequence: try cell(10))
    }

    init(store: PostgresStore, request: ImportRequest, started: Double) throws {
        self.store = store
        self.request = request
        let inputs = String(decoding: try JSONEncoder().encode(request.inputs), as: UTF8.self)
        let ids: (Int64, Int64, Int64?) = try blocking { [store, request] in
            let run = try await store.rows("INSERT INTO runs (kind, started_at, inputs) VALUES ('import', \(started), \(inputs)) RETURNING id")[0]
                .decode(Int64.self)
            try await store.rows("""
                INSERT INTO sources (name, kind, channel, first_run) VALUES (\(request.source), \(request.sourceKind.rawValue), \(request.channel), \(run))
                ON CONFLICT (name) DO NOTHING
                """)
            let source = try await store.rows("SELECT id FROM sources WHERE name = \(request.source)")[0].decode(Int64.self)
            var file: Int64?
            if let hash = request.fileHash {
                try await store.rows("""
                    INSERT INTO source_files (source_id, file_hash, first_run) VALUES (\(source), \(hash), \(run)) ON CONFLICT DO NOTHING
                    """)
                file = try await store.rows("SELECT id FROM source_files WHERE source_id = \(source) AND file_hash = \(hash)")[0].decode(Int64.self)
            }
            try await store.run("""
                CREATE TEMP TABLE clv_staging (
                    stage_no BIGINT NOT NULL, row_key TEXT NOT NULL, customer_id TEXT NOT NULL, day INTEGER NOT NULL,
                    timestamp BIGINT, kind TEXT NOT NULL, amount_micros BIGINT NOT NULL, order_id TEXT, line_id TEXT,
                    quantity_micros BIGINT, channel TEXT, campaign TEXT, sequence BIGINT NOT NULL
                ) ON COMMIT DROP
                """)
            return (run, source, file)
        }
        (runID, sourceID, fileNumber) = ids
    }

    /// Copies a batch into the staging table.
    mutating func add(_ batch: [Transaction]) throws {
        var text = ""
        text.reserveCapacity(batch.count * 96)
        for var t in batch {
            if !t.identifiers.isEmpty || !t.attributes.isEmpty {
                throw StoreError.unsupported(location: store.location, what: "identity stitching (--identity, --attribute)")
            }
            if request.identityRulesYAML != nil || request.customerType != "customer_id" {
                throw StoreError.unsupported(location: store.location, what: "identity stitching (--identity-rules)")
            }
            if let channel = request.channel { t.channel = channel }
            var occurrence = 0
            if case .orderLine = request.rowKeys, let order = t.orderID {
                occurrence = (orderRows[order] ?? 0) + 1
                orderRows[order] = occurrence
            }
            let key = try request.rowKeys.key(of: t, occurrence: occurrence, fileNumber: fileNumber)
            staged += 1
            let fields: [String?] = [String(staged), key, t.customerID, String(t.day.daysSinceEpoch), t.timestamp.map(String.init),
                                     t.kind.rawValue, String(t.amount.micros), t.orderID, t.lineID, t.quantity.map { String($0.micros) },
                                     t.channel, t.campaign, String(t.sequence)]
            text += fields.map(Self.copyField).joined(separator: "\t")
            text += "\n"
        }
        let payload = text
        try blocking { [store] in
            try await store.copy(table: "clv_staging", text: payload)
        }
    }

    /// A field in COPY's text format: `\N` for NULL; backslash, tab, line feed and carriage return escaped.
    static func copyField(_ value: String?) -> String {
        guard let value else { return "\\N" }
        guard value.contains(where: { $0 == "\\" || $0 == "\t" || $0 == "\n" || $0 == "\r" }) else { return value }
        var out = ""
        for ch in value {
            switch ch {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.append(ch)
            }
        }
        return out
    }

    /// Merges the staged rows, rebuilds the touched customers and records the run.
    func finish() throws -> ImportOutcome {
        let request = self.request, runID = self.runID, sourceID = self.sourceID, staged = self.staged, store = self.store
        return try blocking {
            let columns = StoredTransaction.contentColumns
            let list = columns.joined(separator: ", ")
            // New keys: the first staged row of each.
            let inserted = try await store.rows(PostgresQuery(unsafeSQL: """
                INSERT INTO transactions (source_id, row_key, run_id, \(list), timestamp, sequence)
                SELECT DISTINCT ON (row_key) \(sourceID), row_key, \(runID), \(list), timestamp, sequence
                FROM clv_staging ORDER BY row_key, stage_no
                ON CONFLICT (source_id, row_key) DO NOTHING RETURNING customer_id
                """))
            var touched = Set(try inserted.map { try $0.decode(String.self) })
            // Staged rows that differ from the stored row of their key, first first.
            let stored = columns.map { "t.\($0)" }.joined(separator: ", ")
            let staging = columns.map { "s.\($0)" }.joined(separator: ", ")
            let differing = try await store.rows(PostgresQuery(unsafeSQL: """
                SELECT s.row_key, \(Self.rowColumns.map { "t.\($0)" }.joined(separator: ", ")),
                       \(Self.rowColumns.map { "s.\($0)" }.joined(separator: ", "))
                FROM clv_staging s JOIN transactions t ON t.source_id = \(sourceID) AND t.row_key = s.row_key
                WHERE (\(stored)) IS DISTINCT FROM (\(staging))
                ORDER BY s.stage_no
                """))
            var changed = 0
            if let first = differing.first {
                if request.onConflict == .error {
                    let key = try first.makeRandomAccess()[0].decode(String.self)
                    let old = try Self.stored(first, from: 1), incoming = try Self.stored(first, from: 1 + Self.rowColumns.count)
                    throw StoreError.conflictingRow(source: request.source, key: key, line: incoming.sequence,
                                                    differences: incoming.differences(from: old).joined(separator: "; "))
                }
                changed = differing.count
                let oldCustomers = try await store.rows(PostgresQuery(unsafeSQL: """
                    SELECT DISTINCT t.customer_id FROM clv_staging s JOIN transactions t ON t.source_id = \(sourceID) AND t.row_key = s.row_key
                    WHERE (\(stored)) IS DISTINCT FROM (\(staging))
                    """))
                for row in oldCustomers { touched.insert(try row.decode(String.self)) }
                let updated = try await store.rows(PostgresQuery(unsafeSQL: """
                    UPDATE transactions t SET run_id = \(runID), timestamp = s.timestamp, sequence = s.sequence,
                        \(columns.map { "\($0) = s.\($0)" }.joined(separator: ", "))
                    FROM (SELECT DISTINCT ON (row_key) * FROM clv_staging ORDER BY row_key, stage_no DESC) s
                    WHERE t.source_id = \(sourceID) AND t.row_key = s.row_key AND (\(stored)) IS DISTINCT FROM (\(staging))
                    RETURNING t.customer_id
                    """))
                for row in updated { touched.insert(try row.decode(String.self)) }
            }
            try await Self.rebuild(Array(touched), store: store, runID: runID)
            let outcome = ImportOutcome(runID: runID, rows: staged, new: inserted.count, known: staged - inserted.count - changed,
                                        changed: changed, customersTouched: touched.count)
            let json = String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self)
            try await store.rows("UPDATE runs SET finished_at = \(Date().timeIntervalSince1970), outcome = \(json) WHERE id = \(runID)")
            return outcome
        }
    }

    /// Rebuilds the histories of `customers` from every row the store holds for them, and saves them.
    static func rebuild(_ customers: [String], store: PostgresStore, runID: Int64) async throws {
        guard !customers.isEmpty else { return }
        var histories: [String: CustomerHistory] = [:]
        for c in customers { histories[c] = CustomerHistory(customerID: c) }
        var query = PostgresQuery(unsafeSQL: """
            SELECT \(rowColumns.map { "t.\($0)" }.joined(separator: ", ")), s.name
            FROM transactions t JOIN sources s ON s.id = t.source_id WHERE t.customer_id = ANY($1)
            """)
        query.binds.append(customers)
        for row in try await store.rows(query) {
            let stored = try Self.stored(row, from: 0)
            let source = try row.makeRandomAccess()[rowColumns.count].decode(String.self)
            try histories[stored.customerID]!.apply(try stored.transaction(source: source, location: store.location))
        }
        let empty = histories.values.filter(\.isEmpty).map(\.customerID)
        if !empty.isEmpty { try await store.rows("DELETE FROM customers WHERE customer_id = ANY(\(empty))") }
        try await store.run("CREATE TEMP TABLE clv_histories (customer_id TEXT NOT NULL, history BYTEA NOT NULL) ON COMMIT DROP")
        var text = ""
        for h in histories.values where !h.isEmpty {
            text += copyField(h.customerID) + "\t\\\\x" + hex(h.encoded()) + "\n"
        }
        try await store.copy(table: "clv_histories", text: text)
        try await store.rows(PostgresQuery(unsafeSQL: """
            INSERT INTO customers (customer_id, history, history_version, updated_run)
            SELECT customer_id, history, \(CustomerHistory.binaryFormatVersion), \(runID) FROM clv_histories
            ON CONFLICT (customer_id) DO UPDATE SET history = excluded.history, history_version = excluded.history_version,
                updated_run = excluded.updated_run
            """))
        try await store.run("DROP TABLE clv_histories")
    }
}

/// `bytes` as lower-case hex digits.
func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8](repeating: 0, count: bytes.count * 2)
    for (i, b) in bytes.enumerated() {
        out[2 * i] = digits[Int(b >> 4)]
        out[2 * i + 1] = digits[Int(b & 15)]
    }
    return String(decoding: out, as: UTF8.self)
}

extension PostgresStore {
    /// Sends `text` (COPY text format) into `table`.
    func copy(table: String, text: String) async throws {
        guard !text.isEmpty else { return }
        try await connectionForCopy.copyFrom(table: table, logger: loggerForCopy) { writer in
            var buffer = ByteBuffer()
            buffer.writeString(text)
            try await writer.write(buffer)
        }
    }
}
