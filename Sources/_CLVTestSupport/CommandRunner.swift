import Foundation

/// The result of running a command.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs the built `clv` executable (for end-to-end tests).
public enum CLVCommand {
    /// The `clv` binary next to the test bundle, or `$CLV_BINARY`.
    public static func executable() -> URL? {
        if let path = ProcessInfo.processInfo.environment["CLV_BINARY"] { return URL(fileURLWithPath: path) }
        var candidates: [URL] = []
        let bundle = Bundle.main.bundleURL
        candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("clv"))
        candidates.append(bundle.appendingPathComponent("clv"))
        if let first = CommandLine.arguments.first {
            let url = URL(fileURLWithPath: first)
            candidates.append(url.deletingLastPathComponent().appendingPathComponent("clv"))
            candidates.append(url.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("clv"))
        }
        candidates.append(TestData.repository(".build/debug/clv"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs `clv arguments…` with optional standard input, in `directory` (default: the repository root).
    public static func run(_ arguments: [String], stdin: String? = nil, directory: URL? = nil) throws -> CommandResult {
        guard let binary = executable() else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? TestData.repositoryRoot
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        // Read both pipes concurrently so that a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self))
    }
}
