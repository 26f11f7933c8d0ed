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

            With --identity TYPE=COLUMN, each row's identifiers (phone, email, WeChat openid/unionid, member id …) \
            are normalised and stitched: rows of different sources that share an identifier become one customer \
            under one canonical id (see clv identity report). --attribute NAME=COLUMN keeps profile attributes. \
            Several files are imported one after another, each as its own run and transaction. \
            clv import --undo RUN_ID removes what one import added.

            Examples:
              clv import Examples/transactions.csv --store clv.sqlite --source webshop
              clv import wechat.csv --store clv.sqlite --source wechat --customer-type openid --identity phone=手机号
              clv import --undo 3 --store clv.sqlite
              clv import pos.csv --store clv.sqlite --source pos --order order_no --set-channel 门店
            """)

        @OptionGroup var input: InputOptions
        @Argument(help: "More logs of the same layout, imported in the same transaction.")
        var more: [String] = []
        @OptionGroup var store: StoreOptions
        @Option(name: .customLong("identity"), help: ArgumentHelp("An identifier column each row carries, stitched into one customer: TYPE=COLUMN (phone=手机号, openid=openid). Types: \(IdentityRules.builtInTypes.joined(separator: ", ")), and those of --identity-rules.", valueName: "type=column"))
        var identities: [String] = []
        @Option(name: .customLong("attribute"), help: ArgumentHelp("A profile attribute column: NAME=COLUMN (name=姓名, city=城市). The latest-dated row's value is the profile's.", valueName: "name=column"))
        var attributes: [String] = []
        @Option(help: ArgumentHelp("The identifier type of the customer column (customer_id by default; openid for a WeChat export, member_id for a POS one …).", valueName: "type"))
        var customerType = "customer_id"
        @Option(help: ArgumentHelp("A YAML file of identity-stitching rules (priority, per-customer limits, shared limits, blocked values); kept in the store for later imports.", valueName: "file"))
        var identityRules: String?
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

        /// `TYPE=COLUMN` pairs, checked.
        static func pairs(_ values: [String], flag: String) throws -> [(String, String)] {
            try values.map { text in
                guard let eq = text.firstIndex(of: "="), eq != text.startIndex, text.index(after: eq) != text.endIndex else {
                    throw ValidationError("--\(flag) '\(text)': give NAME=COLUMN, e.g. --\(flag) \(flag == "identity" ? "phone=手机号" : "city=城市").")
                }
                return (String(text[..<eq]), String(text[text.index(after: eq)...]))
            }
        }

        /// The rules' text, read and checked before anything is imported.
        func rulesText() throws -> (text: String?, rules: IdentityRules) {
            guard let identityRules else { return (nil, .defaults) }
            let text = try String(contentsOfFile: identityRules, encoding: .utf8)
            return (text, try IdentityRules.load(yaml: text, file: identityRules))
        }

        func validate() throws {
            try store.validateLocation()
            let types = try Self.pairs(identities, flag: "identity").map(\.0)
            if Set(types).count != types.count { throw ValidationError("--identity names a type twice.") }
            let names = try Self.pairs(attributes, flag: "attribute").map(\.0)
            if Set(names).count != names.count { throw ValidationError("--attribute names an attribute twice.") }
            if identityRules == nil {
                for type in types + [customerType] where IdentityRules.defaults.rule(type) == nil {
                    throw ValidationError("--identity \(type)=…: unknown identifier type (known: \(IdentityRules.builtInTypes.joined(separator: ", ")); declare your own in --identity-rules).")
                }
            }
            if input.input == "-" && !more.isEmpty { throw ValidationError("standard input (-) cannot be imported with other files.") }
            if let source, source.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--source must not be empty.") }
        }

        func run() throws {
            try withExitCodes {
                let (rulesYAML, rules) = try rulesText()
                for type in try Self.pairs(identities, flag: "identity").map(\.0) + [customerType] where rules.rule(type) == nil {
                    throw StoreError.unknownIdentifierType(type, known: rules.types.map(\.name))
                }
                let carried = try Self.pairs(identities, flag: "identity").map { CarriedColumn(.identifier($0.0), column: ColumnRef($0.1)) }
                    + Self.pairs(attributes, flag: "attribute").map { CarriedColumn(.attribute($0.0), column: ColumnRef($0.1)) }
                let target = try store.open()
                let files = [input.input] + more
                // Every file must be readable before the first is imported; each is then its own run and transaction.
                var prepared: [(path: String, hash: String)] = []
                for file in files {
                    var one = input
                    one.input = file
                    let path = try one.readablePath()
                    prepared.append((path, try SHA256.file(path).sha256))
                }
                var options = input.ingestOptions
                options.columns.eventID = eventID.map(ColumnRef.init)
                options.columns.carried = carried
                let name = source ?? (input.input == "-" ? "stdin" : URL(fileURLWithPath: input.input).lastPathComponent)
                for (k, file) in prepared.enumerated() {
                    let shown = files[k]
                    let keys: RowKeyRule = eventID != nil ? .eventID : input.order != nil ? .orderLine : .fileLine(fileHash: file.hash)
                    let fileSource = source ?? (shown == "-" ? "stdin" : URL(fileURLWithPath: shown).lastPathComponent)
                    let request = ImportRequest(source: prepared.count > 1 && source == nil ? fileSource : name, sourceKind: .file,
                                                fileHash: file.hash, channel: setChannel, rowKeys: keys, onConflict: onConflict,
                                                inputs: [shown] + identities.map { "--identity \($0)" } + attributes.map { "--attribute \($0)" },
                                                identityRulesYAML: k == 0 ? rulesYAML : nil, customerType: customerType)
                    let progress = ProgressLine("importing \(shown)", quiet: quiet)
                    var report: IngestReport?
                    let outcome = try target.importTransactions(request) { sink in
                        // Batches go into the open store transaction; a data problem found at the end of the read
                        // throws, and the transaction rolls back.
                        report = try TransactionLogReader.transactions(path: file.path, options: options,
                                                                       progress: { progress.update(done: $0, total: $1) }) { batch in
                            try sink(batch)
                        }.report
                    }
                    progress.finish()
                    print("import run \(outcome.runID): \(outcome.rows) rows read from \(shown) (source \(request.source)); "
                          + "\(outcome.new) new, \(outcome.known) already known, \(outcome.changed) changed; "
                          + "\(outcome.customersTouched) customers updated")
                    if !quiet, let report {
                        for line in report.lines(.en) { printError("clv: \(line)") }
                    }
                }
            }
        }
    }

    /// `clv import --undo RUN_ID` (the main entry routes `import … --undo` here).
    struct ImportUndo: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-undo", abstract: "Remove what one import added (clv import --undo RUN_ID).", shouldDisplay: false)

        @Option(help: "The import run to undo (the number `clv import` printed).")
        var undo: Int64
        @OptionGroup var store: StoreOptions
        @Flag(name: .shortAndLong, help: "No notes on stderr.")
        var quiet = false

        func validate() throws { try store.validateLocation() }

        func run() throws {
            try withExitCodes {
                let outcome = try store.open().undoImport(run: undo)
                print("undo run \(outcome.runID): import run \(outcome.undone) removed, \(outcome.rowsRemoved) rows; "
                      + "\(outcome.customersTouched) customers updated")
            }
        }
    }
}

extension ConflictPolicy: ExpressibleByArgument {}
