import CLVIngest
import CLVNumerics
import Foundation
import Testing

@Suite("RecordScanner (RFC 4180 and whitespace)")
struct RecordScannerTests {
    /// All records of `text` as arrays of field strings.
    static func records(_ text: String, _ separator: FieldSeparator) throws -> [[String]] {
        let input = try MappedInput.fromBytes(Array(text.utf8))
        var scanner = RecordScanner(bytes: input.bytes, separator: separator, keep: 16)
        var out: [[String]] = []
        while scanner.next() { out.append((0..<scanner.fieldCount).map { scanner.string($0) }) }
        return out
    }

    @Test("quotes, embedded separators, line breaks and doubled quotes")
    func rfc4180() throws {
        let text = "a,b,c\r\n\"x,1\",\"he said \"\"hi\"\"\",\"two\nlines\"\r\nlast,,\n"
        #expect(try Self.records(text, .comma) == [["a", "b", "c"], ["x,1", "he said \"hi\"", "two\nlines"], ["last", "", ""]])
    }

    @Test("a quoted field with doubled quotes longer than the 64 KiB scratch space is read whole")
    func longEscapedField() throws {
        let long = String(repeating: "x", count: 70_000)
        let text = "id,v\n\"\(long)\"\"a\",1\n\"\(long)\"\"b\",2\n\"short \"\"q\"\"\",3\n"
        #expect(try Self.records(text, .comma) == [["id", "v"], [long + "\"a", "1"], [long + "\"b", "2"], ["short \"q\"", "3"]])
    }

    @Test("fields of any length, across and at the edges of the 64-byte blocks the scanner compares at once",
          arguments: [",", ";", "|", "\t"])
    func blockEdges(_ separator: String) throws {
        var rng = Xoshiro256(seed: 11)
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789 -_.".utf8)
        var expected: [[String]] = []
        var text = ""
        for _ in 0..<400 {
            let fields = (0..<Int(rng.next() % 6) + 1).map { _ in
                // Lengths cluster around the block size, with some empty and some several blocks long.
                let length = [0, 1, 7, 63, 64, 65, 127, 128, 200][Int(rng.next() % 9)] + Int(rng.next() % 3)
                return String(decoding: (0..<length).map { _ in letters[Int(rng.next() % UInt64(letters.count))] }, as: UTF8.self)
            }
            // Keep the records non-blank and free of blanks at the ends (the scanner trims those).
            let record = fields.map { $0.trimmingCharacters(in: .whitespaces) }
            guard record.count > 1 || !record[0].isEmpty else { continue }
            expected.append(record)
            text += record.joined(separator: separator) + (rng.next() % 4 == 0 ? "\r\n" : "\n")
        }
        let sep = try #require(FieldSeparator(name: separator))
        #expect(try Self.records(text, sep) == expected)
        // Without the final line break, the last block ends inside the last field.
        #expect(try Self.records(String(text.dropLast(text.hasSuffix("\r\n") ? 2 : 1)), sep) == expected)
    }

    @Test("line numbers count physical lines, including those inside quotes")
    func lineNumbers() throws {
        let input = try MappedInput.fromBytes(Array("h\n\"a\nb\"\n\nc\n".utf8))
        var scanner = RecordScanner(bytes: input.bytes, separator: .comma, keep: 4)
        var lines: [Int] = []
        while scanner.next() { lines.append(scanner.recordLine) }
        #expect(lines == [1, 2, 5])
    }

    @Test("no final line break, blank lines and CRLF", arguments: [
        ("a;b\n\n1;2", [["a", "b"], ["1", "2"]]),
        ("a;b\r\n\r\n1;2\r\n", [["a", "b"], ["1", "2"]]),
        ("a;b\r", [["a", "b"]]),
    ])
    func edges(_ text: String, _ expected: [[String]]) throws {
        #expect(try Self.records(text, .semicolon) == expected)
    }

    @Test("whitespace-separated columns with leading blanks and CRLF, as in CDNOW")
    func whitespace() throws {
        let text = "00001 0001 19970101 1  11.77\r\n   00002   0002\t19970112  2  \"a b\"\r\n"
        #expect(try Self.records(text, .whitespace) == [["00001", "0001", "19970101", "1", "11.77"],
                                                          ["00002", "0002", "19970112", "2", "a b"]])
    }

    @Test("a quote that is never closed is flagged, not a crash")
    func unclosedQuote() throws {
        let input = try MappedInput.fromBytes(Array("a,\"b\nc".utf8))
        var scanner = RecordScanner(bytes: input.bytes, separator: .comma, keep: 4)
        let first = scanner.next()
        #expect(first)
        let problem = scanner.quoteProblem
        #expect(problem)
        let second = scanner.next()
        #expect(!second)
    }

    @Test("separator detection", arguments: [
        ("id,date,amount\n1,2024-01-01,3\n", "comma"),
        ("id;date;amount\n1;2024-01-01;3,5\n", "semicolon"),
        ("id\tdate\tamount\n1\t2024-01-01\t3\n", "tab"),
        ("id|date|amount\n1|2024-01-01|3\n", "pipe"),
        ("  0001 19970101 1 11.77\r\n  0002 19970112 2 9.00\r\n", "whitespace"),
        ("id,name,amount\n1,\"a;b;c\",3\n2,\"d\",4\n", "comma"),
    ])
    func detection(_ text: String, _ expected: String) throws {
        let input = try MappedInput.fromBytes(Array(text.utf8))
        #expect(FieldSeparator.detect(in: input.bytes).description == expected)
    }
}
