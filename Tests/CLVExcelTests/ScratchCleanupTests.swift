import Foundation
import Testing
import _CLVTestSupport
@testable import CLVExcel

@Suite("Excel scratch files do not outlive an interrupted run", .serialized)
struct ScratchCleanupTests {
    /// A workbook of `rows` transactions, written with the module's own writer.
    static func bigWorkbook(rows: Int) throws -> URL {
        let dir = try TestData.temporaryDirectory()
        let writer = try XLSXWriter(sheetName: "orders")
        try writer.row([.text("customer_id"), .text("date"), .text("amount")])
        for i in 0..<rows {
            try writer.row([.text("C\(i % 5000)"), .date(year: 2024, month: 1 + i % 12, day: 1 + i % 28), .number(Double(i % 300) + 0.5)])
        }
        let book = URL(fileURLWithPath: try writer.finish())
        let target = dir.appendingPathComponent("big.xlsx")
        try FileManager.default.copyItem(at: book, to: target)
        return target
    }

    @Test("SIGTERM and SIGINT while a workbook is being converted remove the scratch directories", arguments: [SIGTERM, SIGINT])
    func signalMidConversion(_ sig: Int32) throws {
        let book = try Self.bigWorkbook(rows: 120_000)
        let scratch = try TestData.temporaryDirectory()
        let process = Process()
        process.executableURL = try #require(CLVCommand.executable())
        process.arguments = ["summary", book.path, "-o", book.deletingLastPathComponent().appendingPathComponent("s.csv").path,
                             "--as-of", "2030-01-01", "-q"]
        process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": scratch.path]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the converted CSV is being written, then stop the process.
        let deadline = Date().addingTimeInterval(60)
        var seen = false
        while Date() < deadline, process.isRunning, !seen {
            let sheets = (try? FileManager.default.contentsOfDirectory(atPath: scratch.path))?.filter { $0.hasPrefix("clv-sheet-") } ?? []
            for dir in sheets {
                let inner = scratch.appendingPathComponent(dir)
                for name in (try? FileManager.default.contentsOfDirectory(atPath: inner.path)) ?? [] {
                    let size = (try? FileManager.default.attributesOfItem(atPath: inner.appendingPathComponent(name).path)[.size] as? Int) ?? 0
                    if size > 0 { seen = true }
                }
            }
            usleep(2_000)
        }
        try #require(seen, "the scratch CSV never appeared")
        kill(process.processIdentifier, sig)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == sig)
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path)
        #expect(left.isEmpty, "left behind: \(left)")
    }
}
