import CLVCore
import CLVIngest
import CLVIO
import CLVNumerics
import Foundation
import Testing
import _CLVTestSupport

@Suite("Writing the summary straight from the reader")
struct SummaryStreamingTests {
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("clvkit-\(UUID().uuidString)-\(name)").path
    }

    /// The bytes and report of summarising `text` into a table and writing it with ``SummaryWriter``.
    static func viaTable(_ text: String, _ options: IngestOptions, _ summary: SummaryOptions,
                         _ format: TableFormat) throws -> ([UInt8], IngestReport) {
        let path = temporaryPath("table")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let input = try MappedInput.fromBytes(Array(text.utf8), name: "log.csv")
        let (table, report) = try TransactionLogReader.summarize(input, options: options, summary: summary)
        let out = try OutputFile(path: path)
        try SummaryWriter.write(table, format: format, to: out)
        try out.commit()
        return (Array(try Data(contentsOf: URL(fileURLWithPath: path))), report)
    }

    /// The bytes and report of writing the summary of `text` straight from the reader.
    static func direct(_ text: String, _ options: IngestOptions, _ summary: SummaryOptions,
                       _ format: TableFormat) throws -> ([UInt8], IngestReport) {
        let path = temporaryPath("direct")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let input = try MappedInput.fromBytes(Array(text.utf8), name: "log.csv")
        let out = try OutputFile(path: path)
        let report = try TransactionLogReader.writeSummary(input, options: options, summary: summary, format: format, to: out)
        try out.commit()
        return (Array(try Data(contentsOf: URL(fileURLWithPath: path))), report)
    }

    /// Whether two outputs are equal (a plain `==` in `#expect` would diff megabytes on failure).
    static func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool { a == b }

    @Test("the same bytes and report as building the table and writing it, in every layout",
          arguments: [(1, "date"), (2, "customer"), (3, "shuffled")] as [(UInt64, String)])
    func sameAsTable(seed: UInt64, order: String) throws {
        let text = RichLog(seed: seed, order: order).text
        let summaries = [
            SummaryOptions(),
            SummaryOptions(frequency: .week, timeUnit: .week, calibrationEnd: CalendarDay(daysSinceEpoch: 19_850)),
            SummaryOptions(frequency: .month, timeUnit: .year, observationEnd: CalendarDay(daysSinceEpoch: 19_900)),
        ]
        let mappings = [
            ColumnMapping(),
            ColumnMapping(quantity: .name("qty"), channel: .name("channel")),
            ColumnMapping(amount: nil, useAmount: false),
        ]
        for summary in summaries {
            for mapping in mappings {
                for threshold in [1, Int.max] {
                    for format in TableFormat.allCases {
                        var options = IngestOptions(columns: mapping, asOf: CalendarDay(iso: "2030-01-01")!)
                        options.parallelThreshold = threshold
                        let (expected, expectedReport) = try Self.viaTable(text, options, summary, format)
                        let (written, report) = try Self.direct(text, options, summary, format)
                        #expect(Self.sameBytes(written, expected), "\(summary) \(mapping) threshold \(threshold) \(format)")
                        var a = report, b = expectedReport
                        a.seconds = 0
                        b.seconds = 0
                        #expect(a == b)
                        #expect(report.customers > 0)
                    }
                }
            }
        }
    }

    @Test("CSV lines hold the same value texts as JSON Lines, which are written value by value",
          arguments: [(1, "date"), (2, "customer"), (3, "shuffled")] as [(UInt64, String)])
    func csvMatchesJSONLines(seed: UInt64, order: String) throws {
        // The plain layout's CSV lines are assembled at a pointer in one go; JSON Lines go through the
        // value-by-value writer. Fields must agree as text (ids with commas are quoted in CSV).
        // Only customer, date and amount (a channel or quantity column would leave the plain layout).
        var rng = Xoshiro256(seed: seed)
        var lines: [(day: Int, text: String)] = []
        for c in 0..<400 {
            let id = c % 23 == 0 ? "\"C\(c), \"\"VIP\"\"\"" : "C\(c)"
            for _ in 0..<(Int(rng.next() % 6) + 1) {
                let cents = rng.next() % 10 == 0 ? -Int(rng.next() % 3000) - 1 : Int(rng.next() % 2_000_000)
                let amount = "\(cents < 0 ? "-" : "")\(abs(cents) / 100).\(String(format: "%02d", abs(cents) % 100))"
                let day = 19_000 + Int(rng.next() % 1200)
                lines.append((day, "\(id),\(CalendarDay(daysSinceEpoch: Int32(day))),\(amount)"))
            }
        }
        if order == "shuffled" { lines.shuffle(using: &rng) } else if order == "date" { lines.sort { $0.day < $1.day } }
        let text = "customer_id,date,amount\n" + lines.map(\.text).joined(separator: "\n") + "\n"
        let options = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
        let (csv, _) = try Self.direct(text, options, SummaryOptions(), .csv)
        let (jsonl, _) = try Self.direct(text, options, SummaryOptions(), .jsonl)
        let input = try MappedInput.fromBytes(csv)
        var scanner = RecordScanner(bytes: input.bytes, separator: .comma, keep: 16)
        let header = scanner.next()
        #expect(header)
        let names = (0..<scanner.fieldCount).map { scanner.string($0) }
        let objects = String(decoding: jsonl, as: UTF8.self).split(separator: "\n")
        var rows = 0
        for object in objects {
            let more = scanner.next()
            #expect(more)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(object.utf8)) as? [String: Any])
            for (k, name) in names.enumerated() {
                let csvText = scanner.string(k)
                // The JSON text of the value: strings as they are, numbers as written (re-read from the line).
                if let string = json[name] as? String {
                    #expect(csvText == string, "\(name)")
                } else {
                    let pattern = "\"\(name)\":"
                    let after = try #require(object.range(of: pattern)).upperBound
                    let token = object[after...].prefix { $0 != "," && $0 != "}" }
                    #expect(csvText == String(token), "\(name): CSV \(csvText), JSON \(token)")
                }
            }
            rows += 1
        }
        let extra = scanner.next()
        #expect(!extra)
        #expect(rows > 300)
    }

    @Test("more customers than one formatting chunk are written in order")
    func manyChunks() throws {
        var text = "customer_id,date,amount\n"
        for i in 0..<40_000 { text += "id\(i),2024-0\(i % 9 + 1)-1\(i % 10),\(i % 97).5\n" }
        for i in stride(from: 0, to: 40_000, by: 7) { text += "id\(i),2024-10-01,3\n" }
        for threshold in [1, Int.max] {
            var options = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
            options.parallelThreshold = threshold
            let (expected, _) = try Self.viaTable(text, options, SummaryOptions(), .csv)
            let (written, report) = try Self.direct(text, options, SummaryOptions(), .csv)
            #expect(report.customers == 40_000)
            #expect(Self.sameBytes(written, expected))
        }
    }

    @Test("a write that fails on the writer thread ends the summary with that error",
          .enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "needs /dev/full"))
    func writeFailure() throws {
        var text = "customer_id,date,amount\n"
        for i in 0..<40_000 { text += "id\(i),2024-0\(i % 9 + 1)-1\(i % 10),\(i % 97).5\n" }
        let input = try MappedInput.fromBytes(Array(text.utf8), name: "log.csv")
        let out = try OutputFile(path: "/dev/full") // a device: written in place, and every write fails
        let error = #expect(throws: OutputError.self) {
            _ = try TransactionLogReader.writeSummary(input, options: IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!),
                                                      format: .csv, to: out)
        }
        #expect(error?.category == .outputFailed)
    }

    @Test("no purchase in the summary window: an error, and no file")
    func nothingToWrite() throws {
        let text = "customer_id,date,amount\nA,2024-05-01,-3\nB,2024-05-02,-4\n"
        let path = Self.temporaryPath("none")
        let input = try MappedInput.fromBytes(Array(text.utf8), name: "log.csv")
        do {
            let out = try OutputFile(path: path)
            #expect(throws: IngestError.self) {
                _ = try TransactionLogReader.writeSummary(input, options: IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!),
                                                          format: .csv, to: out)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
