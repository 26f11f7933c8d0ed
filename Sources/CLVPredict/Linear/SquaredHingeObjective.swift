/// The primal L2-regularised squared-hinge loss of liblinear's solver 2 (scikit-learn's `LinearSVC`),
/// f(θ) = ½‖θ‖² + Σᵢ Cᵢ max(0, 1 − tᵢ θ·aᵢ)², with tᵢ = ±1 and aᵢ = (xᵢ, interceptScaling): the
/// intercept is the weight of a constant feature and is penalised like the others.
///
/// f is differentiable with a piecewise-constant generalized Hessian I + 2 Σ_{active} Cᵢ aᵢaᵢᵀ over the
/// rows with a positive margin violation; Newton's method on it ends in finitely many steps once
/// the active set settles.
///
/// > Keerthi, S. S. & DeCoste, D. (2005). A modified finite Newton method for fast solution of large
/// > scale linear SVMs. *Journal of Machine Learning Research* 6, 341–361.
struct SquaredHingeObjective: Sendable {
    let x: [Double]
    let signs: [Double]
    /// Cᵢ = C × row weight.
    let costs: [Double]
    let rows: Int
    let columns: Int
    let interceptScaling: Double
    let blocks: RowBlocks

    init(features: FeatureTable, labels: [UInt8], weights: [Double], C: Double, interceptScaling: Double) {
        x = features.values
        signs = labels.map { $0 == 1 ? 1 : -1 }
        costs = weights.map { C * $0 }
        rows = features.rowCount
        columns = features.columnCount
        self.interceptScaling = interceptScaling
        blocks = RowBlocks(count: rows)
    }

    func value(_ theta: [Double]) -> Double {
        let p = columns
        let parts = blocks.map { range -> Double in
            x.withUnsafeBufferPointer { x in
                var loss = 0.0
                for i in range {
                    var z = theta[p] * interceptScaling
                    for j in 0..<p { z += theta[j] * x[i * p + j] }
                    let margin = 1 - signs[i] * z
                    if margin > 0 { loss += costs[i] * margin * margin }
                }
                return loss
            }
        }
        return 0.5 * theta.reduce(0) { $0 + $1 * $1 } + parts.reduce(0, +)
    }

    func secondOrder(_ theta: [Double]) -> DampedNewton.SecondOrder {
        let p = columns, d = columns + 1
        let parts = blocks.map { range -> (Double, [Double], [Double]) in
            var gradient = [Double](repeating: 0, count: d)
            var hessian = [Double](repeating: 0, count: d * d)
            var row = [Double](repeating: interceptScaling, count: d)
            var loss = 0.0
            x.withUnsafeBufferPointer { x in
                gradient.withUnsafeMutableBufferPointer { g in
                    hessian.withUnsafeMutableBufferPointer { h in
                        row.withUnsafeMutableBufferPointer { a in
                            for i in range {
                                var z = theta[p] * interceptScaling
                                for j in 0..<p {
                                    a[j] = x[i * p + j]
                                    z += theta[j] * a[j]
                                }
                                let margin = 1 - signs[i] * z
                                guard margin > 0 else { continue }
                                let cost = costs[i]
                                loss += cost * margin * margin
                                let pull = -2 * cost * signs[i] * margin
                                let curvature = 2 * cost
                                for j in 0..<d {
                                    g[j] += pull * a[j]
                                    let hj = curvature * a[j]
                                    for k in j..<d { h[j * d + k] += hj * a[k] }
                                }
                            }
                        }
                    }
                }
            }
            return (loss, gradient, hessian)
        }
        var loss = 0.0
        var gradient = theta
        var hessian = [Double](repeating: 0, count: d * d)
        for j in 0..<d { hessian[j * d + j] = 1 }
        for (l, g, h) in parts {
            loss += l
            for j in 0..<d { gradient[j] += g[j] }
            for k in 0..<(d * d) { hessian[k] += h[k] }
        }
        return (0.5 * theta.reduce(0) { $0 + $1 * $1 } + loss, gradient, hessian)
    }
}
