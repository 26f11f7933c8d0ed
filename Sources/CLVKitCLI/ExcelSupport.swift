import CLVIO
#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import CLVExcel
import CLVKit
import Foundation

// Excel in and out for the commands: an .xlsx input is turned into a scratch CSV once per run and read
// by the ordinary ingest path; messages about that CSV are re-located to the workbook's cells; tables
// written with --format xlsx become workbooks.

/// Formats of the tables that `summary`, `predict`, `segment` and the other table commands write.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case csv, jsonl, xlsx

    /// The text format the rows are produced in (an xlsx table is produced as CSV, then converted).
    var table: TableFormat { self == .jsonl ? .jsonl : .csv }
}

/// Format of `analyze`'s per-customer file.
enum CustomersFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case csv, xlsx
}

extension InputOptions {
    /// Whether the input is read as an Excel workbook (by its `.xlsx` name or its ZIP content).
    var isWorkbook: Bool { input != "-" && XLSXWorkbook.isWorkbook(path: input) }

    /// The path the ingest layer reads: the input itself, or, for an `.xlsx` workbook, a CSV of the
    /// chosen sheet (converted once per run). A legacy `.xls` is refused.
    /// - Throws: ``ExcelError`` for workbooks that cannot be read, ``IngestError/invalidOption(_:)`` for
    ///   `--sheet` with an input that is no workbook.
    func readablePath() throws -> String {
        guard input != "-" else {
            if sheet != nil { throw IngestError.invalidOption("--sheet applies to .xlsx workbooks, not to standard input.") }
            // Commands that read the log more than once (analyze, segment windows) read one copy of it.
            return try ExcelInputs.shared.standardInputCopy()
        }
        if XLSXWorkbook.hasLegacyMagic(path: input) { throw ExcelError.legacyWorkbook(path: input) }
        guard isWorkbook else {
            if let sheet { throw IngestError.invalidOption("--sheet \(sheet): \(input) is not an .xlsx workbook.") }
            return input
        }
        return try ExcelInputs.shared.csvPath(workbook: input, sheet: sheet.map(XLSXWorkbook.SheetSelector.init))
    }
}

/// The workbooks converted in this run, their scratch CSVs, and the re-location of messages that name
/// those CSVs.
final class ExcelInputs: @unchecked Sendable {
    static let shared = ExcelInputs()

    private let lock = NSLock()
    private var conversions: [String: SheetConversion] = [:]
    private var directories: [String] = []
    private var slots: [Int?] = []
    /// The copy of standard input, once made.
    private var stdinCopy: String?

    private init() {
        atexit { ExcelInputs.shared.removeScratch() }
    }

    /// Removes what killed runs left (once per process, before the first workbook is converted).
    private lazy var staleRemoved: Void = XLSXWorkbook.removeStaleScratch()

    /// The CSV of `sheet` of `workbook`, converting it on first use.
    func csvPath(workbook: String, sheet: XLSXWorkbook.SheetSelector?) throws -> String {
        let key = "\(workbook)\u{0}\(sheet?.description ?? "")"
        lock.lock()
        defer { lock.unlock() }
        if let done = conversions[key] { return done.csvPath }
        _ = staleRemoved
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("clv-sheet-\(getpid())-XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw ExcelError.unreadable(path: workbook, reason: "cannot create a temporary directory: \(String(cString: strerror(errno)))")
        }
        let directory = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        directories.append(directory)
        slots.append(TemporaryFiles.registerDirectory(directory)) // emptied and removed on SIGINT/SIGTERM
        let book = try XLSXWorkbook(path: workbook)
        let stem = ((workbook as NSString).lastPathComponent as NSString).deletingPathExtension
        let conversion = try book.convertSheet(sheet, toCSV: "\(directory)/\(stem).csv")
        conversions[key] = conversion
        return conversion.csvPath
    }

    /// Standard input, copied once into a scratch file (removed at exit and on a signal) so that every
    /// read of the log in this run sees the same bytes; messages name it `<stdin>`.
    func standardInputCopy() throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let stdinCopy { return stdinCopy }
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("clv-stdin-\(getpid())-XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw IngestError.unreadable(path: "<stdin>", reason: "cannot create a temporary directory: \(String(cString: strerror(errno)))")
        }
        let directory = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        directories.append(directory)
        slots.append(TemporaryFiles.registerDirectory(directory))
        let path = "\(directory)/stdin"
        guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path) else {
            throw IngestError.unreadable(path: "<stdin>", reason: "cannot create \(path)")
        }
        defer { try? out.close() }
        while let chunk = try FileHandle.standardInput.read(upToCount: 1 << 20), !chunk.isEmpty { try out.write(contentsOf: chunk) }
        stdinCopy = path
        return path
    }

    /// Removes the scratch CSVs (at exit).
    func removeScratch() {
        lock.lock()
        defer { lock.unlock() }
        for d in directories { try? FileManager.default.removeItem(atPath: d) }
        directories.removeAll()
        for case let slot? in slots { TemporaryFiles.release(slot) }
        slots.removeAll()
    }

    /// `report` with the workbook and sheet as its file instead of the scratch CSV.
    func relabel(_ report: IngestReport) -> IngestReport {
        var copy = report
        copy.file = relabel(report.file)
        lock.lock()
        let conversion = conversions.values.first { report.file.contains($0.csvPath) }
        lock.unlock()
        if let c = conversion {
            // Line numbers of the scratch CSV become the sheet's row numbers.
            copy.problems = report.problems.map { var p = $0; p.line = c.sheetRow(ofLine: p.line); return p }
            copy.headerLine = report.headerLine.map(c.sheetRow(ofLine:))
            if let t = report.totalsRow { copy.totalsRow = TotalsRow(line: c.sheetRow(ofLine: t.line), text: t.text, linesBelow: t.linesBelow) }
        }
        return copy
    }

    /// `text` with every mention of a scratch CSV replaced by the workbook cell it came from:
    /// `…/orders.csv:7: column 'amount'` becomes `orders.xlsx:订单!C7: column 'amount'`, a line without
    /// a column `orders.xlsx:订单!7:7`, and the bare file `orders.xlsx:订单`.
    func relabel(_ text: String) -> String {
        lock.lock()
        let all = Array(conversions.values)
        let stdin = stdinCopy
        lock.unlock()
        var out = text
        if let stdin, out.contains(stdin) { out = out.replacingOccurrences(of: stdin, with: "<stdin>") }
        for c in all where out.contains(c.csvPath) {
            out = Self.relabel(out, conversion: c)
        }
        return out
    }

    static func relabel(_ text: String, conversion c: SheetConversion) -> String {
        var out = ""
        var rest = Substring(text)
        let csv = c.csvPath
        while let range = rest.range(of: csv) {
            out += rest[..<range.lowerBound]
            rest = rest[range.upperBound...]
            // ":<line>" and then maybe ": column '<name>'".
            var line: Int?
            if rest.first == ":" {
                let digits = rest.dropFirst().prefix(while: \.isNumber)
                if !digits.isEmpty, let n = Int(digits) { line = n; rest = rest.dropFirst(1 + digits.count) }
            }
            guard let line else {
                // The report's "from <file> (utf-8, ,-separated)" names a sheet instead.
                out += c.location
                for note in [" (utf-8, comma-separated)", " (utf-8, ,-separated)"] where rest.hasPrefix(note) {
                    rest = rest.dropFirst(note.count)
                    out += " (xlsx sheet)"
                }
                continue
            }
            let marker = ": column '"
            if rest.hasPrefix(marker), let close = rest.dropFirst(marker.count).range(of: "'") {
                let name = String(rest.dropFirst(marker.count)[..<close.lowerBound])
                out += c.cell(line: line, column: name)
            } else {
                out += c.cell(line: line, column: "")
            }
        }
        return out + rest
    }
}

extension OutputOptions {
    /// The file a table goes to: `path` itself, or for `--format xlsx` a scratch CSV that
    /// ``finishExcel()`` turns into the workbook at `path`.
    func openFile(_ path: String?) throws -> OutputFile {
        let file = try ExcelOutputs.shared.open(path, xlsx: format == .xlsx)
        if bom && format == .csv { try file.write(OutputFile.byteOrderMark) }
        return file
    }

    /// Writes the workbooks of the tables opened with ``openFile(_:)`` (after their files are committed).
    func finishExcel() throws { try ExcelOutputs.shared.finish() }

    func validateExcel() throws {
        if format == .xlsx, output == nil || output == "-" {
            throw ValidationError("--format xlsx writes a workbook: name it with -o FILE.xlsx.")
        }
    }
}

/// Tables written as CSV to scratch files and waiting to become workbooks.
final class ExcelOutputs: @unchecked Sendable {
    static let shared = ExcelOutputs()
    private let lock = NSLock()
    private var pending: [(csv: String, destination: String)] = []

    /// `path` itself (`xlsx` false), or a scratch CSV registered for conversion to a workbook at `path`.
    func open(_ path: String?, xlsx: Bool) throws -> OutputFile {
        guard xlsx else { return try OutputFile(path: path) }
        guard let path, path != "-" else {
            throw IngestError.invalidOption("--format xlsx writes a workbook: name it with -o FILE.xlsx.")
        }
        // Fail now, not after the computation, when the destination cannot be written.
        _ = try OutputFile(path: path)
        let csv = try Self.scratchPath()
        lock.lock()
        pending.append((csv, path))
        lock.unlock()
        return try OutputFile(path: csv)
    }

    /// Converts every committed scratch CSV into its workbook (written atomically) and removes it.
    func finish() throws {
        lock.lock()
        let jobs = pending
        pending.removeAll()
        lock.unlock()
        for job in jobs {
            defer { try? FileManager.default.removeItem(atPath: job.csv) }
            guard FileManager.default.fileExists(atPath: job.csv) else { continue }
            let out = try OutputFile(path: job.destination)
            try Self.writeWorkbook(fromCSV: job.csv, sheetName: Self.sheetName(job.destination), into: out)
            try out.commit()
        }
    }

    /// A new scratch path for a CSV that becomes a workbook (removed by the caller; stale ones of dead
    /// processes by ``XLSXWorkbook/removeStaleScratch()``).
    static func scratchPath() throws -> String {
        XLSXWorkbook.removeStaleScratch()
        return (NSTemporaryDirectory() as NSString).appendingPathComponent("clv-table-\(getpid())-\(UUID().uuidString).csv")
    }

    /// Converts the CSV at `csv` into a workbook with one sheet and writes it into `out` (not committed:
    /// the caller's output set places it).
    static func writeWorkbook(fromCSV csv: String, sheetName: String, into out: OutputFile) throws {
        let writer = try XLSXWriter(sheetName: sheetName)
        try withExtendedLifetime(writer) { try pour(try CSVToXLSX.convert(csvPath: csv, writer: writer), into: out) }
    }

    /// Copies the packed workbook at `book` (a scratch file of its writer) into `out`, not committing it.
    static func pour(_ book: String, into out: OutputFile) throws {
        guard let handle = FileHandle(forReadingAtPath: book) else {
            throw ExcelError.writeFailed(path: out.path ?? "<stdout>", reason: "the packed workbook is missing")
        }
        defer { try? handle.close() }
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { try out.write([UInt8](chunk)) }
    }

    /// A sheet name from an output file name (`summary.xlsx` → `summary`).
    static func sheetName(_ path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }
}

/// The message and exit code of an Excel workbook error; nil for any other error.
func excelFailure(_ error: any Error) -> (message: String, code: Int32)? {
    guard let error = error as? ExcelError else { return nil }
    return (error.description, error.exitCode)
}

extension ExcelError {
    /// The exit code of this error (see the README's table).
    var exitCode: Int32 {
        switch self {
        case .unreadable: return 66
        case .noSuchSheet: return 64
        case .writeFailed: return 73
        case .legacyWorkbook, .notAWorkbook, .malformed: return 65
        }
    }
}

/// The workbook a table's rows go to (for ``TableOutput`` with `--format xlsx`).
struct ExcelTable {
    let writer: XLSXWriter

    init(file: OutputFile) throws {
        writer = try XLSXWriter(sheetName: file.path.map(ExcelOutputs.sheetName) ?? "Sheet1")
    }

    func header(_ columns: [String]) throws { try writer.row(columns.map { .text($0) }) }

    func row(_ fields: [Field]) throws {
        try writer.row(fields.map { field in
            switch field {
            case .text(let s):
                if CSVToXLSX.isISODate(s) {
                    let p = s.split(separator: "-").compactMap { Int($0) }
                    return .date(year: p[0], month: p[1], day: p[2])
                }
                return .text(s)
            case .number(let v): return v.isFinite ? .number(v) : .empty
            case .integer(let v): return .number(Double(v))
            case .missing: return .empty
            }
        })
    }

    /// Packs the workbook and writes it into `file`, then commits it.
    func finish(into file: OutputFile) throws {
        try ExcelOutputs.pour(try writer.finish(), into: file)
        try file.commit()
    }
}

extension InputOptions {
    /// The log these flags name, for the library's pipelines: a readable file (a copy of standard input, or
    /// the CSV of a workbook sheet) whose reports name the workbook's rows again.
    func logSource() throws -> TransactionLogSource {
        TransactionLogSource(path: try readablePath(), name: input, options: ingestOptions,
                             presentReport: { ExcelInputs.shared.relabel($0) })
    }
}
