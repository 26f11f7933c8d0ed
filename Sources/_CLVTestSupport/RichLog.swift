import CLVCore
import CLVNumerics
import Foundation

/// A log with every column the summary can list: ids that need CSV quoting, channels, quantities,
/// returns and zero amounts, in date order, by customer, or shuffled.
public struct RichLog {
    public let text: String

    public init(seed: UInt64, order: String, customers: Int = 150) {
        var rng = Xoshiro256(seed: seed)
        let channels = ["web", "store", "app, mobile", "电话"]
        var rows: [(id: String, day: Int, line: String)] = []
        for c in 0..<customers {
            // Some ids hold a comma or a quote, which CSV output must quote and JSON must escape.
            let id = c % 17 == 0 ? "\"C\(c), \"\"VIP\"\"\"" : "C\(c)"
            var day = 19_700 + Int(rng.next() % 300)
            for _ in 0..<(Int(rng.next() % 8) + 1) {
                let u = rng.nextOpenUnit()
                let cents = u < 0.15 ? -Int(rng.next() % 5000) - 1 : (u < 0.2 ? 0 : Int(rng.next() % 20000) + 1)
                let sign = cents < 0 ? "-" : ""
                let amount = "\(sign)\(abs(cents) / 100).\(String(format: "%02d", abs(cents) % 100))"
                let channel = channels[Int(rng.next() % 4)]
                let quoted = channel.contains(",") ? "\"\(channel)\"" : channel
                let line = "\(id),\(CalendarDay(daysSinceEpoch: Int32(day))),\(amount),\(rng.next() % 5),\(quoted)"
                rows.append((id, day, line))
                if rng.nextOpenUnit() < 0.6 { day += Int(rng.next() % 40) }
            }
        }
        switch order {
        case "date": rows.sort { ($0.day, $0.id) < ($1.day, $1.id) }
        case "customer": break
        default: rows.shuffle(using: &rng)
        }
        text = "customer_id,date,amount,qty,channel\n" + rows.map(\.line).joined(separator: "\n") + "\n"
    }
}
