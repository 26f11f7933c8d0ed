import Foundation

/// Runs the repository's helper scripts (python3, headless Chromium) from tests.
public enum ScriptRunner {
    /// Whether `name` is an executable on PATH.
    public static func onPath(_ name: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
        }
    }

    /// Whether python3 is on PATH.
    public static let hasPython = onPath("python3")

    /// Chromium and python3, which Scripts/check-report-layout.py needs.
    public static let hasChromium = ["chromium", "chromium-browser", "google-chrome"].contains(where: onPath) && hasPython

    /// Runs `python3 SCRIPT ARGUMENTS…` (the script's path relative to the repository) in the repository
    /// root; returns its exit status and its standard output and error, interleaved.
    public static func python(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestData.repository(script).path] + arguments
        process.currentDirectoryURL = TestData.repositoryRoot
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
