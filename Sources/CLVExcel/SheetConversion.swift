#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A sheet turned into a CSV file, and the way back from that file's lines and columns to the sheet's
/// cells, so that a problem found on line 7 of the CSV is reported at `orders.xlsx:订单!C7`.
public struct SheetConversion: Sendable {
    /// The workbook's path, as given.
    public var workbook: String
    /// The sheet's name.
    public var sheet: String
    /// The CSV file (UTF-8, RFC 4180 quoting, `\n` line ends).
    public var csvPath: String
    /// Rows written (sheet rows whose cells are all empty are left out).
    public var rows: Int
    /// Line breakpoints: from CSV line `line` on, line L is sheet row `row + (L - line)`. A break is kept
    /// only where rows were left out or a cell spans lines, so this stays small whatever the row count.
    var breaks: [(line: Int, row: Int)]
    /// The sheet column of CSV field 0 (0-based).
    var firstColumn: Int
    /// The first rows' fields (for finding a header name's column), at most ``headRows`` of them.
    var head: [[String]]
    static let headRows = 32

    /// `orders.xlsx:订单`: the workbook and sheet, as error messages name them.
    public var location: String { "\(workbook):\(sheet)" }

    /// The sheet row of a 1-based CSV line.
    public func sheetRow(ofLine line: Int) -> Int {
        var lo = 0, hi = breaks.count - 1, found = 0
        while lo <= hi {
            let mid = (lo + hi) / 2
            if breaks[mid].line <= line { found = mid; lo = mid + 1 } else { hi = mid - 1 }
        }
        guard !breaks.isEmpty else { return line }
        return breaks[found].row + (line - breaks[found].line)
    }

    /// The 0-based sheet column of a column as the ingest layer names it: a header name found in the
    /// first rows, or a 1-based field number.
    public func sheetColumn(named name: String) -> Int? {
        for row in head { if let k = row.firstIndex(of: name) { return firstColumn + k } }
        if let n = Int(name), n >= 1 { return firstColumn + n - 1 }
        return nil
    }

    /// `orders.xlsx:订单!C7` for a CSV line and a column name, or `orders.xlsx:订单!7:7` (the whole row)
    /// when the column is unknown or empty.
    public func cell(line: Int, column: String) -> String {
        let row = sheetRow(ofLine: line)
        if !column.isEmpty, let c = sheetColumn(named: column) {
            return "\(location)!\(CellText.columnLetters(c))\(row)"
        }
        return "\(location)!\(row):\(row)"
    }
}

extension XLSXWorkbook {
    /// Streams a sheet into a CSV file at `csvPath`: one line per non-empty row, each row padded to the
    /// sheet's width, the cells' text as Excel shows it (see ``CellText``). Memory: the shared-string
    /// table and one row; nothing that grows with the number of rows.
    /// - Throws: ``ExcelError`` for a missing sheet, a damaged part, or a CSV that cannot be written.
    public func convertSheet(_ selector: SheetSelector?, toCSV csvPath: String) throws -> SheetConversion {
        let sheet = try self.sheet(selector)
        let strings = try sharedStrings()
        guard let out = FileHandle(forWritingAtPath: csvPath) ?? {
            FileManager.default.createFile(atPath: csvPath, contents: nil) ? FileHandle(forWritingAtPath: csvPath) : nil
        }() else {
            throw ExcelError.writeFailed(path: csvPath, reason: String(cString: strerror(errno)))
        }
        defer { try? out.close() }
        try out.truncate(atOffset: 0)
        let handler = SheetHandler(strings: strings, styleKinds: styleKinds, date1904: date1904, output: out,
                                   path: path, part: sheet.part)
        try parseStreamed(part: sheet.part, handler: handler)
        try handler.flush()
        return SheetConversion(workbook: path, sheet: sheet.name, csvPath: csvPath, rows: handler.rowsWritten,
                               breaks: handler.breaks, firstColumn: handler.firstColumn, head: handler.head)
    }
}

/// Turns the events of a worksheet part into CSV lines.
final class SheetHandler: PartHandler {
    let strings: [String]
    let styleKinds: [CellText.FormatKind]
    let date1904: Bool
    let output: FileHandle
    let path: String, part: String

    var buffer: [UInt8] = []
    var rowsWritten = 0
    var breaks: [(line: Int, row: Int)] = []
    var head: [[String]] = []
    var firstColumn = 0
    private var width = 0
    private var nextLine = 1
    private var expectedRow = -1

    // The row being read.
    private var rowNumber = 0
    private var cells: [(column: Int, text: String)] = []
    private var inSheetData = false
    // The cell being read.
    private var column = -1
    private var type = ""
    private var style = 0
    private var value = ""
    private var capturing = false
    private var inInline = false, phonetic = 0

    init(strings: [String], styleKinds: [CellText.FormatKind], date1904: Bool, output: FileHandle, path: String, part: String) {
        self.strings = strings
        self.styleKinds = styleKinds
        self.date1904 = date1904
        self.output = output
        self.path = path
        self.part = part
        buffer.reserveCapacity(1 << 20)
    }

    func start(_ name: Substring, _ attributes: [String: String]) throws {
        switch name {
        case "c":
            // Without a reference, a cell follows the previous one (empty or not).
            column = attributes["r"].flatMap { CellText.parseReference($0).column } ?? (column + 1)
            type = attributes["t"] ?? ""
            style = attributes["s"].flatMap { Int($0) } ?? 0
            value = ""
        case "v": capturing = true
        case "is": inInline = true
        case "rPh": phonetic += 1
        case "t": capturing = inInline && phonetic == 0
        case "row":
            rowNumber = attributes["r"].flatMap { Int($0) } ?? (rowNumber + 1)
            cells.removeAll(keepingCapacity: true)
            column = firstColumn - 1
        case "sheetData": inSheetData = true
        case "dimension":
            // `A1:E100`: the first column and the width every row is padded to.
            if let ref = attributes["ref"] {
                let ends = ref.split(separator: ":").map { CellText.parseReference(String($0)).column }
                if let first = ends.first ?? nil {
                    firstColumn = first
                    if ends.count == 2, let last = ends[1] { width = last - first + 1 }
                }
            }
        default: break
        }
    }

    func end(_ name: Substring) throws {
        switch name {
        case "v": capturing = false
        case "t": capturing = false
        case "rPh": phonetic -= 1
        case "is": inInline = false
        case "c": try finishCell()
        case "row": try finishRow()
        case "sheetData": inSheetData = false
        default: break
        }
    }

    func text(_ text: String) { if capturing { value += text } }

    private func finishCell() throws {
        capturing = false
        // A cell without a value (a formula never calculated, a styled blank) is empty, whatever its type.
        guard !value.isEmpty else { return }
        let text: String
        switch type {
        case "s":
            guard let index = Int(value) ?? Int(value.trimmingCharacters(in: .whitespaces)), index >= 0, index < strings.count else {
                throw ExcelError.malformed(path: path, part: part,
                                           reason: "cell \(CellText.columnLetters(column))\(rowNumber) names shared string '\(value)', but the table has \(strings.count)")
            }
            text = strings[index]
        case "inlineStr": text = CellText.decodeEscapes(value)
        case "str": text = CellText.decodeEscapes(value)
        case "b": text = value == "1" || value.trimmingCharacters(in: .whitespaces) == "1" ? "TRUE" : "FALSE"
        case "e": text = value
        case "d": text = CellText.isoDateCell(value)
        default:
            if let number = Double(value) ?? Double(value.trimmingCharacters(in: .whitespaces)) {
                let kind = style < styleKinds.count ? styleKinds[style] : .number
                if kind != .number, let date = CellText.date(serial: number, date1904: date1904, kind: kind) {
                    text = date
                } else {
                    text = CellText.number(number)
                }
            } else {
                text = value
            }
        }
        if !text.isEmpty { cells.append((column, text)) }
    }

    private func finishRow() throws {
        guard !cells.isEmpty else { return }
        if cells.contains(where: { $0.column < firstColumn }) {
            // A cell left of the declared dimension: the dimension is wrong, so fields start at column A.
            throw ExcelError.malformed(path: path, part: part,
                                       reason: "cell \(CellText.columnLetters(cells.first { $0.column < firstColumn }!.column))\(rowNumber) lies outside the sheet's dimension")
        }
        if rowsWritten == 0, width == 0 { width = (cells.map(\.column).max() ?? 0) - firstColumn + 1 }
        var fields = [String](repeating: "", count: max(width, (cells.map(\.column).max() ?? 0) - firstColumn + 1))
        for cell in cells { fields[cell.column - firstColumn] = cell.text }
        if head.count < SheetConversion.headRows { head.append(fields) }
        if rowNumber != expectedRow { breaks.append((nextLine, rowNumber)) }
        var lines = 1
        for (k, field) in fields.enumerated() {
            if k > 0 { buffer.append(0x2C) }
            lines += appendCSVField(field)
        }
        buffer.append(0x0A)
        nextLine += lines
        // After a record that spans lines, the next row starts a new break.
        expectedRow = lines == 1 ? rowNumber + 1 : -1
        rowsWritten += 1
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Appends one field, quoted when it holds a comma, quote or line break; returns the line breaks in it.
    private func appendCSVField(_ text: String) -> Int {
        var needsQuotes = false
        var breaks = 0
        for c in text.utf8 {
            if c == 0x2C || c == 0x22 || c == 0x0A || c == 0x0D { needsQuotes = true }
            if c == 0x0A { breaks += 1 }
        }
        if !needsQuotes { buffer.append(contentsOf: text.utf8); return 0 }
        buffer.append(0x22)
        for c in text.utf8 {
            if c == 0x22 { buffer.append(0x22) }
            buffer.append(c)
        }
        buffer.append(0x22)
        return breaks
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        do { try output.write(contentsOf: buffer) } catch {
            throw ExcelError.writeFailed(path: path, reason: "cannot write the converted sheet: \(error)")
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
