import CLVIO
#if canImport(Glibc)
import Glibc
#endif
import CLVKit
import Foundation
import _CLVUtilities

/// The files of one `clv analyze` run, written as one unit into a directory.
///
/// Every file is first written completely as a temporary file; then all are renamed into place, and the
/// manifest `clv-run.json` comes last. The manifest lists each file with the run id, its size and its
/// SHA-256; the JSON files also hold `run_id` and the HTML pages a `<meta name="clv-run-id">`.
/// `clv report` checks the whole set against the manifest before it renders anything, so a set mixed
/// from two runs (an interrupted run, a file copied in) is refused, naming the odd file. Files in the
/// directory that clv did not write are never touched; files of the previous run that this run does
/// not write again (say `report-zh.html`) are removed when they are unchanged, since they would no longer
/// belong to the set.
final class OutputSet {
    static let manifestName = "clv-run.json"
    /// Names of files clv writes into an output directory, checked by ``verify(_:)`` even when the manifest
    /// does not list them. (Other outputs, such as a workbook, join the set by being written with ``file(_:)``.)
    static let knownNames = ["customers.csv", "model.json", "summary.json", "report.html", "report-zh.html"]

    struct Manifest: Codable {
        struct File: Codable { var name: String; var runId: String; var bytes: Int; var sha256: String }
        var format = "clvkit-run"
        var version = 1
        var runId: String
        var created: String
        var generatedBy: String
        var files: [File]
    }

    let directory: String
    let runID: String
    private var files: [(name: String, file: OutputFile)] = []

    private var prepared = false

    /// Checks that the directory can be created and written (before any computation); nothing is created
    /// until the first ``file(_:)``.
    init(directory: String) throws {
        try OutputFile.checkDirectory(directory)
        self.directory = directory
        runID = Self.newRunID()
    }

    /// A new run id: the UTC time and 8 random hex digits, e.g. `20261202T170512Z-3f9a1c2b`.
    static func newRunID() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return "\(f.string(from: Date()))-\(String(format: "%08x", UInt32.random(in: .min ... .max)))"
    }

    func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    /// A file of the set (nothing is visible until ``commit()``).
    func file(_ name: String) throws -> OutputFile {
        if !prepared {
            try OutputFile.prepareDirectory(directory)
            for name in Self.knownNames + ["customers.xlsx", Self.manifestName] { TemporaryFiles.removeStale(of: name, in: directory) }
            prepared = true
        }
        let f = try OutputFile(path: path(name), digest: true)
        files.append((name, f))
        return f
    }

    /// Completes every file, renames them into place, removes unchanged files of the previous run that
    /// are not part of this one, and writes the manifest last.
    func commit(generatedBy: String) throws {
        for (_, f) in files { try f.seal() }
        let previous = try? Self.readManifest(directory)
        for (_, f) in files { try f.place() }
        let written = Set(files.map(\.name))
        for old in previous?.files ?? [] where !written.contains(old.name) && !old.name.contains("/") {
            if let now = try? SHA256.file(path(old.name)), now.sha256 == old.sha256 { unlink(path(old.name)) }
        }
        let manifest = Manifest(runId: runID, created: ISO8601DateFormatter().string(from: Date()), generatedBy: generatedBy,
                                files: files.map { .init(name: $0.name, runId: runID, bytes: $0.file.byteCount, sha256: $0.file.sha256 ?? "") })
        try Self.writeManifest(manifest, in: directory)
    }

    static func writeManifest(_ manifest: Manifest, in directory: String) throws {
        let out = try OutputFile(path: (directory as NSString).appendingPathComponent(manifestName))
        try out.write(Array(try reportJSONEncoder().encode(manifest)) + [0x0A])
        try out.commit()
    }

    static func readManifest(_ directory: String) throws -> Manifest? {
        let path = (directory as NSString).appendingPathComponent(manifestName)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do { return try JSONCoding.decoder().decode(Manifest.self, from: data) } catch {
            throw ModelError.invalidData("\(path): not a run manifest of clv analyze (\(error)).")
        }
    }

    /// The run id an HTML page or JSON file of clv carries, if any.
    static func embeddedRunID(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = String(decoding: handle.readData(ofLength: 4096), as: UTF8.self)
        for marker in ["<meta name=\"clv-run-id\" content=\"", "\"run_id\" : \"", "\"run_id\":\""] {
            if let r = head.range(of: marker), let end = head[r.upperBound...].firstIndex(of: "\"") {
                return String(head[r.upperBound..<end])
            }
        }
        return nil
    }

    /// Checks that the files in `directory` are one run's: every file of the manifest is there, unchanged,
    /// and no other clv output of another run lies beside them.
    /// - Returns: the manifest, or nil for outputs of a clv from before manifests (no run id anywhere).
    /// - Throws: ``ModelError/invalidData(_:)`` (exit 65) naming the odd files.
    static func verify(_ directory: String) throws -> Manifest? {
        let summaryPath = (directory as NSString).appendingPathComponent("summary.json")
        guard let manifest = try readManifest(directory) else {
            if let id = embeddedRunID(summaryPath) {
                throw ModelError.invalidData("\(directory): \(manifestName) is missing, so the files of run \(id) are incomplete (was clv analyze interrupted?); run clv analyze again.")
            }
            return nil
        }
        var odd: [String] = []
        for entry in manifest.files {
            let p = (directory as NSString).appendingPathComponent(entry.name)
            guard let now = try? SHA256.file(p) else { odd.append("\(entry.name) (missing)"); continue }
            if now.bytes != entry.bytes || now.sha256 != entry.sha256 {
                let other = embeddedRunID(p)
                odd.append("\(entry.name) (\(other.map { $0 != entry.runId ? "from run \($0)" : "changed since" } ?? "another run or changed since"))")
            }
        }
        let listed = Set(manifest.files.map(\.name))
        for name in knownNames where !listed.contains(name) {
            let p = (directory as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: p) else { continue }
            odd.append("\(name) (\(embeddedRunID(p).map { "from run \($0)" } ?? "not part of the run"))")
        }
        guard odd.isEmpty else {
            throw ModelError.invalidData("\(directory): the outputs mix runs: \(odd.joined(separator: ", ")) do\(odd.count == 1 ? "es" : "") not belong to run \(manifest.runId) of \(manifestName); run clv analyze again.")
        }
        return manifest
    }

    /// Records in the manifest of `directory` a page that `clv report` rendered into it from the run's summary.json.
    static func record(_ name: String, file: OutputFile, in directory: String, manifest: Manifest) throws {
        var m = manifest
        m.files.removeAll { $0.name == name }
        m.files.append(.init(name: name, runId: manifest.runId, bytes: file.byteCount, sha256: file.sha256 ?? ""))
        try writeManifest(m, in: directory)
    }

    /// `html` with the run id in a `<meta>` element right after the charset one (or `<head>`, or at the start).
    static func stamp(html: String, runID: String) -> String {
        let meta = "<meta name=\"clv-run-id\" content=\"\(runID)\">"
        for anchor in ["<meta charset=\"utf-8\">", "<head>"] {
            if let r = html.range(of: anchor) { return html.replacingCharacters(in: r, with: anchor + meta) }
        }
        return meta + html
    }

    /// Pretty-printed JSON `data` (an object) with `"run_id"` as its first key.
    static func stamp(json data: Data, runID: String) -> Data {
        var bytes = Array(data)
        guard bytes.first == 0x7B else { return data }
        let key = Array("\n  \"run_id\" : \"\(runID)\",".utf8)
        bytes.insert(contentsOf: key, at: 1)
        return Data(bytes)
    }
}
