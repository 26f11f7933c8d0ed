#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The L2-regularised logistic loss in scikit-learn's C form,
/// f(w, b) = ½‖w‖² + C Σᵢ sᵢ [log(1 + e^{zᵢ}) − yᵢ zᵢ], zᵢ = w·xᵢ + b,
/// with its gradient and Hessian; the intercept b (last parameter) is not penalised.
struct LogisticObjective: Sendable {
    let x: [Double]
    let labels: [UInt8]
    let weights: [Double]
    let rows: Int
    let columns: Int
    let C: Double
    let blocks: RowBlocks

    init(features: FeatureTable, labels: [UInt8], weights: [Double], C: Double) {
        x = features.values
        self.labels = labels
        self.weights = weights
        rows = features.rowCount
        columns = features.columnCount
        self.C = C
        blocks = RowBlocks(count: rows)
    }

    /// log(1 + eᶻ) without overflow.
    @inline(__always)
    static func softplus(_ z: Double) -> Double { max(z, 0) + log1p(exp(-abs(z))) }

    /// 1 / (1 + e⁻ᶻ).
    @inline(__always)
    static func sigmoid(_ z: Double) -> Double { z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z)) }

    func value(_ theta: [Double]) -> Double {
        let p = columns
        let parts = blocks.map { range -> Double in
            x.withUnsafeBufferPointer { x in
                var loss = 0.0
                for i in range {
                    var z = theta[p]
                    for j in 0..<p { z += theta[j] * x[i * p + j] }
                    loss += weights[i] * (Self.softplus(z) - Double(labels[i]) * z)
                }
                return loss
            }
        }
        var penalty = 0.0
        for j in 0..<p { penalty += theta[j] * theta[j] }
        return 0.5 * penalty + C * parts.reduce(0, +)
    }

    func secondOrder(_ theta: [Double]) -> DampedNewton.SecondOrder {
        let p = columns, d = columns + 1
        let parts = blocks.map { range -> (Double, [Double], [Double]) in
            var gradient = [Double](repeating: 0, count: d)
            var hessian = [Double](repeating: 0, count: d * d)
            var row = [Double](repeating: 1, count: d)
            var loss = 0.0
            x.withUnsafeBufferPointer { x in
                theta.withUnsafeBufferPointer { theta in
                    weights.withUnsafeBufferPointer { weights in
                        labels.withUnsafeBufferPointer { labels in
                            gradient.withUnsafeMutableBufferPointer { g in
                                hessian.withUnsafeMutableBufferPointer { h in
                                    row.withUnsafeMutableBufferPointer { a in
                                        loss = Self.accumulateSecondOrder(rows: range, columns: p, x: x, theta: theta,
                                                                          weights: weights, labels: labels,
                                                                          row: a, gradient: g, hessian: h)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return (loss, gradient, hessian)
        }
        var loss = 0.0
        var gradient = [Double](repeating: 0, count: d)
        var hessian = [Double](repeating: 0, count: d * d)
        for (l, g, h) in parts {
            loss += l
            for j in 0..<d { gradient[j] += g[j] }
            for k in 0..<(d * d) { hessian[k] += h[k] }
        }
        var penalty = 0.0
        for j in 0..<d {
            gradient[j] *= C
            for k in j..<d { hessian[j * d + k] *= C }
        }
        for j in 0..<p {
            penalty += theta[j] * theta[j]
            gradient[j] += theta[j]
            hessian[j * d + j] += 1
        }
        return (0.5 * penalty + C * loss, gradient, hessian)
    }

    /// Kernel: the loss of `rows` and their sums into the gradient and the upper triangle of the Hessian
    /// (dimension `columns + 1`, the intercept last; `row` holds the current row with a trailing 1). Unsafe
    /// buffers and wrapping index arithmetic: every index is below `rows.upperBound * columns` or `d * d`, which
    /// the caller's allocations guarantee. Checked, this loop cost 1.27× the instructions of churn training
    /// (logistic, 20k customers; BENCHMARKS.md "checked-builds").
    @inline(__always)
    static func accumulateSecondOrder(rows: Range<Int>, columns p: Int, x: UnsafeBufferPointer<Double>,
                                      theta: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>,
                                      labels: UnsafeBufferPointer<UInt8>, row a: UnsafeMutableBufferPointer<Double>,
                                      gradient g: UnsafeMutableBufferPointer<Double>,
                                      hessian h: UnsafeMutableBufferPointer<Double>) -> Double {
        let d = p &+ 1
        var loss = 0.0
        for i in rows {
            let base = i &* p
            var z = theta[p]
            for j in 0..<p {
                a[j] = x[base &+ j]
                z += theta[j] * a[j]
            }
            let s = weights[i], y = Double(labels[i])
            let prob = sigmoid(z)
            loss += s * (softplus(z) - y * z)
            let residual = s * (prob - y)
            let curvature = s * prob * (1 - prob)
            for j in 0..<d {
                g[j] += residual * a[j]
                let hj = curvature * a[j]
                let rowStart = j &* d
                for k in j..<d { h[rowStart &+ k] += hj * a[k] }
            }
        }
        return loss
    }
}
