#if canImport(Glibc)
import Glibc
#endif
import CLVIngest
import CLVIO
import Foundation
#if canImport(FoundationXML)
internal import FoundationXML
#endif
internal import ZIPFoundation

/// An opened `.xlsx` workbook: its sheets, its date system and its cell formats. The sheets themselves
/// are read on demand, streamed (see ``convertSheet(_:toCSV:)``).
public final class XLSXWorkbook {
    /// One worksheet of the workbook, in workbook order.
    public struct Sheet: Sendable, Equatable {
        /// The name on the sheet's tab.
        public var name: String
        /// The sheet's part in the package (`xl/worksheets/sheet1.xml`).
        public var part: String
    }

    /// Which sheet to read: by name, or by 1-based position.
    public enum SheetSelector: Sendable, Equatable, CustomStringConvertible {
        case name(String)
        case index(Int)

        /// `N` (all digits) is a position unless a sheet has that name; anything else is a name.
        public init(_ text: String) {
            if let n = Int(text), n >= 1 { self = .index(n) } else { self = .name(text) }
        }

        public var description: String {
            switch self {
            case .name(let n): return "'\(n)'"
            case .index(let i): return "\(i)"
            }
        }
    }

    /// The path the workbook was opened from.
    public let path: String
    /// The worksheets (chart sheets and dialog sheets are left out), in tab order.
    public let sheets: [Sheet]
    /// Whether dates count from 1904-01-01 (the old Mac system) instead of 1900-01-01.
    public let date1904: Bool
    /// For each cell style index (`s` of a cell), what its number format shows.
    let styleKinds: [CellText.FormatKind]
    let sharedStringsPart: String?
    let archive: Archive
    let scratch: URL
    /// The scratch directory's slot in ``TemporaryFiles`` (removed on a signal).
    private var scratchSlot: Int?

    /// Whether the file at `path` starts with the ZIP magic `PK\u{3}\u{4}`.
    public static func hasZIPMagic(path: String) -> Bool { magic(path: path, count: 4) == [0x50, 0x4B, 0x03, 0x04] }

    /// Whether the file at `path` starts with the OLE2 compound-file magic `D0 CF 11 E0 A1 B1 1A E1`
    /// of a legacy `.xls` workbook.
    public static func hasLegacyMagic(path: String) -> Bool {
        magic(path: path, count: 8) == [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    }

    private static func magic(path: String, count: Int) -> [UInt8]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: count), data.count == count else { return nil }
        return Array(data)
    }

    /// Whether `path` is to be read as a workbook: an `.xlsx`/`.xlsm` name, or a ZIP file that holds a
    /// workbook part.
    public static func isWorkbook(path: String) -> Bool {
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "xlsx" || ext == "xlsm" { return true }
        guard hasZIPMagic(path: path) else { return false }
        do {
            let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read, pathEncoding: nil)
            return archive["[Content_Types].xml"] != nil && archive["xl/workbook.xml"] != nil
        } catch {
            return false
        }
    }

    /// Opens the workbook and reads its workbook, relationship and style parts.
    /// - Throws: ``ExcelError`` for a legacy `.xls`, a file that is not a workbook, or a damaged package.
    public init(path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ExcelError.unreadable(path: path, reason: "no such file")
        }
        if Self.hasLegacyMagic(path: path) { throw ExcelError.legacyWorkbook(path: path) }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ExcelError.unreadable(path: path, reason: "permission denied")
        }
        guard Self.hasZIPMagic(path: path) else {
            throw ExcelError.notAWorkbook(path: path, reason: "it does not start with the ZIP signature PK of an .xlsx package")
        }
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw ExcelError.notAWorkbook(path: path, reason: "the ZIP package cannot be read (\(error))")
        }
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("clv-xlsx-\(getpid())-XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw ExcelError.unreadable(path: path, reason: "cannot create a temporary directory: \(String(cString: strerror(errno)))")
        }
        scratch = URL(fileURLWithPath: template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        scratchSlot = TemporaryFiles.registerDirectory(scratch.path) // emptied and removed on SIGINT/SIGTERM

        // The package relationships name the workbook part (xl/workbook.xml in every real file).
        var workbookPart = "xl/workbook.xml"
        if let rels = try Self.relationships(archive, part: "_rels/.rels", base: "", path: path),
           let office = rels.first(where: { $0.type.hasSuffix("/officeDocument") }) {
            workbookPart = office.target
        }
        guard archive[workbookPart] != nil else {
            try? FileManager.default.removeItem(at: scratch)
            throw ExcelError.notAWorkbook(path: path, reason: "the package has no workbook part (\(workbookPart))")
        }
        let directory = (workbookPart as NSString).deletingLastPathComponent
        let workbook = WorkbookHandler()
        try Self.parse(archive, part: workbookPart, path: path, handler: workbook)
        let rels = try Self.relationships(archive, part: "\(directory)/_rels/\((workbookPart as NSString).lastPathComponent).rels",
                                          base: directory, path: path) ?? []
        var sheets: [Sheet] = []
        for entry in workbook.sheets {
            guard let rel = rels.first(where: { $0.id == entry.relationship }) else {
                try? FileManager.default.removeItem(at: scratch)
                throw ExcelError.malformed(path: path, part: workbookPart, reason: "sheet '\(entry.name)' has no relationship '\(entry.relationship)'")
            }
            if rel.type.hasSuffix("/worksheet") { sheets.append(Sheet(name: entry.name, part: rel.target)) }
        }
        self.sheets = sheets
        date1904 = workbook.date1904
        sharedStringsPart = rels.first(where: { $0.type.hasSuffix("/sharedStrings") })?.target
        if let stylesPart = rels.first(where: { $0.type.hasSuffix("/styles") })?.target, archive[stylesPart] != nil {
            let styles = StylesHandler()
            try Self.parse(archive, part: stylesPart, path: path, handler: styles)
            styleKinds = styles.cellFormats.map { id in
                if let code = styles.customFormats[id] { return CellText.formatKind(code) }
                return CellText.builtInKind(id)
            }
        } else {
            styleKinds = []
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: scratch)
        if let scratchSlot { TemporaryFiles.release(scratchSlot) }
    }

    /// The prefixes of the scratch files and directories of workbook reading and writing; each is
    /// followed by the process id of its owner.
    public static let scratchPrefixes = ["clv-xlsx-out-", "clv-xlsx-", "clv-sheet-", "clv-table-", "clv-stdin-"]

    /// Removes the scratch files that processes no longer running left in the temporary directory
    /// (killed before they could clean up).
    public static func removeStaleScratch() {
        let directory = NSTemporaryDirectory()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix("clv-") {
            guard let prefix = scratchPrefixes.first(where: { name.hasPrefix($0) }),
                  let pid = Int32(name.dropFirst(prefix.count).prefix(while: \.isNumber)), pid > 0, pid != getpid()
            else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
            }
        }
    }

    /// The sheet `selector` picks (the first sheet when nil).
    /// - Throws: ``ExcelError/noSuchSheet(path:requested:available:)``.
    public func sheet(_ selector: SheetSelector?) throws -> Sheet {
        let names = sheets.map(\.name)
        switch selector {
        case nil:
            guard let first = sheets.first else {
                throw ExcelError.notAWorkbook(path: path, reason: "the workbook has no worksheet")
            }
            return first
        case .name(let name)?:
            if let s = sheets.first(where: { $0.name == name }) { return s }
            // A case-insensitive match is accepted when it is the only one.
            let folded = sheets.filter { $0.name.lowercased() == name.lowercased() }
            if folded.count == 1 { return folded[0] }
            throw ExcelError.noSuchSheet(path: path, requested: "'\(name)'", available: names)
        case .index(let n)?:
            if let s = sheets.first(where: { $0.name == String(n) }) { return s }
            guard n >= 1, n <= sheets.count else {
                throw ExcelError.noSuchSheet(path: path, requested: "\(n)", available: names)
            }
            return sheets[n - 1]
        }
    }

    /// Reads the shared-string table (streamed; the strings themselves are kept).
    func sharedStrings() throws -> [String] {
        guard let part = sharedStringsPart, archive[part] != nil else { return [] }
        let handler = SharedStringsHandler()
        try parseStreamed(part: part, handler: handler)
        return handler.strings
    }

    /// Extracts `part` to a scratch file and runs the streaming parser over it, so that neither the
    /// compressed nor the decompressed part is ever held in memory.
    func parseStreamed(part: String, handler: some PartHandler) throws {
        guard let entry = archive[part] else {
            throw ExcelError.malformed(path: path, part: part, reason: "the part is missing from the package")
        }
        let file = scratch.appendingPathComponent(UUID().uuidString + ".xml")
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            _ = try archive.extract(entry, to: file, skipCRC32: false)
        } catch {
            throw ExcelError.malformed(path: path, part: part, reason: "cannot decompress it (\(error))")
        }
        guard let stream = InputStream(url: file) else {
            throw ExcelError.unreadable(path: path, reason: "cannot read the decompressed \(part)")
        }
        try Self.run(XMLParser(stream: stream), part: part, path: path, handler: handler)
    }

    /// The bytes of a (small) part of the package.
    func partData(_ part: String) throws -> Data {
        guard let entry = archive[part] else {
            throw ExcelError.malformed(path: path, part: part, reason: "the part is missing from the package")
        }
        var data = Data()
        _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
        return data
    }

    /// Parses a small part from memory.
    static func parse(_ archive: Archive, part: String, path: String, handler: some PartHandler) throws {
        guard let entry = archive[part] else {
            throw ExcelError.malformed(path: path, part: part, reason: "the part is missing from the package")
        }
        var data = Data()
        do {
            _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
        } catch {
            throw ExcelError.malformed(path: path, part: part, reason: "cannot decompress it (\(error))")
        }
        try run(XMLParser(data: data), part: part, path: path, handler: handler)
    }

    static func run(_ parser: XMLParser, part: String, path: String, handler: some PartHandler) throws {
        let delegate = ParserDelegate(handler: handler)
        parser.delegate = delegate
        parser.shouldResolveExternalEntities = false
        let ok = parser.parse()
        if let failure = delegate.failure { throw failure }
        if !ok {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "it is not well-formed XML"
            throw ExcelError.malformed(path: path, part: part, reason: "line \(parser.lineNumber): \(reason)")
        }
    }

    struct Relationship { var id: String, type: String, target: String }

    /// The relationships of a `.rels` part, targets resolved against `base` (nil when the part is absent).
    static func relationships(_ archive: Archive, part: String, base: String, path: String) throws -> [Relationship]? {
        guard archive[part] != nil else { return nil }
        let handler = RelationshipsHandler()
        try parse(archive, part: part, path: path, handler: handler)
        return handler.relationships.map { r in
            Relationship(id: r.id, type: r.type, target: resolve(r.target, base: base))
        }
    }

    /// A relationship target as a package path: absolute targets drop their `/`, relative ones are
    /// joined to `base` with `.` and `..` resolved.
    static func resolve(_ target: String, base: String) -> String {
        var parts: [Substring] = target.hasPrefix("/") ? [] : base.split(separator: "/")
        for piece in target.split(separator: "/") {
            if piece == "." { continue }
            if piece == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(piece)
        }
        return parts.joined(separator: "/")
    }
}

// MARK: - Streaming parser plumbing

/// What a part's reader does with the parser's events; element names arrive without their prefix.
protocol PartHandler: AnyObject {
    func start(_ name: Substring, _ attributes: [String: String]) throws
    func end(_ name: Substring) throws
    func text(_ text: String)
}

/// Adapts `XMLParser`'s delegate to a ``PartHandler``, and stops the parse at the handler's first error.
final class ParserDelegate<Handler: PartHandler>: NSObject, XMLParserDelegate {
    let handler: Handler
    var failure: (any Error)?

    init(handler: Handler) { self.handler = handler }

    private static func local(_ name: String) -> Substring {
        let utf8 = name.utf8
        if let colon = utf8.lastIndex(of: 0x3A) { return name[utf8.index(after: colon)...] }
        return name[...]
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        guard failure == nil else { return }
        do { try handler.start(Self.local(elementName), attributeDict) } catch { failure = error; parser.abortParsing() }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard failure == nil else { return }
        do { try handler.end(Self.local(elementName)) } catch { failure = error; parser.abortParsing() }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        handler.text(string)
    }
}

/// An attribute by local name (`r:id` and `id` alike).
func attribute(_ attributes: [String: String], _ name: String) -> String? {
    if let v = attributes[name] { return v }
    return attributes.first(where: { $0.key.hasSuffix(":" + name) })?.value
}

final class RelationshipsHandler: PartHandler {
    var relationships: [(id: String, type: String, target: String)] = []
    func start(_ name: Substring, _ attributes: [String: String]) throws {
        guard name == "Relationship", let id = attributes["Id"], let target = attributes["Target"] else { return }
        if attributes["TargetMode"] == "External" { return }
        relationships.append((id, attributes["Type"] ?? "", target))
    }
    func end(_ name: Substring) throws {}
    func text(_ text: String) {}
}

final class WorkbookHandler: PartHandler {
    var sheets: [(name: String, relationship: String)] = []
    var date1904 = false
    func start(_ name: Substring, _ attributes: [String: String]) throws {
        switch name {
        case "workbookPr":
            if let v = attributes["date1904"]?.lowercased() { date1904 = v == "1" || v == "true" }
        case "sheet":
            if let n = attributes["name"], let id = attribute(attributes, "id") { sheets.append((n, id)) }
        default: break
        }
    }
    func end(_ name: Substring) throws {}
    func text(_ text: String) {}
}

final class StylesHandler: PartHandler {
    var customFormats: [Int: String] = [:]
    /// The number format id of each cell format (`cellXfs/xf`), by index.
    var cellFormats: [Int] = []
    private var inCellFormats = false
    func start(_ name: Substring, _ attributes: [String: String]) throws {
        switch name {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap({ Int($0) }), let code = attributes["formatCode"] { customFormats[id] = code }
        case "cellXfs": inCellFormats = true
        case "xf" where inCellFormats:
            cellFormats.append(attributes["numFmtId"].flatMap { Int($0) } ?? 0)
        default: break
        }
    }
    func end(_ name: Substring) throws { if name == "cellXfs" { inCellFormats = false } }
    func text(_ text: String) {}
}

/// Collects the text of each `<si>`: its `<t>` and rich-text runs, without the phonetic (`<rPh>`) runs.
final class SharedStringsHandler: PartHandler {
    var strings: [String] = []
    private var current = ""
    private var inItem = false, inText = false, phonetic = 0
    func start(_ name: Substring, _ attributes: [String: String]) throws {
        switch name {
        case "sst": if let n = attributes["uniqueCount"].flatMap({ Int($0) }) { strings.reserveCapacity(min(n, 1 << 24)) }
        case "si": inItem = true; current = ""
        case "rPh": phonetic += 1
        case "t": inText = inItem && phonetic == 0
        default: break
        }
    }
    func end(_ name: Substring) throws {
        switch name {
        case "si": strings.append(CellText.decodeEscapes(current)); inItem = false
        case "rPh": phonetic -= 1
        case "t": inText = false
        default: break
        }
    }
    func text(_ text: String) { if inText { current += text } }
}
