import CLVCore
@testable import CLVIngest
import Foundation
import Testing

/// A read that does not keep its rows recomputes out-of-order customers from their own rows, which a
/// row index locates: it parses again only the batches that hold such a row, never the whole file.
@Suite("Out-of-order customers are recomputed from their own rows")
struct RowIndexTests {
    /// `customers` customers in date order, two rows each, and customer Z with one row on the first line
    /// and one, dated earlier, on the last: only Z is out of date order.
    static func log(customers: Int, currencySigns: Bool = false) -> String {
        var text = "customer_id,date,amount\n"
        text += "Z,2024-03-01,\(currencySigns ? "¥" : "")7.5\n"
        for c in 0..<customers {
            text += "C\(c),2024-01-\(String(format: "%02d", c % 28 + 1)),\"1,200\"\n"
        }
        for c in 0..<customers {
            text += "C\(c),2024-02-\(String(format: "%02d", c % 28 + 1)),5\n"
        }
        text += "Z,2024-01-10,\(currencySigns ? "¥" : "")2.5\n"
        return text
    }

    static func read(_ text: String, split: Bool) throws -> (SummaryTable, IngestReport, Ingestor) {
        var options = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
        options.parallelThreshold = split ? 1 : .max
        let input = try MappedInput.fromBytes(Array(text.utf8), name: "orders.csv", encoding: options.encoding)
        let ingestor = try Ingestor(input: input, options: options, summary: SummaryOptions())
        let (table, report) = try ingestor.run(progress: nil)
        return (table, report, ingestor)
    }

    @Test("only the batches that hold the out-of-order customer's rows are parsed again, in one part or two",
          arguments: [false, true])
    func parsesOnlyTheirBatches(split: Bool) throws {
        let text = Self.log(customers: 4000)
        let (table, report, ingestor) = try Self.read(text, split: split)
        #expect(report.customersReordered == 1)
        // Z's two rows lie in the first and the last batch of 64 rows: at most two batches of about 25 bytes a row.
        #expect(ingestor.reparsedBytes > 0)
        #expect(ingestor.reparsedBytes <= 2 * 64 * 26, "\(ingestor.reparsedBytes) of \(text.utf8.count) bytes parsed again")
        let z = try #require(table.row("Z"))
        #expect(table.repeatPurchases[z] == 1)
        #expect(table.recency[z] == 51)
        #expect(table.monetaryValue[z] == 7.5)
        #expect(table.totalSpend[z] == 10)
        // Every other customer is read in order, as the sorted log reads it.
        let sortedText = "customer_id,date,amount\nZ,2024-01-10,2.5\nZ,2024-03-01,7.5\n"
            + text.split(separator: "\n").dropFirst(2).dropLast().joined(separator: "\n") + "\n"
        let (sorted, sortedReport, _) = try Self.read(sortedText, split: split)
        #expect(sortedReport.customersReordered == 0)
        #expect(Set(sorted.customerIDs) == Set(table.customerIDs))
        for id in ["C0", "C1999", "C3999"] {
            let (i, j) = (try #require(table.row(id)), try #require(sorted.row(id)))
            #expect((table.repeatPurchases[i], table.recency[i], table.age[i], table.monetaryValue[i])
                    == (sorted.repeatPurchases[j], sorted.recency[j], sorted.age[j], sorted.monetaryValue[j]))
        }
    }

    @Test("rows parsed again do not count twice in the amount-format and currency lines", arguments: [false, true])
    func formatCountsOnce(split: Bool) throws {
        let (_, report, _) = try Self.read(Self.log(customers: 500, currencySigns: true), split: split)
        #expect(report.customersReordered == 1)
        #expect(report.amountFormat.valuesWithGrouping == 500)
        #expect(report.currencies["CNY"] == 2)
    }

    @Test("an index whose rows outgrow its reservation is incomplete, and the whole data are parsed again")
    func overflowFallsBackToTheWholeFile() {
        let index = RowIndex(bytes: 0) // room for 16 rows
        index.startBatch(offset: 0, line: 2)
        index.add(Array(0..<10))
        index.add(Array(10..<16))
        #expect(index.complete)
        #expect(index.reserve(1) == nil)
        #expect(!index.complete)
        #expect(index.count == 16)
        let wide = RowIndex(bytes: 800)
        wide.add([1, 2])
        #expect(wide.complete)
        wide.commit(0, customers: Int(Int32.max) + 1)
        #expect(!wide.complete, "customer numbers past 32 bits cannot be indexed")
        #expect(MemoryLayout<ParsedRow>.stride == 48, "the reader's memory note counts 48 bytes per out-of-order row")
    }

    @Test("a batch is picked when any of its rows is a marked customer, through the later part's numbering")
    func picksMarkedBatches() {
        let index = RowIndex(bytes: 1000)
        index.startBatch(offset: 100, line: 2)
        index.add([0, 1, 2])
        index.startBatch(offset: 160, line: 5)
        index.add([3, 4])
        index.startBatch(offset: 200, line: 7)
        index.add([1, 5])
        index.end = 240
        #expect(index.batches(holding: { $0 == 1 }).map(\.range) == [100..<160, 200..<240])
        #expect(index.batches(holding: { $0 == 4 }).map(\.range) == [160..<200])
        index.renumber(customers: [10, 11, 12, 13, 14, 15], lineOffset: 40)
        let picked = index.batches(holding: { $0 == 14 })
        #expect(picked.map(\.range) == [160..<200])
        #expect(picked.map(\.line) == [45])
    }
}

extension RowIndex {
    /// Indexes rows of `customers`, as a batch does.
    func add(_ customers: [Int]) {
        guard let slots = reserve(customers.count) else { return }
        for (i, c) in customers.enumerated() { slots[i] = Int32(c) }
        commit(customers.count, customers: 0)
    }
}
