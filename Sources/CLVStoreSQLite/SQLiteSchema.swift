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
        migrator.registerMigration("v2: identifiers, identity links and changes, attributes; rows know their identifier and their replacing run") { db in
            try db.execute(sql: """
                CREATE TABLE identifiers (
                    id INTEGER PRIMARY KEY,
                    type TEXT NOT NULL,
                    value TEXT NOT NULL,
                    first_day INTEGER NOT NULL,
                    customer TEXT NOT NULL,
                    junk TEXT,
                    detached_run INTEGER REFERENCES runs(id),
                    first_run INTEGER NOT NULL REFERENCES runs(id),
                    UNIQUE (type, value)
                );
                CREATE INDEX identifiers_by_customer ON identifiers(customer);
                CREATE INDEX identifiers_detached ON identifiers(detached_run) WHERE detached_run IS NOT NULL;
                CREATE TABLE identity_links (
                    anchor INTEGER NOT NULL REFERENCES identifiers(id),
                    other INTEGER NOT NULL REFERENCES identifiers(id),
                    run_id INTEGER NOT NULL REFERENCES runs(id),
                    first_day INTEGER NOT NULL,
                    PRIMARY KEY (anchor, other, run_id)
                ) WITHOUT ROWID;
                CREATE INDEX identity_links_by_other ON identity_links(other);
                CREATE INDEX identity_links_by_run ON identity_links(run_id);
                CREATE TABLE identity_changes (
                    id INTEGER PRIMARY KEY,
                    run_id INTEGER NOT NULL REFERENCES runs(id),
                    identifier_id INTEGER NOT NULL REFERENCES identifiers(id),
                    previous TEXT NOT NULL,
                    customer TEXT NOT NULL
                );
                CREATE TABLE attributes (
                    identifier_id INTEGER NOT NULL REFERENCES identifiers(id),
                    name TEXT NOT NULL,
                    run_id INTEGER NOT NULL REFERENCES runs(id),
                    value TEXT NOT NULL,
                    day INTEGER NOT NULL,
                    PRIMARY KEY (identifier_id, name, run_id)
                ) WITHOUT ROWID;
                CREATE INDEX attributes_by_run ON attributes(run_id);
                CREATE TABLE settings (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL,
                    run_id INTEGER NOT NULL REFERENCES runs(id)
                );
                ALTER TABLE runs ADD COLUMN undone_by INTEGER REFERENCES runs(id);
                ALTER TABLE transactions ADD COLUMN identifier_id INTEGER REFERENCES identifiers(id);
                ALTER TABLE transactions ADD COLUMN replaced_run INTEGER REFERENCES runs(id);
                INSERT INTO identifiers (type, value, first_day, customer, first_run)
                    SELECT 'customer_id', customer_id, min(day), customer_id, min(run_id) FROM transactions GROUP BY customer_id;
                UPDATE transactions SET identifier_id =
                    (SELECT i.id FROM identifiers i WHERE i.type = 'customer_id' AND i.value = transactions.customer_id);
                DROP INDEX transactions_by_customer;
                CREATE INDEX transactions_by_identifier ON transactions(identifier_id);
                CREATE INDEX transactions_by_run ON transactions(run_id);
                """)
        }
        return migrator
    }
}
