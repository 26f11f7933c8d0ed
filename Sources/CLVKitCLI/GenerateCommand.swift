import CLVIO
import ArgumentParser
import CLVKit

extension CLV {
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Generate a synthetic transaction log from the BG/NBD process with Gamma-Gamma spend.",
            discussion: """
            Rates are per --time-unit (default week); the default parameters are the CDNOW estimates of \
            Fader, Hardie & Lee (2005) and Fader & Hardie (2013). The same seed and settings always give the same file.

            Example: clv generate --customers 1000000 --seed 7 -o big.csv
            """)

        @Option(help: "Number of customers.")
        var customers: Int = 1000
        @Option(help: "Random seed.")
        var seed: UInt64 = 42
        @Option(help: "BG/NBD r (shape of the purchase rate).") var r: Double = 0.243
        @Option(help: "BG/NBD alpha (scale of the purchase rate, in --time-unit).") var alpha: Double = 4.414
        @Option(help: "BG/NBD a (dropout Beta a).") var a: Double = 0.793
        @Option(help: "BG/NBD b (dropout Beta b).") var b: Double = 2.426
        @Option(help: "Gamma-Gamma p (shape of a purchase's value).") var p: Double = 6.25
        @Option(help: "Gamma-Gamma q (shape of the customer's rate ν).") var q: Double = 3.74
        @Option(help: "Gamma-Gamma gamma (rate of ν).") var gamma: Double = 15.44
        @Option(help: "Unit of the purchase rate: day, week, month, year.") var timeUnit: TimeUnit = .week
        @Option(help: "First acquisition day.") var start: CalendarDay = CalendarDay(year: 2024, month: 1, day: 1)!
        @Option(help: "Length of the acquisition window in days.") var acquisitionDays: Int = 91
        @Option(help: "Last observed day.") var end: CalendarDay = CalendarDay(year: 2025, month: 6, day: 30)!
        @Flag(help: "Add an order_id column.") var orders = false
        @Flag(help: "Add a channel column.") var channels = false
        @Option(help: "Row order: customer (each customer's rows together) or date.") var sort: TransactionLogGenerator.RowOrder = .customer
        @Option(name: .shortAndLong, help: "Output file (written atomically); default: standard output.") var output: String?
        @Flag(name: .shortAndLong, help: "No progress on stderr.") var quiet = false
        @Flag(help: "Start the CSV with a UTF-8 byte order mark (for Excel).") var bom = false

        var generator: TransactionLogGenerator {
            TransactionLogGenerator(
                customers: customers, seed: seed,
                parameters: .init(r: r, alpha: alpha, a: a, b: b, p: p, q: q, gamma: gamma, timeUnit: timeUnit),
                start: start, acquisitionDays: acquisitionDays, end: end, includeOrders: orders,
                includeChannels: channels, order: sort)
        }

        func validate() throws {
            if let message = generator.validationError() { throw ValidationError(message) }
        }

        func run() throws {
            try withExitCodes {
                try checkOutputs(output)
                let progress = ProgressLine("generating", quiet: quiet)
                let out = try OutputFile(path: output)
                if bom { try out.write(OutputFile.byteOrderMark) }
                try generator.generate(progress: { progress.update(done: $0, total: $1, unit: "k customers", scale: 1e3) }) {
                    try out.write($0)
                }
                try out.commit()
                progress.finish()
            }
        }
    }
}
