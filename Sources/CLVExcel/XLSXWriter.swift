#if canImport(Glibc)
import Glibc
#endif
import CLVIngest
import CLVIO
import Foundation
internal import ZIPFoundation

/// One cell of a written sheet.
public enum XLSXCell: Sendable, Equatable {
    /// Text (an inline string).
    case text(String)
    /// A number; NaN and ±infinity are written as empty cells.
    case number(Double)
    /// A calendar day, written as a date serial with a `yyyy-mm-dd` date format.
    case date(year: Int, month: Int, day: Int)
    /// No value.
    case empty
}

/// Writes a one-sheet `.xlsx` workbook row by row: the sheet's XML is streamed to a scratch file and
/// packed at ``finish()``, so memory does not grow with the rows. The first row is the header (bold,
/// frozen). The package holds only the parts a workbook needs: content types, relationships, workbook,
/// styles (one date format) and the sheet, with inline strings.
public final class XLSXWriter {
    private let sheetName: String
    private let scratch: URL
    /// The scratch directory's slot in ``TemporaryFiles`` (removed on a signal).
    private var scratchSlot: Int?
    private let body: FileHandle
    private var buffer: [UInt8] = []
    private var rowCount = 0
    private var maxColumns = 0
    private var finished = false

    /// Starts a workbook whose only sheet is called `sheetName` (cut to Excel's 31 characters, with
    /// the characters Excel forbids in sheet names replaced by `_`).
    /// - Throws: ``ExcelError/writeFailed(path:reason:)`` when no scratch file can be made.
    public init(sheetName: String) throws {
        var name = String(sheetName.map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
        if name.isEmpty { name = "Sheet1" }
        self.sheetName = name
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("clv-xlsx-out-\(getpid())-XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw ExcelError.writeFailed(path: NSTemporaryDirectory(), reason: String(cString: strerror(errno)))
        }
        scratch = URL(fileURLWithPath: template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        scratchSlot = TemporaryFiles.registerDirectory(scratch.path) // emptied and removed on SIGINT/SIGTERM
        let bodyURL = scratch.appendingPathComponent("sheetData.xml")
        guard FileManager.default.createFile(atPath: bodyURL.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: bodyURL.path) else {
            throw ExcelError.writeFailed(path: bodyURL.path, reason: String(cString: strerror(errno)))
        }
        body = handle
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        try? body.close()
        try? FileManager.default.removeItem(at: scratch)
        if let scratchSlot { TemporaryFiles.release(scratchSlot) }
    }

    /// Appends a row.
    public func row(_ cells: [XLSXCell]) throws {
        rowCount += 1
        maxColumns = max(maxColumns, cells.count)
        let r = String(rowCount)
        append("<row r=\"\(r)\">")
        let style = rowCount == 1 ? " s=\"2\"" : ""
        for (k, cell) in cells.enumerated() {
            let ref = CellText.columnLetters(k) + r
            switch cell {
            case .text(let s):
                let space = s.first?.isWhitespace == true || s.last?.isWhitespace == true ? " xml:space=\"preserve\"" : ""
                append("<c r=\"\(ref)\"\(style) t=\"inlineStr\"><is><t\(space)>\(CellText.xmlEscaped(s))</t></is></c>")
            case .number(let v):
                guard v.isFinite else { continue }
                var text = v.description
                if text.hasSuffix(".0") { text.removeLast(2) }
                append("<c r=\"\(ref)\"\(style)><v>\(text)</v></c>")
            case .date(let y, let m, let d):
                append("<c r=\"\(ref)\" s=\"1\"><v>\(CellText.serial(year: y, month: m, day: d))</v></c>")
            case .empty:
                continue
            }
        }
        append("</row>")
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func append(_ text: String) { buffer.append(contentsOf: text.utf8) }

    private func flush() throws {
        do { try body.write(contentsOf: buffer) } catch {
            throw ExcelError.writeFailed(path: scratch.path, reason: "\(error)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Packs the workbook and returns the path of the finished `.xlsx` (a scratch file that lives as
    /// long as this writer; copy or move it into place).
    public func finish() throws -> String {
        precondition(!finished, "finish() called twice")
        finished = true
        try flush()
        try body.close()
        let bodyURL = scratch.appendingPathComponent("sheetData.xml")
        let bodySize = (try? FileManager.default.attributesOfItem(atPath: bodyURL.path)[.size] as? Int) ?? 0
        let lastColumn = CellText.columnLetters(max(maxColumns, 1) - 1)
        let dimension = "A1:\(lastColumn)\(max(rowCount, 1))"
        let head = Array("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="\(Self.main)" xmlns:r="\(Self.relationshipsNS)"><dimension ref="\(dimension)"/>\
        <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>\
        <sheetFormatPr defaultRowHeight="15"/><sheetData>
        """.utf8)
        let tail = Array("</sheetData></worksheet>".utf8)
        let archiveURL = scratch.appendingPathComponent("book.xlsx")
        do {
            let archive = try Archive(url: archiveURL, accessMode: .create)
            for (part, text) in parts() {
                let data = Data(text.utf8)
                try archive.addEntry(with: part, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position)..<min(data.count, Int(position) + size))
                }
            }
            let reader = try FileHandle(forReadingFrom: bodyURL)
            defer { try? reader.close() }
            let total = head.count + bodySize + tail.count
            try archive.addEntry(with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: Int64(total),
                                 compressionMethod: .deflate) { position, size in
                // The sheet is the head, the streamed rows, and the tail, read in order.
                var chunk = Data()
                var p = Int(position)
                let end = min(total, p + size)
                while p < end {
                    if p < head.count {
                        let n = min(end, head.count) - p
                        chunk.append(contentsOf: head[p..<(p + n)]); p += n
                    } else if p < head.count + bodySize {
                        let n = min(end, head.count + bodySize) - p
                        try reader.seek(toOffset: UInt64(p - head.count))
                        let data = try reader.read(upToCount: n) ?? Data()
                        guard !data.isEmpty else { throw ExcelError.writeFailed(path: bodyURL.path, reason: "the sheet data ended early") }
                        chunk.append(data); p += data.count
                    } else {
                        let offset = p - head.count - bodySize
                        let n = end - p
                        chunk.append(contentsOf: tail[offset..<(offset + n)]); p += n
                    }
                }
                return chunk
            }
        } catch let error as ExcelError {
            throw error
        } catch {
            throw ExcelError.writeFailed(path: archiveURL.path, reason: "\(error)")
        }
        try? FileManager.default.removeItem(at: bodyURL)
        return archiveURL.path
    }

    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipsNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let packageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships"

    private func parts() -> [(String, String)] {
        let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        let contentTypes = declaration + """
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
        <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
        </Types>
        """
        let rootRels = declaration + """
        <Relationships xmlns="\(Self.packageRelationships)">\
        <Relationship Id="rId1" Type="\(Self.relationshipsNS)/officeDocument" Target="xl/workbook.xml"/>\
        </Relationships>
        """
        let workbook = declaration + """
        <workbook xmlns="\(Self.main)" xmlns:r="\(Self.relationshipsNS)">\
        <bookViews><workbookView/></bookViews>\
        <sheets><sheet name="\(CellText.xmlEscaped(sheetName))" sheetId="1" r:id="rId1"/></sheets></workbook>
        """
        let workbookRels = declaration + """
        <Relationships xmlns="\(Self.packageRelationships)">\
        <Relationship Id="rId1" Type="\(Self.relationshipsNS)/worksheet" Target="worksheets/sheet1.xml"/>\
        <Relationship Id="rId2" Type="\(Self.relationshipsNS)/styles" Target="styles.xml"/>\
        </Relationships>
        """
        // Cell formats: 0 plain, 1 date (yyyy-mm-dd), 2 bold (the header).
        let styles = declaration + """
        <styleSheet xmlns="\(Self.main)">\
        <numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>\
        <fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
        <font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        </styleSheet>
        """
        return [("[Content_Types].xml", contentTypes), ("_rels/.rels", rootRels), ("xl/workbook.xml", workbook),
                ("xl/_rels/workbook.xml.rels", workbookRels), ("xl/styles.xml", styles)]
    }
}

/// Turns a CSV table (a header line, then rows, as clv writes them) into a workbook: a column whose
/// every value is a number becomes number cells, one whose every value is an ISO date (`yyyy-MM-dd`)
/// becomes date cells, and id columns (`customer_id`, `…_id`) and everything else stay text.
public enum CSVToXLSX {
    /// Converts the CSV at `csvPath` (read twice, streamed) and returns the finished workbook's path
    /// (a scratch file of `writer`: keep the writer alive until the file is copied or moved).
    public static func convert(csvPath: String, writer: XLSXWriter) throws -> String {
        var kinds: [Kind] = []
        try CSVRecords.read(csvPath) { index, fields in
            if index == 0 { kinds = fields.map { isIDColumn($0) ? .text : .unknown }; return }
            if kinds.count < fields.count { kinds += Array(repeating: .unknown, count: fields.count - kinds.count) }
            for (k, f) in fields.enumerated() where !f.isEmpty && kinds[k] != .text {
                let kind: Kind = isISODate(f) ? .date : (isNumber(f) ? .number : .text)
                kinds[k] = kinds[k] == .unknown || kinds[k] == kind ? kind : .text
            }
        }
        try CSVRecords.read(csvPath) { index, fields in
            if index == 0 { try writer.row(fields.map { .text($0) }); return }
            try writer.row(fields.enumerated().map { k, f in
                guard !f.isEmpty else { return .empty }
                switch k < kinds.count ? kinds[k] : .text {
                case .number: return .number(Double(f) ?? .nan)
                case .date:
                    let p = f.split(separator: "-").compactMap { Int($0) }
                    return .date(year: p[0], month: p[1], day: p[2])
                default: return .text(f)
                }
            })
        }
        return try writer.finish()
    }

    enum Kind { case unknown, number, date, text }

    static func isIDColumn(_ name: String) -> Bool {
        let n = name.lowercased()
        return n == "id" || n.hasSuffix("_id") || n.hasSuffix(" id") || name.hasSuffix("ID") || name.hasSuffix("编号")
    }

    /// A plain decimal number as clv writes one: optional minus, digits without a leading zero (except
    /// `0` itself), optional fraction and exponent.
    static func isNumber(_ s: String) -> Bool {
        var u = Substring(s).utf8[...]
        if u.first == 0x2D { u = u.dropFirst() }
        let intDigits = u.prefix { $0 >= 0x30 && $0 <= 0x39 }
        guard !intDigits.isEmpty, intDigits.count == 1 || intDigits.first != 0x30 else { return false }
        u = u.dropFirst(intDigits.count)
        if u.first == 0x2E {
            u = u.dropFirst()
            let frac = u.prefix { $0 >= 0x30 && $0 <= 0x39 }
            guard !frac.isEmpty else { return false }
            u = u.dropFirst(frac.count)
        }
        if u.first == 0x65 || u.first == 0x45 {
            u = u.dropFirst()
            if u.first == 0x2B || u.first == 0x2D { u = u.dropFirst() }
            let exp = u.prefix { $0 >= 0x30 && $0 <= 0x39 }
            guard !exp.isEmpty else { return false }
            u = u.dropFirst(exp.count)
        }
        return u.isEmpty && Double(s)?.isFinite == true
    }

    /// Whether `s` is an ISO calendar date `yyyy-MM-dd` (year 1900 or later).
    public static func isISODate(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 10, u[4] == 0x2D, u[7] == 0x2D else { return false }
        for k in [0, 1, 2, 3, 5, 6, 8, 9] where !(u[k] >= 0x30 && u[k] <= 0x39) { return false }
        let p = s.split(separator: "-").compactMap { Int($0) }
        return p.count == 3 && p[0] >= 1900 && (1...12).contains(p[1]) && (1...31).contains(p[2])
    }
}

/// A small streaming reader of RFC 4180 CSV (the files clv writes), one record at a time.
enum CSVRecords {
    static func read(_ path: String, _ body: (Int, [String]) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ExcelError.unreadable(path: path, reason: "cannot open the table to convert")
        }
        defer { try? handle.close() }
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false, afterQuote = false, fieldStarted = false
        var index = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            afterQuote = false; fieldStarted = false
        }
        while true {
            let data = try handle.read(upToCount: 1 << 20) ?? Data()
            if data.isEmpty { break }
            for c in data {
                if quoted {
                    if c == 0x22 { quoted = false; afterQuote = true } else { field.append(c) }
                    continue
                }
                switch c {
                case 0x22:
                    if afterQuote { field.append(0x22); quoted = true; afterQuote = false }
                    else if !fieldStarted { quoted = true; fieldStarted = true }
                    else { field.append(c) }
                case 0x2C: endField()
                case 0x0A:
                    endField()
                    try body(index, fields); index += 1
                    fields.removeAll(keepingCapacity: true)
                case 0x0D: continue
                default: field.append(c); fieldStarted = true; afterQuote = false
                }
            }
        }
        if !field.isEmpty || !fields.isEmpty {
            endField()
            try body(index, fields)
        }
    }
}
