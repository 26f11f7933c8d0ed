/// One problem found in one row of a transaction log: where it is, what was there and what is wrong.
public struct DataProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What kind of problem; `--on-error skip` reports skipped rows per kind.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case missingCustomer = "missing customer id"
        case missingDate = "missing date"
        case badDate = "unparsable date"
        case dateOutOfRange = "date out of range"
        case futureDate = "date in the future"
        case missingAmount = "missing amount"
        case badAmount = "unparsable amount"
        case badQuantity = "unparsable quantity"
        case tooFewFields = "too few fields"
        case badQuoting = "bad quoting"
        case badText = "invalid text"
        case duplicateRow = "duplicate row"
        case conflictingOrder = "conflicting order id"
    }
    public var kind: Kind
    /// 1-based physical line number in the (decoded) input.
    public var line: Int
    /// Column name (header name, or the 1-based index without a header); empty for whole-row problems.
    public var column: String
    /// The offending value as read (truncated to 80 characters).
    public var value: String
    /// What is wrong, in words a user can act on.
    public var message: String

    public init(kind: Kind, line: Int, column: String, value: String, message: String) {
        self.kind = kind
        self.line = line
        self.column = column
        self.value = value.count > 80 ? String(value.prefix(77)) + "..." : value
        self.message = message
    }

    public var description: String { located(in: nil) }

    /// `file:line: column 'c': "value" message` (or `line N: …` without a file name).
    public func located(in file: String?) -> String {
        var text = file.map { "\($0):\(line)" } ?? "line \(line)"
        if !column.isEmpty { text += ": column '\(column)'" }
        if !value.isEmpty || kind == .missingAmount || kind == .missingDate || kind == .missingCustomer {
            text += ": \"\(value)\""
        } else if column.isEmpty {
            text += ":"
        }
        return text + " \(message)"
    }
}

/// Errors of the ingest layer. Each description names the file and, where there is one, the line,
/// column and value, so that a user can find and fix the input.
public enum IngestError: Error, Sendable, CustomStringConvertible {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case invalidEncoding(file: String, line: Int, encoding: String)
    case unknownEncoding(name: String)
    case emptyInput(file: String)
    case missingColumn(file: String, role: String, column: String, available: [String])
    case columnIndexOutOfRange(file: String, role: String, index: Int, fieldCount: Int)
    case ambiguousColumns(file: String, role: String, candidates: [String])
    case invalidOption(String)
    case dataProblems(file: String, problems: [DataProblem], total: Int)
    case noTransactions(file: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file."
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)."
        case .invalidEncoding(let file, let line, let encoding):
            return "\(file):\(line): the bytes are not valid \(encoding); pass --encoding with the file's real encoding (utf-8, gbk, gb18030, utf-16, latin1, ...)."
        case .unknownEncoding(let name):
            return "unknown encoding '\(name)'; use auto, utf-8, gbk, gb18030, utf-16 or another iconv name."
        case .emptyInput(let file):
            return "\(file): the input is empty."
        case .missingColumn(let file, let role, let column, let available):
            let list = available.map { "'\($0)'" }.joined(separator: ", ")
            return "\(file):1: no \(role) column '\(column)' in the header (columns: \(list)); name it with --\(role), or use --no-header with 1-based column numbers."
        case .columnIndexOutOfRange(let file, let role, let index, let fieldCount):
            return "\(file): \(role) column \(index) does not exist: the first row has \(fieldCount) field\(fieldCount == 1 ? "" : "s")."
        case .ambiguousColumns(let file, let role, let candidates):
            return "\(file):1: cannot tell which column holds the \(role) (candidates: \(candidates.joined(separator: ", "))); name it with --\(role)."
        case .invalidOption(let message):
            return message
        case .dataProblems(let file, let problems, let total):
            var lines = ["\(file): \(total) row\(total == 1 ? " has a problem" : "s have problems"); nothing was written. The first \(problems.count):"]
            lines += problems.map { "  " + $0.located(in: file) }
            lines.append("Fix the input, or pass --on-error skip to skip such rows (they are counted and reported).")
            return lines.joined(separator: "\n")
        case .noTransactions(let file, let reason):
            return "\(file): no usable transactions: \(reason)."
        case .writeFailed(let path, let reason):
            return "\(path): cannot write: \(reason)."
        }
    }
}
