import Foundation
import Testing
import ZIPFoundation
import _CLVTestSupport
@testable import CLVExcel

/// Workbooks whose XML is written here by hand, for what the spreadsheet writers of the fixtures do not
/// produce: prefixed element names, cells and rows without references, phonetic runs, error and formula
/// cells, ISO date cells, a 1904 flag spelled `true`, a sheet at an absolute target.
@Suite("Reading hand-written workbook parts")
struct HandWrittenPartsTests {
    static func workbook(_ parts: [String: String]) throws -> String {
        let url = try TestData.temporaryDirectory().appendingPathComponent("hand.xlsx")
        let archive = try Archive(url: url, accessMode: .create)
        for (name, text) in parts.sorted(by: { $0.key < $1.key }) {
            let data = Data(text.utf8)
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { p, n in
                data.subdata(in: Int(p)..<min(data.count, Int(p) + n))
            }
        }
        return url.path
    }

    static let ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    static func parts(sheet: String, strings: String? = nil, styles: String? = nil, workbookPr: String = "") -> [String: String] {
        var parts = [
            "[Content_Types].xml": "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>",
            "_rels/.rels": "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"r1\" Type=\"\(rel)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>",
            "xl/workbook.xml": "<x:workbook xmlns:x=\"\(ns)\" xmlns:rel=\"\(rel)\">\(workbookPr)<x:sheets><x:sheet name=\"数据\" sheetId=\"1\" rel:id=\"s1\"/></x:sheets></x:workbook>",
            "xl/_rels/workbook.xml.rels": """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="s1" Type="\(rel)/worksheet" Target="/xl/sheets/../worksheets/data.xml"/>\
            <Relationship Id="s2" Type="\(rel)/sharedStrings" Target="strings.xml"/>\
            <Relationship Id="s3" Type="\(rel)/styles" Target="styles.xml"/></Relationships>
            """,
            "xl/worksheets/data.xml": "<x:worksheet xmlns:x=\"\(ns)\"><x:sheetData>\(sheet)</x:sheetData></x:worksheet>",
        ]
        if let strings { parts["xl/strings.xml"] = "<x:sst xmlns:x=\"\(ns)\">\(strings)</x:sst>" }
        if let styles { parts["xl/styles.xml"] = "<styleSheet xmlns=\"\(ns)\">\(styles)</styleSheet>" }
        return parts
    }

    @Test("prefixes, cells and rows without references, phonetic runs, errors, formulas, ISO dates, 1904 as 'true'")
    func kinds() throws {
        let strings = "<x:si><x:t>東京</x:t><x:rPh sb=\"0\" eb=\"2\"><x:t>トウキョウ</x:t></x:rPh></x:si>"
            + "<x:si><x:r><x:t>a</x:t></x:r><x:r><x:t xml:space=\"preserve\"> b</x:t></x:r></x:si><x:si><x:t>line_x000D_</x:t></x:si>"
        let styles = "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs><cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"57\"/></cellXfs>"
        let sheet = """
        <x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c t="s"><x:v>2</x:v></x:c></x:row>\
        <x:row><x:c t="e"><x:v>#DIV/0!</x:v></x:c><x:c t="str"><x:f>A1&amp;"x"</x:f><x:v>東京x</x:v></x:c><x:c><x:f>1+1</x:f></x:c><x:c t="s"/><x:c>7</x:c></x:row>\
        <x:row r="5"><x:c r="B5" t="d"><x:v>2024-02-29T00:00:00Z</x:v></x:c><x:c r="D5" s="1"><x:v>0</x:v></x:c></x:row>\
        <x:row><x:c t="inlineStr"><x:is><x:t>in</x:t><x:rPh><x:t>ph</x:t></x:rPh></x:is></x:c><x:c s="0"><x:v>0</x:v></x:c></x:row>
        """
        let path = try Self.workbook(Self.parts(sheet: sheet, strings: strings, styles: styles, workbookPr: "<x:workbookPr date1904=\"true\"/>"))
        let book = try XLSXWorkbook(path: path)
        #expect(book.sheets == [XLSXWorkbook.Sheet(name: "数据", part: "xl/worksheets/data.xml")])
        #expect(book.date1904)
        let (c, rows) = try Fixture.convert(path)
        // No dimension: rows are padded to the first row's width; wider rows keep their cells.
        #expect(rows == [["東京", "a b", "line\r"],
                         ["#DIV/0!", "東京x", ""],
                         ["", "2024-02-29", "", "1904-01-01"],
                         ["in", "0", ""]])
        #expect(c.sheetRow(ofLine: 3) == 5)
        #expect(c.sheetRow(ofLine: 4) == 6)
    }

    @Test("a shared-string index past the table is a located error")
    func badIndex() throws {
        let path = try Self.workbook(Self.parts(sheet: "<x:row r=\"3\"><x:c r=\"B3\" t=\"s\"><x:v>9</x:v></x:c></x:row>", strings: "<x:si><x:t>a</x:t></x:si>"))
        #expect(throws: ExcelError.self) { try Fixture.convert(path) }
        do { _ = try Fixture.convert(path) } catch {
            #expect("\(error)".contains("cell B3 names shared string '9', but the table has 1"))
        }
    }

    @Test("broken XML names the part and the line")
    func brokenXML() throws {
        let path = try Self.workbook(Self.parts(sheet: "<x:row><x:c><x:v>1</x:v></x:row>"))
        do {
            _ = try Fixture.convert(path)
            Issue.record("no error")
        } catch let error as ExcelError {
            #expect(error.description.contains("xl/worksheets/data.xml: line 1"), "\(error)")
        }
    }
}
