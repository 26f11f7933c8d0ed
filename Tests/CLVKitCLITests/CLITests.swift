import Foundation
import Testing
import _CLVTestSupport

@Suite("clv command line, end to end")
struct CLITests {
    static let cdnow = TestData.shared("CDNOW_sample.txt").path

    @Test("summary of the bundled example log")
    func exampleSummary() throws {
        let r = try CLVCommand.run(["summary", "Examples/transactions.csv", "--as-of", "2030-01-01"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first == "customer_id,frequency,recency,T,monetary_value,first_purchase,last_purchase,orders,total_spend,mean_spend,acquisition_channel,channel_count")
        #expect(lines.count > 1000)
        #expect(r.stderr.contains("customers"))
        #expect(!r.stderr.contains("\r"), "no progress line when stderr is not a terminal")
    }

    @Test("--engine history (customer histories) writes the same bytes and report as the streaming reader",
          arguments: [["--as-of", "2030-01-01"], ["--as-of", "2030-01-01", "--calibration-end", "2024-12-31", "--freq", "week"],
                      ["--as-of", "2030-01-01", "--returns", "keep", "--time-unit", "week"], ["--as-of", "2030-01-01", "--observation-end", "2024-10-15", "--freq", "month"]])
    func historyEngine(_ flags: [String]) throws {
        let streaming = try CLVCommand.run(["summary", "Examples/transactions.csv"] + flags)
        let history = try CLVCommand.run(["summary", "Examples/transactions.csv", "--engine", "history"] + flags)
        #expect(streaming.status == 0 && history.status == 0, "\(streaming.stderr)\(history.stderr)")
        #expect(history.stdout == streaming.stdout)
        #expect(history.stderr == streaming.stderr)
    }

    @Test("--engine history states when it rounds an amount to millionths (its money unit); the streaming reader does not round")
    func historyEngineRounding() throws {
        let log = "customer_id,date,amount\nA,2024-01-01,10.1234567\nA,2024-02-01,5\n"
        let history = try CLVCommand.run(["summary", "-", "--engine", "history", "--as-of", "2030-01-01"], stdin: log)
        let streaming = try CLVCommand.run(["summary", "-", "--as-of", "2030-01-01"], stdin: log)
        #expect(history.status == 0 && streaming.status == 0)
        #expect(history.stderr.contains("1 amounts with more than six decimals rounded to millionths"), "\(history.stderr)")
        #expect(history.stdout.contains(",15.123457,"))
        #expect(!streaming.stderr.contains("rounded"))
        #expect(streaming.stdout.contains(",15.1234567,"))
    }

    @Test("CDNOW in weeks, as the literature reports it")
    func cdnow() throws {
        try #require(TestData.exists(URL(fileURLWithPath: Self.cdnow)))
        let r = try CLVCommand.run(["summary", Self.cdnow, "--no-header", "--customer", "2", "--date", "3", "--amount", "5",
                                    "--time-unit", "week", "--calibration-end", "1997-09-30", "--observation-end", "1998-06-30", "--quiet"])
        #expect(r.status == 0)
        #expect(r.stderr.isEmpty)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 2358)
        #expect(lines[0].hasPrefix("customer_id,frequency_cal,recency_cal,T_cal,monetary_value_cal,frequency_holdout,monetary_value_holdout,duration_holdout"))
        // Customer 0001: lifetimes 0.11.3 gives 2, 30.428571428571427, 38.857142857142854, 22.345, 1, 26.48, 39.0.
        let fields = lines[1].split(separator: ",")
        #expect(fields[0] == "0001")
        let expected = [2, 30.428571428571427, 38.857142857142854, 22.345, 1, 26.48, 39.0]
        for (text, value) in zip(fields[1...7], expected) {
            #expect(isClose(Double(text)!, value, relative: 1e-9), "\(text) vs \(value)")
        }
    }

    @Test("standard input and JSON Lines")
    func stdinJSONL() throws {
        let log = "customer_id,date,amount\nA,2024-01-01,10\nA,2024-01-08,20.5\nB,2024-01-03,5\n"
        let r = try CLVCommand.run(["summary", "-", "--format", "jsonl", "--as-of", "2030-01-01", "-q"], stdin: log)
        #expect(r.status == 0, "\(r.stderr)")
        let objects = try r.stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(objects.count == 2)
        #expect(objects[0]["customer_id"] as? String == "A")
        #expect(objects[0]["frequency"] as? Double == 1)
        #expect(objects[0]["monetary_value"] as? Double == 20.5)
        #expect(objects[0]["first_purchase"] as? String == "2024-01-01")
        #expect(objects[1]["T"] as? Double == 5)
    }

    @Test("bad data: exit 65, the message names file, line, column and value, and no output is written")
    func badData() throws {
        let dir = try TestData.temporaryDirectory()
        let input = dir.appendingPathComponent("bad.csv")
        try "customer_id,date,amount\nA,2024-01-01,10\nB,2024-01-02,ten\n".write(to: input, atomically: true, encoding: .utf8)
        let output = dir.appendingPathComponent("out.csv")
        try "previous result\n".write(to: output, atomically: true, encoding: .utf8)
        let r = try CLVCommand.run(["summary", input.path, "-o", output.path, "--as-of", "2030-01-01"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("bad.csv:3: column 'amount': \"ten\" is not a number"))
        #expect(try String(contentsOf: output, encoding: .utf8) == "previous result\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["bad.csv", "out.csv"])
        // With --on-error skip the row is skipped and reported.
        let skipped = try CLVCommand.run(["summary", input.path, "-o", output.path, "--on-error", "skip", "--as-of", "2030-01-01"])
        #expect(skipped.status == 0)
        #expect(skipped.stderr.contains("skipped 1 row: 1 unparsable amount"))
        #expect(try String(contentsOf: output, encoding: .utf8).hasPrefix("customer_id,frequency"))
    }

    static let exitCases: [([String], Int32)] = [
        (["summary", "no/such/file.csv"], 66),
        (["summary", "Examples/transactions.csv", "--freq", "fortnight"], 64),
        (["summary", "Examples/transactions.csv", "--customer", "nope"], 65),
        (["summary", "Examples/transactions.csv", "--calibration-end", "2025-01-01", "--observation-end", "2024-01-01"], 64),
        (["summary", "Examples/transactions.csv", "-o", "/no/such/dir/out.csv", "--as-of", "2030-01-01"], 73),
        (["generate", "--customers", "0"], 64),
    ]

    @Test("exit codes", arguments: exitCases)
    func exitCodes(_ arguments: [String], _ status: Int32) throws {
        let r = try CLVCommand.run(arguments)
        #expect(r.status == status, "\(arguments): \(r.stderr)")
        #expect(!r.stderr.isEmpty)
    }

    /// Every library error maps to its exit code through its category, clustering errors included: asking for more
    /// clusters than there are customers is bad data (65), not an unknown failure (1).
    @Test("clustering errors exit 65 like every other data error")
    func clusteringErrorIsDataError() throws {
        let log = "customer_id,date,amount\nA,2024-01-01,10\nA,2024-02-01,12\nB,2024-01-03,5\nC,2024-01-09,7\n"
        let r = try CLVCommand.run(["segment", "-", "--method", "kmeans", "--k", "5", "--as-of", "2024-06-01", "-q"], stdin: log)
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("3"), "\(r.stderr)")
    }

    @Test("generate is reproducible and writes atomically")
    func generate() throws {
        let dir = try TestData.temporaryDirectory()
        let file = dir.appendingPathComponent("g.csv")
        let a = try CLVCommand.run(["generate", "--customers", "500", "--seed", "9", "-o", file.path, "--channels"])
        #expect(a.status == 0)
        let b = try CLVCommand.run(["generate", "--customers", "500", "--seed", "9", "--channels"])
        #expect(try String(contentsOf: file, encoding: .utf8) == b.stdout)
        #expect(b.stdout.hasPrefix("customer_id,date,amount,channel\nC0000001,2024-"))
    }

    @Test("the data-quality report as JSON")
    func reportJSON() throws {
        let dir = try TestData.temporaryDirectory()
        let report = dir.appendingPathComponent("report.json")
        let r = try CLVCommand.run(["summary", "Examples/transactions.csv", "--report-json", report.path, "-q",
                                    "--as-of", "2030-01-01", "-o", dir.appendingPathComponent("s.csv").path])
        #expect(r.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as! [String: Any]
        #expect(object["customers"] as? Int == 2000)
        #expect((object["columns"] as? [String: String])?["customer"] == "customer_id")
        // The reading of amounts, under its snake_case key.
        let format = object["amount_format"] as? [String: Any]
        #expect(format?["decimal_mark"] as? String == ".")
        #expect(format?["values_with_grouping"] as? Int == 0)
        let comma = dir.appendingPathComponent("comma.csv"), commaReport = dir.appendingPathComponent("comma.json")
        try "customer_id;date;amount\nA;2024-01-01;1.234,50\nA;2024-02-01;12,5\n".write(to: comma, atomically: true, encoding: .utf8)
        let c = try CLVCommand.run(["summary", comma.path, "--decimal-comma", "--report-json", commaReport.path, "-q",
                                    "--as-of", "2030-01-01", "-o", dir.appendingPathComponent("c.csv").path])
        #expect(c.status == 0, "\(c.stderr)")
        let commaFormat = (try JSONSerialization.jsonObject(with: Data(contentsOf: commaReport)) as? [String: Any])?["amount_format"] as? [String: Any]
        #expect(commaFormat?["decimal_mark"] as? String == ",")
        #expect(commaFormat?["values_with_grouping"] as? Int == 1)
    }

    @Test("help shows examples")
    func help() throws {
        let r = try CLVCommand.run(["summary", "--help"])
        #expect(r.stdout.contains("Examples:"))
        #expect(r.stdout.contains("--calibration-end"))
    }
}

@Suite("Output to special files")
struct SpecialOutputTests {
    @Test("-o /dev/null writes to the device and leaves it a device")
    func devNull() throws {
        let r = try CLVCommand.run(["summary", "Examples/transactions.csv", "-o", "/dev/null", "-q", "--as-of", "2030-01-01"])
        #expect(r.status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: "/dev/null")
        #expect(attributes[.type] as? FileAttributeType == .typeCharacterSpecial)
    }

    @Test("a full disk is an error (exit 73), also when the rows are written in the background",
          .enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "needs /dev/full"))
    func fullDisk() throws {
        let directory = try TestData.temporaryDirectory()
        let log = directory.appendingPathComponent("tx.csv").path
        // Enough customers for several batches of chunks, so that writing overlaps formatting.
        let g = try CLVCommand.run(["generate", "--customers", "150000", "--seed", "3", "-o", log, "-q"])
        #expect(g.status == 0, "\(g.stderr)")
        for file in [log, "Examples/transactions.csv"] {
            let r = try CLVCommand.run(["summary", file, "-o", "/dev/full", "-q", "--as-of", "2030-01-01"])
            #expect(r.status == 73, "\(file): \(r.stderr)")
            #expect(r.stderr.contains("/dev/full") && r.stderr.lowercased().contains("no space left"), "\(r.stderr)")
        }
    }
}
