/// Each row's weight w and weighted target w·t, stored as compactly as the data allow.
///
/// The split scan reads these in the random order of a sorted feature, so their size decides how
/// much of them stays in cache: bootstrap counts with 0/1 labels fit in 2 bytes a row, unit weights
/// need only the target, anything else takes both doubles. The sums come out the same in every form
/// (the compact forms only hold small integers and 0/1, which convert exactly).
enum TreeRowData: @unchecked Sendable {
    /// (w, w·t) as doubles.
    case general(UnsafeMutablePointer<SIMD2<Double>>)
    /// w·2 + t for integer weights 0…255 and targets 0 or 1.
    case countedLabels(UnsafeMutablePointer<UInt16>)
    /// t, for weights that are all 0 or 1 (rows of weight 0 are never read).
    case unitWeights(UnsafePointer<Double>)

    /// The compactest form for these weights and targets (`target` must outlive the result).
    init(weight: UnsafeBufferPointer<Double>, target: UnsafeBufferPointer<Double>) {
        let n = weight.count
        let labels = target.allSatisfy { $0 == 0 || $0 == 1 }
        if labels, weight.allSatisfy({ $0 >= 0 && $0 <= 255 && $0.rounded() == $0 }) {
            let packed = UnsafeMutablePointer<UInt16>.allocate(capacity: max(1, n))
            for r in 0..<n { packed[r] = UInt16(weight[r]) << 1 | UInt16(target[r]) }
            self = .countedLabels(packed)
        } else if weight.allSatisfy({ $0 == 0 || $0 == 1 }) {
            self = .unitWeights(target.baseAddress!)
        } else {
            let pairs = UnsafeMutablePointer<SIMD2<Double>>.allocate(capacity: max(1, n))
            for r in 0..<n { pairs[r] = SIMD2(weight[r], weight[r] * target[r]) }
            self = .general(pairs)
        }
    }

    func deallocate() {
        switch self {
        case let .general(pairs): pairs.deallocate()
        case let .countedLabels(packed): packed.deallocate()
        case .unitWeights: break
        }
    }
}

/// Adds one row's (w, w·t) to running sums.
protocol TreeRowAccumulator {
    func add(_ row: Int, to sums: inout SIMD2<Double>)
}

struct TreeGeneralRows: TreeRowAccumulator {
    let pairs: UnsafeMutablePointer<SIMD2<Double>>
    @inline(__always) func add(_ row: Int, to sums: inout SIMD2<Double>) { sums += pairs[row] }
}

struct TreeCountedLabelRows: TreeRowAccumulator {
    let packed: UnsafeMutablePointer<UInt16>
    @inline(__always) func add(_ row: Int, to sums: inout SIMD2<Double>) {
        let v = packed[row]
        let count = Double(v >> 1)
        sums += SIMD2(count, count * Double(v & 1))
    }
}

struct TreeUnitWeightRows: TreeRowAccumulator {
    let targets: UnsafePointer<Double>
    @inline(__always) func add(_ row: Int, to sums: inout SIMD2<Double>) { sums += SIMD2(1, targets[row]) }
}
