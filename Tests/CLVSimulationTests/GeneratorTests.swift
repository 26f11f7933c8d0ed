import CLVCore
import CLVIngest
import CLVSimulation
import Foundation
import Testing
import _CLVTestSupport

@Suite("TransactionLogGenerator")
struct GeneratorTests {
    @Test("the same seed gives the same log; another seed another")
    func reproducible() throws {
        let a = try TransactionLogGenerator(customers: 5000, seed: 1).generateString()
        let b = try TransactionLogGenerator(customers: 5000, seed: 1).generateString()
        let c = try TransactionLogGenerator(customers: 5000, seed: 2).generateString()
        #expect(a == b)
        #expect(a != c)
    }

    @Test("rows respect the acquisition window and the end; spend has the Gamma-Gamma mean p·γ/(q−1)")
    func process() throws {
        let generator = TransactionLogGenerator(customers: 20_000, seed: 3)
        let text = try generator.generateString()
        let input = try MappedInput.fromBytes(Array(text.utf8), name: "generated.csv")
        let (table, report) = try TransactionLogReader.summarize(input, options: IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!))
        #expect(table.count == 20_000)
        #expect(report.customersReordered == 0)
        #expect(report.firstDate! >= generator.start)
        #expect(report.lastDate! <= generator.end)
        let lastAcquisition = generator.start.adding(days: generator.acquisitionDays - 1)
        #expect(table.firstPurchase.allSatisfy { $0 >= generator.start && $0 <= lastAcquisition })
        // E[z] = p γ / (q − 1) = 6.25 · 15.44 / 2.74 ≈ 35.22 (heavy-tailed across customers: 3% tolerance on 20k customers' purchases).
        let mean = table.totalSpend.reduce(0, +) / Double(table.orders.reduce(0) { $0 + Int($1) })
        let p = generator.parameters
        #expect(abs(mean / (p.p * p.gamma / (p.q - 1)) - 1) < 0.03, "mean spend \(mean)")
        // With CDNOW's parameters most customers never come back (FHL 2005: 60% over 39 weeks).
        let noRepeat = Double(table.repeatPurchases.filter { $0 == 0 }.count) / Double(table.count)
        #expect(noRepeat > 0.45 && noRepeat < 0.7, "share without repeats \(noRepeat)")
    }

    @Test("optional order and channel columns, and date order")
    func columns() throws {
        let generator = TransactionLogGenerator(customers: 300, seed: 4, includeOrders: true, includeChannels: true, order: .date)
        let text = try generator.generateString()
        let lines = text.split(separator: "\n")
        #expect(lines[0] == "customer_id,date,amount,order_id,channel")
        let dates = lines.dropFirst().map { $0.split(separator: ",")[1] }
        #expect(dates == dates.sorted())
        var options = IngestOptions(asOf: CalendarDay(iso: "2030-01-01")!)
        options.columns.order = .name("order_id")
        let (table, report) = try TransactionLogReader.summarize(try MappedInput.fromBytes(Array(text.utf8)), options: options)
        #expect(report.orders == lines.count - 1)
        #expect(table.acquisitionChannel?.allSatisfy { ["web", "app", "store", "marketplace"].contains($0) } == true)
    }

    @Test("invalid settings are explained")
    func validation() {
        var g = TransactionLogGenerator(customers: 10)
        g.parameters.r = -1
        #expect(g.validationError()?.contains("--r") == true)
        g = TransactionLogGenerator(customers: 10, acquisitionDays: 10_000)
        #expect(g.validationError() != nil)
    }
}
