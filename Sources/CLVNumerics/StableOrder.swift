/// The order of a column of numbers that rank-based scores need (quantile scores, NTILE, ABC, deciles).
public enum StableOrder {
    /// Row indices by ascending key (the value, negated when descending), ties by row: a stable least-significant-
    /// digit radix sort on the keys' order-preserving bit patterns, 16 bits a pass (passes in which every key has
    /// the same digit are skipped). −0.0 and 0.0 are equal keys, as under `<`. The values must not be NaN.
    public static func ascending(_ values: [Double], descending: Bool = false) -> [Int32] {
        let n = values.count
        guard n >= 1024 else {
            return values.indices.map { Int32($0) }.sorted { a, b in
                let (x, y) = descending ? (-values[Int(a)], -values[Int(b)]) : (values[Int(a)], values[Int(b)])
                return x < y || (x == y && a < b)
            }
        }
        let sign: UInt64 = 1 << 63
        var keys = [UInt64](repeating: 0, count: n), spareKeys = [UInt64](repeating: 0, count: n)
        var order = (0..<n).map { Int32($0) }, spareOrder = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            let bits = ((descending ? -values[i] : values[i]) + 0.0).bitPattern
            keys[i] = bits & sign != 0 ? ~bits : bits | sign
        }
        var counts = [Int](repeating: 0, count: 1 << 16)
        for shift in stride(from: UInt64(0), to: 64, by: 16) {
            keys.withUnsafeBufferPointer { k in
                counts.withUnsafeMutableBufferPointer { c in
                    for j in c.indices { c[j] = 0 }
                    for i in 0..<n { c[Int((k[i] >> shift) & 0xFFFF)] += 1 }
                }
            }
            if counts.contains(n) { continue } // one digit for every key: the pass would not move anything
            counts.withUnsafeMutableBufferPointer { c in
                var total = 0
                for j in c.indices { let v = c[j]; c[j] = total; total += v }
            }
            keys.withUnsafeBufferPointer { k in
                order.withUnsafeBufferPointer { o in
                    spareKeys.withUnsafeMutableBufferPointer { sk in
                        spareOrder.withUnsafeMutableBufferPointer { so in
                            counts.withUnsafeMutableBufferPointer { c in
                                for i in 0..<n {
                                    let d = Int((k[i] >> shift) & 0xFFFF)
                                    let at = c[d]
                                    c[d] = at + 1
                                    sk[at] = k[i]
                                    so[at] = o[i]
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &spareKeys)
            swap(&order, &spareOrder)
        }
        return order
    }
}
