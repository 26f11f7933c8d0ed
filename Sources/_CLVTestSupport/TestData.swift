import Foundation

/// Locates test inputs: the repository's own files and the shared reference data sets beside it.
public enum TestData {
    /// The repository root (three levels above this file).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A file of the shared reference data (`../shared/data`, or `$CLVKIT_SHARED_DATA`).
    public static func shared(_ name: String) -> URL {
        if let dir = ProcessInfo.processInfo.environment["CLVKIT_SHARED_DATA"] {
            return URL(fileURLWithPath: dir).appendingPathComponent(name)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data/\(name)")
    }

    /// A path relative to the repository root.
    public static func repository(_ path: String) -> URL { repositoryRoot.appendingPathComponent(path) }

    /// Whether a file exists.
    public static func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    /// A fresh temporary directory.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("clvkit-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A golden file written by a reference script (see `Scripts/golden/`).
public struct GoldenTable {
    public let name: String
    public let input: [String: Any]
    public let options: [String: Any]
    public let relativeTolerance: Double
    public let absoluteTolerance: Double
    public let columns: [String]
    /// Customer id → the numeric columns after `customer_id`.
    public let rows: [String: [Double]]
    public let rowCount: Int

    public init(url: URL) throws {
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        name = url.deletingPathExtension().lastPathComponent
        input = object["input"] as? [String: Any] ?? [:]
        options = object["options"] as? [String: Any] ?? [:]
        let tolerance = object["tolerance"] as? [String: Any] ?? [:]
        relativeTolerance = (tolerance["relative"] as? NSNumber)?.doubleValue ?? 1e-9
        absoluteTolerance = (tolerance["absolute"] as? NSNumber)?.doubleValue ?? 1e-9
        columns = object["columns"] as? [String] ?? []
        var rows: [String: [Double]] = [:]
        for case let row as [Any] in object["rows"] as? [Any] ?? [] {
            guard let id = row.first as? String else { continue }
            rows[id] = row.dropFirst().map { ($0 as? NSNumber)?.doubleValue ?? .nan }
        }
        self.rows = rows
        rowCount = rows.count
    }

    /// The input file named by the golden (relative to the repository or to its parent).
    public var inputURL: URL {
        let file = input["file"] as? String ?? ""
        if input["base"] as? String == "repo_parent" {
            if file.hasPrefix("shared/data/") { return TestData.shared(String(file.dropFirst("shared/data/".count))) }
            return TestData.repositoryRoot.deletingLastPathComponent().appendingPathComponent(file)
        }
        return TestData.repository(file)
    }
}

/// Whether two numbers agree within a relative or an absolute tolerance.
public func isClose(_ a: Double, _ b: Double, relative: Double = 1e-9, absolute: Double = 1e-9) -> Bool {
    if a == b { return true }
    guard a.isFinite, b.isFinite else { return false }
    return abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
}
