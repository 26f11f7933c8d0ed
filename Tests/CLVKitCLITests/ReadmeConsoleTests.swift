import Foundation
import Testing
import _CLVTestSupport

@Suite("README")
struct ReadmeConsoleTests {

    /// Every console block of README.md is what its commands print (Scripts/readme-console.py --check).
    @Test("every console block of the README matches a real run",
          .enabled(if: ScriptRunner.hasPython, "needs python3"),
          .enabled(if: TestData.exists(TestData.shared("CDNOW_sample.txt")), "needs the CDNOW sample in ../shared/data"))
    func consoleBlocks() throws {
        let binary = try #require(CLVCommand.executable())
        let (status, text) = try ScriptRunner.python("Scripts/readme-console.py", [
            "--check", "--binary", binary.path, "--data", TestData.shared("CDNOW_sample.txt").deletingLastPathComponent().path])
        #expect(status == 0, "\(text)")
    }
}
