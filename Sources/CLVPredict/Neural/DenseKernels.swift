/// The two products a dense layer needs, with eight outputs at a time held in SIMD registers
/// (row-major matrices; the order of every sum is fixed, so results do not depend on the machine's
/// vector width). Kernels: the index arithmetic wraps (`&*`, `&+`), since every index is below the size of a
/// buffer the caller allocated; checked, it cost the MLP's training 1.28× the instructions.
enum DenseKernels {
    /// out[j] = bias[j] + Σₖ a[k]·W[k][j] for j < n, W row-major m × n. (No test for zero inputs: a
    /// branch on half-inactive ReLU units mispredicts more than the multiplications cost.)
    @inline(__always)
    static func affine(_ a: UnsafePointer<Double>, m: Int, weights w: UnsafePointer<Double>, bias: UnsafePointer<Double>,
                       n: Int, into out: UnsafeMutablePointer<Double>) {
        var j0 = 0
        while j0 &+ 8 <= n {
            var acc = load8(bias + j0)
            for k in 0..<m {
                acc += a[k] * load8(w + (k &* n &+ j0))
            }
            store8(acc, out + j0)
            j0 &+= 8
        }
        while j0 < n {
            var sum = bias[j0]
            for k in 0..<m { sum += a[k] * w[k &* n &+ j0] }
            out[j0] = sum
            j0 &+= 1
        }
    }

    /// g[k][j] = decay·W[k][j] + Σᵢ a[i][k]·d[i][j] over `rows` rows, a row-major rows × m, d rows × n.
    @inline(__always)
    static func weightGradient(_ a: UnsafePointer<Double>, m: Int, deltas d: UnsafePointer<Double>, n: Int, rows: Int,
                               weights w: UnsafePointer<Double>, decay: Double, into g: UnsafeMutablePointer<Double>) {
        for k in 0..<m {
            var j0 = 0
            while j0 &+ 8 <= n {
                var acc = SIMD8<Double>(repeating: 0)
                for i in 0..<rows {
                    acc += a[i &* m &+ k] * load8(d + (i &* n &+ j0))
                }
                store8(acc + decay * load8(w + (k &* n &+ j0)), g + (k &* n &+ j0))
                j0 &+= 8
            }
            while j0 < n {
                var sum = 0.0
                for i in 0..<rows { sum += a[i &* m &+ k] * d[i &* n &+ j0] }
                g[k &* n &+ j0] = sum + decay * w[k &* n &+ j0]
                j0 &+= 1
            }
        }
    }

    @inline(__always)
    static func load8(_ p: UnsafePointer<Double>) -> SIMD8<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self)
    }

    @inline(__always)
    static func store8(_ v: SIMD8<Double>, _ p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Double>.self)
    }
}
