import Testing
@testable import CLVExcel

@Suite("Excel cell text: numbers, date formats, serials, references, escapes")
struct CellTextTests {
    @Test("numbers as Excel shows them, at 15 significant digits", arguments: [
        (12.300000000000001, "12.3"), (0.1 + 0.2, "0.3"), (100, "100"), (-2.5, "-2.5"), (0, "0"), (-0.0, "0"),
        (123456789012345678, "123456789012346000"), (1.5e-7, "0.00000015"), (1.5e21, "1.5E+21"),
        (1e-25, "1E-25"), (1234.5678, "1234.5678"), (1e15, "1000000000000000"), (0.000123456789012345678, "0.000123456789012346"),
        (45000, "45000"), (2.675, "2.675"),
    ] as [(Double, String)])
    func numbers(value: Double, shown: String) {
        #expect(CellText.number(value) == shown)
    }

    @Test("built-in format ids: dates, times (incl. the CJK built-ins 27–36 and 50–58) and numbers")
    func builtIns() {
        for id in [14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58] {
            #expect(CellText.builtInKind(id) == .date, "id \(id)")
        }
        for id in [18, 19, 20, 21, 32, 33, 34, 35, 45, 46, 47, 55, 56] {
            #expect(CellText.builtInKind(id) == .time, "id \(id)")
        }
        for id in [0, 1, 2, 3, 4, 9, 10, 11, 12, 13, 23, 37, 44, 48, 49, 59] {
            #expect(CellText.builtInKind(id) == .number, "id \(id)")
        }
    }

    @Test("custom format codes", arguments: [
        ("yyyy\"年\"m\"月\"d\"日\"", CellText.FormatKind.date), ("[$-804]yyyy\"年\"m\"月\"d\"日\"", .date),
        ("yyyy\\-mm\\-dd", .date), ("yyyy/m/d h:mm", .date), ("mmm", .date), ("d-mmm-yy", .date),
        ("h:mm:ss", .time), ("h\"时\"mm\"分\"", .time), ("[h]:mm", .number), ("0.00\" kg\"", .number),
        ("#,##0.00;[Red]-#,##0.00", .number), ("[$¥-804]#,##0.00", .number), ("General", .number), ("0%", .number),
        ("0.00E+00", .number), ("_(* #,##0_)", .number), ("@", .number),
    ] as [(String, CellText.FormatKind)])
    func customFormats(code: String, kind: CellText.FormatKind) {
        #expect(CellText.formatKind(code) == kind, "\(code)")
    }

    @Test("date serials of the 1900 system, with Lotus' 1900-02-29")
    func serials1900() {
        func d(_ s: Double, _ k: CellText.FormatKind = .date) -> String? { CellText.date(serial: s, date1904: false, kind: k) }
        #expect(d(1) == "1900-01-01")
        #expect(d(59) == "1900-02-28")
        #expect(d(60) == "1900-02-29")
        #expect(d(61) == "1900-03-01")
        #expect(d(45296) == "2024-01-05")
        #expect(d(45296.5) == "2024-01-05 12:00:00")
        #expect(d(45296.999999999) == "2024-01-06")
        #expect(d(0.3541666666666667, .time) == "08:30:00")
        #expect(d(45296.25, .time) == "2024-01-05 06:00:00")
        #expect(d(-1) == nil)
        #expect(CellText.serial(year: 2024, month: 1, day: 5) == 45296)
    }

    @Test("date serials of the 1904 system")
    func serials1904() {
        #expect(CellText.date(serial: 0, date1904: true, kind: .date) == "1904-01-01")
        #expect(CellText.date(serial: 43834, date1904: true, kind: .date) == "2024-01-05")
        #expect(CellText.date(serial: 1462 + 43834, date1904: false, kind: .date) == "2024-01-05")
    }

    @Test("ISO date cells (t=\"d\")")
    func isoCells() {
        #expect(CellText.isoDateCell("2024-01-05T00:00:00Z") == "2024-01-05")
        #expect(CellText.isoDateCell("2024-01-05T13:45:10") == "2024-01-05 13:45:10")
        #expect(CellText.isoDateCell("2024-01-05") == "2024-01-05")
    }

    @Test("column letters and references")
    func references() {
        #expect(CellText.columnLetters(0) == "A")
        #expect(CellText.columnLetters(25) == "Z")
        #expect(CellText.columnLetters(26) == "AA")
        #expect(CellText.columnLetters(701) == "ZZ")
        #expect(CellText.columnLetters(702) == "AAA")
        #expect(CellText.parseReference("C7") == (2, 7))
        #expect(CellText.parseReference("$AB$12") == (27, 12))
        #expect(CellText.parseReference("AA") == (26, nil))
    }

    @Test("_xHHHH_ escapes both ways")
    func escapes() {
        #expect(CellText.decodeEscapes("a_x000D_b") == "a\rb")
        #expect(CellText.decodeEscapes("x_x005F_x0041_") == "x_x0041_")
        #expect(CellText.decodeEscapes("plain_text") == "plain_text")
        #expect(CellText.xmlEscaped("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;")
        #expect(CellText.xmlEscaped("bell\u{7}") == "bell_x0007_")
        #expect(CellText.decodeEscapes(CellText.xmlEscaped("id_x0041_")) == "id_x0041_")
    }
}
