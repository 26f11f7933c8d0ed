import Foundation
import Testing
import _CLVTestSupport
@testable import CLVExcel

/// The fixtures of Scripts/golden/make_xlsx_fixtures.py (written by openpyxl and XlsxWriter).
enum Fixture {
    static func path(_ name: String) -> String { TestData.repository("Tests/CLVExcelTests/Fixtures/\(name)").path }

    /// The records of a CSV file.
    static func records(_ path: String) throws -> [[String]] {
        var out: [[String]] = []
        try CSVRecords.read(path) { _, fields in out.append(fields) }
        return out
    }

    /// Converts a sheet and returns the conversion and its records.
    static func convert(_ workbook: String, _ sheet: XLSXWorkbook.SheetSelector? = nil) throws -> (SheetConversion, [[String]]) {
        let dir = try TestData.temporaryDirectory()
        let book = try XLSXWorkbook(path: workbook)
        let c = try book.convertSheet(sheet, toCSV: dir.appendingPathComponent("sheet.csv").path)
        return (c, try records(c.csvPath))
    }
}

@Suite("Reading .xlsx workbooks")
struct WorkbookTests {
    @Test("every kind of cell shows as Excel shows it (openpyxl fixture, inline strings)")
    func cellKinds() throws {
        let (c, rows) = try Fixture.convert(Fixture.path("cells.xlsx"))
        #expect(c.sheet == "cells")
        #expect(rows.first == ["kind", "value", "expected"])
        #expect(rows.count == 24)
        for row in rows.dropFirst() {
            #expect(row.count == 3)
            #expect(row[1] == row[2], "\(row[0])")
        }
    }

    @Test("shared strings, rich text, built-in 14 and 31 and custom 年月日 dates (XlsxWriter fixture)")
    func sales() throws {
        let (c, rows) = try Fixture.convert(Fixture.path("sales.xlsx"), .name("Sales"))
        #expect(c.sheet == "Sales")
        let csv = try Fixture.records(Fixture.path("sales.csv"))
        #expect(rows == csv)
        #expect(rows.contains { $0[3] == "微信" })
        #expect(rows.contains { $0[2] == "12.3" })
    }

    @Test("the first sheet by default, by name (also case-insensitively), by 1-based number")
    func sheetSelection() throws {
        let book = try XLSXWorkbook(path: Fixture.path("sales.xlsx"))
        #expect(book.sheets.map(\.name) == ["说明", "Sales"])
        #expect(try book.sheet(nil).name == "说明")
        #expect(try book.sheet(.index(2)).name == "Sales")
        #expect(try book.sheet(.name("sales")).name == "Sales")
        #expect(XLSXWorkbook.SheetSelector("2") == .index(2))
        #expect(XLSXWorkbook.SheetSelector("订单") == .name("订单"))
        #expect(throws: ExcelError.self) { try book.sheet(.index(3)) }
        do {
            _ = try book.sheet(.name("Nope"))
            Issue.record("no error")
        } catch let error as ExcelError {
            #expect(error.description.contains("no sheet 'Nope' (sheets: 1 '说明', 2 'Sales')"))
        }
        let (_, notes) = try Fixture.convert(Fixture.path("sales.xlsx"))
        #expect(notes.first == ["订单明细报表"])
    }

    @Test("the 1904 date system")
    func dates1904() throws {
        let book = try XLSXWorkbook(path: Fixture.path("dates1904.xlsx"))
        #expect(book.date1904)
        let (_, rows) = try Fixture.convert(Fixture.path("dates1904.xlsx"))
        #expect(rows[1] == ["A0", "2024-05-01", "5"])
        #expect(rows[6] == ["A1", "2024-05-06", "10"])
    }

    @Test("CSV lines map back to sheet rows and columns: gaps and multi-line cells")
    func locations() throws {
        let (orders, rows) = try Fixture.convert(Fixture.path("orders.xlsx"))
        // Row 4 is empty: CSV line 6 holds sheet row 7.
        #expect(rows[5][2] == "n/a")
        #expect(orders.cell(line: 6, column: "金额") == "\(Fixture.path("orders.xlsx")):订单!C7")
        #expect(orders.cell(line: 3, column: "客户ID").hasSuffix("订单!A3"))
        #expect(orders.cell(line: 4, column: "3").hasSuffix("订单!C5"))
        #expect(orders.cell(line: 6, column: "").hasSuffix("订单!7:7"))
        let (cells, _) = try Fixture.convert(Fixture.path("cells.xlsx"))
        // Row 23 holds two cells with a line break, so row 24 starts on CSV line 26.
        #expect(cells.sheetRow(ofLine: 23) == 23)
        #expect(cells.sheetRow(ofLine: 26) == 24)
    }

    @Test("a legacy .xls is refused with advice; a file that is no workbook is named so")
    func refusals() throws {
        #expect(XLSXWorkbook.hasLegacyMagic(path: Fixture.path("legacy.xls")))
        do {
            _ = try XLSXWorkbook(path: Fixture.path("legacy.xls"))
            Issue.record("no error")
        } catch let error as ExcelError {
            guard case .legacyWorkbook = error else { Issue.record("\(error)"); return }
            #expect(error.description.contains("save it as .xlsx"))
        }
        let dir = try TestData.temporaryDirectory()
        let fake = dir.appendingPathComponent("fake.xlsx")
        try Data("customer_id,date\n".utf8).write(to: fake)
        #expect(XLSXWorkbook.isWorkbook(path: fake.path))
        do {
            _ = try XLSXWorkbook(path: fake.path)
            Issue.record("no error")
        } catch let error as ExcelError {
            guard case .notAWorkbook = error else { Issue.record("\(error)"); return }
        }
        #expect(!XLSXWorkbook.isWorkbook(path: Fixture.path("sales.csv")))
    }
}

@Suite("Writing .xlsx workbooks")
struct WriterTests {
    @Test("numbers, dates, text and empty cells survive a round trip through the reader")
    func roundTrip() throws {
        let writer = try XLSXWriter(sheetName: "out[1]")
        try writer.row([.text("customer_id"), .text("amount"), .text("day"), .text("note")])
        try writer.row([.text("00123"), .number(12.5), .date(year: 2024, month: 1, day: 5), .text("a, \"b\"\nc")])
        try writer.row([.text(" lead"), .number(.nan), .empty, .text("<&> _x0041_ \u{1}")])
        try writer.row([.text("客户"), .number(1e21), .date(year: 1999, month: 12, day: 31), .text("")])
        let path = try writer.finish()
        let book = try XLSXWorkbook(path: path)
        #expect(book.sheets.map(\.name) == ["out_1_"])
        let (_, rows) = try Fixture.convert(path)
        #expect(rows == [["customer_id", "amount", "day", "note"],
                         ["00123", "12.5", "2024-01-05", "a, \"b\"\nc"],
                         [" lead", "", "", "<&> _x0041_ \u{1}"],
                         ["客户", "1E+21", "1999-12-31", ""]])
    }

    @Test("CSV to workbook: number, date and id columns typed")
    func csvTypes() throws {
        let dir = try TestData.temporaryDirectory()
        let csv = dir.appendingPathComponent("t.csv").path
        try Data("customer_id,frequency,first_purchase,segment\n0012,2.0,2024-01-05,a\n13,,2024-02-01,7\n".utf8).write(to: URL(fileURLWithPath: csv))
        let writer = try XLSXWriter(sheetName: "t")
        let path = try CSVToXLSX.convert(csvPath: csv, writer: writer)
        defer { withExtendedLifetime(writer) {} }
        let archiveText = try Self.sheetXML(path)
        #expect(archiveText.contains("<c r=\"A2\" t=\"inlineStr\"><is><t>0012</t></is></c>"))
        #expect(archiveText.contains("<c r=\"B2\"><v>2</v></c>"))
        #expect(archiveText.contains("<c r=\"C2\" s=\"1\"><v>45296</v></c>"))
        #expect(archiveText.contains("<c r=\"D3\" t=\"inlineStr\"><is><t>7</t></is></c>"))
        #expect(archiveText.contains("<c r=\"A3\" t=\"inlineStr\"><is><t>13</t></is></c>"))
        let (_, rows) = try Fixture.convert(path)
        #expect(rows == [["customer_id", "frequency", "first_purchase", "segment"], ["0012", "2", "2024-01-05", "a"], ["13", "", "2024-02-01", "7"]])
    }

    static func sheetXML(_ path: String) throws -> String {
        String(decoding: try XLSXWorkbook(path: path).partData("xl/worksheets/sheet1.xml"), as: UTF8.self)
    }
}
