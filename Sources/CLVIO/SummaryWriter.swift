import CLVIngest
import CLVCore
import Foundation
import _CLVUtilities

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
    public static func columns(of table: SummaryTable) -> [String] { SummaryLayout(table).columns }

    /// Writes the table to `output`, formatting rows on all cores for large tables.
    public static func write(_ table: SummaryTable, format: TableFormat, to output: OutputFile) throws {
        let layout = SummaryLayout(table)
        let names = layout.columns
        let days = table.firstPurchase.map(\.daysSinceEpoch) + table.lastPurchase.map(\.daysSinceEpoch)
        let dates = DateTexts(from: days.min() ?? 0, through: days.max() ?? 0)
        try writeHeader(names, format: format, to: output)
        try writeChunks(count: table.count, to: output) { _, range, w in
            for i in range {
                var id = table.customerIDs[i]
                var channel = table.acquisitionChannel?[i] ?? ""
                id.withUTF8 { bytes in
                    channel.withUTF8 { channelBytes in
                        append(table.row(i, customerID: bytes, acquisitionChannel: channelBytes), layout: layout, names: names,
                               format: format, dates: dates, to: &w)
                    }
                }
            }
        }
    }

    /// Writes the header line (CSV only).
    static func writeHeader(_ names: [String], format: TableFormat, to output: OutputFile) throws {
        if format == .csv { try output.write(names.joined(separator: ",") + "\n") }
    }

    /// Formats `count` items in chunks of `chunkSize` on all cores and writes the chunks in order.
    /// `formatChunk` appends the lines of the items in `range` (chunk number `chunk`) to the writer; it is
    /// called from several threads at once, each time for a different chunk.
    static func writeChunks(count n: Int, chunkSize: Int = 16_384, to output: OutputFile,
                            _ formatChunk: @Sendable (_ chunk: Int, _ range: Range<Int>, _ writer: inout ByteWriter) -> Void) throws {
        let chunks = (n + chunkSize - 1) / chunkSize
        let parallel = 4
        // Two sets of buffers, reused from batch to batch (their pages are touched once): while one set's
        // batch is being written by the writer thread, the next batch is formatted into the other.
        let sets = (0..<2).map { _ in ConcurrentResults<ByteWriter>(count: parallel) }
        for set in sets { for k in 0..<parallel { set.set(k, ByteWriter(capacity: chunkSize * 112)) } }
        let writer = DispatchQueue(label: "clvkit.summary-writer")
        let written = DispatchSemaphore(value: 0)
        let failure = Locked<(any Error)?>(nil) // the first error of the writer thread
        var writing = false
        var done = 0
        var batchNumber = 0
        while done < chunks {
            let batch = min(chunks - done, parallel)
            let firstChunk = done
            let buffers = sets[batchNumber & 1]
            DispatchQueue.concurrentPerform(iterations: batch) { k in
                let lower = (firstChunk + k) * chunkSize
                var w = buffers.take(k)
                w.removeAll()
                formatChunk(firstChunk + k, lower..<min(lower + chunkSize, n), &w)
                buffers.set(k, w)
            }
            if writing { written.wait() }
            if let error = failure.withLock({ $0 }) { throw error }
            let target = UncheckedPair(output, buffers)
            writer.async {
                do {
                    for k in 0..<batch {
                        let w = target.b.take(k)
                        defer { target.b.set(k, w) }
                        try target.a.write(w)
                    }
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                }
                written.signal()
            }
            writing = true
            done += batch
            batchNumber += 1
        }
        if writing { written.wait() }
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// Appends one line: CSV, or a JSON object whose keys are `names`.
    @inline(__always)
    static func append(_ row: SummaryRow, layout: SummaryLayout, names: [String], format: TableFormat, dates: DateTexts,
                       to w: inout ByteWriter) {
        if format == .csv {
            if layout.isPlain, appendPlainCSV(row, dates: dates, to: &w) { return }
            w.appendCSVField(row.customerID)
            values(row, layout, dates, &w, json: false) { w, _ in w.append(byte: 0x2C) }
            w.append(byte: 0x0A)
        } else {
            w.append("{\"customer_id\":" as StaticString)
            w.appendJSONString(row.customerID)
            values(row, layout, dates, &w, json: true) { w, k in
                w.append(byte: 0x2C)
                w.appendJSONString(names[k])
                w.append(byte: 0x3A)
            }
            w.append("}\n" as StaticString)
        }
    }

    /// The CSV line of the plain layout (lifetimes' columns and the extras, no holdout, quantity or channel)
    /// written at a pointer after one reservation: the same bytes as the general path, which is taken
    /// instead (false) for an id that needs quotes and for values outside the fast forms.
    @inline(__always)
    static func appendPlainCSV(_ r: SummaryRow, dates: DateTexts, to w: inout ByteWriter) -> Bool {
        let id = r.customerID
        guard id.count <= 1024, r.orders >= 0, !ByteWriter.needsQuotes(id) else { return false }
        w.storage.reserve(id.count + 512)
        let out = w.storage.base + w.storage.count
        if let source = id.baseAddress { out.update(from: source, count: id.count) }
        var k = id.count
        @inline(__always) func number(_ v: Double) -> Bool {
            out[k] = 0x2C
            guard let n = ByteWriter.put(v, at: out + k + 1) else { return false }
            k &+= n &+ 1
            return true
        }
        @inline(__always) func day(_ d: CalendarDay) -> Bool {
            out[k] = 0x2C
            guard dates.put(d, at: out + k + 1) else { return false }
            k &+= 11
            return true
        }
        guard number(Double(r.repeatPurchases)), number(r.recency), number(r.age), number(r.monetaryValue),
              day(r.firstPurchase), day(r.lastPurchase) else { return false }
        out[k] = 0x2C
        k &+= 1 &+ ByteWriter.put(UInt(r.orders), at: out + k + 1)
        guard number(r.totalSpend), number(r.orders > 0 ? r.totalSpend / Double(r.orders) : 0) else { return false }
        out[k] = 0x0A
        w.storage.count &+= k &+ 1 // k is below the 1,536 bytes reserved
        return true
    }

    /// Writes the values after `customer_id`; `separator` is called before each one with its column index.
    @inline(__always)
    static func values(_ r: SummaryRow, _ layout: SummaryLayout, _ dates: DateTexts, _ w: inout ByteWriter, json: Bool,
                       separator: (inout ByteWriter, Int) -> Void) {
        var k = 1
        func next(_ w: inout ByteWriter) { separator(&w, k); k += 1 }
        func day(_ d: CalendarDay, _ w: inout ByteWriter) {
            if json { w.append(byte: 0x22) }
            dates.append(d, to: &w)
            if json { w.append(byte: 0x22) }
        }
        next(&w); w.append(Double(r.repeatPurchases))
        next(&w); w.append(r.recency)
        next(&w); w.append(r.age)
        if layout.hasMonetary { next(&w); w.append(money: r.monetaryValue) }
        if let duration = layout.holdoutDuration {
            next(&w); w.append(Double(r.holdoutFrequency))
            if layout.hasMonetary { next(&w); w.append(money: r.holdoutMonetaryValue) }
            next(&w); w.append(duration)
        }
        next(&w); day(r.firstPurchase, &w)
        next(&w); day(r.lastPurchase, &w)
        next(&w); w.append(Int(r.orders))
        if layout.hasMonetary {
            next(&w); w.append(money: r.totalSpend)
            next(&w); w.append(money: r.orders > 0 ? r.totalSpend / Double(r.orders) : 0)
        }
        if layout.quantity { next(&w); w.append(r.totalQuantity) }
        if layout.channel {
            next(&w); json ? w.appendJSONString(r.acquisitionChannel) : w.appendCSVField(r.acquisitionChannel)
            next(&w); w.append(Int(r.channelCount))
        }
    }
}

extension SummaryTable {
    /// Row `i` as written, with `customerID` and `acquisitionChannel` standing for its id and channel.
    func row(_ i: Int, customerID: UnsafeBufferPointer<UInt8>, acquisitionChannel: UnsafeBufferPointer<UInt8>) -> SummaryRow {
        var row = SummaryRow(customerID: customerID, repeatPurchases: repeatPurchases[i], recency: recency[i], age: age[i],
                             monetaryValue: monetaryValue[i], firstPurchase: firstPurchase[i], lastPurchase: lastPurchase[i],
                             orders: orders[i], totalSpend: totalSpend[i])
        if let f = holdoutFrequency { row.holdoutFrequency = f[i] }
        if let m = holdoutMonetaryValue { row.holdoutMonetaryValue = m[i] }
        if let q = totalQuantity { row.totalQuantity = q[i] }
        row.acquisitionChannel = acquisitionChannel
        if let c = channelCount { row.channelCount = c[i] }
        return row
    }
}

/// `YYYY-MM-DD` texts of every day in a range (a table's earliest to latest purchase), computed once, so
/// that writers of large tables do not format a date per row.
public struct DateTexts: @unchecked Sendable {
    let first: Int32
    let texts: [UInt8]

    /// The texts of the days `lo` through `hi` (days since 1970-01-01); more than 200,000 days keeps none.
    public init(from lo: Int32, through hi: Int32) {
        first = lo
        var texts: [UInt8] = []
        if hi >= lo, hi - lo < 200_000 {
            texts.reserveCapacity(Int(hi - lo + 1) * 10)
            for d in lo...hi { texts += Array(CalendarDay(daysSinceEpoch: d).description.utf8.prefix(10)) }
        }
        self.texts = texts
    }

    /// Writes the day's text at `out` (room for 16 bytes); false when it is outside the table.
    @inline(__always)
    func put(_ d: CalendarDay, at out: UnsafeMutablePointer<UInt8>) -> Bool {
        let k = Int(d.daysSinceEpoch - first)
        guard k >= 0, (k + 1) * 10 <= texts.count else { return false }
        texts.withUnsafeBytes { ByteWriter.putTen($0.baseAddress! + k * 10, at: out) }
        return true
    }

    /// Appends `d` as `YYYY-MM-DD` (formatted on the spot outside the range).
    @inline(__always)
    public func append(_ d: CalendarDay, to w: inout ByteWriter) {
        let k = Int(d.daysSinceEpoch - first)
        if k >= 0, (k + 1) * 10 <= texts.count {
            texts.withUnsafeBytes { w.appendTen($0.baseAddress! + k * 10) }
        } else {
            w.append(d.description)
        }
    }
}
