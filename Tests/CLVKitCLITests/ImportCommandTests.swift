import Foundation
import Testing
import _CLVTestSupport

/// `clv import`: a log into the store, idempotent, one transaction.
@Suite("clv import, end to end")
struct ImportCommandTests {
    static func scratch() -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clvkit-import-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static let orders = """
        customer_id,date,amount,order_id
        A,2024-01-05,10,O1
        A,2024-01-05,5.5,O1
        B,2024-01-07,20,O2
        A,2024-02-10,7,O3

        """

    @Test("importing a file twice: the second run adds nothing and says so")
    func importTwice() throws {
        let dir = Self.scratch()
        let store = dir.appendingPathComponent("clv.sqlite").path
        let file = dir.appendingPathComponent("orders.csv")
        try Data(Self.orders.utf8).write(to: file)
        let first = try CLVCommand.run(["import", file.path, "--store", store, "--as-of", "2030-01-01", "--source", "webshop"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "import run 1: 4 rows read from \(file.path) (source webshop); 4 new, 0 already known, 0 changed; 2 customers updated\n")
        #expect(first.stderr.contains("clv: 2 customers"), "the data-quality lines of the read: \(first.stderr)")
        let second = try CLVCommand.run(["import", file.path, "--store", store, "--as-of", "2030-01-01", "--source", "webshop", "-q"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("import run 2: 4 rows read") && second.stdout.contains("0 new, 4 already known, 0 changed; 0 customers updated"))
        #expect(second.stderr.isEmpty)
    }

    @Test("with --order, a changed row of a known order is exit 65 and commits nothing; --on-conflict replace records it")
    func conflictingRow() throws {
        let dir = Self.scratch()
        let store = dir.appendingPathComponent("clv.sqlite").path
        let file = dir.appendingPathComponent("orders.csv")
        try Data(Self.orders.utf8).write(to: file)
        let first = try CLVCommand.run(["import", file.path, "--store", store, "--order", "order_id", "--as-of", "2030-01-01", "-q"])
        #expect(first.status == 0, "\(first.stderr)")
        let corrected = Self.orders.replacingOccurrences(of: "B,2024-01-07,20,O2", with: "B,2024-01-07,21,O2") + "C,2024-03-01,3,O4\n"
        try Data(corrected.utf8).write(to: file)
        let refused = try CLVCommand.run(["import", file.path, "--store", store, "--order", "order_id", "--as-of", "2030-01-01", "-q"])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("line 4: source 'orders.csv' already has row 'O2#1' with other content (amount 20 → 21)"),
                "\(refused.stderr)")
        #expect(refused.stdout.isEmpty)
        let replaced = try CLVCommand.run(["import", file.path, "--store", store, "--order", "order_id", "--as-of", "2030-01-01", "-q",
                                           "--on-conflict", "replace"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        // Run 2 was rolled back with everything else of that import: the next run is 2 again.
        #expect(replaced.stdout.contains("import run 2: 5 rows read") && replaced.stdout.contains("1 new, 3 already known, 1 changed; 2 customers updated"),
                "\(replaced.stdout)")
    }

    @Test("no store is a usage error (64) raised before the input is read; a PostgreSQL URL with a password is refused unechoed")
    func storeIsChecked() throws {
        let missing = try CLVCommand.run(["import", "/no/such/file.csv"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("no store: pass --store PATH or set CLVKIT_STORE."))
        let pg = try CLVCommand.run(["import", "/no/such/file.csv", "--store", "postgres://u:secret@localhost/db"])
        #expect(pg.status == 64)
        #expect(!pg.stderr.contains("secret"), "the password is never echoed")
        let bad = try CLVCommand.run(["import", "Examples/transactions.csv", "--store", "/no/such/dir/clv.sqlite", "-q"])
        #expect(bad.status == 66, "\(bad.stderr)")
        #expect(bad.stderr.contains("/no/such/dir/clv.sqlite: cannot open the store"))
    }

    @Test("a bad row stops the import with its line, and the store stays as it was")
    func badRowCommitsNothing() throws {
        let dir = Self.scratch()
        let store = dir.appendingPathComponent("clv.sqlite").path
        let file = dir.appendingPathComponent("orders.csv")
        try Data((Self.orders + "D,2024-13-01,4,O9\n").utf8).write(to: file)
        let r = try CLVCommand.run(["import", file.path, "--store", store, "--as-of", "2030-01-01", "-q"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("orders.csv:6: column 'date'"), "\(r.stderr)")
        try Data(Self.orders.utf8).write(to: file)
        let clean = try CLVCommand.run(["import", file.path, "--store", store, "--as-of", "2030-01-01", "-q"])
        #expect(clean.stdout.hasPrefix("import run 1: 4 rows read"), "nothing of the failed run was kept: \(clean.stdout)")
    }

    @Test("the same import into PostgreSQL (a fresh schema of the test server): twice, the second adds nothing",
          .enabled(if: ProcessInfo.processInfo.environment["CLVKIT_TEST_POSTGRES"] != nil, "needs CLVKIT_TEST_POSTGRES"))
    func importIntoPostgres() throws {
        let server = try #require(ProcessInfo.processInfo.environment["CLVKIT_TEST_POSTGRES"])
        let store = server + (server.contains("?") ? "&" : "?") + "schema=cli_" + UUID().uuidString.prefix(8).lowercased()
        let dir = Self.scratch()
        let file = dir.appendingPathComponent("orders.csv")
        try Data(Self.orders.utf8).write(to: file)
        let first = try CLVCommand.run(["import", file.path, "--store", store, "--as-of", "2030-01-01", "--source", "webshop", "-q"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("4 rows read") && first.stdout.contains("4 new, 0 already known, 0 changed; 2 customers updated"))
        let second = try CLVCommand.run(["import", file.path, "--store", store, "--as-of", "2030-01-01", "--source", "webshop", "-q"])
        #expect(second.stdout.contains("0 new, 4 already known, 0 changed; 0 customers updated"), "\(second.stdout)\(second.stderr)")
    }

    @Test("with --event-id, rows are known by their event id whatever their order; a row without one is refused with its line")
    func eventIDColumn() throws {
        let dir = Self.scratch()
        let store = dir.appendingPathComponent("clv.sqlite").path
        let file = dir.appendingPathComponent("events.csv")
        let rows = ["e1,A,2024-01-05,10", "e2,A,2024-02-05,5", "e3,B,2024-01-07,20"]
        try Data(("event,customer_id,date,amount\n" + rows.joined(separator: "\n") + "\n").utf8).write(to: file)
        let first = try CLVCommand.run(["import", file.path, "--store", store, "--event-id", "event", "--as-of", "2030-01-01", "-q"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("3 new, 0 already known"))
        // The same events in another order, and one more: only e4 is new.
        try Data(("event,customer_id,date,amount\n" + (rows.reversed() + ["e4,B,2024-03-01,2"]).joined(separator: "\n") + "\n").utf8)
            .write(to: file)
        let second = try CLVCommand.run(["import", file.path, "--store", store, "--event-id", "event", "--as-of", "2030-01-01", "-q"])
        #expect(second.stdout.contains("1 new, 3 already known, 0 changed; 1 customers updated"), "\(second.stdout)\(second.stderr)")
        try Data("event,customer_id,date,amount\ne5,C,2024-01-01,1\n,C,2024-01-02,2\n".utf8).write(to: file)
        let missing = try CLVCommand.run(["import", file.path, "--store", store, "--event-id", "event", "--as-of", "2030-01-01", "-q"])
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("line 3: the row has no event id"), "\(missing.stderr)")
        let unknown = try CLVCommand.run(["import", file.path, "--store", store, "--event-id", "evt", "--as-of", "2030-01-01", "-q"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("evt"), "\(unknown.stderr)")
    }
}
