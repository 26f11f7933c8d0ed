import CLVCore
import CLVHistory
import CLVStore
import CLVStorePostgres
@testable import CLVStoreSQLite
import Foundation
import GRDB
import Testing
import _CLVTestSupport

/// Rows of three channels whose identifiers overlap: the web shop knows customer ids and phones, WeChat
/// knows openids and phones, the stores' POS knows member ids and phones.
enum Channels {
    static func t(_ customer: String, _ date: String, _ yuan: Int64, _ ids: [String: String] = [:], line: Int64,
                  attributes: [String: String] = [:]) -> Transaction {
        var row = Transaction(customerID: customer, day: CalendarDay(iso: date)!, amount: Money(micros: yuan * 1_000_000),
                              identifiers: ids, sequence: line)
        row.attributes = attributes
        return row
    }

    static let web: [Transaction] = [
        t("W1", "2024-01-03", 100, ["phone": "13812345678"], line: 2, attributes: ["name": "张伟"]),
        t("W1", "2024-02-03", 80, line: 3),
        t("W2", "2024-01-10", 50, ["phone": "13900001111"], line: 4),
        t("W3", "2024-01-11", 20, ["phone": "13800000000"], line: 5),
    ]
    static let wechat: [Transaction] = [
        t("o-A", "2024-01-20", 30, ["phone": "+86 138 1234 5678"], line: 2, attributes: ["city": "上海"]),
        t("o-B", "2024-01-21", 40, ["phone": "13800000000"], line: 3),
    ]
    static let pos: [Transaction] = [
        t("M9", "2024-03-01", 200, ["phone": "139-0000-1111"], line: 2),
    ]

    /// The rows as if every source had used the stitched customer's canonical id.
    static func underCanonical(_ map: [String: String]) -> [Transaction] {
        (web + wechat + pos).map { var r = $0; r.customerID = map[r.customerID] ?? r.customerID; r.identifiers = [:]; return r }
    }
}

@Suite("Identity stitching (SQLite store)")
struct IdentityTests {
    static func store() throws -> SQLiteStore { try SQLiteStore(path: Backend.scratchPath()) }

    static func importAll(_ store: some CustomerDataStore, order: [String]) throws {
        let sets = ["web": Channels.web, "wechat": Channels.wechat, "pos": Channels.pos]
        let types = ["web": "customer_id", "wechat": "openid", "pos": "member_id"]
        for name in order {
            var request = Rows.request(.fileLine(fileHash: name), source: name)
            request.customerType = types[name]!
            try store.load(request, [sets[name]!])
        }
    }

    @Test("phones normalise to E.164 with region 86; placeholders and unreadable values never link")
    func normalisation() {
        let rules = IdentityRules.defaults
        #expect(rules.normalize("13812345678", type: "phone").value == "+8613812345678")
        #expect(rules.normalize("+86 138 1234 5678", type: "phone").value == "+8613812345678")
        #expect(rules.normalize("008613812345678", type: "phone").value == "+8613812345678")
        #expect(rules.normalize("8613812345678", type: "phone").value == "+8613812345678")
        #expect(rules.normalize("010-6552 8888", type: "phone").value == "+861065528888")
        #expect(rules.normalize("13800000000", type: "phone").junk == "placeholder")
        #expect(rules.normalize("12345678", type: "phone").junk == "not a phone number")
        #expect(rules.normalize(" Li.Na@Example.COM ", type: "email").value == "li.na@example.com")
        #expect(rules.normalize("null", type: "openid").junk == "placeholder")
        #expect(rules.normalize("o6_bmjrPTlm6", type: "openid") == ("o6_bmjrPTlm6", nil))
    }

    @Test("three channels stitch into one customer per person; the histories equal those of the rows under one id")
    func stitching() throws {
        let store = try Self.store()
        try Self.importAll(store, order: ["web", "wechat", "pos"])
        // W1 and o-A share a phone; W2 and M9 share another (written two ways); W3 and o-B share a placeholder.
        #expect(try store.canonicalID(of: "o-A") == "W1")
        #expect(try store.canonicalID(of: "phone=+86 138-1234-5678") == "W1")
        #expect(try store.canonicalID(of: "M9") == "W2")
        #expect(try store.canonicalID(of: "member_id=M9") == "W2")
        #expect(try store.canonicalID(of: "o-B") == "openid:o-B")
        #expect(try store.canonicalID(of: "W3") == "W3")
        let expected = try Rows.book(Channels.underCanonical(["o-A": "W1", "M9": "W2", "o-B": "openid:o-B"]))
        #expect(try Rows.stored(store) == expected)
        let report = try store.identityReport()
        #expect(report.customersBefore == 6 && report.customersAfter == 4, "\(report)")
        #expect(report.mergesByRule == ["phone": 2], "\(report)")
        #expect(report.junk["placeholder"] == 1)
        let profile = try #require(try store.profile(of: "13812345678", recent: 5))
        #expect(profile.customerID == "W1")
        #expect(profile.attributes == ["name": "张伟", "city": "上海"])
        #expect(profile.sources == ["web": 2, "wechat": 1])
        #expect(Set(profile.identifiers.map { "\($0.type)=\($0.value)" }) == ["customer_id=W1", "openid=o-A", "phone=+8613812345678"])
        #expect(profile.identifiers.first { $0.type == "phone" }?.sources == ["web", "wechat"])
    }

    @Test("the result does not depend on the import order", arguments: [["pos", "wechat", "web"], ["wechat", "pos", "web"], ["web", "pos", "wechat"]])
    func orderIndependence(order: [String]) throws {
        let reference = try Self.store()
        try Self.importAll(reference, order: ["web", "wechat", "pos"])
        let shuffled = try Self.store()
        try Self.importAll(shuffled, order: order)
        #expect(try Rows.stored(shuffled) == (try Rows.stored(reference)))
        #expect(try shuffled.canonicalID(of: "o-A") == "W1")
        for id in ["W1", "o-A", "M9", "W3", "o-B"] {
            #expect(try shuffled.canonicalID(of: id) == (try reference.canonicalID(of: id)))
        }
    }

    @Test("per-customer limits: two member ids never merge, even through a shared phone")
    func limits() throws {
        let store = try Self.store()
        try store.load(Rows.request(.fileLine(fileHash: "a"), source: "pos"), [[
            Channels.t("P1", "2024-01-01", 10, ["member_id": "M1", "phone": "13712345678"], line: 2),
            Channels.t("P2", "2024-01-02", 10, ["member_id": "M2", "phone": "13712345678"], line: 3),
        ]])
        #expect(try store.canonicalID(of: "P1") != (try store.canonicalID(of: "P2")))
        // P2's phone link would give one customer two customer ids (the first type over its limit, by priority).
        #expect(try store.identityReport().refusedByLimit == ["customer_id": 1])
    }

    @Test("when a limit refuses a link, the earliest evidence wins, whatever the import order", arguments: [false, true])
    func limitsFollowDates(reversed: Bool) throws {
        let store = try Self.store()
        let later = [Channels.t("P1", "2024-02-01", 10, ["phone": "13712345678"], line: 2)]
        let earlier = [Channels.t("P2", "2024-01-01", 10, ["phone": "13712345678"], line: 2)]
        for (name, rows) in reversed ? [("b", earlier), ("a", later)] : [("a", later), ("b", earlier)] {
            try store.load(Rows.request(.fileLine(fileHash: name), source: name), [rows])
        }
        #expect(try store.canonicalID(of: "phone=13712345678") == "P2")
        #expect(try store.identityReport().refusedByLimit == ["customer_id": 1])
    }

    @Test("a split moves an identifier and its rows into a customer of its own, and holds in later imports")
    func split() throws {
        let store = try Self.store()
        try Self.importAll(store, order: ["web", "wechat", "pos"])
        let outcome = try store.split(customer: "W1", type: "openid", value: "o-A")
        #expect(outcome.from == "W1" && outcome.to == "openid:o-A")
        #expect(try store.canonicalID(of: "o-A") == "openid:o-A")
        #expect(try store.canonicalID(of: "W1") == "W1")
        let expected = try Rows.book(Channels.underCanonical(["M9": "W2", "o-A": "openid:o-A", "o-B": "openid:o-B"]))
        #expect(try Rows.stored(store) == expected)
        var more = Rows.request(.fileLine(fileHash: "more"), source: "wechat")
        more.customerType = "openid"
        try store.load(more, [[Channels.t("o-A", "2024-04-01", 5, ["phone": "13812345678"], line: 2)]])
        #expect(try store.canonicalID(of: "o-A") == "openid:o-A")
        #expect(try store.profile(of: "o-A", recent: 1)?.changes.contains { $0.previous == "W1" && $0.customer == "openid:o-A" } == true)
    }

    @Test("undo removes one import's rows and links, and the customers are as if it never ran")
    func undo() throws {
        let store = try Self.store()
        try Self.importAll(store, order: ["web", "pos"])
        let before = try Rows.stored(store)
        var request = Rows.request(.fileLine(fileHash: "wechat"), source: "wechat")
        request.customerType = "openid"
        let wechat = try store.load(request, [Channels.wechat])
        #expect(try store.canonicalID(of: "o-A") == "W1")
        let undone = try store.undoImport(run: wechat.runID)
        #expect(undone.rowsRemoved == 2)
        #expect(try Rows.stored(store) == before)
        #expect(try store.canonicalID(of: "o-A") == nil)
        #expect(throws: StoreError.self) { try store.undoImport(run: wechat.runID) }
        // The file can be imported again after the undo.
        #expect(try store.load(request, [Channels.wechat]).new == 2)
        #expect(try store.canonicalID(of: "o-A") == "W1")
    }

    @Test("an undo of a run that replaced known rows is refused, and changes nothing")
    func undoOfReplace() throws {
        let store = try Self.store()
        try store.load(Rows.request(), [Rows.first])
        var corrected = Rows.first
        corrected[2].amount = Money(micros: 21_000_000)
        let replace = try store.load(Rows.request(onConflict: .replace), [corrected])
        let before = try Rows.stored(store)
        #expect(throws: StoreError.cannotUndo(run: replace.runID, reason: "it replaced 1 known rows (--on-conflict replace), whose earlier content the store does not keep; import the earlier content again with --on-conflict replace instead")) {
            try store.undoImport(run: replace.runID)
        }
        #expect(try Rows.stored(store) == before)
    }

    @Test("identity rules from YAML: priority, limits, blocked values; a wrong key is refused by name")
    func rulesFile() throws {
        let rules = try IdentityRules.load(yaml: """
            priority: [member_id, customer_id]
            default_region: "+44"
            types:
              device_id: {per_customer: 2, shared_limit: 1}
              loyalty_card: {per_customer: 1}
            blocked: ["+447700900000"]
            """, file: "rules.yaml")
        #expect(rules.types.prefix(2).map(\.name) == ["member_id", "customer_id"])
        #expect(rules.rule("device_id")?.perCustomer == 2 && rules.rule("device_id")?.sharedLimit == 1)
        #expect(rules.rule("loyalty_card") != nil)
        #expect(rules.normalize("07700 900123", type: "phone").value == "+447700900123")
        #expect(rules.normalize("+44 7700 900000", type: "phone").junk == "blocked value")
        #expect(throws: StoreError.invalidIdentityRules(file: "r.yaml", reason: "unknown key 'prority' (priority, default_region, shared_limit, types, blocked)")) {
            try IdentityRules.load(yaml: "prority: [phone]", file: "r.yaml")
        }
    }

    @Test("a store of schema v1 is migrated: its rows get identifiers, and its histories stay")
    func migrationFromV1() throws {
        let path = Backend.scratchPath()
        // A v1 store as the previous version wrote it: its schema step, a run, rows and a history.
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteSchema.migrator.migrate(queue, upTo: "v1: sources, files, runs, transactions, customers")
            let history = try Rows.book(Rows.first)["B"]!
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO runs (id, kind, started_at, inputs) VALUES (1, 'import', 0, '[]');
                    INSERT INTO sources (id, name, kind, first_run) VALUES (1, 'webshop', 'file', 1);
                    INSERT INTO transactions (source_id, row_key, run_id, customer_id, day, kind, amount_micros, sequence)
                        VALUES (1, 'O2#1', 1, 'B', 19729, 'purchase', 20000000, 4), (1, 'O2#2', 1, 'B', 19742, 'return', -5000000, 6);
                    UPDATE transactions SET order_id = 'O2', channel = 'pos';
                    """)
                try db.execute(sql: "INSERT INTO customers VALUES ('B', ?, ?, 1)",
                               arguments: [Data(history.encoded()), CustomerHistory.binaryFormatVersion])
            }
        }
        let store = try SQLiteStore(path: path)
        #expect(try store.appliedMigrations().count == 2)
        #expect(try store.canonicalID(of: "B") == "B")
        #expect(try store.identityReport().identifiersByType == ["customer_id": 1])
        #expect(try store.history(of: "B") == Rows.book(Rows.first)["B"])
        // A later import finds the migrated rows by key and the customer by identifier.
        let again = try store.load(Rows.request(), [[Rows.first[2]]])
        #expect(again.known == 1 && again.new == 0)
        let profile = try #require(try store.profile(of: "B", recent: 5))
        #expect(profile.recent.count == 2 && profile.sources == ["webshop": 2])
    }

    @Test("the PostgreSQL store refuses identity stitching rather than drop identifiers",
          .enabled(if: Backend.postgresURL != nil, "needs CLVKIT_TEST_POSTGRES"))
    func postgresRefuses() throws {
        let store = try Backend.postgres.makeStore()
        #expect(throws: StoreError.self) { try store.load(Rows.request(), [Channels.web]) }
        #expect(try store.counts().transactions == 0)
        #expect(throws: StoreError.self) { try store.identityReport() }
    }
}
