import Foundation
import Testing
import _CLVTestSupport

@Suite("clv segment, end to end")
struct SegmentCommandTests {
    @Test("usage errors that the options alone decide come before any input is read (exit 64 on a missing file, not 66)",
          arguments: [(["--method", "kmeans", "--cluster-features", "orders,foo"], "unknown clustering feature foo"),
                      (["--method", "som", "--cluster-features", "orders,clv"], "clv needs --value clv"),
                      (["--method", "index", "--indicators", "orders:bad"], "is not name or name:cost"),
                      (["--method", "index", "--indicators", "orders,wechat_score"], "need --attributes FILE"),
                      (["--method", "index", "--indicators", "orders,spend", "--weights", "given", "--indicator-weights", "1"], "1 weights for 2 indicators"),
                      (["--value", "clv", "--model", "none"], "needs amounts and a model")])
    func usageBeforeInput(_ flags: [String], _ message: String) throws {
        let r = try CLVCommand.run(["segment", "/nonexistent/orders.csv"] + flags)
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }

    /// The fields of one CSV line (RFC 4180 quoting).
    static func fields(_ line: Substring) -> [String] {
        var out: [String] = [], field = "", quoted = false, previousQuote = false
        for ch in line {
            if quoted {
                if ch == "\"" { quoted = false; previousQuote = true } else { field.append(ch) }
            } else if ch == "\"" {
                if previousQuote { field.append("\"") }
                quoted = true; previousQuote = false
            } else if ch == "," {
                out.append(field); field = ""; previousQuote = false
            } else {
                field.append(ch); previousQuote = false
            }
        }
        out.append(field)
        return out
    }

    static func rows(_ csv: String) -> [[String: String]] {
        let lines = csv.split(separator: "\n")
        guard let first = lines.first else { return [] }
        let header = fields(first)
        return lines.dropFirst().map { Dictionary(zip(header, fields($0)), uniquingKeysWith: { a, _ in a }) }
    }

    @Test(arguments: ["rfm", "value-matrix", "abc", "tiers", "lifecycle", "kmeans --k 3", "two-step", "som --som-grid 3x3 --k 4", "index"])
    func everyCustomerGetsOneSegment(methodAndOptions: String) throws {
        let words = methodAndOptions.split(separator: " ").map(String.init)
        let method = words[0]
        let r = try CLVCommand.run(["segment", "Examples/transactions.csv", "--method"] + words + ["--as-of", "2030-01-01", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = Self.rows(r.stdout)
        #expect(rows.count == 2000)
        #expect(Set(rows.map { $0["customer_id"]! }).count == 2000)
        let s = try CLVCommand.run(["segment", "Examples/transactions.csv", "--method"] + words + ["--as-of", "2030-01-01", "-q", "--summary"])
        #expect(s.status == 0, "\(s.stderr)")
        let table = Self.rows(s.stdout)
        #expect(table.map { Int($0["customers"]!)! }.reduce(0, +) == 2000)
        // The segment table counts exactly the keys of the customer rows.
        var counts: [String: Int] = [:]
        for row in rows { counts[row["segment_key"]!, default: 0] += 1 }
        for row in table { #expect(counts[row["segment_key"]!, default: 0] == Int(row["customers"]!)!, "\(method) \(row["segment_key"]!)") }
    }

    @Test func clustersAreReproducibleAndProfiled() throws {
        let args = ["segment", "Examples/transactions.csv", "--method", "kmeans", "--k", "4", "--seed", "9", "--as-of", "2030-01-01", "-q"]
        let a = try CLVCommand.run(args), b = try CLVCommand.run(args)
        #expect(a.status == 0 && a.stdout == b.stdout)
        let rows = Self.rows(a.stdout)
        #expect(Set(rows.map { $0["cluster"]! }) == ["0", "1", "2", "3"])
        // Each cluster's mean orders in the segment table are the mean over its rows.
        let table = Self.rows(try CLVCommand.run(args + ["--summary"]).stdout)
        for row in table {
            let members = rows.filter { "cluster_" + $0["cluster"]! == row["segment_key"]! }
            let mean = members.map { Double($0["orders"]!)! }.reduce(0, +) / Double(members.count)
            #expect(abs(mean - Double(row["mean_orders"]!)!) < 1e-9)
        }
        let zh = try CLVCommand.run(args + ["--lang", "zh"])
        #expect(zh.stdout.contains("近期") || zh.stdout.contains("久未购买"))
    }

    @Test func chineseNamesAndJSONLines() throws {
        let r = try CLVCommand.run(["segment", "Examples/transactions.csv", "--method", "rfm", "--lang", "zh", "--as-of", "2030-01-01",
                                    "-q", "--format", "jsonl"])
        #expect(r.status == 0)
        let first = try JSONSerialization.jsonObject(with: Data(r.stdout.split(separator: "\n")[0].utf8)) as! [String: Any]
        #expect(first["r_score"] is NSNumber)
        #expect(r.stdout.contains("\"segment\":\"重要价值客户\""))
        #expect(r.stdout.contains("重点保持"))
    }

    /// Tiers at two dates on a log whose answer is worked out by hand.
    @Test func tierMovesBetweenTwoDates() throws {
        let log = """
        customer_id,date,amount
        A,2025-01-15,600
        B,2024-01-10,100
        B,2025-06-01,3000
        C,2024-03-01,200
        """
        let r = try CLVCommand.run(["segment", "-", "--method", "tiers", "--tier-thresholds", "100,500,2000", "--compare", "2024-12-31",
                                    "--observation-end", "2025-06-30", "--as-of", "2030-01-01"], stdin: log)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = Dictionary(uniqueKeysWithValues: Self.rows(r.stdout).map { ($0["customer_id"]!, $0) })
        // Window (2024-06-30, 2025-06-30]: A 600 → gold, B 3000 → diamond, C nothing (and 486 days inactive) → regular.
        // Window (2023-12-31, 2024-12-31]: A nothing → regular, B 100 → silver, C 200 → silver.
        #expect(rows["A"]?["tier"] == "gold" && rows["A"]?["previous_tier"] == "regular" && rows["A"]?["move"] == "upgrade")
        #expect(rows["B"]?["tier"] == "diamond" && rows["B"]?["previous_tier"] == "silver" && rows["B"]?["move"] == "upgrade")
        #expect(rows["C"]?["tier"] == "regular" && rows["C"]?["previous_tier"] == "silver" && rows["C"]?["move"] == "downgrade")
        #expect(r.stderr.contains("2 upgrades and 1 downgrades"))
    }

    /// Lifecycle stages on a log whose answer is worked out by hand (rules only, no model).
    @Test func lifecycleStagesByHand() throws {
        var lines = ["customer_id,date,amount",
                     "N,2025-05-01,10",
                     "R,2023-01-01,10", "R,2023-02-01,10", "R,2025-06-01,10",
                     "C,2024-01-01,10", "C,2024-02-01,10", "C,2024-03-01,10",
                     "A,2024-06-01,10", "A,2024-09-15,10", "A,2025-01-01,10",
                     "G,2025-02-01,10", "G,2025-05-20,10"]
        for month in 0..<18 { lines.append(String(format: "M,%04d-%02d-15,10", 2024 + month / 12, month % 12 + 1)) }
        let r = try CLVCommand.run(["segment", "-", "--method", "lifecycle", "--model", "none", "--observation-end", "2025-06-30",
                                    "--as-of", "2030-01-01", "-q"], stdin: lines.joined(separator: "\n"))
        #expect(r.status == 0, "\(r.stderr)")
        let stage = Dictionary(uniqueKeysWithValues: Self.rows(r.stdout).map { ($0["customer_id"]!, $0["lifecycle_stage"]!) })
        // N: first bought 60 days ago. R: at 2025-04-01 silent 790 days against a 31-day gap (churned), bought since.
        // C: silent 486 days against a 30-day gap. A: silent 180 days against a 107-day gap (> 1.5×, < 3×).
        // G: two orders. M: monthly for 18 months, last 15 days ago.
        #expect(stage == ["N": "new", "R": "reactivated", "C": "churned", "A": "at_risk", "G": "growing", "M": "mature"])
    }

    @Test func severalMethodsInOneTable() throws {
        let r = try CLVCommand.run(["segment", "Examples/transactions.csv", "--method", "rfm,value-matrix,abc", "--as-of", "2030-01-01", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let header = r.stdout.prefix { $0 != "\n" }
        #expect(header == "customer_id,rfm_segment,rfm_segment_key,rfm_r_score,rfm_f_score,rfm_m_score,rfm_code,rfm_recency_days,rfm_orders,rfm_monetary,rfm_action,value_matrix_segment,value_matrix_segment_key,value_matrix_orders,value_matrix_average_order_value,value_matrix_action,abc_segment,abc_segment_key,abc_class,abc_value,abc_action")
        let single = try CLVCommand.run(["segment", "Examples/transactions.csv", "--method", "abc", "--as-of", "2030-01-01", "-q"])
        let classes = Self.rows(single.stdout).map { $0["abc_class"]! }
        let combined = Self.rows(r.stdout).map { $0["abc_class"]! }
        #expect(combined.count == 2000)
        #expect(combined == classes)
        let s = try CLVCommand.run(["segment", "Examples/transactions.csv", "--method", "rfm,abc", "--summary", "--as-of", "2030-01-01", "-q"])
        let methods = Self.rows(s.stdout).map { $0["method"]! }
        #expect(methods == Array(repeating: "rfm", count: 8) + ["abc", "abc", "abc"])
        let bad = try CLVCommand.run(["segment", "Examples/transactions.csv", "--method", "rfm,rfm"])
        #expect(bad.status == 64)
    }

    static let b2bLog = """
        customer_id,date,amount
        A,2025-01-10,100
        B,2025-01-10,100
        B,2025-02-10,200
        C,2025-01-10,50
        C,2025-02-10,50
        C,2025-03-10,100
        """

    /// Composite index on three accounts, worked out by hand.
    @Test func compositeIndexByHand() throws {
        let dir = try TestData.temporaryDirectory()
        let attributes = dir.appendingPathComponent("accounts.csv")
        try "customer_id,credit_days\nA,10\nB,30\nC,20\n".write(to: attributes, atomically: true, encoding: .utf8)
        // orders 1, 2, 3 → 0, 0.5, 1; spend 100, 300, 200 → 0, 1, 0.5; credit days (cost) 10, 30, 20 → 1, 0, 0.5.
        // Weights 0.25, 0.25, 0.5: A = 50, B = 37.5, C = 62.5.
        let r = try CLVCommand.run(["segment", "-", "--method", "index", "--indicators", "orders,spend,credit_days:cost",
                                    "--weights", "given", "--indicator-weights", "1,1,2", "--attributes", attributes.path,
                                    "--as-of", "2030-01-01", "-q"], stdin: Self.b2bLog)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = Dictionary(uniqueKeysWithValues: Self.rows(r.stdout).map { ($0["customer_id"]!, $0) })
        for (id, score, rank) in [("A", 50.0, "2"), ("B", 37.5, "3"), ("C", 62.5, "1")] {
            #expect(abs(Double(rows[id]!["index_score"]!)! - score) < 1e-9, "\(id)")
            #expect(rows[id]!["index_rank"] == rank)
        }
        #expect(rows["C"]!["segment_key"] == "key_account")
        // AHP: orders 3× as important as spend → weights 0.75, 0.25: A 0, B 62.5, C 87.5.
        let matrix = dir.appendingPathComponent("judgments.csv")
        try ",orders,spend\norders,1,3\nspend,1/3,1\n".write(to: matrix, atomically: true, encoding: .utf8)
        let a = try CLVCommand.run(["segment", "-", "--method", "index", "--indicators", "orders,spend", "--weights", "ahp",
                                    "--ahp-matrix", matrix.path, "--as-of", "2030-01-01"], stdin: Self.b2bLog)
        #expect(a.status == 0, "\(a.stderr)")
        let scores = Dictionary(uniqueKeysWithValues: Self.rows(a.stdout).map { ($0["customer_id"]!, Double($0["index_score"]!)!) })
        #expect(abs(scores["A"]! - 0) < 1e-9 && abs(scores["B"]! - 62.5) < 1e-9 && abs(scores["C"]! - 87.5) < 1e-9)
        #expect(a.stderr.contains("CR 0"))
        // An inconsistent matrix is refused naming the judgment to revise; a bad attribute value names file, line and field.
        try ",orders,spend,tenure_days\norders,1,9,1/9\nspend,1/9,1,9\ntenure_days,9,1/9,1\n".write(to: matrix, atomically: true, encoding: .utf8)
        let bad = try CLVCommand.run(["segment", "-", "--method", "index", "--indicators", "orders,spend,tenure_days", "--weights", "ahp",
                                      "--ahp-matrix", matrix.path, "--as-of", "2030-01-01"], stdin: Self.b2bLog)
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("a["))
        try "customer_id,credit_days\nA,10\nB,thirty\nC,20\n".write(to: attributes, atomically: true, encoding: .utf8)
        let badFile = try CLVCommand.run(["segment", "-", "--method", "index", "--indicators", "credit_days", "--attributes", attributes.path,
                                          "--as-of", "2030-01-01"], stdin: Self.b2bLog)
        #expect(badFile.status == 65)
        #expect(badFile.stderr.contains("accounts.csv, line 3, field credit_days: 'thirty' is not a number"))
    }

    @Test func badOptionsAreRefused() throws {
        let r = try CLVCommand.run(["segment", "Examples/transactions.csv", "--recency-cuts", "30,90"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--frequency-cuts"))
        let t = try CLVCommand.run(["segment", "Examples/transactions.csv", "--method", "tiers", "--tier-thresholds", "500,100,900", "--as-of", "2030-01-01"])
        #expect(t.status != 0)
        #expect(t.stderr.contains("silver < gold < diamond"))
    }
}
