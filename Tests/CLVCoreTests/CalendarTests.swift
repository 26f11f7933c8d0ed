import CLVCore
import Foundation
import Testing

@Suite("CalendarDay")
struct CalendarDayTests {
    @Test("civil dates round-trip and agree with Foundation's Gregorian calendar, 1900–2100")
    func roundTrip() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = try #require(CalendarDay(year: 1900, month: 1, day: 1))
        let end = try #require(CalendarDay(year: 2100, month: 12, day: 31))
        var day = start
        while day <= end {
            let (y, m, d) = day.components
            #expect(CalendarDay(year: y, month: m, day: d) == day)
            if d == 1 || d == 29 {
                let date = Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86400)
                let c = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
                #expect(c.year == y && c.month == m && c.day == d)
                #expect((c.weekday! + 5) % 7 + 1 == day.isoWeekday)
            }
            day = day.adding(days: 1)
        }
    }

    @Test("known days")
    func known() {
        #expect(CalendarDay(year: 1970, month: 1, day: 1)?.daysSinceEpoch == 0)
        #expect(CalendarDay(year: 2000, month: 3, day: 1)?.daysSinceEpoch == 11017)
        #expect(CalendarDay(iso: "1997-09-30")?.description == "1997-09-30")
        #expect(CalendarDay(year: 2023, month: 2, day: 29) == nil)
        #expect(CalendarDay(year: 2024, month: 2, day: 29) != nil)
        #expect(CalendarDay(iso: "2024-1-05") == nil)
    }

    @Test("JSON encodes as YYYY-MM-DD")
    func codable() throws {
        let day = CalendarDay(year: 2024, month: 3, day: 5)!
        let data = try JSONEncoder().encode([day])
        #expect(String(decoding: data, as: UTF8.self) == "[\"2024-03-05\"]")
        #expect(try JSONDecoder().decode([CalendarDay].self, from: data) == [day])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CalendarDay].self, from: Data("[\"2024-02-30\"]".utf8)) }
    }
}

@Suite("Periods and time units")
struct PeriodTests {
    @Test("weeks run Monday to Sunday, as pandas' W periods")
    func weeks() {
        let sunday = CalendarDay(iso: "2023-01-01")!       // a Sunday
        let monday = CalendarDay(iso: "2022-12-26")!
        #expect(PeriodFrequency.week.period(of: sunday) == PeriodFrequency.week.period(of: monday))
        #expect(PeriodFrequency.week.startDay(ofPeriod: PeriodFrequency.week.period(of: sunday)) == monday)
        #expect(PeriodFrequency.week.period(of: CalendarDay(iso: "2023-01-02")!) == PeriodFrequency.week.period(of: sunday) + 1)
        // Before 1970 too.
        let old = CalendarDay(iso: "1960-06-15")! // a Wednesday
        #expect(PeriodFrequency.week.startDay(ofPeriod: PeriodFrequency.week.period(of: old)) == CalendarDay(iso: "1960-06-13")!)
    }

    @Test("months are calendar months; elapsed months are whole")
    func months() {
        let f = PeriodFrequency.month
        let jan = f.period(of: CalendarDay(iso: "2024-01-31")!)
        let mar = f.period(of: CalendarDay(iso: "2024-03-01")!)
        #expect(mar - jan == 2)
        #expect(f.startDay(ofPeriod: jan) == CalendarDay(iso: "2024-01-01")!)
        #expect(f.elapsed(fromPeriod: jan, toPeriod: mar, in: .month) == 2)
        #expect(f.elapsed(fromPeriod: jan, toPeriod: mar, in: .year) == 2.0 / 12)
        #expect(f.elapsed(fromPeriod: jan, toPeriod: mar, in: .day) == 60)
    }

    @Test("day periods convert with 7, 365.2425/12 and 365.2425 days")
    func units() {
        let f = PeriodFrequency.day
        #expect(f.elapsed(fromPeriod: 0, toPeriod: 14, in: .week) == 2)
        #expect(f.elapsed(fromPeriod: 0, toPeriod: 365, in: .year) == 365 / 365.2425)
        #expect(TimeUnit.month.days == 30.436875)
    }
}
