@testable import CLVIngest
import Testing

/// The kept rows of a read live in a fixed reservation; a part with more rows than it holds must give up
/// keeping them (so that its summaries are read from the file) rather than write past it.
@Suite("Kept rows stay inside their reservation")
struct RowLogTests {
    static func row(_ k: Int) -> ParsedRow {
        ParsedRow(customer: k % 3, day: Int32(19_000 + k), amount: Double(k) + 0.25, quantity: Double(k), channel: -1,
                  order: Int32(k), line: k + 2)
    }

    @Test("rows within the reservation are kept in order with their order ids and quantities")
    func keepsRows() {
        let log = RowLog(orders: true, quantities: true, bytes: 800)
        for k in 0..<100 { log.append(Self.row(k)) }
        #expect(log.complete)
        #expect(log.count == 100)
        #expect(log.bytesPerRow == 24 + 4 + 8)
        for k in [0, 41, 99] {
            let r = log.row(k), e = Self.row(k)
            #expect((r.customer, r.day, r.amount, r.quantity, r.order, r.line) == (e.customer, e.day, e.amount, e.quantity, e.order, e.line))
        }
    }

    @Test("a part with more rows than its reservation holds is marked incomplete, and nothing is written past it")
    func overflowMarksIncomplete() {
        let log = RowLog(orders: false, quantities: false, bytes: 0) // room for 16 rows
        for k in 0..<16 { log.append(Self.row(k)) }
        #expect(log.complete)
        log.append(Self.row(16))
        #expect(!log.complete)
        #expect(log.count == 16)
    }
}
