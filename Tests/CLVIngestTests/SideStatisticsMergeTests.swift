import CLVCore
import CLVIngest
import Testing

/// Channel and quantity statistics are kept apart from the per-customer state and must survive the
/// merge of a first pass split in two, for customers seen in both halves and in one only.
@Suite struct SideStatisticsMergeTests {
    static let channels = ["web", "app", "store", "tel"]

    /// Customer i buys on days 1…k (k = 2 + i % 4) of January 2024, rows in date order; purchase j uses
    /// channel (i + j) % 4 for j < 3, then channel i % 4 again, with quantity j + 1. Every third customer
    /// also returns part of a purchase on its last day, with no channel and no quantity.
    static func log() -> String {
        var text = "customer_id,date,amount,channel,quantity\n"
        for day in 1...5 {
            for i in 0..<60 where day <= 2 + i % 4 {
                let j = day - 1
                let channel = channels[j < 3 ? (i + j) % 4 : i % 4]
                text += "C\(i),2024-01-0\(day),\(10 + i).50,\(channel),\(j + 1)\n"
                if i % 3 == 0, day == 2 + i % 4 { text += "C\(i),2024-01-0\(day),-2.25,,\n" }
            }
        }
        return text
    }

    @Test("acquisition channel, channel count and quantity match the log, read in one pass or two halves",
          arguments: [Int.max, 1])
    func channelsAndQuantities(threshold: Int) throws {
        var options = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
        options.columns.channel = .name("channel")
        options.columns.quantity = .name("quantity")
        options.parallelThreshold = threshold
        for summary in [SummaryOptions(), SummaryOptions(calibrationEnd: CalendarDay(iso: "2024-01-03")!)] {
            let (table, report) = try summarize(Self.log(), options, summary)
            #expect(table.count == 60)
            for i in 0..<60 {
                let row = try #require(table.row("C\(i)"))
                let k = 2 + i % 4
                let calibrationDays = summary.calibrationEnd == nil ? k : min(k, 3)
                #expect(table.acquisitionChannel?[row] == Self.channels[i % 4])
                #expect(table.channelCount?[row] == Int32(min(calibrationDays, 3)))
                #expect(table.totalQuantity?[row] == Double(calibrationDays * (calibrationDays + 1) / 2))
            }
            #expect(report.returnsNetted == 20)
        }
    }
}
