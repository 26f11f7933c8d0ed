import CLVCore
import Foundation
import CLVIngest
import CLVNumerics
import Testing

@Suite("Date parsing")
struct DateParserTests {
    static func day(_ text: String, format: String? = nil, zone: String? = nil) throws -> String? {
        var parser = try DateParser(format: format, timeZone: zone.flatMap(DayTimeZone.init))
        switch parser.parse(text) {
        case .success(let d): return d.description
        case .failure: return nil
        }
    }

    @Test("automatic forms", arguments: [
        ("2024-03-05", "2024-03-05"), ("2024/03/05", "2024-03-05"), ("2024/3/5", "2024-03-05"),
        ("2024.03.05", "2024-03-05"), ("20240305", "2024-03-05"), ("2024年3月5日", "2024-03-05"),
        ("2024-03-05 23:59:59", "2024-03-05"), ("2024-03-05T23:59:59.123Z", "2024-03-05"),
        ("2024-03-05T23:30:00+08:00", "2024-03-05"), ("2024-03-05 08:00", "2024-03-05"),
        ("1709596800", "2024-03-05"), ("1709596800123", "2024-03-05"), ("1709596800.5", "2024-03-05"),
        ("2024-02-29", "2024-02-29"), ("1900-01-01", "1900-01-01"),
    ])
    func automatic(_ text: String, _ expected: String) throws {
        #expect(try Self.day(text) == expected)
    }

    @Test("the word-at-a-time reading of YYYY-MM-DD and YYYYMMDD agrees with the calendar and with --date-format",
          arguments: [1, 4, 100, 400, 1600, 1899, 1900, 1970, 1999, 2000, 2024, 2100, 2400, 9999])
    func plainFormsAgree(year: Int) throws {
        let forms: [(separator: String, format: String)] = [("-", "%Y-%m-%d"), ("/", "%Y/%m/%d"), (".", "%Y.%m.%d"), ("", "%Y%m%d")]
        let automatic = try DateParser()
        for (separator, format) in forms {
            let explicit = try DateParser(format: format)
            for month in 0...13 {
                for day in 0...32 {
                    let text = String(format: "%04d%@%02d%@%02d", year, separator, month, separator, day)
                    let expected = CalendarDay(year: year, month: month, day: day)
                    let auto = try? automatic.parse(text).get()
                    #expect(auto == expected, "\(text)")
                    #expect((try? explicit.parse(text).get()) == expected, "\(text) with \(format)")
                }
            }
        }
    }

    @Test("invalid text and impossible dates are rejected", arguments: [
        "2023-02-29", "2024-13-01", "2024-00-10", "2024-01-32", "05/03/2024", "N/A", "2024-01-01T25:00",
        "2024-01-01 10:00 +99", "123456", "2024-1", "20241301", "",
    ])
    func invalid(_ text: String) throws {
        #expect(try Self.day(text) == nil)
    }

    @Test("--timezone converts an instant to that zone's calendar day")
    func timeZones() throws {
        // 23:30 in Shanghai is 15:30 UTC the same day; 01:30 in Shanghai is the previous day in UTC.
        #expect(try Self.day("2024-03-05T01:30:00+08:00", zone: "UTC") == "2024-03-04")
        #expect(try Self.day("2024-03-05T01:30:00+08:00") == "2024-03-05")
        #expect(try Self.day("2024-03-04T20:00:00Z", zone: "Asia/Shanghai") == "2024-03-05")
        #expect(try Self.day("2024-03-04T20:00:00Z", zone: "+08:00") == "2024-03-05")
        // Epoch 1709575200 = 2024-03-04 18:00 UTC = 2024-03-05 02:00 in Shanghai.
        #expect(try Self.day("1709575200") == "2024-03-04")
        #expect(try Self.day("1709575200", zone: "Asia/Shanghai") == "2024-03-05")
        // Daylight saving: 2024-03-10 06:30 UTC is 01:30 EST (UTC-5) in New York, still 03-10.
        #expect(try Self.day("2024-03-10T06:30:00Z", zone: "America/New_York") == "2024-03-10")
        #expect(try Self.day("2024-03-10T04:30:00Z", zone: "America/New_York") == "2024-03-09")
    }

    @Test("custom formats", arguments: [
        ("05/03/2024", "%d/%m/%Y", "2024-03-05"), ("03/05/2024", "%m/%d/%Y", "2024-03-05"),
        ("5-Mar-24", "%d-%b-%y", "2024-03-05"), ("March 5 2024", "%B %d %Y", "2024-03-05"),
        ("2024年03月05日 10时", "%Y年%m月%d日 %H时", "2024-03-05"), ("05.03.2024 11:59 PM", "%d.%m.%Y %I:%M %p", "2024-03-05"),
    ])
    func custom(_ text: String, _ format: String, _ expected: String) throws {
        #expect(try Self.day(text, format: format) == expected)
    }

    @Test("a format without a day is refused")
    func badFormat() {
        #expect(throws: IngestError.self) { try DateParser(format: "%Y-%m") }
        #expect(throws: IngestError.self) { try DateParser(format: "%Y-%m-%d %Q") }
    }
}

@Suite("Amount parsing")
struct AmountParserTests {
    @Test("money as exports write it", arguments: [
        ("1234.5", 1234.5), ("1,234.50", 1234.5), ("$1,234.50", 1234.5), ("¥1,234.50", 1234.5),
        ("￥1,234.50", 1234.5), ("-20", -20.0), ("(20.00)", -20.0), ("20.00-", -20.0), ("-$20", -20.0),
        ("$-20", -20.0), ("RMB 88", 88.0), ("88元", 88.0), ("€ 12.30", 12.3), ("0.1", 0.1), ("0", 0.0),
        ("1.5e3", 1500.0), ("  7.25 ", 7.25), ("12,345,678.9", 12_345_678.9), ("+3", 3.0), ("0.07", 0.07),
        ("123456789012345.6", 123456789012345.6),
    ])
    func values(_ text: String, _ expected: Double) throws {
        #expect(try AmountParser().parse(text).get() == expected)
    }

    @Test("decimal comma")
    func decimalComma() throws {
        let parser = AmountParser(decimalComma: true)
        #expect(try parser.parse("1.234,50").get() == 1234.5)
        #expect(try parser.parse("12,5").get() == 12.5)
    }

    @Test("not a number", arguments: ["N/A", "12.3.4", "$", "--", "1,2x", "abc", "e5", "1e", "inf", "nan"])
    func invalid(_ text: String) {
        #expect(throws: AmountParser.Failure.self) { try AmountParser().parse(text).get() }
    }

    @Test("blank is reported as empty")
    func empty() {
        #expect(throws: AmountParser.Failure.empty) { try AmountParser().parse("   ").get() }
    }

    @Test("digits, one point and a leading minus read exactly as Swift's own parser reads them (random texts)")
    func plainNumbers() {
        var rng = Xoshiro256(seed: 21)
        let alphabet = Array("0123456789012345678901234567890123456789.".utf8)
        for _ in 0..<50_000 {
            var bytes = (0..<Int(rng.next() % 19)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            if rng.next() % 3 == 0 { bytes.insert(0x2D, at: 0) }
            let text = String(decoding: bytes, as: UTF8.self)
            let ours = try? AmountParser().parse(text).get()
            #expect(ours == Double(text) || (ours?.isZero == true && Double(text)?.isZero == true), "'\(text)'")
        }
    }

    @Test("values are correctly rounded like strtod")
    func rounding() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let cents = Int.random(in: 0..<10_000_000_000, using: &rng)
            let text = "\(cents / 100).\(String(format: "%02d", cents % 100))"
            #expect(try AmountParser().parse(text).get() == Double(text)!)
        }
    }
}
