import GRDB

/// The store's schema, one registered step per change. A store is migrated forward on open; a store with a
/// step this version does not know is refused (``CLVStore/StoreError/newerSchema(location:unknown:)``), never misread.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: sources, files, runs, transactions, customers") { db in
            try db.execute(sql: """
                CREATE TABLE sources (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL CHECK (kind IN ('file', 'stream')),
                    channel TEXT,
                    first_run INTEGER NOT NULL
                );
                CREATE TABLE source_files (
                    id INTEGER PRIMARY KEY,
                    source_id INTEGER NOT NULL REFERENCES sources(id),
                    file_hash TEXT NOT NULL,
                    first_run INTEGER NOT NULL REFERENCES runs(id),
                    UNIQUE (source_id, file_hash)
                );
                CREATE TABLE runs (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    started_at REAL NOT NULL,
                    finished_at REAL,
                    inputs TEXT NOT NULL,
                    outcome TEXT
                );
                CREATE TABLE transactions (
                    id INTEGER PRIMARY KEY,
                    source_id INTEGER NOT NULL REFERENCES sources(id),
                    row_key TEXT NOT NULL,
                    run_id INTEGER NOT NULL REFERENCES runs(id),
                    customer_id TEXT NOT NULL,
                    day INTEGER NOT NULL,
                    timestamp INTEGER,
                    kind TEXT NOT NULL CHECK (kind IN ('purchase', 'return')),
                    amount_micros INTEGER NOT NULL,
                    order_id TEXT,
                    line_id TEXT,
                    quantity_micros INTEGER,
                    channel TEXT,
                    campaign TEXT,
                    sequence INTEGER NOT NULL,
                    UNIQUE (source_id, row_key)
                );
                CREATE INDEX transactions_by_customer ON transactions(customer_id, day);
                CREATE TABLE customers (
                    customer_id TEXT PRIMARY KEY,
                    history BLOB NOT NULL,
                    history_version INTEGER NOT NULL,
                    updated_run INTEGER NOT NULL REFERENCES runs(id)
                );
                """)
        }
        return migrator
    }
}
