import Foundation
import Testing
import _CLVTestSupport

@Suite("README")
struct ReadmeConsoleTests {
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Every console block of README.md is what its commands print (Scripts/readme-console.py --check).
    @Test("every console block of the README matches a real run",
          .enabled(if: python != nil, "needs python3"),
          .enabled(if: TestData.exists(TestData.shared("CDNOW_sample.txt")), "needs the CDNOW sample in ../shared/data"))
    func consoleBlocks() throws {
        let binary = try #require(CLVCommand.executable())
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python!)
        process.arguments = [TestData.repository("Scripts/readme-console.py").path, "--check", "--binary", binary.path,
                             "--data", TestData.shared("CDNOW_sample.txt").deletingLastPathComponent().path]
        process.currentDirectoryURL = TestData.repositoryRoot
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
    }
}
