import CLVIO
import CLVKit

/// One field of an output row (the library's ``TableCell``).
typealias Field = TableCell

/// Writes rows with named columns as CSV (header line), JSON Lines, in 1 MB chunks to an atomic file, or
/// as an Excel workbook (numbers as numbers, ISO dates as dates).
struct TableOutput {
    let columns: [String]
    let format: OutputFormat
    let file: OutputFile
    private var buffer = ByteWriter(capacity: 1 << 20)
    private var excel: ExcelTable?

    init(columns: [String], format: OutputFormat, file: OutputFile) {
        self.columns = columns
        self.format = format
        self.file = file
        if format == .csv {
            for (k, c) in columns.enumerated() {
                if k > 0 { buffer.append(byte: 0x2C) }
                buffer.appendCSVField(c)
            }
            buffer.append(byte: 0x0A)
        }
    }

    mutating func row(_ fields: [Field]) throws {
        precondition(fields.count == columns.count)
        if format == .xlsx {
            if excel == nil { excel = try ExcelTable(file: file); try excel?.header(columns) }
            try excel?.row(fields)
            return
        }
        if format == .jsonl { buffer.append(byte: 0x7B) }
        for (k, field) in fields.enumerated() {
            if k > 0 { buffer.append(byte: 0x2C) }
            if format == .jsonl { buffer.appendJSONString(columns[k]); buffer.append(byte: 0x3A) }
            switch field {
            case let .text(s): format == .csv ? buffer.appendCSVField(s) : buffer.appendJSONString(s)
            case let .number(v):
                if v.isFinite { buffer.append(v) } else if format == .jsonl { buffer.append("null") }
            case let .integer(v): buffer.append(v)
            case .missing: if format == .jsonl { buffer.append("null") }
            }
        }
        if format == .jsonl { buffer.append(byte: 0x7D) }
        buffer.append(byte: 0x0A)
        if buffer.count >= 1 << 20 { try file.write(buffer); buffer.removeAll() }
    }

    /// Writes what is buffered and commits the file (atomic rename).
    mutating func finish() throws {
        if format == .xlsx {
            if excel == nil { excel = try ExcelTable(file: file); try excel?.header(columns) }
            try excel?.finish(into: file)
            return
        }
        try file.write(buffer)
        buffer.removeAll()
        try file.commit()
    }
}
