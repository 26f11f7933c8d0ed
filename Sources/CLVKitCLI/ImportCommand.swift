import ArgumentParser
import CLVIO
import CLVKit
import CLVStore
import CLVStorePostgres
import CLVStoreSQLite
import Foundation

/// Where the store is: `--store`, else the `CLVKIT_STORE` environment variable.
struct StoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The store: a SQLite file (created if missing), or postgres://user@host[:port]/database[?sslmode=…&schema=…] (the password from PGPASSWORD or ~/.pgpass). Default: $CLVKIT_STORE.", valueName: "path|url"))
    var store: String?

    /// The store's location; a usage error when neither the flag nor the variable gives one.
    func location() throws -> String {
        if let store, !store.isEmpty { return store }
        if let env = ProcessInfo.processInfo.environment["CLVKIT_STORE"], !env.isEmpty { return env }
        throw ValidationError("no store: pass --store PATH or set CLVKIT_STORE.")
    }

    /// Checks the location's form (before any input is read): a PostgreSQL URL must parse and hold no password.
    func validateLocation() throws {
        let where_ = try location()
        if PostgresLocation.isPostgresURL(where_) {
            do {
                _ = try PostgresLocation(url: where_)
            } catch let error as StoreError {
                throw ValidationError("--store: \(error.description)")
            }
        }
    }

    /// Opens the store: a PostgreSQL URL (its password from PGPASSWORD, else the password file PGPASSFILE or
    /// ~/.pgpass), else a SQLite file.
    func open() throws -> any CustomerDataStore {
        let where_ = try location()
        guard PostgresLocation.isPostgresURL(where_) else { return try SQLiteStore(path: where_) }
        var server = try PostgresLocation(url: where_)
        let environment = ProcessInfo.processInfo.environment
        if let password = environment["PGPASSWORD"] {
            server.password = password
        } else {
            let file = environment["PGPASSFILE"] ?? (NSHomeDirectory() + "/.pgpass")
            if let content = try? String(contentsOfFile: file, encoding: .utf8) { server.password = server.password(fromPassFile: content) }
        }
        return try PostgresStore(server)
    }
}

extension CLV {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Load a transaction log into the store, idempotently, as one transaction.",
            discussion: """
            A row is known by its source and key: with --event-id, the source's event id; with --order, the \
            order id and the row's place among that order's rows in the file; otherwise the file's SHA-256 and the row's line. Importing the same \
            file again adds nothing. A known row with other content is an error (nothing is committed) \
            unless --on-conflict replace records the correction. The touched customers' histories are \
            updated in the same transaction. Prints one line: the run id and how many rows were new, \
            already known or changed.

            Examples:
              clv import Examples/transactions.csv --store clv.sqlite --source webshop
              clv import pos.csv --store clv.sqlite --source pos --order order_no --set-channel 门店
            """)

        @OptionGroup var input: InputOptions
        @OptionGroup var store: StoreOptions
        @Option(help: "The source's name (the channel system the rows come from). Default: the file's name.")
        var source: String?
        @Option(help: ArgumentHelp("The column of the source's own event id: a row is then known by (source, event id).", valueName: "column"))
        var eventID: String?
        @Option(help: "Give every row this channel (over the --channel column).")
        var setChannel: String?
        @Option(help: "A known row with other content: error (default) or replace (record the correction).")
        var onConflict: ConflictPolicy = .error
        @Flag(name: .shortAndLong, help: "No progress or data-quality notes on stderr.")
        var quiet = false

        func validate() throws {
            try store.validateLocation()
            if let source, source.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--source must not be empty.") }
        }

        func run() throws {
            try withExitCodes {
                let target = try store.open()
                let path = try input.readablePath()
                let hash = try SHA256.file(path).sha256
                var options = input.ingestOptions
                options.columns.eventID = eventID.map(ColumnRef.init)
                let keys: RowKeyRule = eventID != nil ? .eventID : input.order != nil ? .orderLine : .fileLine(fileHash: hash)
                let name = source ?? (input.input == "-" ? "stdin" : URL(fileURLWithPath: input.input).lastPathComponent)
                let request = ImportRequest(source: name, sourceKind: .file, fileHash: hash, channel: setChannel,
                                            rowKeys: keys,
                                            onConflict: onConflict, inputs: [input.input])
                let progress = ProgressLine("importing \(input.input)", quiet: quiet)
                var report: IngestReport?
                let outcome = try target.importTransactions(request) { sink in
                    // Batches go into the open store transaction; a data problem found at the end of the read
                    // throws, and the transaction rolls back.
                    report = try TransactionLogReader.transactions(path: path, options: options,
                                                                   progress: { progress.update(done: $0, total: $1) }) { batch in
                        try sink(batch)
                    }.report
                }
                progress.finish()
                print("import run \(outcome.runID): \(outcome.rows) rows read from \(input.input) (source \(name)); "
                      + "\(outcome.new) new, \(outcome.known) already known, \(outcome.changed) changed; "
                      + "\(outcome.customersTouched) customers updated")
                if !quiet, let report {
                    for line in report.lines(.en) { printError("clv: \(line)") }
                }
            }
        }
    }
}

extension ConflictPolicy: ExpressibleByArgument {}
