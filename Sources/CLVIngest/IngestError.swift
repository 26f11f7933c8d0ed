import CLVCore
import Foundation

/// One problem found in one row of a transaction log: where it is, what was there and what is wrong.
public struct DataProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What kind of problem; `--on-error skip` reports skipped rows per kind.
    public enum Kind: String, Localized, Sendable, Hashable, Codable, CaseIterable {
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

        /// The kind's name in `language`; in English, its raw value.
        public func text(_ language: Language) -> String { language == .zh ? chineseName : rawValue }

        private var chineseName: String {
            switch self {
            case .missingCustomer: "缺少客户 ID"
            case .missingDate: "缺少日期"
            case .badDate: "日期无法解析"
            case .dateOutOfRange: "日期超出范围"
            case .futureDate: "日期在未来"
            case .missingAmount: "缺少金额"
            case .badAmount: "金额无法解析"
            case .badQuantity: "数量无法解析"
            case .tooFewFields: "字段太少"
            case .badQuoting: "引号错误"
            case .badText: "文本无效"
            case .duplicateRow: "重复行"
            case .conflictingOrder: "订单号冲突"
            }
        }
    }
    /// What kind of problem this is.
    public var kind: Kind
    /// 1-based physical line number in the (decoded) input.
    public var line: Int
    /// Column name (header name, or the 1-based index without a header); empty for whole-row problems.
    public var column: String
    /// The offending value as read (longer than 80 characters: cut, with an ellipsis and its size).
    public var value: String
    /// What is wrong, in words a user can act on.
    public var message: String

    /// A problem with the given fields; `value` is stored cut with ``capped(_:limit:)`` (80 characters).
    public init(kind: Kind, line: Int, column: String, value: String, message: String) {
        self.kind = kind
        self.line = line
        self.column = column
        self.value = Self.capped(value)
        self.message = message
    }

    /// `text` cut to `limit` characters with an ellipsis and its size in bytes (`abc… (52428800 bytes)`),
    /// so that no message echoes a huge value; shorter text unchanged.
    public static func capped(_ text: String, limit: Int = 80) -> String {
        let bytes = text.utf8.count
        guard bytes > limit else { return text }
        var cut = Substring(text)
        if cut.count > limit { cut = cut.prefix(limit) }
        while cut.utf8.count > limit * 4 { cut = cut.dropLast() } // wide characters: at most 4 bytes each
        return "\(cut)… (\(bytes) bytes)"
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
public enum IngestError: CLVError {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case invalidEncoding(file: String, line: Int, encoding: String)
    /// Automatic detection found neither valid UTF-8 nor valid GB18030.
    case undetectedEncoding(file: String, utf8Line: Int, gb18030Line: Int)
    case unknownEncoding(name: String)
    case emptyInput(file: String)
    case missingColumn(file: String, role: String, column: String, available: [String])
    case columnIndexOutOfRange(file: String, role: String, index: Int, fieldCount: Int)
    case ambiguousColumns(file: String, role: String, candidates: [String])
    case invalidOption(String)
    case dataProblems(file: String, problems: [DataProblem], total: Int)
    case noTransactions(file: String, reason: String)
    /// The amount column names several currencies and no `--currency` says which to keep.
    case mixedCurrencies(file: String, sightings: [CurrencySighting])
    /// The input is not text: a workbook, an archive, a PDF, a program … (named by its magic bytes).
    case notText(file: String, kind: String, advice: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file."
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)."
        case .invalidEncoding(let file, let line, let encoding):
            let others = ["utf-8", "gbk", "utf-16", "big5", "shift_jis", "latin1"].filter {
                $0.replacingOccurrences(of: "-", with: "") != encoding.lowercased().replacingOccurrences(of: "-", with: "")
                    && !($0 == "gbk" && encoding.lowercased().hasPrefix("gb"))
            }
            return "\(file):\(line): the bytes are not valid \(encoding); if the file is text, pass --encoding with its real encoding (\(others.joined(separator: ", ")), or another iconv name)."
        case .undetectedEncoding(let file, let utf8Line, let gbLine):
            return "\(file): cannot tell the text encoding: the bytes are neither valid UTF-8 (line \(utf8Line)) nor GBK/GB18030 (line \(gbLine)). If the file is text, pass --encoding with its real encoding (utf-16le, big5, shift_jis, latin1, or another iconv name); if it is not, pass the CSV export instead."
        case .unknownEncoding(let name):
            return "unknown encoding '\(name)'; use auto, utf-8, gbk, gb18030, utf-16 or another iconv name."
        case .emptyInput(let file):
            return "\(file): the input is empty."
        case .missingColumn(let file, let role, let column, let available):
            return "\(file):1: no \(role) column '\(DataProblem.capped(column, limit: 60))' in the header (columns: \(Self.columnList(available))); name it with --\(role), or use --no-header with 1-based column numbers."
        case .columnIndexOutOfRange(let file, let role, let index, let fieldCount):
            return "\(file): \(role) column \(index) does not exist: the first row has \(fieldCount) field\(fieldCount == 1 ? "" : "s")."
        case .ambiguousColumns(let file, let role, let candidates):
            return "\(file):1: cannot tell which column holds the \(role) (candidates: \(candidates.prefix(12).map { DataProblem.capped($0, limit: 60) }.joined(separator: ", "))\(candidates.count > 12 ? ", and \(candidates.count - 12) more" : "")); name it with --\(role)."
        case .invalidOption(let message):
            return message
        case .dataProblems(let file, let problems, let total):
            var lines = ["\(file): \(total) row\(total == 1 ? " has a problem" : "s have problems"); nothing was written. The first \(problems.count):"]
            lines += problems.map { "  " + $0.located(in: file) }
            lines.append("Fix the input, or pass --on-error skip to skip such rows (they are counted and reported).")
            return lines.joined(separator: "\n")
        case .noTransactions(let file, let reason):
            return "\(file): no usable transactions: \(reason)."
        case .mixedCurrencies(let file, let sightings):
            let list = sightings.map { "\($0.code) (\($0.count) value\($0.count == 1 ? "" : "s"), first on line \($0.line): \"\(DataProblem.capped($0.value, limit: 40))\")" }
            let codes = sightings.map(\.code)
            return "\(file): the amounts are in several currencies: \(list.joined(separator: ", ")); they are never summed together. Pass --currency \(codes.joined(separator: " or --currency ")) to keep one (rows marked with another are dropped and counted), or convert them first."
        case .notText(let file, let kind, let advice):
            return "\(file): this is \(kind), not a text export; \(advice)"
        }
    }

    /// Header names for a message: at most 20, each capped.
    static func columnList(_ names: [String]) -> String {
        var list = names.prefix(20).map { "'\(DataProblem.capped($0, limit: 60))'" }.joined(separator: ", ")
        if names.count > 20 { list += ", and \(names.count - 20) more" }
        return list
    }
}

extension IngestError {
    /// Missing or unreadable files are ``ErrorCategory/inputUnavailable``, bad options ``ErrorCategory/usage``, the rest ``ErrorCategory/invalidData``.
    public var category: ErrorCategory {
        switch self {
        case .fileNotFound, .unreadable: return .inputUnavailable
        case .invalidOption, .unknownEncoding: return .usage
        default: return .invalidData
        }
    }
}
