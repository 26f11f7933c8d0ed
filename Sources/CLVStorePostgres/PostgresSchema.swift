/// The PostgreSQL store's schema: the same steps, tables and columns as the SQLite store's
/// (`CLVStoreSQLite`), in PostgreSQL's types. A schema with a step this version does not know is refused.
enum PostgresSchema {
    struct Step {
        let identifier: String
        let statements: [String]
    }

    static let steps: [Step] = [
        Step(identifier: "v1: sources, files, runs, transactions, customers", statements: [
            """
            CREATE TABLE runs (
                id BIGSERIAL PRIMARY KEY,
                kind TEXT NOT NULL,
                started_at DOUBLE PRECISION NOT NULL,
                finished_at DOUBLE PRECISION,
                inputs TEXT NOT NULL,
                outcome TEXT
            )
            """,
            """
            CREATE TABLE sources (
                id BIGSERIAL PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL CHECK (kind IN ('file', 'stream')),
                channel TEXT,
                first_run BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE source_files (
                id BIGSERIAL PRIMARY KEY,
                source_id BIGINT NOT NULL REFERENCES sources(id),
                file_hash TEXT NOT NULL,
                first_run BIGINT NOT NULL REFERENCES runs(id),
                UNIQUE (source_id, file_hash)
            )
            """,
            """
            CREATE TABLE transactions (
                id BIGSERIAL PRIMARY KEY,
                source_id BIGINT NOT NULL REFERENCES sources(id),
                row_key TEXT NOT NULL,
                run_id BIGINT NOT NULL REFERENCES runs(id),
                customer_id TEXT NOT NULL,
                day INTEGER NOT NULL,
                timestamp BIGINT,
                kind TEXT NOT NULL CHECK (kind IN ('purchase', 'return')),
                amount_micros BIGINT NOT NULL,
                order_id TEXT,
                line_id TEXT,
                quantity_micros BIGINT,
                channel TEXT,
                campaign TEXT,
                sequence BIGINT NOT NULL,
                UNIQUE (source_id, row_key)
            )
            """,
            "CREATE INDEX transactions_by_customer ON transactions (customer_id, day)",
            """
            CREATE TABLE customers (
                customer_id TEXT PRIMARY KEY,
                history BYTEA NOT NULL,
                history_version INTEGER NOT NULL,
                updated_run BIGINT NOT NULL REFERENCES runs(id)
            )
            """,
        ]),
    ]
}
