/// Errors of reading or writing an Excel workbook. Each description names the file and, where there is
/// one, the part of the package, the sheet or the cell.
public enum ExcelError: Error, Sendable, CustomStringConvertible {
    /// A legacy binary workbook (`.xls`, BIFF in an OLE2 compound file), which is not read.
    case legacyWorkbook(path: String)
    /// The file cannot be opened or read.
    case unreadable(path: String, reason: String)
    /// The file is not an Office Open XML workbook (no ZIP, or no workbook part in it).
    case notAWorkbook(path: String, reason: String)
    /// `--sheet` names a sheet the workbook does not have.
    case noSuchSheet(path: String, requested: String, available: [String])
    /// A part of the package is not what the format says it must be.
    case malformed(path: String, part: String, reason: String)
    /// The workbook cannot be written.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .legacyWorkbook(let path):
            return "\(path): this is a legacy Excel 97–2003 workbook (.xls, BIFF), which clv does not read; open it in Excel, WPS or LibreOffice and save it as .xlsx (Excel Workbook) or as CSV UTF-8, then pass that file."
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)."
        case .notAWorkbook(let path, let reason):
            return "\(path): not an Excel workbook (.xlsx): \(reason)."
        case .noSuchSheet(let path, let requested, let available):
            let list = available.enumerated().map { "\($0.offset + 1) '\($0.element)'" }.joined(separator: ", ")
            return "\(path): no sheet \(requested) (sheets: \(list)); pass --sheet with a name or a 1-based number."
        case .malformed(let path, let part, let reason):
            return "\(path): \(part): \(reason); the workbook is damaged or was not written by a spreadsheet program."
        case .writeFailed(let path, let reason):
            return "\(path): cannot write: \(reason)."
        }
    }
}
