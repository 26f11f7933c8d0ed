import CLVCore
import CLVIngest
import Testing

/// The data-quality lines and the data-problem kinds through the one localisation mechanism (``Localized``).
@Suite("Data-quality lines in English and Chinese")
struct LocalizationTests {
    @Test("every data-problem kind has a Chinese name of its own; in English it is its raw value")
    func kinds() {
        let chinese = DataProblem.Kind.allCases.map { $0.text(.zh) }
        #expect(Set(chinese).count == DataProblem.Kind.allCases.count)
        for kind in DataProblem.Kind.allCases {
            #expect(kind.text(.en) == kind.rawValue)
            #expect(kind.text(.zh).unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF }, "\(kind)")
        }
    }

    @Test("skipped rows are counted by kind, named in the report's language")
    func skippedLines() throws {
        var options = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
        options.onError = .skip
        let (_, report) = try summarize("customer_id,date,amount\nA,2024-01-01,12\nB,not a date,5\n,2024-01-02,3\n", options)
        #expect(report.lines(.en).contains { $0.hasPrefix("skipped 2 rows") && $0.contains("unparsable date") })
        #expect(report.lines(.zh).contains { $0.hasPrefix("跳过 2 行") && $0.contains("日期无法解析 1 行") && $0.contains("缺少客户 ID 1 行") })
        #expect(Language.zh.text(DataProblem.Kind.badDate) == "日期无法解析")
    }
}
