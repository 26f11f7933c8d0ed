/// The row indices that sort `scores` from highest to lowest, ties in row order.
///
/// Short arrays use a comparison sort with the row as tie-breaker. Longer ones use a stable
/// least-significant-digit radix sort (six 11-bit digits) on an order-preserving encoding of the
/// doubles, skipping the digits that every key shares. `-0.0` is encoded as `0.0`, so the two tie.
/// - Precondition: every score is finite, and there are fewer than 2³² scores.
/// - Complexity: O(n) for n ≥ 256.
func descendingStableOrder(_ scores: [Double]) -> [Int] {
    let n = scores.count
    if n < 256 {
        return (0 ..< n).sorted { a, b in
            scores[a] > scores[b] || (scores[a] == scores[b] && a < b)
        }
    }
    precondition(n < Int(UInt32.max), "too many scores to rank")
    let digitBits = 11, bucketCount = 1 << 11, passes = 6
    let digitMask: UInt64 = (1 << 11) - 1

    var keys = [UInt64](repeating: 0, count: n)
    var histograms = [Int](repeating: 0, count: passes * bucketCount)
    keys.withUnsafeMutableBufferPointer { keys in
        histograms.withUnsafeMutableBufferPointer { histograms in
            scores.withUnsafeBufferPointer { scores in
                for i in 0 ..< n {
                    let key = descendingKey(scores[i])
                    keys[i] = key
                    for pass in 0 ..< passes {
                        histograms[pass * bucketCount + Int((key >> UInt64(pass * digitBits)) & digitMask)] += 1
                    }
                }
            }
        }
    }

    var order = [UInt32](unsafeUninitializedCapacity: n) { buffer, initialized in
        for i in 0 ..< n { buffer[i] = UInt32(i) }
        initialized = n
    }
    var keysOut = [UInt64](repeating: 0, count: n)
    var orderOut = [UInt32](repeating: 0, count: n)
    var offsets = [Int](repeating: 0, count: bucketCount)
    for pass in 0 ..< passes {
        let histogram = histograms[pass * bucketCount ..< (pass + 1) * bucketCount]
        if histogram.contains(n) { continue }  // every key has the same digit here
        var running = 0
        for (bucket, size) in histogram.enumerated() {
            offsets[bucket] = running
            running += size
        }
        let shift = UInt64(pass * digitBits)
        keys.withUnsafeBufferPointer { keys in
            order.withUnsafeBufferPointer { order in
                keysOut.withUnsafeMutableBufferPointer { keysOut in
                    orderOut.withUnsafeMutableBufferPointer { orderOut in
                        offsets.withUnsafeMutableBufferPointer { offsets in
                            for i in 0 ..< n {
                                let key = keys[i]
                                let bucket = Int((key >> shift) & digitMask)
                                let target = offsets[bucket]
                                offsets[bucket] = target + 1
                                keysOut[target] = key
                                orderOut[target] = order[i]
                            }
                        }
                    }
                }
            }
        }
        swap(&keys, &keysOut)
        swap(&order, &orderOut)
    }
    return order.map { Int($0) }
}

/// An unsigned key whose ascending order is the descending order of the finite double `x`.
@inline(__always)
private func descendingKey(_ x: Double) -> UInt64 {
    let bits = (x == 0 ? 0.0 : x).bitPattern
    let ascending = bits >> 63 == 1 ? ~bits : bits | (1 << 63)
    return ~ascending
}
