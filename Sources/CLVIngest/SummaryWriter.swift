import CLVCore
import Foundation

/// Output formats for tables.
public enum TableFormat: String, Sendable, CaseIterable, Codable {
    /// Comma-separated values with a header line.
    case csv
    /// One JSON object per line.
    case jsonl
}

/// Writes a ``SummaryTable`` with lifetimes' column names (`customer_id, frequency, recency, T,
/// monetary_value`, or the `_cal`/`_holdout` names of a calibration/holdout split), then the extras
/// (`first_purchase, last_purchase, orders, total_spend, mean_spend`, and `total_quantity`,
/// `acquisition_channel`, `channel_count` when those columns were read).
public enum SummaryWriter {
    /// The column names, in order.
    public static func columns(of table: SummaryTable) -> [String] {
        let holdout = table.holdoutFrequency != nil
        var names = holdout ? ["customer_id", "frequency_cal", "recency_cal", "T_cal"] : ["customer_id", "frequency", "recency", "T"]
        if table.hasMonetary { names.append(holdout ? "monetary_value_cal" : "monetary_value") }
        if holdout {
            names.append("frequency_holdout")
            if table.hasMonetary { names.append("monetary_value_holdout") }
            names.append("duration_holdout")
        }
        names += ["first_purchase", "last_purchase", "orders"]
        if table.hasMonetary { names += ["total_spend", "mean_spend"] }
        if table.totalQuantity != nil { names.append("total_quantity") }
        if table.acquisitionChannel != nil { names += ["acquisition_channel", "channel_count"] }
        return names
    }

    /// Writes the table to `output`, formatting rows on all cores for large tables.
    public static func write(_ table: SummaryTable, format: TableFormat, to output: OutputFile) throws {
        let names = columns(of: table)
        if format == .csv { try output.write(names.joined(separator: ",") + "\n") }
        let n = table.count
        let dates = DateTexts(table)
        let chunk = 16_384
        let chunks = (n + chunk - 1) / chunk
        let parallel = 4
        // One buffer per slot, reused from batch to batch (their pages are touched once).
        let buffers = ConcurrentResults<ByteWriter>(count: parallel)
        for k in 0..<parallel { buffers.set(k, ByteWriter(capacity: chunk * 112)) }
        var done = 0
        while done < chunks {
            let batch = min(chunks - done, parallel)
            let firstChunk = done
            DispatchQueue.concurrentPerform(iterations: batch) { k in
                let lower = (firstChunk + k) * chunk
                let upper = min(lower + chunk, n)
                var w = buffers.take(k)
                w.removeAll()
                for i in lower..<upper {
                    format == .csv ? csvRow(table, i, dates, &w) : jsonRow(table, i, names, dates, &w)
                }
                buffers.set(k, w)
            }
            for k in 0..<batch {
                let w = buffers.take(k)
                try output.write(w)
                buffers.set(k, w)
            }
            done += batch
        }
    }

    /// Writes the values after `customer_id`; `separator` is called before each one with its column index.
    static func values(_ t: SummaryTable, _ i: Int, _ dates: DateTexts, _ w: inout ByteWriter, json: Bool,
                       separator: (inout ByteWriter, Int) -> Void) {
        var k = 1
        func next(_ w: inout ByteWriter) { separator(&w, k); k += 1 }
        func day(_ d: CalendarDay, _ w: inout ByteWriter) {
            if json { w.append(byte: 0x22) }
            dates.append(d, to: &w)
            if json { w.append(byte: 0x22) }
        }
        next(&w); w.append(Double(t.repeatPurchases[i]))
        next(&w); w.append(t.recency[i])
        next(&w); w.append(t.age[i])
        if t.hasMonetary { next(&w); w.append(money: t.monetaryValue[i]) }
        if let hf = t.holdoutFrequency {
            next(&w); w.append(Double(hf[i]))
            if t.hasMonetary { next(&w); w.append(money: t.holdoutMonetaryValue![i]) }
            next(&w); w.append(t.holdoutDuration!)
        }
        next(&w); day(t.firstPurchase[i], &w)
        next(&w); day(t.lastPurchase[i], &w)
        next(&w); w.append(Int(t.orders[i]))
        if t.hasMonetary {
            next(&w); w.append(money: t.totalSpend[i])
            next(&w); w.append(money: t.orders[i] > 0 ? t.totalSpend[i] / Double(t.orders[i]) : 0)
        }
        if let q = t.totalQuantity { next(&w); w.append(q[i]) }
        if let ch = t.acquisitionChannel {
            next(&w); json ? w.appendJSONString(ch[i]) : w.appendCSVField(ch[i])
            next(&w); w.append(Int(t.channelCount![i]))
        }
    }

    static func csvRow(_ t: SummaryTable, _ i: Int, _ dates: DateTexts, _ w: inout ByteWriter) {
        w.appendCSVField(t.customerIDs[i])
        values(t, i, dates, &w, json: false) { w, _ in w.append(byte: 0x2C) }
        w.append(byte: 0x0A)
    }

    static func jsonRow(_ t: SummaryTable, _ i: Int, _ names: [String], _ dates: DateTexts, _ w: inout ByteWriter) {
        w.append("{\"customer_id\":" as StaticString)
        w.appendJSONString(t.customerIDs[i])
        values(t, i, dates, &w, json: true) { w, k in
            w.append(byte: 0x2C)
            w.appendJSONString(names[k])
            w.append(byte: 0x3A)
        }
        w.append("}\n" as StaticString)
    }
}

/// `YYYY-MM-DD` texts of every day between a table's earliest and latest purchase, computed once.
struct DateTexts: @unchecked Sendable {
    let first: Int32
    let texts: [UInt8]

    init(_ t: SummaryTable) {
        let days = t.firstPurchase.map(\.daysSinceEpoch) + t.lastPurchase.map(\.daysSinceEpoch)
        let lo = days.min() ?? 0, hi = days.max() ?? 0
        first = lo
        var texts: [UInt8] = []
        if hi - lo < 200_000 {
            texts.reserveCapacity(Int(hi - lo + 1) * 10)
            for d in lo...hi { texts += Array(CalendarDay(daysSinceEpoch: d).description.utf8.prefix(10)) }
        }
        self.texts = texts
    }

    @inline(__always)
    func append(_ d: CalendarDay, to w: inout ByteWriter) {
        let k = Int(d.daysSinceEpoch - first)
        if k >= 0, (k + 1) * 10 <= texts.count {
            texts.withUnsafeBufferPointer { w.append(bytes: UnsafeBufferPointer(rebasing: $0[(k * 10)..<(k * 10 + 10)])) }
        } else {
            w.append(d.description)
        }
    }
}

/// Results of `concurrentPerform` iterations, written by index from several threads.
final class ConcurrentResults<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: T) { lock.lock(); slots[i] = value; lock.unlock() }
    func get(_ i: Int) -> T { lock.lock(); defer { lock.unlock() }; return slots[i]! }
    /// Removes and returns slot `i` (so that the caller holds the only reference to its storage).
    func take(_ i: Int) -> T { lock.lock(); defer { lock.unlock() }; let v = slots[i]!; slots[i] = nil; return v }
}
