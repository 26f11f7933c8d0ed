import Foundation

/// Rows of an ERP report that are not transactions: a totals row (`合计`, `总计`, `Total`) at the end,
/// and any one-field footer lines below it (`制表人：…`).
///
/// The rule, stated in the data-quality lines whenever it applies: from the end of the input upwards,
/// blank lines and lines with at most one non-empty field are passed over (at most
/// ``TrailerRows/searchLines`` lines); if the next line's first non-empty field is a totals word, it and
/// everything below it are cut. Nothing is cut otherwise, so a short last data row stays a data problem.
struct TrailerRows {
    /// Byte offset where the totals row starts (the data rows end there).
    var start: Int
    /// The totals word as written.
    var label: String
    /// Lines with text below the totals row that were cut with it.
    var linesBelow: Int

    static let searchLines = 6

    /// Words that open a totals row, compared case-insensitively after trimming blanks and a colon.
    static let totalsWords: Set<String> = ["合计", "總計", "总计", "合計", "小计", "總计", "total", "totals", "grand total", "sum"]

    /// Whether `text` (one field) names a totals row.
    static func isTotalsWord(_ text: String) -> Bool {
        var t = text.trimmingCharacters(in: .whitespaces)
        while let last = t.last, last == ":" || last == "：" { t.removeLast() }
        return totalsWords.contains(t.lowercased())
    }

    /// The totals row at the end of the data rows `bytes[from...]`, if any.
    static func find(in bytes: UnsafeBufferPointer<UInt8>, from dataStart: Int, separator: FieldSeparator) -> TrailerRows? {
        var end = bytes.count
        var below = 0
        for _ in 0..<searchLines {
            // The line that ends at `end` (its line feed excluded).
            var lineEnd = end
            while lineEnd > dataStart, bytes[lineEnd - 1] == 0x0A || bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            guard lineEnd > dataStart else { return nil }
            var lineStart = lineEnd
            while lineStart > dataStart, bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
            let fields = Self.fields(UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd]), separator: separator)
            let nonEmpty = fields.filter { !$0.isEmpty }
            if let first = nonEmpty.first, isTotalsWord(first) {
                return TrailerRows(start: lineStart, label: first, linesBelow: below)
            }
            guard nonEmpty.count <= 1 else { return nil }
            if !nonEmpty.isEmpty { below += 1 }
            end = lineStart
        }
        return nil
    }

    /// The trimmed fields of one line (quotes unescaped; enough for a totals row).
    private static func fields(_ line: UnsafeBufferPointer<UInt8>, separator: FieldSeparator) -> [String] {
        var scanner = RecordScanner(bytes: line, separator: separator, keep: 64)
        guard scanner.next() else { return [] }
        return (0..<min(scanner.fieldCount, 64)).map { scanner.string($0).trimmingCharacters(in: .whitespaces) }
    }
}

/// How the amount column's numbers were read: the decimal mark the flags chose and how many values had
/// a thousands separator (see ``AmountParser``).
public struct AmountFormat: Sendable, Codable, Hashable {
    /// The decimal mark in use: `.`, or `,` with `decimalComma`.
    public var decimalMark: String
    /// The thousands separator in use besides `'`: `,`, or `.` with `decimalComma`.
    public var groupingSeparator: String
    /// Amount (and quantity) values that held a thousands separator.
    public var valuesWithGrouping = 0

    /// A format; the defaults are those of a parser without `decimalComma`, with no grouped values yet.
    public init(decimalMark: String = ".", groupingSeparator: String = ",", valuesWithGrouping: Int = 0) {
        self.decimalMark = decimalMark
        self.groupingSeparator = groupingSeparator
        self.valuesWithGrouping = valuesWithGrouping
    }
}

/// A totals row cut from the end of the input.
public struct TotalsRow: Sendable, Codable, Hashable {
    /// Its line number.
    public var line: Int
    /// Its totals word (`合计`, `Total`, …).
    public var text: String
    /// Lines with text below it, cut with it.
    public var linesBelow: Int

    /// A totals row on 1-based `line` with totals word `text`.
    public init(line: Int, text: String, linesBelow: Int) {
        self.line = line
        self.text = text
        self.linesBelow = linesBelow
    }
}

/// One currency seen in the amount column.
public struct CurrencySighting: Sendable, Hashable {
    /// The currency's ISO 4217 code (`CNY`, `USD`, …).
    public var code: String
    /// Values marked with it.
    public var count: Int
    /// Where it first appears, and the value there.
    public var line: Int
    /// The amount text on that line as written (cut to 40 characters).
    public var value: String
}
