#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import _CLVTestSupport

/// Runs `clv` with its standard output going to `stdout` (a file handle of the caller's choosing).
private func launch(_ arguments: [String], stdout: Any? = nil, stderr: Pipe = Pipe()) throws -> Process {
    let process = Process()
    process.executableURL = try #require(CLVCommand.executable())
    process.arguments = arguments
    process.currentDirectoryURL = TestData.repositoryRoot
    process.standardOutput = stdout ?? FileHandle.nullDevice
    process.standardError = stderr
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return process
}

private func files(_ dir: URL) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() }

/// Every key of a JSON document, at any depth.
private func keys(_ value: Any) -> [String] {
    if let d = value as? [String: Any] { return d.keys + d.values.flatMap(keys) }
    if let a = value as? [Any] { return a.flatMap(keys) }
    return []
}

private func isSnakeCase(_ key: String) -> Bool {
    key.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" } || key == "T"
}

@Suite("clv analyze writes one consistent set of outputs", .serialized)
struct OutputSetTests {
    static let example = "Examples/transactions.csv"

    @Test("every file carries the run id; clv report refuses a set mixed from two runs, naming the odd file")
    func mixedSet() throws {
        let dir = try TestData.temporaryDirectory()
        let a = dir.appendingPathComponent("a"), b = dir.appendingPathComponent("b")
        try FileManager.default.createDirectory(at: a, withIntermediateDirectories: true)
        try "mine".write(to: a.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        // Run b values customers at another margin, so that its customers.csv differs.
        for (out, margin) in [(a, "1"), (b, "0.5")] {
            let r = try CLVCommand.run(["analyze", Self.example, "-o", out.path, "--as-of", "2030-01-01", "-q", "--margin", margin])
            #expect(r.status == 0, "\(r.stderr)")
        }
        // A file clv did not write survives; the set is the four files and the manifest.
        #expect(try files(a) == ["clv-run.json", "customers.csv", "model.json", "notes.txt", "report.html", "summary.json"])
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: a.appendingPathComponent("clv-run.json"))) as! [String: Any]
        let runID = try #require(manifest["run_id"] as? String)
        let entries = try #require(manifest["files"] as? [[String: Any]])
        #expect(Set(entries.map { $0["name"] as! String }) == ["customers.csv", "model.json", "summary.json", "report.html"])
        for e in entries {
            #expect(e["run_id"] as? String == runID)
            #expect((e["sha256"] as? String)?.count == 64)
            let size = try FileManager.default.attributesOfItem(atPath: a.appendingPathComponent(e["name"] as! String).path)[.size] as! Int
            #expect(e["bytes"] as? Int == size)
        }
        for name in ["summary.json", "model.json"] {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: a.appendingPathComponent(name))) as! [String: Any]
            #expect(json["run_id"] as? String == runID, "\(name)")
        }
        let page = try String(contentsOf: a.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("<meta name=\"clv-run-id\" content=\"\(runID)\">"))
        // The whole set renders, and the new page joins the set.
        let zh = try CLVCommand.run(["report", a.path, "--lang", "zh"])
        #expect(zh.status == 0, "\(zh.stderr)")
        #expect(try String(contentsOf: a.appendingPathComponent("report-zh.html"), encoding: .utf8).contains(runID))
        #expect(try CLVCommand.run(["report", a.path]).status == 0)

        // A file of another run copied in: refused with exit 65, naming it.
        for odd in ["customers.csv", "model.json", "summary.json"] {
            let mixed = dir.appendingPathComponent("mixed-\(odd)")
            try FileManager.default.copyItem(at: a, to: mixed)
            try FileManager.default.removeItem(at: mixed.appendingPathComponent(odd))
            try FileManager.default.copyItem(at: b.appendingPathComponent(odd), to: mixed.appendingPathComponent(odd))
            let r = try CLVCommand.run(["report", mixed.path])
            #expect(r.status == 65, "\(odd): \(r.stderr)")
            #expect(r.stderr.contains(odd) && r.stderr.contains("mix"), "\(r.stderr)")
        }
        // An interrupted run leaves no manifest of its own: new files beside the old manifest are odd, and
        // without any manifest the set is incomplete.
        let noManifest = dir.appendingPathComponent("no-manifest")
        try FileManager.default.copyItem(at: a, to: noManifest)
        try FileManager.default.removeItem(at: noManifest.appendingPathComponent("clv-run.json"))
        let r = try CLVCommand.run(["report", noManifest.path])
        #expect(r.status == 65 && r.stderr.contains("clv-run.json is missing"), "\(r.stderr)")

        // A new run into the directory replaces the set: the unchanged report-zh.html of the old run goes, notes.txt stays.
        let again = try CLVCommand.run(["analyze", Self.example, "-o", a.path, "--as-of", "2030-01-01", "-q"])
        #expect(again.status == 0)
        #expect(try files(a) == ["clv-run.json", "customers.csv", "model.json", "notes.txt", "report.html", "summary.json"])
        #expect(try CLVCommand.run(["report", a.path]).status == 0)
    }

    @Test("summary.json holds null, not \"NaN\", in numeric arrays, and every JSON output has snake_case keys")
    func jsonOutputs() throws {
        let dir = try TestData.temporaryDirectory()
        let out = dir.appendingPathComponent("out")
        #expect(try CLVCommand.run(["analyze", Self.example, "-o", out.path, "--as-of", "2030-01-01", "-q"]).status == 0)
        let text = try String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(!text.contains("\"NaN\"") && !text.contains("Infinity"))
        let summary = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        let grid = try #require((summary["report"] as? [String: Any])?["expected_grid"] as? [[Any]])
        #expect(grid.joined().contains { $0 is NSNull })
        #expect(grid.joined().allSatisfy { $0 is NSNull || $0 is NSNumber })
        let reportJSON = dir.appendingPathComponent("quality.json")
        #expect(try CLVCommand.run(["summary", Self.example, "--as-of", "2030-01-01", "-q", "-o", "/dev/null",
                                    "--report-json", reportJSON.path]).status == 0)
        let validate = try CLVCommand.run(["validate", Self.example, "--as-of", "2030-01-01", "--calibration-end", "2024-12-31", "--format", "json"])
        #expect(validate.status == 0, "\(validate.stderr)")
        let churnModel = dir.appendingPathComponent("churn-model.json")
        for classifier in ["logistic", "mlp", "gbt"] {
            let t = try CLVCommand.run(["churn", "train", "Examples/orders.csv", "--classifier", classifier, "--horizon", "26w", "-q",
                                        "--as-of", "2030-01-01", "-o", churnModel.path])
            #expect(t.status == 0, "\(t.stderr)")
            let bad = keys(try JSONSerialization.jsonObject(with: Data(contentsOf: churnModel))).filter { !isSnakeCase($0) }
            #expect(bad.isEmpty, "churn model \(classifier): \(Set(bad).sorted())")
            let p = try CLVCommand.run(["churn", "predict", "Examples/orders.csv", "--model-file", churnModel.path, "-q", "--as-of", "2030-01-01"])
            #expect(p.status == 0 && p.stdout.split(separator: "\n").count == 1001, "\(p.stderr)")
        }
        let documents: [(String, Data)] = [
            ("summary.json", Data(text.utf8)), ("model.json", try Data(contentsOf: out.appendingPathComponent("model.json"))),
            ("clv-run.json", try Data(contentsOf: out.appendingPathComponent("clv-run.json"))),
            ("--report-json", try Data(contentsOf: reportJSON)), ("validate", Data(validate.stdout.utf8)),
        ]
        for (name, data) in documents {
            // Keys that are data, not field names (model names such as "BG/NBD" in validate's predictions), are skipped.
            let bad = keys(try JSONSerialization.jsonObject(with: data)).filter { !isSnakeCase($0) && !$0.contains("/") }
            #expect(bad.isEmpty, "\(name): \(Set(bad).sorted())")
        }
        let quality = try JSONSerialization.jsonObject(with: Data(contentsOf: reportJSON)) as! [String: Any]
        #expect(quality["rows_read"] != nil || quality["rows"] != nil || quality.keys.contains { $0.contains("_") })
        // clv report reads the nulls back.
        let again = try CLVCommand.run(["report", out.path, "-o", dir.appendingPathComponent("again.html").path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("again.html"), encoding: .utf8)
                == String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8))
    }

    @Test("analyze's lifecycle stage equals segment --method lifecycle for every customer")
    func lifecycleAgreement() throws {
        let dir = try TestData.temporaryDirectory()
        let out = dir.appendingPathComponent("out")
        #expect(try CLVCommand.run(["analyze", Self.example, "-o", out.path, "--as-of", "2030-01-01", "-q"]).status == 0)
        let analyzed = try String(contentsOf: out.appendingPathComponent("customers.csv"), encoding: .utf8).split(separator: "\n")
        let header = analyzed[0].split(separator: ",")
        let column = try #require(header.firstIndex(of: "lifecycle_stage"))
        var fromAnalyze: [Substring: Substring] = [:]
        for line in analyzed.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            fromAnalyze[f[0]] = f[column]
        }
        let s = try CLVCommand.run(["segment", Self.example, "--method", "lifecycle", "--as-of", "2030-01-01", "-q"])
        #expect(s.status == 0, "\(s.stderr)")
        let lines = s.stdout.split(separator: "\n")
        let key = try #require(lines[0].split(separator: ",").firstIndex(of: "segment_key"))
        var fromSegment: [Substring: Substring] = [:]
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            fromSegment[f[0]] = f[key]
        }
        #expect(fromAnalyze.count == 2000 && fromSegment.count == 2000)
        let differing = fromAnalyze.filter { fromSegment[$0.key] != $0.value }
        #expect(differing.isEmpty, "\(differing.count) customers differ, e.g. \(differing.first.map { "\($0.key): \($0.value) vs \(fromSegment[$0.key] ?? "-")" } ?? "")")
        // The trend and reactivation rules are in force: some customers are reactivated.
        #expect(fromAnalyze.values.contains("reactivated"))
    }

    @Test("an unwritable --output fails before any work with exit 73 and a plain message")
    func unwritableOutput() throws {
        // A path under a regular file fails even for root.
        let r = try CLVCommand.run(["analyze", Self.example, "-o", "Examples/transactions.csv/out", "--as-of", "2030-01-01"])
        #expect(r.status == 73, "\(r.stderr)")
        #expect(r.stderr.contains("is a file, not a directory") && !r.stderr.contains("read 5671 rows") && !r.stderr.contains("NSCocoaErrorDomain"))
        for command in [["summary"], ["segment", "--method", "abc"], ["features", "--cutoff", "2025-03-31"]] {
            let c = try CLVCommand.run(command + [Self.example, "-o", "Examples/transactions.csv/x.csv", "--as-of", "2030-01-01"])
            #expect(c.status == 73, "\(command): \(c.stderr)")
            #expect(c.stderr.contains("not a directory") && !c.stderr.contains("clv: read"), "\(c.stderr)")
        }
        let missing = try CLVCommand.run(["summary", Self.example, "-o", "/no/such/dir/x.csv", "--as-of", "2030-01-01"])
        #expect(missing.status == 73 && missing.stderr.contains("does not exist"), "\(missing.stderr)")
        let isDirectory = try CLVCommand.run(["summary", Self.example, "-o", "Examples", "--as-of", "2030-01-01"])
        #expect(isDirectory.status == 73 && isDirectory.stderr.contains("is a directory"), "\(isDirectory.stderr)")
    }

    @Test("a read-only output directory gives exit 73", .enabled(if: getuid() != 0, "root may write anywhere"))
    func readOnlyDirectory() throws {
        let dir = try TestData.temporaryDirectory().appendingPathComponent("ro")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        chmod(dir.path, 0o555)
        defer { chmod(dir.path, 0o755) }
        let a = try CLVCommand.run(["analyze", Self.example, "-o", dir.path, "--as-of", "2030-01-01"])
        #expect(a.status == 73 && a.stderr.contains("permission denied"), "\(a.stderr)")
        let s = try CLVCommand.run(["summary", Self.example, "-o", dir.appendingPathComponent("x.csv").path, "--as-of", "2030-01-01"])
        #expect(s.status == 73 && s.stderr.contains("permission denied"), "\(s.stderr)")
    }
}

@Suite("temporary files never stay behind", .serialized)
struct TemporaryFileTests {
    /// A generated log large enough that writing its summary takes a while in a debug build.
    static func bigLog() throws -> URL {
        let dir = try TestData.temporaryDirectory()
        let log = dir.appendingPathComponent("big.csv")
        let g = try CLVCommand.run(["generate", "--customers", "150000", "--seed", "3", "-q", "-o", log.path])
        #expect(g.status == 0)
        return log
    }

    @Test("SIGTERM and SIGINT while the output is being written remove the temporary file", arguments: [SIGTERM, SIGINT])
    func signalMidWrite(_ sig: Int32) throws {
        let log = try Self.bigLog()
        let dir = log.deletingLastPathComponent().appendingPathComponent("out")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let target = dir.appendingPathComponent("summary.csv")
        let process = try launch(["summary", log.path, "-o", target.path, "--as-of", "2030-01-01", "-q"])
        // Wait until the temporary file exists and has some bytes, then stop the process.
        let deadline = Date().addingTimeInterval(60)
        var seen = false
        while Date() < deadline, process.isRunning {
            if let name = try files(dir).first(where: { $0.hasPrefix(".summary.csv.tmp-") }),
               let size = try? FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(name).path)[.size] as? Int, size > 0 {
                seen = true
                break
            }
            usleep(2_000)
        }
        try #require(seen, "the temporary file never appeared")
        kill(process.processIdentifier, sig)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == sig)
        let left = try files(dir)
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test("temporary files of a killed process are removed by the next run into the same place; others stay")
    func staleTemporaryFiles() throws {
        let dir = try TestData.temporaryDirectory()
        // The id of a process that has ended.
        let done = Process()
        done.executableURL = URL(fileURLWithPath: "/bin/true")
        try done.run()
        done.waitUntilExit()
        let dead = done.processIdentifier
        let stale = [".out.csv.tmp-\(dead)-a1B2c3"]
        let me = getpid()
        let kept = [".out.csv.tmp-\(me)-zzzzzz", ".other.csv.tmp-\(dead)-a1B2c3", "out.csv.tmp-\(dead)-a1B2c3", "mine.txt"]
        for name in stale + kept { try "x".write(to: dir.appendingPathComponent(name), atomically: false, encoding: .utf8) }
        let r = try CLVCommand.run(["summary", "Examples/transactions.csv", "-o", dir.appendingPathComponent("out.csv").path,
                                    "--as-of", "2030-01-01", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try files(dir) == (kept + ["out.csv"]).sorted())
    }
}

@Suite("CLI polish")
struct CLIPolishTests {
    static let commands: [[String]] = [
        [], ["analyze"], ["report"], ["summary"], ["segment"], ["features"], ["churn"], ["churn", "evaluate"], ["churn", "train"],
        ["churn", "predict"], ["churn", "alerts"], ["churn", "deviations"], ["churn", "similar-value"], ["fit"], ["predict"],
        ["validate"], ["generate"],
    ]

    @Test("no --help shows a Swift debug description")
    func helpDefaults() throws {
        let debugForm = try Regex(#"(default: [A-Z][A-Za-z]*\(|CLVKitCLI\.|[A-Z][a-z]+[A-Z][A-Za-z]*\((lower|upper|methods|kinds|values|rows|amount):)"#)
        for command in Self.commands {
            let r = try CLVCommand.run(command + ["--help"])
            #expect(r.status == 0, "\(command)")
            let help = r.stdout.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
            #expect(help.firstMatch(of: debugForm) == nil, "clv \(command.joined(separator: " ")) --help: \(help.firstMatch(of: debugForm).map { String(help[$0.range]) } ?? "")")
        }
        let segment = try CLVCommand.run(["segment", "--help"]).stdout
        #expect(segment.contains("(default: rfm)") && segment.contains("(default: 2-8)") && segment.contains("(default: 4x4)"))
        #expect(try CLVCommand.run(["churn", "evaluate", "--help"]).stdout.contains("(default: 39w)"))
    }

    @Test("a mistyped subcommand gets a suggestion; a rejected value shows the subcommand's usage")
    func suggestionsAndUsage() throws {
        let r = try CLVCommand.run(["analyse", "Examples/transactions.csv"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("Did you mean 'analyze'?"), "\(r.stderr)")
        let nested = try CLVCommand.run(["churn", "evalute"])
        #expect(nested.status == 64 && nested.stderr.contains("Did you mean 'evaluate'?"), "\(nested.stderr)")
        let unknown = try CLVCommand.run(["frobnicate"])
        #expect(unknown.status == 64 && unknown.stderr.contains("commands: analyze"), "\(unknown.stderr)")
        #expect(try CLVCommand.run(["help", "summary"]).status == 0)
        let late = try CLVCommand.run(["segment", "Examples/transactions.csv", "--value", "clv", "--model", "none", "-q", "--as-of", "2030-01-01"])
        #expect(late.status == 64)
        #expect(late.stderr.contains("Usage: clv segment") && !late.stderr.contains("Usage: clv <subcommand>"), "\(late.stderr)")
    }

    @Test("--margin outside (0, 1] is a usage error that says how to write a percentage")
    func margin() throws {
        let r = try CLVCommand.run(["analyze", "Examples/transactions.csv", "--margin", "30", "-o", "/tmp/never"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("30 means 30%? pass 0.3"), "\(r.stderr)")
        for bad in ["0", "-0.2", "1.5"] {
            let b = try CLVCommand.run(["segment", "Examples/transactions.csv", "--margin=\(bad)"])
            #expect(b.status == 64 && b.stderr.contains("(0, 1]"), "\(bad): \(b.stderr)")
        }
    }

    @Test("a reader that stops early (| head) does not kill clv: its notes still come, exit 0")
    func closedPipe() throws {
        let pipe = Pipe(), err = Pipe()
        let process = try launch(["summary", "Examples/transactions.csv", "--as-of", "2030-01-01"], stdout: pipe, stderr: err)
        _ = pipe.fileHandleForReading.readData(ofLength: 100)
        try pipe.fileHandleForReading.close()
        let notes = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        #expect(String(decoding: notes, as: UTF8.self).contains("2000 customers, 1014 with repeat purchases"))
    }

    @Test("--bom starts every CSV output with the UTF-8 byte order mark, and only with --bom")
    func byteOrderMark() throws {
        let dir = try TestData.temporaryDirectory()
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let csvCommands: [(String, [String])] = [
            ("summary.csv", ["summary", "Examples/transactions.csv"]),
            ("segment.csv", ["segment", "Examples/transactions.csv", "--method", "rfm,abc"]),
            ("features.csv", ["features", "Examples/transactions.csv", "--cutoff", "2025-03-31"]),
            ("alerts.csv", ["churn", "alerts", "Examples/transactions.csv"]),
            ("generated.csv", ["generate", "--customers", "20"]),
        ]
        for (name, command) in csvCommands {
            for withBOM in [true, false] {
                let path = dir.appendingPathComponent((withBOM ? "bom-" : "") + name)
                let r = try CLVCommand.run(command + ["-o", path.path, "-q"] + (command[0] == "generate" ? [] : ["--as-of", "2030-01-01"])
                                           + (withBOM ? ["--bom"] : []))
                #expect(r.status == 0, "\(command): \(r.stderr)")
                let head = Array(try Data(contentsOf: path).prefix(3))
                #expect((head == bom) == withBOM, "\(name) \(withBOM)")
            }
        }
        let out = dir.appendingPathComponent("out")
        #expect(try CLVCommand.run(["analyze", "Examples/transactions.csv", "-o", out.path, "--bom", "-q", "--as-of", "2030-01-01"]).status == 0)
        let customers = try Data(contentsOf: out.appendingPathComponent("customers.csv"))
        #expect(Array(customers.prefix(3)) == bom)
        #expect(try CLVCommand.run(["report", out.path]).status == 0, "the set with a BOM checks")
        // A summary written with --bom reads back as the same log would (the reader skips the mark).
        let jsonl = try CLVCommand.run(["summary", "Examples/transactions.csv", "--format", "jsonl", "--bom", "-q", "--as-of", "2030-01-01"])
        #expect(jsonl.stdout.hasPrefix("{"), "no byte order mark in JSON Lines")
    }

    @Test("a multi-method segment table names every column once, each with its method's prefix")
    func multiMethodColumns() throws {
        let r = try CLVCommand.run(["segment", "Examples/transactions.csv", "--method", "rfm,value-matrix,abc,lifecycle", "--as-of", "2030-01-01", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let header = r.stdout.prefix { $0 != "\n" }.split(separator: ",").map(String.init)
        #expect(Set(header).count == header.count, "repeated: \(Dictionary(grouping: header) { $0 }.filter { $0.value.count > 1 }.keys.sorted())")
        for column in ["rfm_orders", "value_matrix_orders", "lifecycle_orders", "rfm_r_score", "abc_class", "abc_value", "lifecycle_stage", "rfm_segment_key"] {
            #expect(header.contains(column), "\(column)")
        }
        let prefixes = ["rfm_", "value_matrix_", "abc_", "lifecycle_"]
        let unprefixed = header.filter { column in column != "customer_id" && !prefixes.contains { column.hasPrefix($0) } }
        #expect(unprefixed.isEmpty, "\(unprefixed)")
    }
}
