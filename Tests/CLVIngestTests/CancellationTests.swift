import CLVCore
import CLVIngest
import Foundation
import Testing

@Suite("Long reads stop when their cancellation token is set")
struct CancellationTests {
    /// 60 000 rows: several progress points of 16 384 rows.
    static let log: String = {
        var lines = ["customer_id,date,amount"]
        for k in 0..<60_000 { lines.append("C\(k % 5000),\(CalendarDay(iso: "2024-01-01")!.adding(days: k % 300)),\(k % 97).5") }
        return lines.joined(separator: "\n") + "\n"
    }()

    static func options(_ token: CancellationToken, split: Bool) -> IngestOptions {
        var o = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
        o.cancellation = token
        if split { o.parallelThreshold = 1 } // both halves on their own threads
        return o
    }

    @Test("cancelled during the read (from the progress callback): CancellationError, one thread or two", arguments: [false, true])
    func duringRead(split: Bool) throws {
        let token = CancellationToken()
        let input = try MappedInput.fromBytes(Array(Self.log.utf8), name: "log.csv")
        var calls = 0
        #expect(throws: CancellationError.self) {
            _ = try TransactionLogReader.summarize(input, options: Self.options(token, split: split)) { _, _ in
                calls += 1
                token.cancel()
            }
        }
        #expect(calls >= 1)
        // The same input reads in full without the flag.
        let (table, _) = try TransactionLogReader.summarize(input, options: Self.options(CancellationToken(), split: split))
        #expect(table.count == 5000)
    }

    @Test("a token cancelled beforehand stops the transaction reader too")
    func transactions() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clvkit-cancel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("log.csv")
        try Self.log.write(to: file, atomically: true, encoding: .utf8)
        let token = CancellationToken()
        token.cancel()
        #expect(throws: CancellationError.self) { _ = try TransactionLogReader.transactions(path: file.path, options: Self.options(token, split: false)) }
        #expect(throws: CancellationError.self) { _ = try TransactionLogReader.summarize(path: file.path, options: Self.options(token, split: false)) }
    }
}
